// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Random audits agreed in the contract: the escrow's lottery selects completed tasks at the agreed rate from the
// members' commit-reveal beacon (fixed secrets, so every run sees the same rolls), a selected task becomes a court
// case with no requester stake and runs like a complaint, and nothing is selected without the parties' agreement.
// solhint-disable-next-line no-console
import {console} from "hardhat/console.sol";
import {IMemberBeacon} from "./IMemberBeacon.sol";
import {IOutcomeCourt} from "./IOutcomeCourt.sol";
import {IServiceEscrow} from "./IServiceEscrow.sol";
import {AuditingHarness} from "./AuditingHarness.sol";

contract RandomAuditTest is AuditingHarness {
    uint256 private _tasks;

    function setUp() public {
        setUpCourt();
    }

    /// @dev An accepted agreement agreeing `auditBps` random audits, one task ordered and completed by the provider.
    function auditedTask(uint16 auditBps) internal returns (bytes32 taskId) {
        _tasks++;
        bytes32 ref = keccak256(abi.encode("task", _tasks));
        vm.prank(recipient);
        bytes32 agreementId = escrow.proposeAgreement(provider, FEE, 6_000, 7 days, auditBps, keccak256("KPIs"), ref);
        vm.prank(provider);
        escrow.acceptAgreement(agreementId);
        fund(recipient, FEE);
        approveAs(recipient, address(escrow), FEE);
        vm.prank(recipient);
        taskId = escrow.orderTask(agreementId, ref);
        vm.prank(provider);
        escrow.reportCompletion(taskId, keccak256("installed"));
    }

    /// @dev One member commits and reveals a fixed secret for each key; the clock ends after the reveal phase.
    function runLotteries(bytes32[] memory taskIds, uint256 seed) internal {
        IMemberBeacon.Round memory r = beacon.round(escrow.task(taskIds[0]).auditBeacon);
        for (uint256 i = 0; i < taskIds.length; i++) {
            bytes32 key = escrow.task(taskIds[i]).auditBeacon;
            bytes32 secret = keccak256(abi.encode(seed, i));
            vm.prank(governor);
            beacon.commit(key, keccak256(abi.encode(key, governor, secret)));
        }
        vm.warp(r.revealStart);
        for (uint256 i = 0; i < taskIds.length; i++) {
            bytes32 key = escrow.task(taskIds[i]).auditBeacon;
            vm.prank(governor);
            beacon.reveal(key, keccak256(abi.encode(seed, i)));
        }
        vm.warp(r.revealEnd);
    }

    /// @dev Draws `n` lotteries at `auditBps` and counts the selected ones, checking each against its roll.
    function selectedOf(uint256 n, uint16 auditBps, uint256 seed) internal returns (uint256 selected) {
        bytes32[] memory taskIds = new bytes32[](n);
        for (uint256 i = 0; i < n; i++) taskIds[i] = auditedTask(auditBps);
        runLotteries(taskIds, seed);
        for (uint256 i = 0; i < n; i++) {
            bytes32 value = beacon.value(escrow.task(taskIds[i]).auditBeacon);
            bool expected = uint256(keccak256(abi.encode(value, taskIds[i]))) % 10_000 < auditBps;
            vm.prank(address(0xD0D0));
            bool chosen = escrow.drawAudit(taskIds[i]);
            assertTrue(chosen == expected, "selected exactly when the beacon's roll is below the agreed rate");
            IServiceEscrow.Task memory t = escrow.task(taskIds[i]);
            if (chosen) {
                selected++;
                assertTrue(t.status == IServiceEscrow.TaskStatus.Disputed, "a selected task is under validation");
                bytes32 caseId = keccak256(abi.encode(taskIds[i], address(escrow)));
                assertTrue(court.getCase(caseId).status == IOutcomeCourt.CaseStatus.Drawing, "its case draws a jury");
            } else {
                assertTrue(t.audit == IServiceEscrow.AuditState.Skipped, "an unselected task is left alone");
            }
        }
    }

    /// @dev 120 lotteries at 25% and 120 at 5%, fixed secrets: the counts sit within 3 standard deviations of the
    /// agreed rate (25%: 30 +/- 14; 5%: 6 +/- 7), and a rate of 100% selects every task.
    function testSelectionRateIsHonouredWithFixedSeeds() public {
        uint256 quarter = selectedOf(120, 2_500, 1);
        assertTrue(quarter >= 16 && quarter <= 44, "25% of 120 within 3 sigma");
        uint256 twentieth = selectedOf(120, 500, 2);
        assertTrue(twentieth <= 13, "5% of 120 within 3 sigma");
        assertTrue(twentieth < quarter, "a lower rate selects fewer");
        // solhint-disable-next-line no-console
        console.log("random audits selected: %d of 120 at 25%%, %d of 120 at 5%%", quarter, twentieth);
        assertEq(selectedOf(10, 10_000, 3), 10, "a rate of 100% audits every task");
    }

    function testNoSelectionWithoutAgreement() public {
        bytes32 taskId = auditedTask(0);
        IServiceEscrow.Task memory t = escrow.task(taskId);
        assertTrue(t.audit == IServiceEscrow.AuditState.None, "no lottery without an agreed rate");
        assertEq(t.auditBeacon, bytes32(0), "no beacon round opened");
        vm.expectRevert(
            abi.encodeWithSelector(IServiceEscrow.NoAuditPending.selector, taskId, IServiceEscrow.AuditState.None)
        );
        escrow.drawAudit(taskId);
        vm.warp(block.timestamp + 7 days);
        escrow.releaseEscrow(taskId);
        assertEq(eur.balanceOf(provider), FEE, "the escrow is released without a lottery");
        vm.expectRevert(abi.encodeWithSelector(IServiceEscrow.InvalidTerms.selector, "auditBps"));
        vm.prank(recipient);
        escrow.proposeAgreement(provider, FEE, 6_000, 7 days, 10_001, keccak256("KPIs"), "x");
    }

    /// @dev The provider's completion opens the lottery; anyone draws it once the beacon is over, never before and
    /// never twice; the escrow waits for it; nobody but the escrow opens a stake-free case for the task.
    function testWhoMayTriggerARandomAudit() public {
        bytes32 taskId = auditedTask(10_000);
        IServiceEscrow.Task memory t = escrow.task(taskId);
        assertTrue(t.audit == IServiceEscrow.AuditState.Pending, "completion schedules the lottery");
        vm.expectRevert(abi.encodeWithSelector(IServiceEscrow.AuditBeaconNotReady.selector, taskId, t.auditBeacon));
        escrow.drawAudit(taskId);
        // A stranger cannot open the stake-free case: only the recipient complains, and it stakes.
        vm.expectRevert(abi.encodeWithSelector(IServiceEscrow.NotParty.selector, taskId, address(0xD0D0)));
        vm.prank(address(0xD0D0));
        court.complain(taskId, keccak256("x"));
        vm.expectRevert(abi.encodeWithSelector(IServiceEscrow.NotParty.selector, taskId, provider));
        vm.prank(provider);
        court.complain(taskId, keccak256("x"));
        vm.expectRevert(abi.encodeWithSelector(IServiceEscrow.NotCourt.selector, address(this)));
        escrow.openDispute(taskId, address(escrow));
        bytes32[] memory one = new bytes32[](1);
        one[0] = taskId;
        runLotteries(one, 7);
        vm.warp(block.timestamp + 7 days);
        vm.expectRevert(abi.encodeWithSelector(IServiceEscrow.AuditPending.selector, taskId));
        escrow.releaseEscrow(taskId);
        vm.prank(address(0xD0D0));
        assertTrue(escrow.drawAudit(taskId), "anyone draws; at 100% it is selected");
        vm.expectRevert(
            abi.encodeWithSelector(IServiceEscrow.NoAuditPending.selector, taskId, IServiceEscrow.AuditState.Selected)
        );
        escrow.drawAudit(taskId);
    }

    /// @dev A selected task runs like a complaint with no requester stake: jury of 3, commit, reveal, verdict
    /// upheld 2 to 1, the escrow refunded to the recipient after the objection window, the majority sharing the
    /// minority's deposit; every minted unit accounted for.
    function testASelectedTaskIsJudgedLikeAComplaint() public {
        signalAuditors(7, 3);
        warpToEpoch(1);
        bytes32 taskId = auditedTask(10_000);
        bytes32[] memory one = new bytes32[](1);
        one[0] = taskId;
        runLotteries(one, 11);
        escrow.drawAudit(taskId);
        bytes32 caseId = keccak256(abi.encode(taskId, address(escrow)));
        IOutcomeCourt.Case memory c = court.getCase(caseId);
        assertEq(c.requester, address(escrow), "the escrow is the requester");
        assertEq(c.requesterStake, 0, "an agreed audit needs no requester stake");
        address[] memory js = drawJury(caseId);
        assertEq(js.length, 3, "a jury of 3");
        uint8[] memory votes = new uint8[](3);
        votes[0] = UPHOLD;
        votes[1] = UPHOLD;
        votes[2] = REJECT;
        vote(caseId, js, votes);
        assertTrue(court.getCase(caseId).firstVerdict == IOutcomeCourt.Verdict.Upheld, "upheld 2 to 1");
        warpToEpoch(3);
        court.finalize(caseId);
        assertEq(eur.balanceOf(recipient), 400_00, "the escrow goes back to the recipient");
        assertEq(court.auditor(js[2]).bonded, AUDITOR_STAKE - 10_00, "the minority juror lost its deposit");
        assertEq(eur.balanceOf(js[0]) + eur.balanceOf(js[1]), 10_00, "the majority shared it");
        assertConserved();
        assertCourtHoldsStakes();
    }

    /// @dev Members withholding every reveal cannot hold the escrow: after 3 failed rounds the lottery ends unselected.
    function testThreeFailedBeaconRoundsEndTheLotteryUnselected() public {
        bytes32 taskId = auditedTask(10_000);
        for (uint8 attempt = 0; attempt < 3; attempt++) {
            IServiceEscrow.Task memory t = escrow.task(taskId);
            assertEq(t.auditAttempt, attempt, "attempt");
            vm.warp(beacon.round(t.auditBeacon).revealEnd);
            assertFalse(escrow.drawAudit(taskId), "a failed round selects nothing");
        }
        assertTrue(escrow.task(taskId).audit == IServiceEscrow.AuditState.Skipped, "the lottery ended");
        vm.warp(block.timestamp + 7 days);
        escrow.releaseEscrow(taskId);
        assertEq(eur.balanceOf(provider), FEE, "the escrow is released");
    }
}
