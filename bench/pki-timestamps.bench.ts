// Proof of existence: file digests per anchoring transaction on a real devnet. For each batch size the digests are
// built into an RFC 9162 Merkle tree, its root anchored by one `anchorRoot` transaction (mined), and every file's
// inclusion proof made; then proof sizes and verify times, the gas per file, and the rate of RFC 3161 tokens signed
// (ECDSA P-256, one thread) for stamps already anchored. Args: [largest batch=10000] [rounds per size=3].
import { createHash, webcrypto } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type Account,
  bytesToHex,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  stringToHex,
} from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { consortiumChain } from "../src/core/chain/client.ts";
import { startDevnet } from "../src/core/chain/devnet/devnet.ts";
import { silentLogger } from "../src/core/chain/logger.ts";
import { ConsortiumRegistry, TimestampLedger } from "../src/generated/contracts.ts";
import { leafHash, MerkleLog, verifyInclusion } from "../src/pki/log/merkle.ts";
import { grantedResponse } from "../src/pki/tsa/rfc3161.ts";
import { createIssuingCa, type Es256Signer, issueTsaCertificate } from "../src/pki/x509.ts";
import { reservePort } from "../testkit/ports.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const role = (name: string) => keccak256(stringToHex(name));
/** The devnet charges no gas (src/core/chain/outbox/fees.ts): viem's default tip would exceed its zero fee cap. */
const FREE = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n } as const;
const TOKENS = 300;

async function softwareSigner(): Promise<Es256Signer> {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
  const algorithm = { name: "ECDSA", hash: "SHA-256" };
  return { spki, sign: async (d) => new Uint8Array(await webcrypto.subtle.sign(algorithm, pair.privateKey, d)) };
}

export async function run(args: string[]): Promise<BenchResult> {
  const largest = Number(args[0] ?? 10_000);
  const rounds = Number(args[1] ?? 3);
  const sizes = [1, 10, 100, 1_000, 10_000, 100_000].filter((n) => n <= largest);
  const dir = await mkdtemp(join(tmpdir(), "pki-ts-bench-"));
  const devnet = await startDevnet({ dataDir: dir, port: await reservePort(), logger: silentLogger });
  try {
    const chain = consortiumChain(devnet.chainId, devnet.rpcUrl);
    const reader = createPublicClient({ chain, transport: http(devnet.rpcUrl) });
    const provider: Account = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 0 });
    const wallet = createWalletClient({ account: provider, chain, transport: http(devnet.rpcUrl) });
    const mined = async (hash: Hex) => {
      const receipt = await reader.waitForTransactionReceipt({ hash, pollingInterval: 20 });
      if (receipt.status !== "success") throw new Error(`transaction ${hash} reverted`);
      return receipt;
    };
    const registry = (
      await mined(
        await wallet.deployContract({
          ...FREE,
          abi: ConsortiumRegistry.abi,
          bytecode: ConsortiumRegistry.bytecode,
          args: [[provider.address], ["Satellite Provider"], [[role("ENTERPRISE")]]],
        }),
      )
    ).contractAddress as Hex;
    const ledger = (
      await mined(
        await wallet.deployContract({
          ...FREE,
          abi: TimestampLedger.abi,
          bytecode: TimestampLedger.bytecode,
          args: [registry],
        }),
      )
    ).contractAddress as Hex;

    let counter = 0;
    const rows: Array<Record<string, string | number>> = [];
    let last: { tree: MerkleLog; digests: Uint8Array[] } | undefined;
    for (const size of sizes) {
      const seconds: number[] = [];
      const anchorMs: number[] = [];
      let gas = 0;
      for (let r = 0; r < rounds; r++) {
        const digests = Array.from({ length: size }, () =>
          createHash("sha256").update(`file ${counter++}`).digest(),
        ).map((d) => new Uint8Array(d));
        const started = performance.now();
        const tree = new MerkleLog();
        for (const d of digests) tree.append(d);
        const root = bytesToHex(tree.root());
        const a0 = performance.now();
        const receipt = await mined(
          await wallet.writeContract({
            ...FREE,
            address: ledger,
            abi: TimestampLedger.abi,
            functionName: "anchorRoot",
            args: [root, size],
          }),
        );
        anchorMs.push(performance.now() - a0);
        for (let i = 0; i < size; i++) tree.inclusionProof(i);
        seconds.push((performance.now() - started) / 1000);
        gas = Number(receipt.gasUsed);
        last = { tree, digests };
      }
      const s = summarize(seconds);
      const a = summarize(anchorMs);
      rows.push({
        "files per transaction": size,
        rounds,
        "files/s (tree + anchor mined + all proofs)": round(size / s.p50, 0),
        "anchor mined ms p50": round(a.p50, 1),
        "gas per file": round(gas / size, 1),
        "proof hashes": Math.ceil(Math.log2(size)),
        "proof bytes": Math.ceil(Math.log2(size)) * 32,
      });
    }

    // Verify times at the largest batch: every 97th file's proof.
    const verify: number[] = [];
    if (last) {
      const { tree, digests } = last;
      const root = tree.root();
      for (let i = 0; i < tree.size; i += 97) {
        const proof = tree.inclusionProof(i);
        const v0 = performance.now();
        if (!verifyInclusion(leafHash(digests[i] as Uint8Array), i, tree.size, proof, root)) throw new Error("proof");
        verify.push((performance.now() - v0) * 1000);
      }
    }
    const v = summarize(verify);

    // RFC 3161 tokens for stamps already anchored: the TSA's signing rate.
    const caSigner = await softwareSigner();
    const ca = await createIssuingCa(caSigner, "Bench CA");
    const tsaSigner = await softwareSigner();
    const tsaCertificate = new Uint8Array(
      (await issueTsaCertificate(caSigner, ca, tsaSigner.spki, "Bench TSA")).rawData,
    );
    const tree = new MerkleLog();
    for (let i = 0; i < 1024; i++) tree.append(createHash("sha256").update(`t ${i}`).digest());
    const t0 = performance.now();
    let tokenBytes = 0;
    for (let i = 0; i < TOKENS; i++) {
      const token = await grantedResponse({
        request: { digest: new Uint8Array(32).fill(i % 256), certReq: true, nonce: new Uint8Array(8).buffer },
        anchoredAt: 1_800_000_000,
        ledger: {
          root: bytesToHex(tree.root()),
          leafIndex: i,
          treeSize: tree.size,
          proof: tree.inclusionProof(i).map((h) => bytesToHex(h)),
        },
        signer: tsaSigner,
        tsaCertificate,
      });
      tokenBytes += token.length;
    }
    const tokenSeconds = (performance.now() - t0) / 1000;
    return {
      name: "pki-timestamps",
      tables: [
        {
          title: "Timestamps anchored per transaction (one anchorRoot per batch, mined on a devnet)",
          rows,
          note:
            "files/s: the batch's Merkle tree built, its root anchored and mined, every file's inclusion proof made " +
            "(p50 over the rounds). The transaction is the same whatever the batch size, so files per transaction " +
            "is bounded by how long a provider lets a batch fill (the agent's window is 200 ms or 4,096 digests).",
        },
        {
          title: `Proof verification at ${last?.tree.size ?? 0} files`,
          rows: [{ samples: v.n, "verify µs p50": round(v.p50, 1), "verify µs p99": round(v.p99, 1) }],
        },
        {
          title: "RFC 3161 tokens signed for anchored stamps (ECDSA P-256, 1 thread)",
          rows: [
            {
              tokens: TOKENS,
              "tokens/s": round(TOKENS / tokenSeconds, 0),
              "token bytes (TSA certificate and ledger proof included)": round(tokenBytes / TOKENS, 0),
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
