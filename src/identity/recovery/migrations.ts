// The operator guardian's own off-chain records (never projected from the chain): which number a recovery identity
// enrolled with this operator (by keyed hash: the number is never stored bare), the secret that keys the hash, and
// the SIM swaps of the roaming domain's journal this agent has taken, each with its outcome (recorded on chain, not
// enrolled, refused), so every swap of an enrolled number is recorded once across restarts (simSwapRecorder.ts).
import type { Migration } from "../../core/store/store.ts";

export const recoveryMigrations: Migration[] = [
  {
    id: "0219_identity_recovery_operator",
    sql: `
      CREATE TABLE identity_recovery_numbers (
        number_hash TEXT PRIMARY KEY,
        identity TEXT NOT NULL,
        enrolled_at TEXT NOT NULL
      );
      CREATE INDEX identity_recovery_numbers_identity ON identity_recovery_numbers (identity);
      CREATE TABLE identity_recovery_number_key (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        key_hex TEXT NOT NULL,
        created_at TEXT NOT NULL
      );
      CREATE TABLE identity_recovery_sim_swaps (
        swap_id TEXT PRIMARY KEY,
        swapped_at TEXT NOT NULL,
        identity TEXT,
        state TEXT NOT NULL,
        attempts INTEGER NOT NULL DEFAULT 0,
        next_attempt_at TEXT,
        attempt_from BIGINT,
        tx_id TEXT,
        tx_hash TEXT,
        last_error TEXT,
        taken_at TEXT NOT NULL,
        done_at TEXT
      );
      CREATE INDEX identity_recovery_sim_swaps_seen ON identity_recovery_sim_swaps (swapped_at, swap_id);
      CREATE INDEX identity_recovery_sim_swaps_pending ON identity_recovery_sim_swaps (state, next_attempt_at);
    `,
  },
];
