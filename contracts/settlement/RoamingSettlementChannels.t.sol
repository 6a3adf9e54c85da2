// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IPaymentChannels} from "./IPaymentChannels.sol";
import {IRoamingSettlement} from "./IRoamingSettlement.sol";
import {PaymentChannels} from "./PaymentChannels.sol";
import {RoamingSettlement} from "./RoamingSettlement.sol";
import {SettlementToken} from "./SettlementToken.sol";

/// Batches paid through a payment channel leave the period's invoice: a channel state both operators signed names the
/// batch, RoamingSettlement records it, and an invoice charging it again is refused (PaidByChannel).
contract RoamingSettlementChannelsTest is TestBase {
    ConsortiumRegistry internal consortium;
    SettlementToken internal eur;
    PaymentChannels internal channels;
    RoamingSettlement internal settlement;

    uint256 internal constant KEY_HOME = 0xB0B;
    uint256 internal constant KEY_VISITED = 0xA11CE;
    uint256 internal constant KEY_EAST = 0xE457;
    address internal bank = address(0xBA);
    address internal home;
    address internal visited;
    address internal east;

    uint64 internal constant FROM = 1_760_000_000;
    uint64 internal constant TO = FROM + 365 days;
    uint32 internal constant PERIOD = 30 days;
    uint32 internal constant WINDOW = 7 days;

    bytes32 internal agreementId;
    bytes32 internal channelId;

    function setUp() public {
        home = vm.addr(KEY_HOME);
        visited = vm.addr(KEY_VISITED);
        east = vm.addr(KEY_EAST);
        address[] memory founders = new address[](4);
        founders[0] = bank;
        founders[1] = home;
        founders[2] = visited;
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
        channels = new PaymentChannels(consortium);
        settlement = new RoamingSettlement(consortium, channels);
        vm.prank(bank);
        eur.mintOnFiatReceipt(home, 10_000, "r-home");
        vm.prank(home);
        eur.approve(address(channels), type(uint256).max);
        vm.warp(FROM + 1 days);
        vm.prank(visited);
        agreementId = settlement.proposeAgreement(
            visited,
            home,
            address(eur),
            "terms",
            FROM,
            TO,
            PERIOD,
            WINDOW,
            bytes32(0)
        );
        vm.prank(home);
        settlement.approveAgreement(agreementId);
        // the home operator (payer) opens the pair's channel and deposits 5000
        vm.prank(home);
        channelId = channels.openChannel(visited, address(eur), "salt", 1 hours);
        vm.prank(home);
        channels.deposit(channelId, 5000);
    }

    function _batch(bytes32 root, uint256 total) internal returns (bytes32 batchId) {
        vm.prank(visited);
        batchId = settlement.anchorBatch(agreementId, root, 1, total, FROM + 1 hours, FROM + 2 hours);
        vm.prank(home);
        settlement.confirmBatch(batchId);
    }

    /// State `version` of the channel: home (A) has paid `paid` to visited (B), the update naming `batchId`.
    function _state(
        uint64 version,
        uint256 paid,
        bytes32 batchId
    ) internal view returns (IPaymentChannels.State memory) {
        return IPaymentChannels.State(channelId, version, 5000 - paid, paid, 5000, 0, false, batchId);
    }

    function _sig(uint256 key, IPaymentChannels.State memory s) internal view returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(key, channels.stateDigest(s));
        return abi.encodePacked(r, sv, v);
    }

    function _ids(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory ids) {
        ids = new bytes32[](b == bytes32(0) ? 1 : 2);
        ids[0] = a;
        if (b != bytes32(0)) ids[1] = b;
    }

    function test_version_isReported() public view {
        assertEq(settlement.version(), "1.1.0", "version");
    }

    function test_channelPaidBatch_leavesTheInvoice_andChargingItAgainIsRefused() public {
        bytes32 paid = _batch("root-1", 300);
        bytes32 billed = _batch("root-2", 200);
        IPaymentChannels.State memory s = _state(1, 300, paid);
        bytes memory sa = _sig(KEY_HOME, s);
        bytes memory sb = _sig(KEY_VISITED, s);
        vm.expectEmit(true, true, false, true);
        emit IRoamingSettlement.BatchPaidByChannel(paid, channelId, 1, 300, bytes32(0));
        vm.prank(home);
        settlement.recordChannelPayment(s, sa, sb);
        assertEq(settlement.channelPaidBy(paid), channelId, "paid by the channel");
        assertEq(uint8(settlement.batch(paid).status), uint8(IRoamingSettlement.BatchStatus.ChannelPaid), "status");

        // the visited operator tries to charge the channel-paid batch again: refused by name
        vm.prank(visited);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.PaidByChannel.selector, paid, channelId));
        settlement.issueInvoice(agreementId, 0, _ids(billed, paid), 500);
        // recording it a second time is refused too
        vm.prank(visited);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.PaidByChannel.selector, paid, channelId));
        settlement.recordChannelPayment(s, sa, sb);
        // the invoice covers the other batch alone
        vm.prank(visited);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.InvoiceMismatch.selector, agreementId, 0, 200, 500));
        settlement.issueInvoice(agreementId, 0, _ids(billed, bytes32(0)), 500);
        vm.prank(visited);
        bytes32 invoiceId = settlement.issueInvoice(agreementId, 0, _ids(billed, bytes32(0)), 200);
        assertEq(settlement.invoice(invoiceId).amount, 200, "only the batch not paid by the channel");
    }

    function test_recordedAfterTheInvoice_isCreditedOnIt() public {
        bytes32 b1 = _batch("root-1", 300);
        bytes32 b2 = _batch("root-2", 200);
        // the visited operator invoices both before the home operator recorded the channel payment of b1
        vm.prank(visited);
        bytes32 invoiceId = settlement.issueInvoice(agreementId, 0, _ids(b1, b2), 500);
        IPaymentChannels.State memory s = _state(1, 300, b1);
        bytes memory sa = _sig(KEY_HOME, s);
        bytes memory sb = _sig(KEY_VISITED, s);
        vm.prank(home);
        settlement.recordChannelPayment(s, sa, sb);
        IRoamingSettlement.Invoice memory inv = settlement.invoice(invoiceId);
        assertEq(inv.credited, 300, "b1 credited on the invoice");
        // a record of b1 cannot be disputed on the invoice any more
        vm.prank(home);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.PaidByChannel.selector, b1, channelId));
        settlement.disputeRecord(invoiceId, b1, "d", 1, new bytes32[](0), IRoamingSettlement.DisputeReason.Duplicate);
        vm.prank(home);
        settlement.acceptInvoice(invoiceId);
        settlement.finalizeInvoice(invoiceId);
        vm.prank(home);
        bytes32 roundId = settlement.openNetting(address(eur), 0, _ids(invoiceId, bytes32(0)));
        (int256 net, ) = settlement.netPosition(roundId, home);
        assertTrue(net == -200, "home owes b2 alone: b1 was paid through the channel");
    }

    function test_afterTheDisputeWindow_theInvoiceStands() public {
        bytes32 b1 = _batch("root-1", 300);
        vm.prank(visited);
        bytes32 invoiceId = settlement.issueInvoice(agreementId, 0, _ids(b1, bytes32(0)), 300);
        vm.warp(block.timestamp + WINDOW);
        IPaymentChannels.State memory s = _state(1, 300, b1);
        bytes memory sa = _sig(KEY_HOME, s);
        bytes memory sb = _sig(KEY_VISITED, s);
        vm.prank(home);
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingSettlement.WindowClosed.selector, invoiceId, uint64(block.timestamp))
        );
        settlement.recordChannelPayment(s, sa, sb);
    }

    function test_onlyAStateBothSigned_byTheBatchsOperators_marksABatch() public {
        bytes32 b1 = _batch("root-1", 300);
        IPaymentChannels.State memory s = _state(1, 300, b1);
        bytes memory sa = _sig(KEY_HOME, s);
        bytes memory sb = _sig(KEY_VISITED, s);
        // the home operator alone (its own signature twice) cannot mark the batch paid
        vm.prank(home);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.BadSignature.selector, channelId, visited, home));
        settlement.recordChannelPayment(s, sa, sa);
        // a signature of another state (another batch named) does not carry over
        IPaymentChannels.State memory other = _state(1, 300, keccak256("another batch"));
        (uint8 v, bytes32 r, bytes32 sv) = vm.sign(KEY_VISITED, channels.stateDigest(other));
        bytes memory sbOther = abi.encodePacked(r, sv, v);
        // what the contract recovers from that signature over `s`: some account bound to no member
        address signer = ecrecover(channels.stateDigest(s), v, r, sv);
        vm.prank(home);
        vm.expectRevert(abi.encodeWithSelector(IPaymentChannels.BadSignature.selector, channelId, visited, signer));
        settlement.recordChannelPayment(s, sa, sbOther);
        // a third operator may not record it
        vm.prank(east);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.NotParty.selector, east, home));
        settlement.recordChannelPayment(s, sa, sb);
        // an unknown batch
        IPaymentChannels.State memory unknown = _state(1, 300, keccak256("nope"));
        bytes memory ua = _sig(KEY_HOME, unknown);
        bytes memory ub = _sig(KEY_VISITED, unknown);
        vm.prank(home);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.UnknownId.selector, keccak256("nope")));
        settlement.recordChannelPayment(unknown, ua, ub);
        assertEq(settlement.channelPaidBy(b1), bytes32(0), "nothing recorded");
    }

    function test_aChannelOfAnotherPair_doesNotPayTheBatch() public {
        bytes32 b1 = _batch("root-1", 300);
        vm.prank(bank);
        eur.mintOnFiatReceipt(east, 1000, "r-east");
        vm.prank(east);
        eur.approve(address(channels), type(uint256).max);
        vm.prank(east);
        bytes32 foreign = channels.openChannel(visited, address(eur), "salt", 1 hours);
        vm.prank(east);
        channels.deposit(foreign, 1000);
        IPaymentChannels.State memory s = IPaymentChannels.State(foreign, 1, 700, 300, 1000, 0, false, b1);
        bytes memory sa = _sig(KEY_EAST, s);
        bytes memory sb = _sig(KEY_VISITED, s);
        vm.prank(visited);
        vm.expectRevert(
            abi.encodeWithSelector(IRoamingSettlement.ChannelNotOfAgreement.selector, foreign, agreementId)
        );
        settlement.recordChannelPayment(s, sa, sb);
    }

    function test_anAnchoredBatchNotYetConfirmed_cannotBeMarked() public {
        vm.prank(visited);
        bytes32 b1 = settlement.anchorBatch(agreementId, "root-1", 1, 300, FROM + 1 hours, FROM + 2 hours);
        IPaymentChannels.State memory s = _state(1, 300, b1);
        bytes memory sa = _sig(KEY_HOME, s);
        bytes memory sb = _sig(KEY_VISITED, s);
        vm.prank(home);
        vm.expectRevert(abi.encodeWithSelector(IRoamingSettlement.WrongState.selector, b1, 1));
        settlement.recordChannelPayment(s, sa, sb);
    }
}
