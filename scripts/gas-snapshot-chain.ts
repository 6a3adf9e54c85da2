// The chain the gas snapshot measures on: a throwaway anvil (EVM_VERSION, like every engine) whose block times
// are fixed, and a recorder that sends each transaction and keeps its receipt's gasUsed. Everything that reaches a
// transaction's calldata or storage (accounts, addresses, times, ids) is derived from fixed inputs, so the same
// contracts give the same figures on every run.
import { type ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import {
  type Abi,
  type Account,
  type Address,
  createPublicClient,
  createTestClient,
  createWalletClient,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  stringToHex,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { foundry } from "viem/chains";
import { EVM_VERSION } from "../src/core/chain/evm.ts";
import { PROJECT_ROOT } from "./gen-contracts.ts";

/** Genesis time of every measuring chain; each block after it is one second later (anvil's wall clock never counts). */
export const GENESIS_TIME = 1_800_000_000n;
/** Room for the largest batch (1,000 roaming requests) in one block. */
const BLOCK_GAS_LIMIT = 300_000_000n;
/** Every measured transaction carries this limit, so the node never estimates (gasUsed does not depend on it). */
const TX_GAS = 150_000_000n;
const RECEIPT_TIMEOUT_MS = 60_000;

export interface Anvil {
  rpcUrl: string;
  stop(): Promise<void>;
}

/** Starts anvil on a free loopback port with the fixed clock; the caller must stop it. */
export async function startAnvil(): Promise<Anvil> {
  const bin = join(PROJECT_ROOT, "node_modules/.bin/anvil");
  const args = ["--port", "0", "--host", "127.0.0.1", "--hardfork", EVM_VERSION];
  args.push("--timestamp", String(GENESIS_TIME), "--gas-limit", String(BLOCK_GAS_LIMIT));
  const child: ChildProcess = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
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
  const stop = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  try {
    await createTestClient({ mode: "anvil", chain: foundry, transport: http(rpcUrl) }).setBlockTimestampInterval({
      interval: 1,
    });
  } catch (error) {
    await stop();
    throw error;
  }
  return { rpcUrl, stop };
}

/** Bytes a transaction or its logs put on chain, for the operations whose size per item the docs quote. */
export interface OperationSize {
  calldataBytes: number;
  /** Log data plus 32 bytes per topic, over every log of the receipt. */
  logBytes: number;
}

export interface ContractCall {
  address: Address;
  abi: Abi;
  functionName: string;
  args?: readonly unknown[];
}

export interface ContractDeployment {
  abi: Abi;
  bytecode: Hex;
  args?: readonly unknown[];
}

/** One domain's measurements on its own fresh chain. */
export class GasRecorder {
  readonly publicClient: PublicClient;
  readonly operations: Record<string, number> = {};
  readonly sizes: Record<string, OperationSize> = {};
  private readonly rpcUrl: string;

  constructor(rpcUrl: string) {
    this.rpcUrl = rpcUrl;
    this.publicClient = createPublicClient({ chain: foundry, transport: http(rpcUrl) });
  }

  /** A funded account whose key is derived from `label`, so its address is the same on every run. */
  async account(label: string): Promise<Account> {
    const account = privateKeyToAccount(keccak256(stringToHex(`gas-snapshot ${label}`)));
    await this.testClient().setBalance({ address: account.address, value: 10n ** 24n });
    return account;
  }

  /** Sends a call as `account`; unrecorded unless passed to `record`. Throws when it reverts. */
  async call(account: Account, call: ContractCall): Promise<TransactionReceipt> {
    const hash = await this.wallet(account).writeContract({ ...call, gas: TX_GAS } as never);
    return this.receipt(call.functionName, hash);
  }

  /** Deploys as `account` and returns the new contract's address. */
  async deploy(account: Account, deployment: ContractDeployment, recordAs?: string): Promise<Address> {
    const hash = await this.wallet(account).deployContract({ ...deployment, gas: TX_GAS } as never);
    const receipt = recordAs ? await this.record(recordAs, hash) : await this.receipt("deploy", hash);
    if (!receipt.contractAddress) throw new Error(`${recordAs ?? "deployment"} created no contract`);
    return receipt.contractAddress;
  }

  /** Records the gasUsed of a mined transaction under `name` (and its sizes when asked). */
  async record(name: string, hash: Hex, options: { sizes?: boolean } = {}): Promise<TransactionReceipt> {
    if (name in this.operations) throw new Error(`operation ${name} measured twice`);
    const receipt = await this.receipt(name, hash);
    this.operations[name] = Number(receipt.gasUsed);
    if (options.sizes) {
      const tx = await this.publicClient.getTransaction({ hash });
      const logBytes = receipt.logs.reduce((sum, log) => sum + hexBytes(log.data) + 32 * log.topics.length, 0);
      this.sizes[name] = { calldataBytes: hexBytes(tx.input), logBytes };
    }
    return receipt;
  }

  /** Sends a call as `account` and records it under `name`. */
  async measure(name: string, account: Account, call: ContractCall, options: { sizes?: boolean } = {}) {
    const hash = await this.wallet(account).writeContract({ ...call, gas: TX_GAS } as never);
    return this.record(name, hash, options);
  }

  /** Timestamp of the latest block. */
  async now(): Promise<bigint> {
    return (await this.publicClient.getBlock()).timestamp;
  }

  /** Makes the next block's timestamp `time` (later blocks follow one second apart). */
  async setNextBlockTime(time: bigint): Promise<void> {
    await this.testClient().setNextBlockTimestamp({ timestamp: time });
  }

  private wallet(account: Account) {
    return createWalletClient({ account, chain: foundry, transport: http(this.rpcUrl) });
  }

  private testClient() {
    return createTestClient({ mode: "anvil", chain: foundry, transport: http(this.rpcUrl) });
  }

  /** Polls for the receipt: anvil mines each transaction at once, and no later block would wake a block watcher. */
  private async receipt(name: string, hash: Hex): Promise<TransactionReceipt> {
    const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
    for (;;) {
      const receipt = await this.publicClient.getTransactionReceipt({ hash }).catch((error: unknown) => {
        if (error instanceof TransactionReceiptNotFoundError) return undefined;
        throw error;
      });
      if (receipt) {
        if (receipt.status !== "success") throw new Error(`${name} reverted (${hash})`);
        return receipt;
      }
      if (Date.now() > deadline) throw new Error(`${name}: no receipt for ${hash} after ${RECEIPT_TIMEOUT_MS} ms`);
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
}

function hexBytes(hex: Hex): number {
  return (hex.length - 2) / 2;
}
