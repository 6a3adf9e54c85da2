// The agent's one EIDL index: the in-memory prefix index plus what it does not keep (credential hashes, vetters),
// built once per agent by the plugin's publish() from the read model and membership's directory, then kept current
// by the indexer's committed events. The EIDL service asks it who may use a number; other domains see it only through
// the EidlFacts interface (published.ts).
import type { Address } from "viem";
import type { ChainEvent } from "../core/chain/indexer/indexer.ts";
import { formatDid, parseEthrDid } from "../core/identity/didEthr.ts";
import { GRANT_KINDS, VettingResult } from "./enums.ts";
import { type IndexedGrant, PrefixIndex } from "./prefixIndex.ts";
import { applyToIndex } from "./projection.ts";
import type { EidlFacts, EidlGrantFact, EidlStanding } from "./published.ts";
import type { GrantRow, IndexSource } from "./readModel.ts";

export type { EidlFacts, EidlGrantFact, EidlStanding } from "./published.ts";

/** A consortium member as authorization needs it (from membership's directory). */
export interface MemberStanding {
  address: string;
  active: boolean;
  roles: readonly string[];
}

const lower = (value: unknown) => String(value).toLowerCase();

export function indexedGrantOf(g: GrantRow): IndexedGrant {
  return {
    id: String(g.id),
    parentId: g.parent_id === null ? null : String(g.parent_id),
    prefix: g.prefix,
    kind: Number(g.kind),
    issuer: g.issuer,
    holder: g.holder,
    validFrom: Number(g.valid_from),
    validUntil: Number(g.valid_until),
    revokedAt: Number(g.revoked_at),
    block: Number(g.created_block),
    logIndex: Number(g.created_log),
  };
}

/** Fills a prefix index from the read model and the member directory (agent start, benchmarks). */
export function fillIndex(index: PrefixIndex, source: IndexSource, members: readonly MemberStanding[]): void {
  for (const m of members) index.setMember(lower(m.address), m.active, m.roles);
  for (const org of source.orgs) index.setOrganisation(org.org, org.member, Number(org.org_type));
  for (const v of source.completeVettings) {
    index.setStanding(v.org, { authorized: Number(v.result) === VettingResult.Authorized, vetter: v.vetter });
  }
  for (const g of source.grants) index.putGrant(indexedGrantOf(g));
}

/** EidlFacts over a PrefixIndex, plus what the index does not keep (credential hashes, vetters). */
export class IndexedEidlFacts implements EidlFacts {
  readonly index = new PrefixIndex();
  readonly #chainId: number;
  readonly #credentialToGrant = new Map<string, string>();
  readonly #credentialOfGrant = new Map<string, string>();
  readonly #vetterOf = new Map<string, string>();
  readonly #orgs = new Set<string>();
  readonly #memberOfOrg = new Map<string, string>();
  readonly #addressOfDid = new Map<string, string | null>();
  readonly #didOfOrg = new Map<string, string>();

  constructor(chainId: number) {
    this.#chainId = chainId;
  }

  /** Loads the read model (agent start). Events applied before this are applied again by the load: idempotent. */
  load(source: IndexSource, members: readonly MemberStanding[]): void {
    fillIndex(this.index, source, members);
    for (const g of source.grants) this.#rememberCredential(String(g.id), g.credential_hash);
    for (const v of source.completeVettings) this.#vetterOf.set(v.org, v.vetter);
    for (const o of source.orgs) {
      this.#orgs.add(o.org);
      this.#memberOfOrg.set(o.org, lower(o.member));
    }
  }

  /**
   * Replaces everything with the read model's content: after the chain dropped blocks, the indexer undid what they
   * projected, and events cannot be un-applied from the index one by one.
   */
  reload(source: IndexSource, members: readonly MemberStanding[]): void {
    this.index.clear();
    this.#credentialToGrant.clear();
    this.#credentialOfGrant.clear();
    this.#vetterOf.clear();
    this.#orgs.clear();
    this.#memberOfOrg.clear();
    this.load(source, members);
  }

  /** Indexer listener (after commit): the same events the EIDL projection wrote to the read model. */
  apply(event: ChainEvent): void {
    applyToIndex(this.index, event);
    if (event.source === "TnAuthority" && event.eventName === "GrantRecorded") {
      this.#rememberCredential(String(event.args.grantId), lower(event.args.credentialHash));
    } else if (event.source === "OrganisationRegistry" && event.eventName === "OrganisationCreated") {
      this.#orgs.add(lower(event.args.identity));
      this.#memberOfOrg.set(lower(event.args.identity), lower(event.args.member));
    } else if (
      event.source === "OrganisationRegistry" &&
      event.eventName === "VettingRecorded" &&
      Number(event.args.status) === 1
    ) {
      this.#vetterOf.set(lower(event.args.organisation), lower(event.args.vetter));
    }
  }

  standingOf(did: string): EidlStanding | undefined {
    const org = this.#orgOf(did);
    if (org === null || !this.#orgs.has(org)) return undefined;
    const vetter = this.#vetterOf.get(org);
    return {
      authorized: this.index.isAuthorized(org),
      vetterDid: vetter === undefined ? null : this.#didOf(vetter),
    };
  }

  grantForUse(tn: string, did: string, at: number): EidlGrantFact | undefined {
    const org = this.#orgOf(did);
    if (org === null) return undefined;
    // The deepest holding of the organisation: the grant it received last along the chain.
    const holding = this.index
      .holdingsOf(tn, at)
      .filter((h) => h.holder === org)
      .at(-1);
    return holding ? this.#fact(holding.grantId) : undefined;
  }

  holderOf(tn: string, at: number): EidlGrantFact | undefined {
    const holding = this.index.holdingsOf(tn, at).at(-1);
    return holding ? this.#fact(holding.grantId) : undefined;
  }

  memberOf(did: string): string | undefined {
    const org = this.#orgOf(did);
    return org === null ? undefined : this.#memberOfOrg.get(org);
  }

  grantByCredential(credentialHash: string): EidlGrantFact | undefined {
    const grantId = this.#credentialToGrant.get(credentialHash.toLowerCase());
    return grantId === undefined ? undefined : this.#fact(grantId);
  }

  isGrantValid(grantId: string, at: number): boolean {
    const grant = this.index.grant(grantId);
    if (!grant || !this.index.isValid(grant, at)) return false;
    // A grant of a number ported away stays "valid" in its own chain; only the deciding allocation's chain counts.
    return this.index.holdingsOf(grant.prefix, at).some((h) => h.grantId === grantId);
  }

  #fact(grantId: string): EidlGrantFact | undefined {
    const g = this.index.grant(grantId);
    if (!g) return undefined;
    return {
      grantId: g.id,
      parentGrantId: g.parentId,
      prefix: g.prefix,
      kind: GRANT_KINDS[g.kind] as EidlGrantFact["kind"],
      issuerDid: this.#didOf(g.issuer),
      holderDid: this.#didOf(g.holder),
      credentialHash: this.#credentialOfGrant.get(g.id) ?? "",
    };
  }

  #rememberCredential(grantId: string, credentialHash: string): void {
    this.#credentialToGrant.set(credentialHash.toLowerCase(), grantId);
    this.#credentialOfGrant.set(grantId, credentialHash.toLowerCase());
  }

  /** An organisation's DID, cached: formatting checksums the address (a Keccak hash), too slow for every call. */
  #didOf(org: string): string {
    let did = this.#didOfOrg.get(org);
    if (did === undefined) {
      did = formatDid(this.#chainId, org as Address);
      this.#didOfOrg.set(org, did);
    }
    return did;
  }

  /** The organisation identity (lower-case address) a DID of this chain names; null for anything else. */
  #orgOf(did: string): string | null {
    let org = this.#addressOfDid.get(did);
    if (org === undefined) {
      try {
        const parsed = parseEthrDid(did);
        org = parsed.did === formatDid(this.#chainId, parsed.address) ? parsed.address.toLowerCase() : null;
      } catch {
        org = null;
      }
      if (this.#addressOfDid.size > 100_000) this.#addressOfDid.clear();
      this.#addressOfDid.set(did, org);
    }
    return org;
  }
}
