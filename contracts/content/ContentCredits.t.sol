// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {ContentHarness} from "./ContentHarness.sol";
import {IContentCredits} from "./IContentCredits.sol";

contract ContentCreditsTest is ContentHarness {
    uint32 internal constant PERIOD = 202611;
    address internal viewer = address(0x1001);
    address internal surveyed = address(0x1002);

    function batch(
        address a,
        uint256 x,
        address b,
        uint256 y
    ) internal pure returns (address[] memory accounts, uint256[] memory amounts) {
        accounts = new address[](2);
        amounts = new uint256[](2);
        (accounts[0], amounts[0]) = (a, x);
        (accounts[1], amounts[1]) = (b, y);
    }

    function testAnOperatorIssuesARewardBatchAttributedToIt() public {
        (address[] memory accounts, uint256[] memory amounts) = batch(viewer, 5, surveyed, 20);
        vm.prank(operator);
        bytes32 batchId = credits.issueRewards(
            PERIOD,
            IContentCredits.RewardKind.View,
            accounts,
            amounts,
            keccak256("view records")
        );
        assertEq(
            batchId,
            credits.batchIdOf(operator, PERIOD, IContentCredits.RewardKind.View, keccak256("view records")),
            "id from issuer, period, kind and records"
        );
        assertTrue(credits.batchIssued(batchId), "batch recorded");
        assertEq(credits.balanceOf(viewer), 5, "viewer credited");
        assertEq(credits.balanceOf(surveyed), 20, "surveyed user credited");
        assertEq(credits.issuedBy(operator), 25, "attributed to the issuer");
        assertEq(credits.totalSupply(), 25, "supply is what was issued");
        assertEq(credits.decimals(), 0, "whole credits");
    }

    function testOnlyAnOperatorIssuesCredits() public {
        (address[] memory accounts, uint256[] memory amounts) = batch(viewer, 5, surveyed, 20);
        vm.expectRevert(abi.encodeWithSelector(IContentCredits.NotCreditIssuer.selector, creator));
        vm.prank(creator);
        credits.issueRewards(PERIOD, IContentCredits.RewardKind.Bonus, accounts, amounts, keccak256("bonus"));
    }

    function testTheSameBatchIsIssuedOnce() public {
        (address[] memory accounts, uint256[] memory amounts) = batch(viewer, 5, surveyed, 20);
        vm.prank(operator);
        bytes32 batchId = credits.issueRewards(
            PERIOD,
            IContentCredits.RewardKind.Survey,
            accounts,
            amounts,
            keccak256("answers")
        );
        vm.expectRevert(abi.encodeWithSelector(IContentCredits.RewardBatchIssued.selector, batchId));
        vm.prank(operator);
        credits.issueRewards(PERIOD, IContentCredits.RewardKind.Survey, accounts, amounts, keccak256("answers"));
        assertEq(credits.totalSupply(), 25, "nothing issued twice");
    }

    function testMalformedBatchesAreRefusedNamingTheArgument() public {
        (address[] memory accounts, uint256[] memory amounts) = batch(viewer, 5, surveyed, 0);
        vm.expectRevert(abi.encodeWithSelector(IContentCredits.InvalidCreditArgument.selector, "amounts"));
        vm.prank(operator);
        credits.issueRewards(PERIOD, IContentCredits.RewardKind.View, accounts, amounts, keccak256("r"));
        (accounts, amounts) = batch(viewer, 5, address(0), 1);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        vm.prank(operator);
        credits.issueRewards(PERIOD, IContentCredits.RewardKind.View, accounts, amounts, keccak256("r"));
        vm.expectRevert(abi.encodeWithSelector(IContentCredits.InvalidCreditArgument.selector, "recordsRoot"));
        vm.prank(operator);
        credits.issueRewards(PERIOD, IContentCredits.RewardKind.View, accounts, amounts, bytes32(0));
        assertEq(credits.totalSupply(), 0, "nothing issued");
    }

    function testRedemptionBurnsAndSupplyIsIssuedMinusRedeemed() public {
        (address[] memory accounts, uint256[] memory amounts) = batch(viewer, 5, surveyed, 20);
        vm.prank(operator);
        credits.issueRewards(PERIOD, IContentCredits.RewardKind.Attention, accounts, amounts, keccak256("a"));
        vm.prank(aggregator);
        credits.issueRewards(PERIOD, IContentCredits.RewardKind.Promotion, accounts, amounts, keccak256("p"));
        vm.prank(surveyed);
        credits.redeem(30, keccak256("salted order"));
        vm.expectRevert(abi.encodeWithSelector(IContentCredits.CreditsTooFew.selector, viewer, 10, 11));
        vm.prank(viewer);
        credits.redeem(11, keccak256("salted order"));
        assertEq(credits.balanceOf(surveyed), 10, "40 earned, 30 spent");
        assertEq(credits.redeemed(), 30, "redeemed counted");
        assertEq(
            credits.totalSupply(),
            credits.issuedBy(operator) + credits.issuedBy(aggregator) - credits.redeemed(),
            "conservation: supply = issued - redeemed"
        );
        assertEq(
            credits.totalSupply(),
            credits.balanceOf(viewer) + credits.balanceOf(surveyed),
            "conservation: supply = balances"
        );
    }
}
