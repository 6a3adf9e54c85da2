// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Robocall traceback hop by hop: only the carrier asked now answers, within its window, so no carrier can write
// another's hop and a silent carrier is visible. See ITraceback.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {ITraceback} from "./ITraceback.sol";

contract Traceback is ITraceback {
    /// @notice Most carriers in one path, the requester included.
    uint256 public constant MAX_HOPS = 16;
    /// @notice Bounds of the time each carrier has to answer.
    uint32 public constant MIN_HOP_WINDOW = 1 minutes;
    uint32 public constant MAX_HOP_WINDOW = 7 days;

    IConsortiumRegistry private immutable CONSORTIUM;

    mapping(bytes32 traceId => Trace) private _traces;
    mapping(bytes32 traceId => address[]) private _paths;
    mapping(bytes32 traceId => mapping(address carrier => bool)) private _inPath;
    mapping(bytes32 traceId => Certification) private _certifications;
    mapping(bytes32 spc => address member) private _spcHolders;
    mapping(bytes32 flagId => VetterFlag) private _flags;

    constructor(IConsortiumRegistry consortium_) {
        if (address(consortium_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
    }

    /// @inheritdoc ITraceback
    function open(
        bytes32 callDigest,
        uint8 attestation,
        address firstHop,
        uint32 hopWindow,
        bytes32 salt
    ) external returns (bytes32 traceId) {
        traceId = _openTrace(callDigest, attestation, firstHop, hopWindow, salt);
    }

    /// @inheritdoc ITraceback
    function openCertified(
        bytes32 callDigest,
        uint8 attestation,
        address firstHop,
        uint32 hopWindow,
        bytes32 salt,
        PassportFacts calldata passport
    ) external returns (bytes32 traceId) {
        if (
            passport.origid == bytes16(0) ||
            passport.spc == bytes32(0) ||
            passport.certificate == bytes32(0) ||
            attestation == 0
        ) {
            revert IncompletePassport(passport.origid, passport.spc, passport.certificate, attestation);
        }
        traceId = _openTrace(callDigest, attestation, firstHop, hopWindow, salt);
        address originProvider = _spcHolders[passport.spc];
        _certifications[traceId] = Certification(passport.origid, passport.spc, passport.certificate, originProvider);
        emit TraceCertified(traceId, passport.spc, originProvider, passport.origid, passport.certificate);
    }

    /// @inheritdoc ITraceback
    function registerSpc(bytes32 spc) external {
        address member = _operatorOf(msg.sender);
        if (spc == bytes32(0)) revert EmptySpc();
        address holder = _spcHolders[spc];
        if (holder == member) return;
        if (holder != address(0)) revert SpcTaken(spc, holder);
        _spcHolders[spc] = member;
        emit SpcRegistered(spc, member);
    }

    /// @inheritdoc ITraceback
    function spcHolderOf(bytes32 spc) external view returns (address) {
        return _spcHolders[spc];
    }

    /// @inheritdoc ITraceback
    function certificationOf(bytes32 traceId) external view returns (Certification memory) {
        _known(traceId);
        return _certifications[traceId];
    }

    function _openTrace(
        bytes32 callDigest,
        uint8 attestation,
        address firstHop,
        uint32 hopWindow,
        bytes32 salt
    ) private returns (bytes32 traceId) {
        address requester = _operatorOf(msg.sender);
        if (callDigest == bytes32(0)) revert EmptyCallDigest();
        if (attestation > 3) revert InvalidAttestation(attestation);
        if (hopWindow < MIN_HOP_WINDOW || hopWindow > MAX_HOP_WINDOW) {
            revert HopWindowOutOfRange(hopWindow, MIN_HOP_WINDOW, MAX_HOP_WINDOW);
        }
        traceId = _traceIdOf(requester, callDigest, salt);
        Trace storage t = _traces[traceId];
        if (t.state != TraceState.None) revert TraceIdTaken(traceId);
        if (firstHop == requester) revert AlreadyInPath(traceId, firstHop);
        _requireCarrier(firstHop);
        t.requester = requester;
        t.state = TraceState.Open;
        t.attestation = attestation;
        t.hopWindow = hopWindow;
        t.openedAt = uint64(block.timestamp);
        t.callDigest = callDigest;
        _append(traceId, t, requester);
        _ask(traceId, t, firstHop);
        emit TraceOpened(traceId, requester, firstHop, callDigest, attestation, hopWindow, _deadline(t));
    }

    /// @inheritdoc ITraceback
    function answer(bytes32 traceId, address upstream, bytes32 evidence) external {
        Trace storage t = _open(traceId);
        address carrier = CONSORTIUM.memberOf(msg.sender);
        if (carrier == address(0) || !_inPath[traceId][carrier]) revert NotInPath(traceId, msg.sender);
        if (carrier != t.asked || !_isOperator(msg.sender)) revert NotAskedCarrier(traceId, msg.sender, t.asked);
        uint64 deadline = _deadline(t);
        if (block.timestamp > deadline) revert HopDeadlinePassed(traceId, carrier, deadline);
        if (upstream == address(0)) {
            t.state = TraceState.Completed;
            emit HopAnswered(traceId, carrier, address(0), evidence, 0);
            emit TraceCompleted(traceId, carrier);
            return;
        }
        if (_inPath[traceId][upstream]) revert AlreadyInPath(traceId, upstream);
        _requireCarrier(upstream);
        if (t.hops >= MAX_HOPS) revert TooManyHops(traceId, MAX_HOPS);
        _ask(traceId, t, upstream);
        emit HopAnswered(traceId, carrier, upstream, evidence, _deadline(t));
    }

    /// @inheritdoc ITraceback
    function markUnanswered(bytes32 traceId) external {
        _operatorOf(msg.sender);
        Trace storage t = _open(traceId);
        uint64 deadline = _deadline(t);
        if (block.timestamp <= deadline) revert HopNotOverdue(traceId, t.asked, deadline);
        t.state = TraceState.Unanswered;
        emit HopUnanswered(traceId, t.asked, deadline);
    }

    /// @inheritdoc ITraceback
    function flagToVetter(
        bytes32 traceId,
        bytes32 subject,
        address holder,
        address vetter,
        address vetterMember,
        bytes32 evidence
    ) external returns (bytes32 flagId) {
        Trace storage t = _known(traceId);
        if (t.state != TraceState.Completed) revert TraceNotCompleted(traceId, t.state);
        address flagger = CONSORTIUM.memberOf(msg.sender);
        if (flagger == address(0) || (flagger != t.requester && flagger != t.asked) || !_isOperator(msg.sender)) {
            revert NotTraceParty(traceId, msg.sender);
        }
        if (
            subject == bytes32(0) ||
            holder == address(0) ||
            vetter == address(0) ||
            vetterMember == address(0) ||
            CONSORTIUM.memberOf(vetterMember) != vetterMember
        ) {
            revert IncompleteFlag(subject, holder, vetter, vetterMember);
        }
        flagId = _flagIdOf(flagger, traceId, subject, vetter);
        VetterFlag storage f = _flags[flagId];
        if (f.flaggedAt != 0) revert FlagExists(flagId);
        f.traceId = traceId;
        f.flagger = flagger;
        f.subject = subject;
        f.holder = holder;
        f.vetter = vetter;
        f.vetterMember = vetterMember;
        f.evidence = evidence;
        f.flaggedAt = uint64(block.timestamp);
        emit VetterFlagged(flagId, traceId, vetterMember, flagger, subject, holder, vetter, evidence);
    }

    /// @inheritdoc ITraceback
    function acknowledgeFlag(bytes32 flagId) external {
        VetterFlag storage f = _knownFlag(flagId);
        if (CONSORTIUM.memberOf(msg.sender) != f.vetterMember) revert NotFlagVetter(flagId, msg.sender, f.vetterMember);
        if (f.acknowledgedAt != 0) revert FlagAlreadyAcknowledged(flagId);
        f.acknowledgedAt = uint64(block.timestamp);
        emit VetterFlagAcknowledged(flagId, f.vetterMember);
    }

    /// @inheritdoc ITraceback
    function flagOf(bytes32 flagId) external view returns (VetterFlag memory) {
        return _knownFlag(flagId);
    }

    /// @inheritdoc ITraceback
    function flagIdOf(
        address flagger,
        bytes32 traceId,
        bytes32 subject,
        address vetter
    ) external view returns (bytes32) {
        return _flagIdOf(flagger, traceId, subject, vetter);
    }

    /// @inheritdoc ITraceback
    function traceOf(bytes32 traceId) external view returns (Trace memory) {
        return _known(traceId);
    }

    /// @inheritdoc ITraceback
    function pathOf(bytes32 traceId) external view returns (address[] memory) {
        _known(traceId);
        return _paths[traceId];
    }

    /// @inheritdoc ITraceback
    function traceIdOf(address requester, bytes32 callDigest, bytes32 salt) external view returns (bytes32) {
        return _traceIdOf(requester, callDigest, salt);
    }

    /// @inheritdoc ITraceback
    function version() external pure returns (string memory) {
        return "1.2.0";
    }

    function _traceIdOf(address requester, bytes32 callDigest, bytes32 salt) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), requester, callDigest, salt));
    }

    function _flagIdOf(
        address flagger,
        bytes32 traceId,
        bytes32 subject,
        address vetter
    ) private view returns (bytes32) {
        return keccak256(abi.encode(block.chainid, address(this), flagger, traceId, subject, vetter));
    }

    function _knownFlag(bytes32 flagId) private view returns (VetterFlag storage f) {
        f = _flags[flagId];
        if (f.flaggedAt == 0) revert UnknownFlag(flagId);
    }

    function _known(bytes32 traceId) private view returns (Trace storage t) {
        t = _traces[traceId];
        if (t.state == TraceState.None) revert UnknownTrace(traceId);
    }

    function _open(bytes32 traceId) private view returns (Trace storage t) {
        t = _known(traceId);
        if (t.state != TraceState.Open) revert TraceNotOpen(traceId, t.state);
    }

    function _ask(bytes32 traceId, Trace storage t, address carrier) private {
        _append(traceId, t, carrier);
        t.asked = carrier;
        t.askedAt = uint64(block.timestamp);
    }

    function _append(bytes32 traceId, Trace storage t, address carrier) private {
        _paths[traceId].push(carrier);
        _inPath[traceId][carrier] = true;
        t.hops += 1;
    }

    function _deadline(Trace storage t) private view returns (uint64) {
        return t.askedAt + t.hopWindow;
    }

    // The member `account` acts for, when `account` holds an operator role; reverts NotAnOperator otherwise.
    function _operatorOf(address account) private view returns (address member) {
        if (!_isOperator(account)) revert NotAnOperator(account);
        member = CONSORTIUM.memberOf(account);
    }

    function _isOperator(address account) private view returns (bool) {
        return
            CONSORTIUM.hasRole(account, Roles.TNSP) ||
            CONSORTIUM.hasRole(account, Roles.OSP) ||
            CONSORTIUM.hasRole(account, Roles.MOBILE_OPERATOR);
    }

    // A hop is named by its member address: a member (not a bound account) holding an operator role.
    function _requireCarrier(address carrier) private view {
        if (carrier == address(0) || CONSORTIUM.memberOf(carrier) != carrier || !_isOperator(carrier)) {
            revert NotACarrier(carrier);
        }
    }
}
