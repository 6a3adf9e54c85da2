// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Rules of IoT attestations: only accepted attesters attest, ids from content + attester, revocation and expiry,
// batch anchoring with proofs bound to the whole payload (a proof replayed for another payload is refused), and
// revocation of an off-chain attestation by its leaf.
import {IIotAttestations} from "./IIotAttestations.sol";
import {IotHarness} from "./IotHarness.sol";

contract IotAttestationsTest is IotHarness {
    bytes32 internal constant DATA = keccak256("verifiedBoot=true");

    function setUp() public {
        deployIot();
    }

    function test_attest_idIsTheHashOfThePayload() public {
        IIotAttestations.Payload memory p = payload(bootSchema, lock, oem, DATA, 0);
        vm.prank(oem);
        bytes32 id = attestations.attest(p);
        assertEq(id, keccak256(abi.encode(p)), "content-derived id");
        assertEq(id, attestations.idOf(p), "idOf agrees");
        assertEq(uint256(attestations.statusOf(id)), uint256(IIotAttestations.Status.Valid), "valid");
        assertEq(attestations.attestation(id).attester, oem, "attester stored");
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.AttestationExists.selector, id));
        vm.prank(oem);
        attestations.attest(p);
    }

    function test_attest_refusesAnUnvettedAttester() public {
        IIotAttestations.Payload memory p = payload(bootSchema, lock, stranger, DATA, 0);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.AttesterNotAccepted.selector, stranger, uint8(0), OEM));
        vm.prank(stranger);
        attestations.attest(p);
        // A vetted certifier is still refused by a schema that only accepts OEMs.
        p.attester = certifier;
        vm.expectRevert(
            abi.encodeWithSelector(IIotAttestations.AttesterNotAccepted.selector, certifier, THIRD_PARTY, OEM)
        );
        vm.prank(certifier);
        attestations.attest(p);
    }

    function test_attest_onlyTheAttestersDidOwnerActs() public {
        IIotAttestations.Payload memory p = payload(bootSchema, lock, oem, DATA, 0);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.NotDidOwner.selector, oem, stranger, oem));
        vm.prank(stranger);
        attestations.attest(p);
    }

    function test_attest_aPeerDeviceAttestsWhereTheSchemaAcceptsPeers() public {
        IIotAttestations.Payload memory p = payload(certSchema, lock, neighbour, DATA, 0);
        vm.prank(neighbour);
        bytes32 id = attestations.attest(p);
        assertEq(uint256(attestations.statusOf(id)), uint256(IIotAttestations.Status.Valid), "peer valid");
    }

    function test_attest_rejectsUnknownSchemaAndPastExpiry() public {
        IIotAttestations.Payload memory p = payload(keccak256("nope"), lock, oem, DATA, 0);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.UnknownSchema.selector, keccak256("nope")));
        vm.prank(oem);
        attestations.attest(p);
        vm.warp(1000);
        p = payload(bootSchema, lock, oem, DATA, 1000);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.AlreadyExpired.selector, uint64(1000), 1000));
        vm.prank(oem);
        attestations.attest(p);
    }

    function test_status_revokedAndExpiredAreNamed() public {
        vm.warp(1000);
        vm.startPrank(oem);
        bytes32 revoked = attestations.attest(payload(bootSchema, lock, oem, DATA, 0));
        bytes32 expiring = attestations.attest(payload(bootSchema, lock, oem, DATA, 2000));
        attestations.revoke(revoked);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.AlreadyRevoked.selector, revoked));
        attestations.revoke(revoked);
        vm.stopPrank();
        assertEq(uint256(attestations.statusOf(revoked)), uint256(IIotAttestations.Status.Revoked), "revoked");
        assertEq(uint256(attestations.statusOf(expiring)), uint256(IIotAttestations.Status.Valid), "not yet");
        vm.warp(2000);
        assertEq(uint256(attestations.statusOf(expiring)), uint256(IIotAttestations.Status.Expired), "expired");
        assertEq(uint256(attestations.statusOf(keccak256("x"))), uint256(IIotAttestations.Status.Unknown), "unknown");
    }

    function test_revoke_onlyByTheAttesterAndOnlyRevocableSchemas() public {
        vm.prank(oem);
        bytes32 id = attestations.attest(payload(bootSchema, lock, oem, DATA, 0));
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.NotDidOwner.selector, oem, certifier, oem));
        vm.prank(certifier);
        attestations.revoke(id);
        vm.prank(oem);
        bytes32 fixedSchema = registry.registerSchema("fixed", "bool x", false, OEM);
        vm.startPrank(oem);
        bytes32 fixedId = attestations.attest(payload(fixedSchema, lock, oem, DATA, 0));
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.NotRevocable.selector, fixedSchema));
        attestations.revoke(fixedId);
        vm.stopPrank();
    }

    function test_status_unvettingInvalidatesEarlierAttestations() public {
        vm.prank(oem);
        bytes32 id = attestations.attest(payload(bootSchema, lock, oem, DATA, 0));
        vm.prank(authority);
        registry.unvetAttester(oem);
        assertEq(uint256(attestations.statusOf(id)), uint256(IIotAttestations.Status.AttesterNotVetted), "unvetted");
    }

    function test_batch_verifiesItsPayloadsAndRefusesAReplayedProof() public {
        IIotAttestations.Payload memory a = payload(certSchema, lock, certifier, DATA, 0);
        IIotAttestations.Payload memory b = payload(certSchema, neighbour, certifier, DATA, 0);
        bytes32 root = pairRoot(leaf(a), leaf(b));
        vm.prank(certifier);
        bytes32 batchId = attestations.anchorBatch(certifier, root, 2);
        assertEq(batchId, keccak256(abi.encode(certifier, root)), "batch id from attester and root");
        assertEq(attestations.batch(batchId).count, 2, "count");
        assertEq(uint256(attestations.verifyOffchain(batchId, a, oneProof(leaf(b)))), 0, "a valid");
        assertEq(uint256(attestations.verifyOffchain(batchId, b, oneProof(leaf(a)))), 0, "b valid");
        // The proof of `a` replayed for another subject, other data, another expiry or another attester fails.
        IIotAttestations.Payload memory other = payload(certSchema, stranger, certifier, DATA, 0);
        assertMismatch(batchId, other, leaf(b), "other subject");
        other = payload(certSchema, lock, certifier, keccak256("forged"), 0);
        assertMismatch(batchId, other, leaf(b), "other data");
        other = payload(certSchema, lock, certifier, DATA, 99);
        assertMismatch(batchId, other, leaf(b), "other expiry");
        other = payload(bootSchema, lock, certifier, DATA, 0);
        assertMismatch(batchId, other, leaf(b), "other schema");
        assertEq(
            uint256(attestations.verifyOffchain(keccak256("no batch"), a, oneProof(leaf(b)))),
            uint256(IIotAttestations.Status.Unknown),
            "unknown batch"
        );
    }

    function test_batch_aLeafOfAnotherAttesterDoesNotVerifyAgainstThisBatch() public {
        // The oem anchors a root whose leaf names the certifier as attester: the proof holds but the batch is not
        // the certifier's, so it is refused.
        IIotAttestations.Payload memory a = payload(certSchema, lock, certifier, DATA, 0);
        IIotAttestations.Payload memory b = payload(certSchema, neighbour, certifier, DATA, 0);
        bytes32 root = pairRoot(leaf(a), leaf(b));
        vm.prank(oem);
        bytes32 batchId = attestations.anchorBatch(oem, root, 2);
        assertMismatch(batchId, a, leaf(b), "someone else's batch");
    }

    function test_batch_refusesAnUnvettedAnchorAndDuplicates() public {
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.AttesterNotVetted.selector, stranger));
        vm.prank(stranger);
        attestations.anchorBatch(stranger, keccak256("r"), 1);
        vm.startPrank(certifier);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.EmptyBatch.selector));
        attestations.anchorBatch(certifier, bytes32(0), 1);
        bytes32 id = attestations.anchorBatch(certifier, keccak256("r"), 1);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.BatchExists.selector, id));
        attestations.anchorBatch(certifier, keccak256("r"), 1);
        vm.stopPrank();
    }

    function test_batch_revokedLeafAndExpiryAreNamed() public {
        vm.warp(1000);
        IIotAttestations.Payload memory a = payload(certSchema, lock, certifier, DATA, 0);
        IIotAttestations.Payload memory b = payload(certSchema, neighbour, certifier, DATA, 5000);
        vm.startPrank(certifier);
        bytes32 batchId = attestations.anchorBatch(certifier, pairRoot(leaf(a), leaf(b)), 2);
        attestations.revokeOffchain(certifier, leaf(a));
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.AlreadyRevoked.selector, leaf(a)));
        attestations.revokeOffchain(certifier, leaf(a));
        vm.stopPrank();
        // Someone else "revoking" the leaf changes nothing for the certifier's attestation.
        vm.prank(stranger);
        attestations.revokeOffchain(stranger, leaf(b));
        assertEq(attestations.offchainRevokedAt(certifier, leaf(a)), 1000, "revoked at");
        assertEq(
            uint256(attestations.verifyOffchain(batchId, a, oneProof(leaf(b)))),
            uint256(IIotAttestations.Status.Revoked),
            "revoked leaf"
        );
        assertEq(uint256(attestations.verifyOffchain(batchId, b, oneProof(leaf(a)))), 0, "b still valid");
        vm.warp(5000);
        assertEq(
            uint256(attestations.verifyOffchain(batchId, b, oneProof(leaf(a)))),
            uint256(IIotAttestations.Status.Expired),
            "expired leaf"
        );
        assertEq(attestations.leafOf(a), leaf(a), "leafOf agrees");
    }

    function assertMismatch(
        bytes32 batchId,
        IIotAttestations.Payload memory p,
        bytes32 sibling,
        string memory what
    ) internal view {
        assertEq(
            uint256(attestations.verifyOffchain(batchId, p, oneProof(sibling))),
            uint256(IIotAttestations.Status.ProofMismatch),
            what
        );
    }
}
