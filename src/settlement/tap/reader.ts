// Streams a TAP or RAP file: the root element and the call event list (a RAP's return list) are entered header by
// header, and every other element (batch control, accounting, network info, each record, audit control) is handed
// whole to the BER decoder (@lapo/asn1js, working in place on the window's bytes) as soon as its bytes have arrived.
// Only the current element is held in memory, so a file of any number of records is read in constant memory.
// Definite and indefinite lengths are both accepted, at every level.
import { decodeTapElement, TapFormatError, type TapNode } from "./tree.ts";

/** What the reader yields, in file order. */
export type TapEvent =
  | { type: "root"; name: string; tag: number; offset: number }
  | { type: "group"; node: TapNode }
  | { type: "record"; node: TapNode; index: number }
  /** With `rawRecords`: a record's undecoded bytes (a view, valid until the next event) and its offset in the file. */
  | { type: "raw"; bytes: Uint8Array; offset: number; index: number }
  | { type: "end"; bytes: number; records: number };

const ROOTS = new Map<number, string>([
  [1, "TransferBatch"],
  [2, "Notification"],
  [534, "ReturnBatch"],
  [535, "Acknowledgement"],
]);
/** The list whose items are yielded one by one, per root: a TransferBatch's call events, a ReturnBatch's returns. */
const RECORD_LISTS = new Map<number, { tag: number; name: string }>([
  [1, { tag: 3, name: "CallEventDetailList" }],
  [534, { tag: 536, name: "ReturnDetailList" }],
]);

interface Header {
  tagClass: number;
  constructed: boolean;
  tag: number;
  headerLength: number;
  /** null for the indefinite form. */
  length: number | null;
}

/** A byte window over the stream: absolute positions, refilled on demand, consumed bytes dropped. */
class Window {
  private buf = new Uint8Array(0);
  private start = 0; // absolute offset of buf[0]
  pos = 0; // absolute read position
  private done = false;
  private readonly chunks: AsyncIterator<Uint8Array>;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.chunks = source[Symbol.asyncIterator]();
  }

  get available(): number {
    return this.start + this.buf.length - this.pos;
  }

  /** Makes at least n bytes from pos available, or as many as the stream has left. */
  async fill(n: number): Promise<void> {
    while (this.available < n && !this.done) {
      const next = await this.chunks.next();
      if (next.done) {
        this.done = true;
        break;
      }
      const keep = this.buf.subarray(this.pos - this.start);
      const merged = new Uint8Array(keep.length + next.value.length);
      merged.set(keep, 0);
      merged.set(next.value, keep.length);
      this.buf = merged;
      this.start = this.pos;
    }
  }

  /** The stream has delivered its last chunk: what is available is all there is. */
  get exhausted(): boolean {
    return this.done;
  }

  get ended(): boolean {
    return this.done && this.available === 0;
  }

  byte(i: number): number | undefined {
    return this.buf[this.pos - this.start + i];
  }

  view(): Uint8Array {
    return this.buf.subarray(this.pos - this.start);
  }
}

/** Reads the identifier and length octets at the window's position (only to enter the root and the record list). */
async function peekHeader(w: Window): Promise<Header> {
  await w.fill(16);
  return readHeader(w);
}

/** As peekHeader, on bytes already in the window: at least 16 of them, or all the stream has left. */
function readHeader(w: Window): Header {
  const at = w.pos;
  const first = w.byte(0);
  if (first === undefined) throw new TapFormatError(at, "the file ends where an element header must be");
  let i = 1;
  let tag = first & 0x1f;
  if (tag === 0x1f) {
    tag = 0;
    for (;;) {
      const b = w.byte(i++);
      if (b === undefined) throw new TapFormatError(at, "the file ends inside a tag");
      tag = tag * 128 + (b & 0x7f);
      if (!(b & 0x80)) break;
      if (i > 5) throw new TapFormatError(at, "a tag number longer than 4 octets");
    }
  }
  const lengthOctet = w.byte(i++);
  if (lengthOctet === undefined) throw new TapFormatError(at, "the file ends inside a length");
  let length: number | null;
  if (lengthOctet === 0x80) length = null;
  else if (lengthOctet < 0x80) length = lengthOctet;
  else {
    const count = lengthOctet & 0x7f;
    if (count > 6) throw new TapFormatError(at + i - 1, `a length of ${count} octets`);
    length = 0;
    for (let k = 0; k < count; k++) {
      const b = w.byte(i++);
      if (b === undefined) throw new TapFormatError(at, "the file ends inside a length");
      length = length * 256 + b;
    }
  }
  // Class numbered from 1 (1 universal, 2 application, 3 context, 4 private), as in the messages of tree.ts.
  return { tagClass: (first >> 6) + 1, constructed: (first & 0x20) !== 0, tag, headerLength: i, length };
}

function isEoc(w: Window): boolean {
  return w.byte(0) === 0 && w.byte(1) === 0;
}

/** An element's bytes, undecoded, and its offset in the file. */
interface RawElement {
  bytes: Uint8Array;
  offset: number;
}

/**
 * Decodes the element at the window's position (or with `raw`, only delimits it) and moves past it if all its bytes
 * are in the window; otherwise returns how many bytes from the position to have before trying again. Once the stream
 * is exhausted, too few bytes is an error. An indefinite-length element is decoded even when `raw`: the decoder finds
 * its end-of-contents (and refuses it here, at its offset, when malformed).
 */
function decodeBuffered(w: Window, limit: number | null): TapNode | number;
function decodeBuffered(w: Window, limit: number | null, raw: true): RawElement | number;
function decodeBuffered(w: Window, limit: number | null, raw = false): TapNode | RawElement | number {
  if (w.available < 16 && !w.exhausted) return 16;
  const header = readHeader(w);
  const at = w.pos;
  if (header.length !== null) {
    const total = header.headerLength + header.length;
    if (limit !== null && at + total > limit) {
      throw new TapFormatError(at, `an element of ${total} bytes overruns its enclosing element (ends at ${limit})`);
    }
    if (w.available < total) {
      if (w.exhausted) throw new TapFormatError(at, `the file ends inside an element of ${total} bytes`);
      return total;
    }
    // Exactly this element's bytes: a child that claims more than its parent holds is an error, not a read past it.
    const bytes = w.view().subarray(0, total);
    w.pos += total;
    if (raw) return { bytes, offset: at };
    return (decodeTapElement(bytes, at) as { node: TapNode; size: number }).node;
  }
  // Indefinite length: the decoder finds the end-of-contents; read more of the stream while it runs out of bytes.
  const decoded = decodeTapElement(w.view(), at, !w.exhausted);
  if (!decoded) return Math.max(4096, w.available * 2);
  if (limit !== null && at + decoded.size > limit) {
    throw new TapFormatError(
      at,
      `an element of ${decoded.size} bytes overruns its enclosing element (ends at ${limit})`,
    );
  }
  const bytes = w.view().subarray(0, decoded.size);
  w.pos += decoded.size;
  return raw ? { bytes, offset: at } : decoded.node;
}

/** Decodes one whole element at the window's position and moves past it, reading the stream as far as it needs. */
async function decodeElement(w: Window, limit: number | null): Promise<TapNode> {
  for (;;) {
    const decoded = decodeBuffered(w, limit);
    if (typeof decoded !== "number") return decoded;
    await w.fill(decoded);
  }
}

/** As decodeElement, but only delimits the element: its bytes are decoded elsewhere (a worker thread). */
async function rawElement(w: Window, limit: number | null): Promise<RawElement> {
  for (;;) {
    const element = decodeBuffered(w, limit, true);
    if (typeof element !== "number") return element;
    await w.fill(element);
  }
}

export interface ReadTapOptions {
  /** Yield each record's bytes undecoded ("raw" events) instead of its decoded tree, for decoding elsewhere. */
  rawRecords?: boolean;
}
/**
 * Yields the root, then each top-level group and each call event record as decoded trees, then "end". Throws
 * TapFormatError naming the byte offset on anything malformed, including bytes after the root element.
 */
export async function* readTap(
  source: AsyncIterable<Uint8Array>,
  options: ReadTapOptions = {},
): AsyncGenerator<TapEvent> {
  const w = new Window(source);
  const root = await peekHeader(w);
  const rootName = ROOTS.get(root.tag);
  if (root.tagClass !== 2 || !root.constructed || !rootName) {
    throw new TapFormatError(
      0,
      `the file starts with tag ${root.tag} (class ${root.tagClass}), not a TAP or RAP batch`,
    );
  }
  yield { type: "root", name: rootName, tag: root.tag, offset: 0 };
  w.pos += root.headerLength;
  const rootEnd = root.length === null ? null : root.headerLength + root.length;
  let records = 0;
  for (;;) {
    await w.fill(2);
    if (rootEnd !== null && w.pos === rootEnd) break;
    if (rootEnd === null && isEoc(w)) {
      w.pos += 2;
      break;
    }
    if (w.ended) throw new TapFormatError(w.pos, `the file ends inside the ${rootName}`);
    const header = await peekHeader(w);
    const list = RECORD_LISTS.get(root.tag);
    if (list && header.tag === list.tag && header.tagClass === 2) {
      const listAt = w.pos;
      w.pos += header.headerLength;
      const listEnd = header.length === null ? null : listAt + header.headerLength + header.length;
      for (;;) {
        if (w.available < 2) await w.fill(2);
        if (listEnd !== null && w.pos === listEnd) break;
        if (listEnd === null && isEoc(w)) {
          w.pos += 2;
          break;
        }
        if (w.ended) throw new TapFormatError(w.pos, `the file ends inside the ${list.name}`);
        if (options.rawRecords) {
          const buffered = decodeBuffered(w, listEnd, true);
          const raw = typeof buffered === "number" ? await rawElement(w, listEnd) : buffered;
          yield { type: "raw", bytes: raw.bytes, offset: raw.offset, index: records++ };
          continue;
        }
        // Synchronously while the window holds the record (almost always): no promise per record.
        const buffered = decodeBuffered(w, listEnd);
        const node = typeof buffered === "number" ? await decodeElement(w, listEnd) : buffered;
        yield { type: "record", node, index: records++ };
      }
      continue;
    }
    yield { type: "group", node: await decodeElement(w, rootEnd) };
  }
  await w.fill(1);
  if (!w.ended) {
    await w.fill(2);
    const stray = isEoc(w) ? "a stray end-of-contents marker (00 00)" : "bytes";
    throw new TapFormatError(w.pos, `${stray} after the end of the ${rootName}`);
  }
  yield { type: "end", bytes: w.pos, records };
}

/** A Buffer or byte array as a one-chunk stream (tests, small files). */
export async function* bytesSource(bytes: Uint8Array, chunkSize = 65536): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}
