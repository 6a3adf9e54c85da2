// SQL of the links (migration 0216). No rules here: the service decides; these statements make each step atomic (a
// code attempt is counted before it is compared, a link turns linked once).
import type { Store } from "../../core/store/index.ts";

export type LinkMode = "qr" | "hub" | "code";

export interface LinkRecord {
  linkId: string;
  mode: LinkMode;
  label: string | null;
  createdBy: string;
  challengeHash: string | null;
  requestedDid: string | null;
  hub: string | null;
  codeSalt: string | null;
  codeHash: string | null;
  codeAttempts: number;
  status: "pending" | "linked" | "locked";
  did: string | null;
  linkedAt: string | null;
  createdAt: string;
  expiresAt: string;
}

interface LinkRow {
  link_id: string;
  mode: LinkMode;
  label: string | null;
  created_by: string;
  challenge_hash: string | null;
  requested_did: string | null;
  hub: string | null;
  code_salt: string | null;
  code_hash: string | null;
  code_attempts: number | string;
  status: LinkRecord["status"];
  did: string | null;
  linked_at: string | null;
  created_at: string;
  expires_at: string;
}

const recordOf = (r: LinkRow): LinkRecord => ({
  linkId: r.link_id,
  mode: r.mode,
  label: r.label,
  createdBy: r.created_by,
  challengeHash: r.challenge_hash,
  requestedDid: r.requested_did,
  hub: r.hub,
  codeSalt: r.code_salt,
  codeHash: r.code_hash,
  codeAttempts: Number(r.code_attempts),
  status: r.status,
  did: r.did,
  linkedAt: r.linked_at,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** Links not linked are kept this long past their expiry (so a late answer is named "expired"), then deleted. */
const KEEP_UNLINKED_MS = 24 * 3_600_000;

export class LinkStore {
  readonly #db: Store;

  constructor(db: Store) {
    this.#db = db;
  }

  async insert(link: LinkRecord): Promise<void> {
    await this.#db.exec("DELETE FROM identity_links WHERE status <> 'linked' AND expires_at < $1", [
      new Date(Date.parse(link.createdAt) - KEEP_UNLINKED_MS).toISOString(),
    ]);
    await this.#db.exec(
      `INSERT INTO identity_links (link_id, mode, label, created_by, challenge_hash, requested_did, hub, code_salt,
         code_hash, code_attempts, status, did, linked_at, created_at, expires_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 'pending', NULL, NULL, $10, $11)`,
      [
        link.linkId,
        link.mode,
        link.label,
        link.createdBy,
        link.challengeHash,
        link.requestedDid,
        link.hub,
        link.codeSalt,
        link.codeHash,
        link.createdAt,
        link.expiresAt,
      ],
    );
  }

  async remove(linkId: string): Promise<void> {
    await this.#db.exec("DELETE FROM identity_links WHERE link_id = $1", [linkId]);
  }

  async get(linkId: string): Promise<LinkRecord | undefined> {
    const row = await this.#db.one<LinkRow>("SELECT * FROM identity_links WHERE link_id = $1", [linkId]);
    return row && recordOf(row);
  }

  /** Newest first, keyset [createdAt, linkId]; at most `limit + 1` rows (the caller pages). */
  async list(limit: number, after?: readonly [string, string]): Promise<LinkRecord[]> {
    const rows = after
      ? await this.#db.query<LinkRow>(
          `SELECT * FROM identity_links WHERE created_at < $1 OR (created_at = $1 AND link_id < $2)
           ORDER BY created_at DESC, link_id DESC LIMIT $3`,
          [after[0], after[1], limit + 1],
        )
      : await this.#db.query<LinkRow>("SELECT * FROM identity_links ORDER BY created_at DESC, link_id DESC LIMIT $1", [
          limit + 1,
        ]);
    return rows.map(recordOf);
  }

  /** Pending, unexpired links one API key opened (a cap on what it may hold). */
  async openCount(createdBy: string, now: string): Promise<number> {
    const row = await this.#db.one<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM identity_links WHERE created_by = $1 AND status = 'pending' AND expires_at > $2",
      [createdBy, now],
    );
    return Number(row?.n ?? 0);
  }

  /** Counts one code attempt if the link is pending, unexpired and under `max` attempts; false otherwise. */
  async countAttempt(linkId: string, max: number, now: string): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `UPDATE identity_links SET code_attempts = code_attempts + 1
       WHERE link_id = $1 AND status = 'pending' AND code_attempts < $2 AND expires_at > $3`,
      [linkId, max, now],
    );
    return changes === 1;
  }

  /** Marks a pending link linked to `did` (keeping a hub already known); false when it was not pending. */
  async markLinked(linkId: string, did: string, at: string, hub: string | null): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `UPDATE identity_links SET status = 'linked', did = $2, linked_at = $3, hub = COALESCE(hub, $4)
       WHERE link_id = $1 AND status = 'pending'`,
      [linkId, did, at, hub],
    );
    return changes === 1;
  }

  async lock(linkId: string): Promise<void> {
    await this.#db.exec("UPDATE identity_links SET status = 'locked' WHERE link_id = $1 AND status = 'pending'", [
      linkId,
    ]);
  }
}
