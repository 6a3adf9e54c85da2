// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The auditors' private lottery tickets for blind jury draws (see IAuditorTickets and docs/auditing.md). Deployed by
// the court's constructor, so the court it answers to is fixed when it comes to exist.
import {Hashes} from "@openzeppelin/contracts/utils/cryptography/Hashes.sol";
import {IAuditorTickets} from "./IAuditorTickets.sol";

contract AuditorTickets is IAuditorTickets {
    /// @notice 256 lotteries an epoch: a tree of depth 8 (the rebuild at a seed reveal is 767 hashes).
    uint256 public constant SLOTS = 256;
    uint256 private constant DEPTH = 8;

    address private immutable COURT;
    uint64 private immutable GENESIS;
    uint64 private immutable EPOCH_SECONDS;

    mapping(address auditor => mapping(uint64 epoch => bytes32)) private _roots;
    mapping(address auditor => mapping(uint64 epoch => bytes32)) private _seeds;
    mapping(address auditor => uint64) private _revealedThrough;
    mapping(address auditor => uint64) private _revealedAt;
    mapping(uint64 epoch => uint256) private _lotteries;

    /// @param genesis The court's first epoch start; @param epochSeconds its epoch length (the same numbering).
    constructor(address court, uint64 genesis, uint64 epochSeconds) {
        COURT = court;
        GENESIS = genesis;
        EPOCH_SECONDS = epochSeconds;
    }

    modifier onlyCourt() {
        if (msg.sender != COURT) revert NotCourt(msg.sender);
        _;
    }

    /// @inheritdoc IAuditorTickets
    function commitRoots(address auditor, uint64 firstEpoch, bytes32[] calldata roots) external onlyCourt {
        // Epochs before the first root are owed no seed: the reveal pointer starts just before it.
        if (_revealedThrough[auditor] == 0 && _roots[auditor][firstEpoch] == 0) {
            if (firstEpoch > 0) _revealedThrough[auditor] = firstEpoch - 1;
        }
        for (uint256 i = 0; i < roots.length; i++) {
            uint64 epoch = firstEpoch + uint64(i);
            if (_roots[auditor][epoch] == 0) _roots[auditor][epoch] = roots[i];
        }
        emit TicketRootsCommitted(auditor, firstEpoch, roots);
    }

    /// @inheritdoc IAuditorTickets
    function openLottery() external onlyCourt returns (bool ok, uint64 epoch, uint256 slot) {
        epoch = _currentEpoch();
        slot = _lotteries[epoch];
        if (slot >= SLOTS) return (false, epoch, slot);
        _lotteries[epoch] = slot + 1;
        return (true, epoch, slot);
    }

    /// @inheritdoc IAuditorTickets
    function revealSeeds(uint64 fromEpoch, bytes32[] calldata seeds) external {
        uint64 expected = _revealedThrough[msg.sender] + 1;
        if (fromEpoch != expected) revert SeedsOutOfOrder(msg.sender, expected, fromEpoch);
        uint64 current = _currentEpoch();
        for (uint256 i = 0; i < seeds.length; i++) {
            uint64 epoch = fromEpoch + uint64(i);
            // An epoch still running could open more lotteries: its seed would hide tickets not yet drawn.
            if (epoch >= current) revert EpochNotOver(epoch, current);
            bytes32 root = _roots[msg.sender][epoch];
            if (root != 0 && _lotteries[epoch] > 0) {
                bytes32 rebuilt = rootFromSeed(seeds[i]);
                if (rebuilt != root) revert TicketSeedMismatch(msg.sender, epoch, root, rebuilt);
                _seeds[msg.sender][epoch] = seeds[i];
                emit TicketSeedRevealed(msg.sender, epoch, seeds[i]);
            }
        }
        _revealedThrough[msg.sender] = fromEpoch + uint64(seeds.length) - 1;
        _revealedAt[msg.sender] = uint64(block.timestamp);
    }

    /// @inheritdoc IAuditorTickets
    function verify(
        address auditor,
        uint64 epoch,
        uint256 slot,
        bytes32 secret,
        bytes32[] calldata proof
    ) external view returns (bool) {
        bytes32 root = _roots[auditor][epoch];
        if (root == 0 || slot >= SLOTS || proof.length != DEPTH) return false;
        // The leaf's position is the slot: each slot has exactly one secret, fixed before any lottery seed exists,
        // so an auditor cannot keep several tickets for one lottery and claim with the best.
        bytes32 node = _leaf(slot, secret);
        uint256 position = slot;
        for (uint256 level = 0; level < DEPTH; level++) {
            node =
                position & 1 == 0
                    ? Hashes.efficientKeccak256(node, proof[level])
                    : Hashes.efficientKeccak256(proof[level], node);
            position >>= 1;
        }
        return node == root;
    }

    /// @inheritdoc IAuditorTickets
    function secretOf(address auditor, uint64 epoch, uint256 slot) external view returns (bytes32) {
        bytes32 seed = _seeds[auditor][epoch];
        if (seed == 0) revert TicketSeedNotRevealed(auditor, epoch);
        if (slot >= SLOTS) revert SlotOutOfRange(slot, SLOTS);
        return _secret(seed, slot);
    }

    /// @inheritdoc IAuditorTickets
    function rootOf(address auditor, uint64 epoch) external view returns (bytes32) {
        return _roots[auditor][epoch];
    }

    /// @inheritdoc IAuditorTickets
    function revealedThrough(address auditor) external view returns (uint64 epoch, uint64 revealedAt) {
        return (_revealedThrough[auditor], _revealedAt[auditor]);
    }

    /// @inheritdoc IAuditorTickets
    function lotteries(uint64 epoch) external view returns (uint256) {
        return _lotteries[epoch];
    }

    /// @inheritdoc IAuditorTickets
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    /// @notice The root of the tree an epoch seed makes (what an auditor's agent commits at `signal`).
    function rootFromSeed(bytes32 seed) public pure returns (bytes32) {
        bytes32[] memory level = new bytes32[](SLOTS);
        for (uint256 j = 0; j < SLOTS; j++) level[j] = _leaf(j, _secret(seed, j));
        for (uint256 width = SLOTS / 2; width > 0; width /= 2) {
            for (uint256 i = 0; i < width; i++) level[i] = Hashes.efficientKeccak256(level[2 * i], level[2 * i + 1]);
        }
        return level[0];
    }

    // keccak256(abi.encode(seed, slot)), hashed in scratch space: the rebuild makes 256 of them, and allocating
    // memory for each made the reveal cost 2.5 times as much.
    function _secret(bytes32 seed, uint256 slot) private pure returns (bytes32) {
        return Hashes.efficientKeccak256(seed, bytes32(slot));
    }

    // keccak256(bytes.concat(keccak256(abi.encode(slot, secret)))), in scratch space. Double-hashed, so a leaf can
    // never pass for an inner node (both are 64-byte preimages otherwise).
    function _leaf(uint256 slot, bytes32 secret) private pure returns (bytes32 leaf) {
        bytes32 inner = Hashes.efficientKeccak256(bytes32(slot), secret);
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0x00, inner)
            leaf := keccak256(0x00, 0x20)
        }
    }

    function _currentEpoch() private view returns (uint64) {
        if (block.timestamp < GENESIS) return 0;
        return uint64((block.timestamp - GENESIS) / EPOCH_SECONDS);
    }
}
