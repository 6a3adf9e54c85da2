// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {ITimestampLedger} from "./ITimestampLedger.sol";
import {TimestampLedger} from "./TimestampLedger.sol";

contract TimestampLedgerTest is TestBase {
    TimestampLedger internal ledger;
    address internal provider = address(0xA1);
    address internal other = address(0xA2);
    address internal outsider = address(0xEE);
    bytes32 internal root = keccak256("batch root");

    function setUp() public {
        address[] memory founders = new address[](2);
        (founders[0], founders[1]) = (provider, other);
        string[] memory names = new string[](2);
        bytes32[][] memory roles = new bytes32[][](2);
        for (uint256 i = 0; i < 2; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = Roles.ENTERPRISE;
        }
        ledger = new TimestampLedger(new ConsortiumRegistry(founders, names, roles));
    }

    function testAMemberAnchorsARootOnce() public {
        vm.warp(1_800_000_000);
        vm.prank(provider);
        ledger.anchorRoot(root, 7);
        ITimestampLedger.Anchor memory a = ledger.anchorOf(root);
        assertEq(a.submitter, provider, "submitter");
        assertEq(a.count, 7, "count");
        assertEq(a.anchoredAt, 1_800_000_000, "time of the block");
        assertEq(a.blockNumber, block.number, "block");
        // The first anchoring is the proof of existence: nobody re-anchors it later, not even another member.
        vm.expectRevert(abi.encodeWithSelector(ITimestampLedger.AlreadyAnchored.selector, root, provider));
        vm.prank(other);
        ledger.anchorRoot(root, 7);
    }

    function testANonMemberCannotAnchor() public {
        vm.expectRevert(abi.encodeWithSelector(ITimestampLedger.NotAMember.selector, outsider));
        vm.prank(outsider);
        ledger.anchorRoot(root, 1);
        assertEq(ledger.anchorOf(root).anchoredAt, 0, "nothing anchored");
    }

    function testEmptyRootOrBatchIsRefused() public {
        vm.startPrank(provider);
        vm.expectRevert(abi.encodeWithSelector(ITimestampLedger.InvalidAnchor.selector, "root"));
        ledger.anchorRoot(bytes32(0), 1);
        vm.expectRevert(abi.encodeWithSelector(ITimestampLedger.InvalidAnchor.selector, "count"));
        ledger.anchorRoot(root, 0);
        vm.stopPrank();
    }

    function testANeverAnchoredRootReadsAsZero() public view {
        assertEq(ledger.anchorOf(keccak256("never")).anchoredAt, 0, "never anchored");
    }
}
