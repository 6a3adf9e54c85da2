// Compares the runtime code found on chain with a compiler artifact's deployedBytecode.
// What is compared: both codes without their trailing CBOR metadata (its length is the last two bytes) must have the
// same length and equal bytes, except where the artifact holds a 32-byte run of zeros: solc leaves immutables as
// zero placeholders in deployedBytecode and fills them at construction, so those positions may differ.
import { type Hex, hexToBytes } from "viem";

export type CodeComparison = { equal: true } | { equal: false; reason: string };

export function compareRuntimeCode(onChain: Hex, artifactDeployed: Hex): CodeComparison {
  const chainCode = stripMetadata(hexToBytes(onChain));
  const expected = stripMetadata(hexToBytes(artifactDeployed));
  if (chainCode.length !== expected.length) {
    return { equal: false, reason: `code is ${chainCode.length} bytes, artifact is ${expected.length} bytes` };
  }
  const placeholder = immutablePlaceholders(expected);
  for (let i = 0; i < expected.length; i++) {
    if (chainCode[i] !== expected[i] && !placeholder[i]) {
      return { equal: false, reason: `code differs from the artifact at byte ${i}` };
    }
  }
  return { equal: true };
}

/** Drops solc's CBOR metadata: it hashes the source file paths and comments, not behaviour. */
export function stripMetadata(code: Uint8Array): Uint8Array {
  if (code.length < 2) return code;
  const length = ((code[code.length - 2] ?? 0) << 8) | (code[code.length - 1] ?? 0);
  const start = code.length - 2 - length;
  // A CBOR map header (0xa1..0xa5) opens solc's metadata; anything else is not metadata.
  const header = code[start];
  if (length === 0 || start < 0 || header === undefined || header < 0xa1 || header > 0xa5) return code;
  return code.subarray(0, start);
}

function immutablePlaceholders(code: Uint8Array): boolean[] {
  const marks = new Array<boolean>(code.length).fill(false);
  let runStart = -1;
  for (let i = 0; i <= code.length; i++) {
    if (i < code.length && code[i] === 0) {
      if (runStart < 0) runStart = i;
      continue;
    }
    if (runStart >= 0 && i - runStart >= 32) marks.fill(true, runStart, i);
    runStart = -1;
  }
  return marks;
}
