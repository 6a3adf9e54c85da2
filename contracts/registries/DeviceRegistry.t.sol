// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of the device register: only operators report; only the reporter clears or withdraws; ids derive from
// content and creator; malformed and oversized device lists are refused by name.
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {DeviceRegistry} from "./DeviceRegistry.sol";
import {IDeviceRegistry} from "./IDeviceRegistry.sol";

contract DeviceRegistryTest is TestBase {
    ConsortiumRegistry internal consortium;
    DeviceRegistry internal registry;

    address internal north = address(0xA0);
    address internal south = address(0xA1);
    // A governor without MOBILE_OPERATOR: a member, not an operator.
    address internal authority = address(0xB0);
    address internal outsider = address(0xDEAD);

    IDeviceRegistry.DeviceStatus internal constant STOLEN = IDeviceRegistry.DeviceStatus.Stolen;

    function setUp() public {
        address[] memory founders = new address[](3);
        founders[0] = north;
        founders[1] = south;
        founders[2] = authority;
        string[] memory names = new string[](3);
        bytes32[][] memory roles = new bytes32[][](3);
        for (uint256 i = 0; i < 3; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](i < 2 ? 1 : 0);
            if (i < 2) roles[i][0] = Roles.MOBILE_OPERATOR;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        registry = new DeviceRegistry(consortium);
    }

    function devices(uint256 from, uint256 count) internal pure returns (bytes memory) {
        bytes32[] memory hashes = new bytes32[](count);
        for (uint256 i = 0; i < count; i++) {
            hashes[i] = keccak256(abi.encode("device", from + i));
        }
        // A bytes32[] packed: each element's 32 bytes, no length, exactly the contract's packed device list.
        return abi.encodePacked(hashes);
    }

    function device(uint256 n) internal pure returns (bytes32) {
        return keccak256(abi.encode("device", n));
    }

    function reportAs(address who, uint256 from, uint256 count) internal returns (bytes32) {
        vm.prank(who);
        return registry.report(STOLEN, 7, bytes32(uint256(1)), devices(from, count));
    }

    function test_operatorReportsWithDerivedId() public {
        bytes memory list = devices(0, 3);
        bytes32 expected = registry.reportIdOf(north, STOLEN, 7, keccak256(list), bytes32(uint256(1)));
        vm.prank(north);
        bytes32 id = registry.report(STOLEN, 7, bytes32(uint256(1)), list);
        assertEq(id, expected, "id derived from content and creator");
        IDeviceRegistry.Report memory r = registry.reportOf(id);
        assertEq(r.reporter, north, "reporter visible");
        assertEq(r.count, 3, "count");
        assertEq(r.digest, keccak256(list), "digest");
        assertEq(uint256(r.reason), 7, "reason");
        // The same content from another operator is another report.
        vm.prank(south);
        bytes32 other = registry.report(STOLEN, 7, bytes32(uint256(1)), list);
        assertTrue(other != id, "creator is part of the id");
        assertEq(registry.reportCount(), 2, "both listed");
        assertEq(registry.reportIdAt(0), id, "first in mining order");
        assertEq(registry.reportIdAt(1), other, "second in mining order");
        assertEq(registry.version(), "1.0.0", "version");
    }

    function test_sameReportTwiceRefused() public {
        bytes32 id = reportAs(north, 0, 2);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.ReportIdTaken.selector, id));
        reportAs(north, 0, 2);
    }

    function test_nonOperatorRefused() public {
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.NotAnOperator.selector, authority));
        reportAs(authority, 0, 1);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.NotAnOperator.selector, outsider));
        reportAs(outsider, 0, 1);
    }

    function test_malformedAndOversizedRefused() public {
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.MalformedDevices.selector, 33));
        registry.report(STOLEN, 1, bytes32(0), new bytes(33));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.MalformedDevices.selector, 0));
        registry.report(STOLEN, 1, bytes32(0), new bytes(0));
        uint256 tooMany = registry.MAX_DEVICES_PER_TX() + 1;
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.TooManyDevices.selector, tooMany, tooMany - 1));
        registry.report(STOLEN, 1, bytes32(0), new bytes(tooMany * 32));
        vm.prank(north);
        vm.expectRevert(
            abi.encodeWithSelector(IDeviceRegistry.InvalidStatus.selector, IDeviceRegistry.DeviceStatus.None)
        );
        registry.report(IDeviceRegistry.DeviceStatus.None, 1, bytes32(0), devices(0, 1));
    }

    function test_reporterClearsOwnDevices() public {
        bytes32 id = reportAs(north, 0, 4);
        bytes memory two = devices(1, 2);
        vm.prank(north);
        registry.clearDevices(id, two);
        assertTrue(registry.isCleared(id, device(1)), "device 1 cleared");
        assertTrue(registry.isCleared(id, device(2)), "device 2 cleared");
        assertFalse(registry.isCleared(id, device(0)), "device 0 still reported");
        assertEq(registry.reportOf(id).cleared, 2, "cleared count");
        // Clearing again changes no count.
        vm.prank(north);
        registry.clearDevices(id, two);
        assertEq(registry.reportOf(id).cleared, 2, "cleared count unchanged");
    }

    function test_clearingAnotherOperatorsReportRefused() public {
        bytes32 id = reportAs(north, 0, 2);
        vm.prank(south);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.NotReporter.selector, id, south, north));
        registry.clearDevices(id, devices(0, 1));
        vm.prank(south);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.NotReporter.selector, id, south, north));
        registry.withdraw(id);
        assertFalse(registry.isCleared(id, device(0)), "nothing changed");
        assertFalse(registry.reportOf(id).withdrawn, "not withdrawn");
    }

    function test_withdrawIsFinal() public {
        bytes32 id = reportAs(north, 0, 2);
        vm.prank(north);
        registry.withdraw(id);
        assertTrue(registry.reportOf(id).withdrawn, "withdrawn");
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.ReportAlreadyWithdrawn.selector, id));
        registry.withdraw(id);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.ReportAlreadyWithdrawn.selector, id));
        registry.clearDevices(id, devices(0, 1));
    }

    function test_unknownReport() public {
        bytes32 id = keccak256("nothing");
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.UnknownReport.selector, id));
        registry.reportOf(id);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IDeviceRegistry.UnknownReport.selector, id));
        registry.clearDevices(id, devices(0, 1));
    }

    function test_bulkReportOfMaximumSize() public {
        uint256 max = registry.MAX_DEVICES_PER_TX();
        bytes32 id = reportAs(north, 0, max);
        assertEq(registry.reportOf(id).count, max, "full batch");
    }
}
