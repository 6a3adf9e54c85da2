// Projects OutcomeCourt events into the read model: auditors (vetting, affiliation, signalled epochs), cases with
// their current round and attempt, panels with their lotteries, the seated jurors (a seat is taken by a claim and may
// be lost to a lower ticket) with their ballots, and every payment. Idempotent: inserts keyed by
// content ids ignore a second application; updates set absolute values. Stakes change on many paths (deposits locked,
// slashed, released) and are read live from the court, not projected.
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";
import { OUTCOME_COURT } from "./ledger.ts";

const lower = (value: unknown) => String(value).toLowerCase();
const VERDICTS = ["none", "upheld", "rejected", "unresolved"] as const;
const PAY_REASONS = [
  "requester-stake",
  "first-majority",
  "objection-majority",
  "objection-upheld",
  "objection-stake-returned",
] as const;
export const verdictName = (v: unknown) => VERDICTS[Number(v)] ?? "none";

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "AuditorVetted":
      await tx.exec(
        `INSERT INTO auditing_auditors (account, did_hash, affiliation, capacity, first_epoch, last_epoch)
         VALUES ($1, $2, $3, 0, 0, 0) ON CONFLICT (account) DO NOTHING`,
        [lower(a.auditor), lower(a.didHash), lower(a.affiliation)],
      );
      await tx.exec(
        `INSERT INTO auditing_vettings (account, vetter) VALUES ($1, $2) ON CONFLICT (account, vetter) DO NOTHING`,
        [lower(a.auditor), lower(a.vetter)],
      );
      return;
    case "AffiliationDeclared":
      await tx.exec(`UPDATE auditing_auditors SET affiliation = $2 WHERE account = $1`, [
        lower(a.auditor),
        lower(a.affiliation),
      ]);
      return;
    case "AuditorSignalled":
      await tx.exec(
        `UPDATE auditing_auditors SET capacity = $2, first_epoch = $3, last_epoch = $4 WHERE account = $1`,
        [lower(a.auditor), Number(a.capacity), Number(a.firstEpoch), Number(a.lastEpoch)],
      );
      return;
    case "ComplaintFiled":
      await tx.exec(
        `INSERT INTO auditing_cases (case_id, task_id, requester, requester_stake, status, round, attempt, beacon_key,
           filed_at) VALUES ($1, $2, $3, $4, 'drawing', 0, 0, '', $5) ON CONFLICT (case_id) DO NOTHING`,
        [lower(a.caseId), lower(a.taskId), lower(a.requester), String(a.stake), event.blockTimestamp],
      );
      return;
    case "DrawScheduled":
      await tx.exec(
        `UPDATE auditing_cases SET status = 'drawing', round = $2, attempt = $3, beacon_key = $4 WHERE case_id = $1`,
        [lower(a.caseId), Number(a.round), Number(a.attempt), lower(a.beaconKey)],
      );
      return;
    case "SeatClaimed":
      // A claim commits the vote; only a seated one is a juror (a higher ticket's claim sits nowhere).
      if (!a.seated) return;
      await tx.exec(
        `INSERT INTO auditing_jurors (case_id, round, attempt, juror, deposit, committed, vote, slashed, ticket)
         VALUES ($1, $2, $3, $4, $5, 1, 0, '0', $6) ON CONFLICT (case_id, round, attempt, juror) DO NOTHING`,
        [lower(a.caseId), Number(a.round), Number(a.attempt), lower(a.juror), String(a.deposit), String(a.ticket)],
      );
      return;
    case "JurorDisplaced":
      await tx.exec(`DELETE FROM auditing_jurors WHERE case_id = $1 AND round = $2 AND attempt = $3 AND juror = $4`, [
        lower(a.caseId),
        Number(a.round),
        Number(a.attempt),
        lower(a.juror),
      ]);
      return;
    case "DrawFailed":
      // A lottery whose panel never filled: its seats are given back.
      await tx.exec(`DELETE FROM auditing_jurors WHERE case_id = $1 AND round = $2 AND attempt = $3`, [
        lower(a.caseId),
        Number(a.round),
        Number(a.attempt),
      ]);
      return;
    case "JuryDrawn":
      await tx.exec(
        `INSERT INTO auditing_panels (case_id, round, attempt, commit_end, reveal_end, epoch, slot, seed, threshold)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (case_id, round, attempt) DO NOTHING`,
        [
          lower(a.caseId),
          Number(a.round),
          Number(a.attempt),
          Number(a.commitEnd),
          Number(a.revealEnd),
          Number(a.epoch),
          Number(a.slot),
          lower(a.seed),
          String(a.threshold),
        ],
      );
      await tx.exec(`UPDATE auditing_cases SET status = 'voting' WHERE case_id = $1`, [lower(a.caseId)]);
      return;
    case "VoteCommitted":
      await tx.exec(
        `UPDATE auditing_jurors SET committed = 1 WHERE juror = $2 AND (case_id, round, attempt) IN
           (SELECT case_id, round, attempt FROM auditing_cases WHERE case_id = $1)`,
        [lower(a.caseId), lower(a.juror)],
      );
      return;
    case "VoteRevealed":
      await tx.exec(
        `UPDATE auditing_jurors SET vote = $3 WHERE juror = $2 AND (case_id, round, attempt) IN
           (SELECT case_id, round, attempt FROM auditing_cases WHERE case_id = $1)`,
        [lower(a.caseId), lower(a.juror), Number(a.vote)],
      );
      return;
    case "JurorSlashed":
      await tx.exec(
        `UPDATE auditing_jurors SET slashed = $3 WHERE juror = $2 AND (case_id, round, attempt) IN
           (SELECT case_id, round, attempt FROM auditing_cases WHERE case_id = $1)`,
        [lower(a.caseId), lower(a.juror), String(a.amount)],
      );
      return;
    case "VerdictReached":
      if (Number(a.round) === 0) {
        await tx.exec(`UPDATE auditing_cases SET status = 'provisional', first_verdict = $2 WHERE case_id = $1`, [
          lower(a.caseId),
          verdictName(a.verdict),
        ]);
      }
      return;
    case "Objected":
      await tx.exec(
        `UPDATE auditing_cases SET objector = $2, objection_stake = $3, round = 1, attempt = 0 WHERE case_id = $1`,
        [lower(a.caseId), lower(a.objector), String(a.stake)],
      );
      return;
    case "Paid":
      await tx.exec(
        `INSERT INTO auditing_payments (tx_hash, log_position, case_id, recipient, amount, reason)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (tx_hash, log_position) DO NOTHING`,
        [
          event.txHash,
          event.txLogPosition,
          lower(a.caseId),
          lower(a.to),
          String(a.amount),
          PAY_REASONS[Number(a.why)] ?? String(a.why),
        ],
      );
      return;
    case "CaseClosed":
      await tx.exec(`UPDATE auditing_cases SET status = 'closed', final_verdict = $2 WHERE case_id = $1`, [
        lower(a.caseId),
        verdictName(a.finalVerdict),
      ]);
      return;
  }
}

export const auditingProjection: Projection = {
  name: "auditing",
  tables: [
    "auditing_auditors",
    "auditing_vettings",
    "auditing_cases",
    "auditing_panels",
    "auditing_jurors",
    "auditing_payments",
  ],
  async handle(event, tx) {
    if (event.source === OUTCOME_COURT) return onEvent(event, tx);
  },
};
