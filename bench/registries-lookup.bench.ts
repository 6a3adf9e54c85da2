// "Is this IMEI blocked?" from the read model's in-memory index, on one core. `devices` keyed hashes are projected
// into a SQLite read model through the real projection (DevicesReported events of 20,000 devices, as the chain
// carries them), the index is loaded from it exactly as at agent start (BlockedDevices), then lookups run: by keyed
// hash (what the index does) and by IMEI (HMAC-SHA256 under the consortium key, then the index), each timed per
// lookup for the percentiles and again in an untimed loop for the rate. Half the sample is blocked, half not; the
// blocked count found must equal the expected one, so a wrong answer fails the run instead of counting as fast.
// Args: [devices=1000000] [lookups=1000000].
import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Hex } from "viem";
import type { ChainEvent, Indexer } from "../src/core/chain/indexer/indexer.ts";
import { openStore } from "../src/core/store/index.ts";
import { BlockedDevices } from "../src/registries/blockedDevices.ts";
import { keyedDeviceHash, luhnCheckDigit } from "../src/registries/imei.ts";
import { registriesMigrations } from "../src/registries/migrations.ts";
import { DEVICE_REGISTRY, packDevices, registriesProjection } from "../src/registries/projection.ts";
import { DeviceReadModel } from "../src/registries/readModel.ts";
import { DEVICES_PER_TX } from "../src/registries/service.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const SAMPLE = 100_000;
const imeiOf = (n: number) => {
  const digits = `35${String(n).padStart(12, "0")}`;
  return `${digits}${luhnCheckDigit(digits)}`;
};

function reportEvent(block: number, devices: Hex[]): ChainEvent {
  return {
    source: DEVICE_REGISTRY,
    address: "0x0000000000000000000000000000000000000001",
    eventName: "DevicesReported",
    args: {
      reportId: `0x${randomBytes(32).toString("hex")}`,
      reporter: "0x00000000000000000000000000000000000000a0",
      status: 1,
      reason: 1,
      count: devices.length,
      digest: `0x${"00".repeat(32)}`,
      devices: packDevices(devices),
    },
    blockNumber: block,
    blockHash: `0x${"00".repeat(32)}`,
    blockTimestamp: 1_800_000_000 + block,
    logIndex: 0,
    txHash: `0x${randomBytes(32).toString("hex")}`,
    txLogPosition: 0,
  };
}

/** The only part of the indexer BlockedDevices needs at load: listeners that never fire here. */
const quietIndexer = { onEvent: () => () => {}, onRewind: () => () => {} } as unknown as Indexer;

function timed(lookups: number, sample: readonly string[], has: (x: string) => boolean) {
  let blocked = 0;
  for (let i = 0; i < Math.min(50_000, lookups); i++) if (has(sample[i % sample.length] as string)) blocked++; // warm-up
  blocked = 0;
  const latencies = new Array<number>(lookups);
  const started = performance.now();
  for (let i = 0; i < lookups; i++) {
    const s = performance.now();
    if (has(sample[i % sample.length] as string)) blocked++;
    latencies[i] = (performance.now() - s) * 1000;
  }
  const timedSeconds = (performance.now() - started) / 1000;
  let untimedBlocked = 0;
  const untimedStarted = performance.now();
  for (let i = 0; i < lookups; i++) if (has(sample[i % sample.length] as string)) untimedBlocked++;
  const untimedSeconds = (performance.now() - untimedStarted) / 1000;
  return { blocked, untimedBlocked, timedSeconds, untimedSeconds, lat: summarize(latencies) };
}

export async function run(args: string[]): Promise<BenchResult> {
  const devices = Number(args[0] ?? 1_000_000);
  const lookups = Number(args[1] ?? 1_000_000);
  const key = randomBytes(32);
  const dir = await mkdtemp(join(tmpdir(), "registries-lookup-"));
  const store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: registriesMigrations });
  try {
    // Device n is IMEI imeiOf(n); every even n is reported, so the odd ones are the "not blocked" half.
    const t0 = performance.now();
    let block = 1;
    let pending: Hex[] = [];
    const flush = async () => {
      const event = reportEvent(block++, pending);
      await store.transaction((tx) => registriesProjection.handle(event, tx));
      pending = [];
    };
    for (let n = 0; n < devices; n++) {
      pending.push(keyedDeviceHash(key, imeiOf(2 * n).slice(0, 14)));
      if (pending.length === DEVICES_PER_TX) await flush();
    }
    if (pending.length) await flush();
    const written = performance.now();
    const blockedDevices = new BlockedDevices(new DeviceReadModel(store), (error) => {
      throw error;
    });
    await blockedDevices.follow(quietIndexer);
    const built = performance.now();
    const index = blockedDevices.index;
    if (index.size !== devices) throw new Error(`index holds ${index.size} devices, expected ${devices}`);

    const sampleImeis = Array.from({ length: SAMPLE }, (_, i) => imeiOf((i * 7919) % (2 * devices)));
    const expectedBlocked = (count: number) => {
      let n = 0;
      for (let i = 0; i < count; i++) {
        const imei = sampleImeis[i % SAMPLE] as string;
        if (Number(imei.slice(2, 14)) % 2 === 0) n++;
      }
      return n;
    };
    const sampleHashes = sampleImeis.map((imei) => keyedDeviceHash(key, imei.slice(0, 14)));
    const byHash = timed(lookups, sampleHashes, (h) => index.has(h));
    const byImei = timed(lookups, sampleImeis, (imei) => index.has(keyedDeviceHash(key, imei.slice(0, 14))));
    const expected = expectedBlocked(lookups);
    for (const [what, r] of [
      ["by hash", byHash],
      ["by IMEI", byImei],
    ] as const) {
      if (r.blocked !== expected || r.untimedBlocked !== expected) {
        throw new Error(`${what}: blocked found timed ${r.blocked}, untimed ${r.untimedBlocked}, expected ${expected}`);
      }
    }
    const row = (what: string, r: typeof byHash) => ({
      lookup: what,
      devices,
      "read model write s": round((written - t0) / 1000, 2),
      "index load s": round((built - written) / 1000, 2),
      lookups,
      "lookups/s (timed each)": round(lookups / r.timedSeconds, 0),
      "lookups/s (untimed loop)": round(lookups / r.untimedSeconds, 0),
      "p50 µs": round(r.lat.p50, 2),
      "p99 µs": round(r.lat.p99, 2),
      "blocked found (= expected)": r.blocked,
    });
    return {
      name: "registries-lookup",
      tables: [
        {
          title: "Is this device blocked: the read model's in-memory index (one core)",
          rows: [row("keyed hash", byHash), row("IMEI (HMAC + index)", byImei)],
          note: "Target (issue 22): at least 100,000 lookups per second per core, p99 under 1 ms. Half the sample is blocked. A hit in the API is then confirmed in the read model (one indexed SQL query), not timed here.",
        },
      ],
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
