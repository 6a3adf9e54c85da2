// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IAuditorTickets
/// @notice The auditors' private lottery tickets for blind jury draws (issue 17), kept apart from the court.
/// An auditor commits, for every epoch it signals for, the root of a Merkle tree of `SLOTS` secrets, one per jury
/// lottery the court may open in that epoch (secret j = keccak256(abi.encode(epochSeed, j)); leaf j =
/// keccak256(bytes.concat(keccak256(abi.encode(j, secret j)))); nodes keccak256(left, right) by position). The court
/// opens lottery j of an epoch with a seed from the members' beacon; only the auditor knows its ticket,
/// keccak256(abi.encode(secret j, seed)), until it claims a seat with the secret and its proof. After the epoch the
/// auditor reveals the epoch seed, the contract rebuilds the tree, and the court can then tell which drawn auditors
/// stayed silent. Roots are written by the court (at `signal`); seeds are revealed by the auditor.
interface IAuditorTickets {
    error NotCourt(address caller);
    error TicketRootsLength(uint256 epochs, uint256 roots);
    error SeedsOutOfOrder(address auditor, uint64 expected, uint64 given);
    error EpochNotOver(uint64 epoch, uint64 currentEpoch);
    error TicketSeedMismatch(address auditor, uint64 epoch, bytes32 committedRoot, bytes32 rebuiltRoot);
    error TicketSeedNotRevealed(address auditor, uint64 epoch);
    error SlotOutOfRange(uint256 slot, uint256 slots);

    /// @notice Roots committed for epochs `firstEpoch` .. `firstEpoch + roots.length - 1` (an epoch that already had
    /// a root keeps it).
    event TicketRootsCommitted(address indexed auditor, uint64 firstEpoch, bytes32[] roots);
    /// @notice An epoch's seed, checked against its root: every ticket the auditor held in that epoch is public.
    event TicketSeedRevealed(address indexed auditor, uint64 indexed epoch, bytes32 seed);

    /// @notice Lotteries per epoch (leaves per tree).
    function SLOTS() external view returns (uint256);

    /// @notice The court records `auditor`'s roots for consecutive epochs from `firstEpoch`.
    function commitRoots(address auditor, uint64 firstEpoch, bytes32[] calldata roots) external;

    /// @notice The court takes the next lottery slot of the current epoch; `ok` is false once all `SLOTS` are taken
    /// (the draw then waits for the next epoch).
    function openLottery() external returns (bool ok, uint64 epoch, uint256 slot);

    /// @notice Lotteries opened in `epoch`.
    function lotteries(uint64 epoch) external view returns (uint256);

    /// @notice The caller reveals its epoch seeds in order, from the first epoch not yet revealed (`fromEpoch` must
    /// be `revealedThrough(caller) + 1`), each epoch over. An epoch without a root or without a lottery takes any
    /// value (it is not checked); an epoch with both must rebuild its root (767 hashes; gas in docs/auditing.md).
    function revealSeeds(uint64 fromEpoch, bytes32[] calldata seeds) external;

    /// @notice Whether `secret` is at position `slot` of `auditor`'s tree for `epoch` (false without a root).
    function verify(
        address auditor,
        uint64 epoch,
        uint256 slot,
        bytes32 secret,
        bytes32[] calldata proof
    ) external view returns (bool);

    /// @notice The secret at `slot` of `auditor`'s tree for `epoch`, once its seed was revealed.
    function secretOf(address auditor, uint64 epoch, uint256 slot) external view returns (bytes32);

    /// @notice The auditor's root for `epoch` (zero when it did not signal for it).
    function rootOf(address auditor, uint64 epoch) external view returns (bytes32);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);

    /// @notice The last epoch whose seed `auditor` revealed (or skipped, having no root or no lottery), and when it
    /// last revealed (0: never).
    function revealedThrough(address auditor) external view returns (uint64 epoch, uint64 revealedAt);
}
