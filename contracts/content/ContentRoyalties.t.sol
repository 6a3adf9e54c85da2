// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ContentHarness} from "./ContentHarness.sol";
import {IContentRoyalties} from "./IContentRoyalties.sol";

contract ContentRoyaltiesTest is ContentHarness {
    uint32 internal constant PERIOD = 202611;
    uint256 internal film;
    bytes32 internal distribution;

    function setUp() public override {
        super.setUp();
        film = registerFilm();
        vm.prank(creator);
        works.transferShare(film, aggregator, 3_000);
        distribution = licenseOperator(film);
        fund(operator, 100_00);
        vm.prank(operator);
        eur.approve(address(royalties), type(uint256).max);
    }

    /// @dev creator 60%, aggregator 30% (its ownership share), promoter 10%; recipients in ascending order.
    function declareThreeWaySplit() internal returns (bytes32 splitId) {
        address[] memory recipients = new address[](3);
        uint16[] memory bps = new uint16[](3);
        (recipients[0], bps[0]) = (operator, 1_000);
        (recipients[1], bps[1]) = (aggregator, 3_000);
        (recipients[2], bps[2]) = (creator, 6_000);
        vm.prank(creator);
        splitId = royalties.declareSplit(film, recipients, bps);
    }

    function testRoyaltiesOfAPeriodArePaidFromDeliveriesAndClaimedBySplit() public {
        bytes32 splitId = declareThreeWaySplit();
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 3, keccak256("records"));
        vm.prank(operator);
        uint256 paid = royalties.payRoyalties(distribution, PERIOD);
        assertEq(paid, 6_00, "3 deliveries at 2.00 EUR");
        vm.prank(aggregator);
        assertEq(royalties.claim(splitId), 1_80, "aggregator 30%");
        vm.prank(creator);
        assertEq(royalties.claim(splitId), 3_60, "creator 60%");
        vm.prank(operator);
        assertEq(royalties.claim(splitId), 60, "promoting operator 10%");
        assertEq(eur.balanceOf(address(royalties)), 0, "all paid out");
    }

    function testATipIsSharedLikeRoyalties() public {
        bytes32 splitId = declareThreeWaySplit();
        vm.prank(operator);
        royalties.tip(film, 10_00, keccak256("salted user"));
        assertEq(royalties.claimable(splitId, creator), 6_00, "creator 60% of the tip");
        assertEq(royalties.claimable(splitId, aggregator), 3_00, "aggregator 30% of the tip");
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.InvalidSplitArgument.selector, "amount"));
        vm.prank(operator);
        royalties.tip(film, 0, keccak256("salted user"));
    }

    function testADoubleClaimIsRefused() public {
        bytes32 splitId = declareThreeWaySplit();
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 1, keccak256("records"));
        vm.prank(operator);
        royalties.payRoyalties(distribution, PERIOD);
        vm.prank(aggregator);
        royalties.claim(splitId);
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.AlreadyClaimed.selector, splitId, aggregator, 60));
        vm.prank(aggregator);
        royalties.claim(splitId);
    }

    function testAPeriodIsPaidOnce() public {
        declareThreeWaySplit();
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 1, keccak256("records"));
        vm.prank(operator);
        royalties.payRoyalties(distribution, PERIOD);
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.NothingDue.selector, distribution, PERIOD));
        vm.prank(operator);
        royalties.payRoyalties(distribution, PERIOD);
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 1, keccak256("late batch"));
        vm.prank(operator);
        assertEq(royalties.payRoyalties(distribution, PERIOD), 2_00, "only the new deliveries");
    }

    function testASplitNotSummingToAHundredPercentIsRefused() public {
        address[] memory recipients = new address[](2);
        uint16[] memory bps = new uint16[](2);
        (recipients[0], bps[0]) = (aggregator, 3_000);
        (recipients[1], bps[1]) = (creator, 6_999);
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.SplitNotWhole.selector, 9_999));
        vm.prank(creator);
        royalties.declareSplit(film, recipients, bps);
    }

    function testASplitCannotUnderpayAnOwner() public {
        address[] memory recipients = new address[](2);
        uint16[] memory bps = new uint16[](2);
        (recipients[0], bps[0]) = (aggregator, 2_000);
        (recipients[1], bps[1]) = (creator, 8_000);
        vm.expectRevert(
            abi.encodeWithSelector(IContentRoyalties.SplitUnderpaysOwner.selector, aggregator, 3_000, 2_000)
        );
        vm.prank(creator);
        royalties.declareSplit(film, recipients, bps);
        address[] memory withoutAggregator = new address[](1);
        uint16[] memory whole = new uint16[](1);
        (withoutAggregator[0], whole[0]) = (creator, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.SplitUnderpaysOwner.selector, address(0), 3_000, 0));
        vm.prank(creator);
        royalties.declareSplit(film, withoutAggregator, whole);
    }

    function testOnlyTheHolderDeclaresASplit() public {
        address[] memory recipients = new address[](1);
        uint16[] memory bps = new uint16[](1);
        (recipients[0], bps[0]) = (aggregator, 10_000);
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.NotWorkHolder.selector, aggregator, film));
        vm.prank(aggregator);
        royalties.declareSplit(film, recipients, bps);
    }

    function testASplitOutdatedByAShareSaleTakesNoPayment() public {
        declareThreeWaySplit();
        vm.prank(creator);
        works.transferShare(film, promoter, 1_000);
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 1, keccak256("records"));
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.SplitNotDeclared.selector, film, 2));
        vm.prank(operator);
        royalties.payRoyalties(distribution, PERIOD);
    }

    function testOnlyTheLicenseePays() public {
        declareThreeWaySplit();
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 1, keccak256("records"));
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.NotPayer.selector, aggregator, distribution));
        vm.prank(aggregator);
        royalties.payRoyalties(distribution, PERIOD);
    }

    function testAStrangerClaimsNothing() public {
        bytes32 splitId = declareThreeWaySplit();
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.NotARecipient.selector, splitId, unvetted));
        vm.prank(unvetted);
        royalties.claim(splitId);
    }

    function testPromoterFeesPayAttributedDeliveriesAndNeverMoreThanAnchored() public {
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 3, keccak256("records"));
        uint256 operatorBefore = eur.balanceOf(operator);
        vm.prank(operator);
        assertEq(royalties.payPromoterFees(distribution, PERIOD, promoter, 2, 50), 1_00, "2 deliveries at 0.50 EUR");
        assertEq(eur.balanceOf(promoter), 1_00, "paid straight to the promoter");
        assertEq(operatorBefore - eur.balanceOf(operator), 1_00, "conservation: what the operator paid, no more");
        assertEq(eur.balanceOf(address(royalties)), 0, "the contract keeps nothing");
        assertEq(royalties.attributed(distribution, PERIOD), 2, "attributed counted");
        vm.expectRevert(
            abi.encodeWithSelector(
                IContentRoyalties.AttributionExceedsDeliveries.selector,
                distribution,
                PERIOD,
                2,
                2,
                3
            )
        );
        vm.prank(operator);
        royalties.payPromoterFees(distribution, PERIOD, aggregator, 2, 50);
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.NotPayer.selector, creator, distribution));
        vm.prank(creator);
        royalties.payPromoterFees(distribution, PERIOD, promoter, 1, 50);
    }

    function testClaimManyTakesEveryWorksPartInOneTransfer() public {
        bytes32 filmSplit = declareThreeWaySplit();
        vm.prank(creator);
        uint256 second = works.register(keccak256("second film"), 0, keccak256("meta"));
        address[] memory recipients = new address[](2);
        uint16[] memory bps = new uint16[](2);
        (recipients[0], bps[0]) = (aggregator, 5_000);
        (recipients[1], bps[1]) = (creator, 5_000);
        vm.prank(creator);
        bytes32 secondSplit = royalties.declareSplit(second, recipients, bps);
        vm.prank(operator);
        licences.anchorDeliveries(distribution, PERIOD, 3, keccak256("records"));
        vm.prank(operator);
        royalties.payRoyalties(distribution, PERIOD);
        vm.prank(operator);
        royalties.tip(second, 4_00, keccak256("salted user"));
        bytes32[] memory both = new bytes32[](2);
        (both[0], both[1]) = (filmSplit, secondSplit);
        vm.prank(aggregator);
        assertEq(royalties.claimMany(both), 1_80 + 2_00, "30% of 6.00 and 50% of 4.00");
        vm.expectRevert(abi.encodeWithSelector(IContentRoyalties.AlreadyClaimed.selector, filmSplit, aggregator, 1_80));
        vm.prank(aggregator);
        royalties.claimMany(both);
        vm.prank(creator);
        royalties.claimMany(both);
        vm.prank(operator);
        royalties.claim(filmSplit);
        assertEq(eur.balanceOf(address(royalties)), 0, "conservation: 10.00 in, 10.00 out");
        assertEq(eur.balanceOf(aggregator) + eur.balanceOf(creator) + eur.balanceOf(operator), 100_00, "money kept");
    }
}
