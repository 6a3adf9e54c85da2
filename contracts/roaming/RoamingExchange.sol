// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// The batched request / answer / activation exchange between a visited and a home operator. One storage slot per
// request (parties as a pair id, expiry, state); every payload travels in events only.
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IOperatorRegistry} from "./IOperatorRegistry.sol";
import {IRoamingExchange} from "./IRoamingExchange.sol";

contract RoamingExchange is IRoamingExchange {
    /// @inheritdoc IRoamingExchange
    uint256 public constant MAX_BATCH_SIZE = 1000;
    /// @inheritdoc IRoamingExchange
    uint64 public constant MAX_REQUEST_TTL = 1 hours;
    /// @inheritdoc IRoamingExchange
    uint256 public constant MAX_CIPHERTEXT_LENGTH = 2048;

    // Packs into one storage slot (8 + 1 + 4 bytes), so a request costs one fresh slot and each later step one update.
    struct Slot {
        uint64 expiresAt;
        RequestState state;
        uint32 pairId;
    }

    struct Pair {
        address vpmn;
        address hpmn;
    }

    IConsortiumRegistry private immutable CONSORTIUM;
    IOperatorRegistry private immutable OPERATORS;

    mapping(bytes32 requestId => Slot) private _requests;
    // Pair ids start at 1; 0 marks "no pair yet" in `_pairIds`.
    mapping(uint32 pairId => Pair) private _pairs;
    mapping(bytes32 pairKey => uint32) private _pairIds;
    uint32 private _pairCount;
    uint256 private _requestCount;

    constructor(IConsortiumRegistry consortium_, IOperatorRegistry operatorRegistry_) {
        if (address(consortium_) == address(0) || address(operatorRegistry_) == address(0)) revert ZeroAddress();
        CONSORTIUM = consortium_;
        OPERATORS = operatorRegistry_;
    }

    /// @inheritdoc IRoamingExchange
    function submitRequests(address hpmn, Request[] calldata requests) external {
        address vpmn = _requireOperator(msg.sender);
        _requireBatchSize(requests.length);
        if (
            hpmn == vpmn ||
            CONSORTIUM.memberOf(hpmn) != hpmn ||
            !CONSORTIUM.hasRole(hpmn, Roles.MOBILE_OPERATOR) ||
            OPERATORS.networkCount(hpmn) == 0
        ) revert InvalidHomeOperator(hpmn);
        uint32 pairId = _pairIdOf(vpmn, hpmn);
        uint64 latest = uint64(block.timestamp) + MAX_REQUEST_TTL;
        uint256 stored = 0;
        for (uint256 i = 0; i < requests.length; i++) {
            Request calldata r = requests[i];
            bytes32 id = r.requestId;
            if (id == bytes32(0)) revert ZeroRequestId(i);
            Slot storage s = _requests[id];
            // Request ids are public once a batch is in the mempool: a competitor who copies one must not sink the
            // whole batch, so a taken id skips just that item (the VPMN resubmits it under a fresh id).
            if (s.state != RequestState.None) {
                emit ItemSkipped(id, BatchKind.Requests, i, SkipReason.RequestIdTaken);
                continue;
            }
            if (r.expiresAt <= block.timestamp || r.expiresAt > latest) {
                revert InvalidExpiry(i, id, r.expiresAt, latest);
            }
            _requireCiphertext(i, id, r.ciphertext.length);
            _requests[id] = Slot({expiresAt: r.expiresAt, state: RequestState.Pending, pairId: pairId});
            emit RequestSubmitted(id, vpmn, hpmn, r.pseudonym, r.expiresAt, r.ciphertext);
            ++stored;
        }
        _requestCount += stored;
    }

    /// @inheritdoc IRoamingExchange
    function submitAnswers(Answer[] calldata answers) external {
        address caller = _requireOperator(msg.sender);
        _requireBatchSize(answers.length);
        // Batches usually carry one pair's answers: the parties are loaded again only when the pair changes.
        uint32 cachedPairId = 0;
        Pair memory pair = Pair({vpmn: address(0), hpmn: address(0)});
        for (uint256 i = 0; i < answers.length; i++) {
            Answer calldata a = answers[i];
            bytes32 id = a.requestId;
            Slot storage s = _requests[id];
            RequestState state = s.state;
            if (state == RequestState.None) revert UnknownRequest(i, id);
            if (s.pairId != cachedPairId) {
                cachedPairId = s.pairId;
                pair = _pairs[cachedPairId];
            }
            if (pair.hpmn != caller) revert NotHomeOperator(i, id, caller, pair.hpmn);
            _requireCiphertext(i, id, a.ciphertext.length);
            if (state == RequestState.Pending && block.timestamp < s.expiresAt) {
                s.state = RequestState.Answered;
                emit AnswerSubmitted(id, pair.vpmn, caller, a.ciphertext);
            } else {
                bool expired = state == RequestState.Pending || state == RequestState.Expired;
                emit ItemSkipped(id, BatchKind.Answers, i, expired ? SkipReason.Expired : SkipReason.AlreadyAnswered);
            }
        }
    }

    /// @inheritdoc IRoamingExchange
    function recordActivations(Activation[] calldata activations) external {
        address caller = _requireOperator(msg.sender);
        _requireBatchSize(activations.length);
        uint32 cachedPairId = 0;
        Pair memory pair = Pair({vpmn: address(0), hpmn: address(0)});
        for (uint256 i = 0; i < activations.length; i++) {
            Activation calldata a = activations[i];
            bytes32 id = a.requestId;
            Slot storage s = _requests[id];
            RequestState state = s.state;
            if (state == RequestState.None) revert UnknownRequest(i, id);
            if (s.pairId != cachedPairId) {
                cachedPairId = s.pairId;
                pair = _pairs[cachedPairId];
            }
            if (pair.vpmn != caller) revert NotVisitedOperator(i, id, caller, pair.vpmn);
            if (state == RequestState.Answered) {
                s.state = a.activated ? RequestState.Activated : RequestState.Refused;
                emit ActivationRecorded(id, caller, pair.hpmn, a.activated, a.servicesDigest);
            } else if (state == RequestState.Activated || state == RequestState.Refused) {
                emit ItemSkipped(id, BatchKind.Activations, i, SkipReason.AlreadyClosed);
            } else {
                revert RequestNotAnswered(i, id, _effectiveState(s));
            }
        }
    }

    /// @inheritdoc IRoamingExchange
    function expire(bytes32[] calldata requestIds) external {
        address caller = _requireOperator(msg.sender);
        _requireBatchSize(requestIds.length);
        for (uint256 i = 0; i < requestIds.length; i++) {
            bytes32 id = requestIds[i];
            Slot storage s = _requests[id];
            RequestState state = s.state;
            if (state == RequestState.None) revert UnknownRequest(i, id);
            Pair storage pair = _pairs[s.pairId];
            address vpmn = pair.vpmn;
            address hpmn = pair.hpmn;
            if (caller != vpmn && caller != hpmn) revert NotRequestParty(i, id, caller);
            if (state == RequestState.Pending && block.timestamp >= s.expiresAt) {
                s.state = RequestState.Expired;
                emit RequestExpired(id, vpmn, hpmn, caller);
            } else {
                SkipReason reason =
                    state == RequestState.Pending
                        ? SkipReason.NotYetExpired
                        : state == RequestState.Expired
                            ? SkipReason.AlreadyClosed
                            : SkipReason.AlreadyAnswered;
                emit ItemSkipped(id, BatchKind.Expiries, i, reason);
            }
        }
    }

    /// @inheritdoc IRoamingExchange
    function request(bytes32 requestId) external view returns (RequestRecord memory) {
        Slot storage s = _requests[requestId];
        Pair storage pair = _pairs[s.pairId];
        return RequestRecord({vpmn: pair.vpmn, hpmn: pair.hpmn, expiresAt: s.expiresAt, state: _effectiveState(s)});
    }

    /// @inheritdoc IRoamingExchange
    function requestCount() external view returns (uint256) {
        return _requestCount;
    }

    /// @inheritdoc IRoamingExchange
    function consortium() external view returns (address) {
        return address(CONSORTIUM);
    }

    /// @inheritdoc IRoamingExchange
    function operatorRegistry() external view returns (address) {
        return address(OPERATORS);
    }

    /// @inheritdoc IRoamingExchange
    function version() external pure returns (string memory) {
        return "1.0.0";
    }

    // The member `account` acts for, which must hold MOBILE_OPERATOR.
    function _requireOperator(address account) private view returns (address member) {
        if (!CONSORTIUM.hasRole(account, Roles.MOBILE_OPERATOR)) revert NotAnOperator(account);
        return CONSORTIUM.memberOf(account);
    }

    function _requireBatchSize(uint256 size) private pure {
        if (size == 0 || size > MAX_BATCH_SIZE) revert InvalidBatchSize(size, MAX_BATCH_SIZE);
    }

    function _requireCiphertext(uint256 index, bytes32 requestId, uint256 length) private pure {
        if (length == 0 || length > MAX_CIPHERTEXT_LENGTH) {
            revert InvalidCiphertextLength(index, requestId, length, MAX_CIPHERTEXT_LENGTH);
        }
    }

    function _pairIdOf(address vpmn, address hpmn) private returns (uint32 pairId) {
        bytes32 key = keccak256(abi.encode(vpmn, hpmn));
        pairId = _pairIds[key];
        if (pairId == 0) {
            pairId = ++_pairCount;
            _pairIds[key] = pairId;
            _pairs[pairId] = Pair({vpmn: vpmn, hpmn: hpmn});
        }
    }

    function _effectiveState(Slot storage s) private view returns (RequestState) {
        if (s.state == RequestState.Pending && block.timestamp >= s.expiresAt) return RequestState.Expired;
        return s.state;
    }
}
