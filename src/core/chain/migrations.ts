// Tables of the chain layer: the transaction outbox journal and the indexer's events and cursors.
import type { Migration } from "../store/store.ts";

export const chainMigrations: Migration[] = [
  {
    id: "0200_chain_outbox",
    // UNIQUE (sender, nonce) makes a duplicate nonce impossible even if two writers raced.
    sql: `
CREATE TABLE chain_outbox (
  id TEXT PRIMARY KEY,
  sender TEXT NOT NULL,
  nonce BIGINT NOT NULL,
  label TEXT NOT NULL,
  to_address TEXT,
  raw_tx TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  status TEXT NOT NULL,
  block_number BIGINT,
  error TEXT,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  UNIQUE (sender, nonce)
);
CREATE INDEX chain_outbox_status ON chain_outbox (status);
CREATE INDEX chain_outbox_hash ON chain_outbox (tx_hash);
`,
  },
  {
    id: "0201_chain_events",
    // An event's key is (indexer, tx hash, position among the indexed logs of that tx): it survives the same
    // transaction being mined again into another block after a devnet restore.
    sql: `
CREATE TABLE chain_events (
  indexer TEXT NOT NULL,
  tx_hash TEXT NOT NULL,
  tx_log_position INTEGER NOT NULL,
  source TEXT NOT NULL,
  address TEXT NOT NULL,
  event_name TEXT NOT NULL,
  args_json TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  log_index INTEGER NOT NULL,
  indexed_at TEXT NOT NULL,
  PRIMARY KEY (indexer, tx_hash, tx_log_position)
);
CREATE INDEX chain_events_source ON chain_events (indexer, source, event_name);
CREATE TABLE chain_cursors (
  indexer TEXT PRIMARY KEY,
  next_block BIGINT NOT NULL,
  updated_at TEXT NOT NULL
);
CREATE TABLE chain_block_checkpoints (
  indexer TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  block_hash TEXT NOT NULL,
  PRIMARY KEY (indexer, block_number)
);
`,
  },
  {
    id: "0202_chain_undo",
    // Before-images of read-model rows, per block, for undoing what dropped blocks projected (indexer/undo.ts).
    // chain_undo_context holds a row only inside the indexer's own transaction, while it projects a block.
    sql: { sqlite: undoTables("INTEGER PRIMARY KEY AUTOINCREMENT"), postgres: undoTables("BIGSERIAL PRIMARY KEY") },
  },
  {
    id: "0203_chain_outbox_replaced",
    // Earlier signatures of fee-bumped outbox entries (same nonce, lower fee): any of them may be the one mined.
    sql: `
CREATE TABLE chain_outbox_replaced (
  tx_hash TEXT PRIMARY KEY,
  id TEXT NOT NULL,
  raw_tx TEXT NOT NULL,
  replaced_at TEXT NOT NULL
);
CREATE INDEX chain_outbox_replaced_id ON chain_outbox_replaced (id);
`,
  },
];

/** The undo tables; only the auto-numbered key is written differently by the two dialects. */
function undoTables(sequenceKey: string): string {
  return `
CREATE TABLE chain_undo_log (
  seq ${sequenceKey},
  indexer TEXT NOT NULL,
  block_number BIGINT NOT NULL,
  table_name TEXT NOT NULL,
  op TEXT NOT NULL,
  old_row TEXT,
  new_row TEXT
);
CREATE INDEX chain_undo_block ON chain_undo_log (indexer, block_number);
CREATE TABLE chain_undo_context (indexer TEXT NOT NULL, block_number BIGINT NOT NULL);
`;
}
