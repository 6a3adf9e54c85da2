// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// On-chain and batch-anchored off-chain attestations about IoT devices, one payload shape for both (docs/iot.md).
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IEthereumDIDRegistry} from "../identity/IEthereumDIDRegistry.sol";
import {IIotAttestations} from "./IIotAttestations.sol";
import {IIotRegistry} from "./IIotRegistry.sol";

contract IotAttestations is IIotAttestations {
    uint8 private constant PEER = 8;
    bytes32 private constant PEER_BATCH_TAG = keccak256("telco-ledger.iot.peer-batch");
    bytes32 private constant PEER_ATTESTATION_TAG = keccak256("telco-ledger.iot.peer-attestation");
    bytes32 private constant REVOKE_TAG = keccak256("telco-ledger.iot.revoke-offchain");

    IIotRegistry private immutable REGISTRY;
    IEthereumDIDRegistry private immutable DID_REGISTRY;

    mapping(bytes32 id => Record) private _records;
    mapping(bytes32 batchId => Batch) private _batches;
    mapping(bytes32 attesterLeaf => uint64 at) private _offchainRevocations;
    mapping(bytes32 batchId => Batch) private _peerBatches;

    constructor(IIotRegistry registry_, IEthereumDIDRegistry didRegistry_) {
        if (address(registry_) == address(0) || address(didRegistry_) == address(0)) revert ZeroDependency();
        REGISTRY = registry_;
        DID_REGISTRY = didRegistry_;
    }

    /// @inheritdoc IIotAttestations
    function attest(Payload calldata payload) external returns (bytes32 id) {
        _onlyDidOwner(payload.attester);
        IIotRegistry.Schema memory s = REGISTRY.schema(payload.schemaId);
        if (s.creator == address(0)) revert UnknownSchema(payload.schemaId);
        uint8 kind = REGISTRY.attesterKind(payload.attester);
        if (kind & s.attesterKinds == 0) revert AttesterNotAccepted(payload.attester, kind, s.attesterKinds);
        if (payload.expiresAt != 0 && payload.expiresAt <= block.timestamp) {
            revert AlreadyExpired(payload.expiresAt, block.timestamp);
        }
        id = keccak256(abi.encode(payload));
        if (_records[id].attester != address(0)) revert AttestationExists(id);
        _records[id] = Record({
            attester: payload.attester,
            expiresAt: payload.expiresAt,
            revokedAt: 0,
            schemaId: payload.schemaId
        });
        emit Attested(id, payload.schemaId, payload.subject, payload.attester, payload.dataHash, payload.expiresAt);
    }

    /// @inheritdoc IIotAttestations
    function revoke(bytes32 id) external {
        Record storage r = _records[id];
        address attester = r.attester;
        if (attester == address(0)) revert UnknownAttestation(id);
        _onlyDidOwner(attester);
        if (r.revokedAt != 0) revert AlreadyRevoked(id);
        if (!REGISTRY.schema(r.schemaId).revocable) revert NotRevocable(r.schemaId);
        r.revokedAt = uint32(block.timestamp);
        emit Revoked(id, attester, uint64(block.timestamp));
    }

    /// @inheritdoc IIotAttestations
    function anchorBatch(address attester, bytes32 root, uint32 count) external returns (bytes32 batchId) {
        _onlyDidOwner(attester);
        if (REGISTRY.attesterKind(attester) == 0) revert AttesterNotVetted(attester);
        if (root == bytes32(0) || count == 0) revert EmptyBatch();
        batchId = keccak256(abi.encode(attester, root));
        if (_batches[batchId].attester != address(0)) revert BatchExists(batchId);
        _batches[batchId] = Batch({attester: attester, count: count, anchoredAt: uint64(block.timestamp), root: root});
        emit BatchAnchored(batchId, attester, root, count);
    }

    /// @inheritdoc IIotAttestations
    function anchorPeerBatch(address relayer, bytes32 root, uint32 count) external returns (bytes32 batchId) {
        _onlyDidOwner(relayer);
        uint8 kind = REGISTRY.attesterKind(relayer);
        // A relayer answers for what it collects: a vetted party, not a device vouching for its own relays.
        if (kind == 0 || kind == PEER) revert RelayerNotVetted(relayer, kind);
        if (root == bytes32(0) || count == 0) revert EmptyBatch();
        batchId = keccak256(abi.encode(PEER_BATCH_TAG, relayer, root));
        if (_peerBatches[batchId].attester != address(0)) revert BatchExists(batchId);
        _peerBatches[batchId] = Batch({
            attester: relayer,
            count: count,
            anchoredAt: uint64(block.timestamp),
            root: root
        });
        emit PeerBatchAnchored(batchId, relayer, root, count);
    }

    /// @inheritdoc IIotAttestations
    function revokeOffchain(address attester, bytes32 leaf) external {
        _onlyDidOwner(attester);
        _revokeOffchain(attester, leaf);
    }

    /// @inheritdoc IIotAttestations
    function revokeOffchainSigned(address attester, bytes32 leaf, bytes calldata signature) external {
        // The caller only relays: the attester's DID owner authorises by signing, as the device cannot pay for gas.
        bytes32 digest = MessageHashUtils.toEthSignedMessageHash(revocationDigest(attester, leaf));
        (address signer, ECDSA.RecoverError error_, ) = ECDSA.tryRecover(digest, signature);
        address owner = DID_REGISTRY.identityOwner(attester);
        if (error_ != ECDSA.RecoverError.NoError || signer != owner) {
            revert BadRevocationSignature(attester, signer, owner);
        }
        _revokeOffchain(attester, leaf);
    }

    /// @inheritdoc IIotAttestations
    function statusOf(bytes32 id) external view returns (Status) {
        Record memory r = _records[id];
        if (r.attester == address(0)) return Status.Unknown;
        if (r.revokedAt != 0) return Status.Revoked;
        if (r.expiresAt != 0 && r.expiresAt <= block.timestamp) return Status.Expired;
        return _accepted(r.schemaId, r.attester) ? Status.Valid : Status.AttesterNotVetted;
    }

    /// @inheritdoc IIotAttestations
    function verifyOffchain(
        bytes32 batchId,
        Payload calldata payload,
        bytes32[] calldata proof
    ) external view returns (Status) {
        Batch memory b = _batches[batchId];
        if (b.attester == address(0)) return Status.Unknown;
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(payload))));
        // A proof for another payload (or a payload of another attester replayed against this batch) does not verify.
        if (b.attester != payload.attester || !MerkleProof.verifyCalldata(proof, b.root, leaf)) {
            return Status.ProofMismatch;
        }
        return _offchainStatus(payload, leaf);
    }

    /// @inheritdoc IIotAttestations
    function verifyPeerOffchain(
        bytes32 batchId,
        Payload calldata payload,
        bytes calldata signature,
        bytes32[] calldata proof
    ) external view returns (Status) {
        Batch memory b = _peerBatches[batchId];
        if (b.attester == address(0)) return Status.Unknown;
        bytes32 id = keccak256(abi.encode(payload));
        bytes32 leaf = keccak256(bytes.concat(id));
        if (!MerkleProof.verifyCalldata(proof, b.root, leaf)) return Status.ProofMismatch;
        bytes32 digest = MessageHashUtils.toEthSignedMessageHash(peerAttestationDigest(id));
        (address signer, ECDSA.RecoverError error_, ) = ECDSA.tryRecover(digest, signature);
        if (error_ != ECDSA.RecoverError.NoError || signer != DID_REGISTRY.identityOwner(payload.attester)) {
            return Status.SignatureMismatch;
        }
        return _offchainStatus(payload, leaf);
    }

    /// @inheritdoc IIotAttestations
    function peerBatch(bytes32 batchId) external view returns (Batch memory) {
        return _peerBatches[batchId];
    }

    /// @inheritdoc IIotAttestations
    function peerAttestationDigest(bytes32 id) public pure returns (bytes32) {
        return keccak256(abi.encode(PEER_ATTESTATION_TAG, id));
    }

    /// @inheritdoc IIotAttestations
    function revocationDigest(address attester, bytes32 leaf) public view returns (bytes32) {
        return keccak256(abi.encode(REVOKE_TAG, block.chainid, address(this), attester, leaf));
    }

    /// @inheritdoc IIotAttestations
    function attestation(bytes32 id) external view returns (Record memory) {
        return _records[id];
    }

    /// @inheritdoc IIotAttestations
    function batch(bytes32 batchId) external view returns (Batch memory) {
        return _batches[batchId];
    }

    /// @inheritdoc IIotAttestations
    function offchainRevokedAt(address attester, bytes32 leaf) external view returns (uint64) {
        return _offchainRevocations[_revocationKey(attester, leaf)];
    }

    /// @inheritdoc IIotAttestations
    function idOf(Payload calldata payload) external pure returns (bytes32) {
        return keccak256(abi.encode(payload));
    }

    /// @inheritdoc IIotAttestations
    function leafOf(Payload calldata payload) external pure returns (bytes32) {
        return keccak256(bytes.concat(keccak256(abi.encode(payload))));
    }

    /// @inheritdoc IIotAttestations
    function registry() external view returns (address) {
        return address(REGISTRY);
    }

    /// @inheritdoc IIotAttestations
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _revokeOffchain(address attester, bytes32 leaf) private {
        bytes32 key = _revocationKey(attester, leaf);
        if (_offchainRevocations[key] != 0) revert AlreadyRevoked(leaf);
        _offchainRevocations[key] = uint64(block.timestamp);
        emit OffchainRevoked(leaf, attester, uint64(block.timestamp));
    }

    /// @dev An anchored off-chain attestation's status: revoked (when the schema is revocable), expired, attester
    /// still accepted.
    function _offchainStatus(Payload calldata payload, bytes32 leaf) private view returns (Status) {
        IIotRegistry.Schema memory s = REGISTRY.schema(payload.schemaId);
        if (s.revocable && _offchainRevocations[_revocationKey(payload.attester, leaf)] != 0) return Status.Revoked;
        if (payload.expiresAt != 0 && payload.expiresAt <= block.timestamp) return Status.Expired;
        return _accepted(payload.schemaId, payload.attester) ? Status.Valid : Status.AttesterNotVetted;
    }

    function _onlyDidOwner(address attester) private view {
        address owner = DID_REGISTRY.identityOwner(attester);
        if (msg.sender != owner) revert NotDidOwner(attester, msg.sender, owner);
    }

    /// @dev Whether the schema exists and still accepts the attester's kind (vetting can be withdrawn).
    function _accepted(bytes32 schemaId, address attester) private view returns (bool) {
        IIotRegistry.Schema memory s = REGISTRY.schema(schemaId);
        return s.creator != address(0) && (REGISTRY.attesterKind(attester) & s.attesterKinds) != 0;
    }

    function _revocationKey(address attester, bytes32 leaf) private pure returns (bytes32) {
        return keccak256(abi.encode(attester, leaf));
    }
}
