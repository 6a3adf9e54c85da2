// SIM swaps published as fraud signals by the subscriber register itself, end to end on a real devnet with two
// mobile operators' agents as processes: North Mobile keeps its home subscriber register on PostgreSQL, South Mobile
// on SQLite. A number moved to another SIM (PUT /v1/roaming/subscribers/msisdn/{msisdn}/sim, or a bulk upsert that
// binds it to a new IMSI) gives exactly one `sim-swap` signal by North, which South's agent answers through
// GET /v1/registries/signals/number/{number} and through the published recentSignals over its own read model;
// binding the SIM a number is on already gives none; a kill after the store change and before the report still
// reports once, and a kill between the mined report and the journal's update does not report twice; bad input is
// refused naming its field, with nothing changed.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { Address } from "viem";
import { openStore, type Store } from "../../src/core/store/index.ts";
import { ConsortiumKey } from "../../src/registries/keys.ts";
import { ConsortiumKeyRepository } from "../../src/registries/repository.ts";
import { TracebackReadModel } from "../../src/registries/traceback/readModel.ts";
import { RecentSignals } from "../../src/registries/traceback/recentSignals.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";
import { expectOk, subscriber } from "../../testkit/roaming.ts";

interface ErrorBody {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}
interface Binding {
  subscriber: { imsi: string; msisdn: string; status: string; roamingAllowed: boolean };
  swapped: boolean;
  previousImsi: string | null;
  swapId: string | null;
}
interface Signal {
  signalId: string;
  reporter: string;
  holder: string | null;
  subject: string;
  kind: string;
  confidence: number;
  evidence: string;
  state: string;
}
interface SwapRow {
  swap_id: string;
  msisdn: string;
  evidence: string;
  published_ref: string | null;
  published_at: string | null;
}

const run = promisify(execFile);
const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const KEY = `0x${"3c".repeat(32)}`;
// North's SIMs (PLMN 00101) and the numbers on them.
const SIM = {
  a: "001010000000001",
  b: "001010000000002",
  c: "001010000000003",
  d: "001010000000004",
  e: "001010000000005",
  f: "001010000000006",
};
const X = "447700900101";
const Y = "447700900102";
const Z = "447700900103";

describe("registries: SIM swaps in the home register published as fraud signals", () => {
  let pg: TestPostgres;
  let c: TestConsortium<TestAgentProcess>;
  let north: TestAgentProcess;
  let south: TestAgentProcess;
  let northMember: Address;
  let northStore: Store;
  let southStore: Store;

  before(async () => {
    pg = await startTestPostgres();
    c = await startTestConsortium(
      [
        { name: "north", roles: ["MOBILE_OPERATOR"], databaseUrl: pg.url },
        { name: "south", roles: ["MOBILE_OPERATOR"] },
      ],
      { agentProcesses: true },
    );
    north = c.agents.north as TestAgentProcess;
    south = c.agents.south as TestAgentProcess;
    northMember = (JSON.parse(await readFile(north.configPath, "utf8")) as { memberAccount: Address }).memberAccount;
    const southConfig = JSON.parse(await readFile(south.configPath, "utf8")) as { dataDir: string };
    // The agents' own stores, read beside the running agents (the data directory is relative to the config file).
    northStore = await openStore({ databaseUrl: pg.url, migrations: [] });
    southStore = await openStore({
      sqliteFile: resolve(dirname(south.configPath), southConfig.dataDir, "agent.db"),
      migrations: [],
    });
    // South holds the consortium key; North gets it only later (the restart case).
    await expectOk(south.call("PUT", "/v1/registries/key", { key: KEY }));
    await expectOk(
      north.call("PUT", "/v1/roaming/subscribers", {
        items: [
          subscriber(SIM.a, { msisdn: X }),
          subscriber(SIM.c, { msisdn: Y, roamingAllowed: false }),
          subscriber(SIM.e, { msisdn: Z }),
        ],
      }),
    );
  });
  after(async () => {
    await northStore?.close();
    await southStore?.close();
    await c?.stop();
    await pg?.stop();
  });

  const swaps = () =>
    northStore.query<SwapRow>(
      `SELECT swap_id, msisdn, evidence, published_ref, published_at FROM roaming_sim_swaps ORDER BY swapped_at, swap_id`,
    );
  const bind = (msisdn: string, body: unknown, key?: string) =>
    north.call<Binding & ErrorBody>("PUT", `/v1/roaming/subscribers/msisdn/${msisdn}/sim`, body, key);
  /** The sim-swap signals about `number` South's agent answers. */
  const simSwapsSeenBySouth = async (number: string) => {
    const check = await expectOk<{ flagged: boolean; signals: Signal[] }>(
      south.call("GET", `/v1/registries/signals/number/${number}`),
    );
    return check.signals.filter((s) => s.kind === "sim-swap");
  };
  /** The one sim-swap signal about `number` South's agent answers, once it answers one (fails on two). */
  const oneSimSwapSeenBySouth = (number: string) =>
    eventually(
      async () => {
        const signals = await simSwapsSeenBySouth(number);
        assert.equal(signals.length, 1, JSON.stringify(signals));
        return signals[0] as Signal;
      },
      60_000,
      250,
    );
  /** North's sim-swap signals on chain, as South's read model lists them. */
  const northSimSwapSignals = async () =>
    (
      await expectOk<{ items: Signal[] }>(
        south.call("GET", `/v1/registries/signals?reporter=${northMember}&kind=sim-swap&limit=100`),
      )
    ).items;
  const refusal = async (r: Promise<{ status: number; body: ErrorBody }>, status: number, code: string) => {
    const { status: got, body } = await r;
    assert.equal(got, status, JSON.stringify(body));
    assert.equal(body.code, code, JSON.stringify(body));
    return body;
  };

  it("refuses bad input naming the field, with the register and the journal unchanged", async () => {
    const named = (body: ErrorBody, field: string) =>
      assert.ok(
        body.details?.some((d) => d.field === field),
        `${field} named: ${JSON.stringify(body)}`,
      );
    named(await refusal(bind("12", { imsi: SIM.b }), 400, "VALIDATION_FAILED"), "params.msisdn");
    named(await refusal(bind(X, { imsi: "0010100000x" }), 400, "VALIDATION_FAILED"), "body.imsi");
    named(await refusal(bind(X, {}), 400, "VALIDATION_FAILED"), "body.imsi");
    await refusal(bind(X, { imsi: SIM.b, msisdn: X }), 400, "VALIDATION_FAILED");
    named(await refusal(bind("447700900199", { imsi: SIM.b }), 404, "ROAMING_SUBSCRIBER_NOT_FOUND"), "params.msisdn");
    // SIM c holds Y: it cannot take X.
    named(await refusal(bind(X, { imsi: SIM.c }), 409, "ROAMING_SIM_IN_USE"), "body.imsi");
    // Owner-only: a read-only key of North's own agent may not re-bind a SIM.
    const reader = await expectOk<{ key: string }>(
      north.call("POST", "/v1/api-keys", { userName: "audit", role: "read-only" }),
      201,
    );
    await refusal(bind(X, { imsi: SIM.b }, reader.key), 403, "FORBIDDEN");
    const onA = await expectOk<{ msisdn: string }>(north.call("GET", `/v1/roaming/subscribers/${SIM.a}`));
    assert.equal(onA.msisdn, X);
    await refusal(north.call("GET", `/v1/roaming/subscribers/${SIM.b}`), 404, "ROAMING_SUBSCRIBER_NOT_FOUND");
    assert.deepEqual(await swaps(), [], "nothing journalled");
  });

  it("a kill after the swap and before its report still reports it, once", async () => {
    // North holds no consortium key yet, so its agent cannot report (the number is named by keyed hash): the swap
    // is committed and journalled, the report not sent, when North is killed.
    const started = Date.now();
    const bound = await expectOk<Binding>(bind(X, { imsi: SIM.b }));
    const answeredMs = Date.now() - started;
    assert.equal(bound.swapped, true);
    assert.equal(bound.previousImsi, SIM.a);
    assert.deepEqual([bound.subscriber.imsi, bound.subscriber.msisdn], [SIM.b, X]);
    await refusal(north.call("GET", `/v1/roaming/subscribers/${SIM.a}`), 404, "ROAMING_SUBSCRIBER_NOT_FOUND");
    const [row] = await swaps();
    assert.ok(row, "the swap is journalled");
    assert.equal(row.swap_id, bound.swapId);
    assert.equal(row.published_at, null, "not reported: North has no key");
    await c.killAgent("north");
    await c.startAgent("north");
    await expectOk(north.call("PUT", "/v1/registries/key", { key: KEY }));
    const seen = await oneSimSwapSeenBySouth(X);
    assert.equal(seen.reporter.toLowerCase(), northMember.toLowerCase());
    assert.equal(seen.holder?.toLowerCase(), northMember.toLowerCase(), "North, the number's operator, is the holder");
    assert.deepEqual([seen.confidence, seen.state, seen.evidence], [100, "active", row.evidence]);
    const published = await eventually(async () => {
      const [r] = await swaps();
      assert.ok(r?.published_at, "the journal records the report");
      return r;
    });
    assert.equal(published.published_ref, seen.signalId);
    assert.ok(answeredMs < 10_000, `the swap answered in ${answeredMs} ms`);
  });

  it("a kill between the mined report and the journal's update does not report it twice", async () => {
    const [before] = await swaps();
    assert.ok(before?.published_ref);
    await c.killAgent("north");
    // What such a kill leaves: the signal on chain, the journal's row still unpublished.
    await northStore.exec(`UPDATE roaming_sim_swaps SET published_ref = NULL, published_at = NULL WHERE swap_id = $1`, [
      before.swap_id,
    ]);
    await c.startAgent("north");
    const after = await eventually(
      async () => {
        const [r] = await swaps();
        assert.ok(r?.published_at, "published again in the journal");
        return r;
      },
      60_000,
      250,
    );
    assert.equal(after.published_ref, before.published_ref, "the same signal: its id is fixed by the swap");
    assert.equal((await simSwapsSeenBySouth(X)).length, 1);
    assert.equal((await northSimSwapSignals()).length, 1, "one sim-swap signal by North on chain");
  });

  it("a bulk upsert that moves a number to a new SIM publishes one signal, read by recentSignals elsewhere", async () => {
    const started = Date.now();
    await expectOk(north.call("PUT", "/v1/roaming/subscribers", { items: [subscriber(SIM.d, { msisdn: Y })] }));
    const answeredMs = Date.now() - started;
    const seen = await oneSimSwapSeenBySouth(Y);
    assert.equal(seen.reporter.toLowerCase(), northMember.toLowerCase());
    // The published interface an identity flow calls, as South's agent answers it (its key, its read model).
    const key = new ConsortiumKey(new ConsortiumKeyRepository(southStore));
    await key.load();
    const recent = new RecentSignals(key, new TracebackReadModel(southStore));
    const forY = await recent.recentSignals(Y, 3600, ["sim-swap"]);
    assert.deepEqual(
      forY.map((s) => [s.signalId, s.kind, s.reporter.toLowerCase(), s.confidence, s.disputed]),
      [[seen.signalId, "sim-swap", northMember.toLowerCase(), 100, false]],
    );
    assert.equal((await recent.recentSignals(X, 3600, ["sim-swap"])).length, 1);
    assert.deepEqual(await recent.recentSignals(Z, 3600, ["sim-swap"]), [], "Z never changed SIM");
    assert.ok(answeredMs < 10_000, `the upsert answered in ${answeredMs} ms`);
  });

  it("binding the SIM a number is on already publishes nothing", async () => {
    const again = await expectOk<Binding>(bind(X, { imsi: SIM.b }));
    assert.deepEqual([again.swapped, again.swapId], [false, null]);
    // The same through the CLI a back office would script.
    const { stdout } = await run(
      process.execPath,
      [cliBin, "roaming", "subscribers", "bind-sim", X, SIM.b, "--url", north.url, "--api-key", north.adminKey],
      { encoding: "utf8", timeout: 120_000 },
    );
    assert.match(stdout, /is on SIM 001010000000002 already: nothing changed/);
    await expectOk(north.call("PUT", "/v1/roaming/subscribers", { items: [subscriber(SIM.d, { msisdn: Y })] }));
    // A first binding is not a swap either: a new number on a new SIM.
    await expectOk(
      north.call("PUT", "/v1/roaming/subscribers", {
        items: [subscriber("001010000000009", { msisdn: "447700900109" })],
      }),
    );
    // Then a real swap of Z: once its signal is seen, anything journalled before it was published before it.
    const zSwap = await expectOk<Binding>(bind(Z, { imsi: SIM.f }));
    assert.equal(zSwap.swapped, true);
    await oneSimSwapSeenBySouth(Z);
    await eventually(async () => assert.ok((await swaps()).every((r) => r.published_at)));
    assert.deepEqual(
      (await swaps()).map((r) => r.msisdn).sort(),
      [X, Y, Z],
      "one journalled swap per number moved, none for re-bindings or first bindings",
    );
    assert.equal((await simSwapsSeenBySouth(X)).length, 1);
    assert.equal((await simSwapsSeenBySouth(Y)).length, 1);
    assert.equal((await northSimSwapSignals()).length, 3);
  });
});
