// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

/// @title IServiceEscrow
/// @notice Service agreements paid in the settlement token with part of each fee escrowed (EEA use case 5). A service
/// recipient proposes an agreement (fee Z, upfront share X in bps, escrow period A, digest of the terms and KPIs such
/// as MTTR, complaint rate, slice latency) to a provider, which accepts it. The recipient orders a task and pays Z in
/// (pull); on the provider's self-verified completion X% is paid to it at once and Y% = 100 - X% stays in escrow for
/// A seconds, then anyone releases it to the provider, unless the recipient complained to the court (the contract that
/// deployed this escrow), which then decides who gets it. Slice SLAs are agreements whose tasks are measurement
/// periods: the provider reports its signed measurements' digest on completion and the recipient anchors its own; a
/// breach claim is a complaint on that period. An agreement may also agree a random-audit rate: each completed task is
/// then selected for validation with that probability, by the members' commit-reveal beacon (never block data), and a
/// selected task goes to the court as a case with no requester stake (the escrow itself is the requester).
interface IServiceEscrow {
    /// @notice A task's life: ordered (fee paid in), completed (upfront paid, rest escrowed), disputed (a case runs),
    /// released (escrow paid to the provider) or refunded (escrow returned to the recipient).
    enum TaskStatus {
        None,
        Ordered,
        Completed,
        Disputed,
        Released,
        Refunded
    }

    /// @notice A completed task's random-audit lottery: none agreed, waiting for its beacon round, selected (a case was
    /// opened, or a complaint already covers it), or not selected.
    enum AuditState {
        None,
        Pending,
        Selected,
        Skipped
    }

    struct Agreement {
        address provider;
        address recipient;
        address providerMember;
        address recipientMember;
        uint128 fee;
        uint16 upfrontBps;
        uint32 escrowSeconds;
        uint16 auditBps; // chance (of 10 000) that a completed task is audited at random; 0: no random audits
        bool accepted;
        bytes32 termsHash;
    }

    struct Task {
        bytes32 agreementId;
        TaskStatus status;
        uint64 completedAt;
        uint128 escrowed;
        bytes32 providerReport; // digest of the provider's signed completion report / measurements
        bytes32 recipientReport; // digest of the recipient's signed measurements (slice SLAs)
        AuditState audit;
        uint8 auditAttempt; // beacon rounds tried for the lottery (a failed round opens the next)
        bytes32 auditBeacon; // the lottery's current beacon round key
    }

    /// @notice Who a disputed task involves and what is at stake, as the court needs it.
    struct Parties {
        address provider;
        address recipient;
        address providerMember;
        address recipientMember;
        uint128 fee;
        uint128 escrowed;
    }

    /// @notice `account` does not act for an active consortium member (or both parties act for the same one).
    error PartyNotMember(address account);
    /// @notice A zero fee or a share above 10 000 bps.
    error InvalidTerms(string field);
    error AgreementExists(bytes32 agreementId);
    error UnknownAgreement(bytes32 agreementId);
    error NotParty(bytes32 id, address caller);
    error AgreementNotAccepted(bytes32 agreementId);
    error TaskExists(bytes32 taskId);
    error UnknownTask(bytes32 taskId);
    error WrongTaskStatus(bytes32 taskId, TaskStatus status);
    /// @notice A complaint after the escrow period ended.
    error EscrowPeriodOver(bytes32 taskId, uint64 endedAt);
    /// @notice A release before the escrow period ended.
    error EscrowNotDue(bytes32 taskId, uint64 dueAt);
    /// @notice Only the court that deployed the escrow opens and settles disputes.
    error NotCourt(address caller);
    /// @notice The task's agreement agreed no random audits, or its lottery was drawn already.
    error NoAuditPending(bytes32 taskId, AuditState state);
    /// @notice The lottery's beacon round has no value yet (it is in its commit or reveal phase).
    error AuditBeaconNotReady(bytes32 taskId, bytes32 beaconKey);
    /// @notice The escrow waits for the task's random-audit lottery to be drawn.
    error AuditPending(bytes32 taskId);

    event AgreementProposed(
        bytes32 indexed agreementId,
        address indexed recipient,
        address indexed provider,
        uint256 fee,
        uint16 upfrontBps,
        uint32 escrowSeconds,
        uint16 auditBps,
        bytes32 termsHash
    );
    event AgreementAccepted(bytes32 indexed agreementId, address indexed provider);
    event TaskOrdered(bytes32 indexed taskId, bytes32 indexed agreementId, bytes32 taskRef, uint256 fee);
    event TaskCompleted(
        bytes32 indexed taskId,
        bytes32 providerReport,
        uint256 paidNow,
        uint256 escrowed,
        uint64 dueAt
    );
    event MeasurementAnchored(bytes32 indexed taskId, address indexed recipient, bytes32 recipientReport);
    event TaskDisputed(bytes32 indexed taskId, address indexed requester);
    event EscrowReleased(bytes32 indexed taskId, address indexed to, uint256 amount);
    event EscrowRefunded(bytes32 indexed taskId, address indexed to, uint256 amount);
    /// @notice The task's random-audit lottery waits for beacon round `beaconKey` (attempt `attempt`).
    event AuditScheduled(bytes32 indexed taskId, uint8 attempt, bytes32 beaconKey);
    /// @notice The lottery drew `roll` (0..9 999) against the agreed `auditBps`: `selected` when roll < auditBps.
    event AuditDrawn(bytes32 indexed taskId, uint16 roll, uint16 auditBps, bool selected);

    /// @notice The recipient (caller) proposes an agreement with `provider`, `auditBps` of its completed tasks to be
    /// audited at random (0: none). Id: keccak256(chainid, this, recipient, provider, fee, upfrontBps, escrowSeconds,
    /// auditBps, termsHash, salt). Both parties must act for different members.
    function proposeAgreement(
        address provider,
        uint128 fee,
        uint16 upfrontBps,
        uint32 escrowSeconds,
        uint16 auditBps,
        bytes32 termsHash,
        bytes32 salt
    ) external returns (bytes32 agreementId);

    /// @notice The provider accepts the agreement's terms.
    function acceptAgreement(bytes32 agreementId) external;

    /// @notice The recipient orders a task and pays the fee in (pull). Id: keccak256(agreementId, taskRef).
    function orderTask(bytes32 agreementId, bytes32 taskRef) external returns (bytes32 taskId);

    /// @notice The provider reports completion: `upfrontBps` of the fee is paid to it, the rest escrowed. When the
    /// agreement agreed random audits, opens the task's lottery round in the members' beacon (AuditScheduled).
    function reportCompletion(bytes32 taskId, bytes32 providerReport) external;

    /// @notice The recipient anchors its own signed measurements' digest for the task (slice SLA periods).
    function anchorMeasurement(bytes32 taskId, bytes32 recipientReport) external;

    /// @notice Anyone pays the escrow to the provider once the escrow period is over, no complaint is open and the
    /// task's random-audit lottery (if agreed) was drawn (AuditPending before).
    function releaseEscrow(bytes32 taskId) external;

    /// @notice Anyone draws the task's random-audit lottery once its beacon round is over: selected when
    /// uint256(keccak256(beacon value, taskId)) % 10 000 < auditBps, in which case the escrow complains to the court
    /// for the task (a case with no requester stake: jury drawn, commit, reveal, payout as for a complaint). A failed
    /// beacon round opens the next one, at most 3; after that the lottery ends unselected. The caller cannot steer
    /// the result: the value was fixed by the members' reveals.
    function drawAudit(bytes32 taskId) external returns (bool selected);

    /// @notice The court marks the task disputed for `requester`: its recipient before the escrow is due, or this
    /// escrow itself for a task its lottery selected.
    function openDispute(bytes32 taskId, address requester) external returns (Parties memory);

    /// @notice The court pays a disputed task's escrow to the provider (`toProvider`) or back to the recipient.
    function settleDispute(bytes32 taskId, bool toProvider) external;

    /// @notice The court this escrow answers to.
    function court() external view returns (address);

    function agreement(bytes32 agreementId) external view returns (Agreement memory);

    function task(bytes32 taskId) external view returns (Task memory);

    /// @notice The parties and amounts of `taskId`.
    function parties(bytes32 taskId) external view returns (Parties memory);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
