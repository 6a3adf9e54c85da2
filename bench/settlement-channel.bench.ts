// Co-signed payment channel updates per second between two operators' agents, each its own process (as deployed):
// north's agent makes each new balance state and has south's agent co-sign it over HTTP (south checks north's
// signature, the version and the balances, signs, stores; north checks south's signature and stores). Several
// channels run at once, each with `inFlight` payments outstanding: north's agent pipelines the payments of one channel
// (those asked for while an exchange is under way go together in the next one, each its own co-signed state, signed
// once per exchange by each side: a batch signature over the exchange's Merkle root, batchSignature.ts). Also the
// ECDSA floor per-state signing would put on one core: two signatures and two recoveries per update with viem
// (@noble/curves, pure JS), and with the agents' primitives: the EIP-712 digest with a cached domain separator
// (digest.ts) and libsecp256k1 (the `secp256k1` package's native addon), no HTTP or database. The issue's target is
// 5,000 co-signed updates/s. With perCall > 1 each client call is a POST /payments of perCall amounts, not a POST /pay.
//   npm run bench -- settlement-channel [channels=8] [updatesPerChannel=100] [inFlight=32] [perCall=1]
import { cpus, loadavg } from "node:os";
import { type Hex, hashTypedData, recoverAddress } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  recoverDigestSigner,
  secp256k1,
  secp256k1Backend,
  signDigestRecoverable,
} from "../src/core/identity/secp256k1Native.ts";
import { ChannelDigester } from "../src/settlement/channels/digest.ts";
import { type ChannelState, NO_BATCH, typedState } from "../src/settlement/channels/state.ts";
import { startTestConsortium } from "../testkit/consortium.ts";
import { type BenchResult, percentile, round } from "./lib/report.ts";

type Answer = Record<string, unknown>;

/** Milliseconds per call of `f`, after a warm-up. */
async function msPer(iterations: number, f: () => unknown): Promise<number> {
  for (let i = 0; i < 20; i++) await f();
  const started = performance.now();
  for (let i = 0; i < iterations; i++) await f();
  return (performance.now() - started) / iterations;
}

async function cryptoParts() {
  const a = privateKeyToAccount(generatePrivateKey());
  const typed = typedState(31337, "0x00000000000000000000000000000000000000c4", {
    channelId: `0x${"ab".repeat(32)}`,
    version: 1n,
    balanceA: 5n,
    balanceB: 6n,
    depositA: 11n,
    depositB: 0n,
    isFinal: false,
    batchId: NO_BATCH,
  });
  const hash = hashTypedData(typed);
  const signature = await a.sign({ hash });
  return {
    "hashTypedData ms": round(await msPer(200, () => hashTypedData(typed)), 3),
    "sign ms": round(await msPer(200, () => a.sign({ hash })), 3),
    "recoverAddress ms": round(await msPer(200, () => recoverAddress({ hash, signature })), 3),
  };
}

/** The i-th state of the floor loops: north pays one unit more each version. */
const stateAt = (i: number): ChannelState => ({
  channelId: `0x${"ab".repeat(32)}`,
  version: BigInt(i + 1),
  balanceA: 1_000_000n - BigInt(i),
  balanceB: BigInt(i),
  depositA: 1_000_000n,
  depositB: 0n,
  isFinal: false,
  batchId: NO_BATCH,
});

async function cryptoFloor(iterations: number) {
  const a = privateKeyToAccount(generatePrivateKey());
  const b = privateKeyToAccount(generatePrivateKey());
  const contract = "0x00000000000000000000000000000000000000c4" as const;
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const state = stateAt(i);
    const typed = typedState(31337, contract, state);
    const hash = hashTypedData(typed);
    const sigA = await a.signTypedData(typed);
    if ((await recoverAddress({ hash, signature: sigA })) !== a.address) throw new Error("recover A");
    const sigB = await b.signTypedData(typed);
    if ((await recoverAddress({ hash, signature: sigB })) !== b.address) throw new Error("recover B");
  }
  return iterations / ((performance.now() - started) / 1000);
}

/** The agents' path: direct digest, libsecp256k1 sign and recover (what ChannelService does per update). */
async function secpParts(iterations: number) {
  const lib = await secp256k1();
  const keyA = Buffer.from(generatePrivateKey().slice(2), "hex");
  const keyB = Buffer.from(generatePrivateKey().slice(2), "hex");
  const digester = new ChannelDigester(31337, "0x00000000000000000000000000000000000000c4");
  const time = (n: number, f: (i: number) => unknown) => {
    for (let i = 0; i < 50; i++) f(i);
    const started = performance.now();
    for (let i = 0; i < n; i++) f(i);
    return (performance.now() - started) / n;
  };
  const bytes = (hex: string) => Buffer.from(hex.slice(2), "hex");
  const digest = digester.digest(stateAt(0));
  const signed = bytes(signDigestRecoverable(lib, digest, keyA));
  const started = performance.now();
  for (let i = 0; i < iterations; i++) {
    const d = digester.digest(stateAt(i));
    const ra = recoverDigestSigner(lib, d, bytes(signDigestRecoverable(lib, d, keyA)));
    const rb = recoverDigestSigner(lib, d, bytes(signDigestRecoverable(lib, d, keyB)));
    if (!ra || !rb) throw new Error("recover");
  }
  const perSecond = iterations / ((performance.now() - started) / 1000);
  return {
    backend: secp256k1Backend(),
    "updates/s": Math.round(perSecond),
    "ms per update": round(1000 / perSecond, 3),
    "digest ms": round(
      time(2000, (i) => digester.digest(stateAt(i))),
      4,
    ),
    "sign ms": round(
      time(2000, () => signDigestRecoverable(lib, digest, keyA)),
      4,
    ),
    "recover ms": round(
      time(2000, () => recoverDigestSigner(lib, digest, signed)),
      4,
    ),
  };
}

export async function run(args: string[]): Promise<BenchResult> {
  const channels = Number(args[0] ?? 8);
  const perChannel = Number(args[1] ?? 100);
  const inFlight = Number(args[2] ?? 32);
  const perCall = Math.max(1, Math.min(256, Number(args[3] ?? 1)));
  const loadBefore = loadavg();
  const floor = await cryptoFloor(300);
  const parts = await cryptoParts();
  const secp = await secpParts(3000);
  const c = await startTestConsortium(
    [
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "south", roles: ["MOBILE_OPERATOR"] },
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
    ],
    { agentProcesses: true },
  );
  try {
    const agents = c.agents as Record<"north" | "south" | "bank", (typeof c.agents)[string]>;
    const ok = async (name: "north" | "south" | "bank", method: string, path: string, body?: unknown) => {
      const answer = await agents[name].call<Answer>(method, path, body);
      if (answer.status >= 300) throw new Error(`${method} ${path}: ${answer.status} ${JSON.stringify(answer.body)}`);
      return answer.body;
    };
    const accountOf = async (name: "north" | "south") => (await ok(name, "GET", "/v1/agent")).memberAccount as Hex;
    const south = await accountOf("south");
    const north = await accountOf("north");
    await ok("bank", "POST", "/v1/settlement/mint", {
      to: north,
      amount: String(channels * 1_000_000),
      bankRef: "bench",
    });
    const ids: Hex[] = [];
    for (let i = 0; i < channels; i++) {
      const key = (await ok("south", "POST", "/v1/api-keys", { userName: `peer north ${i}`, role: "operator" }))
        .key as string;
      const opened = await ok("north", "POST", "/v1/settlement/channels", {
        counterparty: south,
        challengePeriodSeconds: 3600,
        deposit: "1000000",
        peer: { url: agents.south.url, apiKey: key },
      });
      ids.push(opened.channelId as Hex);
    }
    // warm-up: both agents' code paths compiled, connections open
    await Promise.all(ids.map((id) => ok("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "1" })));
    const latencies: number[] = [];
    const started = performance.now();
    await Promise.all(
      ids.map(async (id) => {
        let next = 0;
        const lane = async () => {
          while (next < perChannel) {
            const n = Math.min(perCall, perChannel - next);
            next += n;
            const t = performance.now();
            if (perCall === 1) await ok("north", "POST", `/v1/settlement/channels/${id}/pay`, { amount: "1" });
            else {
              const answer = await ok("north", "POST", `/v1/settlement/channels/${id}/payments`, {
                amounts: Array.from({ length: n }, () => "1"),
              });
              if ((answer.errors as unknown[]).length > 0) throw new Error(JSON.stringify(answer.errors));
            }
            const ms = performance.now() - t;
            for (let k = 0; k < n; k++) latencies.push(ms);
          }
        };
        await Promise.all(Array.from({ length: Math.min(inFlight, perChannel) }, lane));
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const loadDuring = loadavg();
    const total = channels * perChannel;
    for (const id of ids) {
      const atNorth = await ok("north", "GET", `/v1/settlement/channels/${id}/state`);
      const atSouth = await ok("south", "GET", `/v1/settlement/channels/${id}/state`);
      if (JSON.stringify(atNorth) !== JSON.stringify(atSouth)) throw new Error(`channel ${id}: the agents disagree`);
      if ((atNorth.state as Answer).version !== perChannel + 1) throw new Error(`channel ${id}: wrong version`);
    }
    latencies.sort((x, y) => x - y);
    return {
      name: "settlement-channel",
      tables: [
        {
          title: "Co-signed channel updates between two agent processes",
          rows: [
            {
              channels,
              "in flight per channel": inFlight,
              "payments per call": perCall,
              updates: total,
              seconds: round(seconds, 2),
              "updates/s": Math.round(total / seconds),
              "p50 ms": round(percentile(latencies, 50), 1),
              "p99 ms": round(percentile(latencies, 99), 1),
              "target/s": 5000,
            },
          ],
          note: `Every update: ${perCall === 1 ? "a POST /pay" : `one of ${perCall} amounts of a POST /payments`} to north's agent; north signs, south checks north's signature, signs and stores, north checks south's signature and stores (payments of one channel asked for during an exchange share the next one; each side signs an exchange once, a batch signature, and stores by group commit). Both agents end with the same doubly signed newest state per channel. Load average (1, 5, 15 min) before: ${loadBefore
            .map((l) => l.toFixed(1))
            .join(
              ", ",
            )}; after the updates: ${loadDuring.map((l) => l.toFixed(1)).join(", ")}; ${cpus().length} cores.`,
        },
        {
          title:
            "ECDSA floor of one update on one core, the agents' path: direct EIP-712 digest + libsecp256k1 (native addon)",
          rows: [secp],
          note: "What signing each state on its own would cost per update: one digest, two signatures and two recoveries. The agents sign and recover once per exchange instead (batch signatures), plus one digest and a Merkle path per state.",
        },
        {
          title: "ECDSA floor of one update on one core before (viem / @noble/curves, no HTTP, no database)",
          rows: [{ "updates/s": Math.round(floor), "ms per update": round(1000 / floor, 2), ...parts }],
          note: `Two typed-data signatures and two recoveries per co-signed update. Load average during the run: ${loadavg()
            .map((l) => l.toFixed(1))
            .join(", ")} on ${cpus().length} cores.`,
        },
      ],
    };
  } finally {
    await c.stop();
  }
}
