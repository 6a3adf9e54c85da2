// One decoded TAP/RAP element as a plain tree: name, tag, byte offset in the file, header and content lengths, and the
// content read per the element's kind. The BER itself (identifier and length octets, definite and indefinite forms,
// nesting) is decoded by @lapo/asn1js, which works in place on the bytes and gives each element's position; this only
// walks its elements, adds the file offsets and reads the TAP content types (integer, ASCII, BCD).
import { ASN1 } from "@lapo/asn1js";
import { type TapKind, tagInfo } from "./tags.ts";
export interface TapNode {
  name: string;
  tag: number;
  /** Byte offset of the element's first identifier octet in the file. */
  offset: number;
  /** Identifier plus length octets. */
  headerLength: number;
  /** Content octets (for an indefinite length: up to, not including, the end-of-contents marker). */
  length: number;
  indefinite: boolean;
  kind: TapKind;
  /** The content as read per kind; absent for constructed elements. */
  value?: string | number;
  /** The content octets as lowercase hex; absent for constructed elements. */
  hex?: string;
  children?: TapNode[];
}

/** A file the importer refuses, with the byte offset and the problem. */
export class TapFormatError extends Error {
  readonly offset: number;
  readonly problem: string;
  constructor(offset: number, problem: string) {
    super(`TAP file rejected at byte ${offset}: ${problem}`);
    this.name = "TapFormatError";
    this.offset = offset;
    this.problem = problem;
  }
}

// @lapo/asn1js numbers classes from 0 (0 universal, 1 application); messages number them from 1 like the header reader.
const APPLICATION_CLASS = 1;

/** TAP integers are BER two's complement; only values a JavaScript number holds exactly are accepted. */
function readInteger(buf: Buffer, start: number, end: number, offset: number, name: string): number {
  const length = end - start;
  if (length === 0) throw new TapFormatError(offset, `${name} is an INTEGER with no content octets`);
  if (length > 6) throw new TapFormatError(offset, `${name} has ${length} content octets, more than fit`);
  // Starting from -1 for a set sign bit makes the running value the two's complement reading.
  let value = (buf[start] ?? 0) & 0x80 ? -1 : 0;
  for (let i = start; i < end; i++) value = value * 256 + (buf[i] ?? 0);
  return value;
}

const DIGITS = "0123456789abcdef";

/** BCDString: two digits per octet, high nibble first, a single trailing F as filler. */
function readBcd(buf: Buffer, start: number, end: number, offset: number, name: string): string {
  let digits = "";
  for (let i = start; i < end; i++) {
    const byte = buf[i] ?? 0;
    const high = byte >> 4;
    const low = byte & 0x0f;
    if (high === 0x0f || low === 0x0f) {
      if (i !== end - 1) throw new TapFormatError(offset, `${name} has a filler digit F before its end`);
      return high === 0x0f ? digits : digits + DIGITS[high];
    }
    digits += DIGITS[high];
    digits += DIGITS[low];
  }
  return digits;
}

function readContent(kind: TapKind, buf: Buffer, start: number, end: number, offset: number, name: string) {
  switch (kind) {
    case "integer":
      return readInteger(buf, start, end, offset, name);
    case "bcd":
      return readBcd(buf, start, end, offset, name);
    case "ascii":
      return buf.toString("latin1", start, end);
    default:
      return buf.toString("hex", start, end);
  }
}

/** Converts an element @lapo/asn1js decoded from `buf` (whose byte 0 is at file offset `base`), checking TAP's use of BER. */
function toTapNode(element: ASN1, buf: Buffer, base: number): TapNode {
  const tag = element.tag;
  const offset = base + element.stream.pos;
  if (tag.tagClass !== APPLICATION_CLASS || typeof tag.tagNumber !== "number") {
    const what = tag.isEOC() ? "an end-of-contents marker where an element must be" : "a tag";
    throw new TapFormatError(
      offset,
      `${what} of class ${tag.tagClass + 1} number ${tag.tagNumber}, TAP uses APPLICATION tags`,
    );
  }
  const info = tagInfo(tag.tagNumber);
  const headerLength = element.header;
  const node: TapNode = {
    name: info.name,
    tag: tag.tagNumber,
    offset,
    headerLength,
    length: 0,
    indefinite: element.length < 0,
    kind: tag.tagConstructed ? "constructed" : info.kind,
  };
  if (tag.tagConstructed) {
    if (info.kind !== "constructed" && !info.name.startsWith("Tag")) {
      throw new TapFormatError(offset, `${info.name} must be primitive but is constructed`);
    }
    // The library leaves the end-of-contents marker of an indefinite length out of the children.
    const sub = element.sub ?? [];
    const children: TapNode[] = new Array(sub.length);
    for (let i = 0; i < sub.length; i++) children[i] = toTapNode(sub[i] as ASN1, buf, base);
    node.children = children;
    const last = sub[sub.length - 1];
    node.length = last ? base + last.posEnd() - offset - headerLength : 0;
    return node;
  }
  if (info.kind === "constructed")
    throw new TapFormatError(offset, `${info.name} must be constructed but is primitive`);
  const start = element.posContent();
  const end = start + element.length;
  node.length = element.length;
  node.hex = buf.toString("hex", start, end);
  node.value = readContent(info.kind, buf, start, end, offset, info.name);
  return node;
}

/** Messages of @lapo/asn1js give positions in the bytes it was handed; these name file offsets instead. */
function fileOffsets(message: string, base: number): string {
  return message
    .replace(/\b(offset|position) (\d+)/g, (_, word: string, n: string) => `${word} ${base + Number(n)}`)
    .replace(/on a stream of length (\d+)/g, (_, n: string) => `past the bytes available (up to ${base + Number(n)})`)
    .replace("which is past the end of the stream", "which runs past the end of its enclosing element");
}

/** The library's messages when the bytes end before the element does (as opposed to BER that is wrong). */
const SHORT = /on a stream of length|past the end of the stream/;

/**
 * Decodes the one element at the start of `bytes` (file offset `base`), which must hold all of it; bytes after it are
 * ignored. Returns the tree and the element's total size in bytes. When the bytes end inside the element: null if
 * `more` says the caller can supply more, otherwise a TapFormatError like every other malformed element.
 */
export function decodeTapElement(
  bytes: Uint8Array,
  base: number,
  more = false,
): { node: TapNode; size: number } | null {
  if (bytes.length === 0) throw new TapFormatError(base, "the file ends where an element must be");
  let element: ASN1;
  try {
    element = ASN1.decode(bytes, 0);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (more && SHORT.test(message)) return null;
    throw new TapFormatError(base, `BER decoding failed: ${fileOffsets(message, base)}`);
  }
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { node: toTapNode(element, buf, base), size: element.posEnd() };
}

/** The first child of a node with the given name. */
export function child(node: TapNode | undefined, name: string): TapNode | undefined {
  const children = node?.children;
  if (!children) return undefined;
  for (let i = 0; i < children.length; i++) if ((children[i] as TapNode).name === name) return children[i];
  return undefined;
}

/** Follows a path of names from a node. */
export function at(node: TapNode | undefined, ...path: string[]): TapNode | undefined {
  let current = node;
  for (const name of path) current = child(current, name);
  return current;
}

export function all(node: TapNode | undefined, name: string): TapNode[] {
  return node?.children?.filter((c) => c.name === name) ?? [];
}

/** Decodes a whole small file in memory (inspection, tests); imports use the streaming reader instead. */
export function decodeTapTree(bytes: Uint8Array): TapNode {
  const decoded = decodeTapElement(bytes, 0) as { node: TapNode; size: number };
  if (decoded.size !== bytes.length) {
    throw new TapFormatError(decoded.size, `${bytes.length - decoded.size} bytes after the end of the first element`);
  }
  return decoded.node;
}
