// This member's own call log for traceback (off chain, never projected): each call it carried, named only by the
// keyed call digest (the numbers are not stored), with the carrier it received the call from (null: it originated
// here) and an evidence hash committing to the record (a random nonce kept with it, so the record can be shown later
// and the hash cannot be guessed); and the answers the agent sent by itself from it. The only SQL over these tables.
import { createHash, randomBytes } from "node:crypto";
import type { Address, Hex } from "viem";
import type { Queryable } from "../../core/store/store.ts";

export interface CallRecord {
  callDigest: Hex;
  upstream: Address | null;
  evidence: Hex;
  recordedAt: string;
}

/** What the agent did when a trace asked it about a call in its log. */
export interface TraceResponse {
  traceId: Hex;
  callDigest: Hex;
  upstream: Address | null;
  /** The answer's transaction, or null when it was refused (then `error`). */
  txHash: Hex | null;
  error: string | null;
  respondedAt: string;
}

/** A trace asking this member about a call its log holds, not yet answered by the agent. */
export interface PendingAnswer {
  traceId: Hex;
  callDigest: Hex;
  upstream: Address | null;
  evidence: Hex;
}

interface RecordRow {
  call_digest: string;
  upstream: string | null;
  evidence: string;
  recorded_at: number;
}
interface ResponseRow {
  trace_id: string;
  call_digest: string;
  upstream: string | null;
  tx_hash: string | null;
  error: string | null;
  responded_at: number;
}

const iso = (seconds: number) => new Date(Number(seconds) * 1000).toISOString();

/** The evidence hash of a call record: SHA-256 over its digest, upstream and a random nonce. */
export function callRecordEvidence(callDigest: Hex, upstream: Address | null, nonce: Hex): Hex {
  const text = `call-record:${callDigest.toLowerCase()}|${upstream?.toLowerCase() ?? "originated"}|${nonce}`;
  return `0x${createHash("sha256").update(text).digest("hex")}`;
}

export class CallLog {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Records calls this member carried; a call recorded again keeps its first record. */
  async record(calls: ReadonlyArray<{ callDigest: Hex; upstream: Address | null }>): Promise<CallRecord[]> {
    const now = Math.floor(Date.now() / 1000);
    const records: CallRecord[] = [];
    for (const call of calls) {
      const digest = call.callDigest.toLowerCase() as Hex;
      const upstream = (call.upstream?.toLowerCase() ?? null) as Address | null;
      const nonce = `0x${randomBytes(16).toString("hex")}` as Hex;
      await this.#db.exec(
        `INSERT INTO registries_call_records (call_digest, upstream, nonce, evidence, recorded_at)
         VALUES ($1, $2, $3, $4, $5) ON CONFLICT (call_digest) DO NOTHING`,
        [digest, upstream, nonce, callRecordEvidence(digest, upstream, nonce), now],
      );
      const stored = await this.get(digest);
      if (stored) records.push(stored);
    }
    return records;
  }

  async get(callDigest: string): Promise<CallRecord | undefined> {
    const row = await this.#db.one<RecordRow>(
      `SELECT call_digest, upstream, evidence, recorded_at FROM registries_call_records WHERE call_digest = $1`,
      [callDigest.toLowerCase()],
    );
    return (
      row && {
        callDigest: row.call_digest as Hex,
        upstream: row.upstream as Address | null,
        evidence: row.evidence as Hex,
        recordedAt: iso(row.recorded_at),
      }
    );
  }

  /** Open traces asking `member` about a call in the log that the agent has not answered yet. */
  async pending(member: Address, limit: number): Promise<PendingAnswer[]> {
    const rows = await this.#db.query<{
      trace_id: string;
      call_digest: string;
      upstream: string | null;
      evidence: string;
    }>(
      `SELECT t.trace_id, c.call_digest, c.upstream, c.evidence
       FROM registries_traces t JOIN registries_call_records c ON c.call_digest = t.call_digest
       WHERE t.state = 'open' AND t.asked = $1
         AND NOT EXISTS (SELECT 1 FROM registries_trace_responses r WHERE r.trace_id = t.trace_id)
       ORDER BY t.trace_id LIMIT ${limit}`,
      [member.toLowerCase()],
    );
    return rows.map((r) => ({
      traceId: r.trace_id as Hex,
      callDigest: r.call_digest as Hex,
      upstream: r.upstream as Address | null,
      evidence: r.evidence as Hex,
    }));
  }

  async recordResponse(response: Omit<TraceResponse, "respondedAt">): Promise<void> {
    await this.#db.exec(
      `INSERT INTO registries_trace_responses (trace_id, call_digest, upstream, tx_hash, error, responded_at)
       VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (trace_id) DO NOTHING`,
      [
        response.traceId.toLowerCase(),
        response.callDigest.toLowerCase(),
        response.upstream,
        response.txHash,
        response.error,
        Math.floor(Date.now() / 1000),
      ],
    );
  }

  async response(traceId: string): Promise<TraceResponse | undefined> {
    const row = await this.#db.one<ResponseRow>(`SELECT * FROM registries_trace_responses WHERE trace_id = $1`, [
      traceId.toLowerCase(),
    ]);
    return (
      row && {
        traceId: row.trace_id as Hex,
        callDigest: row.call_digest as Hex,
        upstream: row.upstream as Address | null,
        txHash: row.tx_hash as Hex | null,
        error: row.error,
        respondedAt: iso(row.responded_at),
      }
    );
  }
}
