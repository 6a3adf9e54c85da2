// SQL of the identity hubs (migration 0230): hubs, their devices, the items' change feed, the relayed inbox. No logic:
// the service decides who may do what; this file only reads and writes rows. A hub's `last_seq` numbers every change
// to its items and every inbox message, taken under the hub row's lock so that a device reading "after n" never sees
// n+2 committed before n+1.
import type { Queryable, Store } from "../../core/store/index.ts";

export interface HubRecord {
  owner: string;
  createdAt: string;
  createdBy: string;
}
export interface HubDevice {
  device: string;
  label: string;
  addedAt: string;
}
export interface HubItem {
  itemId: string;
  seq: number;
  kind: string;
  /** The sealed content; null once deleted (the change still syncs, as a tombstone). */
  jwe: string | null;
  updatedAt: string;
  updatedBy: string;
}
export interface HubMessage {
  seq: number;
  message: string;
  receivedAt: string;
  /** The DID the message is for: the owner, or one of its aliases (the person's pairwise DIDs). */
  for: string;
}
export interface HubAlias {
  alias: string;
  addedAt: string;
}

interface ItemRow {
  item_id: string;
  seq: number | string;
  kind: string;
  jwe: string | null;
  updated_at: string;
  updated_by: string;
}

const itemOf = (row: ItemRow): HubItem => ({
  itemId: row.item_id,
  seq: Number(row.seq),
  kind: row.kind,
  jwe: row.jwe,
  updatedAt: row.updated_at,
  updatedBy: row.updated_by,
});

export class HubStore {
  readonly #db: Store;

  constructor(db: Store) {
    this.#db = db;
  }

  /** Creates the hub; false when it exists (nothing changed). */
  async create(hub: HubRecord): Promise<boolean> {
    const { changes } = await this.#db.exec(
      "INSERT INTO identity_hubs (owner, created_at, created_by) VALUES ($1, $2, $3) ON CONFLICT (owner) DO NOTHING",
      [hub.owner, hub.createdAt, hub.createdBy],
    );
    return changes === 1;
  }

  async hub(owner: string): Promise<HubRecord | undefined> {
    const row = await this.#db.one<{ owner: string; created_at: string; created_by: string }>(
      "SELECT owner, created_at, created_by FROM identity_hubs WHERE owner = $1",
      [owner],
    );
    return row && { owner: row.owner, createdAt: row.created_at, createdBy: row.created_by };
  }

  async devices(owner: string): Promise<HubDevice[]> {
    const rows = await this.#db.query<{ device: string; label: string; added_at: string }>(
      "SELECT device, label, added_at FROM identity_hub_devices WHERE owner = $1 ORDER BY added_at, device",
      [owner],
    );
    return rows.map((r) => ({ device: r.device, label: r.label, addedAt: r.added_at }));
  }

  async deviceCount(owner: string): Promise<number> {
    const row = await this.#db.one<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM identity_hub_devices WHERE owner = $1",
      [owner],
    );
    return Number(row?.n ?? 0);
  }

  async hasDevice(owner: string, device: string): Promise<boolean> {
    const row = await this.#db.one("SELECT 1 AS one FROM identity_hub_devices WHERE owner = $1 AND device = $2", [
      owner,
      device,
    ]);
    return row !== undefined;
  }

  /** Adds a device; false when the hub already lists it. */
  async addDevice(owner: string, device: HubDevice): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `INSERT INTO identity_hub_devices (owner, device, label, added_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (owner, device) DO NOTHING`,
      [owner, device.device, device.label, device.addedAt],
    );
    return changes === 1;
  }

  async removeDevice(owner: string, device: string): Promise<boolean> {
    const { changes } = await this.#db.exec("DELETE FROM identity_hub_devices WHERE owner = $1 AND device = $2", [
      owner,
      device,
    ]);
    return changes === 1;
  }

  async item(owner: string, itemId: string): Promise<HubItem | undefined> {
    const row = await this.#db.one<ItemRow>(
      "SELECT item_id, seq, kind, jwe, updated_at, updated_by FROM identity_hub_items WHERE owner = $1 AND item_id = $2",
      [owner, itemId],
    );
    return row && itemOf(row);
  }

  async liveItemCount(owner: string): Promise<number> {
    const row = await this.#db.one<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM identity_hub_items WHERE owner = $1 AND jwe IS NOT NULL",
      [owner],
    );
    return Number(row?.n ?? 0);
  }

  /**
   * Writes (or, with jwe null, deletes) an item if its current revision is `expectedSeq` (0: it must not exist or be
   * deleted; undefined: any). Returns the new revision, or the current item when the expectation failed.
   */
  async writeItem(
    owner: string,
    change: { itemId: string; kind: string; jwe: string | null; at: string; by: string },
    expectedSeq: number | undefined,
  ): Promise<{ ok: true; item: HubItem } | { ok: false; current: HubItem | undefined }> {
    return this.#db
      .transaction(async (tx) => {
        const seq = await nextSeq(tx, owner);
        const row = await tx.one<ItemRow>(
          "SELECT item_id, seq, kind, jwe, updated_at, updated_by FROM identity_hub_items WHERE owner = $1 AND item_id = $2",
          [owner, change.itemId],
        );
        const current = row && itemOf(row);
        const currentSeq = current?.jwe === null ? 0 : (current?.seq ?? 0);
        if (expectedSeq !== undefined && expectedSeq !== currentSeq) {
          throw new ExpectationFailed(current);
        }
        const item: HubItem = {
          itemId: change.itemId,
          seq,
          kind: change.kind,
          jwe: change.jwe,
          updatedAt: change.at,
          updatedBy: change.by,
        };
        await tx.exec(
          `INSERT INTO identity_hub_items (owner, item_id, seq, kind, jwe, updated_at, updated_by)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (owner, item_id) DO UPDATE SET seq = excluded.seq, kind = excluded.kind, jwe = excluded.jwe,
           updated_at = excluded.updated_at, updated_by = excluded.updated_by`,
          [owner, item.itemId, item.seq, item.kind, item.jwe, item.updatedAt, item.updatedBy],
        );
        return { ok: true as const, item };
      })
      .catch((error: unknown) => {
        // The transaction rolled back (the sequence number taken is released with it).
        if (error instanceof ExpectationFailed) return { ok: false as const, current: error.current };
        throw error;
      });
  }

  /** The item changes after `afterSeq`, oldest first, at most `limit + 1` (the caller pages). */
  async changes(owner: string, afterSeq: number, limit: number): Promise<HubItem[]> {
    const rows = await this.#db.query<ItemRow>(
      `SELECT item_id, seq, kind, jwe, updated_at, updated_by FROM identity_hub_items
       WHERE owner = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [owner, afterSeq, limit + 1],
    );
    return rows.map(itemOf);
  }

  async inboxCount(owner: string): Promise<number> {
    const row = await this.#db.one<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM identity_hub_inbox WHERE owner = $1",
      [owner],
    );
    return Number(row?.n ?? 0);
  }

  async enqueue(owner: string, message: string, at: string, recipient: string = owner): Promise<number> {
    return this.#db.transaction(async (tx) => {
      const seq = await nextSeq(tx, owner);
      await tx.exec(
        "INSERT INTO identity_hub_inbox (owner, seq, message, received_at, recipient) VALUES ($1, $2, $3, $4, $5)",
        [owner, seq, message, at, recipient],
      );
      return seq;
    });
  }

  async inbox(owner: string, afterSeq: number, limit: number): Promise<HubMessage[]> {
    const rows = await this.#db.query<{
      seq: number | string;
      message: string;
      received_at: string;
      recipient: string | null;
    }>(
      `SELECT seq, message, received_at, recipient FROM identity_hub_inbox
       WHERE owner = $1 AND seq > $2 ORDER BY seq LIMIT $3`,
      [owner, afterSeq, limit + 1],
    );
    return rows.map((r) => ({
      seq: Number(r.seq),
      message: r.message,
      receivedAt: r.received_at,
      for: r.recipient ?? owner,
    }));
  }

  /** The owner's aliases, oldest first (bounded by the service). */
  async aliases(owner: string): Promise<HubAlias[]> {
    const rows = await this.#db.query<{ alias: string; added_at: string }>(
      "SELECT alias, added_at FROM identity_hub_aliases WHERE owner = $1 ORDER BY added_at, alias",
      [owner],
    );
    return rows.map((r) => ({ alias: r.alias, addedAt: r.added_at }));
  }

  async aliasCount(owner: string): Promise<number> {
    const row = await this.#db.one<{ n: number | string }>(
      "SELECT COUNT(*) AS n FROM identity_hub_aliases WHERE owner = $1",
      [owner],
    );
    return Number(row?.n ?? 0);
  }

  /** Which of `dids` are aliases of the owner. */
  async aliasesAmong(owner: string, dids: readonly string[]): Promise<string[]> {
    if (dids.length === 0) return [];
    const placeholders = dids.map((_, i) => `$${i + 2}`).join(", ");
    const rows = await this.#db.query<{ alias: string }>(
      `SELECT alias FROM identity_hub_aliases WHERE owner = $1 AND alias IN (${placeholders})`,
      [owner, ...dids],
    );
    return rows.map((r) => r.alias);
  }

  /** Adds an alias; false when the hub already lists it. */
  async addAlias(owner: string, alias: HubAlias): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `INSERT INTO identity_hub_aliases (owner, alias, added_at) VALUES ($1, $2, $3)
       ON CONFLICT (owner, alias) DO NOTHING`,
      [owner, alias.alias, alias.addedAt],
    );
    return changes === 1;
  }

  async removeAlias(owner: string, alias: string): Promise<boolean> {
    const { changes } = await this.#db.exec("DELETE FROM identity_hub_aliases WHERE owner = $1 AND alias = $2", [
      owner,
      alias,
    ]);
    return changes === 1;
  }

  async acknowledge(owner: string, seq: number): Promise<boolean> {
    const { changes } = await this.#db.exec("DELETE FROM identity_hub_inbox WHERE owner = $1 AND seq = $2", [
      owner,
      seq,
    ]);
    return changes === 1;
  }
}

class ExpectationFailed extends Error {
  readonly current: HubItem | undefined;
  constructor(current: HubItem | undefined) {
    super("the item's revision is not the expected one");
    this.current = current;
  }
}

/** Takes the hub's next change number under the hub row's lock (held until the transaction ends). */
async function nextSeq(tx: Queryable, owner: string): Promise<number> {
  const row = await tx.one<{ last_seq: number | string }>(
    "UPDATE identity_hubs SET last_seq = last_seq + 1 WHERE owner = $1 RETURNING last_seq",
    [owner],
  );
  if (!row) throw new Error(`no hub for ${owner}`);
  return Number(row.last_seq);
}
