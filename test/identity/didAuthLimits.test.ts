// DID-Auth challenges hold a row (in the agent's SQL store, or in memory) until answered or expired: an owner (API key)
// and the agent may each hold only so many open ones, and expired ones free their place; a challenge is consumed once.
// Run on each store: memory, SQLite, PostgreSQL (a cluster of the test kit, or TEST_DATABASE_URL). No chain
// is needed: opening a challenge resolves nothing.
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Resolver } from "did-resolver";
import { DidAuth, type DidAuthOptions } from "../../src/core/identity/didAuth.ts";
import {
  type ChallengeStore,
  MemoryChallengeStore,
  SqlChallengeStore,
} from "../../src/core/identity/didAuthChallenges.ts";
import { IdentityError } from "../../src/core/identity/errors.ts";
import { identityMigrations } from "../../src/core/identity/migrations.ts";
import { openStore } from "../../src/core/store/open.ts";
import type { Store } from "../../src/core/store/store.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";

const tooMany = (scope: "key" | "agent") => (error: unknown) => {
  assert.ok(error instanceof IdentityError);
  assert.equal(error.code, "DID_AUTH_TOO_MANY_CHALLENGES");
  assert.equal(error.spec?.status, 429);
  assert.equal(error.details.scope, scope);
  return true;
};

let postgres: TestPostgres | undefined;
const opened: Store[] = [];
after(async () => {
  for (const store of opened.splice(0)) await store.close();
  await postgres?.stop();
});

const stores: Array<[string, () => Promise<ChallengeStore>]> = [
  ["memory", async () => new MemoryChallengeStore()],
  [
    "SQLite",
    async () => {
      const store = await openStore({ sqliteFile: ":memory:", migrations: identityMigrations });
      opened.push(store);
      return new SqlChallengeStore(store);
    },
  ],
  [
    "PostgreSQL",
    async () => {
      postgres ??= await startTestPostgres();
      const store = await openStore({ databaseUrl: postgres.url, migrations: identityMigrations });
      // One database for the suite: each test starts from an empty table.
      await store.exec("DELETE FROM identity_did_auth_challenges");
      opened.push(store);
      return new SqlChallengeStore(store);
    },
  ],
];

for (const [storeName, makeStore] of stores)
  describe(`DID-Auth challenge limits (${storeName})`, () => {
    const newAuth = async (options: Omit<DidAuthOptions, "challenges">) =>
      new DidAuth({ ...options, challenges: await makeStore() });

    it("refuses an API key's challenge past its cap with DID_AUTH_TOO_MANY_CHALLENGES, other keys unaffected", async () => {
      const auth = await newAuth({ resolver: new Resolver({}), audience: "https://agent.example", maxOpenPerOwner: 3 });
      for (let i = 0; i < 3; i++) await auth.createChallenge("key-a");
      await assert.rejects(auth.createChallenge("key-a"), tooMany("key"));
      assert.equal(await auth.openChallenges("key-a"), 3);
      await auth.createChallenge("key-b");
      assert.equal(await auth.openChallenges(), 4);
    });

    it("refuses any challenge past the agent's cap, whoever asks", async () => {
      const auth = await newAuth({
        resolver: new Resolver({}),
        audience: "https://agent.example",
        maxOpenPerOwner: 10,
        maxOpen: 5,
      });
      for (const owner of ["a", "b", "c", "d", "e"]) await auth.createChallenge(owner);
      await assert.rejects(auth.createChallenge("f"), tooMany("agent"));
    });

    it("frees the places of expired challenges", async () => {
      const auth = await newAuth({
        resolver: new Resolver({}),
        audience: "https://agent.example",
        ttlMs: 100,
        maxOpenPerOwner: 2,
        maxOpen: 3,
      });
      await auth.createChallenge("a");
      await auth.createChallenge("a");
      await auth.createChallenge("b");
      await assert.rejects(auth.createChallenge("a"), tooMany("key"));
      await assert.rejects(auth.createChallenge("c"), tooMany("agent"));
      await sleep(150);
      await auth.createChallenge("a");
      await auth.createChallenge("a");
      await auth.createChallenge("c");
      assert.equal(await auth.openChallenges(), 3);
    });

    it("frees an answered challenge's place, even when the answer does not verify", async () => {
      const auth = await newAuth({ resolver: new Resolver({}), audience: "https://agent.example", maxOpenPerOwner: 1 });
      const { challenge } = await auth.createChallenge("a");
      await assert.rejects(auth.createChallenge("a"), tooMany("key"));
      const payload = Buffer.from(JSON.stringify({ nonce: challenge })).toString("base64url");
      await assert.rejects(auth.verifyResponse(`e30.${payload}.AAAA`), { code: "DID_AUTH_INVALID" });
      await auth.createChallenge("a");
    });

    it("consumes a challenge once when answers arrive together", async () => {
      const challenges = await makeStore();
      const now = new Date();
      await challenges.open(
        { challenge: "c1", owner: "a", audience: "x", createdAt: now, expiresAt: new Date(now.getTime() + 60_000) },
        { perOwner: 10, total: 10 },
      );
      const outcomes = await Promise.all([1, 2, 3, 4, 5].map(() => challenges.consume("c1", new Date())));
      assert.deepEqual(outcomes.map((o) => o.outcome).sort(), ["consumed", "used", "used", "used", "used"]);
    });
  });
