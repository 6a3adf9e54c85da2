// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Shared set-up of the ConsortiumRegistry tests: a consortium of N governors with known keys, and shortcuts that run a
// proposal through to execution the way real governors would.
import {AccountBinding} from "../testing/AccountBinding.sol";
import {ConsortiumRegistry} from "./ConsortiumRegistry.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

abstract contract ConsortiumRegistryHarness is AccountBinding {
    uint64 internal constant PERIOD = 1 days;
    uint256 internal constant FIRST_KEY = 0xA11CE;

    ConsortiumRegistry internal registry;
    address[] internal governors;

    function governorKey(uint256 i) internal pure returns (uint256) {
        return FIRST_KEY + i;
    }

    function deployWithGovernors(uint256 n) internal {
        delete governors;
        string[] memory names = new string[](n);
        bytes32[][] memory roles = new bytes32[][](n);
        for (uint256 i = 0; i < n; i++) {
            governors.push(vm.addr(governorKey(i)));
            names[i] = "operator";
        }
        registry = new ConsortiumRegistry(governors, names, roles);
    }

    function noRoles() internal pure returns (bytes32[] memory) {
        return new bytes32[](0);
    }

    function oneRole(bytes32 role) internal pure returns (bytes32[] memory roles) {
        roles = new bytes32[](1);
        roles[0] = role;
    }

    function twoRoles(bytes32 first, bytes32 second) internal pure returns (bytes32[] memory roles) {
        roles = new bytes32[](2);
        roles[0] = first;
        roles[1] = second;
    }

    function proposeAs(
        address proposer,
        IConsortiumRegistry.ProposalKind kind,
        address target,
        bytes32[] memory roles
    ) internal returns (uint256 id) {
        string memory name = kind == IConsortiumRegistry.ProposalKind.Admit ? "newcomer" : "";
        vm.prank(proposer);
        id = registry.propose(kind, target, name, roles, PERIOD);
    }

    function statusOf(uint256 id) internal view returns (IConsortiumRegistry.ProposalStatus) {
        return registry.proposal(id).status;
    }

    function isExecuted(uint256 id) internal view returns (bool) {
        return statusOf(id) == IConsortiumRegistry.ProposalStatus.Executed;
    }

    /// @dev Has current governors other than `skip` approve `id` until it executes.
    function approveUntilExecuted(uint256 id, address skip) internal {
        address[] memory current = registry.members();
        for (uint256 i = 0; i < current.length && !isExecuted(id); i++) {
            address g = current[i];
            if (g == skip || !registry.isGovernor(g) || registry.hasApproved(id, g)) continue;
            vm.prank(g);
            registry.approve(id);
        }
        assertTrue(isExecuted(id), "proposal executed by the remaining governors");
    }

    /// @dev Removes `target` through governance, proposed by `proposer`; the target may have to approve its own removal
    /// when the others are not a majority without it.
    function removeThroughGovernance(address proposer, address target) internal {
        uint256 id = proposeAs(proposer, IConsortiumRegistry.ProposalKind.Remove, target, noRoles());
        if (!isExecuted(id)) approveUntilExecuted(id, address(0));
    }

    /// @dev Admits `target` with `roles` through governance.
    function admitThroughGovernance(address target, bytes32[] memory roles) internal {
        uint256 id = proposeAs(governors[0], IConsortiumRegistry.ProposalKind.Admit, target, roles);
        if (!isExecuted(id)) approveUntilExecuted(id, address(0));
    }
}
