// Turns a failed simulation into a TxRevertedError carrying the decoded custom error, using the ABIs of every
// contract the agent knows (a call may revert inside another contract it called).
import { type Abi, type AbiItem, BaseError, decodeErrorResult, type Hex, isHex } from "viem";
import { TxRevertedError } from "../errors.ts";

/** One ABI holding the error items of all the given ABIs, deduplicated by signature. */
export function mergeErrorAbis(abis: readonly Abi[]): Abi {
  const seen = new Map<string, AbiItem>();
  for (const abi of abis) {
    for (const item of abi) {
      if (item.type !== "error") continue;
      seen.set(`${item.name}(${item.inputs.map((i) => i.type).join(",")})`, item);
    }
  }
  return [...seen.values()] as Abi;
}

/** Returns the revert as a typed error, or undefined when `error` is not a revert (e.g. the node is down). */
export function revertFromError(error: unknown, errorAbi: Abi, label: string): TxRevertedError | undefined {
  const data = revertData(error);
  if (data === undefined && !looksLikeRevert(error)) return undefined;
  if (data === undefined || data === "0x") return new TxRevertedError(label, undefined, [], data);
  try {
    const decoded = decodeErrorResult({ abi: errorAbi, data });
    return new TxRevertedError(label, decoded.errorName, (decoded.args ?? []) as readonly unknown[], data);
  } catch {
    return new TxRevertedError(label, undefined, [], data);
  }
}

function revertData(error: unknown): Hex | undefined {
  let found: Hex | undefined;
  const visit = (e: unknown) => {
    if (found || typeof e !== "object" || e === null) return;
    const data = (e as { data?: unknown }).data;
    if (typeof data === "string" && isHex(data)) found = data;
    else if (typeof data === "object" && data !== null) {
      const inner = (data as { data?: unknown }).data;
      if (typeof inner === "string" && isHex(inner)) found = inner;
    }
  };
  if (error instanceof BaseError) {
    error.walk((e) => {
      visit(e);
      return false;
    });
  }
  let cursor: unknown = error;
  for (let depth = 0; cursor && depth < 10; depth++) {
    visit(cursor);
    cursor = (cursor as { cause?: unknown }).cause;
  }
  return found;
}

function looksLikeRevert(error: unknown): boolean {
  let cursor: unknown = error;
  for (let depth = 0; cursor && depth < 10; depth++) {
    const e = cursor as { code?: unknown; message?: unknown; details?: unknown };
    if (e.code === 3) return true;
    const text = `${typeof e.message === "string" ? e.message : ""} ${typeof e.details === "string" ? e.details : ""}`;
    if (/revert/i.test(text)) return true;
    cursor = (cursor as { cause?: unknown }).cause;
  }
  return false;
}
