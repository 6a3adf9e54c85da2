// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Peer attestations: devices attest each other off chain, each payload signed by its device key; a vetted gateway
// operator relays them under one Merkle root. A leaf verifies only with its device's signature, a proof replayed for
// another payload does not, an unvetted relayer cannot anchor, and a device revokes by a signed instruction anyone
// relays.
import {IIotAttestations} from "./IIotAttestations.sol";
import {IotHarness} from "./IotHarness.sol";

contract IotPeerAttestationsTest is IotHarness {
    bytes32 internal constant READING = keccak256("temperature 18-22");

    function setUp() public {
        deployIot();
    }

    function sign(uint256 key, bytes32 digest) internal pure returns (bytes memory) {
        bytes32 eth = keccak256(abi.encodePacked("\x19Ethereum Signed Message:\n32", digest));
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(key, eth);
        return abi.encodePacked(r, s, v);
    }

    function peerSignature(uint256 key, IIotAttestations.Payload memory p) internal view returns (bytes memory) {
        return sign(key, attestations.peerAttestationDigest(keccak256(abi.encode(p))));
    }

    /// The lock attests its neighbour's reading and the neighbour the lock's; the operator anchors both.
    function anchorPair()
        internal
        returns (bytes32 batchId, IIotAttestations.Payload memory a, IIotAttestations.Payload memory b)
    {
        a = payload(certSchema, neighbour, lock, READING, 0);
        b = payload(certSchema, lock, neighbour, READING, 0);
        vm.prank(operator);
        batchId = attestations.anchorPeerBatch(operator, pairRoot(leaf(a), leaf(b)), 2);
    }

    function status(
        bytes32 batchId,
        IIotAttestations.Payload memory p,
        bytes memory signature,
        bytes32 sibling
    ) internal view returns (uint256) {
        return uint256(attestations.verifyPeerOffchain(batchId, p, signature, oneProof(sibling)));
    }

    function test_peerBatch_verifiesEachDevicesSignedPayload() public {
        (bytes32 batchId, IIotAttestations.Payload memory a, IIotAttestations.Payload memory b) = anchorPair();
        bytes32 root = pairRoot(leaf(a), leaf(b));
        assertEq(batchId, keccak256(abi.encode(keccak256("telco-ledger.iot.peer-batch"), operator, root)), "id");
        assertTrue(batchId != keccak256(abi.encode(operator, root)), "never an own batch's id");
        assertEq(attestations.peerBatch(batchId).attester, operator, "relayer recorded");
        assertEq(attestations.peerBatch(batchId).count, 2, "count");
        assertEq(status(batchId, a, peerSignature(DEVICE_KEY, a), leaf(b)), 0, "lock's attestation valid");
        assertEq(status(batchId, b, peerSignature(PEER_KEY, b), leaf(a)), 0, "neighbour's attestation valid");
        // The peer batch is not an attester's own batch: verifyOffchain does not know it.
        assertEq(
            uint256(attestations.verifyOffchain(batchId, a, oneProof(leaf(b)))),
            uint256(IIotAttestations.Status.Unknown),
            "not an own batch"
        );
    }

    function test_peerBatch_aLeafWithoutItsDevicesSignatureIsRefused() public {
        (bytes32 batchId, IIotAttestations.Payload memory a, IIotAttestations.Payload memory b) = anchorPair();
        uint256 mismatch = uint256(IIotAttestations.Status.SignatureMismatch);
        // The relayer (or anyone) signing in the lock's name, the neighbour's signature, a signature of another
        // payload, and garbage: all refused with SignatureMismatch.
        assertEq(status(batchId, a, peerSignature(0x0B1, a), leaf(b)), mismatch, "relayer's own signature");
        assertEq(status(batchId, a, peerSignature(PEER_KEY, a), leaf(b)), mismatch, "another device's signature");
        assertEq(status(batchId, a, peerSignature(DEVICE_KEY, b), leaf(b)), mismatch, "signature of another payload");
        assertEq(status(batchId, a, hex"1234", leaf(b)), mismatch, "malformed signature");
    }

    function test_peerBatch_refusesAProofReplayedForAnotherPayload() public {
        (bytes32 batchId, IIotAttestations.Payload memory a, IIotAttestations.Payload memory b) = anchorPair();
        IIotAttestations.Payload memory forged = payload(certSchema, neighbour, lock, keccak256("forged"), 0);
        assertEq(
            status(batchId, forged, peerSignature(DEVICE_KEY, forged), leaf(b)),
            uint256(IIotAttestations.Status.ProofMismatch),
            "the lock signed it, but it is not in the batch"
        );
        assertEq(
            status(keccak256("no batch"), a, peerSignature(DEVICE_KEY, a), leaf(b)),
            uint256(IIotAttestations.Status.Unknown),
            "unknown batch"
        );
    }

    function test_peerBatch_onlyAVettedRelayerAnchors() public {
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.RelayerNotVetted.selector, stranger, uint8(0)));
        vm.prank(stranger);
        attestations.anchorPeerBatch(stranger, keccak256("r"), 1);
        // A device is a peer attester, not a relayer.
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.RelayerNotVetted.selector, lock, PEER));
        vm.prank(lock);
        attestations.anchorPeerBatch(lock, keccak256("r"), 1);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.NotDidOwner.selector, operator, stranger, operator));
        vm.prank(stranger);
        attestations.anchorPeerBatch(operator, keccak256("r"), 1);
        vm.startPrank(operator);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.EmptyBatch.selector));
        attestations.anchorPeerBatch(operator, keccak256("r"), 0);
        bytes32 id = attestations.anchorPeerBatch(operator, keccak256("r"), 1);
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.BatchExists.selector, id));
        attestations.anchorPeerBatch(operator, keccak256("r"), 1);
        vm.stopPrank();
    }

    function test_revokeOffchainSigned_theDeviceRevokesThroughARelay() public {
        vm.warp(1000);
        (bytes32 batchId, IIotAttestations.Payload memory a, IIotAttestations.Payload memory b) = anchorPair();
        bytes memory byNeighbour = sign(PEER_KEY, attestations.revocationDigest(lock, leaf(a)));
        vm.expectRevert(
            abi.encodeWithSelector(IIotAttestations.BadRevocationSignature.selector, lock, neighbour, lock)
        );
        attestations.revokeOffchainSigned(lock, leaf(a), byNeighbour);
        bytes memory byLock = sign(DEVICE_KEY, attestations.revocationDigest(lock, leaf(a)));
        vm.prank(stranger);
        attestations.revokeOffchainSigned(lock, leaf(a), byLock);
        assertEq(attestations.offchainRevokedAt(lock, leaf(a)), 1000, "revoked under the lock");
        assertEq(
            status(batchId, a, peerSignature(DEVICE_KEY, a), leaf(b)),
            uint256(IIotAttestations.Status.Revoked),
            "revoked"
        );
        assertEq(status(batchId, b, peerSignature(PEER_KEY, b), leaf(a)), 0, "the neighbour's still valid");
        vm.expectRevert(abi.encodeWithSelector(IIotAttestations.AlreadyRevoked.selector, leaf(a)));
        attestations.revokeOffchainSigned(lock, leaf(a), byLock);
    }

    function test_peerBatch_anUnregisteredDeviceIsNotAnAcceptedAttester() public {
        uint256 key = 0xF00;
        address unknownDevice = vm.addr(key);
        IIotAttestations.Payload memory a = payload(certSchema, lock, unknownDevice, READING, 0);
        IIotAttestations.Payload memory b = payload(certSchema, neighbour, lock, READING, 0);
        vm.prank(operator);
        bytes32 batchId = attestations.anchorPeerBatch(operator, pairRoot(leaf(a), leaf(b)), 2);
        assertEq(
            status(batchId, a, peerSignature(key, a), leaf(b)),
            uint256(IIotAttestations.Status.AttesterNotVetted),
            "signed by its key, but no registered device"
        );
    }
}
