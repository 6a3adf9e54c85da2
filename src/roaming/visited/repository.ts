// The visited side's sessions (roaming_sessions): one row per attach, from queued to its one recorded outcome. SQL
// only, with named fields. Writes that follow a mined batch touch the whole batch in one statement per 500 ids
// (execIn) and commit relaxed (DERIVED_DATA: the agent can derive them again from the chain); the attach itself, which
// the API acknowledges, commits fully durable.
import { DERIVED_DATA, execIn, queryIn } from "../../core/store/index.ts";
import type { Store } from "../../core/store/store.ts";
import type { Service, ServiceFlags } from "../subscribers/register.ts";
import type { SessionState, SessionView } from "./types.ts";

/** A session as an attach records it. */
export interface NewSession {
  requestId: string;
  imsi: string;
  visitedPlmn: string;
  requestedServices: readonly Service[];
  /** Unix seconds. */
  expiresAt: number;
  attachedAt: string;
  homePlmn: string | null;
  homeOperator: string | null;
  homeKid: string | null;
  visitedKid: string | null;
  pseudonym: string | null;
  state: "queued" | "rejected";
  outcome: string | null;
}

/** A stored session with what deciding on its answer needs. */
export interface StoredSession {
  requestId: string;
  state: SessionState;
  visitedPlmn: string;
  homePlmn: string | null;
  homeOperator: string | null;
  homeKid: string | null;
  visitedKid: string | null;
  requestedServices: Service[];
}

/** A session with everything needed to send its request, activation or expiry again. */
export interface ResendableSession extends StoredSession {
  imsi: string;
  pseudonym: string | null;
  /** Unix seconds. */
  expiresAt: number;
  activeServices: ServiceFlags | null;
}

/** The outcome of an answer, as recorded. */
export interface DecidedSession {
  requestId: string;
  state: "active" | "refused";
  outcome: string;
  granted: ServiceFlags | null;
  active: ServiceFlags;
  validUntil: string | null;
}

interface SessionRow {
  request_id: string;
  imsi: string;
  visited_plmn: string;
  home_plmn: string | null;
  home_operator: string | null;
  home_kid: string | null;
  visited_kid: string | null;
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

const VIEW_COLUMNS = `request_id, imsi, visited_plmn, home_plmn, home_operator, home_kid, visited_kid, requested_services,
  state, outcome, granted, activated, valid_until, expires_at, attached_at, submitted_at, answered_at, activated_at,
  closed_at, request_tx, closing_tx`;
const OPEN = `state IN ('queued', 'requested')`;

function sessionView(r: SessionRow): SessionView {
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

function storedSession(r: Omit<SessionRow, "imsi">): StoredSession {
  return {
    requestId: r.request_id,
    state: r.state as SessionState,
    visitedPlmn: r.visited_plmn,
    homePlmn: r.home_plmn,
    homeOperator: r.home_operator,
    homeKid: r.home_kid,
    visitedKid: r.visited_kid,
    requestedServices: JSON.parse(r.requested_services),
  };
}

export class SessionRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Records the sessions of one attach call, all or none; a rejected one is closed at once. */
  async insert(sessions: readonly NewSession[]): Promise<void> {
    await this.#store.transaction(async (tx) => {
      for (const s of sessions) {
        await tx.exec(
          `INSERT INTO roaming_sessions (request_id, imsi, visited_plmn, requested_services, expires_at, attached_at,
             home_plmn, home_operator, home_kid, visited_kid, pseudonym, state, outcome, closed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
          [
            s.requestId,
            s.imsi,
            s.visitedPlmn,
            JSON.stringify(s.requestedServices),
            s.expiresAt,
            s.attachedAt,
            s.homePlmn,
            s.homeOperator,
            s.homeKid,
            s.visitedKid,
            s.pseudonym,
            s.state,
            s.outcome,
            s.state === "rejected" ? s.attachedAt : null,
          ],
        );
      }
    });
  }

  /** The sessions with these ids, in the order given (unknown ids left out). */
  async views(ids: readonly string[]): Promise<SessionView[]> {
    const rows = await queryIn<SessionRow>(
      this.#store,
      (list) => `SELECT ${VIEW_COLUMNS} FROM roaming_sessions WHERE request_id IN (${list})`,
      ids,
    );
    const byId = new Map(rows.map((r) => [r.request_id, r] as const));
    return ids.flatMap((id) => {
      const row = byId.get(id);
      return row ? [sessionView(row)] : [];
    });
  }

  /** The sessions with these ids, as deciding on their answers needs them. */
  async stored(ids: readonly string[]): Promise<StoredSession[]> {
    const rows = await queryIn<Omit<SessionRow, "imsi">>(
      this.#store,
      (list) => `SELECT request_id, state, visited_plmn, home_plmn, home_operator, home_kid, visited_kid,
         requested_services FROM roaming_sessions WHERE request_id IN (${list})`,
      ids,
    );
    return rows.map(storedSession);
  }

  /** The sessions with these ids, with what sending their records again needs. */
  async resendable(ids: readonly string[]): Promise<ResendableSession[]> {
    const rows = await queryIn<SessionRow & { pseudonym: string | null }>(
      this.#store,
      (list) => `SELECT ${VIEW_COLUMNS}, pseudonym FROM roaming_sessions WHERE request_id IN (${list})`,
      ids,
    );
    return rows.map((r) => ({
      ...storedSession(r),
      imsi: r.imsi,
      pseudonym: r.pseudonym,
      expiresAt: Number(r.expires_at),
      activeServices: r.activated ? JSON.parse(r.activated) : null,
    }));
  }

  /** Newest first, `limit + 1` rows after the key [attachedAt, requestId] (the caller builds the page). */
  async page(
    filter: { state?: SessionState },
    limit: number,
    after?: readonly [string, string],
  ): Promise<SessionView[]> {
    const params: (string | number)[] = [];
    const where: string[] = [];
    if (filter.state) {
      params.push(filter.state);
      where.push(`state = $${params.length}`);
    }
    if (after) {
      params.push(after[0], after[1]);
      const [at, id] = [`$${params.length - 1}`, `$${params.length}`];
      where.push(`(attached_at < ${at} OR (attached_at = ${at} AND request_id < ${id}))`);
    }
    params.push(limit + 1);
    const rows = await this.#store.query<SessionRow>(
      `SELECT ${VIEW_COLUMNS} FROM roaming_sessions ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY attached_at DESC, request_id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(sessionView);
  }

  async countByState(): Promise<Record<string, number>> {
    const rows = await this.#store.query<{ state: string; n: number }>(
      `SELECT state, COUNT(*) AS n FROM roaming_sessions GROUP BY state`,
    );
    return Object.fromEntries(rows.map((r) => [r.state, Number(r.n)]));
  }

  /** Records decided answers (sessions no longer open are left as they are). */
  async decided(sessions: readonly DecidedSession[], decidedAt: string): Promise<void> {
    await this.#store.transaction(async (tx) => {
      for (const s of sessions) {
        await tx.exec(
          `UPDATE roaming_sessions SET state = $2, outcome = $3, granted = $4, activated = $5, valid_until = $6,
             answered_at = $7, activated_at = $7 WHERE request_id = $1 AND ${OPEN}`,
          [
            s.requestId,
            s.state,
            s.outcome,
            s.granted ? JSON.stringify(s.granted) : null,
            JSON.stringify(s.active),
            s.validUntil,
            decidedAt,
          ],
        );
      }
    }, DERIVED_DATA);
  }

  /** Open sessions whose request expired before `cutoffSeconds`. */
  expiredOpen(cutoffSeconds: number): Promise<Array<{ requestId: string; state: SessionState }>> {
    return this.#store
      .query<{ request_id: string; state: string }>(
        `SELECT request_id, state FROM roaming_sessions WHERE ${OPEN} AND expires_at < $1`,
        [cutoffSeconds],
      )
      .then((rows) => rows.map((r) => ({ requestId: r.request_id, state: r.state as SessionState })));
  }

  async timedOut(ids: readonly string[], at: string): Promise<void> {
    await this.#store.transaction(
      (tx) =>
        execIn(
          tx,
          (list) => `UPDATE roaming_sessions SET state = 'timed-out', outcome = 'home-timeout', activated_at = $1
           WHERE ${OPEN} AND request_id IN (${list})`,
          ids,
          [at],
        ),
      DERIVED_DATA,
    );
  }

  /** The batch carrying these requests was mined. */
  async submitted(ids: readonly string[], at: string, txHash: string): Promise<void> {
    await this.#store.transaction(
      (tx) =>
        execIn(
          tx,
          (list) => `UPDATE roaming_sessions SET submitted_at = $1, request_tx = $2,
           state = CASE WHEN state = 'queued' THEN 'requested' ELSE state END WHERE request_id IN (${list})`,
          ids,
          [at, txHash],
        ),
      DERIVED_DATA,
    );
  }

  /** The ledger refused the batch carrying these requests: their sessions end here (fully durable: not derivable). */
  async failed(ids: readonly string[], outcome: string, at: string): Promise<void> {
    await this.#store.transaction((tx) =>
      execIn(
        tx,
        (list) => `UPDATE roaming_sessions SET state = 'failed', outcome = $1, closed_at = $2
         WHERE state = 'queued' AND request_id IN (${list})`,
        ids,
        [outcome, at],
      ),
    );
  }

  /** The activation, refusal or expiry record of these sessions was mined. */
  async closed(ids: readonly string[], at: string, txHash: string): Promise<void> {
    await this.#store.transaction(
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
}
