// `network fund`: the faucet account of a kit network pays an operator's accounts (a member's account, a deployer)
// the ether their transactions need at the network's 1-wei gas price. Bounded: at most MAX_FUND_WEI per address and
// call, so a typo cannot drain the faucet.
import { readFile } from "node:fs/promises";
import { type Address, createPublicClient, createWalletClient, type Hex, http, isAddress } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { consortiumChain } from "../core/chain/client.ts";
import { invalidOption, NetworkError } from "./errors.ts";
import type { NetworkSpec } from "./layout.ts";

/** 1 ether: at 1 wei per gas, a billion gas; far beyond what any member account needs. */
export const MAX_FUND_WEI = 10n ** 18n;
/** 0.01 ether: ten million 1-million-gas transactions at 1 wei. */
export const DEFAULT_FUND_WEI = 10n ** 16n;

export interface FundResult {
  address: Address;
  amountWei: bigint;
  txHash: Hex;
  block: bigint;
}

export async function fundAccounts(
  spec: NetworkSpec,
  addresses: readonly string[],
  amountWei: bigint = DEFAULT_FUND_WEI,
  nodeName?: string,
): Promise<FundResult[]> {
  if (amountWei <= 0n || amountWei > MAX_FUND_WEI)
    throw invalidOption("--amount", `must be from 1 to ${MAX_FUND_WEI} wei`);
  for (const address of addresses)
    if (!isAddress(address, { strict: false })) throw invalidOption("address", `${address} is not an address`);
  const node = nodeName ? spec.nodes.find((n) => n.name === nodeName) : spec.nodes[0];
  if (!node) throw invalidOption("--node", `${nodeName} is not a node of this network`);
  const key = (await readFile(spec.faucet.keyFile, "utf8")).trim() as Hex;
  const account = privateKeyToAccount(key);
  const chain = consortiumChain(spec.chainId, node.rpcUrl);
  const wallet = createWalletClient({ account, chain, transport: http(node.rpcUrl) });
  const reader = createPublicClient({ chain, transport: http(node.rpcUrl), pollingInterval: 250 });
  const gasPrice = BigInt(spec.gasPriceWei);
  let nonce = await reader.getTransactionCount({ address: account.address, blockTag: "pending" });
  const sent: Array<{ address: Address; txHash: Hex }> = [];
  for (const address of new Set(addresses.map((a) => a as Address))) {
    const txHash = await wallet.sendTransaction({ to: address, value: amountWei, gas: 21_000n, gasPrice, nonce });
    nonce++;
    sent.push({ address, txHash });
  }
  const results: FundResult[] = [];
  for (const { address, txHash } of sent) {
    // Three minutes: a network whose nodes share a loaded machine (CI runs two networks at once) seals late.
    const receipt = await reader.waitForTransactionReceipt({ hash: txHash, timeout: 180_000 });
    if (receipt.status !== "success") throw new NetworkError("FAUCET_FAILED", `funding ${address} failed: ${txHash}`);
    results.push({ address, amountWei, txHash, block: receipt.blockNumber });
  }
  return results;
}
