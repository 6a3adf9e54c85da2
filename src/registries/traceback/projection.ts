// Projects Traceback and FraudSignals events into their read models: each trace (state, carrier asked, timers) and
// its hops in path order (position 0 the requester) with its PASSporT facts when it has them, the SPC register, and
// each fraud signal by its keyed subject. Idempotent: rows are keyed by id and position and inserted once; every
// later event sets the columns to what it says.
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";

export const TRACEBACK = "Traceback";
export const FRAUD_SIGNALS = "FraudSignals";

/** IFraudSignals.SignalKind by index, as the API names them. */
export const SIGNAL_KINDS = ["wangiri", "robocall-campaign", "sim-box", "sim-swap", "port-out"] as const;
export type SignalKindName = (typeof SIGNAL_KINDS)[number];

const ZERO = "0x0000000000000000000000000000000000000000";
const lower = (value: unknown) => String(value).toLowerCase();

/** An SPC as Traceback stores it (ASCII, right-padded with zero bytes in a bytes32) back to its text. */
export function spcText(value: unknown): string {
  return Buffer.from(String(value).slice(2), "hex").toString("latin1").replace(/\0+$/, "");
}

async function onTraceEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  const traceId = lower(a.traceId);
  const at = event.blockTimestamp;
  switch (event.eventName) {
    case "TraceOpened": {
      const requester = lower(a.requester);
      const firstHop = lower(a.firstHop);
      await tx.exec(
        `INSERT INTO registries_traces (trace_id, requester, state, attestation, call_digest, hop_window, asked, asked_at,
           opened_at, opened_block, opened_tx, updated_block, updated_tx)
         VALUES ($1, $2, 'open', $3, $4, $5, $6, $7, $7, $8, $9, $8, $9) ON CONFLICT (trace_id) DO NOTHING`,
        [
          traceId,
          requester,
          Number(a.attestation),
          lower(a.callDigest),
          Number(a.hopWindow),
          firstHop,
          at,
          event.blockNumber,
          event.txHash,
        ],
      );
      await tx.exec(
        `INSERT INTO registries_trace_hops (trace_id, position, carrier, upstream, outcome, evidence, asked_at,
           answered_at, answered_tx) VALUES ($1, 0, $2, $3, 'requester', NULL, $4, $4, $5),
           ($1, 1, $3, NULL, 'asked', NULL, $4, NULL, NULL)
         ON CONFLICT (trace_id, position) DO NOTHING`,
        [traceId, requester, firstHop, at, event.txHash],
      );
      return;
    }
    case "HopAnswered": {
      const carrier = lower(a.carrier);
      const upstream = lower(a.upstream);
      const origin = upstream === ZERO;
      const hop = await tx.one<{ position: number }>(
        `SELECT position FROM registries_trace_hops WHERE trace_id = $1 AND carrier = $2`,
        [traceId, carrier],
      );
      if (!hop) throw new Error(`HopAnswered by ${carrier} for trace ${traceId}, which never asked it`);
      await tx.exec(
        `UPDATE registries_trace_hops SET upstream = $3, outcome = $4, evidence = $5, answered_at = $6, answered_tx = $7
         WHERE trace_id = $1 AND position = $2`,
        [
          traceId,
          hop.position,
          origin ? null : upstream,
          origin ? "originated" : "forwarded",
          lower(a.evidence),
          at,
          event.txHash,
        ],
      );
      if (!origin) {
        await tx.exec(
          `INSERT INTO registries_trace_hops (trace_id, position, carrier, upstream, outcome, evidence, asked_at,
             answered_at, answered_tx) VALUES ($1, $2, $3, NULL, 'asked', NULL, $4, NULL, NULL)
           ON CONFLICT (trace_id, position) DO NOTHING`,
          [traceId, Number(hop.position) + 1, upstream, at],
        );
      }
      if (origin) {
        // The origin stays the carrier asked: the trace ends with it.
        await tx.exec(
          `UPDATE registries_traces SET state = 'completed', updated_block = $2, updated_tx = $3 WHERE trace_id = $1`,
          [traceId, event.blockNumber, event.txHash],
        );
      } else {
        await tx.exec(
          `UPDATE registries_traces SET asked = $2, asked_at = $3, updated_block = $4, updated_tx = $5
           WHERE trace_id = $1`,
          [traceId, upstream, at, event.blockNumber, event.txHash],
        );
      }
      return;
    }
    case "TraceCertified": {
      const provider = lower(a.originProvider);
      await tx.exec(
        `UPDATE registries_traces SET origid = $2, origin_spc = $3, certificate = $4, origin_provider = $5
         WHERE trace_id = $1`,
        [traceId, lower(a.origid), spcText(a.spc), lower(a.certificate), provider === ZERO ? null : provider],
      );
      return;
    }
    case "SpcRegistered":
      await tx.exec(
        `INSERT INTO registries_spcs (spc, member, registered_block, registered_tx) VALUES ($1, $2, $3, $4)
         ON CONFLICT (spc) DO NOTHING`,
        [spcText(a.spc), lower(a.member), event.blockNumber, event.txHash],
      );
      return;
    case "TraceCompleted":
      await tx.exec(`UPDATE registries_traces SET state = 'completed' WHERE trace_id = $1`, [traceId]);
      return;
    case "VetterFlagged":
      await tx.exec(
        `INSERT INTO registries_vetter_flags (flag_id, trace_id, flagger, subject, holder, vetter, vetter_member,
           evidence, flagged_at, flagged_block, flagged_tx) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
         ON CONFLICT (flag_id) DO NOTHING`,
        [
          lower(a.flagId),
          traceId,
          lower(a.flagger),
          lower(a.subject),
          lower(a.holder),
          lower(a.vetter),
          lower(a.vetterMember),
          lower(a.evidence),
          at,
          event.blockNumber,
          event.txHash,
        ],
      );
      return;
    case "VetterFlagAcknowledged":
      await tx.exec(
        `UPDATE registries_vetter_flags SET acknowledged_at = $2, acknowledged_tx = $3 WHERE flag_id = $1`,
        [lower(a.flagId), at, event.txHash],
      );
      return;
    case "HopUnanswered":
      await tx.exec(`UPDATE registries_trace_hops SET outcome = 'unanswered' WHERE trace_id = $1 AND carrier = $2`, [
        traceId,
        lower(a.carrier),
      ]);
      await tx.exec(
        `UPDATE registries_traces SET state = 'unanswered', updated_block = $2, updated_tx = $3 WHERE trace_id = $1`,
        [traceId, event.blockNumber, event.txHash],
      );
      return;
    default:
      return;
  }
}

async function onSignalEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  const signalId = lower(a.signalId);
  switch (event.eventName) {
    case "SignalReported": {
      const holder = lower(a.holder);
      await tx.exec(
        `INSERT INTO registries_signals (signal_id, reporter, holder, subject, kind, state, confidence, evidence,
           challenger, challenge_evidence, reported_at, expires_at, reported_block, reported_tx, updated_block,
           updated_tx)
         VALUES ($1, $2, $3, $4, $5, 'active', $6, $7, NULL, NULL, $8, $9, $10, $11, $10, $11)
         ON CONFLICT (signal_id) DO NOTHING`,
        [
          signalId,
          lower(a.reporter),
          holder === ZERO ? null : holder,
          lower(a.subject),
          SIGNAL_KINDS[Number(a.kind)] ?? `kind ${Number(a.kind)}`,
          Number(a.confidence),
          lower(a.evidence),
          event.blockTimestamp,
          Number(a.expiresAt),
          event.blockNumber,
          event.txHash,
        ],
      );
      return;
    }
    case "SignalChallenged":
      await tx.exec(
        `UPDATE registries_signals SET state = 'challenged', challenger = $2, challenge_evidence = $3,
           updated_block = $4, updated_tx = $5 WHERE signal_id = $1`,
        [signalId, lower(a.challenger), lower(a.evidence), event.blockNumber, event.txHash],
      );
      return;
    case "SignalCleared":
      await tx.exec(
        `UPDATE registries_signals SET state = 'cleared', updated_block = $2, updated_tx = $3 WHERE signal_id = $1`,
        [signalId, event.blockNumber, event.txHash],
      );
      return;
    default:
      return;
  }
}

export const tracebackProjection: Projection = {
  name: "registries-traceback",
  tables: [
    "registries_traces",
    "registries_trace_hops",
    "registries_signals",
    "registries_spcs",
    "registries_vetter_flags",
  ],
  async handle(event, tx) {
    if (event.source === TRACEBACK) await onTraceEvent(event, tx);
    else if (event.source === FRAUD_SIGNALS) await onSignalEvent(event, tx);
  },
};
