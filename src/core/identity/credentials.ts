// W3C verifiable credentials in JWT form: issued with did-jwt-vc, signed ES256 by the issuer DID's current P-256 key,
// carrying a credentialStatus entry that points at the on-chain registry; verified by signature, expiry, then status.
import { randomUUID } from "node:crypto";
import {
  createVerifiableCredentialJwt,
  type JwtCredentialPayload,
  type VerifiedCredential,
  verifyCredential,
} from "did-jwt-vc";
import type { Resolvable } from "did-resolver";
import { type Address, getAddress, type Hex, isAddress } from "viem";
import { type CredentialStatusRecord, type CredentialStatusService, credentialIdOf } from "./credentialStatus.ts";
import type { DidService } from "./did.ts";
import { IdentityError, invalidInput } from "./errors.ts";
import type { Keystore } from "./keystore.ts";

export const statusEntryType = "TelcoLedgerStatusRegistry2026";

export interface TelcoLedgerStatusEntry {
  /** `<issuer DID>#<credentialId>` */
  id: string;
  type: typeof statusEntryType;
  chainId: number;
  registry: Address;
  credentialId: Hex;
}

export interface IssueCredentialInput {
  issuerDid: string;
  /** Extra types after "VerifiableCredential", e.g. "TnAuthorizationCredential". */
  type: string | string[];
  /** The claims; `id` is the holder's DID when there is one. */
  credentialSubject: Record<string, unknown> & { id?: string };
  expirationDate?: Date;
  /** Extra JSON-LD contexts after the W3C v1 context. */
  context?: string[];
}

export interface IssuedCredential {
  jwt: string;
  /** The VC `id`, a urn:uuid:. */
  id: string;
  credentialId: Hex;
  /** The verification method that signed (the JWT `kid`). */
  kid: string;
}

export interface VerifiedTelcoCredential {
  verified: VerifiedCredential;
  issuer: string;
  id: string;
  credentialId: Hex;
  status: CredentialStatusRecord;
}

export interface CredentialServiceOptions {
  keystore: Keystore;
  dids: Pick<DidService, "get">;
  resolver: Resolvable & { invalidate?(address: string): void };
  status: CredentialStatusService;
  chainId: number;
}

const vcContext = "https://www.w3.org/2018/credentials/v1";

export class CredentialService {
  readonly #keystore: Keystore;
  readonly #dids: Pick<DidService, "get">;
  readonly #resolver: Resolvable & { invalidate?(address: string): void };
  readonly #status: CredentialStatusService;
  readonly #chainId: number;

  constructor(options: CredentialServiceOptions) {
    this.#keystore = options.keystore;
    this.#dids = options.dids;
    this.#resolver = options.resolver;
    this.#status = options.status;
    this.#chainId = options.chainId;
  }

  async issue(input: IssueCredentialInput): Promise<IssuedCredential> {
    const types = typeof input?.type === "string" ? [input.type] : input?.type;
    if (!Array.isArray(types) || types.length === 0 || types.some((t) => typeof t !== "string" || !/^\w+$/.test(t))) {
      throw invalidInput("type", "must be one or more credential type names");
    }
    const subject = input.credentialSubject;
    if (
      subject === null ||
      typeof subject !== "object" ||
      Array.isArray(subject) ||
      Object.keys(subject).length === 0
    ) {
      throw invalidInput("credentialSubject", "must be an object with at least one claim");
    }
    if (subject.id !== undefined && (typeof subject.id !== "string" || !subject.id.startsWith("did:"))) {
      throw invalidInput("credentialSubject.id", "must be a DID");
    }
    const now = new Date();
    const expirationDate = input.expirationDate;
    if (
      expirationDate !== undefined &&
      (!(expirationDate instanceof Date) || Number.isNaN(expirationDate.getTime()) || expirationDate <= now)
    ) {
      throw invalidInput("expirationDate", "must be a date in the future");
    }
    const context = input.context ?? [];
    if (!Array.isArray(context) || context.some((c) => typeof c !== "string")) {
      throw invalidInput("context", "must be a list of URLs");
    }
    const hosted = await this.#dids.get(input.issuerDid);
    if (hosted.signingKid === null) {
      throw new IdentityError("DID_NO_SIGNING_KEY", `${hosted.did} has no signing key`, {
        details: { did: hosted.did },
      });
    }
    const kid = await this.#verificationMethodOf(
      hosted.did,
      hosted.address,
      this.#keystore.info(hosted.signingKid).publicKeyHex,
    );
    const id = `urn:uuid:${randomUUID()}`;
    const credentialId = credentialIdOf(id);
    const statusEntry: TelcoLedgerStatusEntry = {
      id: `${hosted.did}#${credentialId}`,
      type: statusEntryType,
      chainId: this.#chainId,
      registry: this.#status.registry,
      credentialId,
    };
    const { id: subjectId, ...claims } = subject;
    const payload: JwtCredentialPayload = {
      ...(subjectId ? { sub: subjectId } : {}),
      jti: id,
      nbf: Math.floor(now.getTime() / 1000),
      ...(expirationDate ? { exp: Math.floor(expirationDate.getTime() / 1000) } : {}),
      vc: {
        "@context": [vcContext, ...context],
        type: ["VerifiableCredential", ...types],
        credentialSubject: claims,
        credentialStatus: statusEntry,
      },
    };
    const jwt = await createVerifiableCredentialJwt(
      payload,
      { did: hosted.did, signer: this.#keystore.es256Signer(hosted.signingKid), alg: "ES256" },
      { header: { alg: "ES256", kid } },
    );
    return { jwt, id, credentialId, kid };
  }

  /**
   * Verifies signature (through the resolver), validity period, then on-chain status. Fails with CREDENTIAL_INVALID,
   * CREDENTIAL_EXPIRED, CREDENTIAL_REVOKED or CREDENTIAL_SUSPENDED (details name status and reason).
   */
  async verify(jwt: string, options: { now?: Date } = {}): Promise<VerifiedTelcoCredential> {
    if (typeof jwt !== "string" || jwt.split(".").length !== 3) throw invalidInput("jwt", "must be a compact JWT");
    const nowSeconds = options.now ? Math.floor(options.now.getTime() / 1000) : undefined;
    let verified: VerifiedCredential;
    try {
      // did-jwt-vc pins an older did-resolver whose types differ only in @context typing; the runtime shape is the same.
      const resolver = this.#resolver as unknown as Parameters<typeof verifyCredential>[1];
      verified = await verifyCredential(jwt, resolver, {
        ...(nowSeconds !== undefined ? { policies: { now: nowSeconds } } : {}),
      });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const code = message.includes("JWT has expired") ? "CREDENTIAL_EXPIRED" : "CREDENTIAL_INVALID";
      throw new IdentityError(code, `credential ${code === "CREDENTIAL_EXPIRED" ? "expired" : "invalid"}: ${message}`, {
        cause: error,
      });
    }
    const vc = verified.verifiableCredential;
    const issuer = verified.issuer;
    const id = vc.id;
    if (typeof id !== "string") throw new IdentityError("CREDENTIAL_INVALID", "credential has no id");
    const entry = vc.credentialStatus as Partial<TelcoLedgerStatusEntry> | undefined;
    const credentialId = credentialIdOf(id);
    if (!entry || entry.type !== statusEntryType) {
      throw new IdentityError("CREDENTIAL_INVALID", `credential has no ${statusEntryType} status entry`);
    }
    if (
      entry.chainId !== this.#chainId ||
      typeof entry.registry !== "string" ||
      !isAddress(entry.registry, { strict: false }) ||
      getAddress(entry.registry) !== getAddress(this.#status.registry)
    ) {
      throw new IdentityError(
        "CREDENTIAL_STATUS_UNAVAILABLE",
        `credential status lives in registry ${entry.registry} on chain ${entry.chainId}, not this ledger's`,
        { details: { chainId: entry.chainId, registry: entry.registry } },
      );
    }
    if (entry.credentialId?.toLowerCase() !== credentialId) {
      throw new IdentityError("CREDENTIAL_INVALID", "credentialStatus.credentialId does not match keccak256 of the id");
    }
    const status = await this.#status.statusOf(issuer, credentialId);
    if (status.status !== "active") {
      throw new IdentityError(
        status.status === "revoked" ? "CREDENTIAL_REVOKED" : "CREDENTIAL_SUSPENDED",
        `credential ${id} is ${status.status} (reason ${status.reason})`,
        {
          details: {
            id,
            credentialId,
            status: status.status,
            reason: status.reason,
            since: status.since?.toISOString(),
          },
        },
      );
    }
    return { verified, issuer, id, credentialId, status };
  }

  /**
   * The id of the verification method holding this public key in the issuer's DID document. Re-resolves once past
   * the cache, since the key may have been published after the cached document was read.
   */
  async #verificationMethodOf(did: string, address: Address, publicKeyHex: Hex): Promise<string> {
    const wanted = publicKeyHex.slice(2).toLowerCase();
    for (let attempt = 0; attempt < 2; attempt++) {
      const result = await this.#resolver.resolve(did, { accept: "application/did+json" });
      const method = result.didDocument?.verificationMethod?.find(
        (vm) =>
          vm.type === "JsonWebKey2020" && (vm as { publicKeyHex?: string }).publicKeyHex?.toLowerCase() === wanted,
      );
      if (method) return method.id;
      this.#resolver.invalidate?.(address);
    }
    throw new IdentityError(
      "DID_NO_SIGNING_KEY",
      `the signing key of ${did} is not in its resolved DID document (not yet published?)`,
      { details: { did } },
    );
  }
}
