// SPDX-License-Identifier: Apache-2.0
pragma solidity 0.8.30;

import {IPaymentChannels} from "./IPaymentChannels.sol";

/// @title IRoamingSettlement
/// @notice Roaming and wholesale voice settlement between two operators, from agreement to paid balance. Operators are
/// consortium members holding MOBILE_OPERATOR; a caller acts for the member its account is bound to (`memberOf`).
/// - Agreements: the visited (charging) and home (paying) operator sign the hash of the off-chain terms (tariffs,
///   increments, rounding, tiers, as canonical JSON) with validity, period length and dispute window. A version is
///   proposed by one side and active once the other approves; a new version names the one it replaces.
/// - Batches: the visited operator anchors each batch of usage records it sent the home operator off chain: Merkle root
///   (OpenZeppelin StandardMerkleTree over (record digest, amount) leaves, the digest salted so that no subscriber
///   data can be guessed from it), count, rated total and the batch's first and last event time, which must lie in
///   one settlement period inside the agreement's validity. The home operator confirms receipt after recomputing the
///   root over what it received.
/// - Channel-paid batches: a confirmed batch the home operator paid through the pair's payment channel is proved so by
///   a channel state both operators co-signed naming the batch (`recordChannelPayment`, checked by PaymentChannels);
///   it then leaves the period's invoice (an invoice naming it reverts PaidByChannel). Recorded after the invoice was
///   issued (inside its dispute window), the batch's total is credited on that invoice instead.
/// - Invoices: one per agreement and period, over exactly the period's confirmed batches not paid through a channel
///   and for exactly their total.
///   The home operator accepts it or, within the dispute window, disputes single records by Merkle proof with a
///   RAP-like reason. The visited operator answers each dispute with a credit note or upholds its charge; the home
///   operator may then escalate. An invoice is final when accepted with no open dispute, or by rule once the answer
///   window has passed: an unanswered dispute is then credited in full, an escalated one is held out of the balance.
/// - Netting: final invoices in one token are netted across all members in one round per token and period (open
///   invoices wait for a later round); each member pays its net debt in one transfer of the settlement token and each
///   net creditor claims once. An invoice enters one round only, so nothing is paid twice.
/// Ids are derived from content and creator, never from a counter.
interface IRoamingSettlement {
    /// @notice Agreement states.
    enum AgreementStatus {
        None,
        Proposed,
        Active,
        Superseded
    }
    /// @notice Batch states.
    enum BatchStatus {
        None,
        Anchored,
        Received,
        Invoiced,
        /// Paid through the pair's payment channel (a co-signed state names it): never invoiced, or credited.
        ChannelPaid
    }
    /// @notice Invoice states.
    enum InvoiceStatus {
        None,
        Issued,
        Accepted,
        Final,
        Netted
    }
    /// @notice Dispute states.
    enum DisputeStatus {
        None,
        Open,
        Credited,
        Upheld,
        Escalated
    }
    /// @notice Reasons for disputing a record, after the RAP error classes.
    enum DisputeReason {
        None,
        Duplicate,
        OutsideAgreement,
        WrongRate,
        MissingData,
        NotOurSubscriber,
        Other
    }

    struct Agreement {
        address visited;
        address home;
        address token;
        bytes32 termsHash;
        bytes32 previous;
        bytes32 supersededBy;
        uint64 validFrom;
        uint64 validTo;
        uint32 periodSeconds;
        uint32 disputeWindow;
        AgreementStatus status;
        address proposer;
    }

    struct Batch {
        bytes32 agreementId;
        bytes32 merkleRoot;
        uint64 period;
        uint64 firstEventAt;
        uint64 lastEventAt;
        uint32 count;
        uint256 total;
        BatchStatus status;
    }

    struct Invoice {
        bytes32 agreementId;
        uint64 period;
        uint64 issuedAt;
        uint256 amount;
        uint256 disputed;
        uint256 credited;
        uint256 escalated;
        uint32 openDisputes;
        InvoiceStatus status;
        bytes32 nettingRound;
    }

    struct Dispute {
        bytes32 invoiceId;
        bytes32 batchId;
        bytes32 recordDigest;
        uint256 amount;
        uint256 credit;
        DisputeReason reason;
        DisputeStatus status;
    }

    /// @notice The caller's account is not bound to the member the step needs (`expected`).
    error NotParty(address caller, address expected);
    /// @notice The member does not hold MOBILE_OPERATOR.
    error NotAnOperator(address member);
    /// @notice A value is missing or out of range.
    error InvalidArgument(string what);
    /// @notice The id already exists (same content and creator).
    error AlreadyExists(bytes32 id);
    /// @notice No such agreement, batch, invoice, dispute or round.
    error UnknownId(bytes32 id);
    /// @notice The record is in the wrong state for the step.
    error WrongState(bytes32 id, uint8 status);
    /// @notice A batch's events are outside the agreement's validity or span more than one period.
    error OutsideAgreement(bytes32 agreementId, uint64 firstEventAt, uint64 lastEventAt);
    /// @notice The invoice does not cover exactly the period's confirmed batches or their total.
    error InvoiceMismatch(bytes32 agreementId, uint64 period, uint256 expected, uint256 invoiced);
    /// @notice The Merkle proof does not show the record in the batch.
    error InvalidRecordProof(bytes32 batchId, bytes32 recordDigest);
    /// @notice The dispute window (or the answer window) has closed, or has not yet.
    error WindowClosed(bytes32 invoiceId, uint64 deadline);
    error WindowOpen(bytes32 invoiceId, uint64 deadline);
    /// @notice The record was already disputed on this invoice.
    error AlreadyDisputed(bytes32 disputeId);
    /// @notice The member already paid, or already claimed, in this netting round.
    error AlreadySettled(bytes32 roundId, address member);
    /// @notice A netting round already exists for this token and period.
    error RoundExists(address token, uint64 period, bytes32 roundId);
    /// @notice The batch was paid through a payment channel: it cannot be invoiced, disputed or recorded again.
    error PaidByChannel(bytes32 batchId, bytes32 channelId);
    /// @notice The co-signed state's channel is not between the batch's two operators in the agreement's token.
    error ChannelNotOfAgreement(bytes32 channelId, bytes32 agreementId);
    /// @notice The round's debtors have not all paid yet.
    error RoundNotFunded(bytes32 roundId, uint256 paid, uint256 owed);

    event AgreementProposed(
        bytes32 indexed id,
        address indexed visited,
        address indexed home,
        bytes32 termsHash,
        bytes32 previous,
        address proposer
    );
    event AgreementApproved(bytes32 indexed id, address indexed approver);
    event AgreementSuperseded(bytes32 indexed id, bytes32 indexed by);
    event BatchAnchored(
        bytes32 indexed batchId,
        bytes32 indexed agreementId,
        uint64 indexed period,
        bytes32 merkleRoot,
        uint32 count,
        uint256 total
    );
    event BatchReceived(bytes32 indexed batchId, address indexed home);
    /// @notice A batch was paid through a payment channel: the co-signed state `version` of `channelId` names it.
    /// `invoiceId` is the invoice that already included it (its total then credited there), or zero.
    event BatchPaidByChannel(
        bytes32 indexed batchId,
        bytes32 indexed channelId,
        uint64 version,
        uint256 total,
        bytes32 invoiceId
    );
    event InvoiceIssued(bytes32 indexed invoiceId, bytes32 indexed agreementId, uint64 indexed period, uint256 amount);
    event InvoiceAccepted(bytes32 indexed invoiceId);
    event RecordDisputed(
        bytes32 indexed disputeId,
        bytes32 indexed invoiceId,
        bytes32 batchId,
        bytes32 recordDigest,
        uint256 amount,
        DisputeReason reason
    );
    event DisputeCredited(bytes32 indexed disputeId, uint256 credit, bool byRule);
    event DisputeUpheld(bytes32 indexed disputeId);
    event DisputeEscalated(bytes32 indexed disputeId);
    event InvoiceFinal(bytes32 indexed invoiceId, uint256 amountDue, uint256 credited, uint256 escalated);
    event NettingOpened(bytes32 indexed roundId, address indexed token, uint64 indexed period, uint256 invoices);
    /// @notice An invoice entered a netting round (one event per invoice of the round, before NettingOpened): it is
    /// Netted and settles only through that round.
    event InvoiceNetted(bytes32 indexed invoiceId, bytes32 indexed roundId);
    event NetPosition(bytes32 indexed roundId, address indexed member, int256 net);
    event NetPaid(bytes32 indexed roundId, address indexed member, uint256 amount);
    event NetClaimed(bytes32 indexed roundId, address indexed member, uint256 amount);

    /// @notice Proposes an agreement version between `visited` and `home` (the caller is one of them and approves it).
    /// @return id keccak256 of the terms, parties, token, validity, period, window, previous version and proposer.
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
    ) external returns (bytes32 id);

    /// @notice The other party approves; the agreement becomes active and supersedes `previous`.
    function approveAgreement(bytes32 id) external;

    /// @notice The visited operator anchors a batch it sent off chain. Emits BatchAnchored.
    /// @return batchId keccak256 of agreement, root, count, total and the visited member.
    function anchorBatch(
        bytes32 agreementId,
        bytes32 merkleRoot,
        uint32 count,
        uint256 total,
        uint64 firstEventAt,
        uint64 lastEventAt
    ) external returns (bytes32 batchId);

    /// @notice The home operator confirms it received the batch and its records hash to the anchored root.
    function confirmBatch(bytes32 batchId) external;

    /// @notice Records that a confirmed batch was paid through the payment channel of its two operators: `state` names
    /// it in `batchId` and both members signed it (PaymentChannels.checkState). A received batch leaves the period's
    /// invoice; a batch already invoiced, while that invoice is Issued and its dispute window open, is credited on it
    /// (counted as disputed and credited). Requirements: caller is the batch's home or visited operator; the channel's
    /// members are the agreement's two operators and its token the agreement's; the batch Received or Invoiced as said.
    /// Reverts PaidByChannel for a batch recorded already. Emits BatchPaidByChannel.
    function recordChannelPayment(
        IPaymentChannels.State calldata state,
        bytes calldata sigA,
        bytes calldata sigB
    ) external;

    /// @notice The channel a batch was paid through (zero: none).
    function channelPaidBy(bytes32 batchId) external view returns (bytes32 channelId);

    /// @notice The visited operator invoices a period over exactly that period's confirmed batches not paid through a
    /// channel, and their total. Reverts PaidByChannel when it names a channel-paid batch.
    function issueInvoice(
        bytes32 agreementId,
        uint64 period,
        bytes32[] calldata batchIds,
        uint256 amount
    ) external returns (bytes32 invoiceId);

    /// @notice The home operator accepts the invoice (open disputes still need their answer).
    function acceptInvoice(bytes32 invoiceId) external;

    /// @notice The home operator disputes one record within the dispute window, proving it is in the batch.
    /// @return disputeId keccak256 of the invoice and the record digest.
    function disputeRecord(
        bytes32 invoiceId,
        bytes32 batchId,
        bytes32 recordDigest,
        uint256 amount,
        bytes32[] calldata proof,
        DisputeReason reason
    ) external returns (bytes32 disputeId);

    /// @notice The visited operator answers a dispute: a credit note of `credit` (<= the record's amount), or 0 to
    /// uphold its charge.
    function answerDispute(bytes32 disputeId, uint256 credit) external;

    /// @notice The home operator escalates an upheld dispute; its amount is held out of settlement.
    function escalateDispute(bytes32 disputeId) external;

    /// @notice By rule, a dispute left unanswered past the answer window (twice the dispute window after issue) is
    /// credited in full. Anyone may apply the rule.
    function creditUnanswered(bytes32 disputeId) external;

    /// @notice Makes an invoice final once no dispute is open: when the home operator accepted it, or by rule when it
    /// let the dispute window pass.
    function finalizeInvoice(bytes32 invoiceId) external;

    /// @notice Nets the given final invoices in `token` for `period` across members; one round per token and period.
    /// @return roundId keccak256 of token, period and the invoice list.
    function openNetting(
        address token,
        uint64 period,
        bytes32[] calldata invoiceIds
    ) external returns (bytes32 roundId);

    /// @notice A net debtor pays its whole net position in one transfer (approve the token first).
    function payNet(bytes32 roundId) external;

    /// @notice A net creditor claims its whole net position once every debtor has paid.
    function claimNet(bytes32 roundId) external;

    /// @notice The settlement period a timestamp falls in under an agreement.
    function periodOf(bytes32 agreementId, uint64 timestamp) external view returns (uint64);

    function agreement(bytes32 id) external view returns (Agreement memory);

    function batch(bytes32 id) external view returns (Batch memory);

    function invoice(bytes32 id) external view returns (Invoice memory);

    function dispute(bytes32 id) external view returns (Dispute memory);

    /// @notice A member's net position in a round (positive: receives) and whether it has paid or claimed.
    function netPosition(bytes32 roundId, address member) external view returns (int256 net, bool settled);

    /// @notice The contract's version, "1.0.0".
    function version() external view returns (string memory);
}
