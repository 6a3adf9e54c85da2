// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

// Escrowed service fees (see IServiceEscrow); disputes belong to the court that deployed it.
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {IConsortiumRegistry} from "../membership/IConsortiumRegistry.sol";
import {IMemberBeacon} from "./IMemberBeacon.sol";
import {IOutcomeCourt} from "./IOutcomeCourt.sol";
import {IServiceEscrow} from "./IServiceEscrow.sol";

contract ServiceEscrow is IServiceEscrow {
    using SafeERC20 for IERC20;

    uint256 private constant BPS = 10_000;
    /// Beacon rounds a random-audit lottery tries before it ends unselected (members withholding every reveal).
    uint8 private constant AUDIT_ATTEMPTS = 3;

    IConsortiumRegistry private immutable CONSORTIUM;
    IERC20 private immutable TOKEN;
    address private immutable COURT;
    IMemberBeacon private immutable BEACON;

    mapping(bytes32 id => Agreement) private _agreements;
    mapping(bytes32 id => Task) private _tasks;

    constructor(IConsortiumRegistry consortium_, IERC20 token_, address court_, IMemberBeacon beacon_) {
        if (court_ == address(0)) revert NotCourt(court_);
        CONSORTIUM = consortium_;
        TOKEN = token_;
        COURT = court_;
        BEACON = beacon_;
    }

    /// @inheritdoc IServiceEscrow
    function proposeAgreement(
        address provider,
        uint128 fee,
        uint16 upfrontBps,
        uint32 escrowSeconds,
        uint16 auditBps,
        bytes32 termsHash,
        bytes32 salt
    ) external returns (bytes32 agreementId) {
        address recipientMember = CONSORTIUM.memberOf(msg.sender);
        if (recipientMember == address(0)) revert PartyNotMember(msg.sender);
        address providerMember = CONSORTIUM.memberOf(provider);
        if (providerMember == address(0) || providerMember == recipientMember) revert PartyNotMember(provider);
        if (fee == 0) revert InvalidTerms("fee");
        if (upfrontBps > BPS) revert InvalidTerms("upfrontBps");
        if (auditBps > BPS) revert InvalidTerms("auditBps");
        agreementId = _agreementId(provider, fee, upfrontBps, escrowSeconds, auditBps, termsHash, salt);
        Agreement storage a = _agreements[agreementId];
        if (a.provider != address(0)) revert AgreementExists(agreementId);
        a.provider = provider;
        a.recipient = msg.sender;
        a.providerMember = providerMember;
        a.recipientMember = recipientMember;
        a.fee = fee;
        a.upfrontBps = upfrontBps;
        a.escrowSeconds = escrowSeconds;
        a.auditBps = auditBps;
        a.termsHash = termsHash;
        emit AgreementProposed(agreementId, msg.sender, provider, fee, upfrontBps, escrowSeconds, auditBps, termsHash);
    }

    function _agreementId(
        address provider,
        uint128 fee,
        uint16 upfrontBps,
        uint32 escrowSeconds,
        uint16 auditBps,
        bytes32 termsHash,
        bytes32 salt
    ) private view returns (bytes32) {
        bytes memory terms = abi.encode(provider, fee, upfrontBps, escrowSeconds, auditBps);
        return
            keccak256(abi.encodePacked(abi.encode(block.chainid, address(this), msg.sender), terms, termsHash, salt));
    }

    /// @inheritdoc IServiceEscrow
    function acceptAgreement(bytes32 agreementId) external {
        Agreement storage a = _agreementOf(agreementId);
        if (msg.sender != a.provider) revert NotParty(agreementId, msg.sender);
        a.accepted = true;
        emit AgreementAccepted(agreementId, msg.sender);
    }

    /// @inheritdoc IServiceEscrow
    function orderTask(bytes32 agreementId, bytes32 taskRef) external returns (bytes32 taskId) {
        Agreement storage a = _agreementOf(agreementId);
        if (msg.sender != a.recipient) revert NotParty(agreementId, msg.sender);
        if (!a.accepted) revert AgreementNotAccepted(agreementId);
        taskId = keccak256(abi.encode(agreementId, taskRef));
        Task storage t = _tasks[taskId];
        if (t.status != TaskStatus.None) revert TaskExists(taskId);
        t.agreementId = agreementId;
        t.status = TaskStatus.Ordered;
        emit TaskOrdered(taskId, agreementId, taskRef, a.fee);
        TOKEN.safeTransferFrom(msg.sender, address(this), a.fee);
    }

    /// @inheritdoc IServiceEscrow
    function reportCompletion(bytes32 taskId, bytes32 providerReport) external {
        Task storage t = _taskOf(taskId);
        Agreement storage a = _agreements[t.agreementId];
        if (msg.sender != a.provider) revert NotParty(taskId, msg.sender);
        if (t.status != TaskStatus.Ordered) revert WrongTaskStatus(taskId, t.status);
        uint128 paidNow = uint128((uint256(a.fee) * a.upfrontBps) / BPS);
        uint128 escrowed = a.fee - paidNow;
        t.status = TaskStatus.Completed;
        t.completedAt = uint64(block.timestamp);
        t.escrowed = escrowed;
        t.providerReport = providerReport;
        emit TaskCompleted(taskId, providerReport, paidNow, escrowed, uint64(block.timestamp) + a.escrowSeconds);
        if (a.auditBps > 0) _scheduleAudit(taskId, t);
        if (paidNow > 0) TOKEN.safeTransfer(a.provider, paidNow);
    }

    /// @dev Opens the lottery's next beacon round, commits from now (rounds are namespaced by this escrow).
    function _scheduleAudit(bytes32 taskId, Task storage t) private {
        t.audit = AuditState.Pending;
        t.auditBeacon = BEACON.open(keccak256(abi.encode(taskId, t.auditAttempt)), uint64(block.timestamp));
        emit AuditScheduled(taskId, t.auditAttempt, t.auditBeacon);
    }

    /// @inheritdoc IServiceEscrow
    function drawAudit(bytes32 taskId) external returns (bool selected) {
        Task storage t = _taskOf(taskId);
        if (t.audit != AuditState.Pending) revert NoAuditPending(taskId, t.audit);
        IMemberBeacon.Phase phase = BEACON.phase(t.auditBeacon);
        uint16 rate = _agreements[t.agreementId].auditBps;
        if (phase == IMemberBeacon.Phase.Failed) {
            t.auditAttempt += 1;
            if (t.auditAttempt < AUDIT_ATTEMPTS) {
                _scheduleAudit(taskId, t);
            } else {
                t.audit = AuditState.Skipped;
                emit AuditDrawn(taskId, uint16(BPS), rate, false);
            }
            return false;
        }
        if (phase != IMemberBeacon.Phase.Ready) revert AuditBeaconNotReady(taskId, t.auditBeacon);
        uint16 roll = uint16(uint256(keccak256(abi.encode(BEACON.value(t.auditBeacon), taskId))) % BPS);
        selected = roll < rate;
        t.audit = selected ? AuditState.Selected : AuditState.Skipped;
        emit AuditDrawn(taskId, roll, rate, selected);
        // A task a complaint already disputes is being validated: the selection opens no second case.
        if (selected && t.status == TaskStatus.Completed) IOutcomeCourt(COURT).complain(taskId, t.providerReport);
    }

    /// @inheritdoc IServiceEscrow
    function anchorMeasurement(bytes32 taskId, bytes32 recipientReport) external {
        Task storage t = _taskOf(taskId);
        if (msg.sender != _agreements[t.agreementId].recipient) revert NotParty(taskId, msg.sender);
        if (t.status != TaskStatus.Completed && t.status != TaskStatus.Ordered) {
            revert WrongTaskStatus(taskId, t.status);
        }
        t.recipientReport = recipientReport;
        emit MeasurementAnchored(taskId, msg.sender, recipientReport);
    }

    /// @inheritdoc IServiceEscrow
    function releaseEscrow(bytes32 taskId) external {
        Task storage t = _taskOf(taskId);
        if (t.status != TaskStatus.Completed) revert WrongTaskStatus(taskId, t.status);
        uint64 dueAt = t.completedAt + _agreements[t.agreementId].escrowSeconds;
        if (block.timestamp < dueAt) revert EscrowNotDue(taskId, dueAt);
        if (t.audit == AuditState.Pending) revert AuditPending(taskId);
        _payEscrow(taskId, t, true);
    }

    /// @inheritdoc IServiceEscrow
    function openDispute(bytes32 taskId, address requester) external returns (Parties memory) {
        if (msg.sender != COURT) revert NotCourt(msg.sender);
        Task storage t = _taskOf(taskId);
        Agreement storage a = _agreements[t.agreementId];
        if (t.status != TaskStatus.Completed) revert WrongTaskStatus(taskId, t.status);
        if (requester == address(this)) {
            // The escrow complains only for a task its lottery selected; the release waited for the lottery.
            if (t.audit != AuditState.Selected) revert NotParty(taskId, requester);
        } else {
            if (requester != a.recipient) revert NotParty(taskId, requester);
            uint64 dueAt = t.completedAt + a.escrowSeconds;
            if (block.timestamp >= dueAt) revert EscrowPeriodOver(taskId, dueAt);
        }
        t.status = TaskStatus.Disputed;
        emit TaskDisputed(taskId, requester);
        return parties(taskId);
    }

    /// @inheritdoc IServiceEscrow
    function settleDispute(bytes32 taskId, bool toProvider) external {
        if (msg.sender != COURT) revert NotCourt(msg.sender);
        Task storage t = _taskOf(taskId);
        if (t.status != TaskStatus.Disputed) revert WrongTaskStatus(taskId, t.status);
        _payEscrow(taskId, t, toProvider);
    }

    function _payEscrow(bytes32 taskId, Task storage t, bool toProvider) private {
        Agreement storage a = _agreements[t.agreementId];
        uint128 amount = t.escrowed;
        t.escrowed = 0;
        address to = toProvider ? a.provider : a.recipient;
        if (toProvider) {
            t.status = TaskStatus.Released;
            emit EscrowReleased(taskId, to, amount);
        } else {
            t.status = TaskStatus.Refunded;
            emit EscrowRefunded(taskId, to, amount);
        }
        if (amount > 0) TOKEN.safeTransfer(to, amount);
    }

    function _agreementOf(bytes32 id) private view returns (Agreement storage a) {
        a = _agreements[id];
        if (a.provider == address(0)) revert UnknownAgreement(id);
    }

    function _taskOf(bytes32 id) private view returns (Task storage t) {
        t = _tasks[id];
        if (t.status == TaskStatus.None) revert UnknownTask(id);
    }

    /// @inheritdoc IServiceEscrow
    function court() external view returns (address) {
        return COURT;
    }

    /// @inheritdoc IServiceEscrow
    function agreement(bytes32 agreementId) external view returns (Agreement memory) {
        return _agreements[agreementId];
    }

    /// @inheritdoc IServiceEscrow
    function task(bytes32 taskId) external view returns (Task memory) {
        return _tasks[taskId];
    }

    /// @inheritdoc IServiceEscrow
    function parties(bytes32 taskId) public view returns (Parties memory p) {
        Task storage t = _tasks[taskId];
        Agreement storage a = _agreements[t.agreementId];
        p = Parties(a.provider, a.recipient, a.providerMember, a.recipientMember, a.fee, t.escrowed);
    }

    /// @inheritdoc IServiceEscrow
    function version() external pure returns (string memory) {
        return "1.0.0";
    }
}
