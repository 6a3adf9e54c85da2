// Per-block undo information for the read model. While the indexer applies the events of block N, database triggers
// on every projected table record each row's before-image (and its key) in chain_undo_log, tagged with N. When the
// chain drops blocks (a reorganisation, a devnet restored from an older state), the indexer replays those records
// backwards for the dropped blocks, so the read model is exactly what the remaining blocks projected: no domain has
// to write its own undo code, and a projection cannot forget one. Writes outside the indexer's transaction (a
// service's own bookkeeping) are not recorded: the trigger fires only while chain_undo_context names a block, and
// only the indexer's transaction ever sees a row there.
import type { Queryable, Store } from "../../store/store.ts";

const IDENTIFIER = /^[a-z_][a-z0-9_]*$/;

interface TableShape {
  name: string;
  columns: Array<{ name: string; blob: boolean }>;
  /** Primary-key columns; every column when the table has none. */
  key: string[];
}

async function tableShape(db: Queryable, table: string): Promise<TableShape> {
  if (!IDENTIFIER.test(table)) throw new Error(`projected table name ${table} must be a lower-case SQL identifier`);
  if (db.dialect === "sqlite") {
    const rows = await db.query<{ name: string; type: string; pk: number }>(
      "SELECT name, type, pk FROM pragma_table_info($1) ORDER BY cid",
      [table],
    );
    if (rows.length === 0) throw new Error(`projected table ${table} does not exist`);
    const columns = rows.map((r) => ({ name: r.name, blob: /BLOB/i.test(r.type) }));
    const key = rows.filter((r) => Number(r.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk));
    return { name: table, columns, key: key.length ? key.map((r) => r.name) : columns.map((c) => c.name) };
  }
  const rows = await db.query<{ column_name: string; data_type: string }>(
    `SELECT column_name, data_type FROM information_schema.columns
     WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
    [table],
  );
  if (rows.length === 0) throw new Error(`projected table ${table} does not exist`);
  const key = await db.query<{ attname: string }>(
    `SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
     WHERE i.indrelid = $1::regclass AND i.indisprimary`,
    [table],
  );
  const columns = rows.map((r) => ({ name: r.column_name, blob: r.data_type === "bytea" }));
  return { name: table, columns, key: key.length ? key.map((r) => r.attname) : columns.map((c) => c.name) };
}

// SQLite: a row image is a JSON object; BLOB columns travel as hex.
const sqliteImage = (shape: TableShape, row: "NEW" | "OLD") =>
  `json_object(${shape.columns
    .map(
      (c) =>
        `'${c.name}', ${c.blob ? `CASE WHEN ${row}.${c.name} IS NULL THEN NULL ELSE hex(${row}.${c.name}) END` : `${row}.${c.name}`}`,
    )
    .join(", ")})`;

const sqliteValue = (column: { name: string; blob: boolean }, param: string) =>
  column.blob ? `unhex(json_extract(${param}, '$.${column.name}'))` : `json_extract(${param}, '$.${column.name}')`;

async function installSqliteTriggers(db: Queryable, shape: TableShape): Promise<void> {
  const record = (op: string, oldRow: string, newRow: string) =>
    `INSERT INTO chain_undo_log (indexer, block_number, table_name, op, old_row, new_row)
     SELECT indexer, block_number, '${shape.name}', '${op}', ${oldRow}, ${newRow} FROM chain_undo_context`;
  const events = [
    ["insert", "INSERT", record("I", "NULL", sqliteImage(shape, "NEW"))],
    ["update", "UPDATE", record("U", sqliteImage(shape, "OLD"), sqliteImage(shape, "NEW"))],
    ["delete", "DELETE", record("D", sqliteImage(shape, "OLD"), "NULL")],
  ] as const;
  for (const [suffix, event, body] of events) {
    const trigger = `chain_undo_${shape.name}_${suffix}`;
    // Dropped and made again at every start: a migration may have added columns since.
    await db.exec(`DROP TRIGGER IF EXISTS ${trigger}`);
    await db.exec(
      `CREATE TRIGGER ${trigger} AFTER ${event} ON ${shape.name}
       WHEN EXISTS (SELECT 1 FROM chain_undo_context) BEGIN ${body}; END`,
    );
  }
}

const PG_RECORD_FUNCTION = `
CREATE OR REPLACE FUNCTION chain_undo_record() RETURNS trigger LANGUAGE plpgsql AS $body$
DECLARE ctx RECORD;
BEGIN
  SELECT indexer, block_number INTO ctx FROM chain_undo_context LIMIT 1;
  IF NOT FOUND THEN RETURN NULL; END IF;
  INSERT INTO chain_undo_log (indexer, block_number, table_name, op, old_row, new_row)
  VALUES (ctx.indexer, ctx.block_number, TG_TABLE_NAME, left(TG_OP, 1),
          CASE WHEN TG_OP <> 'INSERT' THEN to_jsonb(OLD)::text END,
          CASE WHEN TG_OP <> 'DELETE' THEN to_jsonb(NEW)::text END);
  RETURN NULL;
END
$body$`;

async function installPostgresTriggers(db: Queryable, shape: TableShape): Promise<void> {
  await db.exec(`DROP TRIGGER IF EXISTS chain_undo ON ${shape.name}`);
  await db.exec(
    `CREATE TRIGGER chain_undo AFTER INSERT OR UPDATE OR DELETE ON ${shape.name}
     FOR EACH ROW EXECUTE FUNCTION chain_undo_record()`,
  );
}

export interface UndoJournal {
  /** Makes every change to the projected tables inside `tx` be recorded under `blockNumber` (until cleared). */
  recordFor(tx: Queryable, blockNumber: number): Promise<void>;
  /** Stops recording (before the indexer's transaction commits). */
  stopRecording(tx: Queryable): Promise<void>;
  /** Undoes, newest first, everything recorded for blocks >= fromBlock; returns how many row changes it undid. */
  undoFrom(tx: Queryable, fromBlock: number): Promise<number>;
  /** Forgets the undo records of blocks below `block` (they can no longer be dropped). */
  pruneBelow(tx: Queryable, block: number): Promise<void>;
}

/** Installs the triggers on the projected tables (idempotent) and returns the journal for one indexer. */
export async function openUndoJournal(store: Store, indexer: string, tables: readonly string[]): Promise<UndoJournal> {
  const shapes = new Map<string, TableShape>();
  for (const table of new Set(tables)) shapes.set(table, await tableShape(store, table));
  await store.transaction(async (tx) => {
    if (tx.dialect === "postgres") await tx.exec(PG_RECORD_FUNCTION);
    for (const shape of shapes.values()) {
      if (tx.dialect === "sqlite") await installSqliteTriggers(tx, shape);
      else await installPostgresTriggers(tx, shape);
    }
    // A crash between recordFor and stopRecording rolled back with its transaction; nothing can be left. This is
    // belt and braces for a context row committed by an older build.
    await tx.exec("DELETE FROM chain_undo_context WHERE indexer = $1", [indexer]);
  });

  const undoOne = async (tx: Queryable, row: UndoRow) => {
    const shape = shapes.get(row.table_name);
    if (!shape) throw new Error(`undo record for ${row.table_name}, which is not a projected table of ${indexer}`);
    await tx.exec(...inverse(tx.dialect, shape, row));
  };

  return {
    async recordFor(tx, blockNumber) {
      await tx.exec("DELETE FROM chain_undo_context WHERE indexer = $1", [indexer]);
      await tx.exec("INSERT INTO chain_undo_context (indexer, block_number) VALUES ($1, $2)", [indexer, blockNumber]);
    },
    async stopRecording(tx) {
      await tx.exec("DELETE FROM chain_undo_context WHERE indexer = $1", [indexer]);
    },
    async undoFrom(tx, fromBlock) {
      const rows = await tx.query<UndoRow>(
        `SELECT seq, table_name, op, old_row, new_row FROM chain_undo_log
         WHERE indexer = $1 AND block_number >= $2 ORDER BY seq DESC`,
        [indexer, fromBlock],
      );
      for (const row of rows) await undoOne(tx, row);
      await tx.exec("DELETE FROM chain_undo_log WHERE indexer = $1 AND block_number >= $2", [indexer, fromBlock]);
      return rows.length;
    },
    async pruneBelow(tx, block) {
      await tx.exec("DELETE FROM chain_undo_log WHERE indexer = $1 AND block_number < $2", [indexer, block]);
    },
  };
}

interface UndoRow {
  seq: number;
  table_name: string;
  op: "I" | "U" | "D";
  old_row: string | null;
  new_row: string | null;
}

/** The statement that reverses one recorded change, with its parameters. */
function inverse(dialect: Queryable["dialect"], shape: TableShape, row: UndoRow): [string, string[]] {
  const t = shape.name;
  if (dialect === "sqlite") {
    const byName = new Map(shape.columns.map((c) => [c.name, c]));
    const keyMatch = (param: string) =>
      shape.key.map((k) => `${k} IS ${sqliteValue(byName.get(k) ?? { name: k, blob: false }, param)}`).join(" AND ");
    if (row.op === "I") return [`DELETE FROM ${t} WHERE ${keyMatch("$1")}`, [row.new_row ?? "{}"]];
    if (row.op === "U") {
      const set = shape.columns.map((c) => `${c.name} = ${sqliteValue(c, "$1")}`).join(", ");
      return [`UPDATE ${t} SET ${set} WHERE ${keyMatch("$2")}`, [row.old_row ?? "{}", row.new_row ?? "{}"]];
    }
    const names = shape.columns.map((c) => c.name).join(", ");
    const values = shape.columns.map((c) => sqliteValue(c, "$1")).join(", ");
    return [`INSERT INTO ${t} (${names}) VALUES (${values})`, [row.old_row ?? "{}"]];
  }
  const keyMatch = (alias: string) =>
    shape.key.map((k) => `${t}.${k} IS NOT DISTINCT FROM ${alias}.${k}`).join(" AND ");
  const image = (param: string) => `jsonb_populate_record(NULL::${t}, ${param}::jsonb)`;
  if (row.op === "I") return [`DELETE FROM ${t} USING ${image("$1")} n WHERE ${keyMatch("n")}`, [row.new_row ?? "{}"]];
  if (row.op === "U") {
    const set = shape.columns.map((c) => `${c.name} = o.${c.name}`).join(", ");
    return [
      `UPDATE ${t} SET ${set} FROM ${image("$1")} o, ${image("$2")} n WHERE ${keyMatch("n")}`,
      [row.old_row ?? "{}", row.new_row ?? "{}"],
    ];
  }
  return [`INSERT INTO ${t} SELECT * FROM ${image("$1")}`, [row.old_row ?? "{}"]];
}
