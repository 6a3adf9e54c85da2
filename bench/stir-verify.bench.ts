// STI-VS verifications per second: the project's ShakenVerifier (x5u fetched once from a local HTTP server, then
// cached; chain to the trusted root, TNAuthList, iat, orig/dest, signature) on one worker per core, beside Debian's
// secsipidx verifying the same tokens through its HTTP service (/v1/check, public key file, `concurrency` clients).
// Args: [seconds=3] [tokens=200] [concurrency=8].
import { type ChildProcess, spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { cpus, tmpdir } from "node:os";
import { join } from "node:path";
import { isMainThread, parentPort, Worker, workerData } from "node:worker_threads";
import { formatIdentityHeader } from "../src/stir/identityHeader.ts";
import { signEs256 } from "../src/stir/jws.ts";
import { TrustStore } from "../src/stir/trustStore.ts";
import { ShakenVerifier } from "../src/stir/verifier.ts";
import { X5uFetcher } from "../src/stir/x5uFetcher.ts";
import { eventually } from "../testkit/eventually.ts";
import { listenOnFreePort, reservePort } from "../testkit/ports.ts";
import { createStiCa, es256Signer } from "../testkit/stiCa.ts";
import { type BenchResult, round } from "./lib/report.ts";

interface Spec {
  identities: string[];
  rootPem: string;
  origin: string;
  seconds: number;
}

async function verifyLoop(spec: Spec): Promise<{ verified: number; failed: number; seconds: number }> {
  const trust = new TrustStore();
  trust.add(spec.rootPem, "config");
  const verifier = new ShakenVerifier({
    fetcher: new X5uFetcher({ allowedOrigins: [spec.origin] }),
    trust,
    freshnessSeconds: () => 3600,
  });
  let verified = 0;
  let failed = 0;
  const started = performance.now();
  while (performance.now() - started < spec.seconds * 1000) {
    const identity = spec.identities[(verified + failed) % spec.identities.length] as string;
    const r = await verifier.verify({ identity, from: "12155551212", to: ["12125551213"] });
    if (r.verstat === "TN-Validation-Passed") verified++;
    else failed++;
  }
  return { verified, failed, seconds: (performance.now() - started) / 1000 };
}

export async function run(args: string[]): Promise<BenchResult> {
  const seconds = Number(args[0] ?? 3);
  const count = Number(args[1] ?? 200);
  const concurrency = Number(args[2] ?? 8);
  const dir = await mkdtemp(join(tmpdir(), "stir-verify-"));
  const { sti, root, leaf } = createStiCa({ commonName: "Bench STI-CA" });
  const server: Server = createServer((_q, response) => response.end(leaf.toString()));
  const origin = `http://127.0.0.1:${await listenOnFreePort(server)}`;
  let secsipidx: ChildProcess | undefined;
  try {
    const iat = Math.floor(Date.now() / 1000);
    const identities = Array.from({ length: count }, () => {
      const token = signEs256(
        { alg: "ES256", ppt: "shaken", typ: "passport", x5u: `${origin}/sti.pem` },
        { attest: "A", dest: { tn: ["12125551213"] }, iat, orig: { tn: "12155551212" }, origid: randomUUID() },
        es256Signer(sti.privateKey),
      );
      return formatIdentityHeader({ token, info: `${origin}/sti.pem`, ppt: "shaken" });
    });
    const workers = cpus().length;
    const spec: Spec = { identities, rootPem: root.toString(), origin, seconds };
    const ours = await Promise.all(
      Array.from(
        { length: workers },
        () =>
          new Promise<{ verified: number; failed: number; seconds: number }>((resolve, reject) => {
            const worker = new Worker(new URL(import.meta.url), { workerData: spec });
            worker.once("message", resolve);
            worker.once("error", reject);
          }),
      ),
    );
    const oursRate = ours.reduce((sum, r) => sum + r.verified / r.seconds, 0);
    const oursFailed = ours.reduce((sum, r) => sum + r.failed, 0);

    await writeFile(join(dir, "pub.pem"), sti.publicKey.export({ type: "spki", format: "pem" }));
    const port = await reservePort();
    secsipidx = spawn("secsipidx", ["-http-srv", `127.0.0.1:${port}`, "-p", join(dir, "pub.pem"), "-expire", "3600"], {
      stdio: "ignore",
    });
    const url = `http://127.0.0.1:${port}/v1/check`;
    await eventually(() => fetch(url, { method: "POST", body: identities[0] }), 10_000);
    let theirs = 0;
    let theirsFailed = 0;
    let next = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (performance.now() - started < seconds * 1000) {
          const body = identities[next++ % identities.length] as string;
          const text = await (await fetch(url, { method: "POST", body })).text();
          if (text.trim() === "OK") theirs++;
          else theirsFailed++;
        }
      }),
    );
    const theirsRate = theirs / ((performance.now() - started) / 1000);
    return {
      name: "stir-verify",
      tables: [
        {
          title: "STI-VS verifications per second on the same SHAKEN PASSporTs",
          rows: [
            {
              verifier: `telco-ledger ShakenVerifier (${workers} worker threads, in process)`,
              "verified/s": round(oursRate),
              failed: oursFailed,
            },
            {
              verifier: `secsipidx 1.x HTTP /v1/check (${concurrency} clients, key file)`,
              "verified/s": round(theirsRate),
              failed: theirsFailed,
            },
          ],
          note:
            "Ours checks more per token (certificate chain to the trusted root, TNAuthList, orig/dest against the call); " +
            "secsipidx checks the signature with a key file and iat. secsipidx figures include HTTP from this process.",
        },
      ],
    };
  } finally {
    secsipidx?.kill();
    server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

if (!isMainThread && parentPort) {
  parentPort.postMessage(await verifyLoop(workerData as Spec));
}
