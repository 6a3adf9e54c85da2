// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IFraudSignals
/// @notice Fraud signals shared between operators (members holding TNSP, OSP or MOBILE_OPERATOR): a number used for
/// Wangiri (one-ring) fraud, in a robocall campaign or for SIM-box bypass, or a SIM swap or port-out event on it, with
/// a hash of the evidence, a confidence (1 to 100) and an expiry. Only its reporter clears a signal; the operator of
/// the number's holder (named by the reporter) may challenge it with its own evidence. A signal counts until it is
/// cleared or expires; a challenged signal still counts, marked as disputed.
/// @dev The number is named by `subject`, a keyed hash (the consortium key, HMAC-SHA256) of it: numbers are low
/// entropy and never hashed bare. Ids derive from content and reporter.
interface IFraudSignals {
    /// @notice What a signal says about its subject.
    enum SignalKind {
        Wangiri,
        RobocallCampaign,
        SimBox,
        SimSwap,
        PortOut
    }

    /// @notice Where a signal stands. `None` is never stored for a signal that exists.
    enum SignalState {
        None,
        Active,
        Challenged,
        Cleared
    }

    /// @notice A signal as stored.
    struct Signal {
        address reporter;
        address holder;
        SignalKind kind;
        SignalState state;
        uint8 confidence;
        uint64 reportedAt;
        uint64 expiresAt;
        bytes32 subject;
        bytes32 evidence;
    }

    event SignalReported(
        bytes32 indexed signalId,
        address indexed reporter,
        bytes32 indexed subject,
        SignalKind kind,
        uint8 confidence,
        bytes32 evidence,
        uint64 expiresAt,
        address holder
    );
    event SignalChallenged(bytes32 indexed signalId, address indexed challenger, bytes32 evidence);
    event SignalCleared(bytes32 indexed signalId, address indexed reporter);

    /// @notice A constructor address is zero.
    error ZeroAddress();
    /// @notice `account` does not act for a member holding an operator role (TNSP, OSP, MOBILE_OPERATOR).
    error NotAnOperator(address account);
    /// @notice `holder`, named as the number holder's operator, is not a member holding an operator role.
    error NotACarrier(address holder);
    /// @notice The subject is zero.
    error EmptySubject();
    /// @notice `confidence` is not within 1..100.
    error ConfidenceOutOfRange(uint8 confidence);
    /// @notice `expiresAt` is not within (now, now + max].
    error ExpiryOutOfRange(uint64 expiresAt, uint64 latest);
    /// @notice A signal with this id exists: choose another salt.
    error SignalIdTaken(bytes32 signalId);
    /// @notice No signal has this id.
    error UnknownSignal(bytes32 signalId);
    /// @notice `caller` does not act for the signal's reporter.
    error NotSignalReporter(bytes32 signalId, address caller, address reporter);
    /// @notice `caller` does not act for the number holder's operator `holder` (zero: any operator but the reporter).
    error NotHolderOperator(bytes32 signalId, address caller, address holder);
    /// @notice The signal is in `state`, where this step is not allowed.
    error InvalidSignalState(bytes32 signalId, SignalState state);
    /// @notice The signal expired at `expiresAt`.
    error SignalExpired(bytes32 signalId, uint64 expiresAt);

    /// @notice Reports a signal about `subject` for the caller's member (an operator); `holder` is the member operating
    /// the number's holder (zero when not a member). Expires at `expiresAt` (at most MAX_TTL ahead).
    /// @return signalId keccak256(abi.encode(chainid, this, reporter, subject, kind, evidence, salt)).
    function report(
        bytes32 subject,
        SignalKind kind,
        uint8 confidence,
        bytes32 evidence,
        uint64 expiresAt,
        address holder,
        bytes32 salt
    ) external returns (bytes32 signalId);

    /// @notice The number holder's operator disputes a live signal with its `evidence` (Active -> Challenged).
    function challenge(bytes32 signalId, bytes32 evidence) external;

    /// @notice The reporter withdraws its signal (Active or Challenged -> Cleared).
    function clear(bytes32 signalId) external;

    /// @notice Signal `signalId`; reverts UnknownSignal when there is none.
    function signalOf(bytes32 signalId) external view returns (Signal memory);

    /// @notice Whether the signal exists, is not cleared, and has not expired.
    function isLive(bytes32 signalId) external view returns (bool);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
