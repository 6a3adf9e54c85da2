// The in-memory answer to "who may use number N at time T": a digit trie of every grant (allocation, assignment,
// delegation) over E.164 prefixes, plus each organisation's vetting standing. A lookup walks at most one trie node
// per digit of N and checks each covering grant's chain up to its allocation, so it costs microseconds and never
// touches the database. Built from the read model at start and kept current by the projection; it answers the same
// as the contract's whoMayUse view (test/eidl checks that on a sample).

export interface IndexedGrant {
  id: string;
  /** The grant this one was made under; null for an allocation by the Numbering Authority. */
  parentId: string | null;
  prefix: string;
  /** 0 Allocation, 1 Assignment, 2 Delegation. */
  kind: number;
  /** Organisation identities (lower-case addresses). */
  issuer: string;
  holder: string;
  /** Unix seconds; validUntil 0 means no end. */
  validFrom: number;
  validUntil: number;
  revoked: boolean;
}

export interface IndexedStanding {
  /** True while the latest vetting is Complete + Authorized. */
  authorized: boolean;
  /** The organisation that vetted it; its own standing is required too unless it is the root of trust. */
  vetter: string | null;
}

export interface Holding {
  grantId: string;
  prefix: string;
  kind: number;
  issuer: string;
  holder: string;
}

interface TrieNode {
  children: Array<TrieNode | undefined>;
  grants: IndexedGrant[];
}

const newNode = (): TrieNode => ({ children: new Array(10), grants: [] });

export class PrefixIndex {
  readonly #root = newNode();
  readonly #grants = new Map<string, IndexedGrant>();
  readonly #standing = new Map<string, IndexedStanding>();
  /** Organisations that are authorised without being vetted (the Trust Authority, the Numbering Authority). */
  readonly #roots = new Set<string>();

  get size(): number {
    return this.#grants.size;
  }

  /** Adds or replaces a grant (replacing keeps its trie position: a grant's prefix never changes). */
  putGrant(grant: IndexedGrant): void {
    const existing = this.#grants.get(grant.id);
    if (existing) {
      Object.assign(existing, grant);
      return;
    }
    const copy = { ...grant };
    this.#grants.set(copy.id, copy);
    let node = this.#root;
    for (let i = 0; i < copy.prefix.length; i++) {
      const digit = copy.prefix.charCodeAt(i) - 48;
      let next = node.children[digit];
      if (!next) {
        next = newNode();
        node.children[digit] = next;
      }
      node = next;
    }
    node.grants.push(copy);
  }

  grant(id: string): IndexedGrant | undefined {
    return this.#grants.get(id);
  }

  markRevoked(id: string): void {
    const grant = this.#grants.get(id);
    if (grant) grant.revoked = true;
  }

  setStanding(org: string, standing: IndexedStanding): void {
    this.#standing.set(org, standing);
  }

  setRootOfTrust(org: string, isRoot: boolean): void {
    if (isRoot) this.#roots.add(org);
    else this.#roots.delete(org);
  }

  /** Authorised now: the root of trust, or a Complete + Authorized vetting by an organisation itself authorised. */
  isAuthorized(org: string, depth = 0): boolean {
    if (this.#roots.has(org)) return true;
    const standing = this.#standing.get(org);
    if (!standing?.authorized || depth > 8) return false;
    return standing.vetter === null ? false : this.isAuthorized(standing.vetter, depth + 1);
  }

  /** A grant is valid at `at` when it, its holder, its issuer and every grant above it are. */
  isValid(grant: IndexedGrant, at: number, depth = 0): boolean {
    if (grant.revoked || at < grant.validFrom || (grant.validUntil !== 0 && at >= grant.validUntil)) return false;
    if (!this.isAuthorized(grant.holder) || !this.isAuthorized(grant.issuer)) return false;
    if (grant.parentId === null) return true;
    const parent = this.#grants.get(grant.parentId);
    return parent !== undefined && depth < 32 && this.isValid(parent, at, depth + 1);
  }

  /** Every valid grant covering `tn` at `at`, from the shortest prefix to the longest (allocation first). */
  holdingsOf(tn: string, at: number): Holding[] {
    const out: Holding[] = [];
    let node: TrieNode | undefined = this.#root;
    for (let i = 0; i < tn.length && node; i++) {
      node = node.children[tn.charCodeAt(i) - 48];
      if (!node) break;
      for (const g of node.grants) {
        if (this.isValid(g, at)) {
          out.push({ grantId: g.id, prefix: g.prefix, kind: g.kind, issuer: g.issuer, holder: g.holder });
        }
      }
    }
    return out;
  }

  /**
   * Who may use `tn` at `at`: the holders of the valid grants covering it, without duplicates, in chain order
   * (allocation holder first, the last delegate last). Empty when nobody holds it.
   */
  whoMayUse(tn: string, at: number): string[] {
    const holders: string[] = [];
    for (const h of this.holdingsOf(tn, at)) if (!holders.includes(h.holder)) holders.push(h.holder);
    return holders;
  }

  /** Grants (valid or not) whose prefix is `prefix` or a prefix of it: overlap checks and custody history. */
  grantsCovering(prefix: string): IndexedGrant[] {
    const out: IndexedGrant[] = [];
    let node: TrieNode | undefined = this.#root;
    for (let i = 0; i < prefix.length && node; i++) {
      node = node.children[prefix.charCodeAt(i) - 48];
      if (node) out.push(...node.grants);
    }
    return out;
  }
}
