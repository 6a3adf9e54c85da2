// The auditing domain's error table: the refusals a client acts on by code. A contract refusal the agent foresees
// maps to one of these codes, with the contract's own error name and arguments in details (`revert`, `args`); a
// revert not listed here stays the platform's CHAIN_REVERTED. Field paths are absolute. docs/auditing.md lists them.
import { DomainError, type DomainErrorOptions, defineErrors } from "../core/errors/index.ts";

export const AUDITING_ERRORS = defineErrors("auditing", {
  AUDITING_UNKNOWN_CASE: { status: 404, description: "No case with this id on the ledger (yet)." },
  AUDITING_UNKNOWN_TASK: { status: 404, description: "No task (or agreement) with this id in the escrow." },
  AUDITING_UNKNOWN_AUDITOR: {
    status: 404,
    description: "No auditor account with this address: not hosted by this agent, or never vetted.",
  },
  AUDITING_NOT_PARTY: {
    status: 403,
    description:
      "This member is not the party the step needs (only the recipient orders and complains, only the provider accepts and completes, only the parties object).",
  },
  AUDITING_NOT_VETTER: { status: 403, description: "Only a member holding KYC_VETTER vets auditors." },
  AUDITING_DID_TAKEN: { status: 409, description: "Another auditor was vetted under this DID." },
  AUDITING_NOT_VETTED: { status: 409, description: "The auditor is not vetted yet: it cannot signal." },
  AUDITING_STAKE_REFUSED: {
    status: 409,
    description:
      "The stake does not reach minAuditorStake, the epochs are outside 1..maxSignalEpochs, or the free stake is too small.",
  },
  AUDITING_STAKE_BONDED: {
    status: 409,
    description:
      "The stake is bonded: through the last epoch the auditor signalled for (StakeBondedUntil), while it sits on an undecided case (StakeInOpenValidation), until its ticket seeds are revealed (TicketSeedsPending) and through the epoch of that reveal (SlashWindowOpen).",
  },
  AUDITING_WRONG_STATUS: {
    status: 409,
    description:
      "The task or case is not in the state this step needs (e.g. a draw before the complaint, a complaint after the escrow period).",
  },
  AUDITING_CASE_EXISTS: { status: 409, description: "This requester complained about this task already." },
  AUDITING_BEACON_PHASE: {
    status: 409,
    description: "The members' beacon round is not in the phase this step needs (commit, then reveal, then ready).",
  },
  AUDITING_BEACON_NOT_READY: { status: 409, description: "The draw waits for the beacon's reveal phase to end." },
  AUDITING_AUDIT_PENDING: {
    status: 409,
    description:
      "The task's agreement agreed random audits: its escrow is released only after its lottery was drawn (POST .../audit/draw).",
  },
  AUDITING_NOT_A_JUROR: { status: 403, description: "The account is not seated on the case's current jury." },
  AUDITING_NOT_DRAWN: {
    status: 403,
    description: "The auditor's ticket in the case's current lottery is above the threshold: it was not drawn.",
  },
  AUDITING_INVALID_TICKET: {
    status: 403,
    description:
      "The ticket secret or its proof does not match the root the auditor committed for the lottery's epoch and slot.",
  },
  AUDITING_ON_FIRST_JURY: {
    status: 403,
    description: "The auditor sat on the case's first jury: an objection jury is fresh, it may not claim a seat.",
  },
  AUDITING_NOT_SILENT: {
    status: 409,
    description:
      "The auditor cannot be slashed as silent in that lottery: it claimed, was not drawn, was not allowed to claim (affiliated, on the first jury), or its claims are still open.",
  },
  AUDITING_TICKET_SEED: {
    status: 409,
    description:
      "The ticket seed reveal was refused: not the next epoch to reveal, an epoch not over, a seed not rebuilding the committed root, or a seed still unrevealed (details.revert).",
  },
  AUDITING_AFFILIATED_JUROR: {
    status: 403,
    description:
      "The juror is affiliated with a party (vetted as working for, or bound to, a party's member): it may not vote.",
  },
  AUDITING_ALREADY_VOTED: {
    status: 409,
    description: "The juror committed (or revealed) its vote on this jury already: a vote is cast once.",
  },
  AUDITING_COMMIT_CLOSED: { status: 409, description: "The jury's commit period is over." },
  AUDITING_REVEAL_NOT_OPEN: { status: 409, description: "The reveal period opens when the commit period ends." },
  AUDITING_REVEAL_CLOSED: {
    status: 409,
    description: "The reveal period is over: the juror's deposit is lost at the tally.",
  },
  AUDITING_NO_COMMITMENT: {
    status: 409,
    description: "This agent holds no committed vote of this juror on the case's current jury.",
  },
  AUDITING_COMMITMENT_MISMATCH: {
    status: 422,
    description: "The vote and salt do not open the juror's commitment (a wrong salt).",
  },
  AUDITING_VOTING_NOT_OVER: { status: 409, description: "The tally waits for the reveal period to end." },
  AUDITING_OBJECTION_WINDOW_CLOSED: {
    status: 409,
    description: "Objections are open during the verdict's epoch and the next one only.",
  },
  AUDITING_OBJECTION_WINDOW_OPEN: {
    status: 409,
    description: "An unobjected verdict is final only after the objection window (the verdict's epoch and the next).",
  },
  AUDITING_BALANCE_TOO_LOW: {
    status: 409,
    description: "The paying account holds less settlement money than the fee or stake this step takes.",
  },
  AUDITING_NOT_GOVERNOR: { status: 403, description: "Only a consortium governor proposes or approves parameters." },
  AUDITING_UNKNOWN_PROPOSAL: {
    status: 404,
    description: "No open parameter proposal with this id (unknown, or executed already).",
  },
  AUDITING_INVALID_PARAMS: {
    status: 422,
    description: "The proposed parameters break a rule of the court (the field is named in details.args).",
  },
  AUDITING_UNKNOWN_BANK: { status: 404, description: "No multi-signature bank (BankMultisig) at this address." },
  AUDITING_NOT_SIGNER: { status: 403, description: "This member is not a signer of the multi-signature bank." },
  AUDITING_INVALID_SIGNERS: {
    status: 422,
    description: "The bank's signers must be distinct non-zero accounts, at most 16, with 1 <= threshold <= signers.",
  },
  AUDITING_ALREADY_APPROVED: {
    status: 409,
    description: "This governor or signer approved this proposal or operation already.",
  },
  AUDITING_OPERATION_DONE: {
    status: 409,
    description: "The bank executed this operation already (same kind, member, amount and bank reference).",
  },
  AUDITING_MEASUREMENT_WRONG_SIGNER: {
    status: 422,
    description: "The slice measurement names another signer than the party of the side it claims.",
  },
  AUDITING_MEASUREMENT_TAMPERED: {
    status: 422,
    description:
      "The slice measurement's EIP-712 digest is not the one anchored on chain for its side (a changed figure, or never anchored).",
  },
  AUDITING_NO_EVIDENCE_KEY: {
    status: 409,
    description:
      "A drawn juror registered no usable P-256 evidence key with its signal: the evidence cannot be encrypted to it.",
  },
  AUDITING_NOT_RECIPIENT: {
    status: 403,
    description: "The evidence envelope is not encrypted to this juror (only the case's drawn jurors receive it).",
  },
  AUDITING_EVIDENCE_NOT_ANCHORED: {
    status: 409,
    description:
      "The opened evidence's digest was not anchored on chain by a party of the case (shareEvidence, or the complaint's evidenceHash): altered, or never shared.",
  },
  AUDITING_EVIDENCE_UNREADABLE: {
    status: 422,
    description:
      "The evidence envelope does not decrypt with the juror's key (tampered, malformed, or for another key).",
  },
  AUDITING_NO_EVIDENCE_SHARED: {
    status: 404,
    description: "This member shared no evidence on the case: it has nothing to seal to a drawn juror.",
  },
  AUDITING_EVIDENCE_OTHER_JURY: {
    status: 409,
    description:
      "The evidence envelope was sealed for another round or attempt of the case than its current jury: ask the party again.",
  },
});

export type AuditingErrorCode = keyof typeof AUDITING_ERRORS;

export class AuditingError extends DomainError<AuditingErrorCode> {
  constructor(code: AuditingErrorCode, message: string, options?: DomainErrorOptions) {
    super(code, message, options);
  }
}

/** The contracts' custom errors the agent foresees, by name. */
export const REVERT_CODES: Record<string, AuditingErrorCode> = {
  UnknownCase: "AUDITING_UNKNOWN_CASE",
  UnknownTask: "AUDITING_UNKNOWN_TASK",
  UnknownAgreement: "AUDITING_UNKNOWN_TASK",
  NotParty: "AUDITING_NOT_PARTY",
  PartyNotMember: "AUDITING_NOT_PARTY",
  NotVetter: "AUDITING_NOT_VETTER",
  DidTaken: "AUDITING_DID_TAKEN",
  AlreadyVetted: "AUDITING_DID_TAKEN",
  AuditorNotVetted: "AUDITING_NOT_VETTED",
  StakeTooLow: "AUDITING_STAKE_REFUSED",
  SignalOutOfRange: "AUDITING_STAKE_REFUSED",
  InsufficientFreeStake: "AUDITING_STAKE_REFUSED",
  StakeBondedUntil: "AUDITING_STAKE_BONDED",
  StakeInOpenValidation: "AUDITING_STAKE_BONDED",
  WrongCaseStatus: "AUDITING_WRONG_STATUS",
  WrongTaskStatus: "AUDITING_WRONG_STATUS",
  AgreementNotAccepted: "AUDITING_WRONG_STATUS",
  EscrowPeriodOver: "AUDITING_WRONG_STATUS",
  EscrowNotDue: "AUDITING_WRONG_STATUS",
  CaseExists: "AUDITING_CASE_EXISTS",
  WrongPhase: "AUDITING_BEACON_PHASE",
  NothingToReveal: "AUDITING_BEACON_PHASE",
  BeaconNotReady: "AUDITING_BEACON_NOT_READY",
  AuditBeaconNotReady: "AUDITING_BEACON_NOT_READY",
  NoAuditPending: "AUDITING_WRONG_STATUS",
  AuditPending: "AUDITING_AUDIT_PENDING",
  NotAJuror: "AUDITING_NOT_A_JUROR",
  NotDrawn: "AUDITING_NOT_DRAWN",
  InvalidTicket: "AUDITING_INVALID_TICKET",
  OnFirstJury: "AUDITING_ON_FIRST_JURY",
  NotSilent: "AUDITING_NOT_SILENT",
  TicketSeedsPending: "AUDITING_STAKE_BONDED",
  SlashWindowOpen: "AUDITING_STAKE_BONDED",
  SignalEpochMoved: "AUDITING_STAKE_REFUSED",
  TicketRootsLength: "AUDITING_STAKE_REFUSED",
  SeedsOutOfOrder: "AUDITING_TICKET_SEED",
  EpochNotOver: "AUDITING_TICKET_SEED",
  TicketSeedMismatch: "AUDITING_TICKET_SEED",
  TicketSeedNotRevealed: "AUDITING_TICKET_SEED",
  AffiliatedJuror: "AUDITING_AFFILIATED_JUROR",
  AlreadyCommitted: "AUDITING_ALREADY_VOTED",
  AlreadyRevealed: "AUDITING_ALREADY_VOTED",
  CommitClosed: "AUDITING_COMMIT_CLOSED",
  RevealNotOpen: "AUDITING_REVEAL_NOT_OPEN",
  RevealClosed: "AUDITING_REVEAL_CLOSED",
  NotCommitted: "AUDITING_NO_COMMITMENT",
  CommitmentMismatch: "AUDITING_COMMITMENT_MISMATCH",
  VotingNotOver: "AUDITING_VOTING_NOT_OVER",
  ObjectionWindowClosed: "AUDITING_OBJECTION_WINDOW_CLOSED",
  ObjectionWindowOpen: "AUDITING_OBJECTION_WINDOW_OPEN",
  ERC20InsufficientBalance: "AUDITING_BALANCE_TOO_LOW",
  NotGovernor: "AUDITING_NOT_GOVERNOR",
  UnknownProposal: "AUDITING_UNKNOWN_PROPOSAL",
  InvalidParams: "AUDITING_INVALID_PARAMS",
  NotSigner: "AUDITING_NOT_SIGNER",
  InvalidSigners: "AUDITING_INVALID_SIGNERS",
  AlreadyApproved: "AUDITING_ALREADY_APPROVED",
  OperationDone: "AUDITING_OPERATION_DONE",
};
