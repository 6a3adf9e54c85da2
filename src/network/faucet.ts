// `network fund`: the faucet account of a kit network pays an operator's accounts (a member's account, a deployer)
// the ether their transactions need at the network's 1-wei gas price. Bounded: at most MAX_FUND_WEI per address and
// call, so a typo cannot drain the faucet.
import { readFile } from "node:fs/promises";
import {
  type Address,
  createPublicClient,
  type Hex,
  http,
  isAddress,
  type PublicClient,
  type TransactionReceipt,
  WaitForTransactionReceiptTimeoutError,
} from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { consortiumChain } from "../core/chain/client.ts";
import { DEFAULT_FUND_WEI } from "./defaults.ts";
import { invalidOption, NetworkError } from "./errors.ts";
import type { NetworkNode, NetworkSpec } from "./layout.ts";
import { rpc } from "./rpc.ts";

/** 1 ether: at 1 wei per gas, a billion gas; far beyond what any member account needs. */
export const MAX_FUND_WEI = 10n ** 18n;
const RECEIPT_TIMEOUT_MS = 180_000;
const REBROADCAST_MS = 30_000;
const NONCE_ATTEMPTS = 5;

/** What paying from a faucet needs of a network: a kit network's spec, or an external network's nodes and faucet. */
export type FaucetNetwork = Pick<NetworkSpec, "chainId" | "gasPriceWei" | "faucet"> & {
  nodes: ReadonlyArray<Pick<NetworkNode, "name" | "rpcUrl">>;
};

export interface FundResult {
  address: Address;
  amountWei: bigint;
  txHash: Hex;
  block: bigint;
}

export async function fundAccounts(
  spec: FaucetNetwork,
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
  const reader = createPublicClient({ chain, transport: http(node.rpcUrl), pollingInterval: 250 });
  const gasPrice = BigInt(spec.gasPriceWei);
  let nonce = await reader.getTransactionCount({ address: account.address, blockTag: "pending" });
  const sent: Array<{ address: Address; txHash: Hex; raw: Hex }> = [];
  for (const address of new Set(addresses.map((a) => a as Address))) {
    // Another process paying from the same faucet (two test files at once) may take a nonce between our read and our
    // send: the node then refuses ours as too low or as an underpriced replacement; read the nonce again and re-sign.
    for (let attempt = 1; ; attempt++) {
      const raw = await account.signTransaction({
        to: address,
        value: amountWei,
        gas: 21_000n,
        gasPrice,
        nonce,
        chainId: spec.chainId,
        type: "legacy",
      });
      try {
        const txHash = await reader.sendRawTransaction({ serializedTransaction: raw });
        sent.push({ address, txHash, raw });
        nonce++;
        break;
      } catch (error) {
        const taken = /nonce too low|replacement transaction underpriced/i.test(String(error));
        if (!taken || attempt === NONCE_ATTEMPTS) throw error;
        nonce = await reader.getTransactionCount({ address: account.address, blockTag: "pending" });
      }
    }
  }
  const results: FundResult[] = [];
  for (const { address, txHash, raw } of sent) {
    const receipt = await receiptOrRebroadcast(spec, reader, txHash, raw);
    if (receipt.status !== "success") throw new NetworkError("FAUCET_FAILED", `funding ${address} failed: ${txHash}`);
    results.push({ address, amountWei, txHash, block: receipt.blockNumber });
  }
  return results;
}

/**
 * Waits for the receipt; every REBROADCAST_MS without one, hands the signed transaction to every node again (a node
 * restarted or briefly cut off from its peers may have dropped it from its pool). Three minutes in all: a network
 * whose nodes share a loaded machine (CI runs two networks at once) seals late. On timeout the error names each
 * node's head and peers, which is what an operator looks at first.
 */
async function receiptOrRebroadcast(
  spec: FaucetNetwork,
  reader: PublicClient,
  txHash: Hex,
  raw: Hex,
): Promise<TransactionReceipt> {
  const deadline = Date.now() + RECEIPT_TIMEOUT_MS;
  for (;;) {
    const wait = Math.min(REBROADCAST_MS, deadline - Date.now());
    try {
      return await reader.waitForTransactionReceipt({ hash: txHash, timeout: Math.max(wait, 1) });
    } catch (error) {
      if (!(error instanceof WaitForTransactionReceiptTimeoutError)) throw error;
    }
    if (Date.now() >= deadline) {
      const heads = await Promise.all(
        spec.nodes.map(async (n) => {
          const head = await rpc<string>(n.rpcUrl, "eth_blockNumber", []).catch(() => undefined);
          const peers = await rpc<string>(n.rpcUrl, "net_peerCount", []).catch(() => undefined);
          return `${n.name} head ${head === undefined ? "?" : Number(head)} peers ${peers === undefined ? "?" : Number(peers)}`;
        }),
      );
      throw new NetworkError(
        "FAUCET_FAILED",
        `funding transaction ${txHash} not mined within ${RECEIPT_TIMEOUT_MS / 1000} s (${heads.join("; ")})`,
      );
    }
    await Promise.all(spec.nodes.map((n) => rpc(n.rpcUrl, "eth_sendRawTransaction", [raw]).catch(() => undefined)));
  }
}
