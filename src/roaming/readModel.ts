// Reads of the roaming read model (the tables the projection writes from OperatorRegistry and RoamingExchange events):
// network codes, operator identities, network proposals, and the requests this member is a party to. The only SQL
// reader of those tables; lists are keyset-paginated (`LIMIT n + 1` in key order, the caller builds the page).
import type { Address } from "viem";
import { queryIn } from "../core/store/index.ts";
import type { Queryable } from "../core/store/store.ts";

/** A keyset page request: how many items, and the key of the last item of the previous page. */
export interface KeysetPage {
  limit: number;
  after: readonly (string | number)[] | undefined;
}

/** A request as the read model keeps it (no ciphertexts: see ciphertexts.ts). */
export interface LedgerRequestRow {
  request_id: string;
  vpmn: string;
  hpmn: string;
  pseudonym: string;
  expires_at: number;
  state: string;
  requested_block: number;
  answered_block: number | null;
}

/** A session of ours the chain may be ahead of (or that may never have reached it), with what the chain holds. */
export interface SessionChainRow {
  request_id: string;
  session_state: string;
  expires_at: number;
  /** The transactions the session's row names (null: none recorded). */
  session_request_tx: string | null;
  session_closing_tx: string | null;
  /** Null: the request is not on chain (as far as this agent has indexed). */
  requested_tx: string | null;
  requested_seen_at: string | null;
  closed_tx: string | null;
  closed_seen_at: string | null;
}

export interface NetworkRow {
  plmn: string;
  operator: string;
  msin_ranges: string;
  since_block: number;
}

export interface NetworkView {
  plmn: string;
  operator: Address;
  msinRanges: Array<{ first: string; last: string }>;
  sinceBlock: number;
}

export const CLAIM_STATES = ["pending", "executed", "canceled", "expired"] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

export interface ClaimView {
  id: number;
  kind: string;
  plmn: string;
  operator: string;
  proposer: string;
  deadline: string;
  msinRanges: Array<{ first: string; last: string }>;
  state: string;
  approvals: number;
}

export const LEDGER_EVENT_KINDS = ["request", "answer", "activation", "refusal", "expiry"] as const;

export interface ChainOfEvents {
  requestId: string;
  vpmn: Address;
  hpmn: Address;
  state: string;
  expiresAt: string;
  skipped: string | null;
  /** At most three: the request, its answer, and the record that closed it (activation, refusal or expiry). */
  events: Array<{ kind: (typeof LEDGER_EVENT_KINDS)[number]; blockNumber: number; txHash: string; seenAt: string }>;
}

export const HOME_REQUEST_FILTERS = ["pending", "answered", "all"] as const;
export type HomeRequestFilter = (typeof HOME_REQUEST_FILTERS)[number];

export interface HomeRequestView {
  requestId: string;
  visitedOperator: string;
  expiresAt: string;
  ledgerState: string;
  outcome: string | null;
  imsiMasked: string | null;
  receivedAt: string | null;
  answeredAt: string | null;
  answerTx: string | null;
  /** The block the request was mined in. */
  requestedBlock: number;
}

export interface ClaimRow {
  id: number;
  kind: string;
  plmn: string;
  operator: string;
  proposer: string;
  deadline: number;
  msin_ranges: string;
  state: string;
  approvals: number;
}

interface EventsRow {
  request_id: string;
  vpmn: string;
  hpmn: string;
  state: string;
  expires_at: number;
  skipped: string | null;
  requested_block: number;
  requested_tx: string;
  requested_seen_at: string;
  answered_block: number | null;
  answered_tx: string | null;
  answered_seen_at: string | null;
  closed_block: number | null;
  closed_tx: string | null;
  closed_seen_at: string | null;
}

interface HomeRow {
  request_id: string;
  vpmn: string;
  expires_at: number;
  state: string;
  requested_block: number;
  outcome: string | null;
  imsi_masked: string | null;
  received_at: string | null;
  answered_at: string | null;
  answer_tx: string | null;
}

const isoOfSeconds = (seconds: number) => new Date(Number(seconds) * 1000).toISOString();

export const networkView = (r: NetworkRow): NetworkView => ({
  plmn: r.plmn,
  operator: r.operator as Address,
  msinRanges: JSON.parse(r.msin_ranges),
  sinceBlock: Number(r.since_block),
});

export class RoamingReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Every network code with its operator, by PLMN (the directory caches this for a second). */
  allNetworks(): Promise<NetworkRow[]> {
    return this.#db.query<NetworkRow>(
      `SELECT plmn, operator, msin_ranges, since_block FROM roaming_networks ORDER BY plmn`,
    );
  }

  /** Every operator identity (operator -> identity address), for the consistency check. */
  allIdentities(): Promise<Array<{ operator: string; identity: string }>> {
    return this.#db.query(`SELECT operator, identity FROM roaming_operator_identities ORDER BY operator`);
  }

  /** Every network proposal as projected, by id, for the consistency check. */
  allClaims(): Promise<ClaimRow[]> {
    return this.#db.query<ClaimRow>(
      `SELECT id, kind, plmn, operator, proposer, deadline, msin_ranges, state, approvals FROM roaming_claims ORDER BY id`,
    );
  }

  /** Network codes by PLMN; key: [plmn]. */
  async networks(page: KeysetPage): Promise<NetworkView[]> {
    const rows = await this.#db.query<NetworkRow>(
      `SELECT plmn, operator, msin_ranges, since_block FROM roaming_networks WHERE plmn > $1 ORDER BY plmn LIMIT $2`,
      [String(page.after?.[0] ?? ""), page.limit + 1],
    );
    return rows.map(networkView);
  }

  /** The identity (DID address) an operator named, or undefined. */
  async identityOf(operator: Address): Promise<string | undefined> {
    const row = await this.#db.one<{ identity: string }>(
      `SELECT identity FROM roaming_operator_identities WHERE operator = $1`,
      [operator.toLowerCase()],
    );
    return row?.identity;
  }

  /**
   * Network proposals, newest first; key: [id]. A pending proposal past its deadline is `expired` (the contract
   * refuses approvals then), so the state filter compares the deadline with `nowSeconds`.
   */
  async claims(filter: { state?: ClaimState; nowSeconds: number }, page: KeysetPage): Promise<ClaimView[]> {
    const params: (string | number)[] = [];
    const where: string[] = [];
    if (filter.state === "expired" || filter.state === "pending") {
      params.push(filter.nowSeconds);
      where.push(`state = 'pending' AND deadline ${filter.state === "expired" ? "<" : ">="} $${params.length}`);
    } else if (filter.state) {
      params.push(filter.state);
      where.push(`state = $${params.length}`);
    }
    if (page.after) {
      params.push(Number(page.after[0]));
      where.push(`id < $${params.length}`);
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<ClaimRow>(
      `SELECT id, kind, plmn, operator, proposer, deadline, msin_ranges, state, approvals FROM roaming_claims
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      id: Number(r.id),
      kind: r.kind,
      plmn: r.plmn,
      operator: r.operator,
      proposer: r.proposer,
      deadline: isoOfSeconds(r.deadline),
      msinRanges: JSON.parse(r.msin_ranges),
      state: r.state === "pending" && Number(r.deadline) < filter.nowSeconds ? "expired" : r.state,
      approvals: Number(r.approvals),
    }));
  }

  /** The chain of events of a request `member` is a party to, or undefined. */
  async chainOfEvents(requestId: string, member: Address): Promise<ChainOfEvents | undefined> {
    const me = member.toLowerCase();
    const r = await this.#db.one<EventsRow>(
      `SELECT request_id, vpmn, hpmn, state, expires_at, skipped, requested_block, requested_tx, requested_seen_at,
         answered_block, answered_tx, answered_seen_at, closed_block, closed_tx, closed_seen_at
       FROM roaming_requests WHERE request_id = $1`,
      [requestId.toLowerCase()],
    );
    if (!r || (r.vpmn !== me && r.hpmn !== me)) return undefined;
    const events: ChainOfEvents["events"] = [
      { kind: "request", blockNumber: Number(r.requested_block), txHash: r.requested_tx, seenAt: r.requested_seen_at },
    ];
    if (r.answered_tx) {
      events.push({
        kind: "answer",
        blockNumber: Number(r.answered_block),
        txHash: r.answered_tx,
        seenAt: r.answered_seen_at as string,
      });
    }
    if (r.closed_tx) {
      const kind = r.state === "expired" ? "expiry" : r.state === "refused" ? "refusal" : "activation";
      events.push({
        kind,
        blockNumber: Number(r.closed_block),
        txHash: r.closed_tx,
        seenAt: r.closed_seen_at as string,
      });
    }
    return {
      requestId: r.request_id,
      vpmn: r.vpmn as Address,
      hpmn: r.hpmn as Address,
      state: r.state,
      expiresAt: isoOfSeconds(r.expires_at),
      skipped: r.skipped,
      events,
    };
  }

  /**
   * Requests addressed to `hpmn` with what the home side recorded of each, newest block first; key:
   * [requestedBlock, requestId].
   */
  async homeRequests(hpmn: Address, filter: HomeRequestFilter, page: KeysetPage): Promise<HomeRequestView[]> {
    const params: (string | number)[] = [hpmn.toLowerCase()];
    const where = ["r.hpmn = $1"];
    if (filter === "pending") where.push(`r.state = 'pending'`);
    if (filter === "answered") where.push(`r.state <> 'pending'`);
    if (page.after) {
      params.push(Number(page.after[0]), String(page.after[1]));
      where.push(`(r.requested_block < $2 OR (r.requested_block = $2 AND r.request_id > $3))`);
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<HomeRow>(
      `SELECT r.request_id, r.vpmn, r.expires_at, r.state, r.requested_block, h.outcome, h.imsi_masked, h.received_at,
         h.answered_at, h.answer_tx
       FROM roaming_requests r LEFT JOIN roaming_home_requests h ON h.request_id = r.request_id
       WHERE ${where.join(" AND ")} ORDER BY r.requested_block DESC, r.request_id LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({
      requestId: r.request_id,
      visitedOperator: r.vpmn,
      expiresAt: isoOfSeconds(r.expires_at),
      ledgerState: r.state,
      outcome: r.outcome,
      imsiMasked: r.imsi_masked,
      receivedAt: r.received_at,
      answeredAt: r.answered_at,
      answerTx: r.answer_tx,
      requestedBlock: Number(r.requested_block),
    }));
  }

  /** The requests with these ids (the worker's event pass), in no particular order. */
  requests(ids: readonly string[]): Promise<LedgerRequestRow[]> {
    return queryIn<LedgerRequestRow>(
      this.#db,
      (list) => `SELECT request_id, vpmn, hpmn, pseudonym, expires_at, state, requested_block, answered_block
       FROM roaming_requests WHERE request_id IN (${list})`,
      ids,
    );
  }

  /**
   * Sessions of `vpmn` whose row may lag the chain: still queued, or with a request on chain and no request
   * transaction recorded, or decided or timed out with no closing transaction recorded. With the request and closing
   * record as indexed, if any.
   */
  sessionsBehindChain(vpmn: Address, limit: number): Promise<SessionChainRow[]> {
    return this.#db.query<SessionChainRow>(
      `SELECT s.request_id, s.state AS session_state, s.expires_at, s.request_tx AS session_request_tx,
         s.closing_tx AS session_closing_tx, r.requested_tx, r.requested_seen_at, r.closed_tx, r.closed_seen_at
       FROM roaming_sessions s LEFT JOIN roaming_requests r ON r.request_id = s.request_id AND r.vpmn = $1
       WHERE s.state = 'queued'
          OR (r.request_id IS NOT NULL AND s.state IN ('requested', 'active', 'refused', 'timed-out')
              AND (s.request_tx IS NULL OR (s.closing_tx IS NULL AND s.state <> 'requested')))
       LIMIT $2`,
      [vpmn.toLowerCase(), limit],
    );
  }

  /** Pending requests addressed to `hpmn` that the home side has not recorded, first seen before `seenBefore`. */
  unanswered(hpmn: Address, seenBefore: string, limit: number): Promise<LedgerRequestRow[]> {
    return this.#db.query<LedgerRequestRow>(
      `SELECT r.request_id, r.vpmn, r.hpmn, r.pseudonym, r.expires_at, r.state, r.requested_block, r.answered_block
       FROM roaming_requests r LEFT JOIN roaming_home_requests h ON h.request_id = r.request_id
       WHERE r.hpmn = $1 AND r.state = 'pending' AND h.request_id IS NULL AND r.requested_seen_at < $2
       ORDER BY r.requested_block LIMIT $3`,
      [hpmn.toLowerCase(), seenBefore, limit],
    );
  }

  /** Answered requests of `vpmn` whose visited session is still open, answer seen before `seenBefore`. */
  answeredWhileOpen(vpmn: Address, seenBefore: string, limit: number): Promise<LedgerRequestRow[]> {
    return this.#db.query<LedgerRequestRow>(
      `SELECT r.request_id, r.vpmn, r.hpmn, r.pseudonym, r.expires_at, r.state, r.requested_block, r.answered_block
       FROM roaming_requests r JOIN roaming_sessions s ON s.request_id = r.request_id
       WHERE r.vpmn = $1 AND r.state = 'answered' AND s.state IN ('queued', 'requested') AND r.answered_seen_at < $2
       LIMIT $3`,
      [vpmn.toLowerCase(), seenBefore, limit],
    );
  }
}
