// Reads of the traceback and fraud-signal read models (the tables tracebackProjection writes). Lists are
// keyset-paginated by id.
import type { Address, Hex } from "viem";
import type { Queryable } from "../../core/store/store.ts";

/** IPASSporT attestation levels as Traceback stores them: 0 none, 1 A, 2 B, 3 C. */
export const ATTESTATIONS = [null, "A", "B", "C"] as const;
export type Attestation = "A" | "B" | "C";

export interface TraceHopView {
  position: number;
  carrier: Address;
  /** The carrier it received the call from; null when not yet answered, originated here, or the requester's row. */
  upstream: Address | null;
  /** requester, asked (no answer yet), forwarded (named its upstream), originated (the origin), unanswered. */
  outcome: string;
  evidence: Hex | null;
  askedAt: string;
  answeredAt: string | null;
  answeredTx: Hex | null;
}

/** What the requester's agent read from the call's verified PASSporT, as the chain recorded it. */
export interface TracePassportView {
  /** The PASSporT's origid (a UUID). */
  origid: string;
  /** The Service Provider Code in the signing STI certificate's TNAuthList. */
  spc: string;
  /** SHA-256 of the signing certificate (DER). */
  certificate: Hex;
  /** The member that registered the SPC on chain (the originating provider), or null when none did. */
  originProvider: Address | null;
}

export interface TraceView {
  traceId: Hex;
  requester: Address;
  /** open, completed (reached the origin) or unanswered (the carrier asked let its deadline pass). */
  state: string;
  attestation: Attestation | null;
  callDigest: Hex;
  hopWindowSeconds: number;
  /** The carrier asked now (open), the origin (completed), or the carrier that did not answer (unanswered). */
  asked: Address;
  askedAt: string;
  /** When the carrier asked must answer by (the contract refuses a later answer). */
  deadline: string;
  openedAt: string;
  /** The call's PASSporT facts; null for a trace opened from call identifiers alone. */
  passport: TracePassportView | null;
  hops: TraceHopView[];
  openedBlock: number;
  txHash: Hex;
  updatedBlock: number;
  updatedTx: Hex;
}

interface TraceRow {
  trace_id: string;
  requester: string;
  state: string;
  attestation: number;
  call_digest: string;
  hop_window: number;
  asked: string;
  asked_at: number;
  opened_at: number;
  opened_block: number;
  opened_tx: string;
  updated_block: number;
  updated_tx: string;
  origid: string | null;
  origin_spc: string | null;
  certificate: string | null;
  origin_provider: string | null;
}

/** A registered Service Provider Code. */
export interface SpcView {
  spc: string;
  member: Address;
  registeredBlock: number;
  txHash: Hex;
}

interface SpcRow {
  spc: string;
  member: string;
  registered_block: number;
  registered_tx: string;
}

interface HopRow {
  position: number;
  carrier: string;
  upstream: string | null;
  outcome: string;
  evidence: string | null;
  asked_at: number;
  answered_at: number | null;
  answered_tx: string | null;
}

export interface SignalView {
  signalId: Hex;
  reporter: Address;
  /** The member operating the number's holder, who may challenge; null: any operator but the reporter. */
  holder: Address | null;
  /** The keyed hash of the number. */
  subject: Hex;
  kind: string;
  /** active, challenged or cleared as on chain; see `live` for expiry. */
  state: string;
  confidence: number;
  evidence: Hex;
  challenger: Address | null;
  challengeEvidence: Hex | null;
  reportedAt: string;
  expiresAt: string;
  reportedBlock: number;
  txHash: Hex;
  updatedBlock: number;
  updatedTx: Hex;
}

interface SignalRow {
  signal_id: string;
  reporter: string;
  holder: string | null;
  subject: string;
  kind: string;
  state: string;
  confidence: number;
  evidence: string;
  challenger: string | null;
  challenge_evidence: string | null;
  reported_at: number;
  expires_at: number;
  reported_block: number;
  reported_tx: string;
  updated_block: number;
  updated_tx: string;
}

const iso = (seconds: number) => new Date(Number(seconds) * 1000).toISOString();

const hopView = (r: HopRow): TraceHopView => ({
  position: Number(r.position),
  carrier: r.carrier as Address,
  upstream: r.upstream as Address | null,
  outcome: r.outcome,
  evidence: r.evidence as Hex | null,
  askedAt: iso(r.asked_at),
  answeredAt: r.answered_at === null ? null : iso(r.answered_at),
  answeredTx: r.answered_tx as Hex | null,
});

/** bytes16 hex (as Traceback stores an origid) to the UUID's text form. */
const uuidOf = (hex: string) => {
  const h = hex.slice(2);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
};

const passportView = (r: TraceRow): TracePassportView | null =>
  r.origid === null || r.origin_spc === null || r.certificate === null
    ? null
    : {
        origid: uuidOf(r.origid),
        spc: r.origin_spc,
        certificate: r.certificate as Hex,
        originProvider: r.origin_provider as Address | null,
      };

const spcView = (r: SpcRow): SpcView => ({
  spc: r.spc,
  member: r.member as Address,
  registeredBlock: Number(r.registered_block),
  txHash: r.registered_tx as Hex,
});

const traceView = (r: TraceRow, hops: TraceHopView[]): TraceView => ({
  traceId: r.trace_id as Hex,
  requester: r.requester as Address,
  state: r.state,
  attestation: ATTESTATIONS[Number(r.attestation)] ?? null,
  callDigest: r.call_digest as Hex,
  hopWindowSeconds: Number(r.hop_window),
  asked: r.asked as Address,
  askedAt: iso(r.asked_at),
  deadline: iso(Number(r.asked_at) + Number(r.hop_window)),
  openedAt: iso(r.opened_at),
  passport: passportView(r),
  hops,
  openedBlock: Number(r.opened_block),
  txHash: r.opened_tx as Hex,
  updatedBlock: Number(r.updated_block),
  updatedTx: r.updated_tx as Hex,
});

const signalView = (r: SignalRow): SignalView => ({
  signalId: r.signal_id as Hex,
  reporter: r.reporter as Address,
  holder: r.holder as Address | null,
  subject: r.subject as Hex,
  kind: r.kind,
  state: r.state,
  confidence: Number(r.confidence),
  evidence: r.evidence as Hex,
  challenger: r.challenger as Address | null,
  challengeEvidence: r.challenge_evidence as Hex | null,
  reportedAt: iso(r.reported_at),
  expiresAt: iso(r.expires_at),
  reportedBlock: Number(r.reported_block),
  txHash: r.reported_tx as Hex,
  updatedBlock: Number(r.updated_block),
  updatedTx: r.updated_tx as Hex,
});

export class TracebackReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async trace(traceId: string): Promise<TraceView | undefined> {
    const row = await this.#db.one<TraceRow>(`SELECT * FROM registries_traces WHERE trace_id = $1`, [
      traceId.toLowerCase(),
    ]);
    return row ? traceView(row, await this.hopsOf(row.trace_id)) : undefined;
  }

  async hopsOf(traceId: string): Promise<TraceHopView[]> {
    const rows = await this.#db.query<HopRow>(
      `SELECT * FROM registries_trace_hops WHERE trace_id = $1 ORDER BY position`,
      [traceId.toLowerCase()],
    );
    return rows.map(hopView);
  }

  /** Traces by id: opened by `requester`, with `asked` the carrier asked now, in one state; `after` pages. */
  async traces(
    filter: { requester?: string; asked?: string; state?: string; callDigest?: string },
    page: { limit: number; after?: string },
  ): Promise<TraceView[]> {
    const params: string[] = [];
    const where: string[] = [];
    const add = (sql: string, value: string) => {
      params.push(value);
      where.push(`${sql} $${params.length}`);
    };
    if (filter.requester) add("requester =", filter.requester.toLowerCase());
    if (filter.asked) add("asked =", filter.asked.toLowerCase());
    if (filter.state) add("state =", filter.state);
    if (filter.callDigest) add("call_digest =", filter.callDigest.toLowerCase());
    if (page.after) add("trace_id >", page.after.toLowerCase());
    const rows = await this.#db.query<TraceRow>(
      `SELECT * FROM registries_traces ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY trace_id LIMIT ${page.limit + 1}`,
      params,
    );
    return Promise.all(rows.map(async (r) => traceView(r, await this.hopsOf(r.trace_id))));
  }

  /** The member that registered `spc`, or undefined. */
  async spc(spc: string): Promise<SpcView | undefined> {
    const row = await this.#db.one<SpcRow>(`SELECT * FROM registries_spcs WHERE spc = $1`, [spc]);
    return row ? spcView(row) : undefined;
  }

  /** The SPCs `member` registered, by SPC. */
  async spcsOf(member: string): Promise<SpcView[]> {
    const rows = await this.#db.query<SpcRow>(`SELECT * FROM registries_spcs WHERE member = $1 ORDER BY spc`, [
      member.toLowerCase(),
    ]);
    return rows.map(spcView);
  }

  async signal(signalId: string): Promise<SignalView | undefined> {
    const row = await this.#db.one<SignalRow>(`SELECT * FROM registries_signals WHERE signal_id = $1`, [
      signalId.toLowerCase(),
    ]);
    return row ? signalView(row) : undefined;
  }

  /** Signals by id: about one keyed subject, of one reporter, of one kind; `after` pages. */
  async signals(
    filter: { subject?: string; reporter?: string; kind?: string },
    page: { limit: number; after?: string },
  ): Promise<SignalView[]> {
    const params: string[] = [];
    const where: string[] = [];
    const add = (sql: string, value: string) => {
      params.push(value);
      where.push(`${sql} $${params.length}`);
    };
    if (filter.subject) add("subject =", filter.subject.toLowerCase());
    if (filter.reporter) add("reporter =", filter.reporter.toLowerCase());
    if (filter.kind) add("kind =", filter.kind);
    if (page.after) add("signal_id >", page.after.toLowerCase());
    const rows = await this.#db.query<SignalRow>(
      `SELECT * FROM registries_signals ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY signal_id LIMIT ${page.limit + 1}`,
      params,
    );
    return rows.map(signalView);
  }

  /** The signals about one keyed subject reported at or after `sinceSeconds` and not cleared, newest first. */
  async recentSignalsOf(
    subject: string,
    sinceSeconds: number,
    kinds: readonly string[],
    limit: number,
  ): Promise<SignalView[]> {
    const params: (string | number)[] = [subject.toLowerCase(), sinceSeconds];
    const kindIn = kinds.map((kind) => {
      params.push(kind);
      return `$${params.length}`;
    });
    const rows = await this.#db.query<SignalRow>(
      `SELECT * FROM registries_signals WHERE subject = $1 AND state <> 'cleared' AND reported_at >= $2
       ${kindIn.length ? `AND kind IN (${kindIn.join(", ")})` : ""}
       ORDER BY reported_at DESC, signal_id LIMIT ${limit}`,
      params,
    );
    return rows.map(signalView);
  }

  /** The live signals (not cleared, not expired at `nowSeconds`) about one keyed subject, newest first. */
  async liveSignalsOf(subject: string, nowSeconds: number, limit: number): Promise<SignalView[]> {
    const rows = await this.#db.query<SignalRow>(
      `SELECT * FROM registries_signals WHERE subject = $1 AND state <> 'cleared' AND expires_at > $2
       ORDER BY reported_at DESC, signal_id LIMIT ${limit}`,
      [subject.toLowerCase(), nowSeconds],
    );
    return rows.map(signalView);
  }
}
