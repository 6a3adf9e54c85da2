// Fixed-size plaintexts: AES-GCM keeps the plaintext's length, so an unpadded answer told every reader of the chain
// its outcome (granted, barred, unknown subscriber ... each had its own length) and a request its service set. Every
// message of a kind is padded to one size with trailing spaces: still one valid JSON text (JSON allows trailing
// whitespace), so any JOSE library's recipient reads it unchanged.

const SPACE = 0x20;

/** The payload's JSON, padded with spaces to exactly `size` bytes; a payload larger than `size` is refused. */
export function padPlaintext(payload: unknown, size: number): Uint8Array {
  const json = Buffer.from(JSON.stringify(payload), "utf8");
  if (json.length > size) {
    throw new Error(
      `roaming plaintext of ${json.length} bytes is over its padded size of ${size} bytes: ` +
        "it would leak its length, so it is not encrypted",
    );
  }
  const padded = Buffer.alloc(size, SPACE);
  json.copy(padded);
  return padded;
}
