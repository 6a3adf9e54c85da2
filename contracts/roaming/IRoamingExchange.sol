// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IRoamingExchange
/// @notice The roaming authentication exchange of EEA use case 1A, in batches: the visited operator (VPMN) records
/// authentication requests addressed to a home operator (HPMN), the HPMN records its answers, the VPMN records what it
/// activated. Payloads are opaque ciphertexts (JWE compact, ECDH-ES) addressed to the other operator and live only in
/// events; the contract stores per request only what it must check: the two operators, the expiry and the state (one
/// storage slot). Other members learn that two operators exchanged a request, and when; nothing that lets them learn
/// or test an IMSI (the pseudonym is keyed by a secret only the two operators share).
/// @dev Batch semantics: a batch reverts as a whole, with an error naming the item's index, for anything the caller
/// got wrong (wrong party, unknown or duplicate request, malformed item). Items that only the clock or an earlier
/// submission of the same item made stale (an answer after expiry, a repeated answer or activation, an `expire` of a
/// request that is not expirable) are skipped, each with an `ItemSkipped` event, and the rest of the batch applies.
/// So every item of a mined batch ends with exactly one event: its state-change event or ItemSkipped.
/// Operators are members holding MOBILE_OPERATOR; a caller is resolved to its member via `memberOf`.
interface IRoamingExchange {
    /// @notice Stored state of a request. `Expired` is stored by `expire`, and a Pending request past `expiresAt`
    /// reads as Expired in `request()` even before that.
    enum RequestState {
        None,
        Pending,
        Answered,
        Activated,
        Refused,
        Expired
    }

    /// @notice Why an item of a batch was skipped.
    enum SkipReason {
        // The request expired before the answer was mined (answers), or was already stored Expired.
        Expired,
        // The request was already answered (answers), or already answered/closed (expire).
        AlreadyAnswered,
        // The activation or refusal was already recorded (activations), or the request is already Expired (expire).
        AlreadyClosed,
        // `expire` named a Pending request whose expiry has not passed.
        NotYetExpired,
        // `submitRequests` named an id already taken (by an earlier request of anyone, or earlier in the batch).
        RequestIdTaken
    }

    /// @notice Which batch function skipped an item, for `ItemSkipped`.
    enum BatchKind {
        Answers,
        Activations,
        Expiries,
        Requests
    }

    /// @notice An authentication request from the VPMN.
    /// @param requestId Random, unique for ever (128+ bits of randomness).
    /// @param pseudonym Keyed pseudonym of the subscriber that only the two operators can compute (e.g. HMAC under a
    /// key agreed between them); never a plain or unkeyed hash of the IMSI.
    /// @param expiresAt Unix seconds from which on (block.timestamp >= expiresAt) the HPMN may no longer answer; in
    /// (now, now + MAX_REQUEST_TTL].
    /// @param ciphertext The IMSI (and request context) encrypted to the HPMN's key; 1..MAX_CIPHERTEXT_LENGTH bytes.
    struct Request {
        bytes32 requestId;
        bytes32 pseudonym;
        uint64 expiresAt;
        bytes ciphertext;
    }

    /// @notice The HPMN's answer: the services granted (1/0 each, validity period), encrypted to the VPMN. A refusal
    /// (unknown or barred subscriber) is an answer too: the grant inside says so, nothing on chain does.
    struct Answer {
        bytes32 requestId;
        bytes ciphertext;
    }

    /// @notice The VPMN's closing record: `activated` true when it activated the granted services, false when it
    /// refused the answer (nothing granted, undecryptable or tampered). `servicesDigest` is an optional keyed
    /// commitment to what was activated (bytes32(0) when unused), so the HPMN can later check the VPMN's claim.
    struct Activation {
        bytes32 requestId;
        bool activated;
        bytes32 servicesDigest;
    }

    /// @notice A request as the contract holds it; `state` reads Expired for a Pending request past `expiresAt`.
    struct RequestRecord {
        address vpmn;
        address hpmn;
        uint64 expiresAt;
        RequestState state;
    }

    /// @notice Emitted for each accepted request.
    event RequestSubmitted(
        bytes32 indexed requestId,
        address indexed vpmn,
        address indexed hpmn,
        bytes32 pseudonym,
        uint64 expiresAt,
        bytes ciphertext
    );
    /// @notice Emitted for each accepted answer.
    event AnswerSubmitted(bytes32 indexed requestId, address indexed vpmn, address indexed hpmn, bytes ciphertext);
    /// @notice Emitted for each recorded activation (`activated` true) or refusal (false).
    event ActivationRecorded(
        bytes32 indexed requestId,
        address indexed vpmn,
        address indexed hpmn,
        bool activated,
        bytes32 servicesDigest
    );
    /// @notice Emitted when `expire` closes a Pending request past its expiry; `by` is the member that called.
    event RequestExpired(bytes32 indexed requestId, address indexed vpmn, address indexed hpmn, address by);
    /// @notice Emitted for each batch item skipped (see the batch semantics above); `index` is its position.
    event ItemSkipped(bytes32 indexed requestId, BatchKind kind, uint256 index, SkipReason reason);

    /// @notice Thrown when a constructor argument is the zero address.
    error ZeroAddress();
    /// @notice Thrown when `account` does not act for a member holding MOBILE_OPERATOR.
    error NotAnOperator(address account);
    /// @notice Thrown when a request's home operator is not a MOBILE_OPERATOR member holding a network, or is the
    /// calling VPMN itself.
    error InvalidHomeOperator(address hpmn);
    /// @notice Thrown when a batch is empty or longer than `MAX_BATCH_SIZE`.
    error InvalidBatchSize(uint256 size, uint256 max);
    /// @notice Thrown when the request id at `index` is zero.
    error ZeroRequestId(uint256 index);
    /// @notice No longer thrown (kept for ABI stability): a taken id now skips its item with ItemSkipped(Requests,
    /// RequestIdTaken) instead of reverting the batch.
    error RequestAlreadyExists(uint256 index, bytes32 requestId);
    /// @notice Thrown when the expiry at `index` is not in (now, now + MAX_REQUEST_TTL].
    error InvalidExpiry(uint256 index, bytes32 requestId, uint64 expiresAt, uint64 latest);
    /// @notice Thrown when the ciphertext at `index` is empty or longer than `MAX_CIPHERTEXT_LENGTH`.
    error InvalidCiphertextLength(uint256 index, bytes32 requestId, uint256 length, uint256 max);
    /// @notice Thrown when the request at `index` does not exist.
    error UnknownRequest(uint256 index, bytes32 requestId);
    /// @notice Thrown when the member `caller` answers a request whose home operator is `hpmn`.
    error NotHomeOperator(uint256 index, bytes32 requestId, address caller, address hpmn);
    /// @notice Thrown when the member `caller` records an activation of a request whose visited operator is `vpmn`.
    error NotVisitedOperator(uint256 index, bytes32 requestId, address caller, address vpmn);
    /// @notice Thrown when the member `caller` expires a request it is not party to (neither its VPMN nor its HPMN).
    error NotRequestParty(uint256 index, bytes32 requestId, address caller);
    /// @notice Thrown when an activation names a request that was never answered (Pending or Expired): services
    /// are only activated on a recorded answer.
    error RequestNotAnswered(uint256 index, bytes32 requestId, RequestState state);

    /// @notice Records a batch of authentication requests from the caller's member (the VPMN) to `hpmn`.
    /// @dev Requirements: the caller acts for a MOBILE_OPERATOR member; `hpmn` is another MOBILE_OPERATOR member that
    /// holds at least one network in the operator registry; 1..MAX_BATCH_SIZE items, each with a non-zero id,
    /// an expiry in (now, now + MAX_REQUEST_TTL] and a ciphertext of 1..MAX_CIPHERTEXT_LENGTH bytes.
    /// Any violation reverts the whole batch. An id already taken (ids are global and public once a batch is in the
    /// mempool, so a competitor may copy one) skips only that item with ItemSkipped(Requests, RequestIdTaken); the VPMN
    /// resubmits it under a fresh id. Emits RequestSubmitted per stored item.
    function submitRequests(address hpmn, Request[] calldata requests) external;

    /// @notice Records a batch of answers by the caller's member (the HPMN of every request named).
    /// @dev Requirements (else the batch reverts): the caller acts for a MOBILE_OPERATOR member; 1..MAX_BATCH_SIZE
    /// items; each request exists and its HPMN is the caller's member; each ciphertext 1..MAX_CIPHERTEXT_LENGTH bytes.
    /// Skipped with ItemSkipped: a request past its expiry (Expired) or no longer Pending (AlreadyAnswered, or Expired
    /// when stored so). Emits AnswerSubmitted per accepted item.
    function submitAnswers(Answer[] calldata answers) external;

    /// @notice Records a batch of activations or refusals by the caller's member (the VPMN of every request named).
    /// @dev Requirements (else the batch reverts): the caller acts for a MOBILE_OPERATOR member; 1..MAX_BATCH_SIZE
    /// items; each request exists, its VPMN is the caller's member, and it was answered (Answered, Activated or
    /// Refused). Skipped with ItemSkipped(AlreadyClosed): a request already Activated or Refused.
    /// Emits ActivationRecorded per accepted item.
    function recordActivations(Activation[] calldata activations) external;

    /// @notice Closes Pending requests whose expiry passed, so the outcome "home operator did not answer in time" is
    /// recorded. Callable by either party of each request.
    /// @dev Requirements (else the batch reverts): the caller acts for a MOBILE_OPERATOR member; 1..MAX_BATCH_SIZE
    /// ids; each request exists and the caller's member is its VPMN or HPMN. Skipped with ItemSkipped: NotYetExpired,
    /// AlreadyAnswered (Answered/Activated/Refused), AlreadyClosed (already Expired). Emits RequestExpired per item.
    function expire(bytes32[] calldata requestIds) external;

    /// @notice A request's parties, expiry and state (all zero, state None, when unknown).
    function request(bytes32 requestId) external view returns (RequestRecord memory);

    /// @notice Number of requests ever submitted.
    function requestCount() external view returns (uint256);

    /// @notice Largest number of items in one batch.
    function MAX_BATCH_SIZE() external view returns (uint256);

    /// @notice Longest time, in seconds, between a request's submission and its expiry.
    function MAX_REQUEST_TTL() external view returns (uint64);

    /// @notice Largest ciphertext, in bytes, of a request or an answer.
    function MAX_CIPHERTEXT_LENGTH() external view returns (uint256);

    /// @notice The consortium registry asked for roles and membership.
    function consortium() external view returns (address);

    /// @notice The operator registry asked whether a home operator holds a network.
    function operatorRegistry() external view returns (address);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
