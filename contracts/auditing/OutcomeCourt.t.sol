// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IAuditorTickets} from "./IAuditorTickets.sol";
import {ICourtGovernance} from "./ICourtGovernance.sol";
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
        claim(caseId, js[0], commitment(caseId, js[0], UPHOLD, salt(js[0])));
        (bytes32 secret, bytes32[] memory proof) = ticketFor(caseId, js[0]);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AlreadyCommitted.selector, caseId, js[0]));
        vm.prank(js[0]);
        court.commitVote(caseId, commitment(caseId, js[0], REJECT, salt(js[0])), secret, proof);
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
        claim(caseId, js[0], commitment(caseId, js[0], UPHOLD, salt(js[0])));
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
        (bytes32 secret, bytes32[] memory proof) = ticketFor(caseId, js[0]);
        vm.warp(commitEnd);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.CommitClosed.selector, caseId, commitEnd));
        vm.prank(js[0]);
        court.commitVote(caseId, commitment(caseId, js[0], UPHOLD, salt(js[0])), secret, proof);
    }

    function testWrongSaltIsRefused() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        claim(caseId, js[0], commitment(caseId, js[0], UPHOLD, salt(js[0])));
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
        // After the signalled epoch the stake unbonds once the epoch's ticket seed is out (no lottery ran in epoch 1,
        // so any value passes) and the epoch of that reveal, anyone's window to slash the silent, is over.
        warpToEpoch(2);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.TicketSeedsPending.selector, a, uint64(0), uint64(1)));
        vm.prank(a);
        court.withdrawStake(AUDITOR_STAKE);
        bytes32[] memory seeds = new bytes32[](1);
        vm.prank(a);
        tickets.revealSeeds(1, seeds);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.SlashWindowOpen.selector, a, uint64(genesis + 3 * EPOCH)));
        vm.prank(a);
        court.withdrawStake(AUDITOR_STAKE);
        warpToEpoch(3);
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
        (bytes32 secret, bytes32[] memory proof) = ticketFor(caseId, js[1]);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AffiliatedJuror.selector, caseId, js[1], provider));
        vm.prank(js[1]);
        court.commitVote(caseId, commitment(caseId, js[1], REJECT, salt(js[1])), secret, proof);
    }

    function testAnAffiliatedAuditorCannotClaimASeatEvenWhenDrawn() public {
        // 7 independent auditors and 7 working for the recipient; 9 of 14 drawn on average.
        signalAuditors(7, 1);
        for (uint256 i = 7; i < 14; i++) {
            address a = auditorAt(i);
            vm.prank(vetter);
            court.vetAuditor(a, keccak256(abi.encode("did", i)), recipient);
            fund(a, AUDITOR_STAKE);
            approveAs(a, address(court), AUDITOR_STAKE);
            signalAs(a, AUDITOR_STAKE, 4, 1, bytes32(0));
            auditors.push(a);
        }
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        for (uint256 i = 0; i < js.length; i++) {
            assertEq(court.auditor(js[i]).affiliation, address(0), "no affiliate of a party among those who may sit");
        }
        uint64 threshold = court.panel(caseId, 0).threshold;
        uint256 refused = 0;
        for (uint256 i = 7; i < 14; i++) {
            address a = auditors[i];
            if (ticketIn(caseId, a) > threshold) continue;
            (bytes32 secret, bytes32[] memory proof) = ticketFor(caseId, a);
            vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AffiliatedJuror.selector, caseId, a, recipient));
            vm.prank(a);
            court.commitVote(caseId, bytes32(uint256(1)), secret, proof);
            refused++;
        }
        assertTrue(refused > 0, "at least one affiliate was drawn and refused");
    }

    function testAnUndrawnAuditorAndAForgedTicketCannotVote() public {
        // 14 auditors for a jury of 3 at 3 tickets a seat: odds 9/14, so some are not drawn.
        signalAuditors(14, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        drawJury(caseId);
        IOutcomeCourt.Panel memory p = court.panel(caseId, 0);
        assertTrue(p.threshold < type(uint64).max, "not everyone is drawn");
        address undrawn = address(0);
        for (uint256 i = 0; i < auditors.length && undrawn == address(0); i++) {
            if (ticketIn(caseId, auditors[i]) > p.threshold) undrawn = auditors[i];
        }
        assertTrue(undrawn != address(0), "an auditor is not drawn");
        (bytes32 secret, bytes32[] memory proof) = ticketFor(caseId, undrawn);
        vm.expectRevert(
            abi.encodeWithSelector(
                IOutcomeCourt.NotDrawn.selector,
                caseId,
                undrawn,
                ticketIn(caseId, undrawn),
                p.threshold
            )
        );
        vm.prank(undrawn);
        court.commitVote(caseId, bytes32(uint256(1)), secret, proof);
        // Another slot's secret (a ticket it would hold in another lottery) does not pass for this one.
        bytes32 seed = ticketSeed(undrawn, p.epoch);
        bytes32 otherSecret = ticketSecret(seed, p.slot + 1);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.InvalidTicket.selector, caseId, undrawn));
        vm.prank(undrawn);
        court.commitVote(caseId, bytes32(uint256(1)), otherSecret, ticketProof(seed, p.slot + 1));
        // Nor does someone without a tree (the provider borrowing an auditor's proof).
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.InvalidTicket.selector, caseId, provider));
        vm.prank(provider);
        court.commitVote(caseId, bytes32(uint256(1)), secret, proof);
    }

    function testUnvettedAuditorCannotSignalAndADidIsUnique() public {
        address a = auditorAt(99);
        bytes32[] memory roots = new bytes32[](1);
        uint64 first = court.currentEpoch() + 1;
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.AuditorNotVetted.selector, a));
        vm.prank(a);
        court.signal(AUDITOR_STAKE, 1, 1, bytes32(0), first, roots);
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

    // ---------------------------------------------------------------- the blind lottery

    function testThePanelIsTheLowestTicketsClaimedWhateverTheOrder() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory lowest = drawJury(caseId);
        // Every one of the 7 is drawn (odds 9/7): they claim highest ticket first, so each of the 3 lowest displaces
        // a higher one, whose deposit is released.
        address[] memory byTicket = new address[](7);
        uint256 n = 0;
        for (uint256 i = 0; i < 7; i++) byTicket[n++] = auditors[i];
        for (uint256 i = 0; i < 7; i++) {
            for (uint256 j = i + 1; j < 7; j++) {
                if (ticketIn(caseId, byTicket[j]) > ticketIn(caseId, byTicket[i])) {
                    (byTicket[i], byTicket[j]) = (byTicket[j], byTicket[i]);
                }
            }
        }
        for (uint256 i = 0; i < 7; i++)
            claim(caseId, byTicket[i], commitment(caseId, byTicket[i], UPHOLD, salt(byTicket[i])));
        address[] memory seated = court.jurors(caseId, 0);
        assertEq(seated.length, 3, "a full panel");
        for (uint256 i = 0; i < 3; i++) {
            assertTrue(court.ballot(caseId, 0, lowest[i]).seated, "each of the 3 lowest tickets sits");
            assertEq(court.auditor(lowest[i]).locked, 10_00, "its deposit locked");
        }
        for (uint256 i = 0; i < 4; i++) {
            assertFalse(court.ballot(caseId, 0, byTicket[i]).seated, "a higher ticket does not sit");
            assertTrue(court.ballot(caseId, 0, byTicket[i]).claimed, "but it claimed (not silent)");
            assertEq(court.auditor(byTicket[i]).locked, 0, "its deposit released");
            assertEq(court.auditor(byTicket[i]).openCases, 0, "no open validation");
        }
        // A displaced juror's vote does not count: it cannot reveal.
        vm.warp(court.panel(caseId, 0).commitEnd);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.NotAJuror.selector, caseId, byTicket[0]));
        vm.prank(byTicket[0]);
        court.revealVote(caseId, UPHOLD, salt(byTicket[0]));
    }

    function testTooFewClaimsRepeatTheDrawWithEveryDepositReleased() public {
        signalAuditors(7, 2);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        claim(caseId, js[0], commitment(caseId, js[0], UPHOLD, salt(js[0])));
        claim(caseId, js[1], commitment(caseId, js[1], UPHOLD, salt(js[1])));
        vm.warp(court.panel(caseId, 0).revealEnd);
        vm.expectEmit(true, true, true, true);
        emit IOutcomeCourt.DrawFailed(caseId, 0, 0, 2, 3);
        court.tally(caseId);
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        assertEq(uint8(c.status), uint8(IOutcomeCourt.CaseStatus.Drawing), "drawn again");
        assertEq(c.attempt, 1, "next attempt");
        assertEq(court.auditor(js[0]).locked, 0, "released");
        assertEq(court.auditor(js[1]).openCases, 0, "released");
    }

    function testASilentDrawnAuditorIsSlashedOnceItsSeedIsOut() public {
        signalAuditors(7, 1);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        address[] memory js = drawJury(caseId);
        vote(caseId, js, same(3, UPHOLD));
        // Everyone of the 7 was drawn; the 4 others never claimed.
        address silent = address(0);
        for (uint256 i = 0; i < 7 && silent == address(0); i++) {
            if (!court.ballot(caseId, 0, auditors[i]).claimed) silent = auditors[i];
        }
        assertTrue(silent != address(0), "a drawn auditor stayed silent");
        vm.expectRevert(abi.encodeWithSelector(IAuditorTickets.TicketSeedNotRevealed.selector, silent, uint64(1)));
        court.slashSilent(caseId, 0, 0, silent);
        bytes32[] memory seeds = new bytes32[](1);
        seeds[0] = ticketSeed(silent, 1);
        vm.expectRevert(abi.encodeWithSelector(IAuditorTickets.EpochNotOver.selector, uint64(1), uint64(1)));
        vm.prank(silent);
        tickets.revealSeeds(1, seeds);
        warpToEpoch(2);
        vm.prank(silent);
        tickets.revealSeeds(1, seeds);
        uint256 sinkBefore = eur.balanceOf(bank);
        vm.prank(provider); // anyone may
        court.slashSilent(caseId, 0, 0, silent);
        assertEq(eur.balanceOf(bank) - sinkBefore, 10_00, "its deposit to the sink");
        assertEq(court.auditor(silent).bonded, AUDITOR_STAKE - 10_00, "slashed once");
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.NotSilent.selector, caseId, silent));
        court.slashSilent(caseId, 0, 0, silent);
        // A juror that claimed is not silent, whatever its seed shows.
        seeds[0] = ticketSeed(js[0], 1);
        vm.prank(js[0]);
        tickets.revealSeeds(1, seeds);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.NotSilent.selector, caseId, js[0]));
        court.slashSilent(caseId, 0, 0, js[0]);
        assertConserved();
    }

    function testASeedMustRebuildItsRootAndComeInOrder() public {
        signalAuditors(7, 2);
        warpToEpoch(1);
        (bytes32 caseId, ) = openCase("t");
        drawJury(caseId); // a lottery in epoch 1: its seeds are checked
        warpToEpoch(3);
        address a = auditors[0];
        bytes32[] memory seeds = new bytes32[](1);
        seeds[0] = keccak256("not the seed");
        vm.expectRevert(abi.encodeWithSelector(IAuditorTickets.SeedsOutOfOrder.selector, a, uint64(1), uint64(2)));
        vm.prank(a);
        tickets.revealSeeds(2, seeds);
        bytes32 root = tickets.rootOf(a, 1);
        vm.expectRevert(
            abi.encodeWithSelector(
                IAuditorTickets.TicketSeedMismatch.selector,
                a,
                uint64(1),
                root,
                ticketRoot(seeds[0])
            )
        );
        vm.prank(a);
        tickets.revealSeeds(1, seeds);
        bytes32[] memory both = new bytes32[](2);
        both[0] = ticketSeed(a, 1);
        both[1] = bytes32(0); // epoch 2 ran no lottery: not checked
        vm.prank(a);
        tickets.revealSeeds(1, both);
        (uint64 through, ) = tickets.revealedThrough(a);
        assertEq(through, 2, "revealed through epoch 2");
        assertEq(tickets.secretOf(a, 1, 0), ticketSecret(ticketSeed(a, 1), 0), "secrets are public now");
    }

    function testSignalRefusesRootsForTheWrongEpochsOrCount() public {
        address a = auditorAt(0);
        vm.prank(vetter);
        court.vetAuditor(a, keccak256("did:ethr:a"), address(0));
        fund(a, AUDITOR_STAKE);
        approveAs(a, address(court), AUDITOR_STAKE);
        bytes32[] memory roots = new bytes32[](2);
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.SignalEpochMoved.selector, uint64(2), uint64(1)));
        vm.prank(a);
        court.signal(AUDITOR_STAKE, 1, 2, bytes32(0), 2, roots);
        vm.expectRevert(abi.encodeWithSelector(IAuditorTickets.TicketRootsLength.selector, 3, 2));
        vm.prank(a);
        court.signal(AUDITOR_STAKE, 1, 3, bytes32(0), 1, roots);
        vm.expectRevert(abi.encodeWithSelector(IAuditorTickets.NotCourt.selector, a));
        vm.prank(a);
        tickets.commitRoots(a, 1, roots);
    }

    // ---------------------------------------------------------------- governance

    function testParametersChangeByAMajorityOfGovernors() public {
        IOutcomeCourt.Params memory p = defaultParams();
        p.firstJurySize = 5;
        address outsider = auditorAt(50);
        vm.expectRevert(abi.encodeWithSelector(ICourtGovernance.NotGovernor.selector, outsider));
        vm.prank(outsider);
        governance.proposeParams(p);
        p.objectionJurySize = 4;
        vm.expectRevert(abi.encodeWithSelector(IOutcomeCourt.InvalidParams.selector, "objectionJurySize"));
        vm.prank(governor);
        governance.proposeParams(p);
        p.objectionJurySize = 7;
        // The five founders are governors: three approvals are a majority.
        vm.prank(governor);
        bytes32 id = governance.proposeParams(p);
        vm.prank(vetter);
        governance.approveParams(id);
        assertEq(court.params().firstJurySize, 3, "two of five is not a majority");
        vm.expectRevert(abi.encodeWithSelector(ICourtGovernance.AlreadyApproved.selector, id, vetter));
        vm.prank(vetter);
        governance.approveParams(id);
        vm.prank(bank);
        governance.approveParams(id);
        assertEq(court.params().firstJurySize, 5, "in force after three of five");
    }
}
