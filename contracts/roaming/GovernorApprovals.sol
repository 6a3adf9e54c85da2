// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Approvals of a governance proposal, counted against the consortium's governors in office at the time of counting
// (the ConsortiumRegistry rule): a governor removed or demoted after approving no longer counts.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";

library GovernorApprovals {
    /// @notice The governors that approved one proposal.
    struct Set {
        address[] approvers;
        // Position in `approvers` plus one; 0 means "has not approved".
        mapping(address governor => uint256) slot;
    }

    /// @notice Records `governor`'s approval; false when it was already recorded.
    function add(Set storage set, address governor) internal returns (bool) {
        if (set.slot[governor] != 0) return false;
        set.approvers.push(governor);
        set.slot[governor] = set.approvers.length;
        return true;
    }

    /// @notice Removes `governor`'s approval; false when there was none.
    function remove(Set storage set, address governor) internal returns (bool) {
        uint256 slot = set.slot[governor];
        if (slot == 0) return false;
        address last = set.approvers[set.approvers.length - 1];
        set.approvers[slot - 1] = last;
        set.slot[last] = slot;
        set.approvers.pop();
        delete set.slot[governor];
        return true;
    }

    /// @notice Whether `governor` has an approval recorded.
    function contains(Set storage set, address governor) internal view returns (bool) {
        return set.slot[governor] != 0;
    }

    /// @notice The approvals of accounts that are governors now.
    function current(Set storage set, IConsortiumRegistry consortium) internal view returns (uint256 count) {
        address[] storage approvers = set.approvers;
        for (uint256 i = 0; i < approvers.length; i++) {
            if (consortium.isGovernor(approvers[i])) count++;
        }
    }

    /// @notice Whether `approvals` are a strict majority (more than half) of `governors`.
    function isMajority(uint256 approvals, uint256 governors) internal pure returns (bool) {
        return approvals * 2 > governors;
    }
}
