// TypeBox schemas of the auditing API. Amounts are settlement-token minor units as decimal strings (1250 = 12.50
// EUR). Shared identifiers (addresses, hashes, pages) come from src/core/api/schemas.ts.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, DidSchema, strictObject, TxHashSchema } from "../core/api/index.ts";

export const AmountSchema = Type.String({
  pattern: "^[0-9]{1,30}$",
  description: "Settlement-token minor units, a decimal string (1250 = 12.50 EUR)",
});
const Text = (maxLength: number, description: string) => Type.String({ minLength: 1, maxLength, description });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(t: T) => Type.Union([t, Type.Null()]);

export const AccountParams = strictObject({ account: AddressSchema });
export const CaseParams = strictObject({ caseId: Bytes32Schema });
export const TaskParams = strictObject({ taskId: Bytes32Schema });
export const AgreementParams = strictObject({ agreementId: Bytes32Schema });

export const CreateAuditorBody = strictObject({ label: Text(100, "What the auditor is called at this member") });
export const VetBody = strictObject({ did: DidSchema });
export const AffiliationBody = strictObject({
  member: Type.Union([AddressSchema], { description: "The member the auditor works for (zero address: independent)" }),
});
export const SignalBody = strictObject({
  amount: AmountSchema,
  capacity: Type.Integer({ minimum: 1, maximum: 1000, description: "Outcomes per epoch the auditor validates" }),
  epochs: Type.Integer({ minimum: 1, maximum: 255, description: "Epochs it signals for, from the next one" }),
});
export const WithdrawBody = strictObject({ amount: AmountSchema });
export const ProposeBody = strictObject({
  provider: AddressSchema,
  fee: AmountSchema,
  upfrontBps: Type.Integer({ minimum: 0, maximum: 10_000, description: "X: share of the fee paid at completion" }),
  escrowSeconds: Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: "A: how long Y% stays escrowed" }),
  auditBps: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 10_000,
      description:
        "Chance (of 10 000) that each completed task is audited at random; 0 (the default): no random audits",
    }),
  ),
  terms: Text(4000, "The agreed outcome and KPIs (only their digest goes on chain)"),
});
export const OrderBody = strictObject({
  agreementId: Bytes32Schema,
  reference: Text(200, "The recipient's reference of the task (hashed into the task id)"),
});
export const ReportBody = strictObject({ report: Text(4000, "The provider's completion report (digest on chain)") });

export const VoteBody = strictObject({
  juror: AddressSchema,
  vote: Type.Union([Type.Literal("uphold"), Type.Literal("reject")], {
    description: "uphold: the outcome fell short (the complaint holds); reject: it did not",
  }),
});
export const RevealBody = strictObject({
  juror: AddressSchema,
  salt: Type.Optional(Bytes32Schema),
});
export const BalancesQuery = strictObject({
  accounts: Type.String({
    pattern: "^(0x[0-9a-fA-F]{40})(,0x[0-9a-fA-F]{40}){0,31}$",
    description: "Up to 32 comma-separated addresses",
  }),
});

export const AuditorSchema = strictObject({
  account: AddressSchema,
  didHash: Bytes32Schema,
  affiliation: AddressSchema,
  vetters: Type.Integer(),
  capacity: Type.Integer(),
  firstEpoch: Type.Integer(),
  lastEpoch: Type.Integer(),
});
export const StakeFields = {
  bonded: AmountSchema,
  locked: AmountSchema,
  lastEpoch: Type.Integer(),
  balance: AmountSchema,
};
export const AuditorDetailSchema = strictObject({
  account: AddressSchema,
  vetted: Nullable(AuditorSchema),
  hosted: Nullable(strictObject({ did: DidSchema, label: Type.String(), createdAt: Type.String() })),
  ...StakeFields,
});
export const CreatedAuditorSchema = strictObject({
  account: AddressSchema,
  did: DidSchema,
  didHash: Bytes32Schema,
  member: AddressSchema,
  label: Type.String(),
});
export const VettedSchema = strictObject({
  account: AddressSchema,
  didHash: Bytes32Schema,
  affiliation: AddressSchema,
  txHash: TxHashSchema,
});
export const AffiliatedSchema = strictObject({
  account: AddressSchema,
  affiliation: AddressSchema,
  txHash: TxHashSchema,
});
export const StakeSchema = strictObject({ account: AddressSchema, ...StakeFields, txHash: TxHashSchema });
export const ProposedSchema = strictObject({ agreementId: Bytes32Schema, termsHash: Bytes32Schema });
export const AcceptedSchema = strictObject({ agreementId: Bytes32Schema, txHash: TxHashSchema });
export const OrderedSchema = strictObject({
  taskId: Bytes32Schema,
  agreementId: Bytes32Schema,
  taskRef: Bytes32Schema,
  fee: AmountSchema,
});
const TaskFields = {
  taskId: Bytes32Schema,
  agreementId: Bytes32Schema,
  status: Type.String({ description: "ordered, completed, disputed, released or refunded" }),
  completedAt: Type.Integer(),
  escrowed: AmountSchema,
  auditBps: Type.Integer({ description: "The agreement's random-audit rate, of 10 000 (0: none)" }),
  audit: Type.String({
    description:
      "The task's random-audit lottery: none (not agreed), pending (waiting for its beacon round), selected or skipped",
  }),
  auditAttempt: Type.Integer({ description: "Beacon rounds the lottery tried (a failed round opens the next)" }),
  auditBeaconKey: Nullable(Bytes32Schema),
  auditCaseId: Nullable(Bytes32Schema),
};
export const TaskSchema = strictObject(TaskFields);
export const TaskWrittenSchema = strictObject({ ...TaskFields, txHash: TxHashSchema });
export const ComplainedSchema = strictObject({ caseId: Bytes32Schema, taskId: Bytes32Schema, stake: AmountSchema });
export const AuditBeaconStepSchema = strictObject({
  taskId: Bytes32Schema,
  beaconKey: Bytes32Schema,
  committed: Type.Optional(Type.Boolean()),
  revealed: Type.Optional(Type.Boolean()),
});
export const AuditDrawnSchema = strictObject({
  taskId: Bytes32Schema,
  selected: Type.Boolean(),
  roll: Nullable(Type.Integer({ description: "The lottery's roll, 0..9 999: selected when below auditBps" })),
  auditBps: Type.Integer(),
  audit: Type.String({ description: "selected, skipped, or pending (a failed beacon round opened the next)" }),
  caseId: Nullable(Bytes32Schema),
  txHash: TxHashSchema,
});
export const StepSchema = strictObject({
  caseId: Bytes32Schema,
  status: Type.String({ description: "drawing, voting, provisional or closed" }),
  round: Type.Integer({ description: "0: the first jury; 1: the objection jury" }),
  attempt: Type.Integer(),
});
export const BeaconStepSchema = strictObject({
  caseId: Bytes32Schema,
  beaconKey: Bytes32Schema,
  committed: Type.Optional(Type.Boolean()),
  revealed: Type.Optional(Type.Boolean()),
});
const TicketSchema = Type.String({ pattern: "^[0-9]{1,20}$", description: "a 64-bit lottery ticket, decimal" });
export const VotedSchema = strictObject({
  caseId: Bytes32Schema,
  juror: AddressSchema,
  round: Type.Integer(),
  attempt: Type.Integer(),
  committed: Type.Boolean(),
  ticket: TicketSchema,
  seated: Type.Boolean({
    description: "among the lowest tickets claimed so far (a lower one may still take the seat)",
  }),
});
export const LotterySchema = strictObject({
  caseId: Bytes32Schema,
  round: Type.Integer(),
  attempt: Type.Integer(),
  epoch: Type.Integer(),
  slot: Type.Integer(),
  seed: Bytes32Schema,
  threshold: TicketSchema,
  size: Type.Integer({ description: "seats on the panel" }),
  commitEnd: Type.Integer({ description: "claims (with the committed vote) until then" }),
  auditors: Type.Array(
    strictObject({
      juror: AddressSchema,
      ticket: TicketSchema,
      drawn: Type.Boolean({ description: "ticket at most the threshold: it must claim (commit a vote) or be slashed" }),
      claimed: Type.Boolean(),
      seated: Type.Boolean(),
    }),
    { maxItems: 1000, description: "this agent's auditors in the lottery's pool" },
  ),
});
export const SeedsRevealedSchema = strictObject({
  account: AddressSchema,
  revealedThrough: Type.Integer({ description: "the last epoch whose ticket seed is now public" }),
  revealed: Type.Integer({ description: "epochs revealed by this call (0: nothing was due)" }),
  txHash: Type.Optional(Bytes32Schema),
});
export const SilentBody = strictObject({
  round: Type.Integer({ minimum: 0, maximum: 1 }),
  attempt: Type.Integer({ minimum: 0, maximum: 255 }),
  auditor: AddressSchema,
});
export const SilentSlashedSchema = strictObject({
  caseId: Bytes32Schema,
  round: Type.Integer(),
  attempt: Type.Integer(),
  auditor: AddressSchema,
  slashed: AmountSchema,
  txHash: Bytes32Schema,
});
export const RevealedSchema = strictObject({
  caseId: Bytes32Schema,
  juror: AddressSchema,
  round: Type.Integer(),
  attempt: Type.Integer(),
  vote: Type.String(),
});
const JurorSchema = strictObject({
  juror: AddressSchema,
  ticket: Type.String({ pattern: "^[0-9]{1,20}$", description: "its ticket in the lottery (64-bit, decimal)" }),
  deposit: AmountSchema,
  committed: Type.Boolean(),
  vote: Type.String({ description: "none until revealed, then uphold or reject" }),
  slashed: AmountSchema,
});
const JurySchema = strictObject({
  round: Type.Integer(),
  attempt: Type.Integer(),
  commitEnd: Nullable(Type.Integer()),
  revealEnd: Nullable(Type.Integer()),
  lottery: Nullable(
    strictObject({
      epoch: Type.Integer({ description: "the epoch whose ticket trees the lottery uses" }),
      slot: Type.Integer({ description: "the lottery's slot in that epoch (the leaf of each tree)" }),
      seed: Bytes32Schema,
      threshold: Type.String({
        pattern: "^[0-9]{1,20}$",
        description: "an auditor is drawn when its ticket is at most this (64-bit, decimal)",
      }),
    }),
  ),
  jurors: Type.Array(JurorSchema, {
    maxItems: 255,
    description: "those seated so far (a claim sits until a lower ticket takes its seat)",
  }),
});
export const CaseSchema = strictObject({
  caseId: Bytes32Schema,
  taskId: Bytes32Schema,
  trigger: Type.Union([Type.Literal("complaint"), Type.Literal("random-audit")], {
    description:
      "complaint: the recipient staked and complained; random-audit: the agreement's lottery selected the task",
  }),
  requester: AddressSchema,
  requesterStake: AmountSchema,
  status: Type.String({ description: "drawing, voting, provisional or closed" }),
  round: Type.Integer(),
  attempt: Type.Integer(),
  beaconKey: Type.String(),
  firstVerdict: Nullable(Type.String()),
  finalVerdict: Nullable(Type.String()),
  objector: Nullable(AddressSchema),
  objectionStake: Nullable(AmountSchema),
  filedAt: Type.Integer(),
  juries: Type.Array(JurySchema, { maxItems: 16 }),
  payments: Type.Array(strictObject({ to: AddressSchema, amount: AmountSchema, reason: Type.String() }), {
    maxItems: 64,
  }),
});
export const CaseSummarySchema = strictObject({
  caseId: Bytes32Schema,
  taskId: Bytes32Schema,
  trigger: Type.Union([Type.Literal("complaint"), Type.Literal("random-audit")], {
    description:
      "complaint: the recipient staked and complained; random-audit: the agreement's lottery selected the task",
  }),
  requester: AddressSchema,
  status: Type.String(),
  round: Type.Integer(),
  firstVerdict: Nullable(Type.String()),
  finalVerdict: Nullable(Type.String()),
});
export const BalancesSchema = strictObject({
  accounts: Type.Array(
    strictObject({
      account: AddressSchema,
      role: Type.Optional(Type.String({ description: "court or escrow" })),
      balance: AmountSchema,
      bonded: AmountSchema,
      locked: AmountSchema,
    }),
    { maxItems: 34 },
  ),
});
export const EpochSchema = strictObject({
  epoch: Type.Integer({ description: "The court's current epoch" }),
  startedAt: Type.Integer({ description: "Its first second (unix, chain time)" }),
  endsAt: Type.Integer({ description: "The first second of the next epoch" }),
  epochSeconds: Type.Integer(),
  now: Type.Integer({ description: "The latest block's timestamp" }),
});

// ---- governed parameters and the multi-signature bank
const Count = (description: string) => Type.Integer({ minimum: 0, maximum: 255, description });
const Bps = (description: string) => Type.Integer({ minimum: 0, maximum: 10_000, description });
const Seconds = (description: string) => Type.String({ pattern: "^[0-9]{1,19}$", description });
const paramFields = {
  commitSeconds: Seconds("Jurors' commit period after a draw, seconds"),
  revealSeconds: Seconds("Jurors' reveal period after the commit period, seconds"),
  minAuditorStake: AmountSchema,
  jurorDeposit: AmountSchema,
  complaintStakeBps: Bps("Requester's stake, of the task fee"),
  validationFeeBps: Bps("Of the requester's stake, to the majority when the complaint is upheld"),
  objectionStakeBps: Bps("Objector's stake, of the escrow at risk"),
  objectorShareBps: Bps("Objector's share of what a contradicted first majority forfeits"),
  firstJurySize: Count("Odd"),
  objectionJurySize: Count("Odd"),
  maxAttempts: Count("Draws per round before it ends unresolved"),
  ticketsPerSeat: Count("Auditors drawn per seat on average (the lottery's odds: jury size x this / pool size)"),
  vetQuorum: Count("KYC vetters that must vet an auditor"),
  maxSignalEpochs: Count("Epochs one signal may cover"),
  slashSink: AddressSchema,
};
export const ParamsSchema = strictObject(paramFields);
export const ProposeParamsBody = strictObject({
  changes: Type.Object(
    {
      commitSeconds: Type.Optional(paramFields.commitSeconds),
      revealSeconds: Type.Optional(paramFields.revealSeconds),
      minAuditorStake: Type.Optional(paramFields.minAuditorStake),
      jurorDeposit: Type.Optional(paramFields.jurorDeposit),
      complaintStakeBps: Type.Optional(paramFields.complaintStakeBps),
      validationFeeBps: Type.Optional(paramFields.validationFeeBps),
      objectionStakeBps: Type.Optional(paramFields.objectionStakeBps),
      objectorShareBps: Type.Optional(paramFields.objectorShareBps),
      firstJurySize: Type.Optional(paramFields.firstJurySize),
      objectionJurySize: Type.Optional(paramFields.objectionJurySize),
      maxAttempts: Type.Optional(paramFields.maxAttempts),
      ticketsPerSeat: Type.Optional(paramFields.ticketsPerSeat),
      vetQuorum: Type.Optional(paramFields.vetQuorum),
      maxSignalEpochs: Type.Optional(paramFields.maxSignalEpochs),
      slashSink: Type.Optional(paramFields.slashSink),
    },
    {
      additionalProperties: false,
      minProperties: 1,
      description: "The fields to change; the others keep their current values",
    },
  ),
});
export const ProposalParams = strictObject({ proposalId: Bytes32Schema });
export const ParamsProposalSchema = strictObject({
  proposalId: Bytes32Schema,
  params: Type.Optional(ParamsSchema),
  txHash: TxHashSchema,
  current: ParamsSchema,
});
export const BankParams = strictObject({ bank: AddressSchema });
export const DeployBankBody = strictObject({
  signers: Type.Array(AddressSchema, { minItems: 1, maxItems: 16, description: "The signers' member accounts" }),
  threshold: Type.Integer({ minimum: 1, maximum: 16, description: "Approvals that execute an operation" }),
});
export const BankDeployedSchema = strictObject({
  bank: AddressSchema,
  signers: Type.Array(AddressSchema, { maxItems: 16 }),
  threshold: Type.Integer(),
  txHash: TxHashSchema,
});
export const BankSchema = strictObject({
  bank: AddressSchema,
  signers: Type.Array(AddressSchema, { maxItems: 16 }),
  threshold: Type.Integer(),
  balance: AmountSchema,
  isSlashSink: Type.Boolean({ description: "Whether the court sends slashed deposits here" }),
});
export const BankApprovalBody = strictObject({
  kind: Type.Union([Type.Literal("mint"), Type.Literal("burn")], {
    description: "mint: against fiat received for the member; burn: of the bank's own balance, against fiat paid out",
  }),
  member: AddressSchema,
  amount: AmountSchema,
  bankRef: Text(200, "The bank's reference of the fiat movement (hashed; one use per token)"),
});
export const BankApprovedSchema = strictObject({
  bank: AddressSchema,
  operationId: Bytes32Schema,
  kind: Type.String(),
  member: AddressSchema,
  amount: AmountSchema,
  bankRef: Bytes32Schema,
  approvals: Type.Integer(),
  threshold: Type.Integer(),
  executed: Type.Boolean(),
  txHash: TxHashSchema,
});

// ---- slice SLA measurements
const SignatureSchema = Type.String({ pattern: "^0x[0-9a-fA-F]{130}$", description: "65-byte EIP-712 signature" });
const figures = {
  latencyP95Ms: Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: "95th-percentile latency, ms" }),
  availabilityBps: Type.Integer({ minimum: 0, maximum: 10_000, description: "Availability in basis points" }),
  throughputMbps: Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: "Delivered throughput, Mbit/s" }),
};
export const MeasureBody = strictObject(figures);
export const MeasurementSchema = strictObject({
  taskId: Bytes32Schema,
  side: Type.Union([Type.Literal("provider"), Type.Literal("recipient")]),
  ...figures,
  signer: AddressSchema,
});
export const SignedMeasurementSchema = strictObject({ measurement: MeasurementSchema, signature: SignatureSchema });
export const MeasuredSchema = strictObject({
  measurement: MeasurementSchema,
  signature: SignatureSchema,
  digest: Bytes32Schema,
  txHash: TxHashSchema,
});
export const MeasurementVerifiedSchema = strictObject({
  valid: Type.Boolean(),
  side: Type.String(),
  signer: AddressSchema,
  digest: Bytes32Schema,
});
export const ComplaintBody = strictObject({
  evidence: Text(4000, "What fell short (digest on chain)"),
  measurements: Type.Optional(
    Type.Array(SignedMeasurementSchema, {
      maxItems: 2,
      description:
        "A breach claim on a slice period: the signed measurements it relies on, checked against the chain first",
    }),
  ),
});
