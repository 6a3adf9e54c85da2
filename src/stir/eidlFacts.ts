// LedgerFacts over what the EIDL domain publishes (context.published.eidl, declared in src/eidl/published.ts):
// vetting standing through the trust hierarchy
// and TN grants from the prefix index, both kept current by chain events. A PASSporT's `tnauth` names the caller's TN
// Authorization credential as `<issuer DID>#<credentialHash>`: the grant's issuer and the keccak256 of the
// credential's id that TnAuthority recorded with the grant (GET /v1/eidl/grants shows both as issuerId and
// credentialHash), so the OSP ties the reference to the grant on chain without seeing the credential.
import type { PublishedServices } from "../agent/domain.ts";
import type { LedgerFacts, TnAuthorizationFact, VettingFact } from "./ledgerFacts.ts";

/** EIDL's published facts, by the interface EIDL publishes (no reach into its modules). */
type EidlFacts = PublishedServices["eidl"];

const REF = /^(did:[^#\s]+)#(0x[0-9a-fA-F]{64})$/;

/** Builds the `tnauth` reference of a grant. */
export function tnAuthReference(issuerDid: string, credentialHash: string): string {
  return `${issuerDid}#${credentialHash.toLowerCase()}`;
}

export class EidlLedgerFacts implements LedgerFacts {
  readonly #eidl: EidlFacts;

  constructor(eidl: EidlFacts) {
    this.#eidl = eidl;
  }

  vettingOf(did: string, _at: number): VettingFact | undefined {
    // Standing is "now" by the registry's rule (vetting carries no validity window); the OSP asks at the call's time.
    const standing = this.#eidl.standingOf(did);
    if (!standing) return undefined;
    return { authorized: standing.authorized, vetter: standing.vetterDid ?? "" };
  }

  mayUse(tn: string, did: string, at: number): boolean {
    return this.#eidl.grantForUse(tn, did, at) !== undefined;
  }

  authorizationForUse(tn: string, did: string, at: number): TnAuthorizationFact | undefined {
    const grant = this.#eidl.grantForUse(tn, did, at);
    if (!grant) return undefined;
    return {
      ref: tnAuthReference(grant.issuerDid, grant.credentialHash),
      issuer: grant.issuerDid,
      holder: grant.holderDid,
      tnPrefix: grant.prefix,
      valid: true,
    };
  }

  tnAuthorization(ref: string, at: number): TnAuthorizationFact | undefined {
    const match = REF.exec(ref);
    if (!match) return undefined;
    const grant = this.#eidl.grantByCredential(match[2] as string);
    if (!grant || grant.issuerDid !== match[1]) return undefined;
    return {
      ref,
      issuer: grant.issuerDid,
      holder: grant.holderDid,
      tnPrefix: grant.prefix,
      valid: this.#eidl.isGrantValid(grant.grantId, at),
    };
  }
}
