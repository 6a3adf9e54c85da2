// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ICertificateLog
/// @notice Witnessed checkpoints of the PKI's transparency log: an RFC 9162 Merkle tree whose leaves are the
/// certificates the CertificateLedger recorded, in the order it recorded them. The log operator (the issuer role)
/// anchors a checkpoint (tree size, root hash) per batch; witnesses (members holding a witness role) each recompute
/// the root from their own copy of the ledger and co-sign it. A checkpoint with fewer co-signatures than the
/// threshold is no view of the log a client should accept, so showing different views to different clients needs
/// the witnesses to collude.
interface ICertificateLog {
    /// @notice A checkpoint as the chain keeps it.
    struct Checkpoint {
        bytes32 rootHash;
        address operator;
        uint16 cosignatures;
        uint64 anchoredAt;
    }

    /// @notice Thrown when a constructor argument is unusable; `field` names it.
    error InvalidLogArgument(string field);
    /// @notice Thrown when the caller does not hold the log operator (issuer) role.
    error NotTheLogOperator(address caller);
    /// @notice Thrown when the caller holds no witness role.
    error NotAWitness(address caller);
    /// @notice Thrown when a checkpoint does not grow the log past the latest anchored size.
    error CheckpointNotNewer(uint64 treeSize, uint64 latest);
    /// @notice Thrown when no checkpoint with this size and root was anchored.
    error UnknownCheckpoint(uint64 treeSize, bytes32 rootHash);
    /// @notice Thrown when this witness already co-signed the checkpoint.
    error AlreadyCosigned(uint64 treeSize, address witness);

    /// @notice The log operator anchored a checkpoint.
    event CheckpointAnchored(uint64 indexed treeSize, bytes32 rootHash, address indexed operator);
    /// @notice A witness co-signed a checkpoint; `cosignatures` is the count so far.
    event CheckpointCosigned(uint64 indexed treeSize, bytes32 rootHash, address indexed witness, uint16 cosignatures);

    /// @notice Anchors the checkpoint of the first `treeSize` log entries.
    /// Requirements: caller holds the operator role; treeSize > the latest anchored size. Emits CheckpointAnchored.
    function anchorCheckpoint(uint64 treeSize, bytes32 rootHash) external;

    /// @notice Co-signs an anchored checkpoint after recomputing its root.
    /// Requirements: caller holds a witness role; the checkpoint (size and root) was anchored; once per witness.
    /// Emits CheckpointCosigned.
    function cosignCheckpoint(uint64 treeSize, bytes32 rootHash) external;

    /// @notice The checkpoint of `treeSize` (zero root when none).
    function checkpoint(uint64 treeSize) external view returns (Checkpoint memory);
    /// @notice Whether `witness` co-signed the checkpoint of `treeSize`.
    function hasCosigned(uint64 treeSize, address witness) external view returns (bool);
    /// @notice The latest anchored tree size.
    function latestTreeSize() external view returns (uint64);
    /// @notice Co-signatures a checkpoint needs to be a view clients accept.
    function witnessThreshold() external view returns (uint16);
    /// @notice Contract version.
    function version() external pure returns (string memory);
}
