// Measures the gas of the platform contracts' main operations as real transactions on a throwaway anvil (shanghai,
// like the consortium network) and writes contracts/gas-snapshot.json; `--check` fails when the numbers drifted.
import { type ChildProcess, spawn } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type Account,
  type Address,
  createPublicClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  stringToHex,
  toHex,
} from "viem";
import { mnemonicToAccount, privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { ConsortiumRegistry, CredentialStatusRegistry, EthereumDIDRegistry } from "../src/generated/contracts.ts";
import { PROJECT_ROOT } from "./gen-contracts.ts";

export const GAS_SNAPSHOT_FILE = join(PROJECT_ROOT, "contracts/gas-snapshot.json");
const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const TNSP_ROLE = keccak256(stringToHex("TNSP"));

export interface GasSnapshot {
  note: string;
  operations: Record<string, number>;
}

export interface Anvil {
  rpcUrl: string;
  stop(): Promise<void>;
}

/** Starts anvil on a free loopback port; the caller must stop it. */
export async function startAnvil(): Promise<Anvil> {
  const bin = join(PROJECT_ROOT, "node_modules/.bin/anvil");
  const child: ChildProcess = spawn(bin, ["--port", "0", "--host", "127.0.0.1", "--hardfork", "shanghai"], {
    stdio: ["ignore", "pipe", "pipe"],
  });
  const rpcUrl = await new Promise<string>((resolve, reject) => {
    let out = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /Listening on (\S+)/.exec(out);
      if (match) resolve(`http://${match[1]}`);
    });
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`anvil exited with ${code} before listening: ${out}`)));
  });
  return {
    rpcUrl,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Runs each operation once as a transaction and records its receipt's gasUsed. */
export async function measureGas(rpcUrl: string): Promise<GasSnapshot> {
  const publicClient = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  const anvilAccount = (addressIndex: number): Account => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
  const [g0, g1, g2] = [anvilAccount(0), anvilAccount(1), anvilAccount(2)];
  const wallet = (account: Account) => createWalletClient({ account, chain: foundry, transport: http(rpcUrl) });
  const operations: Record<string, number> = {};
  const record = async (name: string, hash: Hex) => {
    const receipt = await publicClient.waitForTransactionReceipt({ hash });
    if (receipt.status !== "success") throw new Error(`${name} reverted`);
    operations[name] = Number(receipt.gasUsed);
    return receipt;
  };

  // Membership: three founding governors.
  const deployRegistry = await wallet(g0).deployContract({
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [g0.address, g1.address, g2.address],
      ["Alpha Mobile", "Beta Telecom", "Gamma Net"],
      [[], [], []],
    ],
  });
  const registry = (await record("ConsortiumRegistry.deploy", deployRegistry)).contractAddress as Address;
  const newcomer = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 3 });
  const callRegistry = (account: Account) => ({ address: registry, abi: ConsortiumRegistry.abi, account }) as const;
  await record(
    "ConsortiumRegistry.propose",
    await wallet(g0).writeContract({
      ...callRegistry(g0),
      functionName: "propose",
      args: [0, newcomer.address, "Delta Numbering", [TNSP_ROLE], 86_400n],
    }),
  );
  await record(
    "ConsortiumRegistry.approve+execute",
    await wallet(g1).writeContract({ ...callRegistry(g1), functionName: "approve", args: [1n] }),
  );
  const bound = privateKeyToAccount(keccak256(stringToHex("gas-snapshot bound account")));
  const signature = await bound.signTypedData({
    domain: { name: "ConsortiumRegistry", version: "1", chainId: foundry.id, verifyingContract: registry },
    types: {
      BindAccount: [
        { name: "member", type: "address" },
        { name: "account", type: "address" },
        { name: "nonce", type: "uint256" },
      ],
    },
    primaryType: "BindAccount",
    message: { member: newcomer.address, account: bound.address, nonce: 0n },
  });
  await record(
    "ConsortiumRegistry.bindAccount",
    await wallet(newcomer).writeContract({
      ...callRegistry(newcomer),
      functionName: "bindAccount",
      args: [bound.address, signature],
    }),
  );
  await record(
    "ConsortiumRegistry.unbindAccount",
    await wallet(newcomer).writeContract({
      ...callRegistry(newcomer),
      functionName: "unbindAccount",
      args: [bound.address],
    }),
  );

  // Identity: the issuer is g2's address as a did:ethr identity.
  const deployDids = await wallet(g0).deployContract({
    abi: EthereumDIDRegistry.abi,
    bytecode: EthereumDIDRegistry.bytecode,
  });
  const dids = (await record("EthereumDIDRegistry.deploy", deployDids)).contractAddress as Address;
  const callDids = { address: dids, abi: EthereumDIDRegistry.abi, account: g2 } as const;
  const issuer = g2.address;
  await record(
    "EthereumDIDRegistry.setAttribute",
    await wallet(g2).writeContract({
      ...callDids,
      functionName: "setAttribute",
      args: [
        issuer,
        toHex("did/svc/AgentService", { size: 32 }),
        stringToHex("https://agent.gamma.example/api"),
        86_400n * 365n,
      ],
    }),
  );
  await record(
    "EthereumDIDRegistry.addDelegate",
    await wallet(g2).writeContract({
      ...callDids,
      functionName: "addDelegate",
      args: [issuer, toHex("sigAuth", { size: 32 }), newcomer.address, 86_400n],
    }),
  );

  const deployStatus = await wallet(g0).deployContract({
    abi: CredentialStatusRegistry.abi,
    bytecode: CredentialStatusRegistry.bytecode,
    args: [dids],
  });
  const status = (await record("CredentialStatusRegistry.deploy", deployStatus)).contractAddress as Address;
  const credential = keccak256(stringToHex("urn:uuid:gas-snapshot-credential"));
  const callStatus = { address: status, abi: CredentialStatusRegistry.abi, account: g2 } as const;
  for (const [name, functionName, reason] of [
    ["CredentialStatusRegistry.suspend", "suspend", 8],
    ["CredentialStatusRegistry.reinstate", "reinstate", 0],
    ["CredentialStatusRegistry.revoke", "revoke", 1],
  ] as const) {
    await record(
      name,
      await wallet(g2).writeContract({ ...callStatus, functionName, args: [issuer, credential, reason] }),
    );
  }

  // Last, because it moves the issuer's ownership away from g2.
  await record(
    "EthereumDIDRegistry.changeOwner",
    await wallet(g2).writeContract({ ...callDids, functionName: "changeOwner", args: [issuer, newcomer.address] }),
  );

  const sorted = Object.fromEntries(Object.entries(operations).sort(([a], [b]) => a.localeCompare(b)));
  return {
    note: "gasUsed of one transaction per operation on anvil (shanghai); regenerate with `node scripts/gas-snapshot.ts`",
    operations: sorted,
  };
}

export function renderSnapshot(snapshot: GasSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

async function main(): Promise<void> {
  const anvil = await startAnvil();
  try {
    const rendered = renderSnapshot(await measureGas(anvil.rpcUrl));
    if (process.argv.includes("--check")) {
      const committed = readFileSync(GAS_SNAPSHOT_FILE, "utf8");
      if (committed !== rendered) {
        console.error(`gas drifted from ${GAS_SNAPSHOT_FILE}:\n${rendered}`);
        process.exitCode = 1;
      }
      return;
    }
    writeFileSync(GAS_SNAPSHOT_FILE, rendered);
    console.log(rendered);
  } finally {
    await anvil.stop();
  }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
