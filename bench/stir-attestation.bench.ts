// OSP attestation decisions per second (verify the Enterprise PASSporT, ledger checks from the EIDL facts in memory,
// sign the SHAKEN PASSporT) on every core (one worker thread each), beside `openssl speed ecdsap256` measured in the
// same run: the OpenSSL limit for one verify + one sign per call is cores / (1/sign + 1/verify). Every worker first
// prepares (keys, facts, a pool of PASSporTs), then all run in one window [start, end] given by the main thread on
// the shared wall clock; a decision counts only if it is A and finished inside the window, and any decision other
// than A fails the run. Then the HTTP endpoint POST /v1/stir/osp/attestations of a real agent (devnet, the whole EIDL
// chain) under closed-loop load: A decisions per second in the window, p50 and p99; any HTTP error or non-A answer
// fails the run. Args: [seconds=3] [workers=cores] [httpSeconds=5] [concurrency=8]; httpSeconds 0 skips HTTP.
import { execFileSync } from "node:child_process";
import { generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { cpus } from "node:os";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import type { Hex } from "viem";
import type { ChainEvent } from "../src/core/chain/indexer/indexer.ts";
import { formatDid } from "../src/core/identity/didEthr.ts";
import { IndexedEidlFacts } from "../src/eidl/facts.ts";
import { roleId } from "../src/membership/roles.ts";
import { OspAttester } from "../src/stir/attestation.ts";
import { EidlLedgerFacts, tnAuthReference } from "../src/stir/eidlFacts.ts";
import { signEnterprisePassport } from "../src/stir/enterpriseSigner.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const CHAIN_ID = 31337;
const CALLING = "12155551212";
const CALLED = "12125551213";

/** OpenSSL's single-core ECDSA P-256 sign and verify rates. */
export function opensslSpeed(seconds: number): { sign: number; verify: number } {
  const out = execFileSync("openssl", ["speed", "-seconds", String(seconds), "ecdsap256"], {
    encoding: "utf8",
    stdio: ["ignore", "pipe", "ignore"],
  });
  const line = out.split("\n").find((l) => /nistp256\)\s+[\d.]+s\s+[\d.]+s\s+[\d.]+\s+[\d.]+/.test(l));
  const numbers = line?.trim().split(/\s+/).slice(-2).map(Number);
  if (numbers?.length !== 2) throw new Error(`cannot read openssl speed output:\n${out}`);
  return { sign: numbers[0] as number, verify: numbers[1] as number };
}

const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}`;
const event = (source: string, eventName: string, args: Record<string, unknown>, n: number): ChainEvent => ({
  source,
  address: address(0xfff) as Hex,
  eventName,
  args,
  blockNumber: n,
  blockHash: "0x" as Hex,
  logIndex: 0,
  txHash: `0x${n.toString(16)}` as Hex,
  txLogPosition: 0,
  blockTimestamp: n,
});

/** EIDL facts fed by the same events the indexer delivers: NA -> TNSP -> TNR -> Brand -> BPO, vetted by TA/KYC. */
function syntheticFacts(): { facts: EidlLedgerFacts; bpoDid: string; tnauth: string } {
  const eidl = new IndexedEidlFacts(CHAIN_ID);
  const member = address(0xaaa);
  const roles = ["NUMBERING_AUTHORITY", "TRUST_AUTHORITY", "KYC_VETTER", "TNSP", "TNR", "ENTERPRISE", "BPO"];
  let n = 1;
  eidl.apply(event("ConsortiumRegistry", "MemberAdmitted", { member, roles: roles.map(roleId) }, n++));
  const orgs = { na: [1, 7], ta: [2, 6], kyc: [3, 0], tnsp: [4, 4], tnr: [5, 1], brand: [6, 2], bpo: [7, 3] } as const;
  for (const [id, type] of Object.values(orgs)) {
    eidl.apply(
      event("OrganisationRegistry", "OrganisationCreated", { identity: address(id), member, orgType: type }, n++),
    );
  }
  for (const [org, vetter] of [
    [4, 2],
    [3, 2],
    [5, 3],
    [6, 3],
    [7, 3],
  ] as const) {
    eidl.apply(
      event(
        "OrganisationRegistry",
        "VettingRecorded",
        { organisation: address(org), vetter: address(vetter), status: 1, result: 0 },
        n++,
      ),
    );
  }
  const grants = [
    [1, 0, "1215555", 0, 1, 4],
    [2, 1, "12155551", 1, 4, 5],
    [3, 2, CALLING, 2, 5, 6],
    [4, 3, CALLING, 2, 6, 7],
  ] as const;
  for (const [id, parent, prefix, kind, grantor, holder] of grants) {
    eidl.apply(
      event(
        "TnAuthority",
        "GrantRecorded",
        {
          grantId: BigInt(id),
          parentId: BigInt(parent),
          prefix,
          kind,
          grantor: address(grantor),
          holder: address(holder),
          validFrom: 1,
          validUntil: 0,
          credentialHash: `0x${id.toString(16).padStart(64, "0")}`,
        },
        n++,
      ),
    );
  }
  return {
    facts: new EidlLedgerFacts(eidl),
    bpoDid: formatDid(CHAIN_ID, address(7) as Hex),
    tnauth: tnAuthReference(formatDid(CHAIN_ID, address(6) as Hex), `0x${(4).toString(16).padStart(64, "0")}`),
  };
}

const es256 = (key: KeyObject) => (data: string | Uint8Array) =>
  new Uint8Array(sign("sha256", Buffer.from(data), { key, dsaEncoding: "ieee-p1363" }));

/** The window every worker decides in, on the wall clock all threads share (ms since the epoch). */
interface Window {
  startAt: number;
  endAt: number;
}

/** A worker's A decisions that finished inside the window. Throws on the first decision that is not A. */
export async function decide(window: () => Promise<Window>): Promise<{ decisions: number }> {
  const { facts, bpoDid, tnauth } = syntheticFacts();
  const enterprise = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const sti = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const signer = { x5u: "https://osp.example/v1/stir/certificates/sti.pem", sign: es256(sti.privateKey) };
  const attester = new OspAttester({
    facts,
    keysOf: async () => [enterprise.publicKey],
    signer: () => signer,
    freshnessSeconds: () => 60,
  });
  // The enterprise signs its PASSporTs; the OSP's work is what is timed. A pool keeps every decision distinct.
  const pool = Array.from(
    { length: 64 },
    (_, i) =>
      signEnterprisePassport(
        { did: bpoDid, orig: CALLING, dest: [CALLED], tnauth, iat: Math.floor(Date.now() / 1000) + (i % 2) },
        es256(enterprise.privateKey),
      ).identity,
  );
  const { startAt, endAt } = await window();
  if (Date.now() > startAt) throw new Error("a worker was ready only after the common window had started");
  await new Promise((resolve) => setTimeout(resolve, startAt - Date.now()));
  let decisions = 0;
  let n = 0;
  while (Date.now() < endAt) {
    const d = await attester.attest({
      orig: CALLING,
      dest: [CALLED],
      identity: pool[n++ % pool.length],
      directCustomer: true,
    });
    if (d.attest !== "A") throw new Error(`decision ${n} was ${d.attest}, not A: ${JSON.stringify(d)}`);
    if (Date.now() <= endAt) decisions++;
  }
  return { decisions };
}

interface PostLoadSpec {
  url: string;
  headers: Record<string, string>;
  bodies: string[];
  concurrency: number;
  durationMs: number;
}

/** Closed-loop load: A answers finished inside the window, and their latencies. Throws on any other answer. */
async function postLoad(spec: PostLoadSpec) {
  const latenciesMs: number[] = [];
  let next = 0;
  const started = performance.now();
  const deadline = started + spec.durationMs;
  const lane = async () => {
    while (performance.now() < deadline) {
      const body = spec.bodies[next++ % spec.bodies.length] as string;
      const t0 = performance.now();
      const response = await fetch(spec.url, { method: "POST", headers: spec.headers, body });
      const text = await response.text();
      if (!response.ok) throw new Error(`HTTP ${response.status}: ${text}`);
      const answer = JSON.parse(text) as { attest?: string };
      if (answer.attest !== "A") throw new Error(`answer was not A: ${text}`);
      const t1 = performance.now();
      if (t1 <= deadline) latenciesMs.push(t1 - t0);
    }
  };
  await Promise.all(Array.from({ length: spec.concurrency }, lane));
  return { decisions: latenciesMs.length, seconds: spec.durationMs / 1000, latenciesMs };
}

function inWorker<T>(data: unknown): Promise<T> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: data });
    worker.once("message", resolve);
    worker.once("error", reject);
  });
}

async function httpEndpoint(seconds: number, concurrency: number) {
  const { startSignedCallsConsortium } = await import("../testkit/signedCalls.ts");
  const s = await startSignedCallsConsortium();
  try {
    // Enterprise PASSporTs signed just before the run (fresh for 60 s), as the BPO's agent signs them.
    const bodies: string[] = [];
    for (let i = 0; i < 32; i++) {
      const r = await s.agents.bpo.call<{ identity: string }>("POST", "/v1/stir/enterprise/passports", {
        did: s.orgs.bpo.did,
        orig: { tn: CALLING },
        dest: { tn: [CALLED] },
        tnauth: s.delegation.tnauth,
      });
      bodies.push(
        JSON.stringify({
          orig: { tn: CALLING },
          dest: { tn: [CALLED] },
          identity: r.body.identity,
          directCustomer: true,
        }),
      );
    }
    return await inWorker<Awaited<ReturnType<typeof postLoad>>>({
      mode: "http",
      spec: {
        url: `${s.agents.osp.url}/v1/stir/osp/attestations`,
        headers: { authorization: `Bearer ${s.agents.osp.adminKey}`, "content-type": "application/json" },
        bodies,
        concurrency,
        durationMs: Math.min(seconds, 50) * 1000,
      } satisfies PostLoadSpec,
    });
  } finally {
    await s.stop();
  }
}

export async function run(args: string[]): Promise<BenchResult> {
  const seconds = Number(args[0] ?? 3);
  const workers = Number(args[1] ?? cpus().length);
  const httpSeconds = Number(args[2] ?? 5);
  const concurrency = Number(args[3] ?? 8);
  const openssl = opensslSpeed(seconds);
  const perCore = 1 / (1 / openssl.sign + 1 / openssl.verify);
  const limit = perCore * cpus().length;
  const decided = await decideTogether(workers, seconds);
  const decisions = decided / seconds;
  const tables: BenchResult["tables"] = [
    {
      title: "OpenSSL ECDSA P-256 (openssl speed, one core)",
      rows: [
        {
          "sign/s": round(openssl.sign),
          "verify/s": round(openssl.verify),
          "verify+sign per core/s": round(perCore),
          [`limit on ${cpus().length} cores/s`]: round(limit),
        },
      ],
    },
    {
      title: "OSP attestation decisions (verify Enterprise PASSporT + EIDL ledger checks + sign SHAKEN)",
      rows: [
        {
          workers,
          "window s": seconds,
          "A decisions": decided,
          "A decisions/s": round(decisions),
          "% of OpenSSL limit": round((100 * decisions) / limit),
        },
      ],
      note:
        "One window for all workers; only A decisions finished inside it count, and any other decision fails the " +
        "run. Target: >= 60% of the OpenSSL limit for one verify + one sign per call on all cores.",
    },
  ];
  if (httpSeconds > 0) {
    const load = await httpEndpoint(httpSeconds, concurrency);
    const stats = summarize(load.latenciesMs);
    tables.push({
      title: "POST /v1/stir/osp/attestations on a real agent (devnet, EIDL chain), closed-loop load",
      rows: [
        {
          concurrency,
          "window s": load.seconds,
          "A decisions": load.decisions,
          "A decisions/s": round(load.decisions / load.seconds),
          "p50 ms": round(stats.p50, 2),
          "p99 ms": round(stats.p99, 2),
        },
      ],
      note:
        "Only A answers finished inside the window count; any HTTP error or other answer fails the run. The agent " +
        "(one Node process, all its member agents in-process) and the load generator share the machine.",
    });
  }
  return { name: "stir-attestation", tables };
}

/** Workers that prepare, report ready, then decide in one window the main thread sets once all are ready. */
async function decideTogether(workers: number, seconds: number): Promise<number> {
  const threads = Array.from(
    { length: workers },
    () => new Worker(new URL(import.meta.url), { workerData: { mode: "decide" } }),
  );
  const ready = threads.map(
    (w) =>
      new Promise<void>((resolve, reject) => {
        w.once("message", () => resolve());
        w.once("error", reject);
      }),
  );
  await Promise.all(ready);
  const startAt = Date.now() + 100;
  const window: Window = { startAt, endAt: startAt + seconds * 1000 };
  const done = threads.map(
    (w) =>
      new Promise<{ decisions: number }>((resolve, reject) => {
        w.once("message", resolve);
        w.once("error", reject);
      }),
  );
  for (const w of threads) w.postMessage(window);
  const results = await Promise.all(done);
  return results.reduce((sum, r) => sum + r.decisions, 0);
}

if (!isMainThread && parentPort) {
  const port = parentPort;
  const data = workerData as { mode: "decide" } | { mode: "http"; spec: PostLoadSpec };
  if (data.mode === "decide") {
    const window = () =>
      new Promise<Window>((resolve) => {
        port.once("message", resolve);
        port.postMessage("ready");
      });
    port.postMessage(await decide(window));
  } else port.postMessage(await postLoad(data.spec));
}
