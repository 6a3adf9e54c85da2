// The Store contract as a behaviour suite, written once and run against every backend (store.test.ts): whatever
// passes here, domain code may rely on, on SQLite and on PostgreSQL alike.
import assert from "node:assert/strict";
import { it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { ForeignKeyViolationError, MigrationChecksumError, StoreError, UniqueViolationError } from "./errors.ts";
import { execIn, IN_LIST_CHUNK, queryIn } from "./inList.ts";
import type { Dialect, Migration, Store, Transaction } from "./store.ts";

export interface StoreDatabase {
  /** Opens a store on this database; calling it again reopens the same database (as an agent restart would). */
  open(migrations: readonly Migration[]): Promise<Store>;
}

export interface StoreBackend {
  dialect: Dialect;
  /** A new, empty database. */
  freshDatabase(): Promise<StoreDatabase>;
}

const accounts: Migration = {
  id: "0001_test_accounts",
  sql: `CREATE TABLE accounts (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    balance BIGINT NOT NULL DEFAULT 0,
    active INTEGER NOT NULL DEFAULT 1
  );`,
};
const transfers: Migration = {
  id: "0002_test_transfers",
  sql: `CREATE TABLE transfers (
    id INTEGER PRIMARY KEY,
    account_id INTEGER NOT NULL REFERENCES accounts(id),
    amount TEXT NOT NULL
  );
  CREATE INDEX transfers_account ON transfers(account_id);`,
};

async function withStore(
  backend: () => StoreBackend,
  migrations: readonly Migration[],
  fn: (store: Store) => Promise<void>,
): Promise<void> {
  const store = await (await backend().freshDatabase()).open(migrations);
  try {
    await fn(store);
  } finally {
    await store.close();
  }
}

function deferred(): { promise: Promise<void>; resolve(): void } {
  let resolve = () => {};
  const promise = new Promise<void>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

function errorCode(code: string) {
  return (error: unknown) => error instanceof StoreError && error.code === code;
}

export function storeBehavior(backend: () => StoreBackend): void {
  const schema = [accounts, transfers];

  it("inserts, reads, updates and deletes rows with plain lower-case row objects", async () => {
    await withStore(backend, schema, async (store) => {
      assert.deepEqual(await store.exec("INSERT INTO accounts (id, name, balance) VALUES ($1, $2, $3)", [1, "a", 10]), {
        changes: 1,
      });
      await store.exec("INSERT INTO accounts (id, name, balance) VALUES ($1, $2, $3)", [2, "b", 20]);
      assert.deepEqual(await store.query("SELECT id, name, balance, active FROM accounts ORDER BY id"), [
        { id: 1, name: "a", balance: 10, active: 1 },
        { id: 2, name: "b", balance: 20, active: 1 },
      ]);
      assert.deepEqual(await store.exec("UPDATE accounts SET balance = balance + $1", [5]), { changes: 2 });
      assert.deepEqual(await store.one("SELECT balance FROM accounts WHERE name = $1", ["b"]), { balance: 25 });
      assert.equal(await store.one("SELECT id FROM accounts WHERE name = $1", ["missing"]), undefined);
      assert.deepEqual(await store.exec("DELETE FROM accounts WHERE id = $1", [1]), { changes: 1 });
      assert.deepEqual(await store.one("SELECT COUNT(*) AS n FROM accounts"), { n: 1 });
    });
  });

  it("runs a statement over a key list longer than one chunk, with parameters bound ahead of the list", async () => {
    await withStore(backend, schema, async (store) => {
      const ids = Array.from({ length: IN_LIST_CHUNK * 2 + 7 }, (_, i) => i + 1);
      await store.transaction(async (tx) => {
        for (const id of ids) await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [id, `n${id}`]);
      });
      const odd = ids.filter((id) => id % 2 === 1);
      const changed = await execIn(store, (list) => `UPDATE accounts SET balance = $1 WHERE id IN (${list})`, odd, [7]);
      assert.equal(changed, odd.length);
      const rows = await queryIn<{ id: number }>(
        store,
        (list) => `SELECT id FROM accounts WHERE balance = $1 AND id IN (${list})`,
        ids,
        [7],
      );
      assert.deepEqual(
        rows.map((r) => r.id).sort((a, b) => a - b),
        odd,
      );
    });
  });

  it("commits a relaxed-durability transaction like any other, and relaxes only that one", async () => {
    await withStore(backend, schema, async (store) => {
      const durability = async (q: Pick<Store, "one">) =>
        store.dialect === "sqlite"
          ? Number((await q.one<{ synchronous: number }>("PRAGMA synchronous"))?.synchronous)
          : (await q.one<{ synchronous_commit: string }>("SHOW synchronous_commit"))?.synchronous_commit;
      const strict = await durability(store);
      const inside = await store.transaction(
        async (tx) => {
          await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [1, "relaxed"]);
          return durability(tx);
        },
        { durability: "relaxed" },
      );
      assert.deepEqual(await store.one("SELECT name FROM accounts WHERE id = 1"), { name: "relaxed" });
      assert.equal(strict, store.dialect === "sqlite" ? 2 : "on");
      assert.equal(inside, store.dialect === "sqlite" ? 1 : "off");
      assert.equal(await durability(store), strict, "the next transaction is fully durable again");
      await assert.rejects(
        store.transaction(
          async (tx) => {
            await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [2, "rolled back"]);
            throw new Error("half-way");
          },
          { durability: "relaxed" },
        ),
        /half-way/,
      );
      assert.equal(await store.one("SELECT name FROM accounts WHERE id = 2"), undefined);
      assert.equal(await durability(store), strict);
    });
  });

  it("binds $n placeholders by number, reuses them, and leaves $n inside string literals alone", async () => {
    await withStore(backend, schema, async (store) => {
      await store.exec("INSERT INTO accounts (id, name, balance) VALUES ($3, $1, $2)", ["x", 70, 7]);
      assert.deepEqual(
        await store.one("SELECT id, balance, '$1' AS lit FROM accounts WHERE name = $1 AND (name = $1 OR id = $2)", [
          "x",
          0,
        ]),
        { id: 7, balance: 70, lit: "$1" },
      );
      const ten = Array.from({ length: 10 }, (_, i) => i + 1);
      const row = await store.one(
        "SELECT COUNT(*) AS n FROM accounts WHERE id IN ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) -- $11 is a comment",
        ten,
      );
      assert.deepEqual(row, { n: 1 });
      await assert.rejects(
        store.query("SELECT id FROM accounts WHERE id = $1 AND name = $2", [1]),
        errorCode("STORE_PARAMS_MISMATCH"),
      );
      await assert.rejects(store.query("SELECT id FROM accounts", [1]), errorCode("STORE_PARAMS_MISMATCH"));
    });
  });

  it("stores booleans as 1/0 and bytes as Uint8Array", async () => {
    const blobs: Migration = {
      id: "0003_test_blobs",
      sql: {
        sqlite: "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BLOB)",
        postgres: "CREATE TABLE blobs (id INTEGER PRIMARY KEY, data BYTEA)",
      },
    };
    await withStore(backend, [...schema, blobs], async (store) => {
      await store.exec("INSERT INTO accounts (id, name, active) VALUES ($1, $2, $3)", [1, "off", false]);
      assert.deepEqual(await store.one("SELECT active FROM accounts WHERE id = 1"), { active: 0 });
      await store.exec("INSERT INTO blobs (id, data) VALUES ($1, $2)", [1, new Uint8Array([0, 1, 254, 255])]);
      const row = await store.one<{ data: Uint8Array }>("SELECT data FROM blobs WHERE id = 1");
      assert.ok(row?.data instanceof Uint8Array);
      assert.deepEqual([...row.data], [0, 1, 254, 255]);
    });
  });

  it("returns integers as numbers when safe, as bigint above 2^53, and keeps uint256 exact as TEXT", async () => {
    await withStore(backend, schema, async (store) => {
      const big = 2n ** 53n + 1n;
      const uint256 = (2n ** 256n - 1n).toString();
      await store.exec("INSERT INTO accounts (id, name, balance) VALUES ($1, $2, $3)", [1, "big", big]);
      await store.exec("INSERT INTO accounts (id, name, balance) VALUES ($1, $2, $3)", [2, "max", 2n ** 63n - 1n]);
      await store.exec("INSERT INTO transfers (id, account_id, amount) VALUES ($1, $2, $3)", [1, 1, uint256]);
      assert.deepEqual(await store.query("SELECT id, balance FROM accounts ORDER BY id"), [
        { id: 1, balance: big },
        { id: 2, balance: 2n ** 63n - 1n },
      ]);
      assert.deepEqual(await store.one("SELECT amount FROM transfers"), { amount: uint256 });
      assert.equal(
        BigInt((await store.one<{ amount: string }>("SELECT amount FROM transfers"))?.amount ?? 0),
        2n ** 256n - 1n,
      );
    });
  });

  it("commits every statement of a transaction together", async () => {
    await withStore(backend, schema, async (store) => {
      const result = await store.transaction(async (tx) => {
        await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [1, "a"]);
        await tx.exec("INSERT INTO transfers (id, account_id, amount) VALUES ($1, $2, $3)", [1, 1, "5"]);
        return "done";
      });
      assert.equal(result, "done");
      assert.deepEqual(await store.one("SELECT COUNT(*) AS n FROM transfers"), { n: 1 });
    });
  });

  it("rolls back everything when the transaction fails half-way, and rethrows the error", async () => {
    await withStore(backend, schema, async (store) => {
      const boom = new Error("boom");
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [1, "a"]);
          throw boom;
        }),
        (error) => error === boom,
      );
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [2, "b"]);
          await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [3, "b"]);
        }),
        UniqueViolationError,
      );
      assert.deepEqual(await store.query("SELECT id FROM accounts"), []);
    });
  });

  it("surfaces unique and foreign key violations as typed errors and changes nothing", async () => {
    await withStore(backend, schema, async (store) => {
      await store.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [1, "a"]);
      await assert.rejects(store.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [2, "a"]), (error) => {
        assert.ok(error instanceof UniqueViolationError);
        assert.equal(error.code, "STORE_UNIQUE_VIOLATION");
        assert.match(String(error.constraint), /name/);
        return true;
      });
      await assert.rejects(
        store.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [1, "other"]),
        UniqueViolationError,
      );
      await assert.rejects(
        store.exec("INSERT INTO transfers (id, account_id, amount) VALUES ($1, $2, $3)", [1, 99, "1"]),
        ForeignKeyViolationError,
      );
      assert.deepEqual(await store.query("SELECT id, name FROM accounts"), [{ id: 1, name: "a" }]);
      await assert.rejects(store.query("SELECT nope FROM accounts"), errorCode("STORE_QUERY_FAILED"));
    });
  });

  it("keeps a statement run outside a transaction out of it, even while the transaction is open", async () => {
    await withStore(backend, schema, async (store) => {
      const inserted = deferred();
      const release = deferred();
      const transaction = store.transaction(async (tx) => {
        await tx.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [1, "inside"]);
        inserted.resolve();
        await Promise.race([release.promise, sleep(100)]);
        throw new Error("roll back the inside write");
      });
      // Issued from the test's own async context while the transaction is open, as a concurrent request would be.
      await inserted.promise;
      const outside = store.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [2, "outside"]);
      release.resolve();
      await assert.rejects(transaction, /roll back/);
      await outside;
      assert.deepEqual(await store.query("SELECT name FROM accounts"), [{ name: "outside" }]);
    });
  });

  it("refuses store statements inside its own transaction and a transaction handle used after it ended", async () => {
    await withStore(backend, schema, async (store) => {
      let leaked: Transaction | undefined;
      await assert.rejects(
        store.transaction(async (tx) => {
          leaked = tx as Transaction;
          await store.query("SELECT id FROM accounts");
        }),
        errorCode("STORE_TX_MISUSE"),
      );
      await assert.rejects(async () => leaked?.query("SELECT id FROM accounts"), errorCode("STORE_TX_MISUSE"));
    });
  });

  it("nests transactions as savepoints: an inner failure undoes only the inner statements", async () => {
    await withStore(backend, schema, async (store) => {
      await store.transaction(async (outer) => {
        await outer.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [1, "kept"]);
        await assert.rejects(
          (outer as Transaction).transaction(async (inner) => {
            await inner.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [2, "undone"]);
            throw new Error("inner");
          }),
          /inner/,
        );
        await (outer as Transaction).transaction((inner) =>
          inner.exec("INSERT INTO accounts (id, name) VALUES ($1, $2)", [3, "nested"]),
        );
      });
      assert.deepEqual(await store.query("SELECT name FROM accounts ORDER BY id"), [
        { name: "kept" },
        { name: "nested" },
      ]);
    });
  });

  it("applies migrations in id order once, records them, and applies only new ones on reopen", async () => {
    const db = await backend().freshDatabase();
    // Given out of order: transfers references accounts, so applying in array order would fail.
    let store = await db.open([transfers, accounts]);
    await store.close();
    const third: Migration = { id: "0003_test_notes", sql: "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)" };
    store = await db.open([accounts, transfers, accounts, third]);
    try {
      const rows = await store.query<{ id: string; checksum: string }>(
        "SELECT id, checksum FROM schema_migrations ORDER BY id",
      );
      assert.deepEqual(
        rows.map((r) => r.id),
        ["0001_test_accounts", "0002_test_transfers", "0003_test_notes"],
      );
      assert.ok(rows.every((r) => /^[0-9a-f]{64}$/.test(r.checksum)));
      await store.exec("INSERT INTO notes (id, body) VALUES ($1, $2)", [1, "ok"]);
    } finally {
      await store.close();
    }
  });

  it("refuses to open when an applied migration's SQL changed, and changes nothing", async () => {
    const db = await backend().freshDatabase();
    await (await db.open([accounts])).close();
    const edited: Migration = { ...accounts, sql: `${accounts.sql}\nCREATE TABLE sneaky (id INTEGER);` };
    const later: Migration = { id: "0009_test_later", sql: "CREATE TABLE later (id INTEGER)" };
    await assert.rejects(db.open([edited, later]), (error) => {
      assert.ok(error instanceof MigrationChecksumError);
      assert.equal(error.migrationId, "0001_test_accounts");
      assert.match(error.message, /add a new migration/);
      return true;
    });
    const store = await db.open([accounts]);
    try {
      await assert.rejects(store.query("SELECT id FROM later"), errorCode("STORE_QUERY_FAILED"));
    } finally {
      await store.close();
    }
  });

  it("rolls back a failing migration entirely and refuses invalid migration lists", async () => {
    const db = await backend().freshDatabase();
    const broken: Migration = {
      id: "0001_test_broken",
      sql: "CREATE TABLE half (id INTEGER); CREATE TABLE half (id INTEGER);",
    };
    await assert.rejects(db.open([broken]), errorCode("STORE_MIGRATION_FAILED"));
    await assert.rejects(
      db.open([accounts, { id: accounts.id, sql: "CREATE TABLE other (id INTEGER)" }]),
      errorCode("STORE_MIGRATION_INVALID"),
    );
    await assert.rejects(db.open([{ id: "bad id!", sql: "SELECT 1" }]), errorCode("STORE_MIGRATION_INVALID"));
    const store = await db.open([]);
    try {
      await assert.rejects(store.query("SELECT id FROM half"), errorCode("STORE_QUERY_FAILED"));
      assert.deepEqual(await store.query("SELECT id FROM schema_migrations"), []);
    } finally {
      await store.close();
    }
  });

  it("lets two agents migrate the same database at once and applies each migration exactly once", async () => {
    const db = await backend().freshDatabase();
    const stores = await Promise.all([db.open(schema), db.open(schema)]);
    try {
      assert.deepEqual(await stores[0]?.one("SELECT COUNT(*) AS n FROM schema_migrations"), { n: 2 });
    } finally {
      await Promise.all(stores.map((s) => s.close()));
    }
  });

  it("rejects statements after close", async () => {
    const store = await (await backend().freshDatabase()).open(schema);
    await store.close();
    await assert.rejects(store.query("SELECT id FROM accounts"), errorCode("STORE_CLOSED"));
  });
}
