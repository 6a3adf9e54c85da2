// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {CertificateLedger} from "./CertificateLedger.sol";
import {ICertificateLedger} from "./ICertificateLedger.sol";

contract CertificateLedgerTest is TestBase {
    ConsortiumRegistry internal consortium;
    CertificateLedger internal pki;
    address internal ca = address(0xCA);
    address internal kyc = address(0xA1);
    address internal numbering = address(0xA2);
    address internal tnsp = address(0xA3);
    address internal brand = address(0xB0);
    address internal stranger = address(0x5);
    bytes internal key = hex"3059301306072a8648ce3d020106082a8648ce3d030107034200040102030405060708090a0b0c0d0e0f";
    bytes internal caCert = new bytes(300);
    bytes internal leaf = new bytes(400);

    function setUp() public {
        address[] memory founders = new address[](5);
        (founders[0], founders[1], founders[2], founders[3], founders[4]) = (ca, kyc, numbering, tnsp, brand);
        bytes32[5] memory role = [
            Roles.TRUST_AUTHORITY,
            Roles.KYC_VETTER,
            Roles.NUMBERING_AUTHORITY,
            Roles.TNSP,
            Roles.ENTERPRISE
        ];
        string[] memory names = new string[](5);
        bytes32[][] memory roles = new bytes32[][](5);
        for (uint256 i = 0; i < 5; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = role[i];
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        bytes32[] memory vouching = new bytes32[](3);
        (vouching[0], vouching[1], vouching[2]) = (Roles.KYC_VETTER, Roles.NUMBERING_AUTHORITY, Roles.TNSP);
        pki = new CertificateLedger(consortium, Roles.TRUST_AUTHORITY, vouching, 2, 1, 2);
        caCert[0] = 0x30;
        leaf[0] = 0x30;
        leaf[1] = 0x01;
        vm.prank(ca);
        pki.setIssuingCa(caCert);
    }

    function _file(address who, ICertificateLedger.Kind kind, bool identified) internal returns (bytes32 id) {
        vm.prank(who);
        id = pki.fileApplication(kind, identified, "shop.example", identified ? "Acme" : "", key, bytes32(uint256(1)));
    }

    function testIdDerivesFromContentAndApplicant() public {
        bytes32 expected = pki.applicationIdOf(
            brand,
            ICertificateLedger.Kind.EV,
            true,
            "shop.example",
            "Acme",
            key,
            bytes32(uint256(1))
        );
        assertEq(_file(brand, ICertificateLedger.Kind.EV, true), expected, "id is content-derived");
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.ApplicationExists.selector, expected));
        _file(brand, ICertificateLedger.Kind.EV, true);
    }

    function testEvIssuedAfterTwoOfThreeEndorsements() public {
        bytes32 id = _file(brand, ICertificateLedger.Kind.EV, true);
        vm.prank(kyc);
        pki.endorse(id);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.ThresholdNotMet.selector, id, 1, 2));
        vm.prank(ca);
        pki.recordIssuance(id, leaf);
        vm.prank(numbering);
        pki.endorse(id);
        vm.prank(ca);
        pki.recordIssuance(id, leaf);
        ICertificateLedger.Application memory a = pki.application(id);
        assertEq(uint256(a.state), uint256(ICertificateLedger.State.Issued), "issued");
        assertEq(a.certificateHash, sha256(leaf), "hash computed on chain");
        assertEq(pki.applicationOfCertificate(sha256(leaf)), id, "found by certificate");
        assertEq(a.issuer, ca, "issuer recorded");
    }

    function testAnonymousDvByANonMemberNeedsTwoValidators() public {
        bytes32 id = _file(stranger, ICertificateLedger.Kind.DV, false);
        vm.prank(kyc);
        pki.attestDomainControl(id);
        vm.prank(tnsp);
        pki.attestDomainControl(id);
        vm.prank(ca);
        pki.recordIssuance(id, leaf);
        assertFalse(pki.application(id).identified, "anonymous");
        vm.prank(stranger);
        pki.revoke(id, 1);
        assertEq(uint256(pki.application(id).state), uint256(ICertificateLedger.State.Revoked), "revoked");
    }

    function testANonMemberCannotApplyIdentified() public {
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.NotIdentifiable.selector, stranger));
        _file(stranger, ICertificateLedger.Kind.OV, true);
    }

    function testVouchingRules() public {
        bytes32 id = _file(tnsp, ICertificateLedger.Kind.EV, true);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.SelfEndorsement.selector, id, tnsp));
        vm.prank(tnsp);
        pki.endorse(id);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.NotAValidator.selector, brand));
        vm.prank(brand);
        pki.endorse(id);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.WrongKind.selector, id, ICertificateLedger.Kind.EV));
        vm.prank(kyc);
        pki.attestDomainControl(id);
        vm.prank(kyc);
        pki.endorse(id);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.AlreadyVouched.selector, id, kyc));
        vm.prank(kyc);
        pki.endorse(id);
    }

    function testOnlyTheCaHolderIssuesAndOnlyIssuerOrApplicantRevokes() public {
        bytes32 id = _file(brand, ICertificateLedger.Kind.OV, true);
        vm.prank(kyc);
        pki.endorse(id);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.NotTheIssuer.selector, kyc));
        vm.prank(kyc);
        pki.recordIssuance(id, leaf);
        vm.prank(ca);
        pki.recordIssuance(id, leaf);
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.NotAllowedToRevoke.selector, id, kyc));
        vm.prank(kyc);
        pki.revoke(id, 1);
        vm.prank(ca);
        pki.revoke(id, 4);
        vm.expectRevert(
            abi.encodeWithSelector(ICertificateLedger.WrongState.selector, id, ICertificateLedger.State.Revoked)
        );
        vm.prank(brand);
        pki.revoke(id, 1);
    }

    function testOnlyTheIssuerRoleRegistersTheCa() public {
        vm.expectRevert(abi.encodeWithSelector(ICertificateLedger.NotTheIssuer.selector, kyc));
        vm.prank(kyc);
        pki.setIssuingCa(caCert);
        (bytes32 caHash, address holder) = pki.issuingCa();
        assertEq(caHash, sha256(caCert), "ca hash");
        assertEq(holder, ca, "ca holder");
        assertEq(keccak256(bytes(pki.version())), keccak256("1.0.0"), "version");
    }
}
