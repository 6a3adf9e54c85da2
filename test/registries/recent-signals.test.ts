// The published fraud-signal read an identity flow calls ("recent signals about this number within N seconds"):
// FraudSignals events projected into a real SQLite read model through the real projection, then asked through
// RecentSignals as the plugin publishes it. A SIM swap an hour ago is inside a 2-day window and outside a 30-minute
// one; a cleared signal does not count, a challenged one counts as disputed; kinds filter; another number and a
// malformed number or window are told apart.
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { ChainEvent } from "../../src/core/chain/indexer/indexer.ts";
import { openStore, type Store } from "../../src/core/store/index.ts";
import { ConsortiumKey } from "../../src/registries/keys.ts";
import { registriesMigrations } from "../../src/registries/migrations.ts";
import { ConsortiumKeyRepository } from "../../src/registries/repository.ts";
import { FRAUD_SIGNALS, SIGNAL_KINDS, tracebackProjection } from "../../src/registries/traceback/projection.ts";
import { TracebackReadModel } from "../../src/registries/traceback/readModel.ts";
import { RecentSignals } from "../../src/registries/traceback/recentSignals.ts";

const NOW = 1_800_000_000;
const HOUR = 3600;
const NUMBER = "447700900123";
const OTHER = "447700900999";
const REPORTER = "0x00000000000000000000000000000000000000a0";
const HOLDER = "0x00000000000000000000000000000000000000b0";
const hex32 = (): `0x${string}` => `0x${randomBytes(32).toString("hex")}`;

let block = 0;
function event(eventName: string, args: Record<string, unknown>, blockTimestamp = NOW): ChainEvent {
  block += 1;
  return {
    source: FRAUD_SIGNALS,
    address: "0x0000000000000000000000000000000000000002",
    eventName,
    args,
    blockNumber: block,
    blockHash: `0x${"00".repeat(32)}`,
    blockTimestamp,
    logIndex: 0,
    txHash: hex32(),
    txLogPosition: 0,
  };
}

describe("registries published recent fraud signals", () => {
  let dir: string;
  let store: Store;
  let key: ConsortiumKey;
  let facts: RecentSignals;
  const ids: Record<string, string> = {};

  async function report(name: string, number: string, kind: string, reportedAt: number): Promise<void> {
    ids[name] = hex32();
    const args = {
      signalId: ids[name],
      reporter: REPORTER,
      subject: key.hashNumber(number),
      kind: SIGNAL_KINDS.indexOf(kind as (typeof SIGNAL_KINDS)[number]),
      confidence: 100,
      evidence: hex32(),
      expiresAt: reportedAt + 2 * HOUR,
      holder: HOLDER,
    };
    await store.transaction((tx) => tracebackProjection.handle(event("SignalReported", args, reportedAt), tx));
  }

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "registries-recent-signals-"));
    store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: registriesMigrations });
    key = new ConsortiumKey(new ConsortiumKeyRepository(store));
    await key.set(hex32());
    facts = new RecentSignals(key, new TracebackReadModel(store), () => NOW * 1000);
    await report("simSwap", NUMBER, "sim-swap", NOW - HOUR);
    await report("portOut", NUMBER, "port-out", NOW - 3 * 24 * HOUR);
    await report("cleared", NUMBER, "sim-swap", NOW - 10 * 60);
    await report("disputed", NUMBER, "wangiri", NOW - 20 * 60);
    await report("other", OTHER, "sim-swap", NOW - 60);
    await store.transaction((tx) =>
      tracebackProjection.handle(event("SignalCleared", { signalId: ids.cleared, reporter: REPORTER }), tx),
    );
    await store.transaction((tx) =>
      tracebackProjection.handle(
        event("SignalChallenged", { signalId: ids.disputed, challenger: HOLDER, evidence: hex32() }),
        tx,
      ),
    );
  });

  after(async () => {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("answers the signals within the window, newest first, without cleared ones", async () => {
    const twoDays = await facts.recentSignals(NUMBER, 2 * 24 * HOUR);
    assert.deepEqual(
      twoDays.map((s) => s.signalId),
      [ids.disputed, ids.simSwap],
    );
    const disputed = twoDays[0];
    assert.equal(disputed?.kind, "wangiri");
    assert.equal(disputed?.disputed, true);
    const simSwap = twoDays[1];
    assert.equal(simSwap?.kind, "sim-swap");
    assert.equal(simSwap?.disputed, false);
    assert.equal(simSwap?.reporter, REPORTER);
    assert.equal(simSwap?.holder, HOLDER);
    assert.equal(simSwap?.confidence, 100);
    assert.equal(simSwap?.reportedAt, new Date((NOW - HOUR) * 1000).toISOString());

    // A SIM swap an hour ago is outside a 30-minute cool-down; a port-out 3 days ago inside a week's window only.
    const halfHour = await facts.recentSignals(NUMBER, 30 * 60, ["sim-swap"]);
    assert.deepEqual(halfHour, []);
    const week = await facts.recentSignals(NUMBER, 7 * 24 * HOUR, ["sim-swap", "port-out"]);
    assert.deepEqual(
      week.map((s) => s.kind),
      ["sim-swap", "port-out"],
    );
    // The port-out signal expired (2 h life) and still answers: the window is the caller's question.
    assert.ok(Date.parse(week[1]?.expiresAt ?? "") < NOW * 1000);
  });

  it("tells numbers apart, and refuses a malformed number, window or kind", async () => {
    assert.deepEqual(
      (await facts.recentSignals(OTHER, HOUR)).map((s) => s.signalId),
      [ids.other],
    );
    assert.deepEqual(await facts.recentSignals("447700900000", 365 * 24 * HOUR), []);
    await assert.rejects(facts.recentSignals("+447700900123", HOUR), /number must be an E.164 number/);
    await assert.rejects(facts.recentSignals(NUMBER, 0), /withinSeconds must be a positive integer/);
    await assert.rejects(facts.recentSignals(NUMBER, 1.5), /withinSeconds/);
    await assert.rejects(
      facts.recentSignals(NUMBER, HOUR, ["sim-jacking" as "sim-swap"]),
      /unknown fraud signal kind sim-jacking/,
    );
  });

  it("without a consortium key it cannot name the number", async () => {
    const keyless = new ConsortiumKey(new ConsortiumKeyRepository(store));
    const blind = new RecentSignals(keyless, new TracebackReadModel(store), () => NOW * 1000);
    await assert.rejects(blind.recentSignals(NUMBER, HOUR), /consortium key/i);
  });
});
