// Calls of the roaming contracts, encoded for the outbox: the OperatorRegistry (network claims, operator identity)
// and the RoamingExchange (batched requests, answers, activations, expiries). Ciphertexts travel as the UTF-8 bytes
// of the compact JWE.
import { type Address, encodeFunctionData, type Hex, stringToHex } from "viem";
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

/** The `gas` field for an outbox request: a bound for large batches, none (node estimate) for small ones. */
export function batchGas(kind: BatchKind, items: number, ciphertexts: readonly string[] = []): { gas?: bigint } {
  return items >= BOUNDED_GAS_MIN_BATCH ? { gas: batchGasLimit(kind, items, ciphertexts) } : {};
}
