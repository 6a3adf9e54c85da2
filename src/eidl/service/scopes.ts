// Numbering-plan scopes (issue 11, item 2): which prefixes each Numbering Authority may allocate and port in. A
// governor proposes an authority's whole scope through its agent (its approval counts), the other governors approve
// through theirs, and TnAuthority sets the scope at a strict majority. Writes go from this member's governance
// account; the inputs are checked first so that a mistake gets a named field instead of a revert.
import type { Address, Hex } from "viem";
import { type FieldPath, invalidField } from "../../core/errors/index.ts";
import { OrgType } from "../enums.ts";
import { EidlError } from "../errors.ts";
import type { EidlLedger } from "../ledger.ts";
import type { EidlLookup } from "./lookup.ts";

/** TnAuthority.MAX_SCOPE_PREFIXES. */
export const MAX_SCOPE_PREFIXES = 16;

export interface NumberingScopesOptions {
  lookup: EidlLookup;
  ledger: EidlLedger;
  /** This member's governance account: a governor proposes and approves as its member. */
  memberAccount: Address;
  memberRoles(): Promise<string[]>;
  sync(): Promise<unknown>;
}

export interface ScopeOutcome {
  proposalId: number;
  /** True once a strict majority of the governors approved: the scope is in force. */
  executed: boolean;
  txHash: Hex;
}

export class NumberingScopes {
  readonly #o: NumberingScopesOptions;

  constructor(options: NumberingScopesOptions) {
    this.#o = options;
  }

  /** Proposes `prefixes` (numbers or blocks, X's allowed) as the authority's whole scope; empty withdraws it. */
  async propose(input: { numberingAuthorityId: string; prefixes: string[] }): Promise<ScopeOutcome> {
    const authority = await this.#authority(input.numberingAuthorityId, "body.numberingAuthorityId");
    const prefixes = input.prefixes.map((p, i) => this.#o.lookup.prefix(p, `body.prefixes[${i}]`));
    if (prefixes.length > MAX_SCOPE_PREFIXES) {
      throw invalidField("body.prefixes", `at most ${MAX_SCOPE_PREFIXES} prefixes`);
    }
    const seen = prefixes.findIndex((p, i) => prefixes.indexOf(p) !== i);
    if (seen !== -1) throw invalidField(`body.prefixes[${seen}]`, `${prefixes[seen]} is named twice`);
    await this.#requireGovernor();
    const outcome = await this.#o.ledger.proposeScope(this.#o.memberAccount, authority, prefixes);
    await this.#o.sync();
    return outcome;
  }

  /** Approves scope proposal `proposalId` as this member's governor. */
  async approve(proposalId: number): Promise<ScopeOutcome> {
    await this.#requireGovernor();
    const outcome = await this.#o.ledger.approveScope(this.#o.memberAccount, proposalId);
    await this.#o.sync();
    return { proposalId, ...outcome };
  }

  /** The authority's scope in force (read from the chain). */
  async scopeOf(numberingAuthorityId: string) {
    const authority = await this.#authority(numberingAuthorityId, "params.numberingAuthorityId");
    return { numberingAuthorityId, prefixes: await this.#o.ledger.scopeOf(authority) };
  }

  async #authority(did: string, field: FieldPath): Promise<Address> {
    const org = await this.#o.lookup.org(did, field);
    if (Number(org.org_type) !== OrgType.NumberingAuthority) {
      throw new EidlError("EIDL_NOT_NUMBERING_AUTHORITY", `${org.did} is not a Numbering Authority`, { field });
    }
    return org.org as Address;
  }

  async #requireGovernor() {
    if (!(await this.#o.memberRoles()).includes("GOVERNOR")) {
      throw new EidlError("EIDL_NOT_GOVERNOR", "this agent's member is not a governor: only governors set scopes");
    }
  }
}
