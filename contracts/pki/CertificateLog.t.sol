// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {CertificateLog} from "./CertificateLog.sol";
import {ICertificateLog} from "./ICertificateLog.sol";

contract CertificateLogTest is TestBase {
    CertificateLog internal log;
    address internal operator = address(0xCA);
    address internal kyc = address(0xA1);
    address internal tnsp = address(0xA3);
    address internal brand = address(0xB0);
    bytes32 internal root = keccak256("root");

    function setUp() public {
        address[] memory founders = new address[](4);
        (founders[0], founders[1], founders[2], founders[3]) = (operator, kyc, tnsp, brand);
        bytes32[4] memory role = [Roles.TRUST_AUTHORITY, Roles.KYC_VETTER, Roles.TNSP, Roles.ENTERPRISE];
        string[] memory names = new string[](4);
        bytes32[][] memory roles = new bytes32[][](4);
        for (uint256 i = 0; i < 4; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = role[i];
        }
        ConsortiumRegistry consortium = new ConsortiumRegistry(founders, names, roles);
        bytes32[] memory witnesses = new bytes32[](2);
        (witnesses[0], witnesses[1]) = (Roles.KYC_VETTER, Roles.TNSP);
        log = new CertificateLog(consortium, Roles.TRUST_AUTHORITY, witnesses, 2);
    }

    function testCheckpointIsWitnessedAtTheThreshold() public {
        vm.prank(operator);
        log.anchorCheckpoint(10, root);
        vm.prank(kyc);
        log.cosignCheckpoint(10, root);
        assertEq(log.checkpoint(10).cosignatures, 1, "one co-signature: not yet a view to accept");
        vm.prank(tnsp);
        log.cosignCheckpoint(10, root);
        assertEq(log.checkpoint(10).cosignatures, 2, "witnessed");
        assertTrue(log.hasCosigned(10, kyc), "kyc co-signed");
        vm.expectRevert(abi.encodeWithSelector(ICertificateLog.AlreadyCosigned.selector, 10, kyc));
        vm.prank(kyc);
        log.cosignCheckpoint(10, root);
    }

    function testAWitnessCannotCosignAnotherRoot() public {
        vm.prank(operator);
        log.anchorCheckpoint(10, root);
        bytes32 other = keccak256("split view");
        vm.expectRevert(abi.encodeWithSelector(ICertificateLog.UnknownCheckpoint.selector, 10, other));
        vm.prank(kyc);
        log.cosignCheckpoint(10, other);
    }

    function testOnlyTheOperatorAnchorsAndOnlyForward() public {
        vm.expectRevert(abi.encodeWithSelector(ICertificateLog.NotTheLogOperator.selector, kyc));
        vm.prank(kyc);
        log.anchorCheckpoint(10, root);
        vm.prank(operator);
        log.anchorCheckpoint(10, root);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLog.CheckpointNotNewer.selector, 10, 10));
        vm.prank(operator);
        log.anchorCheckpoint(10, keccak256("rewritten"));
        assertEq(log.latestTreeSize(), 10, "latest");
    }

    function testOnlyWitnessesCosign() public {
        vm.prank(operator);
        log.anchorCheckpoint(1, root);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLog.NotAWitness.selector, brand));
        vm.prank(brand);
        log.cosignCheckpoint(1, root);
        assertEq(log.witnessThreshold(), 2, "threshold");
    }
}
