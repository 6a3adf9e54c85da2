// One decoded TAP/RAP element as a plain tree: name, tag, byte offset in the file, header and content lengths, and the
// content read per the element's kind. The BER itself is decoded by asn1js; this only walks asn1js's blocks, adds the
// file offsets (asn1js gives lengths, not positions) and reads the TAP content types (integer, ASCII, BCD).
import * as asn1js from "asn1js";
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

const APPLICATION_CLASS = 2;
const UNIVERSAL_CLASS = 1;

function isEndOfContents(block: asn1js.AsnType): boolean {
  return block.idBlock.tagClass === UNIVERSAL_CLASS && block.idBlock.tagNumber === 0;
}

function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** TAP integers are BER two's complement; only values a JavaScript number holds exactly are accepted. */
function readInteger(bytes: Uint8Array, offset: number, name: string): number {
  if (bytes.length === 0) throw new TapFormatError(offset, `${name} is an INTEGER with no content octets`);
  if (bytes.length > 6) throw new TapFormatError(offset, `${name} has ${bytes.length} content octets, more than fit`);
  // Starting from -1 for a set sign bit makes the running value the two's complement reading.
  let value = (bytes[0] ?? 0) & 0x80 ? -1 : 0;
  for (const b of bytes) value = value * 256 + b;
  return value;
}

/** BCDString: two digits per octet, high nibble first, a single trailing F as filler. */
function readBcd(bytes: Uint8Array, offset: number, name: string): string {
  let digits = "";
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i] ?? 0;
    for (const nibble of [byte >> 4, byte & 0x0f]) {
      if (nibble === 0x0f) {
        if (i !== bytes.length - 1) throw new TapFormatError(offset, `${name} has a filler digit F before its end`);
        return digits;
      }
      digits += nibble.toString(16);
    }
  }
  return digits;
}

function readContent(kind: TapKind, bytes: Uint8Array, offset: number, name: string): string | number {
  switch (kind) {
    case "integer":
      return readInteger(bytes, offset, name);
    case "bcd":
      return readBcd(bytes, offset, name);
    case "ascii":
      return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("latin1");
    default:
      return toHex(bytes);
  }
}

/** Converts an asn1js block decoded from a file at `offset` into a TapNode, checking TAP's use of BER. */
export function toTapNode(block: asn1js.AsnType, offset: number): TapNode {
  const id = block.idBlock;
  if (id.tagClass !== APPLICATION_CLASS) {
    const what = isEndOfContents(block) ? "an end-of-contents marker where an element must be" : "a tag";
    throw new TapFormatError(
      offset,
      `${what} of class ${id.tagClass} number ${id.tagNumber}, TAP uses APPLICATION tags`,
    );
  }
  const info = tagInfo(id.tagNumber);
  const headerLength = id.blockLength + block.lenBlock.blockLength;
  const indefinite = block.lenBlock.isIndefiniteForm;
  const node: TapNode = {
    name: info.name,
    tag: id.tagNumber,
    offset,
    headerLength,
    length: 0,
    indefinite,
    kind: id.isConstructed ? "constructed" : info.kind,
  };
  if (id.isConstructed) {
    if (info.kind !== "constructed" && !info.name.startsWith("Tag")) {
      throw new TapFormatError(offset, `${info.name} must be primitive but is constructed`);
    }
    const children: TapNode[] = [];
    let at = offset + headerLength;
    for (const child of (block as asn1js.Constructed).valueBlock.value) {
      if (isEndOfContents(child) && indefinite) break;
      children.push(toTapNode(child, at));
      at += child.blockLength;
    }
    node.children = children;
    node.length = at - offset - headerLength;
    return node;
  }
  if (info.kind === "constructed")
    throw new TapFormatError(offset, `${info.name} must be constructed but is primitive`);
  const bytes = (block as asn1js.Primitive).valueBlock.valueHexView;
  node.length = bytes.length;
  node.hex = toHex(bytes);
  node.value = readContent(info.kind, bytes, offset, info.name);
  return node;
}

/** The first child of a node with the given name. */
export function child(node: TapNode | undefined, name: string): TapNode | undefined {
  return node?.children?.find((c) => c.name === name);
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
  const decoded = asn1js.fromBER(bytes);
  if (decoded.offset === -1) throw new TapFormatError(0, `BER decoding failed: ${decoded.result.error}`);
  if (decoded.offset !== bytes.length) {
    throw new TapFormatError(
      decoded.offset,
      `${bytes.length - decoded.offset} bytes after the end of the first element`,
    );
  }
  return toTapNode(decoded.result, 0);
}
