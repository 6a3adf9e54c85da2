// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of the operator registry: claims accepted only by a strict majority of the current governors before the
// deadline, one operator per network code, unambiguous IMSI routing, MSIN ranges, releases and transfers by
// governance, and the operator's DID identity.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IOperatorRegistry} from "./IOperatorRegistry.sol";
import {Plmn} from "./Plmn.sol";
import {RoamingHarness} from "./RoamingHarness.sol";

contract OperatorRegistryTest is RoamingHarness {
    function setUp() public {
        deployRoaming();
    }

    function expectRevertWith(bytes memory data) internal {
        vm.expectRevert(data);
    }

    // ------------------------------------------------------------ claims and governance

    function test_claim_executesOnlyOnAStrictMajorityOfGovernors() public {
        Plmn p = plmn("23415");
        vm.prank(op0);
        uint256 id = operators.claimNetwork(p, noRanges(), PERIOD);
        assertEq(operators.operatorOf(p), address(0), "a claim alone assigns nothing");
        vm.prank(op1);
        operators.approveClaim(id);
        vm.prank(op2);
        operators.approveClaim(id);
        assertFalse(isExecuted(id), "2 of 5 governors is no majority");
        assertEq(operators.claim(id).approvals, 2, "two approvals");
        vm.prank(gov3);
        operators.approveClaim(id);
        assertTrue(isExecuted(id), "3 of 5 executes");
        assertEq(operators.operatorOf(p), op0, "assigned to the claimant");
        assertEq(operators.networkCount(op0), 1, "one network");
        assertEq(Plmn.unwrap(operators.networksOf(op0)[0]), Plmn.unwrap(p), "listed");
        assertEq(operators.network(p).since, block.timestamp, "since recorded");
        assertEq(operators.claimCount(), 1, "one claim");
        assertEq(operators.version(), "1.0.0", "version");
    }

    function test_claim_claimantCannotApproveItsOwnClaim() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InterestedApprover.selector, id, op0));
        vm.prank(op0);
        operators.approveClaim(id);
    }

    function test_claim_rejectsANonOperatorClaimant() public {
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotAnOperator.selector, gov3));
        vm.prank(gov3);
        operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotAnOperator.selector, outsider));
        vm.prank(outsider);
        operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
    }

    function test_claim_onlyGovernorsApprove() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotGovernor.selector, op5));
        vm.prank(op5);
        operators.approveClaim(id);
    }

    function test_claim_rejectsADoubleApproval() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        vm.prank(op1);
        operators.approveClaim(id);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.AlreadyApproved.selector, id, op1));
        vm.prank(op1);
        operators.approveClaim(id);
    }

    function test_claim_expiresAtItsDeadline() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        vm.prank(op1);
        operators.approveClaim(id);
        vm.prank(op2);
        operators.approveClaim(id);
        vm.warp(block.timestamp + PERIOD);
        assertTrue(claimStatus(id) == IOperatorRegistry.ClaimStatus.Expired, "reads as expired");
        expectRevertWith(
            abi.encodeWithSelector(
                IOperatorRegistry.ClaimNotPending.selector,
                id,
                IOperatorRegistry.ClaimStatus.Expired
            )
        );
        vm.prank(gov3);
        operators.approveClaim(id);
        assertEq(operators.operatorOf(plmn("23415")), address(0), "never assigned");
    }

    function test_claim_rejectsAVotingPeriodOutOfRange() public {
        expectRevertWith(
            abi.encodeWithSelector(IOperatorRegistry.VotingPeriodOutOfRange.selector, 59 minutes, 1 hours, 30 days)
        );
        vm.prank(op0);
        operators.claimNetwork(plmn("23415"), noRanges(), 59 minutes);
    }

    function test_claim_approvalsOfFormerGovernorsDoNotCount() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        vm.prank(gov4);
        operators.approveClaim(id);
        vm.prank(op1);
        operators.approveClaim(id);
        // The consortium removes gov4: its approval stops counting, 1 of the 4 governors left.
        vm.prank(gov3);
        uint256 removal = consortium.propose(
            IConsortiumRegistry.ProposalKind.Remove,
            gov4,
            "",
            new bytes32[](0),
            PERIOD
        );
        vm.prank(op2);
        consortium.approve(removal);
        vm.prank(op1);
        consortium.approve(removal);
        assertEq(operators.claim(id).approvals, 1, "only op1 counts");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.MajorityNotReached.selector, id, 1, 4));
        vm.prank(gov3);
        operators.executeClaim(id);
        vm.prank(op2);
        operators.approveClaim(id);
        assertFalse(isExecuted(id), "2 of 4 is no strict majority");
        vm.prank(gov3);
        operators.approveClaim(id);
        assertTrue(isExecuted(id), "3 of 4 executes");
    }

    function test_claim_executeClaimAppliesAMajorityLeftByAShrinkingGovernorSet() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        vm.prank(op1);
        operators.approveClaim(id);
        vm.prank(op2);
        operators.approveClaim(id);
        // gov4 leaves the consortium: 2 of 4 is still not a strict majority, 2 of 3 after gov3 is demoted is.
        vm.prank(gov3);
        uint256 removal = consortium.propose(
            IConsortiumRegistry.ProposalKind.Remove,
            gov4,
            "",
            new bytes32[](0),
            PERIOD
        );
        vm.prank(op1);
        consortium.approve(removal);
        vm.prank(op2);
        consortium.approve(removal);
        vm.prank(op1);
        uint256 demote = consortium.propose(
            IConsortiumRegistry.ProposalKind.SetRoles,
            gov3,
            "",
            new bytes32[](0),
            PERIOD
        );
        vm.prank(op2);
        consortium.approve(demote);
        vm.prank(op0);
        consortium.approve(demote);
        vm.prank(op1);
        operators.executeClaim(id);
        assertTrue(isExecuted(id), "executed");
        assertEq(operators.operatorOf(plmn("23415")), op0, "assigned");
    }

    function test_withdrawClaimApproval_removesTheApproval() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        vm.prank(op1);
        operators.approveClaim(id);
        vm.prank(op1);
        operators.withdrawClaimApproval(id);
        assertEq(operators.claim(id).approvals, 0, "withdrawn");
        assertFalse(operators.hasApprovedClaim(id, op1), "no approval recorded");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotApproved.selector, id, op1));
        vm.prank(op1);
        operators.withdrawClaimApproval(id);
    }

    function test_cancelClaim_onlyByTheProposer() public {
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), noRanges(), PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotProposer.selector, id, op1));
        vm.prank(op1);
        operators.cancelClaim(id);
        vm.prank(op0);
        operators.cancelClaim(id);
        assertTrue(claimStatus(id) == IOperatorRegistry.ClaimStatus.Canceled, "canceled");
        expectRevertWith(
            abi.encodeWithSelector(
                IOperatorRegistry.ClaimNotPending.selector,
                id,
                IOperatorRegistry.ClaimStatus.Canceled
            )
        );
        vm.prank(op1);
        operators.approveClaim(id);
    }

    function test_claim_unknownIdIsRejected() public {
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.UnknownClaim.selector, 7));
        operators.claim(7);
    }

    // ------------------------------------------------------------ one operator per code

    function test_claim_aHeldCodeCannotBeClaimedAgain() public {
        Plmn p = grantNetwork(op0, "23415");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NetworkAlreadyAssigned.selector, p, op0));
        vm.prank(op1);
        operators.claimNetwork(p, noRanges(), PERIOD);
    }

    function test_claim_ofTwoPendingClaimsOnlyTheFirstExecutedWins() public {
        Plmn p = plmn("23415");
        vm.prank(op0);
        uint256 first = operators.claimNetwork(p, noRanges(), PERIOD);
        vm.prank(op1);
        uint256 second = operators.claimNetwork(p, noRanges(), PERIOD);
        vm.prank(op2);
        operators.approveClaim(second);
        vm.prank(gov3);
        operators.approveClaim(second);
        approveUntilExecuted(first, op0);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NetworkAlreadyAssigned.selector, p, op0));
        vm.prank(gov4);
        operators.approveClaim(second);
        assertEq(operators.operatorOf(p), op0, "first claim holds");
    }

    function test_claim_twoAndThreeDigitMncAreDistinctButCannotOverlap() public {
        Plmn short = plmn("31026");
        Plmn long = plmn("310260");
        assertTrue(Plmn.unwrap(short) != Plmn.unwrap(long), "distinct encodings");
        assertEq(Plmn.unwrap(short), bytes6(0x333130323600), "2-digit MNC pads with 0x00");
        grantNetwork(op0, "31026");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NetworkOverlaps.selector, long, short, op0));
        vm.prank(op1);
        operators.claimNetwork(long, noRanges(), PERIOD);
        // A neighbouring code is free.
        grantNetwork(op1, "31027");
        assertEq(operators.operatorOf(plmn("31027")), op1, "neighbour assigned");
    }

    function test_claim_aTwoDigitCodeCannotShadowAHeldThreeDigitExtension() public {
        grantNetwork(op0, "310269");
        expectRevertWith(
            abi.encodeWithSelector(IOperatorRegistry.NetworkOverlaps.selector, plmn("31026"), plmn("310269"), op0)
        );
        vm.prank(op1);
        operators.claimNetwork(plmn("31026"), noRanges(), PERIOD);
    }

    function test_claim_rejectsMalformedCodes() public {
        string[5] memory bad = ["3102", "31A26", "310", "", "3102 6"];
        for (uint256 i = 0; i < bad.length; i++) {
            expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InvalidPlmn.selector, plmn(bad[i])));
            vm.prank(op0);
            operators.claimNetwork(plmn(bad[i]), noRanges(), PERIOD);
        }
        // A 0x00 in the middle is not a 2-digit MNC.
        Plmn gap = Plmn.wrap(bytes6(0x333130003600));
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InvalidPlmn.selector, gap));
        vm.prank(op0);
        operators.claimNetwork(gap, noRanges(), PERIOD);
    }

    // ------------------------------------------------------------ routing

    function test_resolve_findsTheHomeNetworkFromTheFirstSixImsiDigits() public {
        grantNetwork(op0, "31026");
        grantNetwork(op1, "310410");
        (Plmn p, address operator) = operators.resolve(bytes6("310260"));
        assertEq(Plmn.unwrap(p), Plmn.unwrap(plmn("31026")), "2-digit network");
        assertEq(operator, op0, "its operator");
        (p, operator) = operators.resolve(bytes6("310410"));
        assertEq(Plmn.unwrap(p), Plmn.unwrap(plmn("310410")), "3-digit network");
        assertEq(operator, op1, "its operator");
        (p, operator) = operators.resolve(bytes6("208011"));
        assertEq(operator, address(0), "unknown network");
        assertEq(Plmn.unwrap(p), bytes6(0), "no code");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InvalidPlmn.selector, plmn("31026")));
        operators.resolve(Plmn.unwrap(plmn("31026")));
    }

    // ------------------------------------------------------------ MSIN ranges

    function test_msinRanges_travelWithTheClaimAndAreValidated() public {
        IOperatorRegistry.MsinRange[] memory r = new IOperatorRegistry.MsinRange[](2);
        r[0] = IOperatorRegistry.MsinRange({first: 0, last: 999_999});
        r[1] = IOperatorRegistry.MsinRange({first: 5_000_000, last: 9_999_999_999});
        vm.prank(op0);
        uint256 id = operators.claimNetwork(plmn("23415"), r, PERIOD);
        assertEq(operators.claim(id).msinRanges.length, 2, "ranges on the claim");
        approveUntilExecuted(id, op0);
        IOperatorRegistry.Network memory n = operators.network(plmn("23415"));
        assertEq(n.msinRanges.length, 2, "ranges on the network");
        assertEq(n.msinRanges[1].last, 9_999_999_999, "10-digit MSIN for a 2-digit MNC");
    }

    function test_msinRanges_rejectsReversedOverlappingAndTooLongRanges() public {
        Plmn threeDigit = plmn("310260");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InvalidMsinRange.selector, 0, 5, 4));
        vm.prank(op0);
        operators.claimNetwork(threeDigit, oneRange(5, 4), PERIOD);
        // 9 MSIN digits for a 3-digit MNC.
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InvalidMsinRange.selector, 0, 0, 1_000_000_000));
        vm.prank(op0);
        operators.claimNetwork(threeDigit, oneRange(0, 1_000_000_000), PERIOD);
        IOperatorRegistry.MsinRange[] memory r = new IOperatorRegistry.MsinRange[](2);
        r[0] = IOperatorRegistry.MsinRange({first: 10, last: 20});
        r[1] = IOperatorRegistry.MsinRange({first: 20, last: 30});
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InvalidMsinRange.selector, 1, 20, 30));
        vm.prank(op0);
        operators.claimNetwork(threeDigit, r, PERIOD);
        IOperatorRegistry.MsinRange[] memory many = new IOperatorRegistry.MsinRange[](65);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.TooManyMsinRanges.selector, 65, 64));
        vm.prank(op0);
        operators.claimNetwork(threeDigit, many, PERIOD);
    }

    function test_setMsinRanges_onlyByTheNetworksOperator() public {
        Plmn p = grantNetwork(op0, "23415");
        vm.prank(op0);
        operators.setMsinRanges(p, oneRange(100, 200));
        assertEq(operators.network(p).msinRanges[0].first, 100, "replaced");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotNetworkOperator.selector, p, op1, op0));
        vm.prank(op1);
        operators.setMsinRanges(p, noRanges());
    }

    // Before the fix any account bound to an operator (e.g. its DID controller) ran the operator's records.
    function test_boundAccounts_actForTheOperatorOnlyWithMobileOperatorInTheirScope() public {
        Plmn p = grantNetwork(op0, "23415");
        address controller = bindWithConsent(consortium, op0, 0xC0FFEE, new bytes32[](0));
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotNetworkOperator.selector, p, controller, op0));
        vm.prank(controller);
        operators.setMsinRanges(p, oneRange(100, 200));
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotAnOperator.selector, controller));
        vm.prank(controller);
        operators.setOperatorIdentity(address(0));
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotNetworkOperator.selector, p, controller, op0));
        vm.prank(controller);
        operators.proposeRelease(p, PERIOD);
        address deputy = bindWithConsent(consortium, op0, 0xC0FFEF, oneRole(Roles.MOBILE_OPERATOR));
        vm.prank(deputy);
        operators.setMsinRanges(p, oneRange(100, 200));
        assertEq(operators.network(p).msinRanges[0].first, 100, "a deputy in scope runs the records");
    }

    // ------------------------------------------------------------ release and transfer

    function test_release_byGovernanceUnassignsTheCode() public {
        Plmn p = grantNetwork(op0, "23415");
        grantNetwork(op0, "23416");
        vm.prank(op0);
        uint256 id = operators.proposeRelease(p, PERIOD);
        assertEq(operators.operatorOf(p), op0, "still held while pending");
        // The holder may consent to its own release.
        vm.prank(op0);
        operators.approveClaim(id);
        approveUntilExecuted(id, address(0));
        assertEq(operators.operatorOf(p), address(0), "released");
        assertEq(operators.networkCount(op0), 1, "one left");
        assertEq(Plmn.unwrap(operators.networksOf(op0)[0]), Plmn.unwrap(plmn("23416")), "the other one");
        grantNetwork(op1, "23415");
        assertEq(operators.operatorOf(p), op1, "claimable again");
    }

    function test_release_proposableByAGovernorButNotByAnotherOperator() public {
        Plmn p = grantNetwork(op0, "23415");
        vm.prank(gov3);
        operators.proposeRelease(p, PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotNetworkOperator.selector, p, op5, op0));
        vm.prank(op5);
        operators.proposeRelease(p, PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NetworkNotAssigned.selector, plmn("23499")));
        vm.prank(gov3);
        operators.proposeRelease(plmn("23499"), PERIOD);
    }

    function test_transfer_movesTheCodeAndClearsItsRanges() public {
        Plmn p = plmn("23415");
        vm.prank(op0);
        uint256 claimId = operators.claimNetwork(p, oneRange(1, 2), PERIOD);
        approveUntilExecuted(claimId, op0);
        vm.prank(op0);
        uint256 id = operators.proposeTransfer(p, op5, PERIOD);
        assertEq(operators.claim(id).operator, op5, "recipient recorded");
        approveUntilExecuted(id, address(0));
        assertEq(operators.operatorOf(p), op5, "transferred");
        assertEq(operators.networkCount(op0), 0, "gone from the holder");
        assertEq(operators.networkCount(op5), 1, "listed for the recipient");
        assertEq(operators.network(p).msinRanges.length, 0, "ranges cleared");
    }

    function test_transfer_recipientCannotApproveAndMustBeAnotherOperator() public {
        Plmn p = grantNetwork(op0, "23415");
        vm.prank(op0);
        uint256 id = operators.proposeTransfer(p, op1, PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.InterestedApprover.selector, id, op1));
        vm.prank(op1);
        operators.approveClaim(id);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotAnOperator.selector, gov3));
        vm.prank(op0);
        operators.proposeTransfer(p, gov3, PERIOD);
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.TransferToHolder.selector, p, op0));
        vm.prank(op0);
        operators.proposeTransfer(p, op0, PERIOD);
    }

    function test_transfer_failsWhenTheCodeChangedHandsSinceTheProposal() public {
        Plmn p = grantNetwork(op0, "23415");
        vm.prank(op0);
        uint256 release = operators.proposeRelease(p, PERIOD);
        vm.prank(op0);
        uint256 transfer = operators.proposeTransfer(p, op1, PERIOD);
        vm.prank(op2);
        operators.approveClaim(release);
        vm.prank(gov3);
        operators.approveClaim(release);
        approveUntilExecuted(transfer, op1);
        expectRevertWith(
            abi.encodeWithSelector(IOperatorRegistry.NetworkChangedSinceProposal.selector, release, p, op0, op1)
        );
        vm.prank(gov4);
        operators.approveClaim(release);
        assertEq(operators.operatorOf(p), op1, "transfer stands");
    }

    // ------------------------------------------------------------ operator identity

    function test_setOperatorIdentity_requiresTheIdentityOwnerToActForTheOperator() public {
        address identity = address(0x1D);
        expectRevertWith(
            abi.encodeWithSelector(IOperatorRegistry.IdentityNotControlled.selector, identity, identity, op0)
        );
        vm.prank(op0);
        operators.setOperatorIdentity(identity);
        vm.prank(identity);
        dids.changeOwner(identity, op0);
        vm.prank(op0);
        operators.setOperatorIdentity(identity);
        assertEq(operators.operatorIdentity(op0), identity, "identity recorded");
        // Another operator cannot name op0's identity as its own.
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.IdentityNotControlled.selector, identity, op0, op1));
        vm.prank(op1);
        operators.setOperatorIdentity(identity);
        vm.prank(op0);
        operators.setOperatorIdentity(address(0));
        assertEq(operators.operatorIdentity(op0), address(0), "cleared");
        expectRevertWith(abi.encodeWithSelector(IOperatorRegistry.NotAnOperator.selector, gov3));
        vm.prank(gov3);
        operators.setOperatorIdentity(address(0));
    }
}
