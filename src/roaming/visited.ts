// The visited operator's side: a device attaches with its IMSI; the agent finds the home operator from the ledger's
// network codes, records an encrypted request (batched per home operator), opens the answer, activates only what was
// granted AND requested, and records the activation (or refusal). Sessions that get no answer in time are closed as
// timed out, on chain too (`expire`). Every session ends in exactly one recorded outcome.
import { createHmac, randomBytes } from "node:crypto";
import type { Logger } from "pino";
import type { Address, Hex } from "viem";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import { DERIVED_DATA, execIn, queryIn } from "../core/store/index.ts";
import type { Store } from "../core/store/store.ts";
import { Batcher } from "./batcher.ts";
import type { SealedRow } from "./ciphertexts.ts";
import { JweOpener, sealBatch } from "./crypto/jwe.ts";
import type { EncryptionPublicJwk } from "./crypto/jwk.ts";
import type { EncryptionKeyRing } from "./crypto/keyRing.ts";
import { PairKeyCache, requestTag } from "./crypto/pseudonym.ts";
import { RoamingError } from "./errors.ts";
import { batchGas, encodeExpire, encodeRecordActivations, encodeSubmitRequests } from "./exchange.ts";
import { parseImsi } from "./imsi.ts";
import type { OperatorDirectory } from "./operators.ts";
import type { AnswerPayload, RequestPayload } from "./payloads.ts";
import { noServices, SERVICES, type Service, type ServiceFlags } from "./subscribers/register.ts";

export const SESSION_STATES = ["queued", "requested", "active", "refused", "rejected", "timed-out", "failed"] as const;
export type SessionState = (typeof SESSION_STATES)[number];
const OPEN_STATES = ["queued", "requested"];

export interface AttachInput {
  imsi: string;
  /** Which of our networks the device attached to; default our first network. */
  visitedPlmn?: string;
  /** Services the device asks for; default all. */
  services?: Service[];
}

export interface SessionView {
  requestId: string;
  imsi: string;
  visitedPlmn: string;
  homePlmn: string | null;
  homeOperator: string | null;
  state: SessionState;
  outcome: string | null;
  requestedServices: Service[];
  grantedServices: ServiceFlags | null;
  activeServices: ServiceFlags | null;
  validUntil: string | null;
  expiresAt: string;
  times: {
    attachedAt: string;
    requestMinedAt: string | null;
    answeredAt: string | null;
    decidedAt: string | null;
    closingMinedAt: string | null;
  };
  requestTx: string | null;
  closingTx: string | null;
}

export interface SessionRow {
  request_id: string;
  imsi: string;
  visited_plmn: string;
  home_plmn: string | null;
  home_operator: string | null;
  home_kid: string | null;
  visited_kid: string | null;
  pseudonym: string | null;
  requested_services: string;
  state: string;
  outcome: string | null;
  granted: string | null;
  activated: string | null;
  valid_until: string | null;
  expires_at: number;
  attached_at: string;
  submitted_at: string | null;
  answered_at: string | null;
  activated_at: string | null;
  closed_at: string | null;
  request_tx: string | null;
  closing_tx: string | null;
}

export function sessionView(r: SessionRow): SessionView {
  return {
    requestId: r.request_id,
    imsi: r.imsi,
    visitedPlmn: r.visited_plmn,
    homePlmn: r.home_plmn,
    homeOperator: r.home_operator,
    state: r.state as SessionState,
    outcome: r.outcome,
    requestedServices: JSON.parse(r.requested_services),
    grantedServices: r.granted ? JSON.parse(r.granted) : null,
    activeServices: r.activated ? JSON.parse(r.activated) : null,
    validUntil: r.valid_until,
    expiresAt: new Date(Number(r.expires_at) * 1000).toISOString(),
    times: {
      attachedAt: r.attached_at,
      requestMinedAt: r.submitted_at,
      answeredAt: r.answered_at,
      decidedAt: r.activated_at,
      closingMinedAt: r.closed_at,
    },
    requestTx: r.request_tx,
    closingTx: r.closing_tx,
  };
}

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
  batch: { maxSize: number; maxDelayMs: number; maxInFlight: number };
}

interface QueuedRequest {
  requestId: Hex;
  recipient: EncryptionPublicJwk;
  pseudonym: Hex;
  expiresAt: bigint;
  payload: RequestPayload;
}

interface QueuedActivation {
  requestId: Hex;
  activated: boolean;
  servicesDigest: Hex;
}

const ZERO32 = `0x${"0".repeat(64)}` as Hex;

export class VisitedService {
  readonly #o: VisitedServiceOptions;
  readonly #me: string;
  readonly #opener: JweOpener;
  readonly #pairKeys = new PairKeyCache();
  readonly #requests: Batcher<QueuedRequest>;
  readonly #activations: Batcher<QueuedActivation>;
  readonly #expiries: Batcher<Hex>;
  readonly #waiters = new Map<string, Array<() => void>>();

  constructor(options: VisitedServiceOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase();
    this.#opener = new JweOpener(options.ring);
    this.#requests = new Batcher({ ...options.batch, flush: (hpmn, items) => this.#flushRequests(hpmn, items) });
    this.#activations = new Batcher({ ...options.batch, flush: (_d, items) => this.#flushActivations(items) });
    this.#expiries = new Batcher({ ...options.batch, flush: (_d, ids) => this.#flushExpiries(ids) });
  }

  /**
   * Starts an authentication for each attach; returns the sessions as recorded (queued, or rejected at once for
   * an unknown network). Validates every input first: a bad one rejects the call and records nothing.
   */
  async attach(inputs: readonly AttachInput[], fieldPrefix = "body"): Promise<SessionView[]> {
    const ours = await this.#o.directory.networksOf(this.#o.memberAccount);
    const prepared = inputs.map((input, i) => {
      const field = inputs.length === 1 && fieldPrefix === "body" ? "body" : `${fieldPrefix}[${i}]`;
      const imsi = parseImsi(input.imsi, `${field}.imsi`);
      const visitedPlmn = input.visitedPlmn ?? ours[0];
      if (!visitedPlmn || !ours.includes(visitedPlmn)) {
        throw new RoamingError(
          "ROAMING_INVALID_INPUT",
          ours.length === 0
            ? "this operator holds no network code yet; claim one first"
            : `${field}.visitedPlmn must be one of this operator's networks: ${ours.join(", ")}`,
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
    const rows: unknown[][] = [];
    const queue: Array<{ hpmn: string; item: QueuedRequest }> = [];
    for (const p of prepared) {
      const requestId = `0x${randomBytes(32).toString("hex")}` as Hex;
      const home = await this.#o.directory.homeOf(p.imsi);
      const base = [requestId, p.imsi, p.visitedPlmn, JSON.stringify(p.services), Number(expiresAt), attachedAt];
      const reject = (outcome: string) =>
        rows.push([...base, home?.plmn ?? null, home?.operator ?? null, null, null, null, "rejected", outcome]);
      if (!home) {
        reject("unknown-network");
        continue;
      }
      if (home.operator.toLowerCase() === this.#me) {
        reject("home-subscriber");
        continue;
      }
      let homeKey: EncryptionPublicJwk;
      try {
        homeKey = await this.#o.directory.currentKeyOf(home.operator);
      } catch {
        reject("home-key-unavailable");
        continue;
      }
      const pairKey = this.#pairKeys.get(this.#o.ring, visitedKey.kid, homeKey, {
        visitedPlmn: p.visitedPlmn,
        homePlmn: home.plmn,
        visitedKid: visitedKey.kid,
        homeKid: homeKey.kid,
      });
      const pseudonym = requestTag(pairKey, requestId, p.imsi);
      rows.push([
        ...base,
        home.plmn,
        home.operator.toLowerCase(),
        homeKey.kid,
        visitedKey.kid,
        pseudonym,
        "queued",
        null,
      ]);
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
    await this.#o.store.transaction(async (tx) => {
      for (const r of rows) {
        await tx.exec(
          `INSERT INTO roaming_sessions (request_id, imsi, visited_plmn, requested_services, expires_at, attached_at,
             home_plmn, home_operator, home_kid, visited_kid, pseudonym, state, outcome, closed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, CASE WHEN $12 = 'rejected' THEN $6 ELSE NULL END)`,
          r as never,
        );
      }
    });
    for (const { hpmn, item } of queue) {
      this.#requests.add(hpmn, item).catch(() => {
        // Recorded on the session by #flushRequests.
      });
    }
    return this.#sessions(rows.map((r) => r[0] as string));
  }

  async get(requestId: string): Promise<SessionView | undefined> {
    const [view] = await this.#sessions([requestId.toLowerCase()]);
    return view;
  }

  /** Resolves when the session leaves the open states, or after timeoutMs; returns the session then. */
  async waitClosed(requestId: string, timeoutMs: number): Promise<SessionView | undefined> {
    const id = requestId.toLowerCase();
    const current = await this.get(id);
    if (!current || !OPEN_STATES.includes(current.state)) return current;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      const list = this.#waiters.get(id) ?? [];
      list.push(done);
      this.#waiters.set(id, list);
    });
    this.#waiters.delete(id);
    return this.get(id);
  }

  async list(filter: { state?: SessionState; limit: number; before?: [string, string] }): Promise<SessionView[]> {
    const params: (string | number)[] = [];
    const where: string[] = [];
    if (filter.state) {
      params.push(filter.state);
      where.push(`state = $${params.length}`);
    }
    if (filter.before) {
      params.push(filter.before[0], filter.before[1]);
      where.push(
        `(attached_at < $${params.length - 1} OR (attached_at = $${params.length - 1} AND request_id < $${params.length}))`,
      );
    }
    params.push(filter.limit);
    const rows = await this.#o.store.query<SessionRow>(
      `SELECT * FROM roaming_sessions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY attached_at DESC, request_id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(sessionView);
  }

  async stats(): Promise<Record<string, number>> {
    const rows = await this.#o.store.query<{ state: string; n: number }>(
      `SELECT state, COUNT(*) AS n FROM roaming_sessions GROUP BY state`,
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  /** Opens answers addressed to us (from the read model) for sessions still open; activates or refuses each. */
  async handleAnswers(rows: readonly SealedRow[]): Promise<number> {
    const mine = rows.filter((r) => r.vpmn === this.#me);
    if (mine.length === 0) return 0;
    const sessions = new Map(
      (await this.#rowsOf(mine.map((r) => r.request_id))).map((s) => [s.request_id, s] as const),
    );
    const now = Date.now();
    const decidedAt = new Date(now).toISOString();
    const updates: unknown[][] = [];
    const records: QueuedActivation[] = [];
    for (const row of mine) {
      const session = sessions.get(row.request_id);
      if (!session || !OPEN_STATES.includes(session.state)) continue;
      const decision = await this.#decide(session, row, now);
      updates.push([
        row.request_id,
        decision.state,
        decision.outcome,
        decision.granted ? JSON.stringify(decision.granted) : null,
        JSON.stringify(decision.active),
        decision.validUntil,
        decidedAt,
      ]);
      records.push({
        requestId: row.request_id as Hex,
        activated: decision.state === "active",
        servicesDigest: decision.digest,
      });
    }
    if (updates.length === 0) return 0;
    await this.#o.store.transaction(async (tx) => {
      for (const u of updates) {
        await tx.exec(
          `UPDATE roaming_sessions SET state = $2, outcome = $3, granted = $4, activated = $5, valid_until = $6,
             answered_at = $7, activated_at = $7 WHERE request_id = $1 AND state IN ('queued', 'requested')`,
          u as never,
        );
      }
    }, DERIVED_DATA);
    for (const u of updates) this.#wake(u[0] as string);
    for (const record of records) {
      this.#activations.add("activations", record).catch((error: unknown) => {
        this.#o.logger.warn({ err: error, requestId: record.requestId }, "roaming: activation batch failed");
      });
    }
    return updates.length;
  }

  async #decide(session: SessionRow, row: SealedRow, now: number) {
    const requested = JSON.parse(session.requested_services) as Service[];
    const refuse = (outcome: string, granted: ServiceFlags | null = null) => ({
      state: "refused" as const,
      outcome,
      granted,
      active: noServices(),
      validUntil: null,
      digest: ZERO32,
    });
    let answer: AnswerPayload;
    let itemId: string;
    try {
      ({ payload: answer, itemId } = this.#opener.open<AnswerPayload>(row.ciphertext));
    } catch {
      return refuse("answer-undecryptable");
    }
    // The answer's request id is bound into its content key (apv): an answer made for another request is refused.
    if (answer?.v !== 1 || itemId !== row.request_id) return refuse("answer-mismatch");
    const granted = noServices();
    for (const s of SERVICES) granted[s] = answer.services?.[s] === 1;
    if (answer.outcome !== "granted") return refuse(`home-${answer.outcome}`, granted);
    if (!(Date.parse(answer.validUntil) > now)) return refuse("answer-expired", granted);
    const active = noServices();
    for (const s of requested) active[s] = granted[s];
    if (!SERVICES.some((s) => active[s])) return refuse("nothing-granted", granted);
    return {
      state: "active" as const,
      outcome: "activated",
      granted,
      active,
      validUntil: answer.validUntil,
      digest: await this.#digest(session, active),
    };
  }

  /** A keyed commitment to what was activated: the HPMN can check it, nobody else can read or test it. */
  async #digest(session: SessionRow, active: ServiceFlags): Promise<Hex> {
    try {
      const homeKey = await this.#o.directory.keyOf(session.home_operator as Address, session.home_kid as string);
      const pairKey = this.#pairKeys.get(this.#o.ring, session.visited_kid as string, homeKey, {
        visitedPlmn: session.visited_plmn,
        homePlmn: session.home_plmn as string,
        visitedKid: session.visited_kid as string,
        homeKid: session.home_kid as string,
      });
      const flags = SERVICES.map((s) => (active[s] ? "1" : "0")).join("");
      return `0x${createHmac("sha256", pairKey).update(`activation|${session.request_id}|${flags}`).digest("hex")}`;
    } catch {
      return ZERO32;
    }
  }

  /** Closes open sessions whose request expired unanswered; records the expiry on chain. Returns how many. */
  async sweepExpired(now = Date.now()): Promise<number> {
    const cutoff = Math.floor(now / 1000);
    const rows = await this.#o.store.query<{ request_id: string; state: string; expires_at: number }>(
      `SELECT request_id, state, expires_at FROM roaming_sessions WHERE state IN ('queued', 'requested') AND expires_at < $1`,
      [cutoff],
    );
    if (rows.length === 0) return 0;
    const at = new Date(now).toISOString();
    await this.#o.store.transaction(
      (tx) =>
        execIn(
          tx,
          (list) => `UPDATE roaming_sessions SET state = 'timed-out', outcome = 'home-timeout', activated_at = $1
           WHERE state IN ('queued', 'requested') AND request_id IN (${list})`,
          rows.map((r) => r.request_id),
          [at],
        ),
      DERIVED_DATA,
    );
    for (const r of rows) {
      this.#wake(r.request_id);
      // Only requests that reached the chain can be expired there.
      if (r.state === "requested") {
        this.#expiries.add("expiries", r.request_id as Hex).catch((error: unknown) => {
          this.#o.logger.warn({ err: error, requestId: r.request_id }, "roaming: expiry batch failed");
        });
      }
    }
    return rows.length;
  }

  async #flushRequests(hpmn: string, items: QueuedRequest[]): Promise<void> {
    const recipient = (items[0] as QueuedRequest).recipient;
    const sealed = sealBatch(
      recipient,
      items.map((i) => ({ itemId: i.requestId, payload: i.payload })),
    );
    try {
      const receipt = await this.#o.outbox.send({
        from: this.#o.memberAccount,
        to: this.#o.exchange,
        data: encodeSubmitRequests(
          hpmn as Address,
          items.map((item, i) => ({
            requestId: item.requestId,
            pseudonym: item.pseudonym,
            expiresAt: item.expiresAt,
            ciphertext: sealed[i] as string,
          })),
        ),
        ...batchGas("request", items.length, sealed as string[]),
        label: `roaming.submitRequests x${items.length}`,
      });
      const at = new Date().toISOString();
      await this.#o.store.transaction(
        (tx) =>
          execIn(
            tx,
            (list) => `UPDATE roaming_sessions SET submitted_at = $1, request_tx = $2,
             state = CASE WHEN state = 'queued' THEN 'requested' ELSE state END WHERE request_id IN (${list})`,
            items.map((item) => item.requestId),
            [at, receipt.transactionHash],
          ),
        DERIVED_DATA,
      );
    } catch (error) {
      const at = new Date().toISOString();
      await this.#o.store.transaction((tx) =>
        execIn(
          tx,
          (list) => `UPDATE roaming_sessions SET state = 'failed', outcome = $1, closed_at = $2
             WHERE state = 'queued' AND request_id IN (${list})`,
          items.map((item) => item.requestId),
          [`ledger-rejected: ${(error as Error).message}`.slice(0, 300), at],
        ),
      );
      for (const item of items) this.#wake(item.requestId);
      throw error;
    }
  }

  async #flushActivations(items: QueuedActivation[]): Promise<void> {
    const receipt = await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.exchange,
      data: encodeRecordActivations(items),
      ...batchGas("activation", items.length),
      label: `roaming.recordActivations x${items.length}`,
    });
    await this.#closed(
      items.map((i) => i.requestId),
      receipt.transactionHash,
    );
  }

  async #flushExpiries(ids: Hex[]): Promise<void> {
    const receipt = await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.exchange,
      data: encodeExpire(ids),
      ...batchGas("expiry", ids.length),
      label: `roaming.expire x${ids.length}`,
    });
    await this.#closed(ids, receipt.transactionHash);
  }

  async #closed(ids: readonly string[], txHash: string): Promise<void> {
    const at = new Date().toISOString();
    await this.#o.store.transaction(
      (tx) =>
        execIn(
          tx,
          (list) => `UPDATE roaming_sessions SET closed_at = $1, closing_tx = $2 WHERE request_id IN (${list})`,
          ids,
          [at, txHash],
        ),
      DERIVED_DATA,
    );
  }

  #wake(id: string): void {
    for (const done of this.#waiters.get(id) ?? []) done();
  }

  #rowsOf(ids: readonly string[]): Promise<SessionRow[]> {
    return queryIn<SessionRow>(
      this.#o.store,
      (list) => `SELECT * FROM roaming_sessions WHERE request_id IN (${list})`,
      ids,
    );
  }

  async #sessions(ids: readonly string[]): Promise<SessionView[]> {
    const rows = new Map((await this.#rowsOf(ids)).map((r) => [r.request_id, r] as const));
    return ids
      .map((id) => rows.get(id))
      .filter((r): r is SessionRow => !!r)
      .map(sessionView);
  }

  /** Waits for every queued request, activation and expiry to be sent and mined. */
  async drain(): Promise<void> {
    await this.#requests.drain();
    await this.#activations.drain();
    await this.#expiries.drain();
  }

  async close(): Promise<void> {
    await this.#requests.close();
    await this.#activations.close();
    await this.#expiries.close();
  }
}
