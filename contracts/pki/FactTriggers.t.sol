// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {FactTriggers} from "./FactTriggers.sol";
import {IFactTriggers} from "./IFactTriggers.sol";

contract FactTriggersTest is TestBase {
    FactTriggers internal triggers;
    address internal holder = address(0xA0);
    address internal buyer = address(0xB0);
    address internal r1 = address(0xC1);
    address internal r2 = address(0xC2);
    address internal r3 = address(0xC3);
    address internal outsider = address(0xEE);
    bytes32 internal factKey = keccak256("crop:field-17:2026-11");
    bytes32 internal flooded = keccak256("flooded");
    bytes32 internal assetId;
    bytes32 internal triggerId;

    function setUp() public {
        address[] memory founders = new address[](5);
        (founders[0], founders[1], founders[2], founders[3], founders[4]) = (holder, buyer, r1, r2, r3);
        string[] memory names = new string[](5);
        bytes32[][] memory roles = new bytes32[][](5);
        for (uint256 i = 0; i < 5; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = Roles.ENTERPRISE;
        }
        triggers = new FactTriggers(new ConsortiumRegistry(founders, names, roles));
        vm.warp(1_800_000_000);
        vm.prank(holder);
        assetId = triggers.registerAsset(bytes32("field-17"));
        vm.prank(holder);
        triggerId = triggers.createTrigger(assetId, factKey, flooded, buyer, _reporters(), 2, 3600, bytes32("t1"));
    }

    function _reporters() internal view returns (address[] memory list) {
        list = new address[](3);
        (list[0], list[1], list[2]) = (r1, r2, r3);
    }

    function testTwoOfThreeReportersMoveTheAssetAfterTheDisputeWindow() public {
        vm.prank(r1);
        triggers.report(triggerId, flooded);
        vm.prank(r2);
        triggers.report(triggerId, flooded);
        IFactTriggers.Trigger memory t = triggers.trigger(triggerId);
        assertTrue(t.state == IFactTriggers.TriggerState.Armed, "armed at 2 of 3");
        assertEq(t.firesAt, 1_800_003_600, "fires after the dispute window");
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.DisputeWindowOpen.selector, triggerId, t.firesAt));
        triggers.execute(triggerId);
        vm.warp(t.firesAt);
        triggers.execute(triggerId);
        assertEq(triggers.asset(assetId).holder, buyer, "moved");
    }

    function testASingleReporterCannotTrigger() public {
        vm.prank(r1);
        triggers.report(triggerId, flooded);
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.AlreadyReported.selector, triggerId, r1));
        vm.prank(r1);
        triggers.report(triggerId, flooded);
        vm.warp(1_900_000_000);
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.ThresholdNotReached.selector, triggerId, 1, 2));
        vm.prank(r1);
        triggers.execute(triggerId);
        assertEq(triggers.asset(assetId).holder, holder, "still the holder's");
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.NotAReporter.selector, triggerId, outsider));
        vm.prank(outsider);
        triggers.report(triggerId, flooded);
    }

    function testDisagreeingReportsDoNotArm() public {
        vm.prank(r1);
        triggers.report(triggerId, flooded);
        vm.prank(r2);
        triggers.report(triggerId, keccak256("dry"));
        assertTrue(triggers.trigger(triggerId).state == IFactTriggers.TriggerState.Open, "1 of 2 agree");
        vm.prank(r3);
        triggers.report(triggerId, flooded);
        assertTrue(triggers.trigger(triggerId).state == IFactTriggers.TriggerState.Armed, "2 agree");
    }

    function testADisputeInsideTheWindowStopsIt() public {
        vm.prank(r1);
        triggers.report(triggerId, flooded);
        vm.prank(r2);
        triggers.report(triggerId, flooded);
        vm.prank(holder);
        triggers.dispute(triggerId);
        vm.warp(1_900_000_000);
        vm.expectRevert(
            abi.encodeWithSelector(
                IFactTriggers.WrongTriggerState.selector,
                triggerId,
                IFactTriggers.TriggerState.Disputed
            )
        );
        triggers.execute(triggerId);
        assertEq(triggers.asset(assetId).holder, holder, "not moved");
    }

    function testNoDisputeAfterTheWindow() public {
        vm.prank(r1);
        triggers.report(triggerId, flooded);
        vm.prank(r2);
        triggers.report(triggerId, flooded);
        uint64 firesAt = triggers.trigger(triggerId).firesAt;
        vm.warp(firesAt);
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.DisputeWindowClosed.selector, triggerId, firesAt));
        vm.prank(r3);
        triggers.dispute(triggerId);
    }

    function testTriggerRulesProtectTheHolderAndNeedIndependentReporters() public {
        address[] memory withHolder = _reporters();
        withHolder[2] = holder;
        vm.startPrank(holder);
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.InvalidTrigger.selector, "reporters"));
        triggers.createTrigger(assetId, factKey, flooded, buyer, withHolder, 2, 60, bytes32("t2"));
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.InvalidTrigger.selector, "threshold"));
        triggers.createTrigger(assetId, factKey, flooded, buyer, _reporters(), 1, 60, bytes32("t3"));
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.NotTheHolder.selector, assetId, buyer));
        vm.prank(buyer);
        triggers.createTrigger(assetId, factKey, flooded, buyer, _reporters(), 2, 60, bytes32("t4"));
        vm.expectRevert(abi.encodeWithSelector(IFactTriggers.NotAMember.selector, outsider));
        vm.prank(outsider);
        triggers.registerAsset(bytes32("x"));
    }
}
