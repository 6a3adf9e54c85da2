// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Roaming and wholesale voice settlement between operators (see IRoamingSettlement for the whole cycle).
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {ReentrancyGuard} from "@openzeppelin/contracts/utils/ReentrancyGuard.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {Roles} from "../membership/Roles.sol";
import {IPaymentChannels} from "./IPaymentChannels.sol";
import {IRoamingSettlement} from "./IRoamingSettlement.sol";

contract RoamingSettlement is IRoamingSettlement, ReentrancyGuard {
    using SafeERC20 for IERC20;

    IConsortiumRegistry private immutable CONSORTIUM;
    /// The payment channels whose co-signed states prove a batch paid (`recordChannelPayment`).
    IPaymentChannels private immutable CHANNELS;

    mapping(bytes32 id => Agreement) private _agreements;
    mapping(bytes32 id => Batch) private _batches;
    mapping(bytes32 id => Invoice) private _invoices;
    mapping(bytes32 id => Dispute) private _disputes;
    /// Confirmed batches and their total per agreement and period: an invoice must cover exactly these.
    mapping(bytes32 agreementId => mapping(uint64 period => uint256 count)) private _receivedCount;
    mapping(bytes32 agreementId => mapping(uint64 period => uint256 total)) private _receivedTotal;
    mapping(bytes32 agreementId => mapping(uint64 period => bytes32 invoiceId)) private _invoiceOf;
    mapping(bytes32 batchId => bytes32 channelId) private _paidBy;

    struct Round {
        address token;
        uint64 period;
        uint256 owed;
        uint256 paid;
    }
    mapping(bytes32 roundId => Round) private _rounds;
    mapping(address token => mapping(uint64 period => bytes32 roundId)) private _roundOf;
    mapping(bytes32 roundId => mapping(address member => int256 net)) private _net;
    mapping(bytes32 roundId => mapping(address member => bool done)) private _settled;

    constructor(IConsortiumRegistry consortium_, IPaymentChannels channels_) {
        if (address(consortium_) == address(0)) revert InvalidArgument("consortium");
        if (address(channels_) == address(0)) revert InvalidArgument("channels");
        CONSORTIUM = consortium_;
        CHANNELS = channels_;
    }

    // ---- agreements ----

    /// @inheritdoc IRoamingSettlement
    function proposeAgreement(
        address visited,
        address home,
        address token,
        bytes32 termsHash,
        uint64 validFrom,
        uint64 validTo,
        uint32 periodSeconds,
        uint32 disputeWindow,
        bytes32 previous
    ) external returns (bytes32 id) {
        address caller = _operator();
        if (caller != visited && caller != home) revert NotParty(msg.sender, visited);
        _checkTerms(visited, home, token, termsHash, validTo > validFrom, periodSeconds, disputeWindow, previous);
        id = keccak256(
            abi.encode(
                termsHash,
                visited,
                home,
                token,
                validFrom,
                validTo,
                periodSeconds,
                disputeWindow,
                previous,
                caller
            )
        );
        if (_agreements[id].status != AgreementStatus.None) revert AlreadyExists(id);
        _agreements[id] = Agreement({
            visited: visited,
            home: home,
            token: token,
            termsHash: termsHash,
            previous: previous,
            supersededBy: bytes32(0),
            validFrom: validFrom,
            validTo: validTo,
            periodSeconds: periodSeconds,
            disputeWindow: disputeWindow,
            status: AgreementStatus.Proposed,
            proposer: caller
        });
        emit AgreementProposed(id, visited, home, termsHash, previous, caller);
    }

    /// @inheritdoc IRoamingSettlement
    function approveAgreement(bytes32 id) external {
        Agreement storage a = _agreements[id];
        if (a.status == AgreementStatus.None) revert UnknownId(id);
        if (a.status != AgreementStatus.Proposed) revert WrongState(id, uint8(a.status));
        address other = a.proposer == a.visited ? a.home : a.visited;
        address caller = _operator();
        if (caller != other) revert NotParty(msg.sender, other);
        a.status = AgreementStatus.Active;
        emit AgreementApproved(id, caller);
        if (a.previous != bytes32(0)) {
            Agreement storage prior = _agreements[a.previous];
            if (prior.status != AgreementStatus.Active) revert WrongState(a.previous, uint8(prior.status));
            prior.status = AgreementStatus.Superseded;
            prior.supersededBy = id;
            emit AgreementSuperseded(a.previous, id);
        }
    }

    // ---- batches ----

    /// @inheritdoc IRoamingSettlement
    function anchorBatch(
        bytes32 agreementId,
        bytes32 merkleRoot,
        uint32 count,
        uint256 total,
        uint64 firstEventAt,
        uint64 lastEventAt
    ) external returns (bytes32 batchId) {
        Agreement storage a = _activeAgreement(agreementId);
        _requireCaller(a.visited);
        if (merkleRoot == bytes32(0)) revert InvalidArgument("merkleRoot");
        if (count == 0) revert InvalidArgument("count");
        if (firstEventAt > lastEventAt) revert InvalidArgument("lastEventAt");
        if (firstEventAt < a.validFrom || lastEventAt >= a.validTo) {
            revert OutsideAgreement(agreementId, firstEventAt, lastEventAt);
        }
        uint64 period = (firstEventAt - a.validFrom) / a.periodSeconds;
        if ((lastEventAt - a.validFrom) / a.periodSeconds != period) {
            revert OutsideAgreement(agreementId, firstEventAt, lastEventAt);
        }
        batchId = keccak256(abi.encode(agreementId, merkleRoot, count, total, a.visited));
        if (_batches[batchId].status != BatchStatus.None) revert AlreadyExists(batchId);
        _batches[batchId] = Batch({
            agreementId: agreementId,
            merkleRoot: merkleRoot,
            period: period,
            firstEventAt: firstEventAt,
            lastEventAt: lastEventAt,
            count: count,
            total: total,
            status: BatchStatus.Anchored
        });
        emit BatchAnchored(batchId, agreementId, period, merkleRoot, count, total);
    }

    /// @inheritdoc IRoamingSettlement
    function confirmBatch(bytes32 batchId) external {
        Batch storage b = _batches[batchId];
        if (b.status == BatchStatus.None) revert UnknownId(batchId);
        if (b.status != BatchStatus.Anchored) revert WrongState(batchId, uint8(b.status));
        Agreement storage a = _agreements[b.agreementId];
        _requireCaller(a.home);
        if (_invoiceOf[b.agreementId][b.period] != bytes32(0)) revert WrongState(batchId, uint8(b.status));
        b.status = BatchStatus.Received;
        _receivedCount[b.agreementId][b.period] += 1;
        _receivedTotal[b.agreementId][b.period] += b.total;
        emit BatchReceived(batchId, a.home);
    }

    /// @inheritdoc IRoamingSettlement
    function recordChannelPayment(
        IPaymentChannels.State calldata state,
        bytes calldata sigA,
        bytes calldata sigB
    ) external {
        bytes32 batchId = state.batchId;
        Batch storage b = _batches[batchId];
        if (b.status == BatchStatus.None) revert UnknownId(batchId);
        if (b.status == BatchStatus.ChannelPaid) revert PaidByChannel(batchId, _paidBy[batchId]);
        Agreement storage a = _agreements[b.agreementId];
        address caller = _operator();
        if (caller != a.home && caller != a.visited) revert NotParty(msg.sender, a.home);
        (address memberA, address memberB, address token) = CHANNELS.checkState(state, sigA, sigB);
        if (
            token != a.token ||
            !((memberA == a.home && memberB == a.visited) || (memberA == a.visited && memberB == a.home))
        ) revert ChannelNotOfAgreement(state.channelId, b.agreementId);
        bytes32 invoiceId = bytes32(0);
        if (b.status == BatchStatus.Received) {
            _receivedCount[b.agreementId][b.period] -= 1;
            _receivedTotal[b.agreementId][b.period] -= b.total;
        } else if (b.status == BatchStatus.Invoiced) {
            // Invoiced before the channel payment was recorded: credited on the invoice inside its dispute window.
            invoiceId = _invoiceOf[b.agreementId][b.period];
            Invoice storage inv = _issued(invoiceId);
            uint64 deadline = inv.issuedAt + a.disputeWindow;
            if (block.timestamp >= deadline) revert WindowClosed(invoiceId, deadline);
            if (inv.disputed + b.total > inv.amount) revert InvalidArgument("amount");
            inv.disputed += b.total;
            inv.credited += b.total;
        } else {
            revert WrongState(batchId, uint8(b.status));
        }
        b.status = BatchStatus.ChannelPaid;
        _paidBy[batchId] = state.channelId;
        emit BatchPaidByChannel(batchId, state.channelId, state.version, b.total, invoiceId);
    }

    /// @inheritdoc IRoamingSettlement
    function channelPaidBy(bytes32 batchId) external view returns (bytes32) {
        return _paidBy[batchId];
    }

    // ---- invoices and disputes ----

    /// @inheritdoc IRoamingSettlement
    function issueInvoice(
        bytes32 agreementId,
        uint64 period,
        bytes32[] calldata batchIds,
        uint256 amount
    ) external returns (bytes32 invoiceId) {
        Agreement storage a = _agreements[agreementId];
        if (a.status == AgreementStatus.None) revert UnknownId(agreementId);
        _requireCaller(a.visited);
        if (_invoiceOf[agreementId][period] != bytes32(0)) revert AlreadyExists(_invoiceOf[agreementId][period]);
        uint256 sum = 0;
        for (uint256 i = 0; i < batchIds.length; i++) {
            Batch storage b = _batches[batchIds[i]];
            if (b.status == BatchStatus.ChannelPaid) revert PaidByChannel(batchIds[i], _paidBy[batchIds[i]]);
            if (b.agreementId != agreementId || b.period != period || b.status != BatchStatus.Received) {
                revert InvoiceMismatch(agreementId, period, _receivedTotal[agreementId][period], amount);
            }
            b.status = BatchStatus.Invoiced; // also rejects a batch listed twice
            sum += b.total;
        }
        if (
            batchIds.length == 0 ||
            batchIds.length != _receivedCount[agreementId][period] ||
            sum != amount ||
            sum != _receivedTotal[agreementId][period]
        ) revert InvoiceMismatch(agreementId, period, _receivedTotal[agreementId][period], amount);
        invoiceId = keccak256(abi.encode(agreementId, period, a.visited));
        _invoiceOf[agreementId][period] = invoiceId;
        _invoices[invoiceId] = Invoice({
            agreementId: agreementId,
            period: period,
            issuedAt: uint64(block.timestamp),
            amount: amount,
            disputed: 0,
            credited: 0,
            escalated: 0,
            openDisputes: 0,
            status: InvoiceStatus.Issued,
            nettingRound: bytes32(0)
        });
        emit InvoiceIssued(invoiceId, agreementId, period, amount);
    }

    /// @inheritdoc IRoamingSettlement
    function acceptInvoice(bytes32 invoiceId) external {
        Invoice storage inv = _issued(invoiceId);
        _requireCaller(_agreements[inv.agreementId].home);
        inv.status = InvoiceStatus.Accepted;
        emit InvoiceAccepted(invoiceId);
    }

    /// @inheritdoc IRoamingSettlement
    function disputeRecord(
        bytes32 invoiceId,
        bytes32 batchId,
        bytes32 recordDigest,
        uint256 amount,
        bytes32[] calldata proof,
        DisputeReason reason
    ) external returns (bytes32 disputeId) {
        Invoice storage inv = _issued(invoiceId);
        Agreement storage a = _agreements[inv.agreementId];
        _requireCaller(a.home);
        uint64 deadline = inv.issuedAt + a.disputeWindow;
        if (block.timestamp >= deadline) revert WindowClosed(invoiceId, deadline);
        if (reason == DisputeReason.None) revert InvalidArgument("reason");
        Batch storage b = _batches[batchId];
        if (b.agreementId != inv.agreementId || b.period != inv.period) revert UnknownId(batchId);
        if (b.status == BatchStatus.ChannelPaid) revert PaidByChannel(batchId, _paidBy[batchId]);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(recordDigest, amount))));
        if (!MerkleProof.verifyCalldata(proof, b.merkleRoot, leaf)) revert InvalidRecordProof(batchId, recordDigest);
        disputeId = keccak256(abi.encode(invoiceId, batchId, recordDigest));
        if (_disputes[disputeId].status != DisputeStatus.None) revert AlreadyDisputed(disputeId);
        // A batch whose anchored total understates its records cannot make disputes exceed the invoice.
        if (inv.disputed + amount > inv.amount) revert InvalidArgument("amount");
        inv.disputed += amount;
        _disputes[disputeId] = Dispute({
            invoiceId: invoiceId,
            batchId: batchId,
            recordDigest: recordDigest,
            amount: amount,
            credit: 0,
            reason: reason,
            status: DisputeStatus.Open
        });
        inv.openDisputes += 1;
        emit RecordDisputed(disputeId, invoiceId, batchId, recordDigest, amount, reason);
    }

    /// @inheritdoc IRoamingSettlement
    function answerDispute(bytes32 disputeId, uint256 credit) external {
        Dispute storage d = _openDispute(disputeId);
        Invoice storage inv = _invoices[d.invoiceId];
        Agreement storage a = _agreements[inv.agreementId];
        _requireCaller(a.visited);
        uint64 deadline = inv.issuedAt + 2 * uint64(a.disputeWindow);
        if (block.timestamp >= deadline) revert WindowClosed(d.invoiceId, deadline);
        if (credit > d.amount) revert InvalidArgument("credit");
        inv.openDisputes -= 1;
        if (credit == 0) {
            d.status = DisputeStatus.Upheld;
            emit DisputeUpheld(disputeId);
        } else {
            d.status = DisputeStatus.Credited;
            d.credit = credit;
            inv.credited += credit;
            emit DisputeCredited(disputeId, credit, false);
        }
    }

    /// @inheritdoc IRoamingSettlement
    function escalateDispute(bytes32 disputeId) external {
        Dispute storage d = _disputes[disputeId];
        if (d.status == DisputeStatus.None) revert UnknownId(disputeId);
        if (d.status != DisputeStatus.Upheld) revert WrongState(disputeId, uint8(d.status));
        Invoice storage inv = _invoices[d.invoiceId];
        if (inv.status != InvoiceStatus.Issued && inv.status != InvoiceStatus.Accepted) {
            revert WrongState(d.invoiceId, uint8(inv.status));
        }
        _requireCaller(_agreements[inv.agreementId].home);
        d.status = DisputeStatus.Escalated;
        inv.escalated += d.amount;
        emit DisputeEscalated(disputeId);
    }

    /// @inheritdoc IRoamingSettlement
    function finalizeInvoice(bytes32 invoiceId) external {
        Invoice storage inv = _invoices[invoiceId];
        if (inv.status == InvoiceStatus.None) revert UnknownId(invoiceId);
        if (inv.status != InvoiceStatus.Issued && inv.status != InvoiceStatus.Accepted) {
            revert WrongState(invoiceId, uint8(inv.status));
        }
        if (inv.openDisputes != 0) revert WrongState(invoiceId, uint8(inv.status));
        uint64 deadline = inv.issuedAt + _agreements[inv.agreementId].disputeWindow;
        // Accepted by the home operator, or by rule: it let the dispute window pass.
        if (inv.status != InvoiceStatus.Accepted && block.timestamp < deadline) revert WindowOpen(invoiceId, deadline);
        inv.status = InvoiceStatus.Final;
        emit InvoiceFinal(invoiceId, _amountDue(inv), inv.credited, inv.escalated);
    }

    /// @inheritdoc IRoamingSettlement
    function creditUnanswered(bytes32 disputeId) external {
        Dispute storage d = _openDispute(disputeId);
        Invoice storage inv = _invoices[d.invoiceId];
        uint64 answerDeadline = inv.issuedAt + 2 * uint64(_agreements[inv.agreementId].disputeWindow);
        if (block.timestamp < answerDeadline) revert WindowOpen(d.invoiceId, answerDeadline);
        if (inv.status != InvoiceStatus.Issued && inv.status != InvoiceStatus.Accepted) {
            revert WrongState(d.invoiceId, uint8(inv.status));
        }
        inv.openDisputes -= 1;
        d.status = DisputeStatus.Credited;
        d.credit = d.amount;
        inv.credited += d.amount;
        emit DisputeCredited(disputeId, d.amount, true);
    }

    // ---- netting and payment ----

    /// @inheritdoc IRoamingSettlement
    function openNetting(
        address token,
        uint64 period,
        bytes32[] calldata invoiceIds
    ) external returns (bytes32 roundId) {
        _operator();
        if (invoiceIds.length == 0) revert InvalidArgument("invoiceIds");
        if (_roundOf[token][period] != bytes32(0)) revert RoundExists(token, period, _roundOf[token][period]);
        roundId = keccak256(abi.encode(token, period, invoiceIds));
        _roundOf[token][period] = roundId;
        Round storage r = _rounds[roundId];
        r.token = token;
        r.period = period;
        address[] memory touched = new address[](invoiceIds.length * 2);
        for (uint256 i = 0; i < invoiceIds.length; i++) {
            Invoice storage inv = _invoices[invoiceIds[i]];
            if (inv.status != InvoiceStatus.Final) revert WrongState(invoiceIds[i], uint8(inv.status));
            Agreement storage a = _agreements[inv.agreementId];
            if (a.token != token || inv.period > period) revert InvalidArgument("invoiceIds");
            inv.status = InvoiceStatus.Netted; // an invoice enters one round only
            inv.nettingRound = roundId;
            emit InvoiceNetted(invoiceIds[i], roundId);
            int256 due = int256(_amountDue(inv));
            _net[roundId][a.visited] += due;
            _net[roundId][a.home] -= due;
            touched[2 * i] = a.visited;
            touched[2 * i + 1] = a.home;
        }
        uint256 owed = 0;
        for (uint256 i = 0; i < touched.length; i++) {
            address m = touched[i];
            if (_seenEarlier(touched, i)) continue;
            int256 net = _net[roundId][m];
            if (net < 0) owed += uint256(-net);
            emit NetPosition(roundId, m, net);
        }
        r.owed = owed;
        emit NettingOpened(roundId, token, period, invoiceIds.length);
    }

    /// @inheritdoc IRoamingSettlement
    function payNet(bytes32 roundId) external nonReentrant {
        Round storage r = _round(roundId);
        address member = _operator();
        int256 net = _net[roundId][member];
        if (net >= 0) revert InvalidArgument("net");
        if (_settled[roundId][member]) revert AlreadySettled(roundId, member);
        _settled[roundId][member] = true;
        uint256 amount = uint256(-net);
        r.paid += amount;
        IERC20(r.token).safeTransferFrom(msg.sender, address(this), amount);
        emit NetPaid(roundId, member, amount);
    }

    /// @inheritdoc IRoamingSettlement
    function claimNet(bytes32 roundId) external nonReentrant {
        Round storage r = _round(roundId);
        address member = _operator();
        int256 net = _net[roundId][member];
        if (net <= 0) revert InvalidArgument("net");
        if (_settled[roundId][member]) revert AlreadySettled(roundId, member);
        if (r.paid != r.owed) revert RoundNotFunded(roundId, r.paid, r.owed);
        _settled[roundId][member] = true;
        IERC20(r.token).safeTransfer(msg.sender, uint256(net));
        emit NetClaimed(roundId, member, uint256(net));
    }

    // ---- views ----

    /// @inheritdoc IRoamingSettlement
    function periodOf(bytes32 agreementId, uint64 timestamp) external view returns (uint64) {
        Agreement storage a = _agreements[agreementId];
        if (a.status == AgreementStatus.None) revert UnknownId(agreementId);
        if (timestamp < a.validFrom || timestamp >= a.validTo)
            revert OutsideAgreement(agreementId, timestamp, timestamp);
        return (timestamp - a.validFrom) / a.periodSeconds;
    }

    /// @inheritdoc IRoamingSettlement
    function agreement(bytes32 id) external view returns (Agreement memory) {
        return _agreements[id];
    }

    /// @inheritdoc IRoamingSettlement
    function batch(bytes32 id) external view returns (Batch memory) {
        return _batches[id];
    }

    /// @inheritdoc IRoamingSettlement
    function invoice(bytes32 id) external view returns (Invoice memory) {
        return _invoices[id];
    }

    /// @inheritdoc IRoamingSettlement
    function dispute(bytes32 id) external view returns (Dispute memory) {
        return _disputes[id];
    }

    /// @inheritdoc IRoamingSettlement
    function netPosition(bytes32 roundId, address member) external view returns (int256 net, bool settled) {
        return (_net[roundId][member], _settled[roundId][member]);
    }

    /// @inheritdoc IRoamingSettlement
    function version() external pure returns (string memory) {
        return "1.1.0";
    }

    // ---- internals ----

    function _checkTerms(
        address visited,
        address home,
        address token,
        bytes32 termsHash,
        bool validityOrdered,
        uint32 periodSeconds,
        uint32 disputeWindow,
        bytes32 previous
    ) private view {
        if (visited == home) revert InvalidArgument("home");
        _requireOperator(visited);
        _requireOperator(home);
        if (token == address(0)) revert InvalidArgument("token");
        if (termsHash == bytes32(0)) revert InvalidArgument("termsHash");
        if (!validityOrdered) revert InvalidArgument("validTo");
        if (periodSeconds == 0) revert InvalidArgument("periodSeconds");
        if (disputeWindow == 0) revert InvalidArgument("disputeWindow");
        if (previous != bytes32(0)) {
            Agreement storage prior = _agreements[previous];
            if (prior.status != AgreementStatus.Active) revert WrongState(previous, uint8(prior.status));
            if (prior.visited != visited || prior.home != home) revert InvalidArgument("previous");
        }
    }

    /// The member the caller's account acts for; it must be an operator.
    function _operator() private view returns (address member) {
        member = CONSORTIUM.memberOf(msg.sender);
        if (member == address(0) || !CONSORTIUM.hasRole(msg.sender, Roles.MOBILE_OPERATOR)) {
            revert NotAnOperator(msg.sender);
        }
    }

    function _requireOperator(address member) private view {
        if (!CONSORTIUM.hasRole(member, Roles.MOBILE_OPERATOR)) revert NotAnOperator(member);
    }

    function _requireCaller(address member) private view {
        if (_operator() != member) revert NotParty(msg.sender, member);
    }

    function _activeAgreement(bytes32 id) private view returns (Agreement storage a) {
        a = _agreements[id];
        if (a.status == AgreementStatus.None) revert UnknownId(id);
        if (a.status != AgreementStatus.Active) revert WrongState(id, uint8(a.status));
    }

    function _issued(bytes32 invoiceId) private view returns (Invoice storage inv) {
        inv = _invoices[invoiceId];
        if (inv.status == InvoiceStatus.None) revert UnknownId(invoiceId);
        if (inv.status != InvoiceStatus.Issued) revert WrongState(invoiceId, uint8(inv.status));
    }

    function _openDispute(bytes32 disputeId) private view returns (Dispute storage d) {
        d = _disputes[disputeId];
        if (d.status == DisputeStatus.None) revert UnknownId(disputeId);
        if (d.status != DisputeStatus.Open) revert WrongState(disputeId, uint8(d.status));
    }

    function _round(bytes32 roundId) private view returns (Round storage r) {
        r = _rounds[roundId];
        if (r.token == address(0)) revert UnknownId(roundId);
    }

    /// What the home operator owes on a final invoice: the amount less credit notes and escalated records.
    function _amountDue(Invoice storage inv) private view returns (uint256) {
        return inv.amount - inv.credited - inv.escalated;
    }

    function _seenEarlier(address[] memory list, uint256 index) private pure returns (bool) {
        for (uint256 j = 0; j < index; j++) if (list[j] == list[index]) return true;
        return false;
    }
}
