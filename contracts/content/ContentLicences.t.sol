// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ContentHarness} from "./ContentHarness.sol";
import {ContentRights} from "./ContentRights.sol";
import {IContentLicences} from "./IContentLicences.sol";

contract ContentLicencesTest is ContentHarness {
    uint256 internal film;
    bytes32 internal distribution;

    function setUp() public override {
        super.setUp();
        film = registerFilm();
        distribution = licenseOperator(film);
    }

    function subTerms() internal view returns (IContentLicences.Terms memory terms) {
        terms = distributionTerms();
        terms.rights = ContentRights.PROMOTION;
        terms.maxAccesses = 1;
        terms.end = start + 10 * DAY;
    }

    function testTheHolderGrantsADistributionLicenceUnderADerivedId() public view {
        assertEq(distribution, licences.licenceIdOf(film, bytes32(0), creator, operator, "salt-1"), "derived id");
        IContentLicences.Licence memory granted = licences.licence(distribution);
        assertEq(granted.licensee, operator, "licensee");
        assertEq(granted.terms.maxAccesses, 3, "count");
        assertTrue(licences.status(distribution) == IContentLicences.Status.Valid, "valid now");
    }

    function testOnlyTheHolderGrantsARootLicence() public {
        IContentLicences.Terms memory terms = distributionTerms();
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.NotGrantor.selector, operator, film, bytes32(0)));
        vm.prank(operator);
        licences.grant(film, bytes32(0), promoter, terms, "salt");
    }

    function testTheLicenseeSubLicensesWithinItsLicence() public {
        IContentLicences.Terms memory terms = subTerms();
        vm.prank(operator);
        bytes32 sub = licences.grant(film, distribution, promoter, terms, "sub");
        assertEq(licences.licence(distribution).reserved, 1, "count reserved from the parent");
        assertEq(licences.licence(sub).depth, 1, "one below the root");
        assertTrue(licences.status(sub) == IContentLicences.Status.Valid, "valid");
    }

    function testASubLicenceWiderThanItsParentIsRefusedTermByTerm() public {
        IContentLicences.Terms memory terms = subTerms();
        terms.rights = ContentRights.DERIVATIVE;
        expectWider(terms, "rights");
        terms = subTerms();
        terms.territories = TERRITORY_A | TERRITORY_B;
        expectWider(terms, "territories");
        terms = subTerms();
        terms.start = start - 1;
        expectWider(terms, "start");
        terms = subTerms();
        terms.end = start + 31 * DAY;
        expectWider(terms, "end");
        terms = subTerms();
        terms.maxAccesses = 4;
        expectWider(terms, "accesses");
        terms = subTerms();
        terms.ratePerDelivery = 199;
        expectWider(terms, "rate");
    }

    function testSubLicencesTogetherCannotExceedTheParentsCount() public {
        IContentLicences.Terms memory terms = subTerms();
        terms.maxAccesses = 2;
        vm.prank(operator);
        licences.grant(film, distribution, promoter, terms, "first");
        expectWider(terms, "accesses");
    }

    function testAParentWithoutTheSublicenseRightAllowsNone() public {
        IContentLicences.Terms memory terms = distributionTerms();
        terms.rights = ContentRights.DISTRIBUTION;
        vm.prank(creator);
        bytes32 plain = licences.grant(film, bytes32(0), aggregator, terms, "plain");
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.SubLicenceExceedsParent.selector, plain, "sublicense"));
        vm.prank(aggregator);
        licences.grant(film, plain, promoter, subTerms(), "sub");
    }

    function testTheGrantorRevokesARevocableLicenceAndItsSubLicences() public {
        IContentLicences.Terms memory terms = subTerms();
        vm.prank(operator);
        bytes32 sub = licences.grant(film, distribution, promoter, terms, "sub");
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.NotLicenceGrantor.selector, operator, distribution));
        vm.prank(operator);
        licences.revoke(distribution);
        vm.prank(creator);
        licences.revoke(distribution);
        assertTrue(licences.status(distribution) == IContentLicences.Status.Revoked, "revoked");
        assertTrue(licences.status(sub) == IContentLicences.Status.Revoked, "its sub-licence with it");
    }

    function testAnIrrevocableLicenceStays() public {
        IContentLicences.Terms memory terms = distributionTerms();
        terms.revocable = false;
        vm.prank(creator);
        bytes32 firm = licences.grant(film, bytes32(0), aggregator, terms, "firm");
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.LicenceNotRevocable.selector, firm));
        vm.prank(creator);
        licences.revoke(firm);
    }

    function testStatusEndsWithTimeAndCount() public {
        vm.warp(start + 30 * DAY);
        assertTrue(licences.status(distribution) == IContentLicences.Status.Expired, "expired after 30 days");
        vm.warp(start);
        vm.prank(operator);
        licences.anchorDeliveries(distribution, 202611, 3, keccak256("records"));
        assertTrue(licences.status(distribution) == IContentLicences.Status.Exhausted, "count used up");
    }

    function testDeliveriesAreAnchoredInBatchesWithinTheCount() public {
        vm.prank(operator);
        licences.anchorDeliveries(distribution, 202611, 2, keccak256("batch 1"));
        assertEq(licences.deliveries(distribution, 202611), 2, "counted in the period");
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.AccessCountExceeded.selector, distribution, 2, 2, 3));
        vm.prank(operator);
        licences.anchorDeliveries(distribution, 202611, 2, keccak256("batch 2"));
    }

    function testOnlyTheLicenseeAnchorsDeliveries() public {
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.NotLicensee.selector, aggregator, distribution));
        vm.prank(aggregator);
        licences.anchorDeliveries(distribution, 202611, 1, keccak256("forged"));
    }

    function testALicenceIdIsUsedOnce() public {
        IContentLicences.Terms memory terms = distributionTerms();
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.LicenceIdTaken.selector, distribution));
        vm.prank(creator);
        licences.grant(film, bytes32(0), operator, terms, "salt-1");
    }

    function testALicenseeMustBeAMember() public {
        IContentLicences.Terms memory terms = distributionTerms();
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.LicenseeNotMember.selector, address(0xDEAD)));
        vm.prank(creator);
        licences.grant(film, bytes32(0), address(0xDEAD), terms, "salt-2");
    }

    function expectWider(IContentLicences.Terms memory terms, string memory term) internal {
        vm.expectRevert(abi.encodeWithSelector(IContentLicences.SubLicenceExceedsParent.selector, distribution, term));
        vm.prank(operator);
        licences.grant(film, distribution, promoter, terms, keccak256(bytes(term)));
    }
}
