// The in-memory answer to "who may use number N at time T": a digit trie of every grant (allocation, assignment,
// delegation) over E.164 prefixes, plus each organisation's vetting standing. A lookup walks at most one trie node
// per digit of N, so it costs microseconds and never touches the database. Built from the read model at start and
// kept current from the indexer's events; it follows ITnAuthority's rules exactly (test/eidl checks it against the
// contract's whoMayUse view):
// - the deciding allocation of N at T is the newest started allocation (validFrom <= T) on any prefix of N; only
//   grants of its chain count for N (a number ported out leaves its old chain for good);
// - an organisation is authorized now iff its member is active and holds the role of its type, and it is a root
//   (Trust or Numbering Authority) or its latest Complete vetting says Authorized by a vetter authorized now;
// - grant G is valid at T iff not revoked at or before T, T in [validFrom, validUntil), its holder (and for an
//   allocation its grantor) is authorized now, and its parent is valid at T.
import { ROLE_FOR_TYPE } from "./enums.ts";

export interface IndexedGrant {
  id: string;
  /** The grant this one was made under; null for an allocation. */
  parentId: string | null;
  prefix: string;
  /** 0 Allocation, 1 Assignment, 2 Delegation. */
  kind: number;
  /** Organisation identities (lower-case addresses). */
  issuer: string;
  holder: string;
  /** Unix seconds; validUntil 0 means open; revokedAt 0 means not revoked. */
  validFrom: number;
  validUntil: number;
  revokedAt: number;
  /**
   * Where its GrantRecorded sits on chain: block, then log index in the block. Grant ids are content-derived (issue
   * 10) and say nothing about age; this order is the contract's "newest allocation" and "oldest first per prefix".
   */
  block: number;
  logIndex: number;
}

interface Entry extends IndexedGrant {
  rootId: string;
}

/** Chain order: negative when `a` was recorded before `b`. */
export const chainOrder = (a: IndexedGrant, b: IndexedGrant): number => a.block - b.block || a.logIndex - b.logIndex;

export interface IndexedStanding {
  /** True while the latest Complete vetting says Authorized. */
  authorized: boolean;
  /** The organisation that made that vetting; it must be authorized too. */
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
  grants: Entry[];
}

const newNode = (): TrieNode => ({ children: new Array(10), grants: [] });

const ROOT_TYPES = new Set([6, 7]);

/**
 * TnAuthority.MAX_CHAIN_DEPTH: the contract refuses a grant deeper than this (allocation = 1), so the read model never
 * holds a longer chain and walks no further than the contract would.
 */
export const MAX_CHAIN_DEPTH = 8;

export class PrefixIndex {
  #root = newNode();
  readonly #grants = new Map<string, Entry>();
  readonly #standing = new Map<string, IndexedStanding>();
  readonly #orgs = new Map<string, { member: string; type: number }>();
  readonly #members = new Map<string, { active: boolean; roles: Set<string> }>();

  get size(): number {
    return this.#grants.size;
  }

  /** Forgets everything (before a reload from the read model, after the chain dropped blocks). */
  clear(): void {
    this.#root = newNode();
    this.#grants.clear();
    this.#standing.clear();
    this.#orgs.clear();
    this.#members.clear();
  }

  /** Adds a grant; a known id (the same grant applied again, maybe from another block) is updated in place. */
  putGrant(grant: IndexedGrant): void {
    const existing = this.#grants.get(grant.id);
    if (existing) {
      const moved = chainOrder(existing, grant) !== 0;
      Object.assign(existing, grant);
      // The prefix is part of the id's preimage, so the grant stays on its node; only its place there may change.
      if (moved) this.#nodeOf(existing.prefix).grants.sort(chainOrder);
      return;
    }
    const parent = grant.parentId === null ? undefined : this.#grants.get(grant.parentId);
    const entry: Entry = { ...grant, rootId: parent ? parent.rootId : grant.id };
    this.#grants.set(entry.id, entry);
    const node = this.#nodeOf(entry.prefix);
    // Events arrive in chain order, so this is an append; only an out-of-order arrival pays for a sort.
    const last = node.grants.at(-1);
    node.grants.push(entry);
    if (last && chainOrder(last, entry) > 0) node.grants.sort(chainOrder);
  }

  #nodeOf(prefix: string): TrieNode {
    let node = this.#root;
    for (let i = 0; i < prefix.length; i++) {
      const digit = prefix.charCodeAt(i) - 48;
      let next = node.children[digit];
      if (!next) {
        next = newNode();
        node.children[digit] = next;
      }
      node = next;
    }
    return node;
  }

  grant(id: string): IndexedGrant | undefined {
    return this.#grants.get(id);
  }

  markRevoked(id: string, revokedAt: number): void {
    const grant = this.#grants.get(id);
    if (grant) grant.revokedAt = revokedAt;
  }

  setStanding(org: string, standing: IndexedStanding): void {
    this.#standing.set(org, standing);
  }

  setOrganisation(org: string, member: string, type: number): void {
    this.#orgs.set(org, { member, type });
  }

  /** A consortium member's state (from the membership read model and ConsortiumRegistry events). */
  setMember(member: string, active: boolean, roles: readonly string[]): void {
    this.#members.set(member, { active, roles: new Set(roles) });
  }

  /** Authorized now: member active with the type's role, and a root or vetted by an authorized vetter. */
  isAuthorized(org: string, depth = 0): boolean {
    const o = this.#orgs.get(org);
    if (!o) return false;
    const member = this.#members.get(o.member);
    const role = ROLE_FOR_TYPE[o.type];
    if (!member?.active || role === undefined || !member.roles.has(role)) return false;
    if (ROOT_TYPES.has(o.type)) return true;
    const standing = this.#standing.get(org);
    if (!standing?.authorized || standing.vetter === null || depth > 8) return false;
    return this.isAuthorized(standing.vetter, depth + 1);
  }

  /** Whether a grant's chain is valid at `at` (block-level: ports are accounted for by holdingsOf). */
  isValid(grant: IndexedGrant, at: number, depth = 0): boolean {
    if (grant.revokedAt !== 0 && grant.revokedAt <= at) return false;
    if (at < grant.validFrom || (grant.validUntil !== 0 && at >= grant.validUntil)) return false;
    if (!this.isAuthorized(grant.holder)) return false;
    if (grant.parentId === null) return this.isAuthorized(grant.issuer);
    const parent = this.#grants.get(grant.parentId);
    return parent !== undefined && depth < MAX_CHAIN_DEPTH && this.isValid(parent, at, depth + 1);
  }

  /** The valid grants that let someone use `tn` at `at`, shallowest prefix first (the allocation first). */
  holdingsOf(tn: string, at: number): Holding[] {
    const path: TrieNode[] = [];
    let node: TrieNode | undefined = this.#root;
    for (let i = 0; i < tn.length; i++) {
      node = node.children[tn.charCodeAt(i) - 48];
      if (!node) break;
      path.push(node);
    }
    // The newest started allocation on the path decides (a port nests a newer allocation inside an older one, and a
    // fresh allocation covers an old one's prefix only once that one was revoked, so the newest wins either way).
    let deciding: Entry | undefined;
    for (const n of path) {
      for (const g of n.grants) {
        if (g.kind === 0 && g.validFrom <= at && (!deciding || chainOrder(g, deciding) > 0)) deciding = g;
      }
    }
    if (!deciding) return [];
    const out: Holding[] = [];
    for (const n of path) {
      for (const g of n.grants) {
        if (g.rootId === deciding.id && this.isValid(g, at)) {
          out.push({ grantId: g.id, prefix: g.prefix, kind: g.kind, issuer: g.issuer, holder: g.holder });
        }
      }
    }
    return out;
  }

  /** The holders of holdingsOf, in the same order (one per valid grant, as the contract's whoMayUse answers). */
  whoMayUse(tn: string, at: number): string[] {
    return this.holdingsOf(tn, at).map((h) => h.holder);
  }

  /** Grants (valid or not) on `prefix` or on a shorter prefix of it, shortest first: for finding a parent. */
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
