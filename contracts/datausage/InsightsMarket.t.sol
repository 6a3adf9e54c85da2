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
}
