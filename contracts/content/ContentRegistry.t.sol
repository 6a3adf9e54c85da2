// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IERC721} from "@openzeppelin/contracts/token/ERC721/IERC721.sol";
import {IERC721Metadata} from "@openzeppelin/contracts/token/ERC721/extensions/IERC721Metadata.sol";
import {IERC2981} from "@openzeppelin/contracts/interfaces/IERC2981.sol";
import {ContentHarness} from "./ContentHarness.sol";
import {IContentRegistry} from "./IContentRegistry.sol";

contract ContentRegistryTest is ContentHarness {
    function testRegistersAWorkUnderAnIdDerivedFromFingerprintAndRegistrant() public {
        uint256 tokenId = registerFilm();
        assertEq(tokenId, works.tokenIdOf(FILM, creator, 500), "id derives from fingerprint and registrant");
        assertEq(works.ownerOf(tokenId), creator, "creator holds the token");
        assertEq(works.workOfFingerprint(FILM), tokenId, "fingerprint maps to the work");
        (address registrant, uint16 royaltyBps) = works.work(tokenId);
        assertEq(registrant, creator, "registrant");
        assertEq(royaltyBps, 500, "royalty");
        assertEq(tokenId >> 96, uint160(creator), "the id starts with the registrant");
        assertEq(works.shareOf(tokenId, creator), 10_000, "holder owns the whole work");
    }

    function testAnUnvettedPartyCannotRegister() public {
        vm.expectRevert(abi.encodeWithSelector(IContentRegistry.NotVettedRegistrant.selector, unvetted));
        vm.prank(unvetted);
        works.register(keccak256("someone else's film"), 0, bytes32(0));
    }

    function testAnUnvettedPartyCannotRegisterSomeoneElsesFingerprintInABatch() public {
        registerFilm();
        bytes32[] memory fingerprints = new bytes32[](1);
        fingerprints[0] = FILM;
        bytes32[] memory metadata = new bytes32[](1);
        vm.expectRevert(abi.encodeWithSelector(IContentRegistry.NotVettedRegistrant.selector, unvetted));
        vm.prank(unvetted);
        works.registerBatch(fingerprints, 0, metadata);
    }

    function testAFingerprintIsRegisteredOnce() public {
        uint256 tokenId = registerFilm();
        vm.expectRevert(abi.encodeWithSelector(IContentRegistry.FingerprintRegistered.selector, FILM, tokenId));
        vm.prank(creator);
        works.register(FILM, 0, bytes32(0));
    }

    function testRegistersACatalogueInOneBatch() public {
        bytes32[] memory fingerprints = new bytes32[](3);
        bytes32[] memory metadata = new bytes32[](3);
        for (uint256 i = 0; i < 3; i++) fingerprints[i] = keccak256(abi.encode("episode", i));
        vm.prank(creator);
        uint256[] memory tokenIds = works.registerBatch(fingerprints, 300, metadata);
        assertEq(works.balanceOf(creator), 3, "three works");
        for (uint256 i = 0; i < 3; i++) {
            assertEq(tokenIds[i], works.tokenIdOf(fingerprints[i], creator, 300), "derived id");
            assertEq(works.ownerOf(tokenIds[i]), creator, "held by the creator");
        }
    }

    function testABatchWithADuplicateRegistersNothing() public {
        bytes32[] memory fingerprints = new bytes32[](2);
        fingerprints[0] = FILM;
        fingerprints[1] = FILM;
        bytes32[] memory metadata = new bytes32[](2);
        vm.expectRevert(
            abi.encodeWithSelector(
                IContentRegistry.FingerprintRegistered.selector,
                FILM,
                works.tokenIdOf(FILM, creator, 0)
            )
        );
        vm.prank(creator);
        works.registerBatch(fingerprints, 0, metadata);
        assertEq(works.balanceOf(creator), 0, "nothing registered");
    }

    function testWalletsReadTheStandardInterfaces() public view {
        assertTrue(works.supportsInterface(type(IERC721).interfaceId), "ERC-721");
        assertTrue(works.supportsInterface(type(IERC721Metadata).interfaceId), "ERC-721 metadata");
        assertTrue(works.supportsInterface(type(IERC2981).interfaceId), "ERC-2981");
        assertTrue(works.supportsInterface(type(IERC165).interfaceId), "ERC-165");
        assertTrue(works.supportsInterface(0x80ac58cd), "ERC-721 by its literal id");
        assertTrue(works.supportsInterface(0x2a55205a), "ERC-2981 by its literal id");
        assertFalse(works.supportsInterface(0xffffffff), "ERC-165 invalid id");
    }

    function testSignalsTheCreatorsResaleRoyalty() public {
        uint256 tokenId = registerFilm();
        vm.prank(creator);
        works.transferFrom(creator, aggregator, tokenId);
        (address receiver, uint256 amount) = works.royaltyInfo(tokenId, 10_000);
        assertEq(receiver, creator, "the creator, even after a sale");
        assertEq(amount, 500, "5%");
    }

    function testSellsAThirtyPercentShare() public {
        uint256 tokenId = registerFilm();
        vm.prank(creator);
        works.transferShare(tokenId, aggregator, 3_000);
        assertEq(works.shareOf(tokenId, aggregator), 3_000, "aggregator 30%");
        assertEq(works.shareOf(tokenId, creator), 7_000, "holder keeps 70%");
        assertEq(works.shareVersion(tokenId), 1, "owners changed");
    }

    function testAShareHolderCannotSellMoreThanItHolds() public {
        uint256 tokenId = registerFilm();
        vm.prank(creator);
        works.transferShare(tokenId, aggregator, 3_000);
        vm.expectRevert(
            abi.encodeWithSelector(IContentRegistry.ShareTooSmall.selector, tokenId, aggregator, 3_000, 3_001)
        );
        vm.prank(aggregator);
        works.transferShare(tokenId, promoter, 3_001);
        vm.expectRevert(abi.encodeWithSelector(IContentRegistry.ShareTooSmall.selector, tokenId, promoter, 0, 1));
        vm.prank(promoter);
        works.transferShare(tokenId, aggregator, 1);
    }

    function testAShareSoldBackJoinsTheRemainderAndATokenTransferFoldsTheBuyersShare() public {
        uint256 tokenId = registerFilm();
        vm.prank(creator);
        works.transferShare(tokenId, aggregator, 3_000);
        vm.prank(aggregator);
        works.transferShare(tokenId, creator, 1_000);
        assertEq(works.shareOf(tokenId, creator), 8_000, "sold back");
        vm.prank(creator);
        works.transferFrom(creator, aggregator, tokenId);
        assertEq(works.shareOf(tokenId, aggregator), 10_000, "the buyer's share joins the whole");
        assertEq(works.sharesSold(tokenId), 0, "no other owner");
        assertEq(works.shareOf(tokenId, creator), 0, "seller holds nothing");
        assertEq(works.shareVersion(tokenId), 3, "each change counted");
    }
}
