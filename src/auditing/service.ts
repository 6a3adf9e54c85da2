// Service-outcome auditing for one member's agent: agreements and tasks with escrow (as recipient or provider),
// complaints and objections, the member's part in the jury beacon, and the auditor accounts it hosts (created in its
// keystore and bound to the member; they stake, vote and withdraw from those accounts, so no auditor key leaves the
// agent). A juror's salt and the member's beacon secret are generated and kept here, and leave only in the reveal; an
// auditor's lottery tickets are derived from its own key (tickets.ts), committed at its signal and shown one at a time
// when it claims a seat.
import { randomBytes } from "node:crypto";
import { type Address, type Hex, keccak256, parseEventLogs, toHex } from "viem";
import { invalidField } from "../core/errors/index.ts";
import { OutcomeCourt, ServiceEscrow } from "../generated/contracts.ts";
import { AuditingError } from "./errors.ts";
import { evidenceDigest } from "./evidence.ts";
import {
  type AuditingLedger,
  agreementIdOf,
  beaconCommitmentOf,
  caseIdOf,
  EPOCH_SECONDS,
  taskIdOf,
  voteCommitmentOf,
} from "./ledger.ts";
import { type Measurement, measurementDigest, type Side, typedMeasurement, verifyMeasurement } from "./measurements.ts";
import type { AuditingReadModel } from "./readModel.ts";
import type { AuditingRepository, BallotKey } from "./repository.ts";
import { refusalOf } from "./reverts.ts";
import { type DigestSigner, epochSeedOf, ticketOf, ticketProof, ticketRoot } from "./tickets.ts";

const BPS = 10_000n;
const ZERO32 = `0x${"0".repeat(64)}` as Hex;
const fresh = (): Hex => toHex(randomBytes(32));
const digest = (text: string): Hex => keccak256(toHex(text));
export const VOTES = { uphold: 1, reject: 2 } as const;
/** IServiceEscrow.AuditState, by value. */
const AUDIT_STATES = ["none", "pending", "selected", "skipped"];
export type VoteName = keyof typeof VOTES;

export interface AuditingServiceOptions {
  ledger: AuditingLedger;
  readModel: AuditingReadModel;
  repository: AuditingRepository;
  chainId: number;
  me: Address;
  /** A new secp256k1 key in this agent's keystore; answers its address. */
  newAccount(label: string): Promise<Address>;
  /** Binds an account of this agent's keystore to the member (identity only, no roles). */
  bindAccount(account: Address): Promise<unknown>;
  /** The member an account acts for, per the consortium registry (zero address: none). */
  memberOf(account: Address): Promise<Address>;
  didOf(account: Address): string;
  /**
   * The x coordinate of the hosted auditor's P-256 evidence key, created in this agent's keystore on first use (the
   * private key never leaves it): what the auditor registers with its signal, so evidence can be encrypted to it.
   */
  evidenceKeyOf(account: Address): Promise<Hex>;
  /** A digest signer for a hosted auditor's key, inside the keystore (its tickets' seeds are derived with it). */
  digestSigner(account: Address): Promise<DigestSigner>;
  /** Signs EIP-712 typed data with the member's account key (inside the keystore). */
  signTypedData(typed: ReturnType<typeof typedMeasurement>): Promise<Hex>;
  /** The latest block's timestamp. */
  now(): Promise<bigint>;
  /** Waits until the read model has indexed what is mined so far. */
  sync(): Promise<unknown>;
}

interface ChainCase {
  taskId: Hex;
  requester: Address;
  status: number;
  round: number;
  attempt: number;
  beaconKey: Hex;
}

/** IOutcomeCourt.Panel: a round's windows, votes and lottery. */
interface ChainPanel {
  commitEnd: bigint;
  revealEnd: bigint;
  size: number;
  epoch: bigint;
  slot: number;
  threshold: bigint;
  seed: Hex;
}

interface ChainBallot {
  seated: boolean;
  claimed: boolean;
  ticket: bigint;
  vote: number;
}

interface Params {
  minAuditorStake: bigint;
  complaintStakeBps: number;
  objectionStakeBps: number;
  vetQuorum: number;
  maxSignalEpochs: number;
}

export class AuditingService {
  readonly #o: AuditingServiceOptions;

  constructor(options: AuditingServiceOptions) {
    this.#o = options;
  }

  get me(): Address {
    return this.#o.me;
  }

  // ---------------------------------------------------------------- auditors

  /** A new auditor account: its key generated in this agent's keystore, bound to this member, with its own did:ethr. */
  async createAuditor(label: string) {
    const account = (await this.#o.newAccount(`auditor: ${label}`)).toLowerCase() as Address;
    await this.#o.bindAccount(account);
    const did = this.#o.didOf(account);
    await this.#o.repository.addAuditor(account, did, label);
    return { account, did, didHash: digest(did), member: this.#o.me, label };
  }

  /** As KYC vetter: vets an auditor under its DID, affiliated with the member its account is bound to. */
  async vetAuditor(account: Address, did: string) {
    const didAccount = did.split(":").pop()?.toLowerCase();
    if (didAccount !== account.toLowerCase())
      throw invalidField("body.did", "must be the did:ethr of the auditor's account");
    const affiliation = await this.#o.memberOf(account);
    const didHash = digest(did);
    const receipt = await this.#write(
      this.#o.me,
      "court",
      "vetAuditor",
      [account, didHash, affiliation],
      `vet ${account}`,
    );
    return {
      account: account.toLowerCase(),
      didHash,
      affiliation: affiliation.toLowerCase(),
      txHash: receipt.transactionHash,
    };
  }

  /** As KYC vetter: records the member an auditor works for (disqualifies it from that member's cases). */
  async declareAffiliation(account: Address, member: Address) {
    const receipt = await this.#write(
      this.#o.me,
      "court",
      "declareAffiliation",
      [account, member],
      `affiliate ${account}`,
    );
    return { account: account.toLowerCase(), affiliation: member.toLowerCase(), txHash: receipt.transactionHash };
  }

  /**
   * A hosted auditor signals for `epochs` epochs from the next one: the member funds its stake, the auditor approves
   * the court and stakes. The court's rules are checked first, so a refused signal moves no money.
   */
  async signal(account: Address, amount: bigint, capacity: number, epochs: number) {
    await this.#hosted(account);
    const params = await this.#params();
    const au = await this.#o.ledger.read<{ bonded: bigint; vetCount: number }>("court", "auditor", [account]);
    if (au.vetCount < params.vetQuorum) {
      throw new AuditingError("AUDITING_NOT_VETTED", `${account} is vetted by ${au.vetCount} of ${params.vetQuorum}`);
    }
    if (epochs > params.maxSignalEpochs) {
      throw new AuditingError("AUDITING_STAKE_REFUSED", `at most ${params.maxSignalEpochs} epochs per signal`, {
        field: "body.epochs",
        problem: `must be at most ${params.maxSignalEpochs}`,
      });
    }
    if (au.bonded + amount < params.minAuditorStake) {
      throw new AuditingError(
        "AUDITING_STAKE_REFUSED",
        `a stake of ${au.bonded + amount} is below ${params.minAuditorStake}`,
        {
          field: "body.amount",
          problem: `the bonded stake must reach ${params.minAuditorStake}`,
        },
      );
    }
    if (amount > 0n) {
      await this.#write(this.#o.me, "token", "transfer", [account, amount], `fund auditor ${account}`);
      await this.#write(account, "token", "approve", [this.#o.ledger.court, amount], `auditor approves ${amount}`);
    }
    const evidenceKey = await this.#o.evidenceKeyOf(account);
    const sign = await this.#o.digestSigner(account);
    // One ticket root per epoch from the next one; if the epoch turns before the transaction is mined the court
    // refuses it (SignalEpochMoved) and the roots are made again for the new epochs.
    const signalFrom = async () => {
      const first = (await this.#o.ledger.read<bigint>("court", "currentEpoch")) + 1n;
      const roots = Array.from({ length: epochs }, (_, i) => ticketRoot(epochSeedOf(sign, first + BigInt(i))));
      return this.#write(
        account,
        "court",
        "signal",
        [amount, capacity, BigInt(epochs), evidenceKey, first, roots],
        `signal ${account}`,
      );
    };
    const receipt = await signalFrom().catch((error: unknown) => {
      if (error instanceof AuditingError && error.details?.revert === "SignalEpochMoved") return signalFrom();
      throw error;
    });
    return { account: account.toLowerCase(), ...(await this.stake(account)), txHash: receipt.transactionHash };
  }

  /** A hosted auditor withdraws free stake to its own account (refused while bonded). */
  async withdraw(account: Address, amount: bigint) {
    await this.#hosted(account);
    const receipt = await this.#write(account, "court", "withdrawStake", [amount], `withdraw ${account}`);
    return { account: account.toLowerCase(), ...(await this.stake(account)), txHash: receipt.transactionHash };
  }

  /** The court's live view of an auditor's stake (bonded, locked in deposits) and its token balance. */
  async stake(account: Address) {
    const au = await this.#o.ledger.read<{ bonded: bigint; locked: bigint; lastEpoch: bigint; capacity: number }>(
      "court",
      "auditor",
      [account],
    );
    return {
      bonded: au.bonded.toString(),
      locked: au.locked.toString(),
      lastEpoch: Number(au.lastEpoch),
      balance: (await this.#o.ledger.balanceOf(account)).toString(),
    };
  }

  // ---------------------------------------------------------------- agreements and tasks

  /** As recipient: proposes an agreement to a provider; the id is computed before sending. */
  async proposeAgreement(input: {
    provider: Address;
    fee: bigint;
    upfrontBps: number;
    escrowSeconds: number;
    auditBps?: number;
    terms: string;
  }) {
    const terms = { ...input, auditBps: input.auditBps ?? 0, termsHash: digest(input.terms), salt: fresh() };
    const agreementId = agreementIdOf(this.#o.chainId, await this.#o.ledger.escrow(), this.#o.me, terms);
    await this.#write(
      this.#o.me,
      "escrow",
      "proposeAgreement",
      [terms.provider, terms.fee, terms.upfrontBps, terms.escrowSeconds, terms.auditBps, terms.termsHash, terms.salt],
      `propose agreement ${agreementId.slice(0, 10)}`,
    );
    return { agreementId, termsHash: terms.termsHash };
  }

  async acceptAgreement(agreementId: Hex) {
    const receipt = await this.#write(
      this.#o.me,
      "escrow",
      "acceptAgreement",
      [agreementId],
      `accept ${agreementId.slice(0, 10)}`,
    );
    return { agreementId, txHash: receipt.transactionHash };
  }

  /** As recipient: orders a task and pays the whole fee into the escrow. */
  async orderTask(agreementId: Hex, reference: string) {
    const agreement = await this.#o.ledger.read<{ provider: Address; fee: bigint; recipient: Address }>(
      "escrow",
      "agreement",
      [agreementId],
    );
    if (BigInt(agreement.provider) === 0n) {
      throw new AuditingError("AUDITING_UNKNOWN_TASK", `no agreement ${agreementId}`, {
        field: "body.agreementId",
        problem: "no such agreement",
      });
    }
    const taskRef = digest(reference);
    const taskId = taskIdOf(agreementId, taskRef);
    if (agreement.recipient.toLowerCase() === this.#o.me.toLowerCase()) {
      await this.#write(
        this.#o.me,
        "token",
        "approve",
        [await this.#o.ledger.escrow(), agreement.fee],
        `approve fee ${taskId.slice(0, 10)}`,
      );
    }
    await this.#write(this.#o.me, "escrow", "orderTask", [agreementId, taskRef], `order task ${taskId.slice(0, 10)}`);
    return { taskId, agreementId, taskRef, fee: agreement.fee.toString() };
  }

  /** As provider: reports the task completed (digest of its signed report); X% is paid at once, Y% escrowed. */
  async completeTask(taskId: Hex, report: string) {
    const receipt = await this.#write(
      this.#o.me,
      "escrow",
      "reportCompletion",
      [taskId, digest(report)],
      `complete ${taskId.slice(0, 10)}`,
    );
    return { ...(await this.task(taskId)), txHash: receipt.transactionHash };
  }

  async releaseEscrow(taskId: Hex) {
    const receipt = await this.#write(
      this.#o.me,
      "escrow",
      "releaseEscrow",
      [taskId],
      `release ${taskId.slice(0, 10)}`,
    );
    return { ...(await this.task(taskId)), txHash: receipt.transactionHash };
  }

  async task(taskId: Hex) {
    const t = await this.#o.ledger.read<{
      agreementId: Hex;
      status: number;
      completedAt: bigint;
      escrowed: bigint;
      audit: number;
      auditAttempt: number;
      auditBeacon: Hex;
    }>("escrow", "task", [taskId]);
    if (t.status === 0) throw new AuditingError("AUDITING_UNKNOWN_TASK", `no task ${taskId} in the escrow`);
    const a = await this.#o.ledger.read<{ auditBps: number }>("escrow", "agreement", [t.agreementId]);
    const statuses = ["none", "ordered", "completed", "disputed", "released", "refunded"];
    const audit = AUDIT_STATES[t.audit] ?? String(t.audit);
    return {
      taskId,
      agreementId: t.agreementId,
      status: statuses[t.status] ?? String(t.status),
      completedAt: Number(t.completedAt),
      escrowed: t.escrowed.toString(),
      auditBps: Number(a.auditBps),
      audit,
      auditAttempt: Number(t.auditAttempt),
      auditBeaconKey: BigInt(t.auditBeacon) === 0n ? null : t.auditBeacon,
      // The escrow is the requester of the case its lottery opens (a complaint may have covered the task instead).
      auditCaseId: audit === "selected" ? caseIdOf(taskId, await this.#o.ledger.escrow()) : null,
    };
  }

  // ---------------------------------------------------------------- random audits

  /** The escrow's address: the requester of every case a random-audit lottery opened. */
  async escrowAddress(): Promise<string> {
    return (await this.#o.ledger.escrow()).toLowerCase();
  }

  /** The member commits a fresh secret to the task's random-audit lottery round (kept here until it reveals it). */
  async auditBeaconCommit(taskId: Hex) {
    const { auditBeaconKey } = await this.#pendingAudit(taskId);
    await this.#commitBeacon(auditBeaconKey);
    return { taskId, beaconKey: auditBeaconKey, committed: true };
  }

  async auditBeaconReveal(taskId: Hex) {
    const { auditBeaconKey } = await this.#pendingAudit(taskId);
    await this.#revealBeacon(auditBeaconKey);
    return { taskId, beaconKey: auditBeaconKey, revealed: true };
  }

  /**
   * Anyone: draws the task's lottery once its beacon round is over. Selected when the roll is below the agreed rate:
   * the escrow then complains to the court itself (no stake) and the case runs like a complaint.
   */
  async drawAudit(taskId: Hex) {
    await this.#pendingAudit(taskId);
    const receipt = await this.#write(this.#o.me, "escrow", "drawAudit", [taskId], `draw audit ${taskId.slice(0, 10)}`);
    const escrow = await this.#o.ledger.escrow();
    const drawn = parseEventLogs({ abi: ServiceEscrow.abi, eventName: "AuditDrawn", logs: receipt.logs }).find(
      (l) => l.address.toLowerCase() === escrow.toLowerCase(),
    );
    const after = await this.task(taskId);
    return {
      taskId,
      selected: after.audit === "selected",
      // No AuditDrawn on a failed beacon round that opened the next one; roll 10 000 marks the lottery given up.
      roll: drawn && drawn.args.roll < 10_000 ? drawn.args.roll : null,
      auditBps: after.auditBps,
      audit: after.audit,
      caseId: after.status === "disputed" ? after.auditCaseId : null,
      txHash: receipt.transactionHash,
    };
  }

  async #pendingAudit(taskId: Hex) {
    const t = await this.task(taskId);
    if (t.audit !== "pending" || !t.auditBeaconKey) {
      throw new AuditingError("AUDITING_WRONG_STATUS", `task ${taskId} has no random-audit lottery pending`, {
        details: { revert: "NoAuditPending", args: [taskId, t.audit] },
      });
    }
    return { ...t, auditBeaconKey: t.auditBeaconKey };
  }

  // ---------------------------------------------------------------- slice SLA measurements

  /**
   * As either party of a slice period (a task): signs this member's measurement of the period (EIP-712, the member's
   * key) and anchors its digest: the provider's with reportCompletion (paying the period), the recipient's with
   * anchorMeasurement. Answers the signed measurement for the other side and the jury.
   */
  async measure(taskId: Hex, figures: { latencyP95Ms: number; availabilityBps: number; throughputMbps: number }) {
    const { side } = await this.#sideOf(taskId);
    const escrow = await this.#o.ledger.escrow();
    const measurement: Measurement = { taskId, side, ...figures, signer: this.#o.me };
    const signature = await this.#o.signTypedData(typedMeasurement(this.#o.chainId, escrow, measurement));
    const digest = measurementDigest(this.#o.chainId, escrow, measurement);
    const receipt = await this.#write(
      this.#o.me,
      "escrow",
      side === "provider" ? "reportCompletion" : "anchorMeasurement",
      [taskId, digest],
      `${side} measurement ${taskId.slice(0, 10)}`,
    );
    return { measurement, signature, digest, txHash: receipt.transactionHash };
  }

  /** Checks a signed measurement against the chain: its side's party signed it and its digest is the anchored one. */
  async verifyMeasurement(measurement: Measurement, signature: Hex) {
    const t = await this.#o.ledger.read<{
      agreementId: Hex;
      status: number;
      providerReport: Hex;
      recipientReport: Hex;
    }>("escrow", "task", [measurement.taskId]);
    if (t.status === 0) {
      throw new AuditingError("AUDITING_UNKNOWN_TASK", `no task ${measurement.taskId} in the escrow`, {
        field: "body.measurement.taskId",
        problem: "no such task",
      });
    }
    const a = await this.#o.ledger.read<{ provider: Address; recipient: Address }>("escrow", "agreement", [
      t.agreementId,
    ]);
    const digest = await verifyMeasurement(this.#o.chainId, await this.#o.ledger.escrow(), measurement, signature, {
      provider: a.provider,
      recipient: a.recipient,
      providerReport: t.providerReport,
      recipientReport: t.recipientReport,
    });
    return { valid: true, side: measurement.side, signer: measurement.signer.toLowerCase(), digest };
  }

  async #sideOf(taskId: Hex): Promise<{ side: Side }> {
    const t = await this.#o.ledger.read<{ agreementId: Hex; status: number }>("escrow", "task", [taskId]);
    if (t.status === 0) throw new AuditingError("AUDITING_UNKNOWN_TASK", `no task ${taskId} in the escrow`);
    const a = await this.#o.ledger.read<{ provider: Address; recipient: Address }>("escrow", "agreement", [
      t.agreementId,
    ]);
    const me = this.#o.me.toLowerCase();
    if (a.provider.toLowerCase() === me) return { side: "provider" };
    if (a.recipient.toLowerCase() === me) return { side: "recipient" };
    throw new AuditingError("AUDITING_NOT_PARTY", `${me} is not a party of task ${taskId}`, {
      details: { revert: "NotParty" },
    });
  }

  // ---------------------------------------------------------------- cases

  /** As recipient: complains about a completed task, staking complaintStakeBps of the fee; opens the beacon round. */
  async complain(
    taskId: Hex,
    evidence: string,
    measurements: ReadonlyArray<{ measurement: Measurement; signature: Hex }> = [],
  ) {
    // A breach claim on a slice period: every signed measurement it relies on must be the anchored one, before any stake.
    for (const [i, m] of measurements.entries()) {
      if (m.measurement.taskId.toLowerCase() !== taskId.toLowerCase()) {
        throw invalidField(`body.measurements.${i}.measurement.taskId`, "must be the task complained about");
      }
      await this.verifyMeasurement(m.measurement, m.signature);
    }
    const parties = await this.#o.ledger.read<{ fee: bigint }>("escrow", "parties", [taskId]);
    const stake = (parties.fee * BigInt((await this.#params()).complaintStakeBps)) / BPS;
    const caseId = caseIdOf(taskId, this.#o.me);
    if (stake > 0n)
      await this.#write(
        this.#o.me,
        "token",
        "approve",
        [this.#o.ledger.court, stake],
        `approve complaint ${caseId.slice(0, 10)}`,
      );
    // The complaint's own text is the complainant's first evidence share: kept here (a drawn juror asks for it with
    // its ticket proof) and anchored by its digest with the complaint.
    const report = [{ kind: "report" as const, content: evidence }];
    const evidenceHash = evidenceDigest(caseId, report);
    await this.#o.repository.saveShare(caseId, evidenceHash, JSON.stringify(report));
    const receipt = await this.#write(
      this.#o.me,
      "court",
      "complain",
      [taskId, evidenceHash],
      `complain ${caseId.slice(0, 10)}`,
    ).catch(async (error: unknown) => {
      await this.#o.repository.dropUnanchoredShare(caseId, evidenceHash);
      throw error;
    });
    await this.#o.repository.markShareAnchored(caseId, evidenceHash, receipt.transactionHash);
    return { caseId, taskId, stake: stake.toString() };
  }

  /** As a party: objects to a provisional verdict, staking objectionStakeBps of the escrow; a fresh jury is drawn. */
  async object(caseId: Hex) {
    const c = await this.#case(caseId);
    const parties = await this.#o.ledger.read<{ escrowed: bigint }>("court", "parties", [caseId]);
    const stake = (parties.escrowed * BigInt((await this.#params()).objectionStakeBps)) / BPS;
    if (stake > 0n)
      await this.#write(
        this.#o.me,
        "token",
        "approve",
        [this.#o.ledger.court, stake],
        `approve objection ${caseId.slice(0, 10)}`,
      );
    await this.#write(this.#o.me, "court", "object", [caseId], `object ${caseId.slice(0, 10)}`);
    return { caseId, taskId: c.taskId, stake: stake.toString() };
  }

  /** Anyone: draws the case's jury once its beacon round is ready. */
  async draw(caseId: Hex) {
    await this.#case(caseId);
    await this.#write(this.#o.me, "court", "draw", [caseId], `draw ${caseId.slice(0, 10)}`);
    return this.#settled(caseId);
  }

  /** Anyone: counts the revealed votes once the reveal period is over (slashes silent jurors, pays on a verdict). */
  async tally(caseId: Hex) {
    await this.#case(caseId);
    await this.#write(this.#o.me, "court", "tally", [caseId], `tally ${caseId.slice(0, 10)}`);
    return this.#settled(caseId);
  }

  /** Anyone: closes an unobjected verdict after its objection window. */
  async finalize(caseId: Hex) {
    await this.#case(caseId);
    await this.#write(this.#o.me, "court", "finalize", [caseId], `finalize ${caseId.slice(0, 10)}`);
    return this.#settled(caseId);
  }

  /** The member commits a fresh secret to the case's current beacon round (kept here until it reveals it). */
  async beaconCommit(caseId: Hex) {
    const { beaconKey } = await this.#case(caseId);
    await this.#commitBeacon(beaconKey);
    return { caseId, beaconKey, committed: true };
  }

  async beaconReveal(caseId: Hex) {
    const { beaconKey } = await this.#case(caseId);
    await this.#revealBeacon(beaconKey);
    return { caseId, beaconKey, revealed: true };
  }

  async #commitBeacon(beaconKey: Hex) {
    const secret = fresh();
    if (!(await this.#o.repository.saveBeaconSecret(beaconKey, secret))) {
      throw new AuditingError("AUDITING_BEACON_PHASE", `this member committed to beacon round ${beaconKey} already`, {
        details: { revert: "AlreadyCommitted" },
      });
    }
    try {
      await this.#write(
        this.#o.me,
        "beacon",
        "commit",
        [beaconKey, beaconCommitmentOf(beaconKey, this.#o.me, secret)],
        `beacon commit ${beaconKey.slice(0, 10)}`,
      );
    } catch (error) {
      await this.#o.repository.dropBeaconSecret(beaconKey);
      throw error;
    }
  }

  async #revealBeacon(beaconKey: Hex) {
    const kept = await this.#o.repository.beaconSecret(beaconKey);
    if (!kept)
      throw new AuditingError("AUDITING_BEACON_PHASE", `this member holds no secret for beacon round ${beaconKey}`, {
        details: { revert: "NothingToReveal" },
      });
    await this.#write(
      this.#o.me,
      "beacon",
      "reveal",
      [beaconKey, kept.secret],
      `beacon reveal ${beaconKey.slice(0, 10)}`,
    );
    await this.#o.repository.markBeaconRevealed(beaconKey);
  }

  /**
   * A hosted auditor drawn in the case's current lottery claims its seat and commits its vote in one transaction,
   * showing its ticket secret and proof; the salt is generated and kept here, so only this agent can open the vote.
   * Refused before anything is sent when its ticket is above the lottery's threshold.
   */
  async vote(caseId: Hex, juror: Address, vote: VoteName) {
    await this.#hosted(juror);
    const c = await this.#case(caseId);
    const ticket = await this.#ticket(caseId, c.round, juror);
    if (!ticket.drawn) {
      throw new AuditingError("AUDITING_NOT_DRAWN", `${juror} was not drawn in this lottery of ${caseId}`, {
        details: { revert: "NotDrawn", args: [caseId, juror, ticket.ticket.toString(), ticket.threshold.toString()] },
      });
    }
    const key: BallotKey = { caseId, round: c.round, attempt: c.attempt, juror };
    const salt = fresh();
    if (!(await this.#o.repository.saveVote(key, VOTES[vote], salt))) {
      throw new AuditingError("AUDITING_ALREADY_VOTED", `${juror} voted on this jury of ${caseId} already`, {
        details: { revert: "AlreadyCommitted" },
      });
    }
    const commitment = voteCommitmentOf(caseId, c.round, c.attempt, juror, VOTES[vote], salt);
    try {
      await this.#write(
        juror,
        "court",
        "commitVote",
        [caseId, commitment, ticket.secret, ticket.proof],
        `commit vote ${caseId.slice(0, 10)}`,
      );
    } catch (error) {
      await this.#o.repository.dropVote(key);
      throw error;
    }
    const ballot = await this.#o.ledger.read<ChainBallot>("court", "ballot", [caseId, c.round, juror]);
    await this.#o.sync(); // the seat (and any juror it displaced) is in the read model when this answers
    return {
      caseId,
      juror: juror.toLowerCase(),
      round: c.round,
      attempt: c.attempt,
      committed: true,
      ticket: ticket.ticket.toString(),
      seated: ballot.seated,
    };
  }

  /**
   * The case's current lottery as this agent's auditors see it: for each hosted auditor its ticket, whether it is
   * drawn, and whether it claimed and sits. Only this agent can compute its auditors' tickets before they claim.
   */
  async lottery(caseId: Hex) {
    const c = await this.#case(caseId);
    const p = await this.#o.ledger.read<ChainPanel>("court", "panel", [caseId, c.round]);
    if (p.commitEnd === 0n) {
      throw new AuditingError("AUDITING_WRONG_STATUS", `case ${caseId} has no lottery open: it waits for its draw`, {
        details: { revert: "WrongCaseStatus" },
      });
    }
    const auditors = [];
    for (const { account } of await this.#o.repository.hostedAuditors(1_000)) {
      const juror = account as Address;
      if ((await this.#o.ledger.read<Hex>("tickets", "rootOf", [juror, p.epoch])) === ZERO32) continue;
      const ticket = await this.#ticket(caseId, c.round, juror, p);
      const ballot = await this.#o.ledger.read<ChainBallot>("court", "ballot", [caseId, c.round, juror]);
      auditors.push({
        juror: juror.toLowerCase(),
        ticket: ticket.ticket.toString(),
        drawn: ticket.drawn,
        claimed: ballot.claimed,
        seated: ballot.seated,
      });
    }
    return {
      caseId,
      round: c.round,
      attempt: c.attempt,
      epoch: Number(p.epoch),
      slot: p.slot,
      seed: p.seed,
      threshold: p.threshold.toString(),
      size: p.size,
      commitEnd: Number(p.commitEnd),
      auditors,
    };
  }

  /**
   * A hosted auditor reveals its ticket seeds for every epoch over and not yet revealed (the court's condition for
   * its stake to leave, and what lets anyone slash a drawn auditor that stayed silent).
   */
  async revealSeeds(account: Address) {
    await this.#hosted(account);
    const [through] = await this.#o.ledger.read<readonly [bigint, bigint]>("tickets", "revealedThrough", [account]);
    const current = await this.#o.ledger.read<bigint>("court", "currentEpoch");
    const from = through + 1n;
    if (from >= current) return { account: account.toLowerCase(), revealedThrough: Number(through), revealed: 0 };
    const sign = await this.#o.digestSigner(account);
    const seeds = [];
    for (let e = from; e < current; e++) seeds.push(epochSeedOf(sign, e));
    const receipt = await this.#write(
      account,
      "tickets",
      "revealSeeds",
      [from, seeds],
      `reveal ticket seeds ${account.slice(0, 10)}`,
    );
    return {
      account: account.toLowerCase(),
      revealedThrough: Number(current - 1n),
      revealed: seeds.length,
      txHash: receipt.transactionHash,
    };
  }

  /** Anyone: slashes an auditor drawn in a case's lottery that never claimed, once its seed for the epoch is out. */
  async slashSilent(caseId: Hex, round: number, attempt: number, auditor: Address) {
    await this.#case(caseId);
    const receipt = await this.#write(
      this.#o.me,
      "court",
      "slashSilent",
      [caseId, round, attempt, auditor],
      `slash silent ${auditor.slice(0, 10)}`,
    );
    const [slashed] = parseEventLogs({
      abi: OutcomeCourt.abi,
      logs: receipt.logs,
      eventName: "JurorSlashed",
    });
    return {
      caseId,
      round,
      attempt,
      auditor: auditor.toLowerCase(),
      slashed: (slashed?.args.amount ?? 0n).toString(),
      txHash: receipt.transactionHash,
    };
  }

  /** A hosted auditor's ticket in the case's lottery of `round`: secret, proof, value, and whether it is drawn. */
  async #ticket(caseId: Hex, round: number, juror: Address, known?: ChainPanel) {
    const p = known ?? (await this.#o.ledger.read<ChainPanel>("court", "panel", [caseId, round]));
    const sign = await this.#o.digestSigner(juror);
    const { secret, proof } = ticketProof(epochSeedOf(sign, p.epoch), p.slot);
    const ticket = ticketOf(secret, p.seed);
    return { secret, proof, ticket, threshold: p.threshold, drawn: p.commitEnd !== 0n && ticket <= p.threshold };
  }

  /** A hosted juror reveals its kept vote (`salt` only when opening with a salt kept elsewhere). */
  async reveal(caseId: Hex, juror: Address, salt?: Hex) {
    await this.#hosted(juror);
    const c = await this.#case(caseId);
    const key: BallotKey = { caseId, round: c.round, attempt: c.attempt, juror };
    const kept = await this.#o.repository.vote(key);
    if (!kept)
      throw new AuditingError(
        "AUDITING_NO_COMMITMENT",
        `this agent holds no vote of ${juror} on this jury of ${caseId}`,
      );
    await this.#write(
      juror,
      "court",
      "revealVote",
      [caseId, kept.vote, salt ?? kept.salt],
      `reveal vote ${caseId.slice(0, 10)}`,
    );
    await this.#o.repository.markVoteRevealed(key);
    const name = kept.vote === VOTES.uphold ? "uphold" : "reject";
    return { caseId, juror: juror.toLowerCase(), round: c.round, attempt: c.attempt, vote: name };
  }

  /** Token balances of the given accounts, of the court and of the escrow, with any auditor's stake. */
  async balances(accounts: readonly Address[]) {
    const escrow = await this.#o.ledger.escrow();
    const rows = [];
    for (const [account, role] of [
      ...accounts.map((a) => [a, undefined] as const),
      [this.#o.ledger.court, "court"] as const,
      [escrow, "escrow"] as const,
    ]) {
      const au = await this.#o.ledger.read<{ bonded: bigint; locked: bigint }>("court", "auditor", [account]);
      rows.push({
        account: account.toLowerCase(),
        ...(role ? { role } : {}),
        balance: (await this.#o.ledger.balanceOf(account)).toString(),
        bonded: au.bonded.toString(),
        locked: au.locked.toString(),
      });
    }
    return { accounts: rows };
  }

  /**
   * The court's current epoch and when it started and ends, in chain time (the court numbers epochs from its
   * deployment block; the next epoch's first second is found with its own epochOf, twelve reads for an hour).
   */
  async epoch() {
    const now = await this.#o.now();
    const epoch = await this.#o.ledger.read<bigint>("court", "epochOf", [now]);
    // The first second whose epoch is the next one lies within one epoch length after now.
    let low = now + 1n;
    let high = now + EPOCH_SECONDS;
    while (low < high) {
      const mid = (low + high) / 2n;
      if ((await this.#o.ledger.read<bigint>("court", "epochOf", [mid])) > epoch) high = mid;
      else low = mid + 1n;
    }
    return {
      epoch: Number(epoch),
      startedAt: Number(low - EPOCH_SECONDS),
      endsAt: Number(low),
      epochSeconds: Number(EPOCH_SECONDS),
      now: Number(now),
    };
  }

  // ---------------------------------------------------------------- internals

  async #settled(caseId: Hex) {
    await this.#o.sync();
    const c = await this.#case(caseId);
    const statuses = ["none", "drawing", "voting", "provisional", "closed"];
    return { caseId, status: statuses[c.status] ?? String(c.status), round: c.round, attempt: c.attempt };
  }

  async #case(caseId: Hex): Promise<ChainCase> {
    const c = await this.#o.ledger.read<ChainCase>("court", "getCase", [caseId]);
    if (c.status === 0)
      throw new AuditingError("AUDITING_UNKNOWN_CASE", `no case ${caseId} on the ledger`, {
        field: "params.caseId",
        problem: "no such case",
      });
    return c;
  }

  async #hosted(account: Address): Promise<void> {
    if (!(await this.#o.repository.hostedAuditor(account))) {
      throw new AuditingError("AUDITING_UNKNOWN_AUDITOR", `${account} is not an auditor account of this agent`);
    }
  }

  #params(): Promise<Params> {
    return this.#o.ledger.read<Params>("court", "params");
  }

  async #write(
    from: Address,
    target: "court" | "escrow" | "beacon" | "token" | "tickets",
    fn: string,
    args: readonly unknown[],
    label: string,
  ) {
    try {
      return await this.#o.ledger.send(from, target, fn, args, label);
    } catch (error) {
      throw refusalOf(error, label);
    }
  }
}
