// A batch's records delivered from the visited operator's agent to the home operator's agent on a real devnet, with
// no API caller in between: mno-north (visited) seals them to mno-south (home), signed by north's operator DID and
// encrypted to south's published roaming key; south opens them, checks the signer is the batch's visited operator on
// chain, rates and confirms. A tampered envelope, a replay, an envelope signed by a third operator (east) and one for
// a batch of another pair (north-east) are refused by name, and nothing changes: the batch stays anchored and south
// holds no records. The envelopes the refusals need are sealed here with the same core functions the agent uses, as a
// modified or hostile agent would.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { verificationMethodOf } from "../../src/core/identity/credentials.ts";
import { keyAgreementOf, sealEnvelope } from "../../src/core/identity/messages/index.ts";
import { thumbprintOf } from "../../src/roaming/crypto/jwk.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import {
  type Answer as FixtureAnswer,
  PERIOD,
  RECORDS,
  record,
  TARIFF,
  VALID_FROM,
  VALID_TO,
} from "./roamingFixtures.ts";

// This file asks for each delivery itself (and needs batches to stay anchored for the refusals): the agents' automatic
// delivery is off here; test/settlement/autoDelivery.test.ts tests it with agent processes.
process.env.TELCO_LEDGER_SETTLEMENT_AUTO_DELIVERY = "off";

const MEMBERS = ["north", "south", "east"].map((name) => ({ name, roles: ["MOBILE_OPERATOR"] }));
type Name = "north" | "south" | "east";
type Answer = FixtureAnswer & { facts?: Record<string, unknown> };

describe("settlement: batches delivered agent to agent, sealed to the home operator", () => {
  let consortium: TestConsortium<TestAgent>;
  const agent = (name: Name) => consortium.agents[name] as TestAgent;
  const account = (name: Name): Address => agent(name).agent.config.memberAccount;
  const call = (name: Name, method: string, path: string, body?: unknown) =>
    agent(name).call<Answer>(method, path, body);
  const ok = async (name: Name, method: string, path: string, body?: unknown, status = 200) => {
    const answer = await call(name, method, path, body);
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const dids = {} as Record<Name, string>;
  /** B1, B3: north -> south; B2: north -> east. */
  const batch = {} as Record<"b1" | "b2" | "b3", Hex>;

  /** An agreement `visited` -> `home`, proposed by the visited operator and approved by the home one. */
  async function agreement(visited: Name, home: Name): Promise<Hex> {
    const terms = {
      visited: account(visited),
      home: account(home),
      validFrom: VALID_FROM,
      validTo: VALID_TO,
      periodSeconds: PERIOD,
      disputeWindowSeconds: 7 * 86_400,
      tariff: TARIFF,
    };
    const { agreementId } = await ok(visited, "POST", "/v1/settlement/agreements", terms, 201);
    await ok(home, "POST", `/v1/settlement/agreements/${agreementId}/approve`, { terms });
    return agreementId as Hex;
  }
  const anchor = async (agreementId: Hex, records: unknown[]) =>
    (await ok("north", "POST", `/v1/settlement/agreements/${agreementId}/batches`, { records }, 201)).batchId as Hex;

  /** What `who`'s agent would seal for `batchId` to `to` (with `records` and `salt` as given). */
  async function seal(who: Name, to: Name, message: Record<string, unknown>): Promise<string> {
    const a = agent(who).agent;
    const hosted = await a.dids.get(dids[who]);
    const signingKid = hosted.signingKid as string;
    const kid = await verificationMethodOf(
      a.resolver,
      hosted.did,
      hosted.address,
      a.keystore.info(signingKid).publicKeyHex,
    );
    const sender = { did: hosted.did, kid, sign: a.keystore.es256Signer(signingKid) };
    // The recipient's published key, named by its RFC 7638 thumbprint as the roaming key ring names it.
    const { x, y } = await keyAgreementOf(a.resolver, dids[to]);
    const key = { x, y, kid: thumbprintOf(x, y) };
    return sealEnvelope({ type: "SettlementBatchDelivery", ...message }, sender, dids[to], key);
  }
  const held = async (batchId: Hex) => {
    const { agreementId, salt, records } = await ok("north", "GET", `/v1/settlement/batches/${batchId}/records`);
    return { batchId, agreementId, salt, records: records as Array<Record<string, unknown>> };
  };
  const inbox = (to: Name, envelope: unknown) => call(to, "POST", "/v1/settlement/inbox", { envelope });
  /** Nothing changed at south: the batch is anchored and south holds none of its records. */
  async function unchanged(batchId: Hex) {
    const view = await ok("south", "GET", `/v1/settlement/batches/${batchId}`);
    assert.equal(view.status, "anchored");
    assert.equal(view.recordsHeld, false);
    const records = await call("south", "GET", `/v1/settlement/batches/${batchId}/records`);
    assert.equal(records.body.code, "SETTLEMENT_RECORDS_UNKNOWN");
  }
  const refused = (answer: { status: number; body: Answer }, status: number, code: string) => {
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.equal(answer.body.code, code, JSON.stringify(answer.body));
  };

  before(async () => {
    consortium = await startTestConsortium(MEMBERS);
    for (const name of ["north", "south", "east"] as const) {
      // The DID names the agent's real endpoint (in process the configured public URL has port 0).
      const created = await ok(
        name,
        "POST",
        "/v1/identity/dids",
        {
          label: `${name} operator`,
          serviceEndpoint: agent(name).url,
        },
        201,
      );
      dids[name] = created.did as string;
      await ok(name, "POST", "/v1/roaming/keys/publish", {});
    }
    for (const name of ["north", "south", "east"] as const) await agent(name).agent.indexer.syncOnce();
    const ns = await agreement("north", "south");
    const ne = await agreement("north", "east");
    batch.b1 = await anchor(ns, RECORDS);
    batch.b2 = await anchor(ne, RECORDS);
    batch.b3 = await anchor(ns, [record("n-9", { startLocal: "20260302120000", startUtc: "2026-03-02T11:00:00Z" })]);
    await agent("south").agent.indexer.syncOnce();
  });
  after(async () => {
    await consortium?.stop();
  });

  it("delivers a batch from the visited agent to the home agent, which confirms it on chain; the caller sees no record", async () => {
    const byHome = await call("south", "POST", `/v1/settlement/batches/${batch.b1}/deliver`);
    refused(byHome, 403, "SETTLEMENT_NOT_PARTY");

    const delivered = await ok("north", "POST", `/v1/settlement/batches/${batch.b1}/deliver`);
    assert.deepEqual(Object.keys(delivered).sort(), ["batchId", "deliveredTo", "homeDid", "status", "txHash"]);
    assert.equal(delivered.status, "received");
    assert.equal(delivered.homeDid, dids.south);
    assert.equal(delivered.deliveredTo, `${agent("south").url}/v1/settlement/inbox`);

    const atSouth = await ok("south", "GET", `/v1/settlement/batches/${batch.b1}`);
    assert.equal(atSouth.status, "received");
    assert.equal(atSouth.recordsHeld, true);
    const kept = await ok("south", "GET", `/v1/settlement/batches/${batch.b1}/records`);
    assert.deepEqual(kept.records, RECORDS);
    assert.deepEqual(kept.amounts, ["240", "26", "2", "8"]);
    await agent("north").agent.indexer.syncOnce();
    assert.equal((await ok("north", "GET", `/v1/settlement/batches/${batch.b1}`)).status, "received");

    const again = await call("north", "POST", `/v1/settlement/batches/${batch.b1}/deliver`);
    refused(again, 409, "SETTLEMENT_WRONG_STATE");
  });

  it("refuses a tampered envelope (MESSAGE_UNDECRYPTABLE), a malformed one (naming body.envelope) and an oversized one", async () => {
    const envelope = await seal("north", "south", await held(batch.b3));
    const parts = envelope.split(".");
    const ciphertext = parts[3] as string;
    parts[3] = `${ciphertext.slice(0, 40)}${ciphertext[40] === "A" ? "B" : "A"}${ciphertext.slice(41)}`;
    refused(await inbox("south", parts.join(".")), 422, "MESSAGE_UNDECRYPTABLE");
    const malformed = await inbox("south", "not an envelope");
    refused(malformed, 400, "VALIDATION_FAILED");
    assert.equal(malformed.body.details?.[0]?.field, "body.envelope");
    // Over the inbox's size bound (12 MiB, 10,000 records with room to spare): refused before it is parsed.
    refused(await inbox("south", `${"A".repeat(13 * 1024 * 1024)}.A.A.A.A`), 413, "PAYLOAD_TOO_LARGE");
    await unchanged(batch.b3);
  });

  it("refuses an envelope a third operator signed for the batch (SETTLEMENT_SENDER_NOT_VISITED)", async () => {
    const envelope = await seal("east", "south", await held(batch.b3));
    const answer = await inbox("south", envelope);
    refused(answer, 403, "SETTLEMENT_SENDER_NOT_VISITED");
    assert.equal(answer.body.facts?.sender, dids.east);
    await unchanged(batch.b3);
  });

  it("refuses an envelope for a batch of another pair (SETTLEMENT_NOT_PARTY), and one sealed to another operator", async () => {
    const otherPair = await held(batch.b2);
    refused(await inbox("south", await seal("north", "south", otherPair)), 403, "SETTLEMENT_NOT_PARTY");
    // Sealed to east (the batch's home operator) but posted to south: south's keys do not open it.
    refused(await inbox("south", await seal("north", "east", otherPair)), 422, "MESSAGE_UNDECRYPTABLE");
    const atEast = await ok("east", "GET", `/v1/settlement/batches/${batch.b2}`);
    assert.equal(atEast.status, "anchored");
    assert.equal(atEast.recordsHeld, false);
  });

  it("refuses records that do not give the anchored root even when north signed them (SETTLEMENT_BATCH_MISMATCH)", async () => {
    const handed = await held(batch.b3);
    const longer = handed.records.map((r) => ({ ...r, durationSeconds: 121 }));
    const answer = await inbox("south", await seal("north", "south", { ...handed, records: longer }));
    refused(answer, 422, "SETTLEMENT_BATCH_MISMATCH");
    assert.equal(answer.body.details?.[0]?.field, "body.envelope.msg.records");
    await unchanged(batch.b3);
  });

  it("confirms a sealed delivery once and refuses its replay (MESSAGE_REPLAYED)", async () => {
    const envelope = await seal("north", "south", await held(batch.b3));
    const first = await inbox("south", envelope);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(first.body.status, "received");
    assert.equal(first.body.duplicate, false);
    refused(await inbox("south", envelope), 409, "MESSAGE_REPLAYED");
    assert.equal((await ok("south", "GET", `/v1/settlement/batches/${batch.b3}`)).status, "received");
  });

  it("answers a fresh copy of a confirmed delivery as a duplicate, confirming nothing again; another salt is refused", async () => {
    // What the visited agent sends when it retries after losing the home agent's answer: a new envelope, same batch.
    const handed = await held(batch.b3);
    const copy = await inbox("south", await seal("north", "south", handed));
    assert.equal(copy.status, 200, JSON.stringify(copy.body));
    assert.deepEqual(copy.body, { batchId: batch.b3, txHash: null, status: "received", duplicate: true });
    const kept = await ok("south", "GET", `/v1/settlement/batches/${batch.b3}/records`);
    assert.equal(kept.salt, handed.salt);
    const otherSalt = `0x${"ab".repeat(32)}`;
    const refusedCopy = await inbox("south", await seal("north", "south", { ...handed, salt: otherSalt }));
    refused(refusedCopy, 409, "SETTLEMENT_WRONG_STATE");
  });
});
