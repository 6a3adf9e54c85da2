// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC1155} from "@openzeppelin/contracts/token/ERC1155/IERC1155.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {ContentHarness} from "./ContentHarness.sol";
import {ContentTickets} from "./ContentTickets.sol";
import {IContentTickets} from "./IContentTickets.sol";

contract ContentTicketsTest is ContentHarness {
    bytes32 internal constant CONCERT = keccak256("concert 2026-12-24 Budokan");
    ContentTickets internal tickets;

    function setUp() public override {
        super.setUp();
        tickets = new ContentTickets(consortium);
    }

    function testACreatorRegistersATicketClassReadByStandardWallets() public {
        vm.prank(creator);
        uint256 id = tickets.registerClass(CONCERT, 500, 1_000, keccak256("concert metadata"));
        assertEq(id, tickets.classIdOf(CONCERT, creator, 1_000), "id from fingerprint and registrant");
        assertEq(id >> 96, uint256(uint160(creator)), "the id starts with the registrant");
        assertEq(tickets.balanceOf(creator, id), 500, "the supply is minted to the registrant");
        assertEq(tickets.supplyOf(id), 500, "supply recorded");
        assertTrue(tickets.supportsInterface(type(IERC1155).interfaceId), "ERC-1155");
        assertTrue(tickets.supportsInterface(type(IERC2981).interfaceId), "ERC-2981");
        assertTrue(tickets.supportsInterface(type(IERC165).interfaceId), "ERC-165");
        vm.prank(creator);
        tickets.safeTransferFrom(creator, operator, id, 2, "");
        assertEq(tickets.balanceOf(operator, id), 2, "tickets move like any ERC-1155");
        (address receiver, uint256 royalty) = tickets.royaltyInfo(id, 50_00);
        assertEq(receiver, creator, "royalty to the creator");
        assertEq(royalty, 5_00, "10% of a 50.00 resale");
    }

    function testAnUnvettedPartyCannotRegisterSomeoneElsesFingerprint() public {
        vm.expectRevert(abi.encodeWithSelector(IContentTickets.NotVettedIssuer.selector, unvetted));
        vm.prank(unvetted);
        tickets.registerClass(CONCERT, 500, 0, keccak256("m"));
        vm.prank(creator);
        uint256 id = tickets.registerClass(CONCERT, 500, 0, keccak256("m"));
        vm.expectRevert(abi.encodeWithSelector(IContentTickets.TicketClassTaken.selector, CONCERT, id));
        vm.prank(creator);
        tickets.registerClass(CONCERT, 10, 0, keccak256("m"));
    }

    function testMalformedClassesAreRefusedNamingTheArgument() public {
        vm.expectRevert(abi.encodeWithSelector(IContentTickets.InvalidTicketArgument.selector, "supply"));
        vm.prank(creator);
        tickets.registerClass(CONCERT, 0, 0, keccak256("m"));
        vm.expectRevert(abi.encodeWithSelector(IContentTickets.TicketRoyaltyTooHigh.selector, 10_001));
        vm.prank(creator);
        tickets.registerClass(CONCERT, 1, 10_001, keccak256("m"));
    }
}
