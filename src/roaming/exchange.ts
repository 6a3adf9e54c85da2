// Calls of the roaming contracts, encoded for the outbox: the OperatorRegistry (network claims, operator identity)
// and the RoamingExchange (batched requests, answers, activations, expiries). Ciphertexts travel as the UTF-8 bytes
// of the compact JWE.
import { type Address, encodeFunctionData, type Hex, type Log, parseEventLogs, stringToHex } from "viem";
import { OperatorRegistry, RoamingExchange } from "../generated/contracts.ts";

export const operatorRegistryAbi = OperatorRegistry.abi;
export const roamingExchangeAbi = RoamingExchange.abi;

export interface RequestItem {
  requestId: Hex;
  pseudonym: Hex;
  expiresAt: bigint;
  ciphertext: string;
}

export interface AnswerItem {
  requestId: Hex;
  ciphertext: string;
}

export interface ActivationItem {
  requestId: Hex;
  activated: boolean;
  servicesDigest: Hex;
}

export function encodeSubmitRequests(hpmn: Address, items: readonly RequestItem[]): Hex {
  return encodeFunctionData({
    abi: roamingExchangeAbi,
    functionName: "submitRequests",
    args: [hpmn, items.map((i) => ({ ...i, ciphertext: stringToHex(i.ciphertext) }))],
  });
}

export function encodeSubmitAnswers(items: readonly AnswerItem[]): Hex {
  return encodeFunctionData({
    abi: roamingExchangeAbi,
    functionName: "submitAnswers",
    args: [items.map((i) => ({ requestId: i.requestId, ciphertext: stringToHex(i.ciphertext) }))],
  });
}

export function encodeRecordActivations(items: readonly ActivationItem[]): Hex {
  return encodeFunctionData({ abi: roamingExchangeAbi, functionName: "recordActivations", args: [[...items]] });
}

/**
 * The request ids a mined batch skipped (each with an `ItemSkipped` event of that exchange), lower-cased. A skipped
 * item was not recorded by this transaction: its session row must not name it (the reconciliation adopts the
 * transaction that did record it, or sends the item again).
 */
export function skippedItems(logs: readonly Log[], exchange: Address): Set<string> {
  const events = parseEventLogs({ abi: roamingExchangeAbi, eventName: "ItemSkipped", logs: [...logs] });
  return new Set(
    events
      .filter((event) => event.address.toLowerCase() === exchange.toLowerCase())
      .map((event) => event.args.requestId.toLowerCase()),
  );
}

export function encodeExpire(requestIds: readonly Hex[]): Hex {
  return encodeFunctionData({ abi: roamingExchangeAbi, functionName: "expire", args: [[...requestIds]] });
}

// Gas bounds for large batches, so the outbox need not have the node execute each batch twice (estimate, then mine).
// Per item: a request writes a fresh slot (22.1k) and emits a 4-topic log; an answer, activation or expiry updates
// the slot (5k) and emits a log; calldata costs 16 gas a byte and log data 8, so a ciphertext costs ~24 a byte. The
// constants carry a margin over what anvil charges (test/roaming checks bound >= estimate and bound < 1.6 x estimate).
const BATCH_BASE_GAS = 80_000n;
const PER_ITEM_GAS = { request: 40_000n, answer: 16_000n, activation: 11_000n, expiry: 12_000n } as const;
const PER_CIPHERTEXT_BYTE_GAS = 26n;
/** Smaller batches are estimated by the node: exact revert reasons at submit, and cheap to run twice. */
export const BOUNDED_GAS_MIN_BATCH = 50;

export type BatchKind = keyof typeof PER_ITEM_GAS;

/** A gas limit for a batch of `kind` whose ciphertexts are `ciphertexts` (empty for activations and expiries). */
export function batchGasLimit(kind: BatchKind, items: number, ciphertexts: readonly string[] = []): bigint {
  const bytes = ciphertexts.reduce((sum, c) => sum + Buffer.byteLength(c, "utf8"), 0);
  return BATCH_BASE_GAS + BigInt(items) * PER_ITEM_GAS[kind] + BigInt(bytes) * PER_CIPHERTEXT_BYTE_GAS;
}

/**
 * Upper bound on a compact JWE's length for a plaintext padded to `paddedBytes` (payloads.ts): the base64url
 * ciphertext, plus the protected header (alg, enc, kid and the ephemeral P-256 key), IV and tag, which stay under
 * 600 bytes (test/roaming/crypto.test.ts checks a real one against this bound).
 */
export function sealedBytesBound(paddedBytes: number): number {
  return Math.ceil(paddedBytes / 3) * 4 + 600;
}

/**
 * Share of the node's block gas limit one batch may use: a batch must fit a block (a node refuses a transaction over
 * the block gas limit), and leaving half of each block to other writers keeps one busy member from filling them.
 */
export const BATCH_SHARE_OF_BLOCK_GAS = 2n;

/**
 * The largest batch of `kind` whose gas bound fits a block of `blockGasLimit`, capped at `configured` (at least 1):
 * batch sizes follow the chain, so a 30M-gas network gets smaller batches than the 150M devnet.
 */
export function batchSizeWithin(
  kind: BatchKind,
  configured: number,
  blockGasLimit: bigint | undefined,
  sealedBytesPerItem = 0,
): number {
  if (blockGasLimit === undefined) return configured;
  const budget = blockGasLimit / BATCH_SHARE_OF_BLOCK_GAS - BATCH_BASE_GAS;
  const perItem = PER_ITEM_GAS[kind] + BigInt(sealedBytesPerItem) * PER_CIPHERTEXT_BYTE_GAS;
  const fits = budget > 0n ? Number(budget / perItem) : 0;
  return Math.max(1, Math.min(configured, fits));
}

/** The `gas` field for an outbox request: a bound for large batches, none (node estimate) for small ones. */
export function batchGas(kind: BatchKind, items: number, ciphertexts: readonly string[] = []): { gas?: bigint } {
  return items >= BOUNDED_GAS_MIN_BATCH ? { gas: batchGasLimit(kind, items, ciphertexts) } : {};
}
