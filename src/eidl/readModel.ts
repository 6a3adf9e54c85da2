// Row shapes of the EIDL read model, and building the in-memory prefix index from it at agent start.
import type { Queryable } from "../core/store/store.ts";
import { VettingResult } from "./enums.ts";
import type { PrefixIndex } from "./prefixIndex.ts";

export interface OrgRow {
  org: string;
  name: string;
  org_type: number;
  member: string;
  controller: string;
  created_at: string;
  updated_at: string;
  created_block: number;
}

export interface VettingRow {
  event_key: string;
  org: string;
  vetter: string;
  status: number;
  result: number;
  vetted_at: string;
  version: number;
  credential_hash: string;
  block_number: number;
  tx_hash: string;
}

export interface GrantRow {
  id: string;
  parent_id: string | null;
  prefix: string;
  kind: number;
  issuer: string;
  holder: string;
  valid_from: number;
  valid_until: number;
  allow_redelegation: number;
  credential_hash: string;
  intended_use: string;
  caller_name: string;
  purpose: string;
  revoked_at: number;
  revoke_reason: number | null;
  created_block: number;
  tx_hash: string;
}

/** An organisation account with the name of the member that hosts it. */
export interface PartyRow {
  org: string;
  name: string;
  member: string;
  member_name: string | null;
}

/** Names the organisation accounts at these addresses (lower-case), each with its hosting member's name. */
export async function partiesOf(db: Queryable, addresses: readonly string[]): Promise<Map<string, PartyRow>> {
  const unique = [...new Set(addresses)];
  if (unique.length === 0) return new Map();
  const placeholders = unique.map((_, i) => `$${i + 1}`).join(", ");
  const rows = await db.query<PartyRow>(
    `SELECT o.org, o.name, o.member, m.name AS member_name
       FROM eidl_orgs o LEFT JOIN membership_members m ON m.address = o.member
      WHERE o.org IN (${placeholders})`,
    unique,
  );
  return new Map(rows.map((r) => [r.org, r]));
}

/** Standing from a Complete vetting (an In Progress record neither grants nor withdraws authorization). */
export const standingOf = (row: Pick<VettingRow, "result" | "vetter">) => ({
  authorized: Number(row.result) === VettingResult.Authorized,
  vetter: row.vetter,
});

/** Loads every organisation, latest vetting and grant into the index (agent start). */
export async function loadIndex(db: Queryable, index: PrefixIndex): Promise<void> {
  const members = await db.query<{ address: string; active: number; roles: string }>(
    `SELECT address, active, roles FROM membership_members`,
  );
  for (const m of members) index.setMember(m.address, Number(m.active) === 1, JSON.parse(m.roles) as string[]);
  for (const org of await db.query<OrgRow>(`SELECT * FROM eidl_orgs`)) {
    index.setOrganisation(org.org, org.member, Number(org.org_type));
  }
  const vettings = await db.query<VettingRow>(
    `SELECT * FROM eidl_vettings WHERE status = 1 ORDER BY org, version, block_number`,
  );
  for (const v of vettings) index.setStanding(v.org, standingOf(v));
  const grants = await db.query<GrantRow>(`SELECT * FROM eidl_grants ORDER BY created_block, id`);
  for (const g of grants) index.putGrant(indexedGrantOf(g));
}

export function indexedGrantOf(g: GrantRow) {
  return {
    id: String(g.id),
    parentId: g.parent_id === null ? null : String(g.parent_id),
    prefix: g.prefix,
    kind: Number(g.kind),
    issuer: g.issuer,
    holder: g.holder,
    validFrom: Number(g.valid_from),
    validUntil: Number(g.valid_until),
    revokedAt: Number(g.revoked_at),
  };
}

/** A grant's status now, for the chain of custody. */
export function grantStatusAt(index: PrefixIndex, g: GrantRow, at: number): string {
  if (Number(g.revoked_at) !== 0 && Number(g.revoked_at) <= at) return "revoked";
  if (at < Number(g.valid_from)) return "not-yet-valid";
  if (Number(g.valid_until) !== 0 && at >= Number(g.valid_until)) return "expired";
  const indexed = index.grant(String(g.id));
  return indexed && index.isValid(indexed, at) ? "valid" : "invalid";
}
