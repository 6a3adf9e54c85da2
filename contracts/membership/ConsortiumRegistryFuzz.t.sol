// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Fuzzed proposal rules over random governor counts and approval sets (fixed seed in hardhat.config.ts): a proposal
// executes exactly when a strict majority of the governors in office approved before the deadline.
import {ConsortiumRegistryHarness} from "./ConsortiumRegistryHarness.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";

contract ConsortiumRegistryFuzzTest is ConsortiumRegistryHarness {
    address internal constant NEWCOMER = address(0xC0FFEE);

    function bit(uint256 mask, uint256 i) internal pure returns (bool) {
        return (mask >> i) & 1 == 1;
    }

    function expectNotPending(uint256 id, IConsortiumRegistry.ProposalStatus status) internal {
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ProposalNotPending.selector, id, status));
    }

    function testFuzz_executesExactlyWhenApprovalsAreAStrictMajority(uint8 nSeed, uint256 mask) public {
        uint256 n = bound(nSeed, 1, 12);
        deployWithGovernors(n);
        uint256 id = proposeAs(governors[0], IConsortiumRegistry.ProposalKind.Admit, NEWCOMER, noRoles());
        uint256 approvals = 1;
        for (uint256 i = 1; i < n; i++) {
            if (!bit(mask, i)) continue;
            assertEq(isExecuted(id) ? 1 : 0, approvals * 2 > n ? 1 : 0, "executed iff majority so far");
            if (isExecuted(id)) {
                expectNotPending(id, IConsortiumRegistry.ProposalStatus.Executed);
                vm.prank(governors[i]);
                registry.approve(id);
                continue;
            }
            vm.prank(governors[i]);
            registry.approve(id);
            approvals++;
        }
        bool majority = approvals * 2 > n;
        assertEq(isExecuted(id) ? 1 : 0, majority ? 1 : 0, "executed iff strict majority");
        assertEq(registry.isMember(NEWCOMER) ? 1 : 0, majority ? 1 : 0, "admitted iff executed");
    }

    function testFuzz_neverExecutesAfterTheDeadline(uint8 nSeed, uint256 mask, uint32 lateBy) public {
        uint256 n = bound(nSeed, 2, 12);
        deployWithGovernors(n);
        uint256 id = proposeAs(governors[0], IConsortiumRegistry.ProposalKind.Admit, NEWCOMER, noRoles());
        // Before the deadline: approvals that stay short of a majority.
        uint256 approvals = 1;
        for (uint256 i = 1; i < n && (approvals + 1) * 2 <= n; i++) {
            if (!bit(mask, i)) continue;
            vm.prank(governors[i]);
            registry.approve(id);
            approvals++;
        }
        vm.warp(uint256(registry.proposal(id).deadline) + lateBy);
        for (uint256 i = 1; i < n; i++) {
            if (registry.hasApproved(id, governors[i])) continue;
            expectNotPending(id, IConsortiumRegistry.ProposalStatus.Expired);
            vm.prank(governors[i]);
            registry.approve(id);
        }
        expectNotPending(id, IConsortiumRegistry.ProposalStatus.Expired);
        vm.prank(governors[0]);
        registry.execute(id);
        assertTrue(registry.proposal(id).status == IConsortiumRegistry.ProposalStatus.Expired, "expired");
        assertFalse(registry.isMember(NEWCOMER), "never admitted");
    }

    function testFuzz_approvalsOfRemovedGovernorsDoNotCount(
        uint8 nSeed,
        uint256 approveMask,
        uint256 removeMask
    ) public {
        uint256 n = bound(nSeed, 3, 10);
        deployWithGovernors(n);
        address proposer = governors[0];
        uint256 id = proposeAs(proposer, IConsortiumRegistry.ProposalKind.Admit, NEWCOMER, noRoles());
        uint256 approved = 1;
        for (uint256 i = 1; i < n && (approved + 1) * 2 <= n; i++) {
            if (!bit(approveMask, i)) continue;
            vm.prank(governors[i]);
            registry.approve(id);
            approved++;
        }
        // Remove a random subset of the other governors; the proposer stays, so the consortium keeps a governor.
        uint256 removed;
        uint256 removedApprovers;
        for (uint256 i = 1; i < n; i++) {
            if (!bit(removeMask, i)) continue;
            if (registry.hasApproved(id, governors[i])) removedApprovers++;
            removeThroughGovernance(proposer, governors[i]);
            removed++;
        }
        uint256 governorsLeft = n - removed;
        uint256 counted = approved - removedApprovers;
        assertEq(registry.governorCount(), governorsLeft, "governor count");
        assertEq(registry.proposal(id).approvals, counted, "only governors in office count");

        if (counted * 2 > governorsLeft) {
            vm.prank(proposer);
            registry.execute(id);
        } else {
            vm.expectRevert(
                abi.encodeWithSelector(IConsortiumRegistry.MajorityNotReached.selector, id, counted, governorsLeft)
            );
            vm.prank(proposer);
            registry.execute(id);
            // The remaining governors approve one by one: it executes exactly when they make a strict majority.
            for (uint256 i = 1; i < n && !isExecuted(id); i++) {
                address g = governors[i];
                if (!registry.isGovernor(g) || registry.hasApproved(id, g)) continue;
                vm.prank(g);
                registry.approve(id);
                counted++;
                assertEq(isExecuted(id) ? 1 : 0, counted * 2 > governorsLeft ? 1 : 0, "executed iff majority");
            }
        }
        assertTrue(registry.isMember(NEWCOMER), "all remaining governors form a majority");
    }
}
