// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The consortium, the works, licences, royalties and money the content tests share.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {SettlementToken} from "../settlement/SettlementToken.sol";
import {TestBase} from "../testing/TestBase.sol";
import {ContentCredits} from "./ContentCredits.sol";
import {ContentLicences} from "./ContentLicences.sol";
import {ContentRegistry} from "./ContentRegistry.sol";
import {ContentRights} from "./ContentRights.sol";
import {ContentRoyalties} from "./ContentRoyalties.sol";
import {IContentLicences} from "./IContentLicences.sol";

abstract contract ContentHarness is TestBase {
    ConsortiumRegistry internal consortium;
    ContentRegistry internal works;
    ContentLicences internal licences;
    ContentRoyalties internal royalties;
    SettlementToken internal eur;
    ContentCredits internal credits;

    address internal creator = address(0xC0);
    address internal aggregator = address(0xA6);
    address internal operator = address(0x0B);
    address internal promoter = address(0xB0);
    address internal bank = address(0xBA);
    address internal unvetted = address(0xE1);

    bytes32 internal constant FILM = keccak256("film media bytes");
    uint256 internal constant TERRITORY_A = 1;
    uint256 internal constant TERRITORY_B = 2;
    uint64 internal constant DAY = 1 days;
    uint64 internal start;

    function setUp() public virtual {
        address[6] memory accounts = [creator, aggregator, operator, promoter, bank, unvetted];
        bytes32[6] memory roleOf = [
            Roles.CSP,
            Roles.MOBILE_OPERATOR,
            Roles.MOBILE_OPERATOR,
            Roles.BPO,
            Roles.SETTLEMENT_BANK,
            Roles.OSP
        ];
        address[] memory founders = new address[](6);
        string[] memory names = new string[](6);
        bytes32[][] memory roles = new bytes32[][](6);
        for (uint256 i = 0; i < 6; i++) {
            founders[i] = accounts[i];
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = roleOf[i];
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        works = new ContentRegistry(consortium);
        licences = new ContentLicences(consortium, works);
        eur = new SettlementToken(consortium, "EUR", 2);
        royalties = new ContentRoyalties(works, licences, eur);
        credits = new ContentCredits(consortium);
        vm.warp(1_800_000_000);
        start = uint64(block.timestamp);
    }

    function registerFilm() internal returns (uint256 tokenId) {
        vm.prank(creator);
        tokenId = works.register(FILM, 500, keccak256("film metadata"));
    }

    /// @dev Distribution in territory A for 30 days, 3 accesses, 2.00 EUR per delivery, sub-licensable, revocable.
    function distributionTerms() internal view returns (IContentLicences.Terms memory) {
        return
            IContentLicences.Terms({
                rights: ContentRights.DISTRIBUTION | ContentRights.PROMOTION | ContentRights.SUBLICENSE,
                territories: TERRITORY_A,
                start: start,
                end: start + 30 * DAY,
                maxAccesses: 3,
                ratePerDelivery: 200,
                revocable: true
            });
    }

    function licenseOperator(uint256 tokenId) internal returns (bytes32 licenceId) {
        vm.prank(creator);
        licenceId = licences.grant(tokenId, bytes32(0), operator, distributionTerms(), "salt-1");
    }

    function fund(address member, uint256 amount) internal {
        vm.prank(bank);
        eur.mintOnFiatReceipt(member, amount, keccak256(abi.encode(member, amount)));
    }
}
