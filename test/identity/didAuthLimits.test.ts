// DID-Auth challenges hold agent memory until answered or expired: an owner (API key) and the agent may each hold only
// so many open ones, and expired ones free their place. No chain is needed: opening a challenge resolves nothing.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import { Resolver } from "did-resolver";
import { DidAuth } from "../../src/core/identity/didAuth.ts";
import { IdentityError } from "../../src/core/identity/errors.ts";

const tooMany = (scope: "key" | "agent") => (error: unknown) => {
  assert.ok(error instanceof IdentityError);
  assert.equal(error.code, "DID_AUTH_TOO_MANY_CHALLENGES");
  assert.equal(error.spec?.status, 429);
  assert.equal(error.details.scope, scope);
  return true;
};

describe("DID-Auth challenge limits", () => {
  it("refuses an API key's challenge past its cap with DID_AUTH_TOO_MANY_CHALLENGES, other keys unaffected", () => {
    const auth = new DidAuth({ resolver: new Resolver({}), audience: "https://agent.example", maxOpenPerOwner: 3 });
    for (let i = 0; i < 3; i++) auth.createChallenge("key-a");
    assert.throws(() => auth.createChallenge("key-a"), tooMany("key"));
    assert.equal(auth.openChallenges("key-a"), 3);
    auth.createChallenge("key-b");
    assert.equal(auth.openChallenges(), 4);
  });

  it("refuses any challenge past the agent's cap, whoever asks", () => {
    const auth = new DidAuth({
      resolver: new Resolver({}),
      audience: "https://agent.example",
      maxOpenPerOwner: 10,
      maxOpen: 5,
    });
    for (const owner of ["a", "b", "c", "d", "e"]) auth.createChallenge(owner);
    assert.throws(() => auth.createChallenge("f"), tooMany("agent"));
  });

  it("frees the places of expired challenges", async () => {
    const auth = new DidAuth({
      resolver: new Resolver({}),
      audience: "https://agent.example",
      ttlMs: 100,
      maxOpenPerOwner: 2,
      maxOpen: 3,
    });
    auth.createChallenge("a");
    auth.createChallenge("a");
    auth.createChallenge("b");
    assert.throws(() => auth.createChallenge("a"), tooMany("key"));
    assert.throws(() => auth.createChallenge("c"), tooMany("agent"));
    await sleep(150);
    auth.createChallenge("a");
    auth.createChallenge("a");
    auth.createChallenge("c");
    assert.equal(auth.openChallenges(), 3);
  });

  it("frees an answered challenge's place, even when the answer does not verify", async () => {
    const auth = new DidAuth({ resolver: new Resolver({}), audience: "https://agent.example", maxOpenPerOwner: 1 });
    const { challenge } = auth.createChallenge("a");
    assert.throws(() => auth.createChallenge("a"), tooMany("key"));
    const payload = Buffer.from(JSON.stringify({ nonce: challenge })).toString("base64url");
    await assert.rejects(auth.verifyResponse(`e30.${payload}.AAAA`), { code: "DID_AUTH_INVALID" });
    auth.createChallenge("a");
  });
});
