// The subscriber's own part in the insights market through the member agents' APIs on a real devnet. The subscriber
// (no member, no account: a wallet key) registers its key for its contract with North Mobile, then accepts or declines
// the insights North offers about it by signing; North's agent only submits, and the contract checks the signature
// against the registered key. Accepted insights are sealed to the subscriber's key and stored where it named (North's
// store, or a URL of its own); each reading from North's store is asked for by signature and recorded on chain.
// Negative cases, each refused with a named reason and nothing recorded: an answer or a registration signed by another
// key (the operator answering for the subscriber), a second registration or answer, an expired answer, a declined
// insight listed or bought, a reading by another key, a reading of an insight stored elsewhere, and after erasure.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type Address, type Hex, keccak256 } from "viem";
import { generatePrivateKey } from "viem/accounts";
import { fingerprint } from "../../src/datausage/fingerprints.ts";
import { type Envelope, openAsSubscriber } from "../../src/datausage/insightsCrypto.ts";
import { DATAUSAGE_PROFILE } from "../../src/datausage/odrl.ts";
import { readerFingerprintOf } from "../../src/datausage/subscriberService.ts";
import { locationDigestOf, type SigningDomain, subscriberWallet } from "../../src/datausage/subscriberSigning.ts";
import { InsightsMarket } from "../../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Json = Record<string, unknown>;

const POLICY = {
  "@type": "Agreement",
  profile: DATAUSAGE_PROFILE,
  permission: [
    { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["insights"] }] },
  ],
};
const INSIGHT = { segment: "night owl", homeArea: "E2", monthlyMb: 7_310 };

describe("datausage: the subscriber accepts or declines insights with its own key, reads them, and is recorded", () => {
  let consortium: TestConsortium;
  let north: TestAgent;
  let south: TestAgent;
  let consent: Hex;
  let domain: SigningDomain;
  let accepted: Hex;
  let server: Server;
  let url: string;
  const received: Json[] = [];
  const subscriber = subscriberWallet(generatePrivateKey());
  const subscriberKey = generatePrivateKey();
  const wallet = subscriberWallet(subscriberKey);
  const operator = subscriberWallet(generatePrivateKey()); // any key but the subscriber's: the operator "signing for" it
  const deadline = () => Math.floor(Date.now() / 1000) + 600;

  const ok = async <T = Json>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (
    agent: TestAgent,
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
  ) => {
    const r = await agent.call<{ code: string; message: string; details?: Array<{ field?: string }> }>(
      method,
      path,
      body,
    );
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const offer = async (payload: Json) =>
    (
      await ok<{ insightId: Hex }>(north, "POST", "/v1/datausage/insights", {
        consentId: consent,
        payload,
        price: "300",
      })
    ).insightId;
  const answerBody = async (
    signer: ReturnType<typeof subscriberWallet>,
    insightId: Hex,
    acceptedIt: boolean,
    location = "agent",
    until = deadline(),
  ) => ({
    accepted: acceptedIt,
    location,
    deadline: until,
    signature: await signer.signAnswer(domain, {
      insightId,
      accepted: acceptedIt,
      locationDigest: locationDigestOf(location),
      deadline: BigInt(until),
    }),
  });
  const readingBody = async (signer: ReturnType<typeof subscriberWallet>, insightId: Hex) => {
    const issuedAt = Math.floor(Date.now() / 1000);
    return { issuedAt, signature: await signer.signReading(domain, { insightId, issuedAt: BigInt(issuedAt) }) };
  };
  const opened = async (insightId: Hex, envelope: Envelope) => {
    const { payload, salt } = JSON.parse(openAsSubscriber(subscriberKey, insightId, envelope)) as {
      payload: Json;
      salt: Hex;
    };
    const onChain = await ok<{ contentDigest: Hex }>(south, "GET", `/v1/datausage/insights/${insightId}`);
    assert.equal(fingerprint(salt, payload), onChain.contentDigest, "the subscriber checks it against the chain");
    return payload;
  };

  before(async () => {
    server = createServer((request, response) => {
      let body = "";
      request.on("data", (chunk) => {
        body += chunk;
      });
      request.on("end", () => {
        if (request.method === "PUT") received.push(JSON.parse(body) as Json);
        response.statusCode = request.method === "PUT" ? 201 : 405;
        response.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/my-insights`;
    consortium = await startTestConsortium([
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "south", roles: ["MOBILE_OPERATOR"] },
    ]);
    north = consortium.agents.north as TestAgent;
    south = consortium.agents.south as TestAgent;
    consent = (
      await ok<{ contractId: Hex }>(north, "POST", "/v1/datausage/contracts", {
        subject: "+447700900777",
        data: { msisdn: "+447700900777", plan: "sim-only", monthlyMb: 7_310 },
        policy: POLICY,
        purposes: ["insights"],
        notice: "North Mobile offers you insights drawn from your usage; you accept or decline each one.",
        recipients: [],
        maxDepth: 0,
      })
    ).contractId;
    domain = await ok<SigningDomain>(south, "GET", "/v1/datausage/signing-domain");
  });
  after(async () => {
    await consortium?.stop();
    server?.close();
  });

  it("registers the subscriber's key only with that key's own signature, once per contract", async () => {
    await refused(
      south,
      "POST",
      "/v1/datausage/subscriber-keys",
      { consentId: consent, publicKey: wallet.publicKey, signature: await operator.signKey(domain, consent) },
      403,
      "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
    );
    await refused(
      north,
      "GET",
      `/v1/datausage/subscriber-keys/${consent}`,
      undefined,
      409,
      "DATAUSAGE_NO_SUBSCRIBER_KEY",
    );
    // Any member's agent may submit it: here South's, not the controller's.
    const registered = await ok<Json>(south, "POST", "/v1/datausage/subscriber-keys", {
      consentId: consent,
      publicKey: wallet.publicKey,
      signature: await wallet.signKey(domain, consent),
    });
    assert.equal(registered.subscriberKey, wallet.address);
    const seen = await ok<Json>(north, "GET", `/v1/datausage/subscriber-keys/${consent}`);
    assert.equal(seen.publicKey, wallet.publicKey.toLowerCase());
    await refused(
      north,
      "POST",
      "/v1/datausage/subscriber-keys",
      { consentId: consent, publicKey: subscriber.publicKey, signature: await subscriber.signKey(domain, consent) },
      409,
      "DATAUSAGE_SUBSCRIBER_KEY_EXISTS",
    );
    const bad = await refused(
      north,
      "POST",
      "/v1/datausage/subscriber-keys",
      { consentId: consent, publicKey: "0x04", signature: await wallet.signKey(domain, consent) },
      400,
      "VALIDATION_FAILED",
    );
    assert.ok(JSON.stringify(bad).includes("body.publicKey"), JSON.stringify(bad));
  });

  it("refuses an answer signed by anyone but the subscriber: nothing recorded", async () => {
    accepted = await offer(INSIGHT);
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/answers`,
      await answerBody(operator, accepted, true),
      403,
      "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
    );
    // A signature over "decline" does not accept, and an expired one is refused.
    const declineSigned = await answerBody(wallet, accepted, false);
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/answers`,
      { ...declineSigned, accepted: true },
      403,
      "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
    );
    const past = Math.floor(Date.now() / 1000) - 10;
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/answers`,
      await answerBody(wallet, accepted, true, "agent", past),
      409,
      "DATAUSAGE_SIGNATURE_EXPIRED",
    );
    // Only the controller submits answers.
    await refused(
      south,
      "POST",
      `/v1/datausage/insights/${accepted}/answers`,
      await answerBody(wallet, accepted, true),
      403,
      "DATAUSAGE_NOT_INSIGHT_CONTROLLER",
    );
    // The contract refuses it too, sent by the controller past its agent's check.
    const forged = await answerBody(operator, accepted, true);
    const manifest = JSON.parse(readFileSync(consortium.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Address }>;
    };
    await assert.rejects(
      north.agent.chain.simulateContract({
        account: north.agent.config.memberAccount,
        address: manifest.contracts.InsightsMarket?.address as Address,
        abi: InsightsMarket.abi,
        functionName: "answer",
        args: [accepted, true, locationDigestOf("agent"), BigInt(forged.deadline), forged.signature],
      }),
      /BadSubscriberSignature/,
    );
    await refused(north, "GET", `/v1/datausage/insights/${accepted}/answer`, undefined, 404, "DATAUSAGE_NOT_ANSWERED");
  });

  it("accepts with the subscriber's signature: sealed to its key in North's store, each reading recorded on chain", async () => {
    const answered = await ok<Json>(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/answers`,
      await answerBody(wallet, accepted, true),
    );
    assert.equal(answered.storedAt, "agent");
    assert.equal(answered.subscriberKey, wallet.address);
    const seen = await ok<Json>(south, "GET", `/v1/datausage/insights/${accepted}/answer`);
    assert.equal(seen.accepted, true);
    assert.equal(seen.locationDigest, keccak256(new TextEncoder().encode("agent")));
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/answers`,
      await answerBody(wallet, accepted, false),
      409,
      "DATAUSAGE_ALREADY_ANSWERED",
    );
    const read = await ok<Envelope & { readerFingerprint: Hex }>(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/readings`,
      await readingBody(wallet, accepted),
    );
    assert.ok(!JSON.stringify(read).includes("night owl"), "the reading is sealed");
    assert.deepEqual(await opened(accepted, read), INSIGHT);
    assert.equal(read.readerFingerprint, readerFingerprintOf(accepted, wallet.address));
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/readings`,
      await readingBody(operator, accepted),
      403,
      "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
    );
    const readings = await ok<{ items: Json[] }>(south, "GET", `/v1/datausage/insights/${accepted}/readings`);
    assert.equal(readings.items.length, 1, "one reading recorded, the refused one not");
    assert.equal(readings.items[0]?.readerFingerprint, read.readerFingerprint);
    assert.ok(!JSON.stringify(readings).includes("night owl"));
  });

  it("stores an accepted insight where the subscriber named: its own URL, not North's store", async () => {
    const elsewhere = await offer({ segment: "weekend traveller", monthlyMb: 9_001 });
    const answered = await ok<Json>(
      north,
      "POST",
      `/v1/datausage/insights/${elsewhere}/answers`,
      await answerBody(wallet, elsewhere, true, url),
    );
    assert.equal(answered.storedAt, url);
    assert.equal(answered.locationDigest, locationDigestOf(url));
    const put = received.find((r) => r.insightId === elsewhere) as (Envelope & { insightId: Hex }) | undefined;
    assert.ok(put, "the envelope reached the subscriber's URL");
    assert.deepEqual(await opened(elsewhere, put), { segment: "weekend traveller", monthlyMb: 9_001 });
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${elsewhere}/readings`,
      await readingBody(wallet, elsewhere),
      404,
      "DATAUSAGE_NOT_STORED_HERE",
    );
    const bad = await refused(
      north,
      "POST",
      `/v1/datausage/insights/${elsewhere}/answers`,
      { ...(await answerBody(wallet, elsewhere, true)), location: "ftp://x" },
      400,
      "VALIDATION_FAILED",
    );
    assert.ok(JSON.stringify(bad).includes("body.location"), JSON.stringify(bad));
  });

  it("a declined insight is neither listed nor bought, nor read", async () => {
    const declined = await offer({ segment: "heavy streamer" });
    const answered = await ok<Json>(
      north,
      "POST",
      `/v1/datausage/insights/${declined}/answers`,
      await answerBody(wallet, declined, false),
    );
    assert.equal(answered.accepted, false);
    assert.equal(answered.storedAt, null);
    await refused(
      south,
      "POST",
      `/v1/datausage/insights/${declined}/purchases`,
      { maxPrice: "300" },
      409,
      "DATAUSAGE_INSIGHT_DECLINED",
    );
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${declined}/listings`,
      { broker: south.agent.config.memberAccount, price: "400", brokerShareBps: 1000 },
      409,
      "DATAUSAGE_INSIGHT_DECLINED",
    );
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${declined}/readings`,
      await readingBody(wallet, declined),
      409,
      "DATAUSAGE_NOT_ACCEPTED",
    );
  });

  it("drives the subscriber's side from the CLI: its key stays in its file, the agents only submit and store", async () => {
    const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
    // Asynchronous: the agents run in this process and must keep answering while the CLI waits.
    const cli = async (agent: TestAgent, ...args: string[]) => {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [bin, "datausage", ...args, "--url", agent.url, "--api-key", agent.adminKey, "--json"],
        { encoding: "utf8", timeout: 120_000 },
      );
      return JSON.parse(stdout) as Json;
    };
    const own = (
      await ok<{ contractId: Hex }>(north, "POST", "/v1/datausage/contracts", {
        subject: "+447700900778",
        data: { plan: "family" },
        policy: POLICY,
        purposes: ["insights"],
        notice: "Insights you accept or decline.",
        recipients: [],
        maxDepth: 0,
      })
    ).contractId;
    const insightId = (
      await ok<{ insightId: Hex }>(north, "POST", "/v1/datausage/insights", {
        consentId: own,
        payload: { segment: "gamer" },
        price: "100",
      })
    ).insightId;
    const keyFile = join(mkdtempSync(join(tmpdir(), "datausage-subscriber-")), "key.json");
    const made = await cli(north, "new-subscriber-key", "--out", keyFile);
    assert.match(String(made.address), /^0x[0-9a-f]{40}$/);
    const registered = await cli(south, "register-key", own, "--key-file", keyFile);
    assert.equal(registered.subscriberKey, made.address);
    const answered = await cli(north, "answer", insightId, "accept", "--key-file", keyFile);
    assert.equal(answered.accepted, true);
    assert.equal(answered.storedAt, "agent");
    const read = await cli(north, "read", insightId, "--key-file", keyFile);
    assert.deepEqual(read.payload, { segment: "gamer" });
    assert.equal(read.digestMatches, true);
    const readings = (await cli(south, "readings", insightId)) as { readings: Json[]; answer: Json };
    assert.equal(readings.readings.length, 1);
    assert.equal(readings.answer.subscriberKey, made.address);
  });

  it("after the subject's erasure, an accepted insight is no longer read", async () => {
    await ok(north, "POST", "/v1/datausage/erasures", { consentId: consent });
    await refused(
      north,
      "POST",
      `/v1/datausage/insights/${accepted}/readings`,
      await readingBody(wallet, accepted),
      410,
      "DATAUSAGE_INSIGHT_ERASED",
    );
    const readings = await ok<{ items: Json[] }>(south, "GET", `/v1/datausage/insights/${accepted}/readings`);
    assert.equal(readings.items.length, 1);
  });
});
