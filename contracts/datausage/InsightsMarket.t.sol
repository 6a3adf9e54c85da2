// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of the insights market: offers only under a live consent the caller controls, a direct and a brokered
// purchase with the broker's share split here, a replayed purchase refused with nothing moved, a share above 100%
// refused, and after erasure neither purchase nor access.
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {SettlementToken} from "../settlement/SettlementToken.sol";
import {TestBase} from "../testing/TestBase.sol";
import {DataUsage} from "./DataUsage.sol";
import {IDataUsage} from "./IDataUsage.sol";
import {IInsightsMarket} from "./IInsightsMarket.sol";
import {InsightsMarket} from "./InsightsMarket.sol";

contract InsightsMarketTest is TestBase {
    DataUsage internal usage;
    InsightsMarket internal market;
    SettlementToken internal eur;
    address internal controller = address(0xC0);
    address internal buyer = address(0xB0);
    address internal broker = address(0xB2);
    address internal bank = address(0xBA);
    address internal outsider = address(0xDEAD);
    bytes32 internal constant SECRET = keccak256("subject secret");
    bytes32 internal consent;
    bytes internal deliveryKey;

    function setUp() public {
        address[] memory founders = new address[](4);
        (founders[0], founders[1], founders[2], founders[3]) = (controller, buyer, broker, bank);
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 k = 0; k < 4; k++) {
            names[k] = "member";
            roles[k] = new bytes32[](k == 3 ? 1 : 2);
            roles[k][0] = k == 3 ? Roles.SETTLEMENT_BANK : Roles.ENTERPRISE;
            // The consortium approved the three others as key custodians; the bank is a member but no custodian.
            if (k != 3) roles[k][1] = Roles.KEY_CUSTODIAN;
        }
        ConsortiumRegistry consortium = new ConsortiumRegistry(founders, names, roles);
        usage = new DataUsage(consortium);
        eur = new SettlementToken(consortium, "EUR", 2);
        market = new InsightsMarket(consortium, usage, IERC20(address(eur)));
        IDataUsage.Terms memory t = IDataUsage.Terms({
            nonce: keccak256("n"),
            subjectFingerprint: keccak256("subject"),
            dataFingerprint: keccak256("data"),
            policyFingerprint: keccak256("policy"),
            policyStructure: keccak256("structure"),
            consentHash: keccak256("consent"),
            revocationCommitment: keccak256(abi.encode(SECRET))
        });
        vm.prank(controller);
        consent = usage.create(t, 0, new address[](0));
        vm.prank(bank);
        eur.mintOnFiatReceipt(buyer, 10_000, bytes32("wire-1"));
        vm.prank(buyer);
        eur.approve(address(market), type(uint256).max);
        deliveryKey = new bytes(65);
        deliveryKey[0] = 0x04;
    }

    function offered() internal returns (bytes32 id) {
        vm.prank(controller);
        id = market.offer(consent, keccak256("nonce"), keccak256("salted digest"), 500);
    }

    function test_offer_idFromContentAndOnlyUnderALiveConsentTheCallerHolds() public {
        bytes32 id = offered();
        assertEq(id, market.insightIdOf(controller, consent, keccak256("nonce"), keccak256("salted digest")), "id");
        assertEq(market.insight(id).controller, controller, "controller");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightExists.selector, id));
        vm.prank(controller);
        market.offer(consent, keccak256("nonce"), keccak256("salted digest"), 500);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ConsentNotHeld.selector, consent, buyer));
        vm.prank(buyer);
        market.offer(consent, keccak256("other"), keccak256("salted digest"), 500);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotMember.selector, outsider));
        vm.prank(outsider);
        market.offer(consent, keccak256("other"), keccak256("salted digest"), 500);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.EmptyDigest.selector, "contentDigest"));
        vm.prank(controller);
        market.offer(consent, keccak256("other"), bytes32(0), 500);
        usage.revoke(consent, SECRET);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ConsentInactive.selector, consent));
        vm.prank(controller);
        market.offer(consent, keccak256("other"), keccak256("salted digest"), 500);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ConsentInactive.selector, consent));
        vm.prank(buyer);
        market.purchase(id, address(0), 500, deliveryKey);
    }

    function test_purchase_paysTheControllerAndAReplayIsRefusedMovingNothing() public {
        bytes32 id = offered();
        vm.prank(buyer);
        bytes32 purchaseId = market.purchase(id, address(0), 500, deliveryKey);
        assertEq(purchaseId, market.purchaseIdOf(id, buyer), "purchase id from insight and buyer");
        assertEq(eur.balanceOf(controller), 500, "controller paid");
        assertEq(eur.balanceOf(buyer), 9_500, "buyer paid");
        assertEq(market.accessOf(purchaseId).deliveryKeyHash, keccak256(deliveryKey), "delivery key recorded");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.PurchaseReplayed.selector, purchaseId));
        vm.prank(buyer);
        market.purchase(id, address(0), 500, deliveryKey);
        assertEq(eur.balanceOf(buyer), 9_500, "nothing moved by the replay");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.SelfPurchase.selector, controller));
        vm.prank(controller);
        market.purchase(id, address(0), 500, deliveryKey);
    }

    function test_purchase_refusesAboveTheLimitAndABadDeliveryKey() public {
        bytes32 id = offered();
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.PriceAboveLimit.selector, 500, 499));
        vm.prank(buyer);
        market.purchase(id, address(0), 499, deliveryKey);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadDeliveryKey.selector, 3));
        vm.prank(buyer);
        market.purchase(id, address(0), 500, hex"040101");
    }

    function test_brokeredPurchase_splitsTheBrokersShare() public {
        bytes32 id = offered();
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotListed.selector, id, broker));
        vm.prank(buyer);
        market.purchase(id, broker, 800, deliveryKey);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BrokerShareTooHigh.selector, 10_001, 10_000));
        vm.prank(controller);
        market.list(id, broker, 800, 10_001);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotController.selector, id, broker));
        vm.prank(broker);
        market.list(id, broker, 800, 2_500);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadBroker.selector, outsider));
        vm.prank(controller);
        market.list(id, outsider, 800, 2_500);
        vm.prank(controller);
        market.list(id, broker, 800, 2_500);
        vm.prank(buyer);
        bytes32 purchaseId = market.purchase(id, broker, 800, deliveryKey);
        assertEq(eur.balanceOf(broker), 200, "broker's 25%");
        assertEq(eur.balanceOf(controller), 600, "the rest to the controller");
        assertEq(market.purchaseOf(purchaseId).brokerAmount, 200, "recorded");
    }

    function test_erase_onlyByTheControllerOnceAndThenNoPurchaseNorAccess() public {
        bytes32 id = offered();
        vm.prank(buyer);
        bytes32 purchaseId = market.purchase(id, address(0), 500, deliveryKey);
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = id;
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotController.selector, id, buyer));
        vm.prank(buyer);
        market.erase(ids, keccak256("certificate"));
        vm.warp(1_000);
        vm.prank(controller);
        market.erase(ids, keccak256("certificate"));
        assertEq(market.insight(id).erasureDigest, keccak256("certificate"), "digest recorded");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightErased.selector, id, uint64(1_000)));
        market.accessOf(purchaseId);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightErased.selector, id, uint64(1_000)));
        vm.prank(broker);
        market.purchase(id, address(0), 500, deliveryKey);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightErased.selector, id, uint64(1_000)));
        vm.prank(controller);
        market.erase(ids, keccak256("again"));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightErased.selector, id, uint64(1_000)));
        vm.prank(controller);
        market.list(id, broker, 800, 2_500);
        assertEq(eur.balanceOf(broker), 0, "nothing moved");
    }

    // The subscriber's key: private key 1, whose public key is the curve's generator G (no cheatcode needed for it).
    uint256 internal constant SUBSCRIBER_PK = 1;
    uint256 internal constant OTHER_PK = 2;
    bytes internal constant SUBSCRIBER_PUB =
        hex"0479be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8";

    function signed(uint256 pk, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(pk, digest);
        return abi.encodePacked(r, s, v);
    }

    function registered() internal {
        bytes memory signature = signed(SUBSCRIBER_PK, market.subscriberKeyDigest(consent));
        vm.prank(buyer);
        market.registerSubscriberKey(consent, SUBSCRIBER_PUB, signature);
    }

    function test_registerSubscriberKey_onlyWithTheKeysOwnSignatureAndOnce() public {
        bytes memory forged = signed(OTHER_PK, market.subscriberKeyDigest(consent));
        vm.expectRevert(
            abi.encodeWithSelector(IInsightsMarket.BadSubscriberSignature.selector, vm.addr(OTHER_PK), vm.addr(1))
        );
        vm.prank(controller);
        market.registerSubscriberKey(consent, SUBSCRIBER_PUB, forged);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadPublicKey.selector, 3));
        vm.prank(controller);
        market.registerSubscriberKey(consent, hex"040101", forged);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotMember.selector, outsider));
        vm.prank(outsider);
        market.registerSubscriberKey(consent, SUBSCRIBER_PUB, forged);
        registered();
        assertEq(market.subscriberKeyOf(consent), vm.addr(SUBSCRIBER_PK), "the key's address");
        bytes memory again = signed(SUBSCRIBER_PK, market.subscriberKeyDigest(consent));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.SubscriberKeyExists.selector, consent, vm.addr(1)));
        vm.prank(controller);
        market.registerSubscriberKey(consent, SUBSCRIBER_PUB, again);
    }

    function test_answer_onlyTheSubscribersSignatureCountsAndOnce() public {
        bytes32 id = offered();
        bytes32 location = keccak256("agent");
        uint256 deadline = block.timestamp + 600;
        bytes32 digest = market.answerDigest(id, true, location, deadline);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NoSubscriberKey.selector, consent));
        vm.prank(controller);
        market.answer(id, true, location, deadline, signed(SUBSCRIBER_PK, digest));
        registered();
        // The operator signing for the subscriber (any key but the registered one) is refused.
        vm.expectRevert(
            abi.encodeWithSelector(IInsightsMarket.BadSubscriberSignature.selector, vm.addr(OTHER_PK), vm.addr(1))
        );
        vm.prank(controller);
        market.answer(id, true, location, deadline, signed(OTHER_PK, digest));
        // A signature for "decline" does not accept.
        bytes memory declineSig = signed(SUBSCRIBER_PK, market.answerDigest(id, false, location, deadline));
        vm.prank(controller);
        try market.answer(id, true, location, deadline, declineSig) {
            assertTrue(false, "a decline's signature cannot accept");
        } catch {
            assertEq(market.answerOf(id).answeredAt, 0, "no answer recorded");
        }
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotController.selector, id, buyer));
        vm.prank(buyer);
        market.answer(id, true, location, deadline, signed(SUBSCRIBER_PK, digest));
        vm.prank(controller);
        market.answer(id, true, location, deadline, signed(SUBSCRIBER_PK, digest));
        assertTrue(market.answerOf(id).accepted, "accepted");
        assertEq(market.answerOf(id).locationDigest, location, "location");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.AlreadyAnswered.selector, id, true));
        vm.prank(controller);
        market.answer(id, false, location, deadline, declineSig);
        vm.prank(controller);
        market.recordReading(id, keccak256("reader"));
    }

    function test_answer_expiredRefusedAndADeclinedInsightIsNeitherListedNorSoldNorRead() public {
        bytes32 id = offered();
        registered();
        vm.warp(10_000);
        bytes32 location = keccak256("agent");
        bytes memory expired = signed(SUBSCRIBER_PK, market.answerDigest(id, false, location, 9_999));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.SignatureExpired.selector, 9_999, 10_000));
        vm.prank(controller);
        market.answer(id, false, location, 9_999, expired);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotAccepted.selector, id));
        vm.prank(controller);
        market.recordReading(id, keccak256("reader"));
        bytes memory decline = signed(SUBSCRIBER_PK, market.answerDigest(id, false, location, 10_000));
        vm.prank(controller);
        market.answer(id, false, location, 10_000, decline);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightDeclined.selector, id));
        vm.prank(buyer);
        market.purchase(id, address(0), 500, deliveryKey);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightDeclined.selector, id));
        vm.prank(controller);
        market.list(id, broker, 800, 2_500);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotAccepted.selector, id));
        vm.prank(controller);
        market.recordReading(id, keccak256("reader"));
        assertEq(eur.balanceOf(buyer), 10_000, "nothing moved");
    }

    // The broker: subscribers entrust insights they accepted, a broker bundles them, and a bundle's sale pays each
    // subscriber's key its share straight from the buyer's allowance.
    uint256 internal constant SECOND_PK = 2;
    uint256 internal constant FORGER_PK = 3;
    bytes internal constant SECOND_PUB =
        hex"04c6047f9441ed7d6d3045406e95c07cd85c778e4b8cef3ca7abac09b95c709ee51ae168fea63dc339a3c58419466ceaeef7f632653266d0e1236431a950cfe52a";

    /// An insight offered under a fresh consent, its subscriber's key (pk) registered, accepted by that key.
    function acceptedInsight(uint256 pk, bytes memory pub, bytes32 tag) internal returns (bytes32 id) {
        IDataUsage.Terms memory t = IDataUsage.Terms({
            nonce: tag,
            subjectFingerprint: keccak256(abi.encode("subject", tag)),
            dataFingerprint: keccak256("data"),
            policyFingerprint: keccak256("policy"),
            policyStructure: keccak256("structure"),
            consentHash: keccak256("consent"),
            revocationCommitment: keccak256(abi.encode(SECRET))
        });
        vm.prank(controller);
        bytes32 c = usage.create(t, 0, new address[](0));
        bytes memory proof = signed(pk, market.subscriberKeyDigest(c));
        vm.prank(buyer);
        market.registerSubscriberKey(c, pub, proof);
        vm.prank(controller);
        id = market.offer(c, tag, keccak256(abi.encode("digest", tag)), 500);
        uint256 deadline = block.timestamp + 600;
        bytes memory yes = signed(pk, market.answerDigest(id, true, keccak256("agent"), deadline));
        vm.prank(controller);
        market.answer(id, true, keccak256("agent"), deadline, yes);
    }

    function entrusted(uint256 pk, bytes32 id, uint16 shareBps) internal {
        uint256 deadline = block.timestamp + 600;
        bytes memory sig = signed(pk, market.entrustDigest(id, broker, shareBps, deadline));
        vm.prank(broker);
        market.entrust(id, broker, shareBps, deadline, sig);
    }

    function ascending(bytes32 a, bytes32 b) internal pure returns (bytes32[] memory ids) {
        ids = new bytes32[](2);
        (ids[0], ids[1]) = a < b ? (a, b) : (b, a);
    }

    function test_bundle_paysEachSubscriberItsShareAndTheBrokerTheRestAndAReplayMovesNothing() public {
        bytes32 first = acceptedInsight(SUBSCRIBER_PK, SUBSCRIBER_PUB, "first");
        bytes32 second = acceptedInsight(SECOND_PK, SECOND_PUB, "second");
        entrusted(SUBSCRIBER_PK, first, 7_000);
        entrusted(SECOND_PK, second, 5_000);
        assertEq(market.entrustmentOf(first, broker).subscriberShareBps, 7_000, "share recorded");
        bytes32[] memory ids = ascending(first, second);
        vm.prank(broker);
        bytes32 bundleId = market.createBundle(keccak256("bundle"), ids, 1_001);
        assertEq(bundleId, market.bundleIdOf(broker, keccak256("bundle"), ids), "bundle id from content and broker");
        assertEq(market.bundleOf(bundleId).insightIds.length, 2, "two insights");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BundleExists.selector, bundleId));
        vm.prank(broker);
        market.createBundle(keccak256("bundle"), ids, 1_001);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.PriceAboveLimit.selector, 1_001, 1_000));
        vm.prank(buyer);
        market.purchaseBundle(bundleId, 1_000, deliveryKey);
        vm.prank(buyer);
        bytes32 bought = market.purchaseBundle(bundleId, 1_001, deliveryKey);
        assertEq(bought, market.bundlePurchaseIdOf(bundleId, buyer), "purchase id from bundle and buyer");
        // portion = 1001 / 2 = 500 (rounded down); 70% of it and 50% of it to the subscribers; the rest (401) to the
        // broker, the rounding remainder included; nothing to the controller, nothing held by the market.
        assertEq(eur.balanceOf(vm.addr(SUBSCRIBER_PK)), 350, "first subscriber's 70% of 500");
        assertEq(eur.balanceOf(vm.addr(SECOND_PK)), 250, "second subscriber's 50% of 500");
        assertEq(eur.balanceOf(broker), 401, "the broker keeps the rest");
        assertEq(eur.balanceOf(controller), 0, "the controller is not paid for a bundle");
        assertEq(eur.balanceOf(address(market)), 0, "nothing held");
        assertEq(eur.balanceOf(buyer), 10_000 - 1_001, "the buyer paid the price");
        assertEq(market.subscriberPaidOf(bought, first), 350, "share recorded");
        assertEq(market.bundlePurchaseOf(bought).brokerAmount, 401, "broker amount recorded");
        bytes32 perInsight = market.purchaseIdOf(first, buyer);
        assertEq(market.accessOf(perInsight).deliveryKeyHash, keccak256(deliveryKey), "each insight deliverable");
        assertEq(market.accessOf(perInsight).brokerAmount, 150, "its portion less the subscriber's share");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.PurchaseReplayed.selector, bought));
        vm.prank(buyer);
        market.purchaseBundle(bundleId, 1_001, deliveryKey);
        assertEq(eur.balanceOf(buyer), 10_000 - 1_001, "nothing moved by the replay");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.SelfPurchase.selector, broker));
        vm.prank(broker);
        market.purchaseBundle(bundleId, 1_001, deliveryKey);
    }

    function test_bundle_refusesAnInsightTheSubscriberDidNotEntrustToThisBroker() public {
        bytes32 first = acceptedInsight(SUBSCRIBER_PK, SUBSCRIBER_PUB, "first");
        bytes32 second = acceptedInsight(SECOND_PK, SECOND_PUB, "second");
        entrusted(SUBSCRIBER_PK, first, 7_000);
        bytes32[] memory ids = ascending(first, second);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotEntrusted.selector, second, broker));
        vm.prank(broker);
        market.createBundle(keccak256("bundle"), ids, 1_000);
        // The broker (or the operator) signing for the subscriber: refused.
        uint256 deadline = block.timestamp + 600;
        bytes memory forged = signed(FORGER_PK, market.entrustDigest(second, broker, 0, deadline));
        vm.expectRevert(
            abi.encodeWithSelector(IInsightsMarket.BadSubscriberSignature.selector, vm.addr(FORGER_PK), vm.addr(2))
        );
        vm.prank(broker);
        market.entrust(second, broker, 0, deadline, forged);
        // Entrusted to one broker is not entrusted to another.
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotEntrusted.selector, ids[0], controller));
        vm.prank(controller);
        market.createBundle(keccak256("bundle"), ids, 1_000);
        bytes memory again = signed(SUBSCRIBER_PK, market.entrustDigest(first, broker, 7_000, deadline));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.AlreadyEntrusted.selector, first, broker));
        vm.prank(broker);
        market.entrust(first, broker, 7_000, deadline, again);
        bytes memory tooMuch = signed(SECOND_PK, market.entrustDigest(second, broker, 10_001, deadline));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ShareTooHigh.selector, 10_001, 10_000));
        vm.prank(broker);
        market.entrust(second, broker, 10_001, deadline, tooMuch);
        bytes32[] memory reversed = new bytes32[](2);
        (reversed[0], reversed[1]) = (ids[1], ids[0]);
        entrusted(SECOND_PK, second, 5_000);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightsNotAscending.selector, 1));
        vm.prank(broker);
        market.createBundle(keccak256("bundle"), reversed, 1_000);
        // An insight the subscriber has not accepted cannot be entrusted.
        bytes32 unanswered = offered();
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotAccepted.selector, unanswered));
        vm.prank(broker);
        market.entrust(unanswered, broker, 0, deadline, forged);
    }

    function test_bundle_anErasedInsightOrAnInsightBoughtBeforeStopsTheSaleMovingNothing() public {
        bytes32 first = acceptedInsight(SUBSCRIBER_PK, SUBSCRIBER_PUB, "first");
        bytes32 second = acceptedInsight(SECOND_PK, SECOND_PUB, "second");
        entrusted(SUBSCRIBER_PK, first, 7_000);
        entrusted(SECOND_PK, second, 5_000);
        vm.prank(broker);
        bytes32 bundleId = market.createBundle(keccak256("bundle"), ascending(first, second), 1_000);
        vm.prank(buyer);
        market.purchase(first, address(0), 500, deliveryKey);
        bytes32 earlier = market.purchaseIdOf(first, buyer);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.PurchaseReplayed.selector, earlier));
        vm.prank(buyer);
        market.purchaseBundle(bundleId, 1_000, deliveryKey);
        bytes32[] memory gone = new bytes32[](1);
        gone[0] = second;
        vm.warp(2_000);
        vm.prank(controller);
        market.erase(gone, keccak256("certificate"));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightErased.selector, second, uint64(2_000)));
        vm.prank(bank);
        market.purchaseBundle(bundleId, 1_000, deliveryKey);
        assertEq(eur.balanceOf(vm.addr(SECOND_PK)), 0, "nothing paid");
    }

    // Sharing with a friend: the friend's key registered by its own signature, the share signed by the holder's key.
    uint256 internal constant FRIEND_PK = 4;

    function friendPub() internal pure returns (bytes memory) {
        // 4 * G, uncompressed.
        return
            hex"04e493dbf1c10d80f3581e4904930b1404cc6c13900ee0758474fa94abe8c4cd1351ed993ea0d455b75642e2098ea51448d967ae33bfbdfe40cfe97bdc47739922";
    }

    function friendRegistered() internal {
        bytes memory proof = signed(FRIEND_PK, market.friendKeyDigest(vm.addr(FRIEND_PK)));
        vm.prank(broker);
        market.registerFriendKey(friendPub(), proof);
    }

    function shareSigned(uint256 pk, bytes32 id, uint256 deadline) internal view returns (bytes memory) {
        return signed(pk, market.shareDigest(id, vm.addr(FRIEND_PK), keccak256("envelope"), deadline));
    }

    function test_registerFriendKey_onlyWithTheKeysOwnSignatureAndOnce() public {
        address friend = vm.addr(FRIEND_PK);
        bytes memory forged = signed(OTHER_PK, market.friendKeyDigest(friend));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadSubscriberSignature.selector, vm.addr(2), friend));
        vm.prank(broker);
        market.registerFriendKey(friendPub(), forged);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotMember.selector, outsider));
        vm.prank(outsider);
        market.registerFriendKey(friendPub(), forged);
        friendRegistered();
        assertTrue(market.isFriendKey(friend), "registered");
        bytes memory again = signed(FRIEND_PK, market.friendKeyDigest(friend));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.FriendKeyExists.selector, friend));
        vm.prank(broker);
        market.registerFriendKey(friendPub(), again);
    }

    function test_share_onlyTheHoldersSignatureToARegisteredFriendOnce() public {
        bytes32 id = acceptedInsight(SUBSCRIBER_PK, SUBSCRIBER_PUB, "shared");
        address friend = vm.addr(FRIEND_PK);
        bytes32 envelope = keccak256("envelope");
        uint256 deadline = block.timestamp + 600;
        bytes memory holders = shareSigned(SUBSCRIBER_PK, id, deadline);
        bytes memory others = shareSigned(OTHER_PK, id, deadline);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.FriendKeyNotRegistered.selector, friend));
        vm.prank(buyer);
        market.share(id, friend, envelope, deadline, holders);
        friendRegistered();
        // A non-holder (any key but the consent's registered one, the operator's included) cannot share.
        vm.expectRevert(
            abi.encodeWithSelector(IInsightsMarket.BadSubscriberSignature.selector, vm.addr(OTHER_PK), vm.addr(1))
        );
        vm.prank(controller);
        market.share(id, friend, envelope, deadline, others);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotMember.selector, outsider));
        vm.prank(outsider);
        market.share(id, friend, envelope, deadline, holders);
        vm.prank(buyer);
        bytes32 shareId = market.share(id, friend, envelope, deadline, holders);
        assertEq(shareId, market.shareIdOf(id, friend), "id from insight and friend");
        assertEq(market.shareOf(shareId).from, vm.addr(SUBSCRIBER_PK), "from the holder");
        assertEq(market.shareOf(shareId).envelopeDigest, envelope, "envelope digest");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ShareExists.selector, shareId));
        vm.prank(buyer);
        market.share(id, friend, envelope, deadline, holders);
    }

    function test_share_refusedForAnErasedOrUnacceptedInsight() public {
        friendRegistered();
        bytes32 id = acceptedInsight(SUBSCRIBER_PK, SUBSCRIBER_PUB, "erased");
        uint256 deadline = block.timestamp + 600;
        bytes32[] memory ids = new bytes32[](1);
        ids[0] = id;
        vm.warp(3_000);
        vm.prank(controller);
        market.erase(ids, keccak256("certificate"));
        bytes memory sig = shareSigned(SUBSCRIBER_PK, id, deadline);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.InsightErased.selector, id, uint64(3_000)));
        vm.prank(buyer);
        market.share(id, vm.addr(FRIEND_PK), keccak256("envelope"), deadline, sig);
        bytes32 unanswered = offered();
        sig = shareSigned(SUBSCRIBER_PK, unanswered, deadline);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotAccepted.selector, unanswered));
        vm.prank(buyer);
        market.share(unanswered, vm.addr(FRIEND_PK), keccak256("envelope"), deadline, sig);
    }

    // The m-of-n attestation of a key's destruction by its custodians.
    function custodians() internal view returns (address[] memory c) {
        c = new address[](3);
        (c[0], c[1], c[2]) = (buyer, broker, controller); // 0xB0 < 0xB2 < 0xC0
    }

    function test_nameCustodians_onlyTheControllerOnceWithinBounds() public {
        address[] memory c = custodians();
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ConsentNotHeld.selector, consent, buyer));
        vm.prank(buyer);
        market.nameCustodians(consent, c, 2);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadCustody.selector, 3, 4, 16));
        vm.prank(controller);
        market.nameCustodians(consent, c, 4);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadCustody.selector, 3, 0, 16));
        vm.prank(controller);
        market.nameCustodians(consent, c, 0);
        (c[0], c[1]) = (c[1], c[0]);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadCustodian.selector, 1, buyer));
        vm.prank(controller);
        market.nameCustodians(consent, c, 2);
        c[0] = outsider;
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadCustodian.selector, 0, outsider));
        vm.prank(controller);
        market.nameCustodians(consent, c, 2);
        // A member the consortium did not approve as a key custodian is refused.
        address[] memory withBank = new address[](2);
        (withBank[0], withBank[1]) = (buyer, bank);
        assertTrue(buyer < bank, "ascending");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.BadCustodian.selector, 1, bank));
        vm.prank(controller);
        market.nameCustodians(consent, withBank, 1);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NoCustodians.selector, consent));
        vm.prank(controller);
        market.requestErasure(consent);
        vm.prank(controller);
        market.nameCustodians(consent, custodians(), 2);
        assertEq(market.custodyOf(consent).custodians.length, 3, "three custodians");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.CustodiansExist.selector, consent));
        vm.prank(controller);
        market.nameCustodians(consent, custodians(), 1);
    }

    function test_attestErasure_mOfNDistinctCustodiansEachOnceNothingAfter() public {
        vm.prank(controller);
        market.nameCustodians(consent, custodians(), 2);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ErasureNotRequested.selector, consent));
        vm.prank(buyer);
        market.attestErasure(consent, keccak256("destroyed"));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ConsentNotHeld.selector, consent, buyer));
        vm.prank(buyer);
        market.requestErasure(consent);
        vm.warp(5_000);
        vm.prank(controller);
        market.requestErasure(consent);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ErasureAlreadyRequested.selector, consent, 5_000));
        vm.prank(controller);
        market.requestErasure(consent);
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.NotCustodian.selector, consent, bank));
        vm.prank(bank);
        market.attestErasure(consent, keccak256("destroyed"));
        vm.warp(5_010);
        vm.prank(broker);
        market.attestErasure(consent, keccak256("broker destroyed"));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.AlreadyAttested.selector, consent, broker, 5_010));
        vm.prank(broker);
        market.attestErasure(consent, keccak256("again"));
        IInsightsMarket.KeyErasure memory e = market.keyErasureOf(consent);
        assertEq(uint8(e.status), uint8(IInsightsMarket.ErasureStatus.Requested), "one of two: still requested");
        vm.warp(5_020);
        vm.prank(controller);
        market.attestErasure(consent, keccak256("controller destroyed"));
        e = market.keyErasureOf(consent);
        assertEq(uint8(e.status), uint8(IInsightsMarket.ErasureStatus.Attested), "two of three: attested");
        assertEq(e.attestedAt, 5_020, "when");
        assertEq(e.attestedBy[0], broker, "by whom, first");
        assertEq(e.attestedBy[1], controller, "by whom, second");
        assertEq(market.attestedAt(consent, broker), 5_010, "each custodian's time");
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.ErasureComplete.selector, consent, 5_020));
        vm.prank(buyer);
        market.attestErasure(consent, keccak256("late"));
        vm.expectRevert(abi.encodeWithSelector(IInsightsMarket.AlreadyAttested.selector, consent, controller, 5_020));
        vm.prank(controller);
        market.attestErasure(consent, keccak256("again, after completion"));
    }
}
