// Roaming end to end through the agents' APIs on a real devnet: three operators roam subscribers onto each other;
// every failure case ends in a recorded outcome and the visited side never activates what was not granted.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { Address, Hex } from "viem";
import { sealBatch } from "../../src/roaming/crypto/jwe.ts";
import {
  BOUNDED_GAS_MIN_BATCH,
  batchGasLimit,
  encodeExpire,
  encodeRecordActivations,
  encodeSubmitAnswers,
  encodeSubmitRequests,
} from "../../src/roaming/exchange.ts";
import { OperatorDirectory } from "../../src/roaming/operators.ts";
import { ANSWER_PLAINTEXT_BYTES, REQUEST_PLAINTEXT_BYTES } from "../../src/roaming/payloads.ts";
import { RoamingReadModel } from "../../src/roaming/readModel.ts";
import { latestBlockTimestamp, mineBlockAt, withBlockStep } from "../../testkit/chainTime.ts";
import { eventually } from "../../testkit/eventually.ts";
import {
  expectOk,
  imsiOf,
  NETWORKS,
  type OperatorName,
  type RoamingConsortium,
  startRoamingConsortium,
  subscriber,
} from "../../testkit/roaming.ts";
import { skipOnNetwork } from "../../testkit/testNetwork.ts";

// Long enough that no attach of the other tests times out on a loaded machine, short enough for the time-out test to
// wait for the visited operator's own timer (wall clock, as in production). Set before the agents start.
const REQUEST_TTL_SECONDS = 20;
process.env.TELCO_ROAMING_REQUEST_TTL = String(REQUEST_TTL_SECONDS);
const execFileAsync = promisify(execFile);

interface Session {
  requestId: string;
  state: string;
  outcome: string | null;
  homePlmn: string | null;
  activeServices: Record<string, boolean> | null;
  grantedServices: Record<string, boolean> | null;
  times: Record<string, string | null>;
  closingTx: string | null;
}

describe("roaming authentication through the agents", () => {
  let c: RoamingConsortium;
  before(async () => {
    c = await startRoamingConsortium();
  });
  after(async () => {
    await c?.stop();
  });

  const attach = (visited: OperatorName, body: Record<string, unknown>) =>
    expectOk<Session>(c.op[visited].call("POST", "/v1/roaming/attach", { waitMs: 15_000, ...body }), 201);
  const closed = (visited: OperatorName, id: string) =>
    eventually(async () => {
      const s = await expectOk<Session>(c.op[visited].call("GET", `/v1/roaming/sessions/${id}`));
      assert.ok(s.closingTx, `session ${id} has no closing record yet (${s.state})`);
      return s;
    }, 20_000);

  it("three operators roam subscribers onto each other, end to end", async () => {
    const names = Object.keys(NETWORKS) as OperatorName[];
    for (const visited of names) {
      for (const home of names.filter((n) => n !== visited)) {
        const imsi = imsiOf(NETWORKS[home], 1);
        const session = await attach(visited, { imsi });
        assert.equal(session.state, "active", JSON.stringify(session));
        assert.equal(session.outcome, "activated");
        assert.equal(session.homePlmn, NETWORKS[home]);
        assert.deepEqual(session.activeServices, { voice: true, sms: true, data: true, volte: true, "5g": true });
        const done = await closed(visited, session.requestId);
        // The home agent's read model follows the chain a moment behind the visited agent's receipt.
        const chain = await eventually(async () => {
          const r = await expectOk<{ events: Array<{ kind: string }>; state: string }>(
            c.op[home].call("GET", `/v1/roaming/requests/${session.requestId}/events`),
          );
          assert.deepEqual(
            r.events.map((e) => e.kind),
            ["request", "answer", "activation"],
          );
          return r;
        });
        assert.equal(chain.state, "activated");
        assert.ok(done.times.requestMinedAt && done.times.decidedAt && done.times.closingMinedAt);
        // The third operator indexed the same blocks but keeps nothing of an exchange it is not a party to.
        const third = names.find((n) => n !== visited && n !== home) as OperatorName;
        await c.op[third].agent.indexer.syncOnce();
        const kept = await c.op[third].agent.store.one<{ n: number }>(
          "SELECT COUNT(*) AS n FROM roaming_requests WHERE request_id = $1",
          [session.requestId.toLowerCase()],
        );
        assert.equal(Number(kept?.n), 0);
        const notOurs = await c.op[third].call<{ code: string }>(
          "GET",
          `/v1/roaming/requests/${session.requestId}/events`,
        );
        assert.deepEqual([notOurs.status, notOurs.body.code], [404, "ROAMING_REQUEST_NOT_FOUND"]);
      }
    }
  });

  const chainKinds = async (who: OperatorName, id: string, count: number) =>
    eventually(async () => {
      const chain = await expectOk<{ events: Array<{ kind: string }> }>(
        c.op[who].call("GET", `/v1/roaming/requests/${id}/events`),
      );
      assert.equal(chain.events.length, count, JSON.stringify(chain));
      return chain.events.map((e) => e.kind);
    }, 20_000);
  const none = { voice: false, sms: false, data: false, volte: false, "5g": false };

  it("an IMSI of a network nobody holds is rejected at once and nothing goes on chain", async () => {
    const s = await attach("north", { imsi: "999990000000001" });
    assert.equal(s.state, "rejected");
    assert.equal(s.outcome, "unknown-network");
    assert.equal(s.activeServices, null);
    const again = await expectOk<Session & { requestTx: string | null }>(
      c.op.north.call("GET", `/v1/roaming/sessions/${s.requestId}`),
    );
    assert.equal(again.requestTx, null);
    assert.equal((await c.op.north.call("GET", `/v1/roaming/requests/${s.requestId}/events`)).status, 404);
  });

  it("an unknown, a barred, a suspended subscriber and one without roaming get nothing; the refusal is recorded", async () => {
    await expectOk(
      c.op.south.call("PUT", "/v1/roaming/subscribers", {
        items: [
          subscriber(imsiOf(NETWORKS.south, 501), { status: "barred" }),
          subscriber(imsiOf(NETWORKS.south, 502), { status: "suspended" }),
          subscriber(imsiOf(NETWORKS.south, 503), { roamingAllowed: false }),
        ],
      }),
    );
    const cases: Array<[number, string]> = [
      [999_999, "home-unknown-subscriber"],
      [501, "home-barred"],
      [502, "home-suspended"],
      [503, "home-roaming-not-allowed"],
    ];
    for (const [n, outcome] of cases) {
      const s = await attach("east", { imsi: imsiOf(NETWORKS.south, n) });
      assert.equal(s.state, "refused", JSON.stringify(s));
      assert.equal(s.outcome, outcome);
      assert.deepEqual(s.activeServices, none);
      assert.deepEqual(await chainKinds("east", s.requestId, 3), ["request", "answer", "refusal"]);
    }
  });

  it("activates only services both granted and requested, and never what the home policy withholds", async () => {
    await expectOk(
      c.op.north.call("PUT", "/v1/roaming/subscribers", {
        items: [
          subscriber(imsiOf(NETWORKS.north, 601), {
            services: { voice: true, sms: true, data: false, volte: true, "5g": true },
          }),
        ],
      }),
    );
    await expectOk(c.op.north.call("PUT", "/v1/roaming/policy", { withheldServices: ["5g"] }));
    try {
      const s = await attach("south", { imsi: imsiOf(NETWORKS.north, 601), services: ["voice", "data", "5g"] });
      assert.equal(s.state, "active", JSON.stringify(s));
      assert.deepEqual(s.activeServices, { voice: true, sms: false, data: false, volte: false, "5g": false });
      assert.deepEqual(s.grantedServices, { voice: true, sms: false, data: false, volte: false, "5g": false });
    } finally {
      await expectOk(c.op.north.call("PUT", "/v1/roaming/policy", { withheldServices: [] }));
    }
  });

  it("a home operator that does not answer in time: the session times out and the expiry is recorded", async () => {
    await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: true }));
    try {
      const s = await attach("north", { imsi: imsiOf(NETWORKS.south, 2), waitMs: (REQUEST_TTL_SECONDS + 15) * 1000 });
      assert.equal(s.state, "timed-out", JSON.stringify(s));
      assert.equal(s.outcome, "home-timeout");
      assert.equal(s.activeServices, null);
      assert.deepEqual(await chainKinds("south", s.requestId, 2), ["request", "expiry"]);
      const pending = await expectOk<{ items: Array<{ requestId: string }> }>(
        c.op.south.call("GET", "/v1/roaming/requests?state=pending"),
      );
      assert.ok(!pending.items.some((r) => r.requestId === s.requestId));
    } finally {
      await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: false }));
    }
  });

  it("refuses an answer for the wrong request and a tampered answer; activates nothing", async () => {
    await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: true }));
    let a: Session;
    let b: Session;
    try {
      a = await attach("north", { imsi: imsiOf(NETWORKS.south, 3), waitMs: 0 });
      b = await attach("north", { imsi: imsiOf(NETWORKS.south, 4), waitMs: 0 });
      await eventually(async () => {
        for (const id of [a.requestId, b.requestId]) {
          assert.equal((await c.op.south.call("GET", `/v1/roaming/requests/${id}/events`)).status, 200);
        }
      });
      // South (the genuine home operator) answers A with a grant that belongs to B, and B with a damaged JWE.
      const directory = new OperatorDirectory(
        new RoamingReadModel(c.op.south.agent.store),
        c.op.south.agent.resolver,
        c.devnet.chainId,
      );
      const northKey = await directory.currentKeyOf(c.op.north.agent.config.memberAccount);
      const grant = {
        v: 1,
        outcome: "granted",
        services: { voice: 1, sms: 1, data: 1, volte: 1, "5g": 1 },
        validUntil: new Date(Date.now() + 3_600_000).toISOString(),
      };
      const [forB] = await sealBatch(northKey, [{ itemId: b.requestId, payload: grant }], {
        paddedBytes: ANSWER_PLAINTEXT_BYTES,
      });
      const tampered = `${forB!.slice(0, -30)}${forB!.slice(-30, -29) === "A" ? "B" : "A"}${forB!.slice(-29)}`;
      await c.op.south.agent.outbox.send({
        from: c.op.south.agent.config.memberAccount,
        to: c.exchange,
        data: encodeSubmitAnswers([
          { requestId: a.requestId as Hex, ciphertext: forB! },
          { requestId: b.requestId as Hex, ciphertext: tampered },
        ]),
        label: "test: wrong and tampered answers",
      });
    } finally {
      await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: false }));
    }
    const doneA = await closed("north", a!.requestId);
    const doneB = await closed("north", b!.requestId);
    assert.equal(doneA.state, "refused");
    assert.equal(doneA.outcome, "answer-mismatch");
    assert.deepEqual(doneA.activeServices, none);
    assert.equal(doneB.state, "refused");
    assert.equal(doneB.outcome, "answer-undecryptable");
    assert.deepEqual(doneB.activeServices, none);
    assert.deepEqual(await chainKinds("north", a!.requestId, 3), ["request", "answer", "refusal"]);
  });

  it("a tampered request ciphertext or a forged pseudonym gets a refusal recorded by the home operator", async () => {
    const directory = new OperatorDirectory(
      new RoamingReadModel(c.op.north.agent.store),
      c.op.north.agent.resolver,
      c.devnet.chainId,
    );
    const eastMember = c.op.east.agent.config.memberAccount;
    const eastKey = await directory.currentKeyOf(eastMember);
    const northKeys = await expectOk<{ items: Array<{ kid: string }> }>(c.op.north.call("GET", "/v1/roaming/keys"));
    const payload = (_requestId: string) => ({
      v: 1,
      imsi: imsiOf(NETWORKS.east, 1),
      homePlmn: NETWORKS.east,
      visitedPlmn: NETWORKS.north,
      visitedKid: northKeys.items.at(-1)!.kid,
      services: ["voice"],
    });
    const ids = [1, 2].map((n) => `0x${String(n).padStart(2, "0")}${"ab".repeat(31)}` as Hex);
    const sealed = await sealBatch(
      eastKey,
      ids.map((id) => ({ itemId: id, payload: payload(id) })),
      { paddedBytes: REQUEST_PLAINTEXT_BYTES },
    );
    const flipped = `${sealed[0]!.slice(0, -30)}${sealed[0]!.slice(-30, -29) === "A" ? "B" : "A"}${sealed[0]!.slice(-29)}`;
    const expiresAt = BigInt(Math.floor(Date.now() / 1000) + 60);
    await c.op.north.agent.outbox.send({
      from: c.op.north.agent.config.memberAccount,
      to: c.exchange,
      data: encodeSubmitRequests(eastMember as Address, [
        { requestId: ids[0]!, pseudonym: `0x${"11".repeat(32)}`, expiresAt, ciphertext: flipped },
        { requestId: ids[1]!, pseudonym: `0x${"22".repeat(32)}`, expiresAt, ciphertext: sealed[1]! },
      ]),
      label: "test: tampered request and forged pseudonym",
    });
    const outcomes = await eventually(async () => {
      const { items } = await expectOk<{
        items: Array<{ requestId: string; outcome: string | null; answerTx: string | null }>;
      }>(c.op.east.call("GET", "/v1/roaming/requests?state=all&limit=100"));
      const mine = ids.map((id) => items.find((r) => r.requestId === id));
      assert.ok(
        mine.every((r) => r?.answerTx),
        JSON.stringify(mine),
      );
      return mine.map((r) => r!.outcome);
    }, 20_000);
    assert.deepEqual(outcomes, ["undecryptable", "invalid-request"]);
  });

  it("rejects bad attach input naming the field, and records nothing", async () => {
    // Sessions of earlier tests may still change state meanwhile: count them all, whatever their state.
    const sessionCount = async () =>
      Object.values(
        await expectOk<Record<string, number>>(c.op.north.call("GET", "/v1/roaming/sessions/stats")),
      ).reduce((a, b) => a + b, 0);
    const before = await sessionCount();
    const bad = await c.op.north.call<{ code: string; details: Array<{ field: string }> }>(
      "POST",
      "/v1/roaming/attach",
      {
        imsi: "0010A",
      },
    );
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, "VALIDATION_FAILED");
    const wrongPlmn = await c.op.north.call<{ code: string; details: Array<{ field: string }> }>(
      "POST",
      "/v1/roaming/attach/batch",
      {
        items: [{ imsi: imsiOf(NETWORKS.south, 1) }, { imsi: imsiOf(NETWORKS.south, 1), visitedPlmn: NETWORKS.south }],
      },
    );
    assert.equal(wrongPlmn.status, 400);
    assert.equal(wrongPlmn.body.code, "ROAMING_INVALID_INPUT");
    assert.equal(wrongPlmn.body.details[0]?.field, "body.items[1].visitedPlmn");
    const csv = await c.op.north.call<{ code: string; details: Array<{ field: string; message: string }> }>(
      "POST",
      "/v1/roaming/subscribers/import",
      {
        csv: "imsi,msisdn,status,roaming_allowed,voice,sms,data,volte,5g\n001010000000777,447900000777,active,1,1,1,1,1,maybe\n",
      },
    );
    assert.deepEqual(
      [csv.status, csv.body.code, csv.body.details[0]?.field],
      [400, "ROAMING_INVALID_INPUT", "body.csv"],
    );
    assert.match(csv.body.details[0]!.message, /line 2 column 5g/);
    const badMsisdn = await c.op.north.call<{ code: string; details: Array<{ field: string }> }>(
      "PUT",
      "/v1/roaming/subscribers",
      { items: [subscriber(imsiOf(NETWORKS.north, 778)), { ...subscriber(imsiOf(NETWORKS.north, 779)), msisdn: "0" }] },
    );
    assert.equal(badMsisdn.status, 400);
    assert.equal(badMsisdn.body.details[0]?.field, "body.items[1].msisdn");
    for (const n of [777, 778]) {
      const missing = await c.op.north.call<{ code: string }>(
        "GET",
        `/v1/roaming/subscribers/${imsiOf(NETWORKS.north, n)}`,
      );
      assert.deepEqual([missing.status, missing.body.code], [404, "ROAMING_SUBSCRIBER_NOT_FOUND"]);
    }
    const noSession = await c.op.north.call<{ code: string }>("GET", `/v1/roaming/sessions/0x${"00".repeat(32)}`);
    assert.deepEqual([noSession.status, noSession.body.code], [404, "ROAMING_SESSION_NOT_FOUND"]);
    assert.equal(await sessionCount(), before);
  });

  it("key rotation on both sides does not break requests in flight", async () => {
    await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: true }));
    let inFlight: Session;
    try {
      inFlight = await attach("north", { imsi: imsiOf(NETWORKS.south, 5), waitMs: 0 });
      await eventually(async () => {
        assert.equal((await c.op.south.call("GET", `/v1/roaming/requests/${inFlight.requestId}/events`)).status, 200);
      });
      const south = await expectOk<{ key: { kid: string } }>(c.op.south.call("POST", "/v1/roaming/keys/rotate", {}));
      const north = await expectOk<{ key: { kid: string } }>(c.op.north.call("POST", "/v1/roaming/keys/rotate", {}));
      const keys = await expectOk<{ items: Array<{ kid: string; retiredAt: string | null }> }>(
        c.op.south.call("GET", "/v1/roaming/keys"),
      );
      assert.equal(keys.items.length, 2);
      assert.equal(keys.items.find((k) => k.retiredAt === null)?.kid, south.key.kid);
      assert.notEqual(north.key.kid, south.key.kid);
    } finally {
      await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: false }));
    }
    const done = await expectOk<Session>(
      c.op.north.call("GET", `/v1/roaming/sessions/${inFlight!.requestId}?waitMs=15000`),
    );
    assert.equal(done.state, "active", JSON.stringify(done));
    // New requests use the new keys and still work, in both directions.
    assert.equal((await attach("north", { imsi: imsiOf(NETWORKS.south, 6) })).state, "active");
    assert.equal((await attach("south", { imsi: imsiOf(NETWORKS.north, 6) })).state, "active");
  });

  const clock = skipOnNetwork("steps the chain's clock to make requests lapse (anvil_setNextBlockTimestamp, evm_mine)");
  it("bounds the gas of large batches above what the chain charges, and not far above", clock, async () => {
    const north = c.op.north.agent;
    const south = c.op.south.agent;
    const hex32 = () => `0x${randomBytes(32).toString("hex")}` as Hex;
    // Ciphertexts the size of real JWEs and larger; the contract does not read them.
    const text = (n: number, i: number) => "x".repeat(n + (i % 7) * 40);
    const check = async (
      agent: typeof north,
      kind: Parameters<typeof batchGasLimit>[0],
      data: Hex,
      n: number,
      c: string[],
    ) => {
      const estimate = await agent.chain.estimateGas({
        account: agent.config.memberAccount,
        to: exchangeAddress(),
        data,
      });
      const bound = batchGasLimit(kind, n, c);
      assert.ok(bound >= estimate, `${kind} x${n}: bound ${bound} below the estimate ${estimate}`);
      assert.ok(bound * 10n < estimate * 16n, `${kind} x${n}: bound ${bound} over 1.6 x the estimate ${estimate}`);
      const receipt = await agent.outbox.send({
        from: agent.config.memberAccount,
        to: exchangeAddress(),
        data,
        gas: bound,
        label: `test: ${kind} x${n}`,
      });
      assert.equal(receipt.status, "success");
    };
    const exchangeAddress = () => c.exchange;
    await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: true }));
    try {
      for (const n of [BOUNDED_GAS_MIN_BATCH, 400]) {
        const ids = Array.from({ length: n }, hex32);
        const expiresAt = BigInt(Math.floor(Date.now() / 1000) + 600);
        const requests = ids.map((requestId, i) => ({
          requestId,
          pseudonym: hex32(),
          expiresAt,
          ciphertext: text(420, i),
        }));
        await check(
          north,
          "request",
          encodeSubmitRequests(south.config.memberAccount, requests),
          n,
          requests.map((r) => r.ciphertext),
        );
        const answers = ids.map((requestId, i) => ({ requestId, ciphertext: text(300, i) }));
        await check(
          south,
          "answer",
          encodeSubmitAnswers(answers),
          n,
          answers.map((a) => a.ciphertext),
        );
        const activations = ids.map((requestId, i) => ({ requestId, activated: i % 2 === 0, servicesDigest: hex32() }));
        await check(north, "activation", encodeRecordActivations(activations), n, []);
      }
      // Expiries: requests that lapsed unanswered. They expire five blocks ahead of the chain's clock, mined while the
      // chain steps one second a block whatever the wall clock does (a loaded machine can take longer than five seconds
      // to get them mined: on the wall clock they would then be expired on arrival and the batch reverts); then one
      // empty block at their expiry puts the chain past it (no sleeping until the wall clock gets there). The chain
      // stays ahead of the wall clock by at most those seconds, well inside the request TTL of the tests that follow.
      const lapsing = Array.from({ length: BOUNDED_GAS_MIN_BATCH }, hex32);
      const soon = await withBlockStep(c.devnet.rpcUrl, 1, async () => {
        const expiry = BigInt((await latestBlockTimestamp(c.devnet.rpcUrl)) + 5);
        await north.outbox.send({
          from: north.config.memberAccount,
          to: c.exchange,
          data: encodeSubmitRequests(
            south.config.memberAccount,
            lapsing.map((requestId, i) => ({
              requestId,
              pseudonym: hex32(),
              expiresAt: expiry,
              ciphertext: text(420, i),
            })),
          ),
          label: "test: requests that will lapse",
        });
        return Number(expiry);
      });
      // Already past (the wall clock took over beyond it): the next block is past it anyway; never move the chain back.
      if ((await latestBlockTimestamp(c.devnet.rpcUrl)) < soon) await mineBlockAt(c.devnet.rpcUrl, soon);
      await check(north, "expiry", encodeExpire(lapsing), lapsing.length, []);
    } finally {
      await expectOk(c.op.south.call("PUT", "/v1/roaming/policy", { paused: false }));
    }
  });

  it("takes the schema's maximum of 10,000 subscribers in one call", async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => subscriber(imsiOf(NETWORKS.east, 500_000 + i)));
    assert.deepEqual(await expectOk(c.op.east.call("PUT", "/v1/roaming/subscribers", { items })), { upserted: 10_000 });
    const tooMany = await c.op.east.call("PUT", "/v1/roaming/subscribers", {
      items: [...items, subscriber(imsiOf(NETWORKS.east, 499_999))],
    });
    assert.equal(tooMany.status, 400, JSON.stringify(tooMany.body));
  });

  it("the CLI drives both roles through the agents' APIs", async () => {
    const cli = (agent: OperatorName, ...args: string[]) =>
      execFileAsync(process.execPath, [
        "bin/telco-ledger.mjs",
        "roaming",
        ...args,
        "--url",
        c.op[agent].url,
        "--api-key",
        c.op[agent].adminKey,
        "--json",
      ]).then((r) => JSON.parse(r.stdout));
    const session = await cli("east", "attach", imsiOf(NETWORKS.north, 7), "--wait", "15000");
    assert.equal(session.state, "active", JSON.stringify(session));
    const listed = await cli("east", "sessions", "--state", "active");
    assert.ok(listed.items.some((s: { requestId: string }) => s.requestId === session.requestId));
    const events = await cli("north", "events", session.requestId);
    assert.equal(events.events[0].kind, "request");
    const networks = await cli("north", "networks");
    assert.deepEqual(networks.items.map((n: { plmn: string }) => n.plmn).sort(), Object.values(NETWORKS).sort());
  });
});
