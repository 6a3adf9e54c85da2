// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ITimestampLedger
/// @notice Proof of existence (ITU ENT-001): a consortium member anchors the root of an RFC 9162 Merkle tree whose
/// leaves are SHA-256 digests of files (never the files). A file existed no later than the block that anchored a
/// root its digest is included in; the inclusion path is checked off chain against the root recorded here. The first
/// anchoring of a root is the one that counts, so a root is anchored once.
interface ITimestampLedger {
    /// @notice An anchored root as the chain keeps it (zero `anchoredAt` when never anchored).
    struct Anchor {
        address submitter;
        uint32 count;
        uint64 anchoredAt;
        uint64 blockNumber;
    }

    /// @notice Thrown when the caller is not a consortium member.
    error NotAMember(address caller);
    /// @notice Thrown when an argument is unusable; `field` names it.
    error InvalidAnchor(string field);
    /// @notice Thrown when the root was anchored already, by `submitter`.
    error AlreadyAnchored(bytes32 root, address submitter);

    /// @notice A member anchored the root of a batch of `count` file digests.
    event RootAnchored(bytes32 indexed root, address indexed submitter, uint32 count, uint64 anchoredAt);

    /// @notice Anchors the Merkle root of a batch of `count` file digests.
    /// Requirements: caller is a consortium member; root non-zero; count > 0; root not anchored before.
    /// Emits RootAnchored.
    function anchorRoot(bytes32 root, uint32 count) external;

    /// @notice The anchor of `root` (zero fields when never anchored).
    function anchorOf(bytes32 root) external view returns (Anchor memory);

    /// @notice Contract version.
    function version() external pure returns (string memory);
}
