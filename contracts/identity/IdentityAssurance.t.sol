// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of identity assurance: only members vouch, only the voucher revokes, ids from content and creator; attestations
// refuse self-attestation and a duplicate attester, relayed ones need the person's signature, the confidence follows
// the documented formula and drops when an attester withdraws.
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {ConsortiumRegistry} from "../membership/ConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {TestBase} from "../testing/TestBase.sol";
import {IdentityAssurance} from "./IdentityAssurance.sol";
import {IIdentityAssurance} from "./IIdentityAssurance.sol";

contract IdentityAssuranceTest is TestBase {
    ConsortiumRegistry internal consortium;
    IdentityAssurance internal assurance;

    address internal north = address(0xA0);
    address internal south = address(0xA1);
    address internal bank = address(0xA2);
    address internal outsider = address(0xDEAD);
    uint256 internal constant ALICE_KEY = 0xA11CE;
    uint256 internal constant BOB_KEY = 0xB0B;
    uint256 internal constant CAROL_KEY = 0xCA401;
    address internal alice;
    address internal bob;
    address internal carol;
    bytes32 internal constant FINGERPRINT = keccak256("salt || canonical file");
    bytes32 internal constant CLAIM = keccak256("fact || salt");

    function setUp() public {
        address[] memory founders = new address[](3);
        founders[0] = north;
        founders[1] = south;
        founders[2] = bank;
        string[] memory names = new string[](3);
        bytes32[][] memory roles = new bytes32[][](3);
        for (uint256 i = 0; i < 3; i++) {
            names[i] = "member";
            roles[i] = new bytes32[](1);
            roles[i][0] = i < 2 ? Roles.MOBILE_OPERATOR : Roles.SETTLEMENT_BANK;
        }
        consortium = new ConsortiumRegistry(founders, names, roles);
        assurance = new IdentityAssurance(consortium);
        alice = vm.addr(ALICE_KEY);
        bob = vm.addr(BOB_KEY);
        carol = vm.addr(CAROL_KEY);
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, MessageHashUtils.toEthSignedMessageHash(digest));
        return abi.encodePacked(r, s, v);
    }

    function test_memberVouchesWithDerivedIdAndRevokes() public {
        vm.prank(north);
        bytes32 id = assurance.vouch(FINGERPRINT);
        assertEq(id, assurance.vouchIdOf(north, FINGERPRINT), "id from member and fingerprint");
        IIdentityAssurance.Vouching memory v = assurance.vouching(id);
        assertEq(v.member, north, "voucher visible");
        assertEq(v.revokedAt, 0, "standing");
        vm.prank(south);
        bytes32 other = assurance.vouch(FINGERPRINT);
        assertTrue(other != id, "creator is part of the id");
        assertEq(assurance.vouchingsOf(FINGERPRINT).length, 2, "both listed");
        vm.warp(block.timestamp + 10);
        vm.prank(north);
        assurance.revokeVouching(id);
        assertTrue(assurance.vouching(id).revokedAt != 0, "revoked");
        assertEq(assurance.vouching(other).revokedAt, 0, "the other member's vouching stands");
    }

    function test_vouchingRules() public {
        vm.prank(outsider);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.NotAMember.selector, outsider));
        assurance.vouch(FINGERPRINT);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.ZeroValue.selector, "fingerprint"));
        assurance.vouch(bytes32(0));
        vm.prank(north);
        bytes32 id = assurance.vouch(FINGERPRINT);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.AlreadyVouched.selector, id));
        assurance.vouch(FINGERPRINT);
        vm.prank(south);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.NotTheVoucher.selector, id, south));
        assurance.revokeVouching(id);
        vm.prank(outsider);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.NotTheVoucher.selector, id, outsider));
        assurance.revokeVouching(id);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.UnknownVouching.selector, bytes32(uint256(1))));
        assurance.revokeVouching(bytes32(uint256(1)));
        vm.prank(north);
        assurance.revokeVouching(id);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.AlreadyRevoked.selector, id));
        assurance.revokeVouching(id);
        // Final: the same member cannot vouch for the same fingerprint again.
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.AlreadyVouched.selector, id));
        assurance.vouch(FINGERPRINT);
    }

    function test_confidenceFollowsTheFormula() public {
        (uint32 people, uint32 orgs, uint8 confidence) = assurance.confidenceOf(carol, CLAIM);
        assertEq(confidence, 0, "nobody attests");
        vm.prank(alice);
        assurance.attest(carol, CLAIM);
        (people, orgs, confidence) = assurance.confidenceOf(carol, CLAIM);
        assertEq(people, 1, "one person");
        assertEq(confidence, 15, "15 per person");
        bytes memory bobSignature = sign(BOB_KEY, assurance.attestDigest(bob, carol, CLAIM));
        vm.prank(bank);
        bytes32 relayed = assurance.attestFor(bob, carol, CLAIM, bobSignature);
        assertEq(relayed, assurance.attestationIdOf(bob, carol, CLAIM), "relayed id");
        vm.prank(north);
        bytes32 byNorth = assurance.attest(carol, CLAIM);
        assertTrue(assurance.attestation(byNorth).organisation, "a member attests as an organisation");
        (people, orgs, confidence) = assurance.confidenceOf(carol, CLAIM);
        assertEq(people, 2, "two people");
        assertEq(orgs, 1, "one organisation");
        assertEq(confidence, 65, "2 x 15 + 35");
        vm.prank(south);
        assurance.attest(carol, CLAIM);
        (, , confidence) = assurance.confidenceOf(carol, CLAIM);
        assertEq(confidence, 100, "capped at 100");
        vm.prank(north);
        assurance.withdraw(byNorth);
        (people, orgs, confidence) = assurance.confidenceOf(carol, CLAIM);
        assertEq(orgs, 1, "withdrawn no longer counts");
        assertEq(confidence, 65, "2 x 15 + 35 after withdrawal");
        (, , confidence) = assurance.confidenceOf(carol, keccak256("another fact"));
        assertEq(confidence, 0, "another claim has its own tally");
    }

    function test_attestationRules() public {
        vm.prank(carol);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.SelfAttestation.selector, carol));
        assurance.attest(carol, CLAIM);
        bytes memory selfSigned = sign(CAROL_KEY, assurance.attestDigest(carol, carol, CLAIM));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.SelfAttestation.selector, carol));
        assurance.attestFor(carol, carol, CLAIM, selfSigned);
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.SelfAttestation.selector, north));
        assurance.attest(north, CLAIM);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.ZeroValue.selector, "claim"));
        assurance.attest(carol, bytes32(0));
        vm.prank(alice);
        bytes32 id = assurance.attest(carol, CLAIM);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.DuplicateAttester.selector, id, alice));
        assurance.attest(carol, CLAIM);
        // The same person through a relay is the same attester.
        bytes memory signed = sign(ALICE_KEY, assurance.attestDigest(alice, carol, CLAIM));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.DuplicateAttester.selector, id, alice));
        assurance.attestFor(alice, carol, CLAIM, signed);
        // Only members relay, and only with the attester's signature.
        bytes memory bobSigned = sign(BOB_KEY, assurance.attestDigest(bob, carol, CLAIM));
        vm.prank(outsider);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.NotAMember.selector, outsider));
        assurance.attestFor(bob, carol, CLAIM, bobSigned);
        bytes memory forged = sign(BOB_KEY, assurance.attestDigest(alice, carol, keccak256("other")));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.BadSignature.selector, alice, bob));
        assurance.attestFor(alice, carol, keccak256("other"), forged);
    }

    function test_withdrawalRules() public {
        vm.prank(alice);
        bytes32 id = assurance.attest(carol, CLAIM);
        // Only the attester withdraws; withdrawal is final.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.NotTheAttester.selector, id, bob));
        assurance.withdraw(id);
        bytes memory forgedWithdrawal = sign(BOB_KEY, assurance.withdrawDigest(id));
        bytes memory withdrawal = sign(ALICE_KEY, assurance.withdrawDigest(id));
        vm.prank(north);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.BadSignature.selector, alice, bob));
        assurance.withdrawFor(id, forgedWithdrawal);
        vm.prank(north);
        assurance.withdrawFor(id, withdrawal);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.AlreadyRevoked.selector, id));
        assurance.withdraw(id);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.DuplicateAttester.selector, id, alice));
        assurance.attest(carol, CLAIM);
        // A member's attestation is withdrawn by the member, never through a person's signature path.
        vm.prank(north);
        bytes32 byNorth = assurance.attest(carol, CLAIM);
        vm.prank(south);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.NotTheAttester.selector, byNorth, south));
        assurance.withdraw(byNorth);
        vm.prank(south);
        vm.expectRevert(abi.encodeWithSelector(IIdentityAssurance.NotTheAttester.selector, byNorth, south));
        assurance.withdrawFor(byNorth, "");
    }
}
