// An RFC 9162 (Certificate Transparency 2.0, as RFC 6962) Merkle tree: leaf hash SHA-256(0x00 || data), interior
// node SHA-256(0x01 || left || right), the tree head MTH over any prefix of the log, inclusion proofs (PATH) and
// consistency proofs (PROOF / SUBPROOF) per §2.1.3.1 and §2.1.4.1, and their verification per §2.1.3.2 and §2.1.4.2.
//
// Every complete, aligned subtree's hash is kept (levels[k][i] covers leaves [i * 2^k, (i + 1) * 2^k)), so an append
// costs O(1) amortised and MTH of a prefix, a proof of any size O(log n) hashes: the RFC's recursion only ever asks
// for a subtree that starts on a multiple of its largest power-of-two part.
import { createHash } from "node:crypto";

export type Hash = Uint8Array;

const sha256 = (...parts: Uint8Array[]): Hash => {
  const h = createHash("sha256");
  for (const p of parts) h.update(p);
  return new Uint8Array(h.digest());
};
const LEAF = Uint8Array.of(0x00);
const NODE = Uint8Array.of(0x01);

export const leafHash = (data: Uint8Array): Hash => sha256(LEAF, data);
export const nodeHash = (left: Hash, right: Hash): Hash => sha256(NODE, left, right);
export const EMPTY_ROOT: Hash = sha256();

/** The largest power of two strictly smaller than n (n >= 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

const equal = (a: Hash, b: Hash) => a.length === b.length && a.every((v, i) => v === b[i]);

export class MerkleLog {
  /** levels[0] are leaf hashes; levels[k][i] the hash of the complete subtree of 2^k leaves starting at i * 2^k. */
  readonly #levels: Hash[][] = [[]];

  get size(): number {
    return this.#levels[0]?.length ?? 0;
  }

  /** Appends a leaf by its hash (leafHash of the entry); returns its index. */
  appendLeafHash(hash: Hash): number {
    const index = this.size;
    (this.#levels[0] as Hash[]).push(hash);
    // Every complete subtree this leaf finishes gets its hash now.
    for (let k = 0, i = index; i % 2 === 1; k++, i = (i - 1) / 2) {
      const below = this.#levels[k] as Hash[];
      const above = this.#levels[k + 1] ?? [];
      this.#levels[k + 1] = above;
      above.push(nodeHash(below[i - 1] as Hash, below[i] as Hash));
    }
    return index;
  }

  append(data: Uint8Array): number {
    return this.appendLeafHash(leafHash(data));
  }

  leafHashAt(index: number): Hash {
    const hash = this.#levels[0]?.[index];
    if (!hash) throw new RangeError(`no leaf ${index} in a log of ${this.size}`);
    return hash;
  }

  /** MTH(D[start:end]) for the ranges the RFC's recursion produces. */
  #mth(start: number, end: number): Hash {
    const n = end - start;
    if (n === 0) return EMPTY_ROOT;
    if ((n & (n - 1)) === 0 && start % n === 0) {
      const level = Math.log2(n);
      const hash = this.#levels[level]?.[start / n];
      if (hash) return hash;
    }
    if (n === 1) return this.leafHashAt(start);
    const k = splitPoint(n);
    return nodeHash(this.#mth(start, start + k), this.#mth(start + k, end));
  }

  /** The tree head of the first `treeSize` leaves (default: all). */
  root(treeSize = this.size): Hash {
    this.#checkSize(treeSize);
    return this.#mth(0, treeSize);
  }

  /** PATH(m, D[0:treeSize]): the audit path of leaf m, leaf-side first. */
  inclusionProof(m: number, treeSize = this.size): Hash[] {
    this.#checkSize(treeSize);
    if (!(m >= 0 && m < treeSize)) throw new RangeError(`leaf ${m} is not in a tree of ${treeSize}`);
    const path = (index: number, start: number, end: number): Hash[] => {
      const n = end - start;
      if (n === 1) return [];
      const k = splitPoint(n);
      return index < k
        ? [...path(index, start, start + k), this.#mth(start + k, end)]
        : [...path(index - k, start + k, end), this.#mth(start, start + k)];
    };
    return path(m, 0, treeSize);
  }

  /** PROOF(m, D[0:n]): the consistency proof between tree sizes m and n (0 < m <= n). */
  consistencyProof(m: number, n = this.size): Hash[] {
    this.#checkSize(n);
    if (!(m > 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
    const subproof = (mm: number, start: number, end: number, whole: boolean): Hash[] => {
      const size = end - start;
      if (mm === size) return whole ? [] : [this.#mth(start, end)];
      const k = splitPoint(size);
      return mm <= k
        ? [...subproof(mm, start, start + k, whole), this.#mth(start + k, end)]
        : [...subproof(mm - k, start + k, end, false), this.#mth(start, start + k)];
    };
    return subproof(m, 0, n, true);
  }

  #checkSize(treeSize: number): void {
    if (!(Number.isInteger(treeSize) && treeSize >= 0 && treeSize <= this.size)) {
      throw new RangeError(`tree size ${treeSize} is not within the log's ${this.size} leaves`);
    }
  }
}

/** RFC 9162 §2.1.3.2: does `proof` show the leaf with `hash` at `index` in the tree of `treeSize` with `root`? */
export function verifyInclusion(
  hash: Hash,
  index: number,
  treeSize: number,
  proof: readonly Hash[],
  root: Hash,
): boolean {
  if (!(index >= 0 && index < treeSize)) return false;
  let fn = index;
  let sn = treeSize - 1;
  let r = hash;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && equal(r, root);
}

/** RFC 9162 §2.1.4.2: does `proof` show the tree (size2, root2) extends the tree (size1, root1)? */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Hash[],
  root1: Hash,
  root2: Hash,
): boolean {
  if (!(size1 > 0 && size1 <= size2)) return false;
  if (size1 === size2) return proof.length === 0 && equal(root1, root2);
  if (proof.length === 0) return false;
  // A size1 that is a power of two is the first subtree of the path: the proof starts after it.
  const path = (size1 & (size1 - 1)) === 0 ? [root1, ...proof] : [...proof];
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (fn % 2 === 1) {
    fn >>= 1;
    sn >>= 1;
  }
  let fr = path[0] as Hash;
  let sr = path[0] as Hash;
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (fn % 2 === 0) {
        while (fn % 2 === 0 && fn !== 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1;
    sn >>= 1;
  }
  return sn === 0 && equal(fr, root1) && equal(sr, root2);
}
