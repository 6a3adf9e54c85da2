// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Fraud signals between operators: the reporter alone clears its signal, the number holder's operator alone
// challenges it, both checked here. See IFraudSignals.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IFraudSignals} from "./IFraudSignals.sol";

contract FraudSignals is IFraudSignals {
    /// @notice Longest life of a signal.
    uint64 public constant MAX_TTL = 365 days;

    IConsortiumRegistry private immutable CONSORTIUM;

    mapping(bytes32 signalId => Signal) private _signals;

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc IFraudSignals
    function report(
        bytes32 subject,
        SignalKind kind,
        uint8 confidence,
        bytes32 evidence,
        uint64 expiresAt,
        address holder,
        bytes32 salt
    ) external returns (bytes32 signalId) {
        if (!_isOperator(msg.sender)) revert NotAnOperator(msg.sender);
        address reporter = CONSORTIUM.memberOf(msg.sender);
        if (subject == bytes32(0)) revert EmptySubject();
        if (confidence == 0 || confidence > 100) revert ConfidenceOutOfRange(confidence);
        uint64 latest = uint64(block.timestamp) + MAX_TTL;
        if (expiresAt <= block.timestamp || expiresAt > latest) revert ExpiryOutOfRange(expiresAt, latest);
        if (holder != address(0) && (CONSORTIUM.memberOf(holder) != holder || !_isOperator(holder))) {
            revert NotACarrier(holder);
        }
        signalId = keccak256(abi.encode(block.chainid, address(this), reporter, subject, kind, evidence, salt));
        Signal storage s = _signals[signalId];
        if (s.state != SignalState.None) revert SignalIdTaken(signalId);
        s.reporter = reporter;
        s.holder = holder;
        s.kind = kind;
        s.state = SignalState.Active;
        s.confidence = confidence;
        s.reportedAt = uint64(block.timestamp);
        s.expiresAt = expiresAt;
        s.subject = subject;
        s.evidence = evidence;
        emit SignalReported(signalId, reporter, subject, kind, confidence, evidence, expiresAt, holder);
    }

    /// @inheritdoc IFraudSignals
    function challenge(bytes32 signalId, bytes32 evidence) external {
        Signal storage s = _known(signalId);
        address caller = CONSORTIUM.memberOf(msg.sender);
        bool holderOperator = s.holder == address(0) ? caller != s.reporter : caller == s.holder;
        if (!holderOperator || !_isOperator(msg.sender)) revert NotHolderOperator(signalId, msg.sender, s.holder);
        if (s.state != SignalState.Active) revert InvalidSignalState(signalId, s.state);
        if (block.timestamp >= s.expiresAt) revert SignalExpired(signalId, s.expiresAt);
        s.state = SignalState.Challenged;
        emit SignalChallenged(signalId, caller, evidence);
    }

    /// @inheritdoc IFraudSignals
    function clear(bytes32 signalId) external {
        Signal storage s = _known(signalId);
        if (CONSORTIUM.memberOf(msg.sender) != s.reporter || !_isOperator(msg.sender)) {
            revert NotSignalReporter(signalId, msg.sender, s.reporter);
        }
        if (s.state == SignalState.Cleared) revert InvalidSignalState(signalId, s.state);
        s.state = SignalState.Cleared;
        emit SignalCleared(signalId, s.reporter);
    }

    /// @inheritdoc IFraudSignals
    function signalOf(bytes32 signalId) external view returns (Signal memory) {
        return _known(signalId);
    }

    /// @inheritdoc IFraudSignals
    function isLive(bytes32 signalId) external view returns (bool) {
        Signal storage s = _signals[signalId];
        return (s.state == SignalState.Active || s.state == SignalState.Challenged) && block.timestamp < s.expiresAt;
    }

    /// @inheritdoc IFraudSignals
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    function _known(bytes32 signalId) private view returns (Signal storage s) {
        s = _signals[signalId];
        if (s.state == SignalState.None) revert UnknownSignal(signalId);
    }

    function _isOperator(address account) private view returns (bool) {
        return
            CONSORTIUM.hasRole(account, Roles.TNSP) ||
            CONSORTIUM.hasRole(account, Roles.OSP) ||
            CONSORTIUM.hasRole(account, Roles.MOBILE_OPERATOR);
    }
}
