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
            roles[k] = new bytes32[](1);
            roles[k][0] = k == 3 ? Roles.SETTLEMENT_BANK : Roles.ENTERPRISE;
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
}
