// Projects OperatorRegistry and RoamingExchange events into the public roaming read model: who holds which network,
// which identity speaks for each operator, network proposals, and every request's chain of events (request, answer,
// activation or expiry, with block, transaction and the time this agent saw it). Only public facts, no ciphertexts
// (they stay in the events, see ciphertexts.ts), and of the exchange only the requests this member is a party to.
import type { Hex } from "viem";
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";
import { plmnFromBytes6 } from "./imsi.ts";

export const OPERATOR_REGISTRY = "OperatorRegistry";
export const ROAMING_EXCHANGE = "RoamingExchange";

const CLAIM_KINDS = ["claim", "release", "transfer"] as const;
const SKIP_REASONS = ["expired", "already-answered", "already-closed", "not-yet-expired", "request-id-taken"] as const;
const BATCH_KINDS = ["answers", "activations", "expiries", "requests"] as const;
/** BatchKind.Requests: a request whose id another request already holds was skipped. */
const REQUESTS_KIND = 3;

const lower = (value: unknown) => String(value).toLowerCase();
const ranges = (value: unknown) =>
  JSON.stringify(
    ((value ?? []) as Array<{ first: bigint; last: bigint }>).map((r) => ({
      first: r.first.toString(),
      last: r.last.toString(),
    })),
  );

async function onRegistry(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  switch (event.eventName) {
    case "NetworkOperatorChanged": {
      const plmn = plmnFromBytes6(a.plmn as Hex);
      if (lower(a.operator) === "0x0000000000000000000000000000000000000000") {
        await tx.exec(`DELETE FROM roaming_networks WHERE plmn = $1`, [plmn]);
      } else {
        await tx.exec(
          `INSERT INTO roaming_networks (plmn, operator, msin_ranges, since_block) VALUES ($1, $2, '[]', $3)
           ON CONFLICT (plmn) DO UPDATE SET operator = $2, msin_ranges = '[]', since_block = $3`,
          [plmn, lower(a.operator), event.blockNumber],
        );
      }
      return;
    }
    case "MsinRangesSet":
      await tx.exec(`UPDATE roaming_networks SET msin_ranges = $2 WHERE plmn = $1`, [
        plmnFromBytes6(a.plmn as Hex),
        ranges(a.msinRanges),
      ]);
      return;
    case "OperatorIdentitySet":
      await tx.exec(
        `INSERT INTO roaming_operator_identities (operator, identity, block_number) VALUES ($1, $2, $3)
         ON CONFLICT (operator) DO UPDATE SET identity = $2, block_number = $3`,
        [lower(a.operator), lower(a.identity), event.blockNumber],
      );
      return;
    case "ClaimOpened":
      await tx.exec(
        `INSERT INTO roaming_claims (id, kind, plmn, operator, proposer, deadline, msin_ranges, state, approvals, created_block)
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', 0, $8) ON CONFLICT (id) DO NOTHING`,
        [
          Number(a.id),
          CLAIM_KINDS[Number(a.kind)] ?? `kind-${a.kind}`,
          plmnFromBytes6(a.plmn as Hex),
          lower(a.operator),
          lower(a.proposer),
          Number(a.deadline),
          ranges(a.msinRanges),
          event.blockNumber,
        ],
      );
      return;
    case "ClaimApproved":
    case "ClaimApprovalWithdrawn":
      await tx.exec(`UPDATE roaming_claims SET approvals = $2 WHERE id = $1`, [Number(a.id), Number(a.approvals)]);
      return;
    case "ClaimExecuted":
    case "ClaimCanceled":
      await tx.exec(`UPDATE roaming_claims SET state = $2 WHERE id = $1`, [
        Number(a.id),
        event.eventName === "ClaimExecuted" ? "executed" : "canceled",
      ]);
      return;
  }
}

// A request is kept only when this agent's member is one of its two operators (or before the agent has said who it
// is, see roaming_self): the events endpoint answers parties only, and the ciphertexts of other pairs are of no use
// here. The later events of a request not kept update no row. One statement, no extra round trip per event.
async function onExchange(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  const now = new Date().toISOString();
  const id = lower(a.requestId);
  switch (event.eventName) {
    case "RequestSubmitted":
      await tx.exec(
        `INSERT INTO roaming_requests (request_id, vpmn, hpmn, pseudonym, expires_at, state, requested_block,
           requested_tx, requested_seen_at)
         SELECT CAST($1 AS TEXT), CAST($2 AS TEXT), CAST($3 AS TEXT), CAST($4 AS TEXT), CAST($5 AS BIGINT), 'pending',
           CAST($6 AS BIGINT), CAST($7 AS TEXT), CAST($8 AS TEXT)
         WHERE NOT EXISTS (SELECT 1 FROM roaming_self) OR EXISTS (SELECT 1 FROM roaming_self WHERE member IN ($2, $3))
         ON CONFLICT (request_id) DO NOTHING`,
        [
          id,
          lower(a.vpmn),
          lower(a.hpmn),
          lower(a.pseudonym),
          Number(a.expiresAt),
          event.blockNumber,
          event.txHash,
          now,
        ],
      );
      return;
    case "AnswerSubmitted":
      await tx.exec(
        `UPDATE roaming_requests SET state = 'answered', answered_block = $2, answered_tx = $3, answered_seen_at = $4
         WHERE request_id = $1`,
        [id, event.blockNumber, event.txHash, now],
      );
      return;
    case "ActivationRecorded":
      await tx.exec(
        `UPDATE roaming_requests SET state = $2, activated = $3, services_digest = $4, closed_block = $5, closed_tx = $6,
           closed_seen_at = $7 WHERE request_id = $1`,
        [
          id,
          a.activated ? "activated" : "refused",
          a.activated ? 1 : 0,
          lower(a.servicesDigest),
          event.blockNumber,
          event.txHash,
          now,
        ],
      );
      return;
    case "RequestExpired":
      await tx.exec(
        `UPDATE roaming_requests SET state = 'expired', closed_block = $2, closed_tx = $3, closed_seen_at = $4
         WHERE request_id = $1`,
        [id, event.blockNumber, event.txHash, now],
      );
      return;
    case "ItemSkipped":
      // The id belongs to the request that took it first: the skipped duplicate (its submitter's session times out
      // and fails with a recorded outcome) must not mark that one.
      if (Number(a.kind) === REQUESTS_KIND) return;
      await tx.exec(`UPDATE roaming_requests SET skipped = $2 WHERE request_id = $1`, [
        id,
        `${BATCH_KINDS[Number(a.kind)] ?? a.kind}:${SKIP_REASONS[Number(a.reason)] ?? a.reason}`,
      ]);
      return;
  }
}

export const roamingProjection: Projection = {
  name: "roaming",
  tables: ["roaming_operator_identities", "roaming_networks", "roaming_claims", "roaming_requests"],
  async handle(event, tx) {
    if (event.source === OPERATOR_REGISTRY) return onRegistry(event, tx);
    if (event.source === ROAMING_EXCHANGE) return onExchange(event, tx);
  },
};
