// DID-Auth challenges over HTTP live in the agent's SQL store: a challenge opened before a restart is answered after
// it, once; a second answer is a replay (DID_AUTH_CHALLENGE_USED), a late one is DID_AUTH_CHALLENGE_EXPIRED, and of
// two answers sent together exactly one is accepted. Real devnet, a real in-process agent stopped and started again
// on the same data directory.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { setTimeout as sleep } from "node:timers/promises";
import pino from "pino";
import { type Agent, createAgent } from "../../src/agent/agent.ts";
import { respondToChallenge } from "../../src/core/identity/didAuth.ts";
import {
  endpoint,
  startTestConsortium,
  type TestAgentEndpoint,
  type TestConsortium,
} from "../../testkit/consortium.ts";

type Failure = { code: string; message: string; details?: Array<{ field: string }> };
type Challenge = { challenge: string; audience: string; expiresAt: string };
type Hosted = { did: string; controller: `0x${string}` };

describe("DID-Auth challenges persisted", () => {
  let consortium: TestConsortium;
  let restarted: Agent | undefined;
  /** The agent's API: the first agent's, then the restarted one's. */
  let api: TestAgentEndpoint;

  before(async () => {
    consortium = await startTestConsortium([{ name: "verifier", roles: ["KYC_VETTER"] }]);
    api = consortium.agents.verifier!;
  });
  after(async () => {
    await restarted?.stop();
    await consortium?.stop();
  });

  it("accepts an answer to a challenge opened before a restart, once; the replay is refused", async () => {
    const first = consortium.agents.verifier!;
    const hosted = await first.call<Hosted>("POST", "/v1/identity/dids", { label: "Prover" });
    assert.equal(hosted.status, 201, JSON.stringify(hosted.body));
    const opened = await first.call<Challenge>("POST", "/v1/identity/did-auth/challenges");
    assert.equal(opened.status, 201, JSON.stringify(opened.body));
    const response = await respondToChallenge(first.agent.keystore, hosted.body, opened.body);

    // The same agent again: stopped, then created from its config (same data directory, same keystore).
    await first.agent.stop();
    restarted = await createAgent(first.agent.config, { logger: pino({ level: "silent" }) });
    const again = endpoint(await restarted.start(), first.adminKey);
    api = again;

    const accepted = await again.call<{ did: string }>("POST", "/v1/identity/did-auth/responses", { jwt: response });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.body));
    assert.equal(accepted.body.did, hosted.body.did);

    const replayed = await again.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: response });
    assert.equal(replayed.status, 409, JSON.stringify(replayed.body));
    assert.equal(replayed.body.code, "DID_AUTH_CHALLENGE_USED");

    // Two answers to one challenge sent together: the store's conditional update lets exactly one win.
    const raced = await again.call<Challenge>("POST", "/v1/identity/did-auth/challenges");
    const racing = await respondToChallenge(restarted.keystore, hosted.body, raced.body);
    const answers = await Promise.all(
      [1, 2, 3].map(() => again.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: racing })),
    );
    assert.deepEqual(answers.map((a) => a.status).sort(), [200, 409, 409], JSON.stringify(answers));

    // A challenge answered after its expiry is refused with its own code, and stays refused.
    const short = await again.call<Challenge>("POST", "/v1/identity/did-auth/challenges?ttlSeconds=1");
    assert.equal(short.status, 201, JSON.stringify(short.body));
    assert.ok(Date.parse(short.body.expiresAt) - Date.now() <= 1000);
    const late = await respondToChallenge(restarted.keystore, hosted.body, short.body);
    await sleep(1200);
    const expired = await again.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: late });
    assert.equal(expired.status, 410, JSON.stringify(expired.body));
    assert.equal(expired.body.code, "DID_AUTH_CHALLENGE_EXPIRED");

    // A challenge this agent never opened.
    const stranger = await respondToChallenge(restarted.keystore, hosted.body, {
      challenge: "never-opened-here",
      audience: short.body.audience,
    });
    const unknown = await again.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: stranger });
    assert.equal(unknown.status, 404, JSON.stringify(unknown.body));
    assert.equal(unknown.body.code, "DID_AUTH_CHALLENGE_UNKNOWN");
  });

  it("shows the DID-Auth routes in OpenAPI with their query, body and refusals", async () => {
    type Operation = { parameters?: Array<{ name: string; in: string }>; responses: Record<string, unknown> };
    const spec = await api.call<{ paths: Record<string, Record<string, Operation>> }>("GET", "/openapi.json");
    assert.equal(spec.status, 200);
    const open = spec.body.paths["/v1/identity/did-auth/challenges"]?.post;
    assert.deepEqual(
      open?.parameters?.map((p) => [p.in, p.name]),
      [["query", "ttlSeconds"]],
    );
    const answer = spec.body.paths["/v1/identity/did-auth/responses"]?.post;
    for (const status of ["200", "404", "409", "410", "422"]) {
      assert.ok(answer?.responses[status], `responses ${status} of POST /v1/identity/did-auth/responses`);
    }
    const verify = spec.body.paths["/v1/identity/credentials/verify"]?.post;
    assert.ok(JSON.stringify(verify?.responses["200"]).includes("statusListCredential"));
  });

  it("validates every input: ttlSeconds in range, a compact JWT with a nonce", async () => {
    for (const bad of ["0", "601", "abc"]) {
      const r = await api.call<Failure>("POST", `/v1/identity/did-auth/challenges?ttlSeconds=${bad}`);
      assert.equal(r.status, 400, `${bad}: ${JSON.stringify(r.body)}`);
      assert.deepEqual(
        r.body.details?.map((d) => d.field),
        ["query.ttlSeconds"],
      );
    }
    const extra = await api.call<Failure>("POST", "/v1/identity/did-auth/challenges?other=1");
    assert.equal(extra.status, 400, JSON.stringify(extra.body));
    const noNonce = await api.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: "e30.e30.AAAA" });
    assert.equal(noNonce.status, 400, JSON.stringify(noNonce.body));
    assert.equal(noNonce.body.code, "IDENTITY_INVALID_INPUT");
    const notJwt = await api.call<Failure>("POST", "/v1/identity/did-auth/responses", { jwt: 42 });
    assert.equal(notJwt.status, 400, JSON.stringify(notJwt.body));
    assert.deepEqual(
      notJwt.body.details?.map((d) => d.field),
      ["body.jwt"],
    );
  });
});
