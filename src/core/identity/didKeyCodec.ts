// The did:key identifier of a P-256 key, without Node: multicodec `p256-pub` (0x1200, varint 0x80 0x24) followed by the
// compressed point, base58btc with the `z` prefix. Shared by the agent (didKey.ts, which adds the on-curve check Node
// makes) and the console's phone wallet (which runs in a browser).
import { base58btc } from "multiformats/bases/base58";

const P256_PUB_PREFIX = Uint8Array.from([0x80, 0x24]);

/** The did:key of a compressed P-256 point (33 bytes: 0x02 or 0x03, then x). */
export function didKeyOfCompressedP256(compressed: Uint8Array): string {
  if (compressed.length !== 33 || (compressed[0] !== 2 && compressed[0] !== 3)) {
    throw new RangeError("a compressed P-256 point is 33 bytes starting 0x02 or 0x03");
  }
  const bytes = new Uint8Array(35);
  bytes.set(P256_PUB_PREFIX);
  bytes.set(compressed, 2);
  return `did:key:${base58btc.encode(bytes)}`;
}

/** The compressed point of a P-256 point given as 32-byte x and y. */
export function compressP256(x: Uint8Array, y: Uint8Array): Uint8Array {
  if (x.length !== 32 || y.length !== 32) throw new RangeError("a P-256 coordinate is 32 bytes");
  const out = new Uint8Array(33);
  out[0] = 2 + ((y[31] ?? 0) & 1);
  out.set(x, 1);
  return out;
}

/**
 * The compressed P-256 point a did:key names, or a message saying why it names none (the caller raises its own error
 * naming the field). Whether the point is on the curve is the caller's check.
 */
export function compressedP256OfDidKey(did: string): Uint8Array | string {
  const id = did.startsWith("did:key:") ? did.slice("did:key:".length).split("#")[0] : undefined;
  if (!id?.startsWith("z")) return "must be a did:key with a base58btc (z...) identifier";
  let bytes: Uint8Array;
  try {
    bytes = base58btc.decode(id);
  } catch {
    return "its identifier is not valid base58btc";
  }
  if (bytes.length !== 35 || bytes[0] !== P256_PUB_PREFIX[0] || bytes[1] !== P256_PUB_PREFIX[1]) {
    return "is not a P-256 did:key (multicodec p256-pub 0x1200, 33-byte compressed key)";
  }
  const compressed = bytes.subarray(2);
  if (compressed[0] !== 2 && compressed[0] !== 3) return "its key is not a compressed P-256 point";
  return compressed;
}
