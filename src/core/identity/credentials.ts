// W3C verifiable credentials in JWT form: issued with did-jwt-vc (VC 1.1 JWT-VC), signed ES256 by the issuer DID's
// current P-256 key, carrying a credentialStatus entry that points at the on-chain registry. Verified, whoever issued
// them and in either JWT format (credentialFormats.ts), by signature, validity period, then status when it names a
// method this verifier knows (ours, or a W3C Bitstring Status List: bitstringStatus.ts).
import { randomUUID } from "node:crypto";
import { createJWS } from "did-jwt";
import { createVerifiableCredentialJwt, type JwtCredentialPayload } from "did-jwt-vc";
import type { Resolvable } from "did-resolver";
import { type Address, getAddress, type Hex, isAddress, keccak256, toBytes } from "viem";
import { notFound } from "../errors/index.ts";
import {
  type BitstringStatusCheck,
  bitstringEntryType,
  checkBitstringEntry,
  type StatusListSource,
} from "./bitstringStatus.ts";
import {
  type CredentialFormat,
  VC_V2_CONTEXT,
  type VerifiedJwtCredential,
  verifyJwtCredential,
} from "./credentialFormats.ts";
import { type CredentialStatusRecord, type CredentialStatusService, credentialIdOf } from "./credentialStatus.ts";
import type { DidService } from "./did.ts";
import { IdentityError, invalidInput } from "./errors.ts";
import type { HeldCredentialRecord, HeldCredentialStore } from "./heldCredentials.ts";
import type { IssuedCredentialLog, IssuedCredentialRecord } from "./issuedCredentials.ts";
import type { Keystore } from "./keystore.ts";
import {
  holderJwkOf,
  IDENTITY_VCT,
  type IdentityClaims,
  issueSdJwtVc,
  newCredentialUrn,
  presentSdJwtVc,
  SD_JWT_STATUS_ENTRY,
  type SdJwtStatusEntry,
  type VerifiedSdJwt,
  validIdentityClaims,
  verifySdJwtVc,
} from "./sdJwtVc.ts";

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
  /** Extra JSON-LD contexts after the W3C context (v1, or v2 for vc+jwt-2.0). */
  context?: string[];
  /** jwt-vc-1.1 (the default: stock did-jwt-vc verifies it) or vc+jwt-2.0 (VC Data Model 2.0 secured as JOSE). */
  format?: CredentialFormat;
}

export interface IssueSdJwtVcInput {
  issuerDid: string;
  /** The holder's DID: the credential is bound (cnf) to its P-256 key. */
  holderDid: string;
  /** Identity attributes of the profile (sdJwtVc.ts IDENTITY_CLAIMS), each selectively disclosable. */
  claims: IdentityClaims;
  vct?: string;
  expirationDate?: Date;
}

export interface IssuedSdJwtVc {
  /** The SD-JWT with every disclosure: the holder's copy. */
  sdJwt: string;
  id: string;
  credentialId: Hex;
  kid: string;
  vct: string;
}

export interface CheckedSdJwt extends VerifiedSdJwt {
  credentialId: Hex | null;
  status: StatusCheck;
}

export interface IssuedCredential {
  jwt: string;
  /** The VC `id`, a urn:uuid:. */
  id: string;
  credentialId: Hex;
  /** The verification method that signed (the JWT `kid`). */
  kid: string;
}

/** What a verification found about status: one of the known methods, or none. */
export type StatusCheck =
  | ({ method: typeof statusEntryType } & CredentialStatusRecord)
  | { method: typeof statusEntryType; status: "unknown"; reason: string }
  | BitstringStatusCheck
  | { method: null; note: string };

export interface CheckedCredential extends VerifiedJwtCredential {
  /** The credential's `id`, when it has one. */
  id: string | null;
  /** keccak256 of the id (the key of our status registry), when it has one. */
  credentialId: Hex | null;
  status: StatusCheck;
}

export interface VerifyOptions {
  now?: Date;
  /** Where Bitstring status lists may be obtained; without one, their status is unknown. */
  statusLists?: StatusListSource;
}

/** Throws the refusal a withdrawn status means: revoked or suspended, by either method. */
function refuseIfWithdrawn(check: StatusCheck, id: string | null, credentialId: Hex | null): void {
  if (check.method === null || (check.status !== "revoked" && check.status !== "suspended")) return;
  const reason = "reason" in check ? check.reason : undefined;
  const since = "since" in check ? check.since?.toISOString() : undefined;
  throw new IdentityError(
    check.status === "revoked" ? "CREDENTIAL_REVOKED" : "CREDENTIAL_SUSPENDED",
    `credential ${id ?? "(no id)"} is ${check.status}${reason ? ` (reason ${reason})` : ""} per its ${check.method}`,
    {
      details: {
        id,
        credentialId,
        method: check.method,
        status: check.status,
        ...(reason !== undefined ? { reason } : {}),
        ...(since !== undefined ? { since } : {}),
      },
    },
  );
}

export interface CredentialServiceOptions {
  keystore: Keystore;
  dids: Pick<DidService, "get">;
  resolver: Resolvable & { invalidate?(address: string): void };
  status: CredentialStatusService;
  chainId: number;
  /** Where each issued credential is recorded, so the member can list them (GET /v1/identity/credentials). */
  issued: IssuedCredentialLog;
  /** The wallet: credentials issued to the hosted DIDs (GET /v1/identity/credentials/held). */
  held: HeldCredentialStore;
}

const vcContext = "https://www.w3.org/2018/credentials/v1";

/** An issue input whose fields passed the checks, with the time it is issued at. */
interface CheckedIssueInput {
  types: string[];
  subject: IssueCredentialInput["credentialSubject"];
  expirationDate: Date | undefined;
  context: string[];
  format: CredentialFormat;
  now: Date;
}

/** An expiration date given as input: undefined, or a valid date after `now` (else IDENTITY_INVALID_INPUT). */
function futureDate(date: Date | undefined, now: Date): Date | undefined {
  if (date !== undefined && (!(date instanceof Date) || Number.isNaN(date.getTime()) || date <= now)) {
    throw invalidInput("expirationDate", "must be a date in the future");
  }
  return date;
}
const iso = (date: Date) => `${date.toISOString().slice(0, 19)}Z`;

export class CredentialService {
  readonly #keystore: Keystore;
  readonly #dids: Pick<DidService, "get">;
  readonly #resolver: Resolvable & { invalidate?(address: string): void };
  readonly #status: CredentialStatusService;
  readonly #chainId: number;
  readonly #issued: IssuedCredentialLog;
  readonly #held: HeldCredentialStore;

  constructor(options: CredentialServiceOptions) {
    this.#keystore = options.keystore;
    this.#dids = options.dids;
    this.#resolver = options.resolver;
    this.#status = options.status;
    this.#chainId = options.chainId;
    this.#issued = options.issued;
    this.#held = options.held;
  }

  /** The credentials the hosted DIDs issued, newest first (see IssuedCredentialLog.listPage). */
  get issued(): Pick<IssuedCredentialLog, "listPage"> {
    return this.#issued;
  }

  /** The credentials the hosted DIDs hold (see HeldCredentialStore). */
  get held(): Pick<HeldCredentialStore, "listPage" | "get" | "remove"> {
    return this.#held;
  }

  /**
   * Receives a credential issued to one of the hosted DIDs into the wallet, after verifying it as `verify` does (a
   * credential that is invalid, expired, not yet valid, revoked or suspended is refused by that error and not
   * stored). Its subject must be a DID hosted here (DID_NOT_HOSTED otherwise). Receiving the same JWT again stores
   * nothing and answers `stored: false`.
   */
  async receive(jwt: string, options: VerifyOptions = {}): Promise<{ record: HeldCredentialRecord; stored: boolean }> {
    if (typeof jwt === "string" && jwt.includes("~")) return this.#receiveSdJwt(jwt);
    const check = await this.verify(jwt, options);
    const subjects = check.credential.credentialSubject;
    const subject = (Array.isArray(subjects) ? subjects : [subjects]).map((s) =>
      s !== null && typeof s === "object" ? (s as { id?: unknown }).id : undefined,
    );
    if (subject.length !== 1 || typeof subject[0] !== "string") {
      throw invalidInput("jwt", "the credential must name exactly one subject DID (credentialSubject.id) to be held");
    }
    const holder = await this.#dids.get(subject[0]);
    const types = check.credential.type;
    const named = (Array.isArray(types) ? types : [types]).map(String).filter((t) => t !== "VerifiableCredential");
    if (named.length > 16) throw invalidInput("jwt", `the credential names ${named.length} types; a wallet keeps 16`);
    return this.#hold(jwt, check, holder.did, named);
  }

  /** Stores a credential in the wallet, or answers the one held already (its first receivedAt, without its JWT). */
  async #hold(
    jwt: string,
    check: Pick<CheckedCredential, "id" | "credentialId" | "issuer" | "status" | "validFrom" | "validUntil">,
    subject: string,
    types: string[],
  ): Promise<{ record: HeldCredentialRecord; stored: boolean }> {
    const record: HeldCredentialRecord = {
      digest: keccak256(toBytes(jwt)),
      id: check.id,
      credentialId: check.credentialId,
      issuer: check.issuer,
      subject,
      types,
      // Listed with its status only when that status is this ledger's registry (read again at every listing).
      statusMethod:
        check.status.method === statusEntryType && "status" in check.status && check.status.status !== "unknown"
          ? statusEntryType
          : null,
      validFrom: check.validFrom?.toISOString() ?? null,
      validUntil: check.validUntil?.toISOString() ?? null,
      receivedAt: new Date().toISOString(),
    };
    if (await this.#held.add(record, jwt)) return { record, stored: true };
    const { jwt: _, ...held } = (await this.#held.get(record.digest)) ?? { ...record, jwt };
    return { record: held, stored: false };
  }

  /** An SD-JWT VC into the wallet: verified (no key binding: it is the issuance), its holder (sub) hosted here. */
  async #receiveSdJwt(sdJwt: string): Promise<{ record: HeldCredentialRecord; stored: boolean }> {
    const check = await this.verifySdJwt(sdJwt);
    if (check.subject === null) {
      throw invalidInput("jwt", "the SD-JWT must name its holder's DID (sub) to be held");
    }
    const holder = await this.#dids.get(check.subject);
    return this.#hold(sdJwt, check, holder.did, [check.vct]);
  }

  async issue(input: IssueCredentialInput): Promise<IssuedCredential> {
    const checked = this.#checkIssueInput(input, new Date());
    const key = await this.#issuerKey(input.issuerDid);
    const { issued, record } = await this.#sign(checked, key);
    await this.#issued.record(record);
    return issued;
  }

  /**
   * Many credentials from ONE issuer (bulk numbering): every input is checked as `issue` checks it before any is
   * signed, the issuer's key is looked up once, each credential is signed as
   * `issue` signs it, and all are recorded in the issued log in one statement.
   */
  async issueMany(inputs: readonly IssueCredentialInput[]): Promise<IssuedCredential[]> {
    const first = inputs[0];
    if (!first) return [];
    const now = new Date();
    const checked = inputs.map((input) => {
      if (input?.issuerDid !== first.issuerDid) throw invalidInput("issuerDid", "one issuer for every credential");
      return this.#checkIssueInput(input, now);
    });
    const key = await this.#issuerKey(first.issuerDid);
    const signed: Array<{ issued: IssuedCredential; record: IssuedCredentialRecord }> = [];
    for (const c of checked) signed.push(await this.#sign(c, key));
    await this.#issued.recordMany(signed.map((s) => s.record));
    return signed.map((s) => s.issued);
  }

  #checkIssueInput(input: IssueCredentialInput, now: Date): CheckedIssueInput {
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
    const expirationDate = futureDate(input.expirationDate, now);
    const context = input.context ?? [];
    if (!Array.isArray(context) || context.some((c) => typeof c !== "string")) {
      throw invalidInput("context", "must be a list of URLs");
    }
    const format = input.format ?? "jwt-vc-1.1";
    if (format !== "jwt-vc-1.1" && format !== "vc+jwt-2.0") {
      throw invalidInput("format", "must be jwt-vc-1.1 or vc+jwt-2.0");
    }
    return { types, subject, expirationDate, context, format, now };
  }

  async #sign(
    c: CheckedIssueInput,
    key: { hosted: { did: string }; signingKid: string; kid: string },
  ): Promise<{ issued: IssuedCredential; record: IssuedCredentialRecord }> {
    const { types, subject, expirationDate, context, format, now } = c;
    const { hosted, signingKid, kid } = key;
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
    const signer = this.#keystore.es256Signer(signingKid);
    // VC Data Model 2.0 secured as JOSE: the payload is the credential itself, its dates validFrom/validUntil.
    const v2 = {
      "@context": [VC_V2_CONTEXT, ...context],
      id,
      type: ["VerifiableCredential", ...types],
      issuer: hosted.did,
      validFrom: iso(now),
      ...(expirationDate ? { validUntil: iso(expirationDate) } : {}),
      credentialSubject: subject,
      credentialStatus: statusEntry,
    };
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
    const jwt =
      format === "vc+jwt-2.0"
        ? // did-jwt types `typ` as "JWT"; VC-JOSE-COSE names it vc+jwt.
          await createJWS(v2, signer, { alg: "ES256", typ: "vc+jwt", kid } as unknown as Parameters<
            typeof createJWS
          >[2])
        : await createVerifiableCredentialJwt(
            payload,
            { did: hosted.did, signer, alg: "ES256" },
            { header: { alg: "ES256", kid } },
          );
    return {
      issued: { jwt, id, credentialId, kid },
      record: {
        credentialId,
        id,
        issuer: hosted.did,
        subject: subjectId ?? null,
        types,
        issuedAt: now.toISOString(),
        expiresAt: expirationDate ? expirationDate.toISOString() : null,
      },
    };
  }

  /** A hosted issuer DID's signing key and the verification method that names it (the JWT kid). */
  async #issuerKey(issuerDid: string) {
    const hosted = await this.#dids.get(issuerDid);
    if (hosted.signingKid === null) {
      throw new IdentityError("DID_NO_SIGNING_KEY", `${hosted.did} has no signing key`, {
        details: { did: hosted.did },
      });
    }
    const kid = await verificationMethodOf(
      this.#resolver,
      hosted.did,
      hosted.address,
      this.#keystore.info(hosted.signingKid).publicKeyHex,
    );
    return { hosted, signingKid: hosted.signingKid, kid };
  }

  /**
   * Issues an SD-JWT VC of identity attributes from a hosted DID to a holder DID (bound to the holder's P-256 key),
   * every attribute selectively disclosable, its status an entry of our on-chain registry; recorded in the issued log.
   */
  async issueSdJwt(input: IssueSdJwtVcInput): Promise<IssuedSdJwtVc> {
    const claims = validIdentityClaims(input?.claims);
    if (typeof input.holderDid !== "string" || !input.holderDid.startsWith("did:")) {
      throw invalidInput("holder", "must be a DID");
    }
    const vct = input.vct ?? undefined;
    if (vct !== undefined && (typeof vct !== "string" || vct === "" || vct.length > 256)) {
      throw invalidInput("vct", "must be a non-empty string of at most 256 characters (a URI)");
    }
    const now = new Date();
    const expirationDate = futureDate(input.expirationDate, now);
    const { hosted, signingKid, kid } = await this.#issuerKey(input.issuerDid);
    const holderJwk = await holderJwkOf(this.#resolver, input.holderDid);
    const id = newCredentialUrn();
    const credentialId = credentialIdOf(id);
    const status: SdJwtStatusEntry = {
      chainId: this.#chainId,
      registry: this.#status.registry,
      credential_id: credentialId,
    };
    const sdJwt = await issueSdJwtVc(this.#keystore, {
      issuerDid: hosted.did,
      signingKid,
      kid,
      holderDid: input.holderDid,
      holderJwk,
      claims,
      ...(vct !== undefined ? { vct } : {}),
      ...(expirationDate ? { expirationDate } : {}),
      status,
      id,
      now,
    });
    const issuedVct = vct ?? IDENTITY_VCT;
    await this.#issued.record({
      credentialId,
      id,
      issuer: hosted.did,
      subject: input.holderDid,
      types: [issuedVct],
      issuedAt: now.toISOString(),
      expiresAt: expirationDate ? expirationDate.toISOString() : null,
    });
    return { sdJwt, id, credentialId, kid, vct: issuedVct };
  }

  /**
   * Verifies an SD-JWT VC presentation as a verifier: issuer signature (its DID), disclosures, validity period, key
   * binding over `nonce` and `audience` (required when given), and status (our registry entry; a token status list
   * is reported unknown, not read here). Answers exactly the disclosed claims.
   */
  async verifySdJwt(presentation: string, options: { nonce?: string; audience?: string; now?: Date } = {}) {
    if (typeof presentation !== "string" || !presentation.includes("~")) {
      throw invalidInput("presentation", "must be an SD-JWT (<issuer JWT>~<disclosures>~<key-binding JWT>)");
    }
    const verified = await verifySdJwtVc(presentation, this.#resolver, options);
    const credentialId = verified.id === null ? null : credentialIdOf(verified.id);
    const raw = verified.status;
    let status: StatusCheck;
    if (raw === undefined) status = { method: null, note: "no status method" };
    else if (raw !== null && typeof raw === "object" && SD_JWT_STATUS_ENTRY in raw) {
      const entry = (raw as Record<string, Partial<SdJwtStatusEntry>>)[SD_JWT_STATUS_ENTRY] ?? {};
      status = await this.#registryStatus(
        { chainId: entry.chainId, registry: entry.registry as Address, credentialId: entry.credential_id as Hex },
        verified.issuer,
        verified.id,
        credentialId,
      );
      refuseIfWithdrawn(status, verified.id, credentialId);
    } else {
      const names = raw !== null && typeof raw === "object" ? Object.keys(raw).join(", ") : String(raw);
      status = { method: null, note: `no status method this verifier reads (the credential names ${names})` };
    }
    return { ...verified, credentialId, status } satisfies CheckedSdJwt;
  }

  /**
   * Makes a presentation of an SD-JWT VC the wallet holds: only the `disclose`d claims, with a key-binding JWT over
   * the verifier's nonce and audience signed by the holder DID's signing key (the key the credential is bound to).
   */
  async presentHeld(
    digest: Hex,
    input: { disclose: string[]; nonce: string; audience: string },
  ): Promise<{ presentation: string; disclosed: string[] }> {
    const held = await this.#held.get(digest);
    if (!held) throw notFound(`this wallet holds no credential ${digest}`);
    if (!held.jwt.includes("~")) {
      throw invalidInput("params.digest", "the credential is a JWT-VC, not an SD-JWT: present it whole");
    }
    const holder = await this.#dids.get(held.subject);
    if (holder.signingKid === null) {
      throw new IdentityError("DID_NO_SIGNING_KEY", `${holder.did} has no signing key`, {
        details: { did: holder.did },
      });
    }
    const presentation = await presentSdJwtVc(this.#keystore, holder.signingKid, held.jwt, input);
    return { presentation, disclosed: [...new Set(input.disclose)] };
  }

  /**
   * Verifies any W3C credential in JWT form (VC 1.1 JWT-VC or VC 2.0 vc+jwt) whose issuer DID resolves here:
   * signature and validity period always; status when the credential names a status method this verifier knows
   * (TelcoLedgerStatusRegistry2026 on chain, or BitstringStatusListEntry through `statusLists`), otherwise the answer
   * says there is none. Fails with CREDENTIAL_INVALID, CREDENTIAL_EXPIRED, CREDENTIAL_NOT_YET_VALID,
   * CREDENTIAL_REVOKED or CREDENTIAL_SUSPENDED (details name status and reason). A status that cannot be read here
   * (another ledger's registry, a status list not available) is answered as `unknown` with the reason.
   */
  async verify(jwt: string, options: VerifyOptions = {}): Promise<CheckedCredential> {
    if (typeof jwt !== "string" || jwt.split(".").length !== 3) throw invalidInput("jwt", "must be a compact JWT");
    const nowSeconds = Math.floor((options.now ?? new Date()).getTime() / 1000);
    const checked = await verifyJwtCredential(jwt, this.#resolver, nowSeconds);
    const id = typeof checked.credential.id === "string" ? checked.credential.id : null;
    const credentialId = id === null ? null : credentialIdOf(id);
    const raw = checked.credential.credentialStatus;
    const entries = (raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]) as unknown[];
    if (entries.some((e) => e === null || typeof e !== "object" || Array.isArray(e))) {
      throw new IdentityError("CREDENTIAL_INVALID", "credential invalid: credentialStatus must be objects");
    }
    const known = (entries as Record<string, unknown>[]).filter(
      (e) => e.type === statusEntryType || e.type === bitstringEntryType,
    );
    let status: StatusCheck;
    if (entries.length === 0) status = { method: null, note: "no status method" };
    else if (known.length === 0) {
      const types = (entries as Record<string, unknown>[]).map((e) => String(e.type)).join(", ");
      status = { method: null, note: `no status method this verifier knows (the credential names ${types})` };
    } else {
      // Every known entry is checked (a list may carry revocation and suspension); the first is the one answered.
      const checks: StatusCheck[] = [];
      for (const entry of known) {
        const check =
          entry.type === statusEntryType
            ? await this.#registryStatus(entry, checked.issuer, id, credentialId)
            : await checkBitstringEntry(entry, checked.issuer, options.statusLists, (list) =>
                verifyJwtCredential(list, this.#resolver, nowSeconds),
              );
        refuseIfWithdrawn(check, id, credentialId);
        checks.push(check);
      }
      status = checks[0] as StatusCheck;
    }
    return { ...checked, id, credentialId, status };
  }

  /** Our on-chain status entry: read from this ledger's registry, or unknown when it names another. */
  async #registryStatus(
    entry: Partial<TelcoLedgerStatusEntry>,
    issuer: string,
    id: string | null,
    credentialId: Hex | null,
  ): Promise<StatusCheck> {
    if (id === null || credentialId === null) {
      throw new IdentityError(
        "CREDENTIAL_INVALID",
        `credential invalid: a ${statusEntryType} entry needs the credential's id`,
      );
    }
    if (!issuer.startsWith("did:ethr:")) {
      throw new IdentityError(
        "CREDENTIAL_INVALID",
        `credential invalid: ${statusEntryType} keys issuers by did:ethr, not ${issuer}`,
      );
    }
    if (
      entry.chainId !== this.#chainId ||
      typeof entry.registry !== "string" ||
      !isAddress(entry.registry, { strict: false }) ||
      getAddress(entry.registry) !== getAddress(this.#status.registry)
    ) {
      return {
        method: statusEntryType,
        status: "unknown",
        reason: `the status lives in registry ${String(entry.registry)} on chain ${String(entry.chainId)}, not this ledger's`,
      };
    }
    if (typeof entry.credentialId !== "string" || entry.credentialId.toLowerCase() !== credentialId) {
      throw new IdentityError("CREDENTIAL_INVALID", "credentialStatus.credentialId does not match keccak256 of the id");
    }
    const record = await this.#status.statusOf(issuer, credentialId);
    return { method: statusEntryType, ...record };
  }
}

/**
 * The id of the verification method holding this public key in `did`'s document (a hosted DID's signing key: the
 * `kid` its JWTs name). Re-resolves once past the cache, since the key may have been published after the cached
 * document was read.
 */
export async function verificationMethodOf(
  resolver: Resolvable & { invalidate?(address: string): void },
  did: string,
  address: Address,
  publicKeyHex: Hex,
): Promise<string> {
  const wanted = publicKeyHex.slice(2).toLowerCase();
  for (let attempt = 0; attempt < 2; attempt++) {
    const result = await resolver.resolve(did, { accept: "application/did+json" });
    const method = result.didDocument?.verificationMethod?.find(
      (vm) => vm.type === "JsonWebKey2020" && (vm as { publicKeyHex?: string }).publicKeyHex?.toLowerCase() === wanted,
    );
    if (method) return method.id;
    resolver.invalidate?.(address);
  }
  throw new IdentityError(
    "DID_NO_SIGNING_KEY",
    `the signing key of ${did} is not in its resolved DID document (not yet published?)`,
    { details: { did } },
  );
}
