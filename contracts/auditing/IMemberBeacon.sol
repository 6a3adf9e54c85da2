// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IMemberBeacon
/// @notice Randomness the consortium's members produce together by commit-reveal, for drawing juries without trusting
/// block data a validator could steer. A consumer contract opens a round under its own id; during the commit phase
/// each member commits `keccak256(abi.encode(key, member, secret))`; during the reveal phase it reveals `secret`. The
/// round's value is keccak256 of the XOR of every revealed secret and the round key, readable once the reveal phase is
/// over and at least `MIN_REVEALS` members revealed; with fewer the round has failed and the consumer opens another.
/// What one member (or a colluding validator) can do: withhold its own reveal after seeing the others' (choosing
/// between two values, one bit of influence per withholding member, paid for with a failed round when reveals fall
/// below the minimum) and delay or censor other members' reveal transactions (the same as withholding for them). It
/// cannot choose the value: any one honest member's secret, committed before anything was known, makes it uniform.
interface IMemberBeacon {
    /// @notice A round's phases, by the time given when it was opened.
    enum Phase {
        None,
        NotStarted,
        Commit,
        Reveal,
        Ready,
        Failed
    }

    /// @notice Public view of one round.
    struct Round {
        uint64 commitStart;
        uint64 revealStart;
        uint64 revealEnd;
        uint32 commits;
        uint32 reveals;
        bytes32 accumulator;
    }

    /// @notice The caller is not an active member of the consortium.
    error NotAMember(address account);
    /// @notice The round `key` was already opened.
    error RoundExists(bytes32 key);
    /// @notice No round `key` was opened.
    error UnknownRound(bytes32 key);
    /// @notice The round is not in the phase the call needs.
    error WrongPhase(bytes32 key, Phase phase);
    /// @notice `member` already committed to the round.
    error AlreadyCommitted(bytes32 key, address member);
    /// @notice `member` committed nothing to the round, or already revealed.
    error NothingToReveal(bytes32 key, address member);
    /// @notice The revealed secret does not open `member`'s commitment.
    error CommitmentMismatch(bytes32 key, address member);
    /// @notice A round was opened with a start in the past.
    error StartInThePast(uint64 startAt, uint64 nowAt);

    /// @notice `consumer` opened round `key` (its own `id`), commits accepted from `commitStart`.
    event RoundOpened(bytes32 indexed key, address indexed consumer, bytes32 id, uint64 commitStart);
    /// @notice `member` committed to round `key`.
    event BeaconCommitted(bytes32 indexed key, address indexed member);
    /// @notice `member` revealed its secret for round `key`.
    event BeaconRevealed(bytes32 indexed key, address indexed member);

    /// @notice Seconds of the commit phase and of the reveal phase, fixed at deployment.
    function PHASE_SECONDS() external view returns (uint64);

    /// @notice Reveals a round needs to produce a value, fixed at deployment.
    function MIN_REVEALS() external view returns (uint32);

    /// @notice The key of round `id` opened by `consumer` (rounds are namespaced by the contract that opens them).
    function keyOf(address consumer, bytes32 id) external pure returns (bytes32);

    /// @notice Opens the caller's round `id`, commit phase from `startAt` (now or later). Emits RoundOpened.
    function open(bytes32 id, uint64 startAt) external returns (bytes32 key);

    /// @notice Commits the caller's hidden secret to round `key`. Callable by active members during the commit phase.
    function commit(bytes32 key, bytes32 commitment) external;

    /// @notice Reveals the caller's secret for round `key` during the reveal phase.
    function reveal(bytes32 key, bytes32 secret) external;

    /// @notice The round's phase now.
    function phase(bytes32 key) external view returns (Phase);

    /// @notice The round's state.
    function round(bytes32 key) external view returns (Round memory);

    /// @notice The round's value; reverts WrongPhase unless the round is Ready.
    function value(bytes32 key) external view returns (bytes32);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
