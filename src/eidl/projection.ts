// Projects OrganisationRegistry and TnAuthority events into the EIDL read model (inside the indexer's transaction,
// so each event applies exactly once), and the same events into an agent's in-memory prefix index (after commit).
// Rows are upserts keyed by what the chain keys them by (organisation, grant id, event): an event applied again, e.g.
// after its transaction was mined again in another block, overwrites the row with what it now says instead of being
// skipped. Grant ids are content-derived, so a re-mined grant keeps its id; its block and log index may change.

import type { Hex } from "viem";
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import { reasonNameOf } from "../core/identity/credentialStatus.ts";
import type { Queryable } from "../core/store/store.ts";
import { roleName } from "../membership/published.ts";
import type { PrefixIndex } from "./prefixIndex.ts";

const lower = (value: unknown) => String(value).toLowerCase();
const iso = (seconds: unknown) => new Date(Number(seconds) * 1000).toISOString();
const SOURCES = new Set(["OrganisationRegistry", "TnAuthority"]);

async function history(
  tx: Queryable,
  event: ChainEvent,
  grantId: string,
  prefix: string,
  kind: string,
  detail: object,
) {
  await tx.exec(
    `INSERT INTO eidl_grant_history (event_key, grant_id, prefix, kind, detail, block_number, tx_hash)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (event_key) DO UPDATE SET grant_id = excluded.grant_id, prefix = excluded.prefix, kind = excluded.kind,
       detail = excluded.detail, block_number = excluded.block_number, tx_hash = excluded.tx_hash`,
    [
      `${event.txHash}:${event.txLogPosition}`,
      grantId,
      prefix,
      kind,
      JSON.stringify(detail),
      event.blockNumber,
      event.txHash,
    ],
  );
}

export const eidlProjection: Projection = {
  name: "eidl",
  tables: ["eidl_orgs", "eidl_vettings", "eidl_grants", "eidl_grant_history"],
  async handle(event, tx) {
    if (!SOURCES.has(event.source)) return;
    const a = event.args;
    switch (event.eventName) {
      case "OrganisationCreated": {
        const org = lower(a.identity);
        const now = new Date().toISOString();
        await tx.exec(
          `INSERT INTO eidl_orgs (org, name, org_type, member, controller, created_at, updated_at, created_block)
             VALUES ($1, $2, $3, $4, $5, $6, $6, $7)
           ON CONFLICT (org) DO UPDATE SET name = excluded.name, org_type = excluded.org_type, member = excluded.member,
             controller = excluded.controller, created_block = excluded.created_block`,
          [org, String(a.name), Number(a.orgType), lower(a.member), lower(a.controller), now, event.blockNumber],
        );
        return;
      }
      case "VettingRecorded": {
        // A record after an In Progress one replaces it on chain (same version): the read model follows.
        await tx.exec("DELETE FROM eidl_vettings WHERE org = $1 AND version = $2 AND status = 0", [
          lower(a.organisation),
          Number(a.version),
        ]);
        await tx.exec(
          `INSERT INTO eidl_vettings (event_key, org, vetter, status, result, vetted_at, version, credential_hash, block_number, tx_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
           ON CONFLICT (event_key) DO UPDATE SET org = excluded.org, vetter = excluded.vetter, status = excluded.status,
             result = excluded.result, vetted_at = excluded.vetted_at, version = excluded.version,
             credential_hash = excluded.credential_hash, block_number = excluded.block_number, tx_hash = excluded.tx_hash`,
          [
            `${event.txHash}:${event.txLogPosition}`,
            lower(a.organisation),
            lower(a.vetter),
            Number(a.status),
            Number(a.result),
            iso(a.effectiveAt),
            Number(a.version),
            lower(a.credentialHash),
            event.blockNumber,
            event.txHash,
          ],
        );
        await tx.exec(`UPDATE eidl_orgs SET updated_at = $2 WHERE org = $1`, [
          lower(a.organisation),
          iso(a.effectiveAt),
        ]);
        return;
      }
      case "GrantRecorded": {
        const c = a.constraints as { intendedUse: string; callerHash: Hex };
        const id = String(a.grantId);
        const parent = BigInt(a.parentId as bigint) === 0n ? null : String(a.parentId);
        // A grant id is recorded once on chain (GrantIdTaken), so a conflict is this grant applied again: take what
        // the event says now and keep the revocation, which its own event (or the undo of its block) maintains.
        await tx.exec(
          `INSERT INTO eidl_grants (id, parent_id, prefix, kind, issuer, holder, valid_from, valid_until, allow_redelegation,
               credential_hash, intended_use, caller_hash, revoked_at, revoke_reason, created_block, created_log, tx_hash)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, 0, NULL, $13, $14, $15)
           ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, prefix = excluded.prefix, kind = excluded.kind,
             issuer = excluded.issuer, holder = excluded.holder, valid_from = excluded.valid_from,
             valid_until = excluded.valid_until, allow_redelegation = excluded.allow_redelegation,
             credential_hash = excluded.credential_hash, intended_use = excluded.intended_use,
             caller_hash = excluded.caller_hash, created_block = excluded.created_block,
             created_log = excluded.created_log, tx_hash = excluded.tx_hash`,
          [
            id,
            parent,
            String(a.prefix),
            Number(a.kind),
            lower(a.grantor),
            lower(a.holder),
            Number(a.validFrom),
            Number(a.validUntil),
            a.allowRedelegation ? 1 : 0,
            lower(a.credentialHash),
            c.intendedUse,
            lower(c.callerHash),
            event.blockNumber,
            event.logIndex,
            event.txHash,
          ],
        );
        await history(tx, event, id, String(a.prefix), "granted", { at: iso(a.validFrom), reason: null });
        return;
      }
      case "GrantRevoked": {
        const id = String(a.grantId);
        await tx.exec(`UPDATE eidl_grants SET revoked_at = $2, revoke_reason = $3 WHERE id = $1`, [
          id,
          Number(a.revokedAt),
          Number(a.reason),
        ]);
        const row = await tx.one<{ prefix: string }>(`SELECT prefix FROM eidl_grants WHERE id = $1`, [id]);
        await history(tx, event, id, row?.prefix ?? "", "revoked", {
          at: iso(a.revokedAt),
          reason: reasonNameOf(Number(a.reason)),
          by: lower(a.by),
        });
        return;
      }
      case "NumberPorted": {
        const id = String(a.newAllocationId);
        const row = await tx.one<{ valid_from: number }>(`SELECT valid_from FROM eidl_grants WHERE id = $1`, [id]);
        await history(tx, event, id, String(a.prefix), "ported", {
          at: iso(row?.valid_from ?? 0),
          reason: "NumberPort",
          fromAllocationId: String(a.fromAllocationId),
          fromTnsp: lower(a.fromTnsp),
        });
        return;
      }
    }
  },
};

/**
 * Applies a committed event to an agent's prefix index: the EIDL facts the projection wrote, and the membership
 * changes (admission, removal, roles) that authorization depends on.
 */
export function applyToIndex(index: PrefixIndex, event: ChainEvent): void {
  const a = event.args;
  if (event.source === "ConsortiumRegistry") {
    if (event.eventName === "MemberAdmitted" || event.eventName === "RolesChanged") {
      index.setMember(lower(a.member), true, (a.roles as Hex[]).map(roleName));
    } else if (event.eventName === "MemberRemoved") {
      index.setMember(lower(a.member), false, []);
    }
    return;
  }
  if (!SOURCES.has(event.source)) return;
  switch (event.eventName) {
    case "OrganisationCreated":
      index.setOrganisation(lower(a.identity), lower(a.member), Number(a.orgType));
      return;
    case "VettingRecorded":
      if (Number(a.status) === 1) {
        index.setStanding(lower(a.organisation), { authorized: Number(a.result) === 0, vetter: lower(a.vetter) });
      }
      return;
    case "GrantRecorded":
      index.putGrant({
        id: String(a.grantId),
        parentId: BigInt(a.parentId as bigint) === 0n ? null : String(a.parentId),
        prefix: String(a.prefix),
        kind: Number(a.kind),
        issuer: lower(a.grantor),
        holder: lower(a.holder),
        validFrom: Number(a.validFrom),
        validUntil: Number(a.validUntil),
        revokedAt: 0,
        block: event.blockNumber,
        logIndex: event.logIndex,
      });
      return;
    case "GrantRevoked":
      index.markRevoked(String(a.grantId), Number(a.revokedAt));
      return;
  }
}
