// The RFC 8226 TNAuthList certificate extension (OID 1.3.6.1.5.5.7.1.26): which service provider codes (SPC), number
// ranges or single numbers a STI certificate speaks for. The ASN.1 module uses EXPLICIT tags, so an SPC entry is
// SEQUENCE { [0] { IA5String } }. Encoded and read by hand: three small shapes do not justify decorator schemas.
import { StirError } from "./errors.ts";

export const TN_AUTH_LIST_OID = "1.3.6.1.5.5.7.1.26";

export type TnAuthEntry = { spc: string } | { range: { start: string; count: number } } | { one: string };

function tlv(tag: number, content: Buffer): Buffer {
  const n = content.length;
  const length =
    n < 0x80 ? Buffer.from([n]) : n < 0x100 ? Buffer.from([0x81, n]) : Buffer.from([0x82, n >> 8, n & 0xff]);
  return Buffer.concat([Buffer.from([tag]), length, content]);
}

const ia5 = (text: string) => tlv(0x16, Buffer.from(text, "ascii"));
const integer = (value: number) => {
  let hex = value.toString(16);
  if (hex.length % 2) hex = `0${hex}`;
  let bytes = Buffer.from(hex, "hex");
  if ((bytes[0] ?? 0) & 0x80) bytes = Buffer.concat([Buffer.from([0]), bytes]);
  return tlv(0x02, bytes);
};

export function encodeTnAuthList(entries: readonly TnAuthEntry[]): Buffer {
  if (entries.length === 0) throw new Error("a TNAuthList needs at least one entry");
  return tlv(
    0x30,
    Buffer.concat(
      entries.map((entry) => {
        if ("spc" in entry) return tlv(0xa0, ia5(entry.spc));
        if ("one" in entry) return tlv(0xa2, ia5(entry.one));
        return tlv(0xa1, tlv(0x30, Buffer.concat([ia5(entry.range.start), integer(entry.range.count)])));
      }),
    ),
  );
}

interface Tlv {
  tag: number;
  content: Buffer;
  next: number;
}

function readTlv(buffer: Buffer, offset: number): Tlv {
  const tag = buffer[offset];
  let length = buffer[offset + 1];
  if (tag === undefined || length === undefined) throw new Error("truncated DER");
  let start = offset + 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count < 1 || count > 3) throw new Error("unsupported DER length");
    length = 0;
    for (let i = 0; i < count; i++) length = (length << 8) | (buffer[start + i] ?? 0);
    start += count;
  }
  if (start + length > buffer.length) throw new Error("truncated DER");
  return { tag, content: buffer.subarray(start, start + length), next: start + length };
}

function children(content: Buffer): Tlv[] {
  const out: Tlv[] = [];
  for (let offset = 0; offset < content.length; ) {
    const item = readTlv(content, offset);
    out.push(item);
    offset = item.next;
  }
  return out;
}

/** Reads the extension value; CREDENTIAL_UNTRUSTED when it is not a TNAuthList. */
export function decodeTnAuthList(der: Uint8Array): TnAuthEntry[] {
  try {
    const outer = readTlv(Buffer.from(der), 0);
    if (outer.tag !== 0x30) throw new Error("not a SEQUENCE");
    return children(outer.content).map((entry) => {
      const inner = children(entry.content);
      if (entry.tag === 0xa0 && inner[0]?.tag === 0x16) return { spc: inner[0].content.toString("ascii") };
      if (entry.tag === 0xa2 && inner[0]?.tag === 0x16) return { one: inner[0].content.toString("ascii") };
      if (entry.tag === 0xa1 && inner[0]?.tag === 0x30) {
        const [start, count] = children(inner[0].content);
        if (start?.tag !== 0x16 || count?.tag !== 0x02) throw new Error("bad range");
        return {
          range: { start: start.content.toString("ascii"), count: Number.parseInt(count.content.toString("hex"), 16) },
        };
      }
      throw new Error(`unknown TNEntry tag ${entry.tag}`);
    });
  } catch (error) {
    throw new StirError(
      "STIR_CREDENTIAL_UNTRUSTED",
      "tnauthlist-malformed",
      "the certificate's TNAuthList cannot be read",
      {
        cause: error,
      },
    );
  }
}

/** ECDSA signature: JOSE raw r || s (what the keystore returns) to the DER SEQUENCE { r, s } X.509 carries. */
export function rawToDerSignature(raw: Uint8Array): Buffer {
  const int = (bytes: Buffer) => {
    let i = 0;
    while (i < bytes.length - 1 && bytes[i] === 0) i++;
    let trimmed = bytes.subarray(i);
    if ((trimmed[0] ?? 0) & 0x80) trimmed = Buffer.concat([Buffer.from([0]), trimmed]);
    return tlv(0x02, trimmed);
  };
  const buffer = Buffer.from(raw);
  return tlv(0x30, Buffer.concat([int(buffer.subarray(0, 32)), int(buffer.subarray(32, 64))]));
}
