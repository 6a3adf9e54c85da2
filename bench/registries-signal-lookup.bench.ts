// "Is this number flagged?" from the fraud-signal read model, on one core, as `GET /v1/registries/signals/number/{n}`
// answers it (SignalService.check without HTTP): the number's keyed hash under the consortium key (ConsortiumKey),
// then the indexed query for its live signals (TracebackReadModel.liveSignalsOf). `signals` SignalReported events are
// projected into a SQLite read model through the real projection first; every even-numbered number is reported, so
// half the lookups are flagged, and the flagged count found must equal the expected one. A tenth of the signals are
// already expired and must not count. Args: [signals=100000] [lookups=100000].
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ChainEvent } from "../src/core/chain/indexer/indexer.ts";
import { openStore } from "../src/core/store/index.ts";
import { ConsortiumKey } from "../src/registries/keys.ts";
import { registriesMigrations } from "../src/registries/migrations.ts";
import { ConsortiumKeyRepository } from "../src/registries/repository.ts";
import { FRAUD_SIGNALS, tracebackProjection } from "../src/registries/traceback/projection.ts";
import { TracebackReadModel } from "../src/registries/traceback/readModel.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const NOW = Math.floor(Date.now() / 1000);
const SIGNALS_PER_BLOCK = 1000;
const numberOf = (n: number) => String(12_000_000_000 + n);
const expiredOf = (n: number) => n % 20 === 0; // a tenth of the reported (even) numbers

function signalEvent(block: number, position: number, subject: string, expired: boolean): ChainEvent {
  return {
    source: FRAUD_SIGNALS,
    address: "0x0000000000000000000000000000000000000002",
    eventName: "SignalReported",
    args: {
      signalId: `0x${randomBytes(32).toString("hex")}`,
      reporter: "0x00000000000000000000000000000000000000a0",
      subject,
      kind: position % 5,
      confidence: 80,
      evidence: `0x${"11".repeat(32)}`,
      expiresAt: expired ? NOW - 60 : NOW + 30 * 24 * 3600,
      holder: "0x0000000000000000000000000000000000000000",
    },
    blockNumber: block,
    blockHash: `0x${"00".repeat(32)}`,
    blockTimestamp: NOW - 3600,
    logIndex: position,
    txHash: `0x${randomBytes(32).toString("hex")}`,
    txLogPosition: position,
  };
}

export async function run(args: string[]): Promise<BenchResult> {
  const signals = Number(args[0] ?? 100_000);
  const lookups = Number(args[1] ?? 100_000);
  const dir = await mkdtemp(join(tmpdir(), "registries-signal-lookup-"));
  const store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: registriesMigrations });
  try {
    const key = new ConsortiumKey(new ConsortiumKeyRepository(store));
    await key.set(`0x${randomBytes(32).toString("hex")}`);
    const readModel = new TracebackReadModel(store);
    const t0 = performance.now();
    for (let from = 0; from < signals; from += SIGNALS_PER_BLOCK) {
      const events: ChainEvent[] = [];
      for (let i = from; i < Math.min(signals, from + SIGNALS_PER_BLOCK); i++) {
        events.push(
          signalEvent(1 + from / SIGNALS_PER_BLOCK, i - from, key.hashNumber(numberOf(2 * i)), expiredOf(2 * i)),
        );
      }
      await store.transaction(async (tx) => {
        for (const event of events) await tracebackProjection.handle(event, tx);
      });
    }
    const written = performance.now();

    // Number k is flagged when k is even (reported) and its signal has not expired.
    const sample = Array.from({ length: lookups }, (_, i) => (i * 7919) % (2 * signals));
    const expected = sample.filter((k) => k % 2 === 0 && !expiredOf(k)).length;
    const check = async (k: number) =>
      (await readModel.liveSignalsOf(key.hashNumber(numberOf(k)), Math.floor(Date.now() / 1000), 20)).length > 0;
    for (let i = 0; i < Math.min(5_000, lookups); i++) await check(sample[i] as number); // warm-up
    let flagged = 0;
    const latencies = new Array<number>(lookups);
    const started = performance.now();
    for (let i = 0; i < lookups; i++) {
      const s = performance.now();
      if (await check(sample[i] as number)) flagged++;
      latencies[i] = (performance.now() - s) * 1000;
    }
    const seconds = (performance.now() - started) / 1000;
    if (flagged !== expected) throw new Error(`flagged found ${flagged}, expected ${expected}`);
    const lat = summarize(latencies);
    return {
      name: "registries-signal-lookup",
      tables: [
        {
          title: "Is this number flagged: keyed hash + the fraud-signal read model (SQLite, one core)",
          rows: [
            {
              signals,
              "read model write s": round((written - t0) / 1000, 2),
              lookups,
              "lookups/s": round(lookups / seconds, 0),
              "p50 µs": round(lat.p50, 1),
              "p99 µs": round(lat.p99, 1),
              "flagged found (= expected)": flagged,
            },
          ],
          note: "Half the numbers looked up are reported; a tenth of those signals are expired and must not count. No HTTP: the API adds Fastify's routing and serialisation.",
        },
      ],
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
