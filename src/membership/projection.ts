// Projects ConsortiumRegistry events into the membership read model (members, bound accounts, per-member history,
// proposals and approvals). Runs inside the indexer's transaction, so it applies each event exactly once.
import type { Hex } from "viem";
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";
import { roleName } from "./roles.ts";

export const PROPOSAL_KINDS = ["admit", "remove", "set-roles"] as const;
export type ProposalKindName = (typeof PROPOSAL_KINDS)[number];

const lower = (value: unknown) => String(value).toLowerCase();
const roleNames = (ids: unknown) => JSON.stringify((ids as Hex[]).map(roleName));

async function recordHistory(tx: Queryable, event: ChainEvent, member: string, kind: string, detail: object) {
  await tx.exec(
    `INSERT INTO membership_history (event_key, member, kind, detail, block_number, tx_hash, block_time)
     VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (event_key) DO NOTHING`,
    [
      `${event.txHash}:${event.txLogPosition}`,
      member,
      kind,
      JSON.stringify(detail),
      event.blockNumber,
      event.txHash,
      event.blockTimestamp,
    ],
  );
}

export const membershipProjection: Projection = {
  name: "membership",
  tables: [
    "membership_members",
    "membership_accounts",
    "membership_history",
    "membership_proposals",
    "membership_approvals",
  ],
  async handle(event, tx) {
    if (event.source !== "ConsortiumRegistry") return;
    const a = event.args;
    switch (event.eventName) {
      case "MemberAdmitted": {
        const member = lower(a.member);
        await tx.exec(
          `INSERT INTO membership_members (address, name, active, roles, admitted_block) VALUES ($1, $2, 1, $3, $4)
           ON CONFLICT (address) DO UPDATE SET name = $2, active = 1, roles = $3, admitted_block = $4, removed_block = NULL`,
          [member, String(a.name), roleNames(a.roles), event.blockNumber],
        );
        await recordHistory(tx, event, member, "admitted", { name: a.name, roles: JSON.parse(roleNames(a.roles)) });
        return;
      }
      case "MemberRemoved": {
        const member = lower(a.member);
        await tx.exec(`UPDATE membership_members SET active = 0, roles = '[]', removed_block = $2 WHERE address = $1`, [
          member,
          event.blockNumber,
        ]);
        await recordHistory(tx, event, member, "removed", {});
        return;
      }
      case "RolesChanged": {
        const member = lower(a.member);
        await tx.exec(`UPDATE membership_members SET roles = $2 WHERE address = $1`, [member, roleNames(a.roles)]);
        await recordHistory(tx, event, member, "roles-changed", { roles: JSON.parse(roleNames(a.roles)) });
        return;
      }
      case "AccountBound": {
        const member = lower(a.member);
        const roles = (a.roles as readonly Hex[]).map(roleName);
        await tx.exec(
          `INSERT INTO membership_accounts (account, member, bound_block, roles) VALUES ($1, $2, $3, $4)
           ON CONFLICT (account) DO UPDATE SET member = $2, bound_block = $3, roles = $4`,
          [lower(a.account), member, event.blockNumber, JSON.stringify(roles)],
        );
        await recordHistory(tx, event, member, "account-bound", { account: lower(a.account), roles });
        return;
      }
      case "AccountUnbound": {
        const member = lower(a.member);
        await tx.exec(`DELETE FROM membership_accounts WHERE account = $1`, [lower(a.account)]);
        await recordHistory(tx, event, member, "account-unbound", { account: lower(a.account), by: lower(a.by) });
        return;
      }
      case "ProposalCreated": {
        const kind = PROPOSAL_KINDS[Number(a.kind)] ?? `kind-${a.kind}`;
        await tx.exec(
          `INSERT INTO membership_proposals (id, kind, proposer, member, deadline, state, approvals, created_block)
           VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6) ON CONFLICT (id) DO NOTHING`,
          [Number(a.id), kind, lower(a.proposer), lower(a.member), Number(a.deadline), event.blockNumber],
        );
        await recordHistory(tx, event, lower(a.member), "proposal-created", { proposal: Number(a.id), kind });
        return;
      }
      case "ProposalApproved": {
        await tx.exec(
          `INSERT INTO membership_approvals (proposal_id, governor, block_number) VALUES ($1, $2, $3)
           ON CONFLICT (proposal_id, governor) DO NOTHING`,
          [Number(a.id), lower(a.governor), event.blockNumber],
        );
        await tx.exec(`UPDATE membership_proposals SET approvals = $2 WHERE id = $1`, [
          Number(a.id),
          Number(a.approvals),
        ]);
        return;
      }
      case "ApprovalWithdrawn": {
        await tx.exec(`DELETE FROM membership_approvals WHERE proposal_id = $1 AND governor = $2`, [
          Number(a.id),
          lower(a.governor),
        ]);
        await tx.exec(`UPDATE membership_proposals SET approvals = $2 WHERE id = $1`, [
          Number(a.id),
          Number(a.approvals),
        ]);
        return;
      }
      case "ProposalExecuted":
      case "ProposalCanceled": {
        const state = event.eventName === "ProposalExecuted" ? "executed" : "canceled";
        await tx.exec(`UPDATE membership_proposals SET state = $2, closed_block = $3 WHERE id = $1`, [
          Number(a.id),
          state,
          event.blockNumber,
        ]);
        return;
      }
    }
  },
};
