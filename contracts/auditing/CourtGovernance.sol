// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The governors' parameter changes for the court (see ICourtGovernance). Deployed by the court's constructor, so the
// court it governs is fixed when it comes to exist.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {GovernorApprovals} from "../roaming/GovernorApprovals.sol";
import {CourtParams} from "./CourtParams.sol";
import {ICourtGovernance} from "./ICourtGovernance.sol";
import {IOutcomeCourt} from "./IOutcomeCourt.sol";

contract CourtGovernance is ICourtGovernance {
    using GovernorApprovals for GovernorApprovals.Set;

    struct ParamsProposal {
        IOutcomeCourt.Params params;
        bool executed;
        GovernorApprovals.Set approvals;
    }

    IConsortiumRegistry private immutable CONSORTIUM;
    IOutcomeCourt private immutable COURT;

    mapping(bytes32 id => ParamsProposal) private _proposals;

    constructor(IConsortiumRegistry consortium_, IOutcomeCourt court_) {
        CONSORTIUM = consortium_;
        COURT = court_;
    }

    /// @inheritdoc ICourtGovernance
    function proposeParams(IOutcomeCourt.Params calldata proposed) external returns (bytes32 id) {
        if (!CONSORTIUM.isGovernor(msg.sender)) revert NotGovernor(msg.sender);
        CourtParams.check(proposed);
        id = keccak256(abi.encode(block.chainid, address(this), msg.sender, proposed));
        ParamsProposal storage proposal = _proposals[id];
        if (proposal.approvals.contains(msg.sender)) revert AlreadyApproved(id, msg.sender);
        proposal.params = proposed;
        emit ParamsProposed(id, msg.sender, proposed);
        _approve(id, proposal);
    }

    /// @inheritdoc ICourtGovernance
    function approveParams(bytes32 id) external {
        if (!CONSORTIUM.isGovernor(msg.sender)) revert NotGovernor(msg.sender);
        ParamsProposal storage proposal = _proposals[id];
        if (proposal.params.firstJurySize == 0 || proposal.executed) revert UnknownProposal(id);
        if (proposal.approvals.contains(msg.sender)) revert AlreadyApproved(id, msg.sender);
        _approve(id, proposal);
    }

    /// @inheritdoc ICourtGovernance
    function court() external view returns (IOutcomeCourt) {
        return COURT;
    }

    /// @inheritdoc ICourtGovernance
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _approve(bytes32 id, ParamsProposal storage proposal) private {
        proposal.approvals.add(msg.sender);
        emit ParamsApproved(id, msg.sender);
        uint256 approvals = proposal.approvals.current(CONSORTIUM);
        if (GovernorApprovals.isMajority(approvals, CONSORTIUM.governorCount())) {
            proposal.executed = true;
            COURT.setParams(id, proposal.params);
            emit IOutcomeCourt.ParamsChanged(id, proposal.params);
        }
    }
}
