// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of consortium membership: founders, proposals, majority, deadlines, guards and bound accounts.
import {ConsortiumRegistry} from "./ConsortiumRegistry.sol";
import {ConsortiumRegistryHarness} from "./ConsortiumRegistryHarness.sol";
import {IConsortiumRegistry} from "./IConsortiumRegistry.sol";
import {Roles} from "./Roles.sol";

contract ConsortiumRegistryTest is ConsortiumRegistryHarness {
    IConsortiumRegistry.ProposalKind internal constant ADMIT = IConsortiumRegistry.ProposalKind.Admit;
    IConsortiumRegistry.ProposalKind internal constant REMOVE = IConsortiumRegistry.ProposalKind.Remove;
    IConsortiumRegistry.ProposalKind internal constant SET_ROLES = IConsortiumRegistry.ProposalKind.SetRoles;

    uint256 internal constant ACCOUNT_KEY = 0xB0B;
    address internal newcomer = address(0xC0FFEE);
    address internal g0;
    address internal g1;
    address internal g2;

    function setUp() public {
        deployWithGovernors(3);
        g0 = governors[0];
        g1 = governors[1];
        g2 = governors[2];
    }

    // ------------------------------------------------------------ founders

    function test_constructor_makesEveryFounderAGovernorAndKeepsTheirRoles() public {
        address[] memory founders = new address[](2);
        founders[0] = address(0xA);
        founders[1] = address(0xB);
        string[] memory names = new string[](2);
        names[0] = "Alpha Mobile";
        names[1] = "Beta Telecom";
        bytes32[][] memory roles = new bytes32[][](2);
        roles[0] = oneRole(Roles.TNSP);
        roles[1] = oneRole(Roles.GOVERNOR);
        ConsortiumRegistry r = new ConsortiumRegistry(founders, names, roles);
        assertEq(r.governorCount(), 2, "both founders govern");
        assertTrue(r.hasRole(address(0xA), Roles.GOVERNOR), "GOVERNOR added to founder A");
        assertTrue(r.hasRole(address(0xA), Roles.TNSP), "founder A keeps TNSP");
        assertEq(r.rolesOf(address(0xB)).length, 1, "GOVERNOR not added twice");
        assertEq(r.member(address(0xA)).name, "Alpha Mobile", "name recorded");
        assertEq(r.member(address(0xA)).admittedAt, block.timestamp, "admittedAt recorded");
        assertEq(r.members().length, 2, "two members");
        assertEq(r.version(), "1.0.0", "version");
    }

    function test_constructor_rejectsEmptyFounderList() public {
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NoFounders.selector));
        new ConsortiumRegistry(new address[](0), new string[](0), new bytes32[][](0));
    }

    function test_constructor_rejectsMismatchedLists() public {
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.FounderListMismatch.selector, 1, 0, 1));
        new ConsortiumRegistry(new address[](1), new string[](0), new bytes32[][](1));
    }

    function test_constructor_rejectsZeroFounder() public {
        string[] memory names = new string[](1);
        names[0] = "zero";
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ZeroMemberAddress.selector));
        new ConsortiumRegistry(new address[](1), names, new bytes32[][](1));
    }

    function test_constructor_rejectsDuplicateFounder() public {
        address[] memory founders = new address[](2);
        founders[0] = address(0xA);
        founders[1] = address(0xA);
        string[] memory names = new string[](2);
        names[0] = "a";
        names[1] = "a again";
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.MemberAlreadyExists.selector, address(0xA)));
        new ConsortiumRegistry(founders, names, new bytes32[][](2));
    }

    // ------------------------------------------------------------ proposing and approving

    function test_propose_rejectsNonGovernor() public {
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotGovernor.selector, newcomer));
        proposeAs(newcomer, ADMIT, address(0xD00D), noRoles());
    }

    function test_propose_rejectsMemberWithoutGovernorRole() public {
        admitThroughGovernance(newcomer, oneRole(Roles.TNSP));
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotGovernor.selector, newcomer));
        proposeAs(newcomer, ADMIT, address(0xD00D), noRoles());
    }

    function test_propose_rejectsVotingPeriodOutsideOneHourToThirtyDays() public {
        uint64 min = registry.MIN_VOTING_PERIOD();
        uint64 max = registry.MAX_VOTING_PERIOD();
        vm.startPrank(g0);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.VotingPeriodOutOfRange.selector, min - 1, min, max));
        registry.propose(ADMIT, newcomer, "n", noRoles(), min - 1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.VotingPeriodOutOfRange.selector, max + 1, min, max));
        registry.propose(ADMIT, newcomer, "n", noRoles(), max + 1);
        registry.propose(ADMIT, newcomer, "n", noRoles(), max);
        vm.stopPrank();
        assertEq(min, 1 hours, "min is one hour");
        assertEq(max, 30 days, "max is thirty days");
    }

    function test_propose_countsTheProposersApproval() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, oneRole(Roles.TNSP));
        IConsortiumRegistry.Proposal memory p = registry.proposal(id);
        assertEq(id, 1, "first id is 1");
        assertEq(registry.proposalCount(), 1, "count");
        assertEq(p.approvals, 1, "proposer approved");
        assertTrue(registry.hasApproved(id, g0), "proposer recorded");
        assertEq(p.proposer, g0, "proposer");
        assertEq(p.member, newcomer, "member");
        assertEq(p.deadline, block.timestamp + PERIOD, "deadline");
        assertEq(p.name, "newcomer", "name");
        assertEq(p.roles[0], Roles.TNSP, "roles");
        assertTrue(p.status == IConsortiumRegistry.ProposalStatus.Pending, "pending at 1 of 3");
    }

    function test_approve_executesAdmitInTheApprovingTransactionOnStrictMajority() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, oneRole(Roles.KYC_VETTER));
        assertFalse(registry.isMember(newcomer), "1 of 3 is no majority");
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.ProposalExecuted(id);
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.MemberAdmitted(newcomer, "newcomer", oneRole(Roles.KYC_VETTER));
        vm.prank(g1);
        registry.approve(id);
        assertTrue(isExecuted(id), "2 of 3 executes");
        assertTrue(registry.isMember(newcomer), "admitted");
        assertTrue(registry.hasRole(newcomer, Roles.KYC_VETTER), "role granted");
        assertFalse(registry.isGovernor(newcomer), "not a governor");
        assertEq(registry.governorCount(), 3, "governor count unchanged");
    }

    function test_approve_halfOfTheGovernorsIsNotEnough() public {
        admitThroughGovernance(address(0xD00D), oneRole(Roles.GOVERNOR));
        assertEq(registry.governorCount(), 4, "four governors");
        uint256 id = proposeAs(g0, ADMIT, newcomer, noRoles());
        vm.prank(g1);
        registry.approve(id);
        assertEq(registry.proposal(id).approvals, 2, "two approvals");
        assertFalse(isExecuted(id), "2 of 4 is not a strict majority");
        vm.prank(g2);
        registry.approve(id);
        assertTrue(isExecuted(id), "3 of 4 executes");
    }

    function test_approve_rejectsDuplicateApproval() public {
        deployWithGovernors(5);
        uint256 id = proposeAs(governors[0], ADMIT, newcomer, noRoles());
        vm.prank(governors[0]);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.AlreadyApproved.selector, id, governors[0]));
        registry.approve(id);
    }

    function test_approve_rejectsNonGovernorAndUnknownProposal() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, noRoles());
        vm.prank(newcomer);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotGovernor.selector, newcomer));
        registry.approve(id);
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.UnknownProposal.selector, 2));
        registry.approve(2);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.UnknownProposal.selector, 0));
        registry.proposal(0);
    }

    function test_approve_rejectsExpiredProposal() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, noRoles());
        uint64 deadline = registry.proposal(id).deadline;
        vm.warp(deadline);
        assertTrue(statusOf(id) == IConsortiumRegistry.ProposalStatus.Expired, "expired at the deadline");
        vm.prank(g1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ProposalNotPending.selector,
                id,
                IConsortiumRegistry.ProposalStatus.Expired
            )
        );
        registry.approve(id);
        assertFalse(registry.isMember(newcomer), "never executed");
    }

    function test_approve_acceptedOneSecondBeforeDeadline() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, noRoles());
        vm.warp(registry.proposal(id).deadline - 1);
        vm.prank(g1);
        registry.approve(id);
        assertTrue(registry.isMember(newcomer), "executed before the deadline");
    }

    function test_approve_rejectsExecutedProposal() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, noRoles());
        vm.prank(g1);
        registry.approve(id);
        vm.prank(g2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ProposalNotPending.selector,
                id,
                IConsortiumRegistry.ProposalStatus.Executed
            )
        );
        registry.approve(id);
    }

    function test_withdrawApproval_takesTheApprovalBack() public {
        deployWithGovernors(4);
        uint256 id = proposeAs(governors[0], ADMIT, newcomer, noRoles());
        vm.prank(governors[1]);
        registry.approve(id);
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.ApprovalWithdrawn(id, governors[1], 1);
        vm.prank(governors[1]);
        registry.withdrawApproval(id);
        assertFalse(registry.hasApproved(id, governors[1]), "approval gone");
        vm.prank(governors[2]);
        registry.approve(id);
        assertFalse(isExecuted(id), "2 of 4 after the withdrawal");
        vm.prank(governors[1]);
        registry.approve(id);
        assertTrue(isExecuted(id), "re-approval counts again");
    }

    function test_withdrawApproval_rejectsGovernorThatDidNotApprove() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, noRoles());
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotApproved.selector, id, g1));
        registry.withdrawApproval(id);
    }

    function test_cancel_onlyByTheProposerAndEndsTheProposal() public {
        uint256 id = proposeAs(g0, ADMIT, newcomer, noRoles());
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotProposer.selector, id, g1));
        registry.cancel(id);
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.ProposalCanceled(id);
        vm.prank(g0);
        registry.cancel(id);
        assertTrue(statusOf(id) == IConsortiumRegistry.ProposalStatus.Canceled, "canceled");
        vm.prank(g1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IConsortiumRegistry.ProposalNotPending.selector,
                id,
                IConsortiumRegistry.ProposalStatus.Canceled
            )
        );
        registry.approve(id);
    }

    function test_execute_appliesAMajorityLeftByAShrinkingGovernorSet() public {
        deployWithGovernors(4);
        uint256 id = proposeAs(governors[0], ADMIT, newcomer, noRoles());
        vm.prank(governors[1]);
        registry.approve(id);
        vm.prank(governors[2]);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.MajorityNotReached.selector, id, 2, 4));
        registry.execute(id);
        removeThroughGovernance(governors[2], governors[3]);
        assertEq(registry.proposal(id).approvals, 2, "still two approvals");
        vm.prank(governors[2]);
        registry.execute(id);
        assertTrue(registry.isMember(newcomer), "2 of 3 executed");
    }

    function test_execute_rechecksTheChangeAgainstTheCurrentMemberSet() public {
        uint256 first = proposeAs(g0, ADMIT, newcomer, noRoles());
        uint256 second = proposeAs(g1, ADMIT, newcomer, noRoles());
        vm.prank(g1);
        registry.approve(first);
        vm.prank(g0);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.MemberAlreadyExists.selector, newcomer));
        registry.approve(second);
    }

    // ------------------------------------------------------------ guards on the change itself

    function test_admit_rejectsExistingMemberZeroAddressEmptyNameAndDuplicateRoles() public {
        vm.startPrank(g0);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.MemberAlreadyExists.selector, g1));
        registry.propose(ADMIT, g1, "again", noRoles(), PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ZeroMemberAddress.selector));
        registry.propose(ADMIT, address(0), "zero", noRoles(), PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.EmptyMemberName.selector, newcomer));
        registry.propose(ADMIT, newcomer, "", noRoles(), PERIOD);
        bytes32[] memory twice = new bytes32[](2);
        twice[0] = Roles.TNR;
        twice[1] = Roles.TNR;
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.DuplicateRole.selector, newcomer, Roles.TNR));
        registry.propose(ADMIT, newcomer, "dup", twice, PERIOD);
        vm.stopPrank();
        assertEq(registry.proposalCount(), 0, "nothing recorded");
    }

    function test_admit_rejectsAnAccountBoundToAMember() public {
        address account = vm.addr(ACCOUNT_KEY);
        bindAs(g1, ACCOUNT_KEY);
        vm.prank(g0);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.AccountAlreadyBound.selector, account, g1));
        registry.propose(ADMIT, account, "account", noRoles(), PERIOD);
    }

    function test_admit_readmitsARemovedMemberWithFreshRoles() public {
        admitThroughGovernance(newcomer, oneRole(Roles.TNSP));
        removeThroughGovernance(g0, newcomer);
        admitThroughGovernance(newcomer, oneRole(Roles.TNR));
        assertTrue(registry.hasRole(newcomer, Roles.TNR), "new role");
        assertFalse(registry.hasRole(newcomer, Roles.TNSP), "old role gone");
    }

    function test_remove_rejectsNonMemberAndProposalData() public {
        vm.startPrank(g0);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotAMember.selector, newcomer));
        registry.propose(REMOVE, newcomer, "", noRoles(), PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ProposalDataNotAllowed.selector, REMOVE));
        registry.propose(REMOVE, g1, "name", noRoles(), PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ProposalDataNotAllowed.selector, REMOVE));
        registry.propose(REMOVE, g1, "", oneRole(Roles.TNR), PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.ProposalDataNotAllowed.selector, SET_ROLES));
        registry.propose(SET_ROLES, g1, "name", noRoles(), PERIOD);
        vm.stopPrank();
    }

    function test_remove_deactivatesTheMemberItsRolesAndItsBoundAccounts() public {
        admitThroughGovernance(newcomer, oneRole(Roles.ENTERPRISE));
        uint256 key = ACCOUNT_KEY;
        address account = vm.addr(key);
        bindAs(newcomer, key);
        assertTrue(registry.hasRole(account, Roles.ENTERPRISE), "bound account acts for the member");
        removeThroughGovernance(g0, newcomer);
        assertFalse(registry.isMember(newcomer), "inactive");
        assertFalse(registry.member(newcomer).active, "record inactive");
        assertEq(registry.rolesOf(newcomer).length, 0, "roles cleared");
        assertEq(registry.memberOf(account), address(0), "account no longer acts for it");
        assertFalse(registry.hasRole(account, Roles.ENTERPRISE), "account lost the role");
        assertEq(registry.members().length, 3, "only the governors remain");
    }

    function test_remove_unbindsEveryBoundAccount_soReadmissionRestoresNone() public {
        admitThroughGovernance(newcomer, oneRole(Roles.ENTERPRISE));
        address first = vm.addr(ACCOUNT_KEY);
        address second = vm.addr(ACCOUNT_KEY + 1);
        bindAs(newcomer, ACCOUNT_KEY);
        bindAs(newcomer, ACCOUNT_KEY + 1);
        assertEq(registry.boundAccounts(newcomer).length, 2, "two bound");
        uint256 id = proposeAs(g0, REMOVE, newcomer, noRoles());
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.AccountUnbound(newcomer, second, g1);
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.AccountUnbound(newcomer, first, g1);
        vm.prank(g1);
        registry.approve(id);
        assertTrue(isExecuted(id), "removed");
        assertEq(registry.boundAccounts(newcomer).length, 0, "nothing bound any more");
        // Before the fix re-admission silently gave the old (possibly retired) keys the member's authority again.
        admitThroughGovernance(newcomer, oneRole(Roles.ENTERPRISE));
        assertEq(registry.memberOf(first), address(0), "old binding not restored");
        assertFalse(registry.hasRole(second, Roles.ENTERPRISE), "old key has no role");
        bindAs(newcomer, ACCOUNT_KEY); // a fresh consent binds it again
        assertEq(registry.memberOf(first), newcomer, "re-bound with fresh consent");
    }

    function test_bindAccount_isBoundedPerMember() public {
        uint256 max = registry.MAX_BOUND_ACCOUNTS();
        for (uint256 i = 0; i < max; i++) bindAs(g1, 0x1000 + i);
        bytes memory signature = consent(0x2000, g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.TooManyBoundAccounts.selector, g1, max));
        vm.prank(g1);
        registry.bindAccount(vm.addr(0x2000), noRoles(), signature);
        vm.prank(g1);
        registry.unbindAccount(vm.addr(0x1000));
        assertEq(registry.boundAccounts(g1).length, max - 1, "unbinding frees a place");
    }

    function test_removingAGovernorLowersTheGovernorCount() public {
        uint256 id = proposeAs(g0, REMOVE, g2, noRoles());
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.MemberRemoved(g2);
        vm.prank(g2);
        registry.approve(id);
        assertEq(registry.governorCount(), 2, "two governors left");
        assertFalse(registry.isGovernor(g2), "no longer governs");
    }

    function test_remove_andSetRoles_neverLeaveTheConsortiumWithoutAGovernor() public {
        deployWithGovernors(1);
        address only = governors[0];
        vm.startPrank(only);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.LastGovernor.selector, only));
        registry.propose(REMOVE, only, "", noRoles(), PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.LastGovernor.selector, only));
        registry.propose(SET_ROLES, only, "", oneRole(Roles.AUDITOR), PERIOD);
        vm.stopPrank();
        assertEq(registry.governorCount(), 1, "still governed");
    }

    function test_singleGovernorsProposalExecutesAtOnce() public {
        deployWithGovernors(1);
        uint256 id = proposeAs(governors[0], ADMIT, newcomer, noRoles());
        assertTrue(isExecuted(id), "1 of 1 is a majority");
        assertTrue(registry.isMember(newcomer), "admitted");
    }

    function test_setRoles_replacesTheRoleSetAndTracksGovernors() public {
        bytes32[] memory roles = new bytes32[](2);
        roles[0] = Roles.AUDITOR;
        roles[1] = keccak256("ROAMING_HUB");
        uint256 id = proposeAs(g0, SET_ROLES, g2, roles);
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.RolesChanged(g2, roles);
        vm.prank(g1);
        registry.approve(id);
        assertEq(registry.rolesOf(g2).length, 2, "two roles");
        assertTrue(registry.hasRole(g2, keccak256("ROAMING_HUB")), "arbitrary role");
        assertFalse(registry.isGovernor(g2), "demoted");
        assertEq(registry.governorCount(), 2, "count follows");
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotAMember.selector, newcomer));
        proposeAs(g0, SET_ROLES, newcomer, roles);
    }

    function test_demotedGovernorsApprovalStopsCounting() public {
        deployWithGovernors(5);
        uint256 id = proposeAs(governors[0], ADMIT, newcomer, noRoles());
        vm.prank(governors[1]);
        registry.approve(id);
        uint256 demote = proposeAs(governors[2], SET_ROLES, governors[1], oneRole(Roles.AUDITOR));
        approveUntilExecuted(demote, governors[1]);
        assertEq(registry.proposal(id).approvals, 1, "only the proposer still governs");
        assertTrue(registry.hasApproved(id, governors[1]), "the record stays");
        vm.prank(governors[2]);
        registry.approve(id);
        assertFalse(isExecuted(id), "2 of 4");
        vm.prank(governors[3]);
        registry.approve(id);
        assertTrue(isExecuted(id), "3 of 4");
    }

    // ------------------------------------------------------------ bound accounts

    function consent(uint256 key, address member_) internal view returns (bytes memory) {
        return consent(key, member_, noRoles());
    }

    function consent(uint256 key, address member_, bytes32[] memory roles) internal view returns (bytes memory) {
        return bindingConsent(registry, key, member_, roles);
    }

    // Binds with the scope the member's non-governance roles would need in these tests: ENTERPRISE.
    function bindAs(address member_, uint256 key) internal {
        bindAs(member_, key, oneRole(Roles.ENTERPRISE));
    }

    function bindAs(address member_, uint256 key, bytes32[] memory roles) internal {
        bindWithConsent(registry, member_, key, roles);
    }

    function test_bindAccount_withTheAccountsConsentLetsItActForTheMember() public {
        address account = vm.addr(ACCOUNT_KEY);
        assertEq(registry.memberOf(account), address(0), "unbound maps to nobody");
        assertEq(registry.memberOf(g1), g1, "a member maps to itself");
        bytes32[] memory scope = oneRole(Roles.ENTERPRISE);
        bytes memory signature = consent(ACCOUNT_KEY, g1, scope);
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.AccountBound(g1, account, scope);
        vm.prank(g1);
        registry.bindAccount(account, scope, signature);
        assertEq(registry.memberOf(account), g1, "bound");
        assertEq(keccak256(abi.encode(registry.bindingRoles(account))), keccak256(abi.encode(scope)), "its scope");
        assertFalse(registry.isMember(account), "but is not a member");
        assertFalse(registry.isGovernor(account), "and cannot govern");
        assertEq(registry.bindingNonce(account), 1, "consent used up");
    }

    // Before the fix a bound account (e.g. a DID controller) held every role of its member, GOVERNOR included.
    function test_bindAccount_scopesTheRolesTheAccountMayExercise() public {
        admitThroughGovernance(newcomer, twoRoles(Roles.ENTERPRISE, Roles.MOBILE_OPERATOR));
        address identityOnly = vm.addr(ACCOUNT_KEY);
        address enterprise = vm.addr(ACCOUNT_KEY + 1);
        bindAs(newcomer, ACCOUNT_KEY, noRoles());
        bindAs(newcomer, ACCOUNT_KEY + 1, oneRole(Roles.ENTERPRISE));
        assertEq(registry.memberOf(identityOnly), newcomer, "identifies the member");
        assertFalse(registry.hasRole(identityOnly, Roles.ENTERPRISE), "no role outside an empty scope");
        assertFalse(registry.hasRole(identityOnly, Roles.MOBILE_OPERATOR), "no role outside an empty scope");
        assertTrue(registry.hasRole(enterprise, Roles.ENTERPRISE), "the scoped role");
        assertFalse(registry.hasRole(enterprise, Roles.MOBILE_OPERATOR), "not the member's other role");
        bindAs(g1, ACCOUNT_KEY + 2, oneRole(Roles.ENTERPRISE));
        assertFalse(registry.hasRole(vm.addr(ACCOUNT_KEY + 2), Roles.ENTERPRISE), "a scope never adds a role");
        assertFalse(registry.hasRole(vm.addr(ACCOUNT_KEY + 2), Roles.GOVERNOR), "nor gives the member's governance");
    }

    function test_bindAccount_refusesGovernorDuplicateAndOversizedScopes() public {
        address account = vm.addr(ACCOUNT_KEY);
        bytes32[] memory governor = oneRole(Roles.GOVERNOR);
        bytes memory signature = consent(ACCOUNT_KEY, g1, governor);
        vm.startPrank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.BindingRoleNotAllowed.selector, Roles.GOVERNOR));
        registry.bindAccount(account, governor, signature);
        bytes32[] memory twice = twoRoles(Roles.ENTERPRISE, Roles.ENTERPRISE);
        bytes memory forTwice = consent(ACCOUNT_KEY, g1, twice);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.DuplicateBindingRole.selector, Roles.ENTERPRISE));
        registry.bindAccount(account, twice, forTwice);
        bytes32[] memory nine = new bytes32[](9);
        for (uint256 i = 0; i < 9; i++) nine[i] = bytes32(i + 1);
        bytes memory forNine = consent(ACCOUNT_KEY, g1, nine);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.TooManyBindingRoles.selector, 9, 8));
        registry.bindAccount(account, nine, forNine);
        vm.stopPrank();
    }

    function test_bindAccount_consentCoversTheScope() public {
        address account = vm.addr(ACCOUNT_KEY);
        bytes memory forNone = consent(ACCOUNT_KEY, g1, noRoles());
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.InvalidAccountSignature.selector, account));
        registry.bindAccount(account, oneRole(Roles.ENTERPRISE), forNone);
    }

    function test_bindAccount_rejectsConsentSignedByAnotherKeyOrForAnotherMember() public {
        address account = vm.addr(ACCOUNT_KEY);
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(0xBAD, bindingDigest(registry, g1, account, noRoles()));
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.InvalidAccountSignature.selector, account));
        registry.bindAccount(account, noRoles(), abi.encodePacked(r, s, v));
        bytes memory forG1 = consent(ACCOUNT_KEY, g1);
        vm.prank(g2);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.InvalidAccountSignature.selector, account));
        registry.bindAccount(account, noRoles(), forG1);
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.InvalidAccountSignature.selector, account));
        registry.bindAccount(account, noRoles(), hex"1234");
    }

    function test_bindAccount_rejectsReplayOfAnOldConsentAfterUnbind() public {
        address account = vm.addr(ACCOUNT_KEY);
        bytes memory signature = consent(ACCOUNT_KEY, g1);
        vm.prank(g1);
        registry.bindAccount(account, noRoles(), signature);
        vm.prank(account);
        registry.unbindAccount(account);
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.InvalidAccountSignature.selector, account));
        registry.bindAccount(account, noRoles(), signature);
    }

    function test_bindAccount_rejectsNonMemberMemberAddressZeroAndDoubleBinding() public {
        address account = vm.addr(ACCOUNT_KEY);
        bytes memory signature = consent(ACCOUNT_KEY, newcomer);
        vm.prank(newcomer);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.NotAMember.selector, newcomer));
        registry.bindAccount(account, noRoles(), signature);
        vm.startPrank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.InvalidAccount.selector, g2));
        registry.bindAccount(g2, noRoles(), signature);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.InvalidAccount.selector, address(0)));
        registry.bindAccount(address(0), noRoles(), signature);
        vm.stopPrank();
        bindAs(g1, ACCOUNT_KEY);
        bytes memory forG2 = consent(ACCOUNT_KEY, g2);
        vm.prank(g2);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.AccountAlreadyBound.selector, account, g1));
        registry.bindAccount(account, noRoles(), forG2);
    }

    function test_unbindAccount_byTheMemberOrTheAccountOnly() public {
        address account = vm.addr(ACCOUNT_KEY);
        bindAs(g1, ACCOUNT_KEY);
        vm.prank(g2);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.UnbindNotAllowed.selector, account, g2));
        registry.unbindAccount(account);
        vm.expectEmit(true, true, true, true);
        emit IConsortiumRegistry.AccountUnbound(g1, account, g1);
        vm.prank(g1);
        registry.unbindAccount(account);
        assertEq(registry.memberOf(account), address(0), "unbound");
        vm.prank(g1);
        vm.expectRevert(abi.encodeWithSelector(IConsortiumRegistry.AccountNotBound.selector, account));
        registry.unbindAccount(account);
        bindAs(g2, ACCOUNT_KEY);
        vm.prank(account);
        registry.unbindAccount(account);
        assertEq(registry.memberOf(account), address(0), "the account released itself");
    }
}
