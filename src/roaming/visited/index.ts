// The visited operator's side: a device attaches with its IMSI; the agent finds the home operator from the ledger's
// network codes, records an encrypted request (batched per home operator), opens the answer, activates only what was
// granted AND requested (decision.ts), and records the activation (or refusal). Sessions that get no answer in time
// are closed as timed out, on chain too (`expire`). Every session ends in exactly one recorded outcome.
// Parts: repository.ts (the sessions' SQL), decision.ts (pure), submission.ts (batched writes to the chain),
// waiters.ts (callers waiting for an outcome).
import { createHmac, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Address, Hex } from "viem";
import type { Outbox } from "../../core/chain/outbox/outbox.ts";
import type { FieldPath } from "../../core/errors/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { SealedRow } from "../ciphertexts.ts";
import { JweOpener } from "../crypto/jwe.ts";
import type { EncryptionPublicJwk } from "../crypto/jwk.ts";
import type { EncryptionKeyRing } from "../crypto/keyRing.ts";
import { PairKeyCache, requestTag } from "../crypto/pseudonym.ts";
import { RoamingError } from "../errors.ts";
import { parseImsi } from "../imsi.ts";
import type { OperatorDirectory } from "../operators.ts";
import type { AnswerPayload } from "../payloads.ts";
import type { SessionChainRow } from "../readModel.ts";
import { SERVICES, type ServiceFlags } from "../subscribers/register.ts";
import { decideActivation, type OpenedAnswer } from "./decision.ts";
import {
  type DecidedSession,
  type NewSession,
  type ResendableSession,
  SessionRepository,
  type StoredSession,
} from "./repository.ts";
import { type QueuedActivation, type QueuedRequest, VisitedSubmission } from "./submission.ts";
import { type AttachInput, OPEN_STATES, type SessionState, type SessionView } from "./types.ts";
import { SessionWaiters } from "./waiters.ts";

export { type AttachInput, SESSION_STATES, type SessionState, type SessionView } from "./types.ts";

export interface VisitedServiceOptions {
  store: Store;
  outbox: Outbox;
  logger: Logger;
  memberAccount: Address;
  exchange: Address;
  ring: EncryptionKeyRing;
  directory: OperatorDirectory;
  /** Request lifetime: after it the HPMN may no longer answer and the session times out. */
  requestTtlSeconds: number;
  /** Batch tuning; `blockGasLimit` (read from the chain) caps the batch size (exchange.ts batchSizeWithin). */
  batch: { maxSize: number; maxDelayMs: number; maxInFlight: number; blockGasLimit?: bigint };
}

const ZERO32 = `0x${"0".repeat(64)}` as Hex;
/** A request sent again must still have this long to live, or the home operator could not answer it in time. */
const RESEND_MIN_TTL_SECONDS = 10;

/** States whose session ends with a record on chain (activation, refusal or expiry) once its request is there. */
const CLOSABLE_STATES: readonly string[] = ["active", "refused", "timed-out"];

/** What a reconciliation pass did. */
export interface ReconcileReport {
  /** Rows that caught up with a request or closing record found on chain. */
  adopted: number;
  /** Requests, activations and expiries queued again: on chain nowhere, and in no batch of this process. */
  resent: number;
}

export class VisitedService {
  readonly #o: VisitedServiceOptions;
  readonly #me: string;
  readonly #opener: JweOpener;
  readonly #pairKeys = new PairKeyCache();
  readonly #sessions: SessionRepository;
  readonly #waiters = new SessionWaiters();
  readonly #submission: VisitedSubmission;

  constructor(options: VisitedServiceOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase();
    this.#opener = new JweOpener(options.ring);
    this.#sessions = new SessionRepository(options.store);
    this.#submission = new VisitedSubmission({
      outbox: options.outbox,
      logger: options.logger,
      memberAccount: options.memberAccount,
      exchange: options.exchange,
      sessions: this.#sessions,
      waiters: this.#waiters,
      batch: options.batch,
    });
  }

  /**
   * Starts an authentication for each attach; returns the sessions as recorded (queued, or rejected at once for
   * an unknown network). Validates every input first: a bad one rejects the call and records nothing. `fieldPrefix`
   * is where the inputs are in the request: the body itself, or body.items.
   */
  async attach(inputs: readonly AttachInput[], fieldPrefix: "body" | "body.items" = "body"): Promise<SessionView[]> {
    const ours = await this.#o.directory.networksOf(this.#o.memberAccount);
    if (ours.length === 0) {
      throw new RoamingError("ROAMING_NOT_AN_OPERATOR", "this operator holds no network code yet; claim one first");
    }
    const prepared = inputs.map((input, i) => {
      const field: FieldPath = fieldPrefix === "body" ? "body" : `${fieldPrefix}[${i}]`;
      const imsi = parseImsi(input.imsi, `${field}.imsi`);
      const visitedPlmn = input.visitedPlmn ?? (ours[0] as string);
      if (!ours.includes(visitedPlmn)) {
        throw new RoamingError(
          "ROAMING_INVALID_INPUT",
          `${field}.visitedPlmn must be one of this operator's networks: ${ours.join(", ")}`,
          { field: `${field}.visitedPlmn` },
        );
      }
      const services = input.services ?? [...SERVICES];
      if (services.some((s) => !SERVICES.includes(s))) {
        throw new RoamingError("ROAMING_INVALID_INPUT", `${field}.services has an unknown service`, {
          field: `${field}.services`,
        });
      }
      return { imsi, visitedPlmn, services };
    });
    const visitedKey = this.#o.ring.current();
    if (!visitedKey) {
      throw new RoamingError("ROAMING_NO_ENCRYPTION_KEY", "this operator has published no encryption key yet");
    }
    const nowMs = Date.now();
    const attachedAt = new Date(nowMs).toISOString();
    const expiresAt = BigInt(Math.floor(nowMs / 1000) + this.#o.requestTtlSeconds);
    const sessions: NewSession[] = [];
    const queue: Array<{ hpmn: Address; item: QueuedRequest }> = [];
    for (const p of prepared) {
      const requestId = `0x${randomBytes(32).toString("hex")}` as Hex;
      const home = await this.#o.directory.homeOf(p.imsi);
      const session: NewSession = {
        requestId,
        imsi: p.imsi,
        visitedPlmn: p.visitedPlmn,
        requestedServices: p.services,
        expiresAt: Number(expiresAt),
        attachedAt,
        homePlmn: home?.plmn ?? null,
        homeOperator: home?.operator ?? null,
        homeKid: null,
        visitedKid: null,
        pseudonym: null,
        state: "rejected",
        outcome: null,
      };
      sessions.push(session);
      if (!home) {
        session.outcome = "unknown-network";
        continue;
      }
      if (home.operator.toLowerCase() === this.#me) {
        session.outcome = "home-subscriber";
        continue;
      }
      let homeKey: EncryptionPublicJwk;
      try {
        homeKey = await this.#o.directory.currentKeyOf(home.operator);
      } catch {
        session.outcome = "home-key-unavailable";
        continue;
      }
      const pairKey = this.#pairKeys.get(this.#o.ring, visitedKey.kid, homeKey, {
        visitedPlmn: p.visitedPlmn,
        homePlmn: home.plmn,
        visitedKid: visitedKey.kid,
        homeKid: homeKey.kid,
      });
      const pseudonym = requestTag(pairKey, requestId, p.imsi);
      session.homeOperator = home.operator.toLowerCase();
      session.homeKid = homeKey.kid;
      session.visitedKid = visitedKey.kid;
      session.pseudonym = pseudonym;
      session.state = "queued";
      queue.push({
        hpmn: home.operator,
        item: {
          requestId,
          recipient: homeKey,
          pseudonym,
          expiresAt,
          payload: {
            v: 1,
            imsi: p.imsi,
            homePlmn: home.plmn,
            visitedPlmn: p.visitedPlmn,
            visitedKid: visitedKey.kid,
            services: p.services,
          },
        },
      });
    }
    await this.#sessions.insert(sessions);
    for (const { hpmn, item } of queue) this.#submission.request(hpmn, item);
    return this.#sessions.views(sessions.map((s) => s.requestId));
  }

  async get(requestId: string): Promise<SessionView | undefined> {
    const [view] = await this.#sessions.views([requestId.toLowerCase()]);
    return view;
  }

  /** Resolves when the session leaves the open states, or after timeoutMs; returns the session then. */
  async waitClosed(requestId: string, timeoutMs: number): Promise<SessionView | undefined> {
    const id = requestId.toLowerCase();
    const current = await this.get(id);
    if (!current || !OPEN_STATES.includes(current.state)) return current;
    await this.#waiters.wait(id, timeoutMs);
    return this.get(id);
  }

  /** Newest first: `limit + 1` sessions after the key [attachedAt, requestId] (the caller builds the page). */
  list(filter: { state?: SessionState }, limit: number, after?: readonly [string, string]): Promise<SessionView[]> {
    return this.#sessions.page(filter, limit, after);
  }

  stats(): Promise<Record<string, number>> {
    return this.#sessions.countByState();
  }

  /** Opens answers addressed to us (from the read model) for sessions still open; activates or refuses each. */
  async handleAnswers(rows: readonly SealedRow[]): Promise<number> {
    const mine = rows.filter((r) => r.vpmn === this.#me);
    if (mine.length === 0) return 0;
    const sessions = new Map(
      (await this.#sessions.stored(mine.map((r) => r.request_id))).map((s) => [s.requestId, s] as const),
    );
    const now = Date.now();
    const decided: DecidedSession[] = [];
    const records: QueuedActivation[] = [];
    for (const row of mine) {
      const session = sessions.get(row.request_id);
      if (!session || !OPEN_STATES.includes(session.state)) continue;
      const decision = decideActivation({
        requestId: row.request_id,
        requested: session.requestedServices,
        opened: this.#open(row.ciphertext),
        now,
      });
      decided.push({ requestId: row.request_id, ...decision });
      records.push({
        requestId: row.request_id as Hex,
        activated: decision.state === "active",
        servicesDigest: decision.state === "active" ? await this.#digest(session, decision.active) : ZERO32,
      });
    }
    if (decided.length === 0) return 0;
    await this.#sessions.decided(decided, new Date(now).toISOString());
    for (const d of decided) this.#waiters.wake(d.requestId);
    for (const record of records) this.#submission.activation(record);
    return decided.length;
  }

  #open(ciphertext: string): OpenedAnswer | undefined {
    try {
      const { payload, itemId } = this.#opener.open<AnswerPayload>(ciphertext);
      return { payload, itemId };
    } catch {
      return undefined;
    }
  }

  /** A keyed commitment to what was activated: the HPMN can check it, nobody else can read or test it. */
  async #digest(session: StoredSession, active: ServiceFlags): Promise<Hex> {
    try {
      const homeKey = await this.#o.directory.keyOf(session.homeOperator as Address, session.homeKid as string);
      const pairKey = this.#pairKeys.get(this.#o.ring, session.visitedKid as string, homeKey, {
        visitedPlmn: session.visitedPlmn,
        homePlmn: session.homePlmn as string,
        visitedKid: session.visitedKid as string,
        homeKid: session.homeKid as string,
      });
      const flags = SERVICES.map((s) => (active[s] ? "1" : "0")).join("");
      return `0x${createHmac("sha256", pairKey).update(`activation|${session.requestId}|${flags}`).digest("hex")}`;
    } catch {
      return ZERO32;
    }
  }

  /**
   * Brings session rows in line with the chain after a restart. A kill -9 can fall between a batch being mined and
   * its sessions' update (which commits relaxed), or between an acknowledged attach and its batch reaching the outbox
   * (batches wait in memory). From the read model's view of each session (`rows`, RoamingReadModel
   * .sessionsBehindChain): a request or closing record on chain is adopted into the row; a request, activation or
   * expiry on chain nowhere and in no batch of this process is queued again. If an old transaction carrying it is
   * still to be mined, the exchange skips the second one (request-id-taken, already-closed), so nothing is recorded
   * twice. Call it only when the indexer has caught up, or records mined but not yet indexed get sent again.
   */
  async reconcile(
    rows: readonly SessionChainRow[],
    nowSeconds = Math.floor(Date.now() / 1000),
  ): Promise<ReconcileReport> {
    const report: ReconcileReport = { adopted: 0, resent: 0 };
    const idle = rows.filter((r) => !this.#submission.isPending(r.request_id));
    const queued = idle.filter((r) => r.session_state === "queued");
    const closable = idle.filter((r) => CLOSABLE_STATES.includes(r.session_state) && !r.session_closing_tx);
    // Requests mined while the row named none (a queued row becomes requested); closing records likewise.
    const requestMined = idle.filter((r) => !r.session_request_tx && r.requested_tx);
    for (const [tx, group] of groupBy(requestMined, (r) => r.requested_tx as string)) {
      await this.#sessions.submitted(ids(group), group[0]?.requested_seen_at ?? new Date().toISOString(), tx);
      report.adopted += group.length;
    }
    for (const [tx, group] of groupBy(
      closable.filter((r) => r.closed_tx),
      (r) => r.closed_tx as string,
    )) {
      await this.#sessions.closed(ids(group), group[0]?.closed_seen_at ?? new Date().toISOString(), tx);
      report.adopted += group.length;
    }
    const resend = [
      ...queued.filter((r) => !r.requested_tx && Number(r.expires_at) - nowSeconds >= RESEND_MIN_TTL_SECONDS),
      ...closable.filter((r) => r.requested_tx && !r.closed_tx),
    ];
    if (resend.length === 0) return report;
    for (const session of await this.#sessions.resendable(ids(resend))) {
      if (await this.#resend(session)) report.resent++;
    }
    if (report.resent) this.#o.logger.info(report, "roaming: sent again what a restart left off the chain");
    return report;
  }

  async #resend(session: ResendableSession): Promise<boolean> {
    const id = session.requestId as Hex;
    if (session.state === "timed-out") {
      this.#submission.expiry(id);
      return true;
    }
    if (session.state === "active" || session.state === "refused") {
      const activated = session.state === "active" && session.activeServices !== null;
      this.#submission.activation({
        requestId: id,
        activated,
        servicesDigest: activated ? await this.#digest(session, session.activeServices as ServiceFlags) : ZERO32,
      });
      return true;
    }
    // Queued: seal the request again to the key it was meant for (the pseudonym and expiry are the stored ones).
    if (!session.homeOperator || !session.homePlmn || !session.homeKid || !session.visitedKid || !session.pseudonym) {
      return false;
    }
    let recipient: EncryptionPublicJwk;
    try {
      recipient = await this.#o.directory.keyOf(session.homeOperator as Address, session.homeKid);
    } catch (error) {
      // The key is gone: the session times out at its expiry (sweepExpired) instead.
      this.#o.logger.warn({ err: error, requestId: id }, "roaming: cannot send a request again, its home key is gone");
      return false;
    }
    this.#submission.request(session.homeOperator as Address, {
      requestId: id,
      recipient,
      pseudonym: session.pseudonym as Hex,
      expiresAt: BigInt(session.expiresAt),
      payload: {
        v: 1,
        imsi: session.imsi,
        homePlmn: session.homePlmn,
        visitedPlmn: session.visitedPlmn,
        visitedKid: session.visitedKid,
        services: session.requestedServices,
      },
    });
    return true;
  }

  /** Closes open sessions whose request expired unanswered; records the expiry on chain. Returns how many. */
  async sweepExpired(now = Date.now()): Promise<number> {
    const expired = await this.#sessions.expiredOpen(Math.floor(now / 1000));
    if (expired.length === 0) return 0;
    await this.#sessions.timedOut(
      expired.map((s) => s.requestId),
      new Date(now).toISOString(),
    );
    for (const s of expired) {
      this.#waiters.wake(s.requestId);
      if (s.state === "requested") this.#submission.expiry(s.requestId as Hex);
    }
    return expired.length;
  }

  /** Waits for every queued request, activation and expiry to be sent and mined. */
  drain(): Promise<void> {
    return this.#submission.drain();
  }

  close(): Promise<void> {
    return this.#submission.close();
  }
}

const ids = (rows: readonly { request_id: string }[]) => rows.map((r) => r.request_id);

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(key(item), [...(groups.get(key(item)) ?? []), item]);
  return groups;
}
