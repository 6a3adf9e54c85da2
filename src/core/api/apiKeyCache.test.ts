// API keys cached per process (api-keys.ts ApiKeyCache) and the sampled access log (server.ts): a cached key that is
// revoked is refused at once, by this process (SQLite) and by another replica on the same PostgreSQL database
// (NOTIFY); a replica whose revocation listener is down reads the database per request; the access log keeps every
// error and one in N of the successes. Real stores, real HTTP inject.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, describe, it } from "node:test";
import pg from "pg";
import { startTestPostgres } from "../../../testkit/postgres.ts";
import { openStore, type Store } from "../store/index.ts";
import { API_KEY_REVOKED_CHANNEL, ApiKeyCache, listenForRevocations } from "./api-keys.ts";
import { apiMigrations, createApiKey } from "./index.ts";
import { createApiServer } from "./server.ts";

const MEMBER = { id: "mno-alpha", name: "Alpha Mobile" };
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const cleanups: Array<() => Promise<void>> = [];
after(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup();
});

async function sqliteStore(): Promise<Store> {
  const dir = mkdtempSync(join(tmpdir(), "telco-keycache-"));
  const store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: apiMigrations });
  cleanups.push(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return store;
}

async function server(store: Store, options: { apiKeyCache?: ApiKeyCache; lines?: string[]; sampleEvery?: number }) {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      options.lines?.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  const app = await createApiServer({
    store,
    member: MEMBER,
    version: "0.1.0-test",
    modules: [],
    logger: { level: "info", stream },
    ...(options.apiKeyCache ? { apiKeyCache: options.apiKeyCache } : {}),
    ...(options.sampleEvery ? { accessLogSampleEvery: options.sampleEvery } : {}),
  });
  cleanups.push(() => app.close());
  return app;
}

describe("API key cache", () => {
  it("refuses a cached key at once after its revocation (SQLite, one process), without a query per request", async () => {
    const store = await sqliteStore();
    const cache = new ApiKeyCache({ live: true });
    const app = await server(store, { apiKeyCache: cache });
    const admin = (await createApiKey(store, { memberId: MEMBER.id, userName: "root", role: "admin" })).key;
    const { key, keyId } = await createApiKey(store, { memberId: MEMBER.id, userName: "ops", role: "operator" });
    const list = () => app.inject({ method: "GET", url: "/v1/api-keys", headers: bearer(key) });
    // An operator may not list keys (admin route): the key is known, the role check still runs on a cached key.
    assert.equal((await list()).statusCode, 403);
    assert.equal(cache.size, 1);
    // The row is served from the cache: a wrong secret for the same key id is still refused (the hash is compared).
    const wrong = `${key.slice(0, -1)}${key.endsWith("A") ? "B" : "A"}`;
    assert.equal((await app.inject({ method: "GET", url: "/v1/api-keys", headers: bearer(wrong) })).statusCode, 401);
    const revoked = await app.inject({ method: "DELETE", url: `/v1/api-keys/${keyId}`, headers: bearer(admin) });
    assert.equal(revoked.statusCode, 200);
    assert.equal((await list()).statusCode, 401);
    assert.equal((await app.inject({ method: "GET", url: "/health", headers: bearer(key) })).statusCode, 200);
  });

  it("refuses a key revoked through another replica as soon as its NOTIFY arrives; off while the listener is down", async () => {
    const postgres = await startTestPostgres();
    cleanups.push(() => postgres.stop());
    const storeA = await openStore({ databaseUrl: postgres.url, migrations: apiMigrations });
    const storeB = await openStore({ databaseUrl: postgres.url, migrations: apiMigrations });
    cleanups.push(() => storeA.close());
    cleanups.push(() => storeB.close());
    const cacheA = new ApiKeyCache({ live: false });
    const cacheB = new ApiKeyCache({ live: false });
    const errors: Error[] = [];
    const listenA = await listenForRevocations(postgres.url, cacheA);
    const listenB = await listenForRevocations(postgres.url, cacheB, {
      retryMs: 60_000,
      onError: (e) => errors.push(e),
    });
    cleanups.push(() => listenA.stop());
    cleanups.push(() => listenB.stop());
    assert.equal(cacheB.live, true);
    const a = await server(storeA, { apiKeyCache: cacheA });
    const b = await server(storeB, { apiKeyCache: cacheB });
    const admin = (await createApiKey(storeA, { memberId: MEMBER.id, userName: "root", role: "admin" })).key;
    const { key, keyId } = await createApiKey(storeA, { memberId: MEMBER.id, userName: "viewer", role: "read-only" });
    const onB = () => b.inject({ method: "GET", url: "/metrics", headers: bearer(key) });
    assert.equal((await onB()).statusCode, 200);
    assert.equal(cacheB.size, 1, "replica B cached the key");

    // B hears the revocation on its LISTEN connection; the test waits for that notification, not for a timeout.
    const heard = new pg.Client({ connectionString: postgres.url });
    await heard.connect();
    await heard.query(`LISTEN ${API_KEY_REVOKED_CHANNEL}`);
    const notified = new Promise<number>((resolve) => heard.once("notification", () => resolve(performance.now())));
    const revoked = await a.inject({ method: "DELETE", url: `/v1/api-keys/${keyId}`, headers: bearer(admin) });
    assert.equal(revoked.statusCode, 200);
    const revokedAt = performance.now();
    await notified;
    await heard.end();
    // B's own listener got the same notification on the same server; one turn of its event loop delivers it.
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(cacheB.size, 0, "the revocation dropped the key from replica B's cache");
    assert.equal((await onB()).statusCode, 401);
    assert.ok(performance.now() - revokedAt < 1000);

    // B's listener connection is killed: its cache goes off (a revocation it cannot hear must still count).
    const { key: key2, keyId: keyId2 } = await createApiKey(storeA, {
      memberId: MEMBER.id,
      userName: "viewer2",
      role: "read-only",
    });
    const onB2 = () => b.inject({ method: "GET", url: "/metrics", headers: bearer(key2) });
    assert.equal((await onB2()).statusCode, 200);
    await storeA.exec(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query = $1 AND pid <> pg_backend_pid()",
      [`LISTEN ${API_KEY_REVOKED_CHANNEL}`],
    );
    const deadline = Date.now() + 5000;
    while (cacheB.live && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(cacheB.live, false);
    assert.ok(errors.length > 0, "the listener's failure was reported");
    // Revoked straight in the database, with no NOTIFY at all: B, reading per request, refuses it.
    await storeA.exec("UPDATE api_keys SET revoked_at = $1 WHERE key_id = $2", [new Date().toISOString(), keyId2]);
    assert.equal((await onB2()).statusCode, 401);
  });
});

describe("access log", () => {
  it("logs every error and one in N successes, marked with sampledOneIn", async () => {
    const store = await sqliteStore();
    const lines: string[] = [];
    const app = await server(store, { lines, sampleEvery: 10 });
    const { key } = await createApiKey(store, { memberId: MEMBER.id, userName: "viewer", role: "read-only" });
    for (let i = 0; i < 25; i++) {
      assert.equal((await app.inject({ method: "GET", url: "/metrics", headers: bearer(key) })).statusCode, 200);
    }
    const failedIds: string[] = [];
    for (let i = 0; i < 3; i++) {
      const refused = await app.inject({ method: "GET", url: "/metrics", headers: bearer("tlk_bad") });
      assert.equal(refused.statusCode, 401);
      failedIds.push(String(refused.headers["x-request-id"]));
    }
    const unknown = await app.inject({ method: "GET", url: "/no/such/route" });
    assert.equal(unknown.statusCode, 404);
    failedIds.push(String(unknown.headers["x-request-id"]));
    const completed = lines.map((l) => JSON.parse(l)).filter((e) => e.msg === "request completed");
    const ok = completed.filter((e) => e.res.statusCode === 200);
    const failed = completed.filter((e) => e.res.statusCode >= 400);
    assert.equal(ok.length, 3, "successes 1, 11 and 21 of 25");
    for (const e of ok) assert.equal(e.sampledOneIn, 10);
    assert.deepEqual(
      failed.map((e) => e.res.statusCode),
      [401, 401, 401, 404],
    );
    // Each line carries the id of its own request (the request's logger is made on its first line: requestLogger.ts).
    assert.deepEqual(
      failed.map((e) => e.requestId),
      failedIds,
    );
    for (const e of failed) {
      assert.equal(e.sampledOneIn, undefined);
      assert.equal(typeof e.requestId, "string");
      assert.equal(typeof e.req.url, "string");
    }
    assert.equal(lines.join("\n").includes("tlk_bad"), false, "the presented key never reaches the log");
  });
});
