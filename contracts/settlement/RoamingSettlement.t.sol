// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IRoamingSettlement} from "./IRoamingSettlement.sol";
import {PaymentChannels} from "./PaymentChannels.sol";
import {RoamingSettlement} from "./RoamingSettlement.sol";
import {SettlementToken} from "./SettlementToken.sol";

contract RoamingSettlementTest is TestBase {
    ConsortiumRegistry internal consortium;
    SettlementToken internal eur;
    RoamingSettlement internal settlement;
    address internal bank = address(0xBA);
    address internal north = address(0xA0);
    address internal south = address(0xA1);
    address internal east = address(0xA2);

    uint64 internal constant FROM = 1_760_000_000;
    uint64 internal constant TO = FROM + 365 days;
    uint32 internal constant PERIOD = 30 days;
    uint32 internal constant WINDOW = 7 days;

    // Two records of a batch: (digest, amount) leaves as OpenZeppelin's StandardMerkleTree hashes them.
    bytes32 internal constant D1 = keccak256("salted record 1");
    bytes32 internal constant D2 = keccak256("salted record 2");
    uint256 internal constant A1 = 600;
    uint256 internal constant A2 = 400;

    function setUp() public {
        address[] memory founders = new address[](4);
        founders[0] = bank;
        founders[1] = north;
        founders[2] = south;
        founders[3] = east;
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = i == 0 ? Roles.SETTLEMENT_BANK : Roles.MOBILE_OPERATOR;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        eur = new SettlementToken(consortium, "EUR", 2);
        settlement = new RoamingSettlement(consortium, new PaymentChannels(consortium));
        vm.startPrank(bank);
        eur.mintOnFiatReceipt(north, 100_000, "r-north");
        eur.mintOnFiatReceipt(south, 100_000, "r-south");
        eur.mintOnFiatReceipt(east, 100_000, "r-east");
        vm.stopPrank();
        vm.warp(FROM + 1 days);
    }

    function _leaf(bytes32 digest, uint256 amount) internal pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(digest, amount))));
    }

    function _root() internal pure returns (bytes32) {
        bytes32 l1 = _leaf(D1, A1);
        bytes32 l2 = _leaf(D2, A2);
        return l1 < l2 ? keccak256(abi.encodePacked(l1, l2)) : keccak256(abi.encodePacked(l2, l1));
    }

    function _agree(address visited, address home) internal returns (bytes32 id) {
        vm.prank(visited);
        id = settlement.proposeAgreement(visited, home, address(eur), "terms-v1", FROM, TO, PERIOD, WINDOW, bytes32(0));
        vm.prank(home);
        settlement.approveAgreement(id);
    }

    function _anchorAndConfirm(bytes32 agreementId, address visited, address home) internal returns (bytes32 batchId) {
        vm.prank(visited);
        batchId = settlement.anchorBatch(agreementId, _root(), 2, A1 + A2, FROM + 1 hours, FROM + 2 hours);
        vm.prank(home);
        settlement.confirmBatch(batchId);
    }

    function _invoice(bytes32 agreementId, bytes32 batchId, address visited) internal returns (bytes32) {
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = batchId;
        vm.prank(visited);
        return settlement.issueInvoice(agreementId, 0, ids, A1 + A2);
    }

    function _proof(bytes32 other) internal pure returns (bytes32[] memory proof) {
        proof = new bytes32[](1);
        proof[0] = other;
    }

    function _one(bytes32 id) internal pure returns (bytes32[] memory list) {
        list = new bytes32[](1);
        list[0] = id;
    }

    function testSettlesAPeriodWithACreditNote() public {
        bytes32 agreementId = _agree(north, south);
        bytes32 batchId = _anchorAndConfirm(agreementId, north, south);
        bytes32 invoiceId = _invoice(agreementId, batchId, north);
        vm.prank(south);
        bytes32 disputeId = settlement.disputeRecord(
            invoiceId,
            batchId,
            D1,
            A1,
            _proof(_leaf(D2, A2)),
            IRoamingSettlement.DisputeReason.WrongRate
        );
        vm.prank(north);
        settlement.answerDispute(disputeId, 150);
        vm.prank(south);
        settlement.acceptInvoice(invoiceId);
        settlement.finalizeInvoice(invoiceId);
        assertEq(settlement.invoice(invoiceId).credited, 150, "credit note recorded");

        vm.prank(south);
        bytes32 roundId = settlement.openNetting(address(eur), 0, _one(invoiceId));
        (int256 net, ) = settlement.netPosition(roundId, south);
        assertTrue(net == -850, "south owes the invoice less the credit note");
        vm.prank(south);
        eur.approve(address(settlement), 850);
        vm.prank(south);
        settlement.payNet(roundId);
        vm.prank(north);
        settlement.claimNet(roundId);
        assertEq(eur.balanceOf(north), 100_850, "north received its net");
        assertEq(eur.balanceOf(south), 99_150, "south paid once");
        assertEq(eur.balanceOf(address(settlement)), 0, "nothing left in the contract");
    }

    function testAgreementVersionsNeedBothOperators() public {
        vm.prank(north);
        bytes32 id = settlement.proposeAgreement(north, south, address(eur), "terms-v1", FROM, TO, PERIOD, WINDOW, 0);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.NotParty.selector, north, south));
        vm.prank(north);
        settlement.approveAgreement(id);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.NotParty.selector, east, south));
        vm.prank(east);
        settlement.approveAgreement(id);
        vm.prank(south);
        settlement.approveAgreement(id);

        vm.prank(south);
        bytes32 v2 = settlement.proposeAgreement(north, south, address(eur), "terms-v2", FROM, TO, PERIOD, WINDOW, id);
        assertTrue(
            settlement.agreement(id).status == IRoamingSettlement.AgreementStatus.Active,
            "v1 until v2 approved"
        );
        vm.prank(north);
        settlement.approveAgreement(v2);
        assertTrue(settlement.agreement(id).status == IRoamingSettlement.AgreementStatus.Superseded, "v1 replaced");
        assertEq(settlement.agreement(id).supersededBy, v2, "v1 names its successor");
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WrongState.selector, id, uint8(3)));
        vm.prank(north);
        settlement.anchorBatch(id, _root(), 2, A1 + A2, FROM + 1 hours, FROM + 2 hours);
    }

    function testBatchOutsideTheAgreementIsRefused() public {
        bytes32 agreementId = _agree(north, south);
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingSettlement.OutsideAgreement.selector, agreementId, FROM - 1, FROM + 10)
        );
        vm.prank(north);
        settlement.anchorBatch(agreementId, _root(), 2, A1 + A2, FROM - 1, FROM + 10);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.OutsideAgreement.selector, agreementId, TO - 5, TO));
        vm.prank(north);
        settlement.anchorBatch(agreementId, _root(), 2, A1 + A2, TO - 5, TO);
        uint64 endOfFirst = FROM + PERIOD - 1;
        vm.expectRevert(
            abi.encodeWithSelector(
                IRoamingSettlement.OutsideAgreement.selector,
                agreementId,
                endOfFirst,
                endOfFirst + 2
            )
        );
        vm.prank(north);
        settlement.anchorBatch(agreementId, _root(), 2, A1 + A2, endOfFirst, endOfFirst + 2);
    }

    function testOnlyTheHomeOperatorConfirmsAndOnlyTheVisitedAnchors() public {
        bytes32 agreementId = _agree(north, south);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.NotParty.selector, south, north));
        vm.prank(south);
        settlement.anchorBatch(agreementId, _root(), 2, A1 + A2, FROM + 1 hours, FROM + 2 hours);
        vm.prank(north);
        bytes32 batchId = settlement.anchorBatch(agreementId, _root(), 2, A1 + A2, FROM + 1 hours, FROM + 2 hours);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.NotParty.selector, east, south));
        vm.prank(east);
        settlement.confirmBatch(batchId);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.NotAnOperator.selector, bank));
        vm.prank(bank);
        settlement.confirmBatch(batchId);
    }

    function testInvoiceMustMatchTheAnchoredBatches() public {
        bytes32 agreementId = _agree(north, south);
        bytes32 batchId = _anchorAndConfirm(agreementId, north, south);
        vm.prank(north);
        bytes32 unconfirmed = settlement.anchorBatch(
            agreementId,
            keccak256("other"),
            1,
            50,
            FROM + 3 hours,
            FROM + 3 hours
        );
        // Amount above the batches' total.
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingSettlement.InvoiceMismatch.selector, agreementId, 0, 1000, 1001)
        );
        vm.prank(north);
        settlement.issueInvoice(agreementId, 0, _one(batchId), 1001);
        // A batch the home operator never confirmed.
        bytes32[] memory both = new bytes32[](2);
        both[0] = batchId;
        both[1] = unconfirmed;
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingSettlement.InvoiceMismatch.selector, agreementId, 0, 1000, 1050)
        );
        vm.prank(north);
        settlement.issueInvoice(agreementId, 0, both, 1050);
        // Leaving out a confirmed batch.
        vm.prank(south);
        settlement.confirmBatch(unconfirmed);
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingSettlement.InvoiceMismatch.selector, agreementId, 0, 1050, 1000)
        );
        vm.prank(north);
        settlement.issueInvoice(agreementId, 0, _one(batchId), 1000);
        // A batch listed twice.
        both[1] = batchId;
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingSettlement.InvoiceMismatch.selector, agreementId, 0, 1050, 2000)
        );
        vm.prank(north);
        settlement.issueInvoice(agreementId, 0, both, 2000);
    }

    function testATamperedRecordHasNoProof() public {
        bytes32 agreementId = _agree(north, south);
        bytes32 batchId = _anchorAndConfirm(agreementId, north, south);
        bytes32 invoiceId = _invoice(agreementId, batchId, north);
        bytes32[] memory proof = _proof(_leaf(D2, A2));
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.InvalidRecordProof.selector, batchId, D1));
        vm.prank(south);
        settlement.disputeRecord(invoiceId, batchId, D1, A1 + 1, proof, IRoamingSettlement.DisputeReason.WrongRate);
        bytes32 forged = keccak256("forged record");
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.InvalidRecordProof.selector, batchId, forged));
        vm.prank(south);
        settlement.disputeRecord(invoiceId, batchId, forged, A1, proof, IRoamingSettlement.DisputeReason.Duplicate);
    }

    function testNothingIsPaidTwice() public {
        bytes32 agreementId = _agree(north, south);
        bytes32 batchId = _anchorAndConfirm(agreementId, north, south);
        bytes32 invoiceId = _invoice(agreementId, batchId, north);
        vm.prank(south);
        settlement.acceptInvoice(invoiceId);
        settlement.finalizeInvoice(invoiceId);
        vm.prank(north);
        bytes32 roundId = settlement.openNetting(address(eur), 0, _one(invoiceId));
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.RoundNotFunded.selector, roundId, 0, 1000));
        vm.prank(north);
        settlement.claimNet(roundId);
        vm.prank(south);
        eur.approve(address(settlement), 2000);
        vm.prank(south);
        settlement.payNet(roundId);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.AlreadySettled.selector, roundId, south));
        vm.prank(south);
        settlement.payNet(roundId);
        vm.prank(north);
        settlement.claimNet(roundId);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.AlreadySettled.selector, roundId, north));
        vm.prank(north);
        settlement.claimNet(roundId);
        // The invoice cannot enter another round, and the period has its round.
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.RoundExists.selector, address(eur), 0, roundId));
        vm.prank(north);
        settlement.openNetting(address(eur), 0, _one(invoiceId));
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WrongState.selector, invoiceId, uint8(4)));
        vm.prank(north);
        settlement.openNetting(address(eur), 1, _one(invoiceId));
        assertEq(eur.balanceOf(south), 99_000, "paid exactly once");
        assertEq(eur.balanceOf(north), 101_000, "received exactly once");
    }

    function testWindowsCloseByRule() public {
        bytes32 agreementId = _agree(north, south);
        bytes32 batchId = _anchorAndConfirm(agreementId, north, south);
        bytes32 invoiceId = _invoice(agreementId, batchId, north);
        vm.prank(south);
        bytes32 disputeId = settlement.disputeRecord(
            invoiceId,
            batchId,
            D2,
            A2,
            _proof(_leaf(D1, A1)),
            IRoamingSettlement.DisputeReason.Duplicate
        );
        uint64 deadline = uint64(block.timestamp) + WINDOW;
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WrongState.selector, invoiceId, uint8(1)));
        settlement.finalizeInvoice(invoiceId);
        vm.warp(deadline);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WindowClosed.selector, invoiceId, deadline));
        vm.prank(south);
        settlement.disputeRecord(
            invoiceId,
            batchId,
            D1,
            A1,
            _proof(_leaf(D2, A2)),
            IRoamingSettlement.DisputeReason.Other
        );
        // The dispute is still open: the invoice cannot be final, and the rule cannot credit it yet.
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WrongState.selector, invoiceId, uint8(1)));
        settlement.finalizeInvoice(invoiceId);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WindowOpen.selector, invoiceId, deadline + WINDOW));
        settlement.creditUnanswered(disputeId);
        vm.warp(deadline + WINDOW);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WindowClosed.selector, invoiceId, deadline + WINDOW));
        vm.prank(north);
        settlement.answerDispute(disputeId, 0);
        settlement.creditUnanswered(disputeId);
        settlement.finalizeInvoice(invoiceId);
        IRoamingSettlement.Invoice memory inv = settlement.invoice(invoiceId);
        assertEq(inv.credited, A2, "the unanswered record is credited in full");
        assertTrue(inv.status == IRoamingSettlement.InvoiceStatus.Final, "final by rule");
    }

    function testEscalatedRecordIsHeldOut() public {
        bytes32 agreementId = _agree(north, south);
        bytes32 batchId = _anchorAndConfirm(agreementId, north, south);
        bytes32 invoiceId = _invoice(agreementId, batchId, north);
        vm.prank(south);
        bytes32 disputeId = settlement.disputeRecord(
            invoiceId,
            batchId,
            D1,
            A1,
            _proof(_leaf(D2, A2)),
            IRoamingSettlement.DisputeReason.NotOurSubscriber
        );
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.AlreadyDisputed.selector, disputeId));
        vm.prank(south);
        settlement.disputeRecord(
            invoiceId,
            batchId,
            D1,
            A1,
            _proof(_leaf(D2, A2)),
            IRoamingSettlement.DisputeReason.Other
        );
        vm.prank(north);
        settlement.answerDispute(disputeId, 0);
        vm.prank(south);
        settlement.escalateDispute(disputeId);
        vm.warp(block.timestamp + WINDOW);
        settlement.finalizeInvoice(invoiceId);
        IRoamingSettlement.Invoice memory inv = settlement.invoice(invoiceId);
        assertEq(inv.escalated, A1, "escalated amount held out");
        vm.prank(north);
        bytes32 roundId = settlement.openNetting(address(eur), 0, _one(invoiceId));
        (int256 net, ) = settlement.netPosition(roundId, north);
        assertTrue(net == int256(A2), "only the undisputed record is settled");
    }

    function testThreeOperatorsNetToOnePaymentEach() public {
        // north charges south 1000, south charges east 600, east charges north 300: three bilateral debts become
        // north +700, south -400, east -300; each debtor pays once and the creditor claims once.
        bytes32[] memory invoices = new bytes32[](3);
        invoices[0] = _settledInvoice(north, south, 1000);
        invoices[1] = _settledInvoice(south, east, 600);
        invoices[2] = _settledInvoice(east, north, 300);
        bytes32 expectedRound = keccak256(abi.encode(address(eur), uint64(0), invoices));
        // Each invoice is named as it enters the round, so a read model can show it netted.
        for (uint256 i = 0; i < invoices.length; i++) {
            vm.expectEmit(true, true, true, true);
            emit IRoamingSettlement.InvoiceNetted(invoices[i], expectedRound);
        }
        vm.prank(east);
        bytes32 roundId = settlement.openNetting(address(eur), 0, invoices);
        assertEq(roundId, expectedRound, "round id from token, period and invoices");
        assertEq(settlement.invoice(invoices[1]).nettingRound, roundId, "invoice knows its round");
        (int256 n, ) = settlement.netPosition(roundId, north);
        (int256 s, ) = settlement.netPosition(roundId, south);
        (int256 e, ) = settlement.netPosition(roundId, east);
        assertTrue(n == 700 && s == -400 && e == -300, "net positions");
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.InvalidArgument.selector, "net"));
        vm.prank(north);
        settlement.payNet(roundId);
        vm.startPrank(south);
        eur.approve(address(settlement), 400);
        settlement.payNet(roundId);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.RoundNotFunded.selector, roundId, 400, 700));
        vm.prank(north);
        settlement.claimNet(roundId);
        vm.startPrank(east);
        eur.approve(address(settlement), 300);
        settlement.payNet(roundId);
        vm.stopPrank();
        vm.prank(north);
        settlement.claimNet(roundId);
        assertEq(eur.balanceOf(north), 100_700, "north");
        assertEq(eur.balanceOf(south), 99_600, "south");
        assertEq(eur.balanceOf(east), 99_700, "east");
    }

    function testSilenceMakesTheInvoiceFinalAfterTheWindow() public {
        bytes32 agreementId = _agree(north, south);
        bytes32 batchId = _anchorAndConfirm(agreementId, north, south);
        bytes32 invoiceId = _invoice(agreementId, batchId, north);
        uint64 deadline = uint64(block.timestamp) + WINDOW;
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WindowOpen.selector, invoiceId, deadline));
        settlement.finalizeInvoice(invoiceId);
        vm.warp(deadline);
        settlement.finalizeInvoice(invoiceId);
        assertTrue(settlement.invoice(invoiceId).status == IRoamingSettlement.InvoiceStatus.Final, "final by rule");
    }

    function _settledInvoice(address visited, address home, uint256 total) internal returns (bytes32 invoiceId) {
        bytes32 agreementId = _agree(visited, home);
        vm.prank(visited);
        bytes32 batchId = settlement.anchorBatch(agreementId, _root(), 2, total, FROM + 1 hours, FROM + 2 hours);
        vm.prank(home);
        settlement.confirmBatch(batchId);
        vm.prank(visited);
        invoiceId = settlement.issueInvoice(agreementId, 0, _one(batchId), total);
        vm.prank(home);
        settlement.acceptInvoice(invoiceId);
        settlement.finalizeInvoice(invoiceId);
    }
}
