// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IPaymentChannels
/// @notice Real-time balances between two operators: a state channel per operator pair, funded in the settlement token.
/// Members are consortium members holding MOBILE_OPERATOR; a caller acts for the member its account is bound to
/// (`memberOf`), and a state is signed by an account bound to each member.
/// - Open: one operator (A) opens a channel with another (B) under a salt they choose; the id is
///   keccak256(chainId, this contract, A, B, token, salt), so it is known before the transaction is mined and never
///   depends on mining order. The opener sets the channel's challenge period within [MIN_CHALLENGE, MAX_CHALLENGE].
/// - Deposit: either member adds tokens at any time while the channel is open.
/// - State: (channelId, version, balanceA, balanceB, depositA, depositB, isFinal, batchId) as EIP-712 typed data
///   co-signed by both members' accounts. batchId names the RoamingSettlement batch this state's update pays (zero for
///   a plain payment): by co-signing it both members agree the batch is paid through the channel, which
///   RoamingSettlement.recordChannelPayment takes as proof (checked here by `checkState`). depositA/depositB are the deposits the state accounts for and the balances sum to them; a
///   deposit made after the state is paid back to its maker on top of the state's balance, so a deposit never
///   invalidates a co-signed state. A higher version replaces a lower one.
/// - Signatures: each member's signature of a state is either r‖s‖v (65 bytes) over `stateDigest(state)`, or, when
///   one exchange carries several states, r‖s‖v‖proof (65 + 32·k bytes, 1 <= k <= MAX_PROOF): the member signed once
///   `batchDigest(channelId, root)`, root being OpenZeppelin's sorted-pair Merkle root over the exchange's state
///   digests, and `proof` takes this state's digest to that root. Either way every state is separately provable.
/// - Cooperative close: a state both signed with isFinal pays out at once.
/// - Unilateral close: either member registers its newest co-signed state (or version 0, the deposits as they are,
///   unsigned); the challenge period starts. Until it ends, either member may `challenge` with a higher co-signed
///   version, which replaces the registered state (the watchtower of each agent does this for a stale close). After
///   it, `settle` pays the registered state out, once.
/// - Resume: while a close is pending, both members may call `resume`; when both have, the channel is open again from
///   the registered state (the latest after challenges), which becomes the lowest version any later close may use.
interface IPaymentChannels {
    /// @notice Channel states.
    enum ChannelStatus {
        None,
        Open,
        Closing,
        Closed
    }

    /// @notice A co-signed balance state (the EIP-712 `ChannelState` struct).
    struct State {
        bytes32 channelId;
        uint64 version;
        uint256 balanceA;
        uint256 balanceB;
        uint256 depositA;
        uint256 depositB;
        bool isFinal;
        /// The settlement batch this state's update pays (zero: none).
        bytes32 batchId;
    }

    struct Channel {
        address memberA;
        address memberB;
        address token;
        uint32 challengePeriod;
        ChannelStatus status;
        uint64 closesAt;
        /// The registered state's version: the lowest version a close may use (after a resume) or the pending close's.
        uint64 version;
        bool resumeA;
        bool resumeB;
        uint256 depositA;
        uint256 depositB;
        /// The registered state (while closing, or the base of a resumed channel).
        uint256 balanceA;
        uint256 balanceB;
        uint256 stateDepositA;
        uint256 stateDepositB;
    }

    /// @notice Thrown when the caller's account is not bound to a member holding MOBILE_OPERATOR.
    error NotAnOperator(address account);
    /// @notice Thrown when the caller's member is not one of the channel's two members.
    error NotChannelMember(bytes32 channelId, address account);
    /// @notice Thrown when no channel has this id.
    error UnknownChannel(bytes32 channelId);
    /// @notice Thrown when a channel with this id exists already (the salt was used by this pair).
    error ChannelExists(bytes32 channelId);
    /// @notice Thrown when the channel is not in the state the step needs.
    error WrongStatus(bytes32 channelId, ChannelStatus status);
    /// @notice Thrown when an argument is out of range; names the argument.
    error InvalidArgument(string name);
    /// @notice Thrown when a state's signature is not by an account bound to the member it must be by.
    error BadSignature(bytes32 channelId, address expectedMember, address signer);
    /// @notice Thrown when a state's balances do not sum to the deposits it accounts for, or it accounts for more than
    /// was deposited.
    error SumMismatch(bytes32 channelId, uint256 balances, uint256 deposits);
    /// @notice Thrown when a state's version is not above (challenge) or at least (close) the registered version.
    error StaleVersion(bytes32 channelId, uint64 version, uint64 registered);
    /// @notice Thrown when a cooperative close is given a state not marked final.
    error NotFinal(bytes32 channelId, uint64 version);
    /// @notice Thrown when a challenge comes after the challenge period, or a settle before its end.
    error ChallengePeriod(bytes32 channelId, uint64 closesAt, uint64 now_);

    /// @notice Emitted when a channel is opened.
    event ChannelOpened(
        bytes32 indexed channelId,
        address indexed memberA,
        address indexed memberB,
        address token,
        bytes32 salt,
        uint32 challengePeriod
    );
    /// @notice Emitted when a member deposits; gives the channel's deposits after it.
    event ChannelDeposited(
        bytes32 indexed channelId,
        address indexed member,
        uint256 amount,
        uint256 depositA,
        uint256 depositB
    );
    /// @notice Emitted when a member starts a unilateral close with a state.
    event ChannelClosing(
        bytes32 indexed channelId,
        address indexed closer,
        uint64 version,
        uint256 balanceA,
        uint256 balanceB,
        uint64 closesAt
    );
    /// @notice Emitted when a higher co-signed version replaces the registered state during the challenge period.
    event ChannelChallenged(
        bytes32 indexed channelId,
        address indexed challenger,
        uint64 version,
        uint256 balanceA,
        uint256 balanceB
    );
    /// @notice Emitted when one member asks to resume a closing channel (`resumed` once both have).
    event ChannelResumeRequested(bytes32 indexed channelId, address indexed member, bool resumed, uint64 version);
    /// @notice Emitted when a channel pays out: `payoutA`/`payoutB` include deposits made after the paid state.
    event ChannelSettled(bytes32 indexed channelId, uint64 version, uint256 payoutA, uint256 payoutB, bool cooperative);

    /// @notice The shortest and longest challenge periods a channel may have, in seconds.
    // solhint-disable-next-line func-name-mixedcase
    function MIN_CHALLENGE() external view returns (uint32);
    // solhint-disable-next-line func-name-mixedcase
    function MAX_CHALLENGE() external view returns (uint32);

    /// @notice The id a channel opened by `memberA` with `memberB` in `token` under `salt` gets.
    function channelIdOf(address memberA, address memberB, address token, bytes32 salt) external view returns (bytes32);

    /// @notice The longest Merkle proof a batch signature may carry (2^16 states in one exchange).
    function MAX_PROOF() external view returns (uint256);

    /// @notice The EIP-712 digest both members sign for `state`.
    function stateDigest(State calldata state) external view returns (bytes32);

    /// @notice The EIP-712 digest of `ChannelStateBatch(bytes32 channelId, bytes32 root)`: what a member signs once for
    /// all the states of one exchange, `root` being the sorted-pair Merkle root over their `stateDigest`s.
    function batchDigest(bytes32 channelId, bytes32 root) external view returns (bytes32);

    /// @notice Opens a channel between the caller's member (A) and `counterparty` (B).
    /// Requirements: both hold MOBILE_OPERATOR and differ; token non-zero; challengePeriod in range; id unused.
    /// Emits ChannelOpened.
    function openChannel(
        address counterparty,
        address token,
        bytes32 salt,
        uint32 challengePeriod
    ) external returns (bytes32 channelId);

    /// @notice Moves `amount` of the channel's token from the caller's account into the channel, for its member.
    /// Requirements: the caller's member is A or B; the channel is Open; amount > 0. Emits ChannelDeposited.
    function deposit(bytes32 channelId, uint256 amount) external;

    /// @notice Closes at once with a final state both signed, paying A and B.
    /// Requirements: caller is A or B; channel Open or Closing; isFinal; version at least the registered one; both
    /// signatures; balances sum to the state's deposits, each within the deposits made. Emits ChannelSettled.
    function closeCooperatively(State calldata state, bytes calldata sigA, bytes calldata sigB) external;

    /// @notice Starts a unilateral close with `state` (version 0 unsigned: the deposits as they are).
    /// Requirements: caller is A or B; channel Open; version at least the registered one; signatures as above.
    /// Emits ChannelClosing.
    function startClose(State calldata state, bytes calldata sigA, bytes calldata sigB) external;

    /// @notice Replaces the registered state with a higher co-signed version during the challenge period.
    /// Requirements: caller is A or B; channel Closing; before closesAt; version above the registered one.
    /// Emits ChannelChallenged.
    function challenge(State calldata state, bytes calldata sigA, bytes calldata sigB) external;

    /// @notice Pays out the registered state once the challenge period has passed.
    /// Requirements: caller is A or B; channel Closing; at or after closesAt. Emits ChannelSettled.
    function settle(bytes32 channelId) external;

    /// @notice Asks to reopen a closing channel from its registered state; it reopens once both members asked.
    /// Requirements: caller is A or B; channel Closing. Emits ChannelResumeRequested.
    function resume(bytes32 channelId) external;

    /// @notice Checks that `state` is co-signed by both members of its channel (signatures as for a close; balances sum
    /// to the state's deposits, each within the deposits made) and answers the channel's members and token. Reverts
    /// UnknownChannel, SumMismatch or BadSignature otherwise. Used by RoamingSettlement to learn which batch a channel
    /// paid.
    function checkState(
        State calldata state,
        bytes calldata sigA,
        bytes calldata sigB
    ) external view returns (address memberA, address memberB, address token);

    /// @notice The channel's record.
    function channel(bytes32 channelId) external view returns (Channel memory);

    /// @notice The contract's version.
    function version() external pure returns (string memory);
}
