// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title ITraceback
/// @notice Robocall traceback on the ledger, hop by hop. An operator (a member holding TNSP, OSP or MOBILE_OPERATOR;
/// usually the terminating carrier) opens a trace about one call, naming the carrier it received the call from. The
/// carrier asked answers with the carrier it received the call from (its upstream hop), which is then asked in turn,
/// or with "originated here" (upstream zero), which ends the trace at the origin. Only the carrier currently asked
/// may answer, each within its hop window; a carrier that lets its deadline pass is recorded as not answering and the
/// trace stops there, visibly.
/// @dev The call is named by `callDigest`: a keyed hash (the consortium key, HMAC-SHA256) of its identifiers (the
/// PASSporT's origid, calling and called numbers, time); numbers are low entropy and never hashed bare, so the chain
/// shows which carriers were in the path, not which numbers called. Ids derive from content and requester.
interface ITraceback {
    /// @notice Where a trace stands. `None` is never stored for a trace that exists.
    enum TraceState {
        None,
        Open,
        Completed,
        Unanswered
    }

    /// @notice A trace as stored. `asked` is the carrier asked now (Open), the origin (Completed) or the carrier that
    /// did not answer in time (Unanswered).
    struct Trace {
        address requester;
        TraceState state;
        uint8 attestation;
        uint8 hops;
        uint32 hopWindow;
        uint64 openedAt;
        uint64 askedAt;
        address asked;
        bytes32 callDigest;
    }

    /// @notice `requester` opened a trace of the call `callDigest` and asks `firstHop` by `deadline`.
    event TraceOpened(
        bytes32 indexed traceId,
        address indexed requester,
        address indexed firstHop,
        bytes32 callDigest,
        uint8 attestation,
        uint32 hopWindow,
        uint64 deadline
    );
    /// @notice `carrier` answered: it received the call from `upstream` (zero: originated here), with `evidence` (a
    /// hash of its own records). A non-zero upstream is asked next, by `nextDeadline`.
    event HopAnswered(
        bytes32 indexed traceId,
        address indexed carrier,
        address indexed upstream,
        bytes32 evidence,
        uint64 nextDeadline
    );
    /// @notice The trace reached the carrier where the call originated.
    event TraceCompleted(bytes32 indexed traceId, address indexed origin);
    /// @notice `carrier` did not answer by `deadline`: the trace stops there.
    event HopUnanswered(bytes32 indexed traceId, address indexed carrier, uint64 deadline);

    /// @notice A number of a confirmed robocall campaign flagged to its holder's vetter. The number is named by its
    /// keyed hash (`subject`, HMAC-SHA256 under the consortium key, "tn:" + number); the holder and the vetter are
    /// EIDL organisations (identity addresses), the vetter's member is the one that acknowledges. No personal data.
    struct VetterFlag {
        bytes32 traceId;
        address flagger;
        bytes32 subject;
        address holder;
        address vetter;
        address vetterMember;
        bytes32 evidence;
        uint64 flaggedAt;
        uint64 acknowledgedAt;
    }

    /// @notice `flagger` (the trace's requester or its origin) flagged number `subject`, held by organisation
    /// `holder`, to that organisation's vetter `vetter` (acknowledged by member `vetterMember`), after trace `traceId`
    /// completed.
    event VetterFlagged(
        bytes32 indexed flagId,
        bytes32 indexed traceId,
        address indexed vetterMember,
        address flagger,
        bytes32 subject,
        address holder,
        address vetter,
        bytes32 evidence
    );
    /// @notice The vetter's member acknowledged the flag.
    event VetterFlagAcknowledged(bytes32 indexed flagId, address indexed vetterMember);

    /// @notice What the terminating carrier's agent read from the call's verified SHAKEN PASSporT: its `origid` (a
    /// random UUID the originating provider assigned; no personal data), the SPC of the TNAuthList in the STI
    /// certificate that signed it, and the SHA-256 of that certificate (DER). `originProvider` is the member that
    /// registered the SPC (zero when no member did), resolved by this contract, not asserted by the requester.
    struct PassportFacts {
        bytes16 origid;
        bytes32 spc;
        bytes32 certificate;
    }

    /// @notice A trace's PASSporT facts as stored, with the originating provider the SPC names.
    struct Certification {
        bytes16 origid;
        bytes32 spc;
        bytes32 certificate;
        address originProvider;
    }

    /// @notice `member` registered the Service Provider Code `spc` (ASCII, right-padded with zero bytes).
    event SpcRegistered(bytes32 indexed spc, address indexed member);
    /// @notice The trace `traceId` was opened from a verified PASSporT: its certificate names `spc`, which
    /// `originProvider` registered (zero: no member did).
    event TraceCertified(
        bytes32 indexed traceId,
        bytes32 indexed spc,
        address indexed originProvider,
        bytes16 origid,
        bytes32 certificate
    );

    /// @notice The SPC is zero.
    error EmptySpc();
    /// @notice `holder`, another member, registered `spc` first.
    error SpcTaken(bytes32 spc, address holder);
    /// @notice A PASSporT fact is zero, or the attestation is none: a trace from a PASSporT needs all of them.
    error IncompletePassport(bytes16 origid, bytes32 spc, bytes32 certificate, uint8 attestation);

    /// @notice A constructor address is zero.
    error ZeroAddress();
    /// @notice `account` does not act for a member holding an operator role (TNSP, OSP, MOBILE_OPERATOR).
    error NotAnOperator(address account);
    /// @notice `carrier`, named as a hop, is not a member holding an operator role.
    error NotACarrier(address carrier);
    /// @notice The call digest is zero.
    error EmptyCallDigest();
    /// @notice `attestation` is not 0 (none), 1 (A), 2 (B) or 3 (C).
    error InvalidAttestation(uint8 attestation);
    /// @notice The hop window is outside [min, max] seconds.
    error HopWindowOutOfRange(uint32 window, uint32 min, uint32 max);
    /// @notice A trace with this id exists: choose another salt.
    error TraceIdTaken(bytes32 traceId);
    /// @notice No trace has this id.
    error UnknownTrace(bytes32 traceId);
    /// @notice The trace is in `state`, no longer open.
    error TraceNotOpen(bytes32 traceId, TraceState state);
    /// @notice `caller` acts for no carrier in the trace's path.
    error NotInPath(bytes32 traceId, address caller);
    /// @notice `caller` is in the path but the carrier asked now is `asked`.
    error NotAskedCarrier(bytes32 traceId, address caller, address asked);
    /// @notice `carrier` answers after its deadline.
    error HopDeadlinePassed(bytes32 traceId, address carrier, uint64 deadline);
    /// @notice The carrier asked still has until `deadline` to answer.
    error HopNotOverdue(bytes32 traceId, address carrier, uint64 deadline);
    /// @notice `upstream` is already in the path (a loop).
    error AlreadyInPath(bytes32 traceId, address upstream);
    /// @notice The path reached `max` carriers.
    error TooManyHops(bytes32 traceId, uint256 max);
    /// @notice A number can be flagged to its vetter only once its trace completed (the campaign's origin confirmed).
    error TraceNotCompleted(bytes32 traceId, TraceState state);
    /// @notice Only the trace's requester or its origin carrier may flag a number of it.
    error NotTraceParty(bytes32 traceId, address caller);
    /// @notice A flag needs a subject, a holder, a vetter and the vetter's member (a consortium member).
    error IncompleteFlag(bytes32 subject, address holder, address vetter, address vetterMember);
    /// @notice This flagger already flagged this number of this trace to this vetter.
    error FlagExists(bytes32 flagId);
    /// @notice No flag with this id.
    error UnknownFlag(bytes32 flagId);
    /// @notice Only the member of the vetter flagged acknowledges.
    error NotFlagVetter(bytes32 flagId, address caller, address vetterMember);
    /// @notice The flag was already acknowledged.
    error FlagAlreadyAcknowledged(bytes32 flagId);

    /// @notice Opens a trace of the call `callDigest` (attestation 0 none, 1 A, 2 B, 3 C, from its PASSporT) and asks
    /// `firstHop`, the carrier the caller's member received the call from. Each hop has `hopWindow` seconds.
    /// @return traceId keccak256(abi.encode(chainid, this, requester, callDigest, salt)).
    function open(
        bytes32 callDigest,
        uint8 attestation,
        address firstHop,
        uint32 hopWindow,
        bytes32 salt
    ) external returns (bytes32 traceId);

    /// @notice Like `open`, for a call whose SHAKEN PASSporT the caller's agent verified: records its `origid`, the
    /// SPC and hash of the certificate that signed it, and the originating provider (the member that registered the
    /// SPC), so the path the carriers answer can be compared with the provider that signed the call.
    function openCertified(
        bytes32 callDigest,
        uint8 attestation,
        address firstHop,
        uint32 hopWindow,
        bytes32 salt,
        PassportFacts calldata passport
    ) external returns (bytes32 traceId);

    /// @notice The caller's member (an operator) registers its Service Provider Code, the SPC its STI certificates'
    /// TNAuthList carries. First come: an SPC another member holds is refused SpcTaken; registering one's own again
    /// changes nothing. Trade-off: nothing on chain checks the STI-CA issued that SPC to this member (the certificate
    /// is off chain); a false claim is attributable to its member.
    function registerSpc(bytes32 spc) external;

    /// @notice The member that registered `spc`, or zero.
    function spcHolderOf(bytes32 spc) external view returns (address);

    /// @notice The PASSporT facts of trace `traceId` (all zero for a trace opened without one); reverts UnknownTrace.
    function certificationOf(bytes32 traceId) external view returns (Certification memory);

    /// @notice The carrier asked now answers: it received the call from `upstream` (an operator member not yet in the
    /// path, asked next), or zero when the call originated on its network (the trace is completed).
    function answer(bytes32 traceId, address upstream, bytes32 evidence) external;

    /// @notice Records that the carrier asked let its deadline pass (any operator may record it, after the deadline).
    function markUnanswered(bytes32 traceId) external;

    /// @notice Trace `traceId`; reverts UnknownTrace when there is none.
    function traceOf(bytes32 traceId) external view returns (Trace memory);

    /// @notice The trace's path: the requester, then each carrier asked, in order.
    function pathOf(bytes32 traceId) external view returns (address[] memory);

    /// @notice The id `requester` gets for a trace of `callDigest` with `salt`.
    function traceIdOf(address requester, bytes32 callDigest, bytes32 salt) external view returns (bytes32);

    /// @notice The contract's version, "1.2.0".
    /// @notice Flags number `subject` of completed trace `traceId` to `vetter`, the vetter of its holder organisation
    /// `holder`, acknowledged by `vetterMember`. Only the trace's requester or origin (acting for its member, with an
    /// operator role). Reverts `UnknownTrace`, `TraceNotCompleted`, `NotTraceParty`, `IncompleteFlag` (a zero field, or
    /// a vetter member that is no consortium member), `FlagExists`.
    /// @dev Id: keccak256(abi.encode(chainId, this, flagger member, traceId, subject, vetter)), see `flagIdOf`.
    /// Trade-off: the contract cannot check that `holder` holds the number or `vetter` vetted it (the number and the
    /// EIDL records are not read here); the flag is attributable to its flagger.
    function flagToVetter(
        bytes32 traceId,
        bytes32 subject,
        address holder,
        address vetter,
        address vetterMember,
        bytes32 evidence
    ) external returns (bytes32 flagId);

    /// @notice The vetter's member acknowledges a flag. Reverts `UnknownFlag`, `NotFlagVetter`,
    /// `FlagAlreadyAcknowledged`.
    function acknowledgeFlag(bytes32 flagId) external;

    /// @notice A flag; reverts `UnknownFlag`.
    function flagOf(bytes32 flagId) external view returns (VetterFlag memory);

    /// @notice The id a flag by `flagger` (a member) would get.
    function flagIdOf(
        address flagger,
        bytes32 traceId,
        bytes32 subject,
        address vetter
    ) external view returns (bytes32);

    function version() external view returns (string memory);
}
