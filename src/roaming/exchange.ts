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
