// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {SettlementToken} from "../settlement/SettlementToken.sol";
import {TestBase} from "../testing/TestBase.sol";
import {DataOffers} from "./DataOffers.sol";
import {IDataOffers} from "./IDataOffers.sol";
import {TimestampLedger} from "./TimestampLedger.sol";

contract DataOffersTest is TestBase {
    DataOffers internal offers;
    TimestampLedger internal timestamps;
    SettlementToken internal eur;
    address internal client = address(0xA0);
    address internal provider = address(0xB0);
    address internal rival = address(0xB1);
    address internal bank = address(0xBA);
    address internal outsider = address(0xEE);
    bytes32 internal tile = keccak256("tile:31UDQ:2026-11-30");
    bytes32 internal dataRoot = keccak256("provider's tile batch root");

    function setUp() public {
        address[] memory founders = new address[](4);
        (founders[0], founders[1], founders[2], founders[3]) = (client, provider, rival, bank);
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = i == 3 ? Roles.SETTLEMENT_BANK : Roles.ENTERPRISE;
        }
        ConsortiumRegistry consortium = new ConsortiumRegistry(founders, names, roles);
        timestamps = new TimestampLedger(consortium);
        eur = new SettlementToken(consortium, "EUR", 2);
        offers = new DataOffers(consortium, timestamps, IERC20(address(eur)));
        vm.prank(provider);
        timestamps.anchorRoot(dataRoot, 4);
        vm.prank(bank);
        eur.mintOnFiatReceipt(client, 10_000, bytes32("wire-1"));
    }

    function _openRequest() internal returns (bytes32 requestId, bytes32 offerId) {
        vm.prank(client);
        requestId = offers.requestData(tile, bytes32("salt"));
        vm.prank(provider);
        offerId = offers.makeOffer(requestId, 2_500, dataRoot);
    }

    function testAnOfferIsPaidOnceAndAccessRecorded() public {
        (bytes32 requestId, bytes32 offerId) = _openRequest();
        assertTrue(offers.request(requestId).state == IDataOffers.RequestState.Open, "a call for offers");
        vm.prank(client);
        eur.approve(address(offers), 5_000);
        vm.prank(client);
        offers.pay(offerId);
        assertEq(eur.balanceOf(provider), 2_500, "provider paid");
        assertEq(eur.balanceOf(client), 7_500, "client charged once");
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.AlreadyPaid.selector, requestId, offerId));
        vm.prank(client);
        offers.pay(offerId);
        assertEq(eur.balanceOf(client), 7_500, "a replay moves nothing");
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.NotTheProvider.selector, offerId, rival));
        vm.prank(rival);
        offers.grantAccess(offerId, bytes32("grant-1"));
        vm.prank(provider);
        offers.grantAccess(offerId, bytes32("grant-1"));
        assertEq(offers.offer(offerId).accessRef, bytes32("grant-1"), "access recorded");
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.AccessNotDue.selector, offerId));
        vm.prank(provider);
        offers.grantAccess(offerId, bytes32("grant-2"));
    }

    function testASecondOfferOfAPaidRequestIsNotPaid() public {
        (bytes32 requestId, bytes32 offerId) = _openRequest();
        vm.prank(rival);
        bytes32 other = offers.makeOffer(requestId, 1_000, dataRoot);
        vm.prank(client);
        eur.approve(address(offers), 5_000);
        vm.prank(client);
        offers.pay(offerId);
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.AlreadyPaid.selector, requestId, offerId));
        vm.prank(client);
        offers.pay(other);
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.AccessNotDue.selector, other));
        vm.prank(rival);
        offers.grantAccess(other, bytes32("grant"));
    }

    function testOnlyTheClientPaysAndOnlyTimestampedDataIsOffered() public {
        (bytes32 requestId, bytes32 offerId) = _openRequest();
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.NotTheClient.selector, requestId, rival));
        vm.prank(rival);
        offers.pay(offerId);
        bytes32 never = keccak256("never anchored");
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.DataNotTimestamped.selector, never));
        vm.prank(rival);
        offers.makeOffer(requestId, 1_000, never);
        vm.expectRevert(abi.encodeWithSelector(IDataOffers.NotAMember.selector, outsider));
        vm.prank(outsider);
        offers.requestData(tile, bytes32("x"));
    }

    function testAFreeDatasetServesARequestAtOnce() public {
        vm.prank(provider);
        bytes32 datasetId = offers.publishFreeDataset(tile, dataRoot);
        vm.prank(client);
        bytes32 requestId = offers.requestData(tile, bytes32("salt"));
        IDataOffers.Request memory r = offers.request(requestId);
        assertTrue(r.state == IDataOffers.RequestState.Served, "served, no call for offers");
        assertEq(r.datasetId, datasetId, "from the free dataset");
        vm.expectRevert(
            abi.encodeWithSelector(IDataOffers.RequestNotOpen.selector, requestId, IDataOffers.RequestState.Served)
        );
        vm.prank(rival);
        offers.makeOffer(requestId, 1_000, dataRoot);
    }
}
