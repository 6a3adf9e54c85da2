// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title Data usage contracts (ITU DTM-001 after Neisse et al.): accountability for personal data, without it.
/// @notice A data usage contract binds a controller (a consortium member) to a subject's data under a usage-control
///         policy. The chain holds only fingerprints (one-way hashes salted per contract), so two contracts of one
///         subject cannot be linked and only the policy's structure (its rules with values replaced by salted
///         hashes) can be learnt. A transfer to a processor creates a child contract under the parent's policy; the
///         subject revokes a contract by revealing a secret committed at creation, and every descendant is inactive
///         from that block on. Consultations (the agent's decisions before each use) are recorded in batches under a
///         Merkle root. Ids derive from content and creator (docs/datausage.md).
interface IDataUsage {
    /// @notice What the chain knows of one data usage contract.
    struct UsageContract {
        address controller; // the member holding the data under this contract
        uint8 depth; // 0 for the subject's own contract, parent's depth + 1 for a processor's
        uint8 maxDepth; // how deep the chain of processors may go (from the root contract)
        uint64 createdAt;
        uint64 revokedAt; // 0 while the subject has not revoked this contract itself
        bytes32 parent; // 0 for the subject's contract
        bytes32 root; // the subject's contract at the top of the chain (itself for a root)
        bytes32 subjectFingerprint; // keccak256(salt, subject identifier): unlinkable, salt off chain
        bytes32 dataFingerprint; // keccak256(salt, data types and values)
        bytes32 policyFingerprint; // keccak256(salt, the whole ODRL policy)
        bytes32 policyStructure; // keccak256 of the policy's structure (rules, actions, operators; no values)
        bytes32 consentHash; // keccak256 of the ISO/IEC TS 27560 consent record (salted inside)
        bytes32 revocationCommitment; // keccak256(abi.encode(secret)), a random secret per contract: revealing it revokes
    }

    /// @notice The fingerprints and commitments a new contract carries.
    struct Terms {
        bytes32 nonce; // random per contract: makes the id unique and the contract unlinkable
        bytes32 subjectFingerprint;
        bytes32 dataFingerprint;
        bytes32 policyFingerprint;
        bytes32 policyStructure;
        bytes32 consentHash;
        bytes32 revocationCommitment;
    }

    /// @notice A batch of consultations anchored by a member.
    struct ConsultationBatch {
        address recorder;
        uint32 count;
        uint64 anchoredAt;
        bytes32 root;
    }

    /// @notice Emitted when a subject's contract with a controller is created.
    event ContractCreated(
        bytes32 indexed id,
        address indexed controller,
        bytes32 subjectFingerprint,
        bytes32 dataFingerprint,
        bytes32 policyFingerprint,
        bytes32 policyStructure,
        bytes32 consentHash,
        uint8 maxDepth
    );
    /// @notice Emitted for each processor a root contract allows data to be transferred to.
    event RecipientAllowed(bytes32 indexed root, address indexed recipient);
    /// @notice Emitted when a controller transfers data under `parent` to `processor`, creating contract `id`.
    event ContractTransferred(
        bytes32 indexed id,
        bytes32 indexed parent,
        bytes32 indexed root,
        address controller,
        address processor,
        uint8 depth,
        bytes32 dataFingerprint,
        bytes32 policyFingerprint
    );
    /// @notice Emitted when the subject revokes a contract (and so every contract derived from it).
    event ContractRevoked(bytes32 indexed id, address indexed by, uint64 at);
    /// @notice Emitted when a member anchors a batch of consultation records.
    event ConsultationsRecorded(bytes32 indexed batchId, address indexed recorder, bytes32 root, uint32 count);

    error NotMember(address caller);
    error ZeroDependency();
    error EmptyFingerprint(string field);
    error ContractExists(bytes32 id);
    error UnknownContract(bytes32 id);
    error NotController(bytes32 id, address caller, address controller);
    error ContractInactive(bytes32 id, bytes32 revokedAncestor);
    error RecipientNotAllowed(bytes32 root, address recipient);
    error DepthExceeded(bytes32 parent, uint8 depth, uint8 maxDepth);
    error SelfTransfer(address processor);
    error BadRevocationSecret(bytes32 id);
    error AlreadyRevoked(bytes32 id);
    error EmptyBatch();
    error BatchExists(bytes32 batchId);
    error TooManyRecipients(uint256 count, uint256 max);

    /// @notice Creates a subject's data usage contract with the caller (a member) as controller.
    /// @param terms Nonce, fingerprints and commitments; none may be zero.
    /// @param maxDepth How many processors deep the data may travel (0: no transfer at all).
    /// @param recipients Members the data may be transferred to, at any depth (empty: no transfer).
    /// @return id keccak256(abi.encode(chainid, this, controller, terms)).
    function create(Terms calldata terms, uint8 maxDepth, address[] calldata recipients) external returns (bytes32 id);

    /// @notice Transfers data held under `parent` to `processor`, creating the processor's contract. Only the
    ///         parent's controller; refused when any ancestor is revoked, the processor is not an allowed recipient
    ///         of the root contract, or the chain of processors would exceed the root's maxDepth.
    /// @param parent The contract the caller holds the data under.
    /// @param processor The member receiving the data.
    /// @param terms The child's nonce and fingerprints (subject fingerprint and consent carried from the parent).
    /// @return id keccak256(abi.encode(chainid, this, caller, parent, processor, terms)).
    function transfer(bytes32 parent, address processor, Terms calldata terms) external returns (bytes32 id);

    /// @notice Revokes contract `id` (and with it every contract derived from it). Anyone may submit; the secret the
    ///         subject committed to at creation authorises it, so the subject needs no account of their own.
    function revoke(bytes32 id, bytes32 secret) external;

    /// @notice Anchors a batch of consultation records (leaves: keccak256 of contract id, data fingerprint, activity,
    ///         decision and time). Members only. batchId = keccak256(abi.encode(recorder, root)).
    function recordConsultations(bytes32 root, uint32 count) external returns (bytes32 batchId);

    /// @notice One contract; controller 0 when unknown.
    function usageContract(bytes32 id) external view returns (UsageContract memory);

    /// @notice True when the contract exists and neither it nor any ancestor is revoked.
    function isActive(bytes32 id) external view returns (bool);

    /// @notice The revoked contract nearest to `id` up its chain of parents (0: none revoked).
    function revokedAncestor(bytes32 id) external view returns (bytes32);

    /// @notice Whether `recipient` may receive data derived from root contract `root`.
    function isAllowedRecipient(bytes32 root, address recipient) external view returns (bool);

    /// @notice An anchored consultation batch; recorder 0 when unknown.
    function consultationBatch(bytes32 batchId) external view returns (ConsultationBatch memory);

    /// @notice Whether `leaf` is in anchored batch `batchId` (OpenZeppelin MerkleProof, sorted pairs).
    function verifyConsultation(bytes32 batchId, bytes32 leaf, bytes32[] calldata proof) external view returns (bool);

    /// @notice The id `create` gives `controller` for `terms`.
    function contractIdOf(address controller, Terms calldata terms) external view returns (bytes32);

    /// @notice The id `transfer` gives for these arguments.
    function childIdOf(
        address controller,
        bytes32 parent,
        address processor,
        Terms calldata terms
    ) external view returns (bytes32);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
