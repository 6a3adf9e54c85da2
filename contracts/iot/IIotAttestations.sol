// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IIotAttestations
/// @notice Attestations about IoT devices (or models, or anything a bytes32 names), made on chain one by one or off
/// chain in batches anchored as Merkle roots. Both kinds are one payload: (schemaId, subject, attester, dataHash,
/// expiresAt). An on-chain attestation's id is keccak256(abi.encode(payload)); an off-chain one's Merkle leaf is
/// keccak256(bytes.concat(id)) (the OpenZeppelin StandardMerkleTree leaf of the payload's five values), so a proof
/// verifies only the exact payload it was made for: another subject, schema, data, expiry or attester is another leaf.
/// @dev Subjects that are devices are their address left-padded to 32 bytes. The attester acts through the current
/// owner of its DID in the ERC-1056 registry and must be accepted by the schema (IIotRegistry.attesterKind).
interface IIotAttestations {
    /// @notice The content every attestation has, on chain or off. `dataHash` is the hash of the claims (the JWT's
    /// claims for off-chain ones); personal data never goes on chain. `expiresAt` 0 means no expiry.
    struct Payload {
        bytes32 schemaId;
        bytes32 subject;
        address attester;
        bytes32 dataHash;
        uint64 expiresAt;
    }

    /// @notice What verifying an attestation found. Valid is the only accepting answer; every other names the reason.
    enum Status {
        Valid,
        Unknown,
        Revoked,
        Expired,
        AttesterNotVetted,
        ProofMismatch,
        SignatureMismatch
    }

    /// @notice An on-chain attestation as stored (subject and data hash are in the Attested event and the id). One
    /// slot plus the schema id: `revokedAt` is in seconds, 0 while valid.
    struct Record {
        address attester;
        uint64 expiresAt;
        uint32 revokedAt;
        bytes32 schemaId;
    }

    /// @notice An anchored batch of off-chain attestations, all by one attester.
    struct Batch {
        address attester;
        uint32 count;
        uint64 anchoredAt;
        bytes32 root;
    }

    /// @notice Emitted for every on-chain attestation.
    event Attested(
        bytes32 indexed id,
        bytes32 indexed schemaId,
        bytes32 indexed subject,
        address attester,
        bytes32 dataHash,
        uint64 expiresAt
    );
    /// @notice Emitted when an on-chain attestation is revoked.
    event Revoked(bytes32 indexed id, address indexed attester, uint64 at);
    /// @notice Emitted when an attester anchors a batch of `count` off-chain attestations under `root`.
    event BatchAnchored(bytes32 indexed batchId, address indexed attester, bytes32 root, uint32 count);
    /// @notice Emitted when a relayer (a vetted gateway operator) anchors `count` peer attestations, each signed by the
    /// device named as its attester, under `root`.
    event PeerBatchAnchored(bytes32 indexed batchId, address indexed relayer, bytes32 root, uint32 count);
    /// @notice Emitted when an attester revokes one of its off-chain attestations by its Merkle leaf.
    event OffchainRevoked(bytes32 indexed leaf, address indexed attester, uint64 at);

    /// @notice Thrown when the caller is not the current owner of the attester's DID.
    error NotDidOwner(address attester, address caller, address owner);
    /// @notice Thrown when the schema is not registered.
    error UnknownSchema(bytes32 schemaId);
    /// @notice Thrown when the attester's kind (0: not vetted and no device) is not accepted by the schema.
    error AttesterNotAccepted(address attester, uint8 kind, uint8 acceptedKinds);
    /// @notice Thrown when the attester is neither vetted nor a registered device.
    error AttesterNotVetted(address attester);
    /// @notice Thrown when an attestation with this id exists already.
    error AttestationExists(bytes32 id);
    /// @notice Thrown when an attestation's expiry is not in the future.
    error AlreadyExpired(uint64 expiresAt, uint256 now_);
    /// @notice Thrown when no on-chain attestation has this id.
    error UnknownAttestation(bytes32 id);
    /// @notice Thrown when the attestation (or the leaf) is revoked already.
    error AlreadyRevoked(bytes32 id);
    /// @notice Thrown when the attestation's schema is not revocable.
    error NotRevocable(bytes32 schemaId);
    /// @notice Thrown when a batch is empty or its root is zero.
    error EmptyBatch();
    /// @notice Thrown when the same attester anchors the same root twice.
    error BatchExists(bytes32 batchId);
    /// @notice Thrown when a relayer of peer attestations is not vetted as an OEM, operator or third party.
    error RelayerNotVetted(address relayer, uint8 kind);
    /// @notice Thrown when a signed revocation is not signed by the current owner of the attester's DID.
    error BadRevocationSignature(address attester, address signer, address owner);
    /// @notice Thrown when a zero address is given for a constructor dependency.
    error ZeroDependency();

    /// @notice Makes an on-chain attestation; its id is keccak256(abi.encode(payload)).
    /// @dev Requirements: caller owns `payload.attester`'s DID; the schema exists and accepts the attester's kind;
    /// the expiry (when set) is in the future; the id is new. Emits Attested.
    function attest(Payload calldata payload) external returns (bytes32 id);

    /// @notice Revokes an on-chain attestation.
    /// @dev Requirements: caller owns the attester's DID; the attestation exists, is not revoked and its schema is
    /// revocable. Emits Revoked.
    function revoke(bytes32 id) external;

    /// @notice Anchors a batch of `count` off-chain attestations by `attester`, every leaf a payload whose attester
    /// is `attester`. The batch id is keccak256(abi.encode(attester, root)).
    /// @dev Requirements: caller owns `attester`'s DID; the attester is vetted or a registered device; root non-zero
    /// and count > 0; the batch is new. Emits BatchAnchored.
    function anchorBatch(address attester, bytes32 root, uint32 count) external returns (bytes32 batchId);

    /// @notice Revokes an off-chain attestation by its Merkle leaf; only the attester named in the payload can.
    /// @dev Requirements: caller owns `attester`'s DID; the leaf is not revoked by it already. Emits OffchainRevoked.
    function revokeOffchain(address attester, bytes32 leaf) external;

    /// @notice Anchors a batch of `count` peer attestations: off-chain attestations whose attesters are devices (which
    /// hold no funds), collected and relayed by `relayer`. Each leaf is a payload naming its device as attester; the
    /// device's signature of peerAttestationDigest(id) travels with the leaf and is checked by verifyPeerOffchain, so
    /// a relayer cannot anchor an attestation the device did not sign. Batch id:
    /// keccak256(abi.encode(PEER_BATCH_TAG, relayer, root)), never equal to an attester's own batch id.
    /// @dev Requirements: caller owns `relayer`'s DID; the relayer is vetted as OEM, operator or third party; root
    /// non-zero and count > 0; the batch is new. Emits PeerBatchAnchored.
    function anchorPeerBatch(address relayer, bytes32 root, uint32 count) external returns (bytes32 batchId);

    /// @notice Revokes an off-chain attestation by its leaf on the attester's signed instruction, sent by anyone (a
    /// gateway relaying for a device): the same revocation as revokeOffchain, recorded under the attester.
    /// @dev Requirements: `signature` (EIP-191 over revocationDigest(attester, leaf)) recovers the current owner of
    /// `attester`'s DID; the leaf is not revoked by it already. Emits OffchainRevoked.
    function revokeOffchainSigned(address attester, bytes32 leaf, bytes calldata signature) external;

    /// @notice Status of an on-chain attestation now.
    function statusOf(bytes32 id) external view returns (Status);

    /// @notice Verifies an off-chain attestation: the proof must bind exactly `payload` to the batch's root, the batch
    /// must be the payload attester's, the attester still accepted by the schema, the leaf not revoked (when the
    /// schema is revocable) and the payload not expired.
    function verifyOffchain(
        bytes32 batchId,
        Payload calldata payload,
        bytes32[] calldata proof
    ) external view returns (Status);

    /// @notice Verifies a peer attestation: the proof must bind exactly `payload` to the peer batch's root, `signature`
    /// (EIP-191 over peerAttestationDigest(id)) must recover the current owner of the attester's DID
    /// (SignatureMismatch otherwise), and then as verifyOffchain: revocation, expiry, attester accepted by the schema.
    function verifyPeerOffchain(
        bytes32 batchId,
        Payload calldata payload,
        bytes calldata signature,
        bytes32[] calldata proof
    ) external view returns (Status);

    /// @notice The anchored peer batch with `batchId` (its `attester` is the relayer; zero when unknown).
    function peerBatch(bytes32 batchId) external view returns (Batch memory);

    /// @notice The digest a device signs (EIP-191) to make the attestation `id` its own:
    /// keccak256(abi.encode(keccak256("telco-ledger.iot.peer-attestation"), id)).
    function peerAttestationDigest(bytes32 id) external pure returns (bytes32);

    /// @notice The digest an attester signs (EIP-191) to revoke `leaf` through revokeOffchainSigned:
    /// keccak256(abi.encode(keccak256("telco-ledger.iot.revoke-offchain"), chain id, this contract, attester, leaf)).
    function revocationDigest(address attester, bytes32 leaf) external view returns (bytes32);

    /// @notice The on-chain attestation with `id` (attester zero when unknown).
    function attestation(bytes32 id) external view returns (Record memory);

    /// @notice The anchored batch with `batchId` (attester zero when unknown).
    function batch(bytes32 batchId) external view returns (Batch memory);

    /// @notice When the attester revoked the off-chain leaf (0 when not revoked).
    function offchainRevokedAt(address attester, bytes32 leaf) external view returns (uint64);

    /// @notice The id of a payload: keccak256(abi.encode(payload)).
    function idOf(Payload calldata payload) external pure returns (bytes32);

    /// @notice The Merkle leaf of a payload: keccak256(bytes.concat(idOf(payload))).
    function leafOf(Payload calldata payload) external pure returns (bytes32);

    /// @notice The registry of schemas, attesters and devices this contract checks.
    function registry() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
