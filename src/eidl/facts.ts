// The EIDL domain's small public read interface for other domains (signed calls first): is an organisation vetted
// Authorized now, may it use a number at a time and through which grant, and which grant a TN Authorization
// credential records. Answers are synchronous, from an in-memory prefix index built from the EIDL read model and kept
// current by the agent's indexer, so a caller deciding a call never waits for the database or the chain.
import type { Address } from "viem";
import type { AgentContext } from "../agent/domain.ts";
import type { ChainEvent } from "../core/chain/indexer/indexer.ts";
import { formatDid, parseEthrDid } from "../core/identity/didEthr.ts";
import type { Queryable } from "../core/store/store.ts";
import { GRANT_KINDS } from "./enums.ts";
import { PrefixIndex } from "./prefixIndex.ts";
import { applyToIndex } from "./projection.ts";
import { loadIndex } from "./readModel.ts";

/** An organisation's standing now, as the trust hierarchy computes it. */
export interface EidlStanding {
  /** Authorized now: member active with its type's role, and a root or vetted Authorized by an authorized vetter. */
  authorized: boolean;
  /** DID of the vetter of the latest Complete vetting; null for a root or an organisation never vetted. */
  vetterDid: string | null;
}

/** One grant (allocation, assignment or delegation) as other domains see it; organisations by DID. */
export interface EidlGrantFact {
  grantId: string;
  parentGrantId: string | null;
  /** E.164 prefix covered (a whole number is a prefix of itself). */
  prefix: string;
  kind: "Allocation" | "Assignment" | "Delegation";
  issuerDid: string;
  holderDid: string;
  /** keccak256 of the grant's TN Authorization credential id (its key in the credential status registry). */
  credentialHash: string;
}

export interface EidlFacts {
  /** The organisation's standing now; undefined when the DID names no organisation on the ledger. */
  standingOf(did: string): EidlStanding | undefined;
  /** The valid grant through which `did` may use `tn` at `at` (Unix seconds), or undefined when it may not. */
  grantForUse(tn: string, did: string, at: number): EidlGrantFact | undefined;
  /** The grant whose TN Authorization credential has this hash, or undefined. */
  grantByCredential(credentialHash: string): EidlGrantFact | undefined;
  /** Whether a grant is in force at `at`: its chain is valid and it belongs to the deciding allocation of its prefix. */
  isGrantValid(grantId: string, at: number): boolean;
}

const lower = (value: unknown) => String(value).toLowerCase();

/** EidlFacts over a PrefixIndex, plus what the index does not keep (credential hashes, vetters). */
export class IndexedEidlFacts implements EidlFacts {
  readonly index = new PrefixIndex();
  readonly #chainId: number;
  readonly #credentialToGrant = new Map<string, string>();
  readonly #credentialOfGrant = new Map<string, string>();
  readonly #vetterOf = new Map<string, string>();
  readonly #orgs = new Set<string>();
  readonly #addressOfDid = new Map<string, string | null>();
  readonly #didOfOrg = new Map<string, string>();

  constructor(chainId: number) {
    this.#chainId = chainId;
  }

  /** Loads the read model (agent start). Events applied before this are applied again by the load: idempotent. */
  async load(db: Queryable): Promise<void> {
    await loadIndex(db, this.index);
    const grants = await db.query<{ id: string; credential_hash: string }>(
      `SELECT id, credential_hash FROM eidl_grants`,
    );
    for (const g of grants) this.#rememberCredential(String(g.id), g.credential_hash);
    const vettings = await db.query<{ org: string; vetter: string }>(
      `SELECT org, vetter FROM eidl_vettings WHERE status = 1 ORDER BY org, version, block_number`,
    );
    for (const v of vettings) this.#vetterOf.set(v.org, v.vetter);
    for (const o of await db.query<{ org: string }>(`SELECT org FROM eidl_orgs`)) this.#orgs.add(o.org);
  }

  /** Indexer listener (after commit): the same events the EIDL projection wrote to the read model. */
  apply(event: ChainEvent): void {
    applyToIndex(this.index, event);
    if (event.source === "TnAuthority" && event.eventName === "GrantRecorded") {
      this.#rememberCredential(String(event.args.grantId), lower(event.args.credentialHash));
    } else if (event.source === "OrganisationRegistry" && event.eventName === "OrganisationCreated") {
      this.#orgs.add(lower(event.args.identity));
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

/** The agent's EIDL facts: loaded from the read model, then kept current by the indexer's committed events. */
export async function createEidlFacts(context: AgentContext): Promise<EidlFacts> {
  const facts = new IndexedEidlFacts(Number(context.config.chain.chainId));
  // Listen first, then load: an event committed during the load is applied twice, which the index tolerates.
  context.indexer.onEvent((event) => facts.apply(event));
  await facts.load(context.store);
  return facts;
}
