// Certificate issuances per second into the PKI transparency log with batched anchoring, on a real devnet: each
// issuance is a real X.509 certificate signed by the issuing CA (ECDSA P-256) and appended to the RFC 9162 log; every
// `batch` issuances the log operator anchors the checkpoint on the CertificateLog and two witnesses, each holding its
// own copy of the log, recompute the root and co-sign it (three mined transactions per batch). Then proof sizes and
// verification times at the final size. Not included: the per-certificate `recordIssuance` on the CertificateLedger
// (one transaction per certificate, see the gas table), which is what bounds issuance on the ledger itself.
// Args: [certificates=10000] [batch=1000].
import { webcrypto } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Account, createPublicClient, createWalletClient, type Hex, http, keccak256, stringToHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { consortiumChain } from "../src/core/chain/client.ts";
import { startDevnet } from "../src/core/chain/devnet/devnet.ts";
import { silentLogger } from "../src/core/chain/logger.ts";
import { CertificateLog, ConsortiumRegistry } from "../src/generated/contracts.ts";
import { MerkleLog, verifyConsistency, verifyInclusion } from "../src/pki/log/merkle.ts";
import { createIssuingCa, type Es256Signer, issueLeaf } from "../src/pki/x509.ts";
import { reservePort } from "../testkit/ports.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const role = (name: string) => keccak256(stringToHex(name));
/** The devnet charges no gas (src/core/chain/outbox/fees.ts): viem's default tip would exceed its zero fee cap. */
const FREE = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n } as const;

async function softwareSigner(): Promise<Es256Signer> {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
  const algorithm = { name: "ECDSA", hash: "SHA-256" };
  return { spki, sign: async (d) => new Uint8Array(await webcrypto.subtle.sign(algorithm, pair.privateKey, d)) };
}

export async function run(args: string[]): Promise<BenchResult> {
  const total = Number(args[0] ?? 10_000);
  const batch = Number(args[1] ?? 1_000);
  const dir = await mkdtemp(join(tmpdir(), "pki-log-bench-"));
  const devnet = await startDevnet({ dataDir: dir, port: await reservePort(), logger: silentLogger });
  try {
    const chain = consortiumChain(devnet.chainId, devnet.rpcUrl);
    const reader = createPublicClient({ chain, transport: http(devnet.rpcUrl) });
    const account = (i: number): Account => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: i });
    const wallet = (a: Account) => createWalletClient({ account: a, chain, transport: http(devnet.rpcUrl) });
    const [operator, kyc, tnsp] = [account(0), account(1), account(2)];
    const mined = async (hash: Hex) => {
      const receipt = await reader.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return receipt;
    };
    const registry = (
      await mined(
        await wallet(operator).deployContract({
          ...FREE,
          abi: ConsortiumRegistry.abi,
          bytecode: ConsortiumRegistry.bytecode,
          args: [
            [operator.address, kyc.address, tnsp.address],
            ["Trust Authority", "KYC Vetter", "Alpha Telecom"],
            [[role("TRUST_AUTHORITY")], [role("KYC_VETTER")], [role("TNSP")]],
          ],
        }),
      )
    ).contractAddress as Hex;
    const log = (
      await mined(
        await wallet(operator).deployContract({
          ...FREE,
          abi: CertificateLog.abi,
          bytecode: CertificateLog.bytecode,
          args: [registry, role("TRUST_AUTHORITY"), [role("KYC_VETTER"), role("TNSP")], 2],
        }),
      )
    ).contractAddress as Hex;

    const ca = await softwareSigner();
    const caCert = await createIssuingCa(ca, "Bench Issuing CA");
    const subjectKey = (await softwareSigner()).spki;
    const operatorLog = new MerkleLog();
    const witnessLogs = [new MerkleLog(), new MerkleLog()];
    const anchorMs: number[] = [];
    // Phase 1: the issuer signs the certificates (its CPU, parallel across cores or issuing agents).
    const signStarted = performance.now();
    const certificates: Uint8Array[] = [];
    for (let i = 0; i < total; i++) {
      const id = `0x${i.toString(16).padStart(64, "0")}` as Hex;
      const leaf = await issueLeaf(ca, caCert, {
        applicationId: id,
        dnsName: `host${i}.example`,
        publicKey: subjectKey,
      });
      certificates.push(new Uint8Array(leaf.rawData));
    }
    const signSeconds = (performance.now() - signStarted) / 1000;
    const certificateBytes = certificates.reduce((n, c) => n + c.length, 0);
    // Phase 2: the certificates go into the log (operator and two witness copies) with a checkpoint mined and
    // co-signed every `batch` entries: the log's own rate.
    let appendMs = 0;
    const started = performance.now();
    for (const [i, der] of certificates.entries()) {
      const t1 = performance.now();
      operatorLog.append(der);
      for (const w of witnessLogs) w.append(der);
      appendMs += performance.now() - t1;
      if (operatorLog.size % batch === 0 || i === total - 1) {
        const a0 = performance.now();
        const size = BigInt(operatorLog.size);
        const root = `0x${Buffer.from(operatorLog.root()).toString("hex")}` as Hex;
        await mined(
          await wallet(operator).writeContract({
            ...FREE,
            address: log,
            abi: CertificateLog.abi,
            functionName: "anchorCheckpoint",
            args: [size, root],
          }),
        );
        // Each witness recomputes the root from its own copy before co-signing.
        await Promise.all(
          [kyc, tnsp].map(async (w, k) => {
            const own = `0x${Buffer.from((witnessLogs[k] as MerkleLog).root()).toString("hex")}`;
            if (own !== root) throw new Error("witness root differs");
            await mined(
              await wallet(w).writeContract({
                ...FREE,
                address: log,
                abi: CertificateLog.abi,
                functionName: "cosignCheckpoint",
                args: [size, root],
              }),
            );
          }),
        );
        anchorMs.push(performance.now() - a0);
      }
    }
    const seconds = (performance.now() - started) / 1000;
    const size = operatorLog.size;
    const checkpoint = (await reader.readContract({
      address: log,
      abi: CertificateLog.abi,
      functionName: "checkpoint",
      args: [BigInt(size)],
    })) as { cosignatures: number };

    // Proofs at the final size: every 97th leaf's inclusion, and consistency from each earlier checkpoint.
    const root = operatorLog.root();
    const inclusion: number[] = [];
    let inclusionHashes = 0;
    let samples = 0;
    for (let m = 0; m < size; m += 97) {
      const proof = operatorLog.inclusionProof(m);
      const v0 = performance.now();
      if (!verifyInclusion(operatorLog.leafHashAt(m), m, size, proof, root)) throw new Error(`inclusion ${m} failed`);
      inclusion.push((performance.now() - v0) * 1000);
      inclusionHashes = Math.max(inclusionHashes, proof.length);
      samples++;
    }
    const consistency: number[] = [];
    let consistencyHashes = 0;
    for (let first = batch; first < size; first += batch) {
      const proof = operatorLog.consistencyProof(first);
      const v0 = performance.now();
      if (!verifyConsistency(first, size, proof, operatorLog.root(first), root))
        throw new Error(`consistency ${first}`);
      consistency.push((performance.now() - v0) * 1000);
      consistencyHashes = Math.max(consistencyHashes, proof.length);
    }
    const inc = summarize(inclusion);
    const con = summarize(consistency);
    const anchors = summarize(anchorMs);
    return {
      name: "pki-log",
      tables: [
        {
          title: `Issuances into the transparency log (${total} certificates, anchored every ${batch})`,
          rows: [
            {
              certificates: total,
              batch,
              seconds: round(seconds, 2),
              "issuances/s into the log": round(total / seconds, 0),
              "X.509 signing/s (1 thread)": round(total / signSeconds, 0),
              "append ms/cert (3 copies)": round(appendMs / total, 4),
              checkpoints: anchorMs.length,
              "anchor+2 cosign ms p50": round(anchors.p50, 1),
              "anchor+2 cosign ms p99": round(anchors.p99, 1),
              "final cosignatures": Number(checkpoint.cosignatures),
              "mean cert bytes": round(certificateBytes / total, 0),
            },
          ],
          note:
            "Into the log: each certificate (real X.509, ECDSA P-256, signed beforehand: its rate is the signing " +
            "column, one thread) appended to the operator's log and two witnesses' copies, a checkpoint mined on a " +
            "devnet every batch (anchor, then both co-signatures in parallel). seconds is the log phase only.",
        },
        {
          title: `Proof sizes and verification at tree size ${size}`,
          rows: [
            {
              proof: "inclusion",
              samples,
              "max hashes": inclusionHashes,
              "max bytes": inclusionHashes * 32,
              "verify µs p50": round(inc.p50, 1),
              "verify µs p99": round(inc.p99, 1),
            },
            {
              proof: "consistency",
              samples: con.n,
              "max hashes": consistencyHashes,
              "max bytes": consistencyHashes * 32,
              "verify µs p50": round(con.p50, 1),
              "verify µs p99": round(con.p99, 1),
            },
          ],
        },
      ],
    };
  } finally {
    await devnet.stop();
    await rm(dir, { recursive: true, force: true });
  }
}
