// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Commit-reveal randomness among the consortium's members (see IMemberBeacon for what a colluder can and cannot do).
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {IMemberBeacon} from "./IMemberBeacon.sol";

contract MemberBeacon is IMemberBeacon {
    IConsortiumRegistry private immutable CONSORTIUM;
    /// @inheritdoc IMemberBeacon
    uint64 public immutable PHASE_SECONDS;
    /// @inheritdoc IMemberBeacon
    uint32 public immutable MIN_REVEALS;

    mapping(bytes32 key => Round) private _rounds;
    mapping(bytes32 key => mapping(address member => bytes32 commitment)) private _commitments;

    /// @param consortium_ Registry whose active members take part.
    /// @param phaseSeconds Length of the commit phase and of the reveal phase.
    /// @param minReveals Reveals a round needs (at least 1).
    constructor(IConsortiumRegistry consortium_, uint64 phaseSeconds, uint32 minReveals) {
        CONSORTIUM = consortium_;
        PHASE_SECONDS = phaseSeconds == 0 ? 1 : phaseSeconds;
        MIN_REVEALS = minReveals == 0 ? 1 : minReveals;
    }

    /// @inheritdoc IMemberBeacon
    function keyOf(address consumer, bytes32 id) public pure returns (bytes32) {
        return keccak256(abi.encode(consumer, id));
    }

    /// @inheritdoc IMemberBeacon
    function open(bytes32 id, uint64 startAt) external returns (bytes32 key) {
        if (startAt < block.timestamp) revert StartInThePast(startAt, uint64(block.timestamp));
        key = keyOf(msg.sender, id);
        Round storage r = _rounds[key];
        if (r.commitStart != 0) revert RoundExists(key);
        r.commitStart = startAt;
        r.revealStart = startAt + PHASE_SECONDS;
        r.revealEnd = startAt + 2 * PHASE_SECONDS;
        emit RoundOpened(key, msg.sender, id, startAt);
    }

    /// @inheritdoc IMemberBeacon
    function commit(bytes32 key, bytes32 commitment) external {
        if (CONSORTIUM.memberOf(msg.sender) != msg.sender) revert NotAMember(msg.sender);
        Phase p = phase(key);
        if (p != Phase.Commit) revert WrongPhase(key, p);
        if (_commitments[key][msg.sender] != bytes32(0)) revert AlreadyCommitted(key, msg.sender);
        _commitments[key][msg.sender] = commitment;
        _rounds[key].commits += 1;
        emit BeaconCommitted(key, msg.sender);
    }

    /// @inheritdoc IMemberBeacon
    function reveal(bytes32 key, bytes32 secret) external {
        Phase p = phase(key);
        if (p != Phase.Reveal) revert WrongPhase(key, p);
        bytes32 commitment = _commitments[key][msg.sender];
        if (commitment == bytes32(0) || commitment == bytes32(uint256(1))) revert NothingToReveal(key, msg.sender);
        if (keccak256(abi.encode(key, msg.sender, secret)) != commitment) revert CommitmentMismatch(key, msg.sender);
        // Marks the commitment spent (1 can never be a keccak output anyone can open).
        _commitments[key][msg.sender] = bytes32(uint256(1));
        Round storage r = _rounds[key];
        r.accumulator ^= secret;
        r.reveals += 1;
        emit BeaconRevealed(key, msg.sender);
    }

    /// @inheritdoc IMemberBeacon
    function phase(bytes32 key) public view returns (Phase) {
        Round storage r = _rounds[key];
        if (r.commitStart == 0) return Phase.None;
        if (block.timestamp < r.commitStart) return Phase.NotStarted;
        if (block.timestamp < r.revealStart) return Phase.Commit;
        if (block.timestamp < r.revealEnd) return Phase.Reveal;
        return r.reveals >= MIN_REVEALS ? Phase.Ready : Phase.Failed;
    }

    /// @inheritdoc IMemberBeacon
    function round(bytes32 key) external view returns (Round memory) {
        return _rounds[key];
    }

    /// @inheritdoc IMemberBeacon
    function value(bytes32 key) external view returns (bytes32) {
        Phase p = phase(key);
        if (p != Phase.Ready) revert WrongPhase(key, p);
        return keccak256(abi.encode(_rounds[key].accumulator, key));
    }

    /// @inheritdoc IMemberBeacon
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
