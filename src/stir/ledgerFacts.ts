// The ledger facts an OSP's attestation decision needs, behind one small synchronous interface: answers come from
// memory kept current by chain events, so deciding a call never waits for the chain. The agent's implementation is
// EidlLedgerFacts (eidlFacts.ts), over the EIDL domain's prefix index.

export interface VettingFact {
  /** Complete and Authorized now. */
  authorized: boolean;
  /** DID of the vetter that vouched. */
  vetter: string;
}

export interface TnAuthorizationFact {
  /** The reference a PASSporT's `tnauth` carries: `<issuer DID>#<credential hash>` of a TN Authorization. */
  ref: string;
  issuer: string;
  /** DID the numbers are authorised to. */
  holder: string;
  /** E.164 prefix covered (a whole number is a prefix of itself). */
  tnPrefix: string;
  /** Valid at the asked time: active status, within its validity, and every link above it valid too. */
  valid: boolean;
}

export interface LedgerFacts {
  /** The caller's current vetting, or undefined when no vetting is known. Times are Unix seconds. */
  vettingOf(did: string, at: number): VettingFact | undefined;
  /** True when `tn` is authorised to `did` at `at` through a valid chain up to the numbering authority. */
  mayUse(tn: string, did: string, at: number): boolean;
  /** The valid authorization through which `did` may use `tn` at `at` (its `tnauth` reference), or undefined. */
  authorizationForUse(tn: string, did: string, at: number): TnAuthorizationFact | undefined;
  /** A TN authorization by its reference, or undefined when unknown. */
  tnAuthorization(ref: string, at: number): TnAuthorizationFact | undefined;
}
