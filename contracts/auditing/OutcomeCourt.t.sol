// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IMemberBeacon} from "./IMemberBeacon.sol";
import {IOutcomeCourt} from "./IOutcomeCourt.sol";
import {IServiceEscrow} from "./IServiceEscrow.sol";
import {AuditingHarness} from "./AuditingHarness.sol";

contract OutcomeCourtTest is AuditingHarness {
    function setUp() public {
        setUpCourt();
    }

    // ---------------------------------------------------------------- escrow

    function testCompletionPaysUpfrontAndEscrowReleasesAfterThePeriod() public {
        vm.prank(recipient);
        bytes32 agreementId = escrow.proposeAgreement(provider, FEE, 6_000, 90 days, 0, keccak256("terms"), "a1");
        vm.prank(provider);
        escrow.acceptAgreement(agreementId);
        fund(recipient, FEE);
        approveAs(recipient, address(escrow), FEE);
        vm.prank(recipient);
        bytes32 taskId = escrow.orderTask(agreementId, "install-1");
        assertEq(eur.balanceOf(address(escrow)), FEE, "fee paid in");
        vm.prank(provider);
        escrow.reportCompletion(taskId, keccak256("done"));
        assertEq(eur.balanceOf(provider), 600_00, "X = 60% paid at once");
        assertEq(eur.balanceOf(address(escrow)), 400_00, "Y = 40% escrowed");
        vm.expectRevert(
            abi.encodeWithSelector(IServiceEscrow.EscrowNotDue.selector, taskId, uint64(block.timestamp + 90 days))
        );
        escrow.releaseEscrow(taskId);
        vm.warp(block.timestamp + 90 days);
        escrow.releaseEscrow(taskId);
        assertEq(eur.balanceOf(provider), FEE, "escrow released to the provider");
        assertConserved();
    }

    function testOnlyTheCourtSettlesADispute() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (, bytes32 taskId) = openCase("t");
        vm.expectRevert(abi.encodeWithSelector(IServiceEscrow.NotCourt.selector, recipient));
        vm.prank(recipient);
        escrow.settleDispute(taskId, false);
        vm.expectRevert(
            abi.encodeWithSelector(IServiceEscrow.WrongTaskStatus.selector, taskId, IServiceEscrow.TaskStatus.Disputed)
        );
        escrow.releaseEscrow(taskId);
    }

    // ---------------------------------------------------------------- the walkthrough, end to end

    /// @dev Installation task, complaint, a jury of 3 from 7 signalling auditors, commit, reveal, verdict; the
    /// provider objects in the next epoch (3 more auditors signalled), a fresh jury of 5 overturns the verdict.
    function testComplaintJuryObjectionAndSecondJuryPayOut() public {
        signalAuditors(7, 2);
        warpToEpoch(1);
        assertEq(court.poolSize(1), 7, "7 auditors signal for epoch 1");
        (bytes32 caseId, bytes32 taskId) = openCase("install-42");
        address[] memory first = drawJury(caseId);
        assertEq(first.length, 3, "jury of 3");
        vote(caseId, first, same(3, UPHOLD));
        assertEq(uint8(court.getCase(caseId).firstVerdict), uint8(IOutcomeCourt.Verdict.Upheld), "upheld");
        // Three more auditors signal for epoch 2; the provider objects in epoch E+1.
        signalAuditors(3, 1);
        warpToEpoch(2);
        fund(provider, 80_00);
        approveAs(provider, address(court), 80_00);
        vm.prank(provider);
        court.object(caseId);
        assertEq(court.getCase(caseId).objectionStake, 80_00, "20% of the 400.00 at risk");
        address[] memory second = drawJury(caseId);
        assertEq(second.length, 5, "jury of 5");
        for (uint256 i = 0; i < 5; i++) {
            for (uint256 j = 0; j < 3; j++) assertTrue(second[i] != first[j], "the second jury is fresh");
        }
        uint256 providerBefore = eur.balanceOf(provider);
        vote(caseId, second, same(5, REJECT));
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        assertEq(uint8(c.status), uint8(IOutcomeCourt.CaseStatus.Closed), "closed");
        assertEq(uint8(c.finalVerdict), uint8(IOutcomeCourt.Verdict.Rejected), "objection upheld");
        // Provider: escrow 400.00 + objection stake 80.00 + half of (first majority 3 x 10.00 + requester 100.00).
        assertEq(eur.balanceOf(provider) - providerBefore, 400_00 + 80_00 + 65_00, "objector's payout");
        // Second jury: the rest (65.00) shared by 5 = 13.00 each, deposits kept.
        for (uint256 i = 0; i < 5; i++) assertEq(eur.balanceOf(second[i]), 13_00, "second jury share");
        for (uint256 j = 0; j < 3; j++) assertEq(court.auditor(first[j]).bonded, 90_00, "first majority forfeits");
        assertEq(uint8(escrow.task(taskId).status), uint8(IServiceEscrow.TaskStatus.Released), "escrow to provider");
        assertConserved();
        assertCourtHoldsStakes();
    }

    function testUnobjectedVerdictPaysTheMajorityAfterTheWindow() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, bytes32 taskId) = openCase("t");
        address[] memory js = drawJury(caseId);
        uint8[] memory votes = new uint8[](3);
        votes[0] = UPHOLD;
        votes[1] = UPHOLD;
        votes[2] = REJECT;
        vote(caseId, js, votes);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.ObjectionWindowOpen.selector, caseId, uint64(2)));
        court.finalize(caseId);
        warpToEpoch(3);
        uint256 recipientBefore = eur.balanceOf(recipient);
        court.finalize(caseId);
        // Upheld: the recipient gets its 100.00 stake less the 20% fee, plus the 400.00 escrow refunded.
        assertEq(eur.balanceOf(recipient) - recipientBefore, 80_00 + 400_00, "recipient refunded");
        // Majority of 2 shares the minority's 10.00 deposit and the 20.00 fee.
        assertEq(eur.balanceOf(js[0]), 15_00, "majority share");
        assertEq(eur.balanceOf(js[1]), 15_00, "majority share");
        assertEq(court.auditor(js[2]).bonded, 90_00, "minority loses its deposit");
        assertEq(uint8(escrow.task(taskId).status), uint8(IServiceEscrow.TaskStatus.Refunded), "refunded");
        assertConserved();
        assertCourtHoldsStakes();
    }

    function testRejectedObjectionPaysTheConfirmingJury() public {
        signalAuditors(12, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory first = drawJury(caseId);
        vote(caseId, first, same(3, REJECT));
        fund(recipient, 80_00);
        approveAs(recipient, address(court), 80_00);
        vm.prank(recipient);
        court.object(caseId);
        address[] memory second = drawJury(caseId);
        vote(caseId, second, same(5, REJECT));
        assertEq(uint8(court.getCase(caseId).finalVerdict), uint8(IOutcomeCourt.Verdict.Rejected), "stands");
        // The objector's 80.00 goes to the 5 confirming jurors; the requester's 100.00 to the first 3.
        for (uint256 i = 0; i < 5; i++) assertEq(eur.balanceOf(second[i]), 16_00, "objection stake shared");
        assertEq(eur.balanceOf(first[0]), 33_34, "first majority share plus the remainder");
        assertEq(eur.balanceOf(first[1]), 33_33, "first majority share");
        assertConserved();
        assertCourtHoldsStakes();
    }

    // ---------------------------------------------------------------- negative cases, each a named error

    function testDoubleVoteIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        vm.prank(js[0]);
        court.commitVote(caseId, commitment(caseId, js[0], UPHOLD, salt(js[0])));
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AlreadyCommitted.selector, caseId, js[0]));
        vm.prank(js[0]);
        court.commitVote(caseId, commitment(caseId, js[0], REJECT, salt(js[0])));
        vm.warp(court.panel(caseId, 0).commitEnd);
        vm.prank(js[0]);
        court.revealVote(caseId, UPHOLD, salt(js[0]));
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AlreadyRevealed.selector, caseId, js[0]));
        vm.prank(js[0]);
        court.revealVote(caseId, UPHOLD, salt(js[0]));
    }

    function testLateRevealIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        vm.prank(js[0]);
        court.commitVote(caseId, commitment(caseId, js[0], UPHOLD, salt(js[0])));
        uint64 revealEnd = court.panel(caseId, 0).revealEnd;
        vm.warp(revealEnd);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.RevealClosed.selector, caseId, revealEnd));
        vm.prank(js[0]);
        court.revealVote(caseId, UPHOLD, salt(js[0]));
    }

    function testLateCommitIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        uint64 commitEnd = court.panel(caseId, 0).commitEnd;
        vm.warp(commitEnd);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.CommitClosed.selector, caseId, commitEnd));
        vm.prank(js[0]);
        court.commitVote(caseId, commitment(caseId, js[0], UPHOLD, salt(js[0])));
    }

    function testWrongSaltIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        vm.prank(js[0]);
        court.commitVote(caseId, commitment(caseId, js[0], UPHOLD, salt(js[0])));
        vm.warp(court.panel(caseId, 0).commitEnd);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.CommitmentMismatch.selector, caseId, js[0]));
        vm.prank(js[0]);
        court.revealVote(caseId, UPHOLD, keccak256("another salt"));
        // Nor can the juror switch its vote with the right salt.
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.CommitmentMismatch.selector, caseId, js[0]));
        vm.prank(js[0]);
        court.revealVote(caseId, REJECT, salt(js[0]));
    }

    function testUnbondDuringTheEpochIsRefused() public {
        signalAuditors(1, 1);
        address a = auditors[0];
        warpToEpoch(1);
        vm.expectRevert(
            abi.encodeWithSelector(IOutcomeCourt.StakeBondedUntil.selector, a, uint64(genesis + 2 * EPOCH))
        );
        vm.prank(a);
        court.withdrawStake(AUDITOR_STAKE);
        // Auto-unbond: after the signalled epoch the stake is free without any further call.
        warpToEpoch(2);
        vm.prank(a);
        court.withdrawStake(AUDITOR_STAKE);
        assertEq(eur.balanceOf(a), AUDITOR_STAKE, "withdrawn after the epoch");
    }

    function testUnbondWhileInAnOpenValidationIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        vote(caseId, js, same(3, UPHOLD));
        warpToEpoch(2);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.StakeInOpenValidation.selector, js[0], 1));
        vm.prank(js[0]);
        court.withdrawStake(1);
    }

    function testObjectionOutOfWindowIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        vote(caseId, drawJury(caseId), same(3, UPHOLD));
        warpToEpoch(3);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.ObjectionWindowClosed.selector, caseId, uint64(2)));
        vm.prank(provider);
        court.object(caseId);
    }

    function testObjectionByAThirdPartyIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        vote(caseId, drawJury(caseId), same(3, UPHOLD));
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.NotParty.selector, caseId, bank));
        vm.prank(bank);
        court.object(caseId);
    }

    function testAffiliatedJurorIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        // After the draw a vetter records that the juror now works for the provider.
        vm.prank(vetter);
        court.declareAffiliation(js[1], provider);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AffiliatedJuror.selector, caseId, js[1], provider));
        vm.prank(js[1]);
        court.commitVote(caseId, commitment(caseId, js[1], REJECT, salt(js[1])));
    }

    function testDrawNeverSeatsAffiliatedAuditors() public {
        // 7 independent auditors and 7 working for the recipient.
        signalAuditors(7, 1);
        for (uint256 i = 7; i < 14; i++) {
            address a = auditorAt(i);
            vm.prank(vetter);
            court.vetAuditor(a, keccak256(abi.encode("did", i)), recipient);
            fund(a, AUDITOR_STAKE);
            approveAs(a, address(court), AUDITOR_STAKE);
            vm.prank(a);
            court.signal(AUDITOR_STAKE, 4, 1, bytes32(0));
            auditors.push(a);
        }
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        for (uint256 i = 0; i < js.length; i++) {
            assertEq(court.auditor(js[i]).affiliation, address(0), "no affiliate of a party is drawn");
        }
    }

    function testANonJurorCannotVote() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        drawJury(caseId);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.NotAJuror.selector, caseId, provider));
        vm.prank(provider);
        court.commitVote(caseId, bytes32(uint256(1)));
    }

    function testUnvettedAuditorCannotSignalAndADidIsUnique() public {
        address a = auditorAt(99);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AuditorNotVetted.selector, a));
        vm.prank(a);
        court.signal(AUDITOR_STAKE, 1, 1, bytes32(0));
        vm.prank(vetter);
        court.vetAuditor(a, keccak256("did:ethr:x"), address(0));
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.DidTaken.selector, keccak256("did:ethr:x"), a));
        vm.prank(vetter);
        court.vetAuditor(auditorAt(100), keccak256("did:ethr:x"), address(0));
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.NotVetter.selector, provider));
        vm.prank(provider);
        court.vetAuditor(auditorAt(101), keccak256("did:ethr:y"), address(0));
    }

    function testDrawWaitsForTheBeacon() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        bytes32 key = court.getCase(caseId).beaconKey;
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.BeaconNotReady.selector, caseId, key));
        court.draw(caseId);
        vm.expectRevert(abi.encodeWithSelector(IMemberBeacon.NotAMember.selector, auditors[0]));
        vm.prank(auditors[0]);
        beacon.commit(key, bytes32(uint256(5)));
    }

    // ---------------------------------------------------------------- slashing, repeats, liveness

    function testSilentJurorsAreSlashedAndATieRepeatsNextEpoch() public {
        signalAuditors(7, 3);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        uint8[] memory votes = new uint8[](3);
        votes[0] = UPHOLD;
        votes[1] = REJECT; // the third stays silent: 1-1 with 2 of 3 revealed is a tie
        uint256 sinkBefore = eur.balanceOf(bank);
        vote(caseId, js, votes);
        assertEq(eur.balanceOf(bank) - sinkBefore, 10_00, "silent juror's deposit slashed to the sink");
        assertEq(court.auditor(js[2]).bonded, 90_00, "slashed");
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        assertEq(uint8(c.status), uint8(IOutcomeCourt.CaseStatus.Drawing), "repeats");
        assertEq(c.attempt, 1, "second attempt");
        assertEq(beacon.round(c.beaconKey).commitStart, genesis + 2 * EPOCH, "at the next epoch's start");
        assertEq(court.auditor(js[0]).locked, 0, "revealed jurors' deposits roll over");
        address[] memory again = drawJury(caseId);
        vote(caseId, again, same(3, REJECT));
        assertEq(uint8(court.getCase(caseId).firstVerdict), uint8(IOutcomeCourt.Verdict.Rejected), "decided");
        assertConserved();
    }

    function testEveryValidationEndsWithinMaxAttemptsEvenIfNobodyVotes() public {
        signalAuditors(7, 6);
        warpToEpoch(1);
        (bytes32 caseId, bytes32 taskId) = openCase("t");
        uint256 recipientBefore = eur.balanceOf(recipient);
        for (uint256 attempt = 0; attempt < 3; attempt++) {
            address[] memory js = drawJury(caseId);
            vote(caseId, js, same(3, 0));
        }
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        assertEq(uint8(c.status), uint8(IOutcomeCourt.CaseStatus.Closed), "closed after maxAttempts");
        assertEq(uint8(c.finalVerdict), uint8(IOutcomeCourt.Verdict.Unresolved), "unresolved");
        assertEq(eur.balanceOf(recipient) - recipientBefore, 100_00, "requester stake returned");
        assertEq(uint8(escrow.task(taskId).status), uint8(IServiceEscrow.TaskStatus.Released), "escrow to provider");
        for (uint256 i = 0; i < auditors.length; i++) {
            assertEq(court.auditor(auditors[i]).locked, 0, "no stake stays locked");
            assertEq(court.auditor(auditors[i]).openCases, 0, "no open validation");
        }
        assertConserved();
        assertCourtHoldsStakes();
    }

    function testAFailedBeaconSchedulesTheNextAttempt() public {
        signalAuditors(7, 2);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        IMemberBeacon.Round memory r = beacon.round(court.getCase(caseId).beaconKey);
        vm.warp(r.revealEnd); // nobody committed
        court.draw(caseId);
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        assertEq(c.attempt, 1, "next attempt");
        assertEq(uint8(c.status), uint8(IOutcomeCourt.CaseStatus.Drawing), "still drawing");
    }

    function testTooFewEligibleAuditorsIsAFailedAttemptNotALock() public {
        signalAuditors(2, 2);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        runBeacon(caseId);
        court.draw(caseId);
        assertEq(court.getCase(caseId).attempt, 1, "retried");
        assertEq(court.auditor(auditors[0]).locked, 0, "seats given back");
        assertEq(court.auditor(auditors[1]).openCases, 0, "seats given back");
    }

    // ---------------------------------------------------------------- governance

    function testParametersChangeByAMajorityOfGovernors() public {
        IOutcomeCourt.Params memory p = defaultParams();
        p.firstJurySize = 5;
        address outsider = auditorAt(50);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.NotGovernor.selector, outsider));
        vm.prank(outsider);
        court.proposeParams(p);
        p.objectionJurySize = 4;
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.InvalidParams.selector, "objectionJurySize"));
        vm.prank(governor);
        court.proposeParams(p);
        p.objectionJurySize = 7;
        // The five founders are governors: three approvals are a majority.
        vm.prank(governor);
        bytes32 id = court.proposeParams(p);
        vm.prank(vetter);
        court.approveParams(id);
        assertEq(court.params().firstJurySize, 3, "two of five is not a majority");
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AlreadyApproved.selector, id, vetter));
        vm.prank(vetter);
        court.approveParams(id);
        vm.prank(bank);
        court.approveParams(id);
        assertEq(court.params().firstJurySize, 5, "in force after three of five");
    }
}
