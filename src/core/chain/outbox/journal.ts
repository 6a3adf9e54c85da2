// SQL of the outbox journal (table chain_outbox, see ../migrations.ts). Every signed transaction is a row before it
// is broadcast; the row's raw bytes are what recovery broadcasts again, so a replay has the identical hash.
import type { Address, Hex } from "viem";
import type { Queryable } from "../../store/store.ts";
import type { TxStatus } from "../types.ts";

export interface JournalEntry {
  id: string;
  sender: Address;
  nonce: number;
  label: string;
  to: Address | null;
  rawTx: Hex;
  hash: Hex;
  status: TxStatus;
  blockNumber: number | null;
  error: string | null;
}

interface Row {
  id: string;
  sender: string;
  nonce: number | string;
  label: string;
  to_address: string | null;
  raw_tx: string;
  tx_hash: string;
  status: string;
  block_number: number | string | null;
  error: string | null;
}

const COLUMNS = "id, sender, nonce, label, to_address, raw_tx, tx_hash, status, block_number, error";

function toEntry(row: Row): JournalEntry {
  return {
    id: row.id,
    sender: row.sender as Address,
    nonce: Number(row.nonce),
    label: row.label,
    to: row.to_address as Address | null,
    rawTx: row.raw_tx as Hex,
    hash: row.tx_hash as Hex,
    status: row.status as TxStatus,
    blockNumber: row.block_number === null ? null : Number(row.block_number),
    error: row.error,
  };
}

/** Next nonce the journal allows for `sender`: one past the highest it holds, or undefined when it holds none. */
export async function nextJournalNonce(db: Queryable, sender: Address): Promise<number | undefined> {
  const row = await db.one<{ n: number | string | null }>(
    "SELECT MAX(nonce) AS n FROM chain_outbox WHERE sender = $1",
    [sender.toLowerCase()],
  );
  return row?.n === null || row?.n === undefined ? undefined : Number(row.n) + 1;
}

export async function insertEntry(db: Queryable, entry: Omit<JournalEntry, "blockNumber" | "error">): Promise<void> {
  const now = new Date().toISOString();
  await db.exec(
    `INSERT INTO chain_outbox (id, sender, nonce, label, to_address, raw_tx, tx_hash, status, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $9)`,
    [
      entry.id,
      entry.sender.toLowerCase(),
      entry.nonce,
      entry.label,
      entry.to,
      entry.rawTx,
      entry.hash,
      entry.status,
      now,
    ],
  );
}

export async function getEntry(db: Queryable, id: string): Promise<JournalEntry | undefined> {
  const row = await db.one<Row>(`SELECT ${COLUMNS} FROM chain_outbox WHERE id = $1`, [id]);
  return row ? toEntry(row) : undefined;
}

/** Entries not yet known mined, oldest nonce first per sender. */
export async function unsettledEntries(db: Queryable, limit: number): Promise<JournalEntry[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM chain_outbox WHERE status IN ('journalled', 'sent') ORDER BY sender, nonce LIMIT $1`,
    [limit],
  );
  return rows.map(toEntry);
}

/** The entries of one sender not yet mined or reverted (what its balance must still pay for). */
export async function unsettledOf(db: Queryable, sender: Address): Promise<JournalEntry[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM chain_outbox WHERE sender = $1 AND status IN ('journalled', 'sent') ORDER BY nonce`,
    [sender.toLowerCase()],
  );
  return rows.map(toEntry);
}

export async function countUnsettled(db: Queryable): Promise<number> {
  const row = await db.one<{ n: number | string }>(
    "SELECT COUNT(*) AS n FROM chain_outbox WHERE status IN ('journalled', 'sent')",
  );
  return Number(row?.n ?? 0);
}

export async function senders(db: Queryable): Promise<Address[]> {
  const rows = await db.query<{ sender: string }>("SELECT DISTINCT sender FROM chain_outbox");
  return rows.map((r) => r.sender as Address);
}

/** Everything journalled for `sender` from `nonce` on, in nonce order: what recovery broadcasts again. */
export async function entriesFromNonce(db: Queryable, sender: Address, nonce: number): Promise<JournalEntry[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM chain_outbox WHERE sender = $1 AND nonce >= $2 AND status <> 'failed' ORDER BY nonce`,
    [sender.toLowerCase(), nonce],
  );
  return rows.map(toEntry);
}

export async function setStatus(
  db: Queryable,
  id: string,
  status: TxStatus,
  blockNumber: number | null,
  error: string | null,
): Promise<void> {
  await db.exec("UPDATE chain_outbox SET status = $2, block_number = $3, error = $4, updated_at = $5 WHERE id = $1", [
    id,
    status,
    blockNumber,
    error,
    new Date().toISOString(),
  ]);
}

/** journalled -> sent once the node has accepted the broadcast (never moves a settled entry back). */
export async function markSent(db: Queryable, id: string): Promise<void> {
  await db.exec("UPDATE chain_outbox SET status = 'sent', updated_at = $2 WHERE id = $1 AND status = 'journalled'", [
    id,
    new Date().toISOString(),
  ]);
}

/**
 * The newest `limit` entries of `sender` below `nonce` the journal holds as mined or reverted, in nonce order:
 * reconciliation checks their receipts.
 */
export async function settledBelowNonce(
  db: Queryable,
  sender: Address,
  nonce: number,
  limit: number,
): Promise<JournalEntry[]> {
  const rows = await db.query<Row>(
    `SELECT ${COLUMNS} FROM chain_outbox WHERE sender = $1 AND nonce < $2 AND status IN ('mined', 'reverted')
     ORDER BY nonce DESC LIMIT $3`,
    [sender.toLowerCase(), nonce, limit],
  );
  return rows.map(toEntry).reverse();
}

/**
 * The entry's transaction signed again under a new nonce (its old nonce went to another transaction): same id, so
 * whoever holds the ticket follows the new hash.
 */
export async function replaceSigned(
  db: Queryable,
  id: string,
  signed: { nonce: number; rawTx: Hex; hash: Hex },
): Promise<void> {
  await db.exec(
    `UPDATE chain_outbox SET nonce = $2, raw_tx = $3, tx_hash = $4, status = 'journalled', block_number = NULL,
       error = NULL, updated_at = $5 WHERE id = $1`,
    [id, signed.nonce, signed.rawTx, signed.hash, new Date().toISOString()],
  );
}

/**
 * An entry signed again at the same nonce with a higher fee (a fee bump): the row takes the new bytes, and the old
 * signature is kept, because either may be the one the chain mines (the old one can win where the replacement had not
 * reached the sealing node yet).
 */
export async function bumpSigned(
  db: Queryable,
  id: string,
  previous: { rawTx: Hex; hash: Hex },
  signed: { rawTx: Hex; hash: Hex },
): Promise<void> {
  const now = new Date().toISOString();
  await db.exec(
    "INSERT INTO chain_outbox_replaced (tx_hash, id, raw_tx, replaced_at) VALUES ($1, $2, $3, $4) ON CONFLICT (tx_hash) DO NOTHING",
    [previous.hash, id, previous.rawTx, now],
  );
  await db.exec("UPDATE chain_outbox SET raw_tx = $2, tx_hash = $3, updated_at = $4 WHERE id = $1", [
    id,
    signed.rawTx,
    signed.hash,
    now,
  ]);
}

/** The earlier signatures of an entry that was fee-bumped, oldest first. */
export async function replacedSignatures(db: Queryable, id: string): Promise<{ rawTx: Hex; hash: Hex }[]> {
  const rows = await db.query<{ raw_tx: string; tx_hash: string }>(
    "SELECT raw_tx, tx_hash FROM chain_outbox_replaced WHERE id = $1 ORDER BY replaced_at, tx_hash",
    [id],
  );
  return rows.map((r) => ({ rawTx: r.raw_tx as Hex, hash: r.tx_hash as Hex }));
}

/** Unsettled entries that were fee-bumped at least once (their earlier signatures may be the ones mined). */
export async function unsettledBumpedIds(db: Queryable): Promise<string[]> {
  const rows = await db.query<{ id: string }>(
    `SELECT DISTINCT r.id AS id FROM chain_outbox_replaced r JOIN chain_outbox o ON o.id = r.id
     WHERE o.status IN ('journalled', 'sent')`,
  );
  return rows.map((r) => r.id);
}

/** The mined signature of a bumped entry was an earlier one: the row takes those bytes back (same nonce). */
export async function restoreSignature(db: Queryable, id: string, signed: { rawTx: Hex; hash: Hex }): Promise<void> {
  await db.exec("UPDATE chain_outbox SET raw_tx = $2, tx_hash = $3, updated_at = $4 WHERE id = $1", [
    id,
    signed.rawTx,
    signed.hash,
    new Date().toISOString(),
  ]);
}
