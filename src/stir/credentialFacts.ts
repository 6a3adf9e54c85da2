// LedgerFacts from W3C credentials whose status lives on chain (the platform's CredentialStatusRegistry): a KYC
// vetter's EnterpriseVettingCredential and the chain of TnAuthorizationCredentials (allocation by the numbering
// authority, then assignments and delegations, each naming its parent). A credential is verified once when an
// enterprise registers it with its OSP (signature, status, and the issuer's role on the ledger); from then on the
// agent's indexer feeds every CredentialStatusChanged into memory, so revocation changes the next decision without
// any chain call per call. Registered credentials are kept in the store and reloaded (with fresh status) at start.
import type { Address } from "viem";
import type { ChainEvent } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";
import { StirError } from "./errors.ts";
import type { LedgerFacts, TnAuthorizationFact, VettingFact } from "./ledgerFacts.ts";
import { isCanonicalTn } from "./tn.ts";

export const VETTING_CREDENTIAL = "EnterpriseVettingCredential";
export const TN_AUTHORIZATION_CREDENTIAL = "TnAuthorizationCredential";
const VETTER_ROLES = ["KYC_VETTER", "TRUST_AUTHORITY"];
const ALLOCATOR_ROLES = ["NUMBERING_AUTHORITY"];

/** What the platform's CredentialService.verify returns, reduced to what this module reads. */
export interface VerifiedCredentialView {
  issuer: string;
  id: string;
  credentialId: string;
  status: { status: string };
  verified: {
    payload: { nbf?: number; exp?: number; sub?: string };
    verifiableCredential: { type: string[]; credentialSubject: Record<string, unknown> };
  };
}

export interface CredentialFactsDeps {
  verify(jwt: string): Promise<VerifiedCredentialView>;
  /** Roles of the member an account acts for (from the membership read model); empty when none. */
  rolesOfAccount(account: Address): Promise<string[]>;
  addressOfDid(did: string): Address;
  db: Queryable;
}

interface Held {
  ref: string;
  kind: "vetting" | "tn";
  issuer: string;
  issuerAddress: string;
  credentialId: string;
  subject: string;
  notBefore: number;
  notAfter: number;
  active: boolean;
  /** vetting */
  result?: string;
  /** tn */
  tnPrefix?: string;
  parent?: string | undefined;
  root?: boolean;
}

export interface RegisteredCredential {
  ref: string;
  kind: "vetting" | "tn";
  subject: string;
  issuer: string;
}

const invalid = (reason: string, message: string) =>
  new StirError("STIR_INVALID_INPUT", reason, message, { field: "body.credential" });

export class CredentialLedgerFacts implements LedgerFacts {
  readonly #deps: CredentialFactsDeps;
  readonly #byRef = new Map<string, Held>();
  readonly #byStatusKey = new Map<string, Held>();
  readonly #vettings = new Map<string, Held[]>();
  readonly #tnBySubject = new Map<string, Held[]>();

  constructor(deps: CredentialFactsDeps) {
    this.#deps = deps;
  }

  /** Reloads the registered credentials; their status is read afresh by verify. */
  async load(): Promise<void> {
    const rows = await this.#deps.db.query<{ jwt: string }>(`SELECT jwt FROM stir_credentials ORDER BY registered_at`);
    for (const row of rows) {
      try {
        await this.#admit(row.jwt);
      } catch {
        // A credential revoked while the agent was down fails verify; it simply stays out of memory.
      }
    }
  }

  /** Verifies and admits a credential, and remembers it for restarts. */
  async register(jwt: string): Promise<RegisteredCredential> {
    const held = await this.#admit(jwt);
    await this.#deps.db.exec(
      `INSERT INTO stir_credentials (ref, jwt, registered_at) VALUES ($1, $2, $3) ON CONFLICT (ref) DO NOTHING`,
      [held.ref, jwt, new Date().toISOString()],
    );
    return { ref: held.ref, kind: held.kind, subject: held.subject, issuer: held.issuer };
  }

  /** Indexer listener: a CredentialStatusChanged flips the credential's standing in memory. */
  onChainEvent(event: ChainEvent): void {
    if (event.eventName !== "CredentialStatusChanged") return;
    const { issuer, credentialId, status } = event.args as { issuer?: string; credentialId?: string; status?: number };
    if (typeof issuer !== "string" || typeof credentialId !== "string") return;
    const held = this.#byStatusKey.get(`${issuer.toLowerCase()}:${credentialId.toLowerCase()}`);
    if (held) held.active = Number(status) === 0;
  }

  vettingOf(did: string, at: number): VettingFact | undefined {
    const list = this.#vettings.get(did);
    if (!list?.length) return undefined;
    // The latest issued vetting speaks for the organisation.
    const latest = list.reduce((a, b) => (b.notBefore >= a.notBefore ? b : a));
    return { authorized: latest.result === "Authorized" && this.#current(latest, at), vetter: latest.issuer };
  }

  mayUse(tn: string, did: string, at: number): boolean {
    return (this.#tnBySubject.get(did) ?? []).some(
      (held) => tn.startsWith(held.tnPrefix ?? "\0") && this.#chainValid(held, at, 0),
    );
  }

  tnAuthorization(ref: string, at: number): TnAuthorizationFact | undefined {
    const held = this.#byRef.get(ref);
    if (!held || held.kind !== "tn") return undefined;
    return {
      ref,
      issuer: held.issuer,
      holder: held.subject,
      tnPrefix: held.tnPrefix ?? "",
      valid: this.#chainValid(held, at, 0),
    };
  }

  #current(held: Held, at: number): boolean {
    return held.active && at >= held.notBefore && (held.notAfter === 0 || at < held.notAfter);
  }

  /** Valid when it and every parent are current, each child's issuer holds the parent, and prefixes narrow. */
  #chainValid(held: Held, at: number, depth: number): boolean {
    if (!this.#current(held, at) || depth > 16) return false;
    if (held.root) return true;
    if (!held.parent) return false;
    const parent = this.#byRef.get(held.parent);
    return (
      parent !== undefined &&
      parent.kind === "tn" &&
      parent.subject === held.issuer &&
      (held.tnPrefix ?? "").startsWith(parent.tnPrefix ?? "\0") &&
      this.#chainValid(parent, at, depth + 1)
    );
  }

  async #admit(jwt: string): Promise<Held> {
    if (typeof jwt !== "string" || jwt.length > 16_384)
      throw invalid("credential-malformed", "credential must be a JWT");
    const verified = await this.#deps.verify(jwt);
    const vc = verified.verified.verifiableCredential;
    const subject = verified.verified.payload.sub ?? (vc.credentialSubject.id as string | undefined);
    if (typeof subject !== "string" || !subject.startsWith("did:")) {
      throw invalid("credential-no-subject", "the credential's subject must be a DID");
    }
    const issuerAddress = this.#deps.addressOfDid(verified.issuer);
    const roles = await this.#deps.rolesOfAccount(issuerAddress);
    const base = {
      ref: `${verified.issuer}#${verified.credentialId}`,
      issuer: verified.issuer,
      issuerAddress: issuerAddress.toLowerCase(),
      credentialId: verified.credentialId.toLowerCase(),
      subject: subject.split("#")[0] as string,
      notBefore: verified.verified.payload.nbf ?? 0,
      notAfter: verified.verified.payload.exp ?? 0,
      active: verified.status.status === "active",
    };
    let held: Held;
    const claims = vc.credentialSubject;
    if (vc.type.includes(VETTING_CREDENTIAL)) {
      if (!roles.some((r) => VETTER_ROLES.includes(r))) {
        throw invalid("issuer-not-vetter", `${verified.issuer} is not a KYC vetter or trust authority on the ledger`);
      }
      if (typeof claims.result !== "string") throw invalid("credential-claims", "a vetting credential needs a result");
      held = { ...base, kind: "vetting", result: claims.result };
      this.#push(this.#vettings, held.subject, held);
    } else if (vc.type.includes(TN_AUTHORIZATION_CREDENTIAL)) {
      const { tnPrefix, parent } = claims;
      if (!isCanonicalTn(tnPrefix)) throw invalid("credential-claims", "tnPrefix must be E.164 digits");
      if (parent !== undefined && typeof parent !== "string")
        throw invalid("credential-claims", "parent must be a ref");
      const root = parent === undefined;
      if (root && !roles.some((r) => ALLOCATOR_ROLES.includes(r))) {
        throw invalid(
          "issuer-not-allocator",
          `${verified.issuer} has no parent grant and is not a numbering authority`,
        );
      }
      held = { ...base, kind: "tn", tnPrefix, parent, root };
      this.#push(this.#tnBySubject, held.subject, held);
    } else {
      throw invalid(
        "credential-type",
        `credential type must include ${VETTING_CREDENTIAL} or ${TN_AUTHORIZATION_CREDENTIAL}`,
      );
    }
    this.#byRef.set(held.ref, held);
    this.#byStatusKey.set(`${held.issuerAddress}:${held.credentialId}`, held);
    return held;
  }

  #push(map: Map<string, Held[]>, key: string, held: Held): void {
    const list = map.get(key) ?? [];
    const existing = list.findIndex((h) => h.ref === held.ref);
    if (existing >= 0) list[existing] = held;
    else list.push(held);
    map.set(key, list);
  }
}
