// Anchoring off-chain IoT attestations on a real anvil with the real contracts: `attestations` payloads are hashed
// into ids, cut into batches of `batch` (the agent's MAX_BATCH by default), each batch's Merkle tree and every proof is
// built (src/iot/batch.ts, as the agent does) and its root anchored with one anchorBatch transaction. Counts the
// transactions and the gas (per 1,000 attestations); then, per batch, one random leaf's proof is verified on chain
// (verifyOffchain must answer Valid) and replayed for another payload (must answer ProofMismatch). Signing the EAT
// tokens is measured separately on `signSample` tokens, since it is per attester, parallel, and off the critical path.
// Args: [attestations=1000000] [batch=20000] [signSample=2000].
import { type Account, type Address, type Hex, keccak256, parseEventLogs, stringToHex, toHex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { GasRecorder, startAnvil } from "../scripts/gas-snapshot-chain.ts";
import { ConsortiumRegistry, EthereumDIDRegistry, IotAttestations, IotRegistry } from "../src/generated/contracts.ts";
import { buildBatchTree } from "../src/iot/batch.ts";
import { signAttestation } from "../src/iot/eat.ts";
import { type AttestationPayload, attestationIdOf, deviceSubject, leafOfId } from "../src/iot/payload.ts";
import { MAX_BATCH } from "../src/iot/service.ts";
import { type BenchResult, round } from "./lib/report.ts";

const THIRD_PARTY = 4;

export async function run(args: string[]): Promise<BenchResult> {
  const total = Number(args[0] ?? 1_000_000);
  const batchSize = Number(args[1] ?? MAX_BATCH);
  const signSample = Number(args[2] ?? 2_000);
  const anvil = await startAnvil();
  try {
    const chain = new GasRecorder(anvil.rpcUrl);
    const authority = await chain.account("iot bench authority");
    const certifier = await chain.account("iot bench certifier");
    const consortium = await chain.deploy(authority, {
      abi: ConsortiumRegistry.abi,
      bytecode: ConsortiumRegistry.bytecode,
      args: [[authority.address], ["Trust Authority"], [[keccak256(stringToHex("TRUST_AUTHORITY"))]]],
    });
    const dids = await chain.deploy(authority, {
      abi: EthereumDIDRegistry.abi,
      bytecode: EthereumDIDRegistry.bytecode,
    });
    const registry = await chain.deploy(authority, {
      abi: IotRegistry.abi,
      bytecode: IotRegistry.bytecode,
      args: [consortium, dids],
    });
    const attestations = await chain.deploy(authority, {
      abi: IotAttestations.abi,
      bytecode: IotAttestations.bytecode,
      args: [registry, dids],
    });
    const reg = { address: registry, abi: IotRegistry.abi } as const;
    await chain.call(authority, { ...reg, functionName: "vetAttester", args: [certifier.address, THIRD_PARTY] });
    const schemaReceipt = await chain.call(certifier, {
      ...reg,
      functionName: "registerSchema",
      args: ["certification", "string program,string level", true, THIRD_PARTY],
    });
    const [schemaEvent] = parseEventLogs({
      abi: IotRegistry.abi,
      eventName: "SchemaRegistered",
      logs: schemaReceipt.logs,
    });
    if (!schemaEvent) throw new Error("no schema registered");
    const schemaId = schemaEvent.args.schemaId;
    const attester = certifier.address.toLowerCase() as Address;
    const payloadOf = (i: number): AttestationPayload => ({
      schemaId,
      subject: deviceSubject(`0x${(0x100000 + i).toString(16).padStart(40, "0")}`),
      attester,
      dataHash: keccak256(toHex(i)),
      expiresAt: 0,
    });

    const signing = await measureSigning(certifier, schemaId, signSample);

    let hashMs = 0;
    let treeMs = 0;
    let anchorMs = 0;
    let gas = 0n;
    let transactions = 0;
    const on = { address: attestations, abi: IotAttestations.abi } as const;
    const start = performance.now();
    for (let first = 0; first < total; first += batchSize) {
      const count = Math.min(batchSize, total - first);
      let t = performance.now();
      const payloads = Array.from({ length: count }, (_, k) => payloadOf(first + k));
      const ids = payloads.map(attestationIdOf);
      hashMs += performance.now() - t;
      t = performance.now();
      const tree = buildBatchTree(ids);
      treeMs += performance.now() - t;
      t = performance.now();
      const receipt = await chain.call(certifier, {
        ...on,
        functionName: "anchorBatch",
        args: [certifier.address, tree.root, count],
      });
      anchorMs += performance.now() - t;
      gas += receipt.gasUsed;
      transactions++;
      await checkOnChain(chain, attestations, tree, payloads, ids, attester);
    }
    const elapsed = performance.now() - start;
    return {
      name: "iot-anchoring",
      tables: [
        {
          title: "Anchoring off-chain attestations (real anvil, real contracts)",
          rows: [
            {
              attestations: total,
              "batch size": batchSize,
              transactions,
              "attestations/s": Math.round(total / (elapsed / 1000)),
              "ids s": round(hashMs / 1000, 1),
              "trees+proofs s": round(treeMs / 1000, 1),
              "anchor txs s": round(anchorMs / 1000, 1),
              "gas total": Number(gas),
              "gas per 1,000": Math.round(Number(gas) / (total / 1000)),
            },
          ],
          note: "Target: 1,000,000 attestations with fewer than 100 transactions. Each batch: one leaf verified Valid on chain, its proof replayed for another payload answered ProofMismatch.",
        },
        {
          title: "Signing EAT tokens (ES256K-R, one attester, one core)",
          rows: [
            {
              tokens: signSample,
              "tokens/s": Math.round(signing.perSecond),
              "ms per 1,000,000": Math.round((1_000_000 / signing.perSecond) * 1000),
            },
          ],
        },
      ],
    };
  } finally {
    await anvil.stop();
  }
}

async function measureSigning(account: Account, schemaId: Hex, n: number) {
  const signer = privateKeyToAccount(keccak256(stringToHex("gas-snapshot iot bench certifier")));
  if (signer.address !== account.address) throw new Error("the signing account is not the certifier");
  const start = performance.now();
  for (let i = 0; i < n; i++) {
    await signAttestation(
      signer,
      {
        schemaId,
        subject: deviceSubject(`0x${(0x100000 + i).toString(16).padStart(40, "0")}`),
        attester: signer.address,
        expiresAt: 0,
      },
      { program: "ZigBee Alliance", level: "certified" },
      { issuedAt: 1_800_000_000 },
    );
  }
  return { perSecond: n / ((performance.now() - start) / 1000) };
}

async function checkOnChain(
  chain: GasRecorder,
  attestations: Address,
  tree: ReturnType<typeof buildBatchTree>,
  payloads: AttestationPayload[],
  ids: Hex[],
  attester: Address,
): Promise<void> {
  const k = Math.floor(Math.random() * ids.length);
  const entry = tree.proofs.get(ids[k] as Hex);
  const payload = payloads[k] as AttestationPayload;
  if (!entry || entry.leaf !== leafOfId(ids[k] as Hex)) throw new Error("no proof for a batch member");
  const batchId = keccak256(`0x${attester.slice(2).padStart(64, "0")}${tree.root.slice(2)}` as Hex);
  const verify = (p: AttestationPayload) =>
    chain.publicClient.readContract({
      address: attestations,
      abi: IotAttestations.abi,
      functionName: "verifyOffchain",
      args: [batchId, { ...p, expiresAt: BigInt(p.expiresAt) }, entry.proof],
    });
  if ((await verify(payload)) !== 0) throw new Error("a batch member's proof does not verify on chain");
  if ((await verify({ ...payload, dataHash: keccak256(toHex("forged")) })) !== 5) {
    throw new Error("a proof replayed for another payload was not answered ProofMismatch");
  }
}
