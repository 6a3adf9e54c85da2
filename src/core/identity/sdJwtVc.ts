// SD-JWT VC (IETF draft-ietf-oauth-sd-jwt-vc, `typ: dc+sd-jwt`, as @sd-jwt/sd-jwt-vc 0.19 issues it) for identity
// attributes: issued by a hosted DID (ES256, signed inside the keystore), every attribute of the identity profile
// selectively disclosable, bound to the holder's key (`cnf.jwk`), its status an entry of our on-chain registry.
// Presented by the holder's wallet with a key-binding JWT over the verifier's nonce and audience; verified here
// whoever issued it (the issuer's DID resolves its key, ES256 or ES256K), answering exactly the disclosed claims.
// Status is the caller's (credentials.ts): this module answers the raw entry.
import { createHash, createPublicKey, randomUUID, verify as verifySignature } from "node:crypto";
import { digest, generateSalt } from "@sd-jwt/crypto-nodejs";
import { SDJwtVcInstance } from "@sd-jwt/sd-jwt-vc";
import { decodeJWT, verifyJWS } from "did-jwt";
import type { Resolvable, VerificationMethod } from "did-resolver";
import { assertionMethodsOf, CLOCK_SKEW_SECONDS } from "./credentialFormats.ts";
import { IdentityError, invalidInput } from "./errors.ts";
import { publicJwkFromHex } from "./keyMaterial.ts";
import type { Keystore } from "./keystore.ts";

/** The header `typ` this agent issues (the draft's current one); `vc+sd-jwt` (earlier drafts) is verified too. */
export const SD_JWT_VC_TYP = "dc+sd-jwt";
const ACCEPTED_TYPS = new Set([SD_JWT_VC_TYP, "vc+sd-jwt"]);
/** The type of the identity credential this agent issues (its `vct`), unless the caller names another. */
export const IDENTITY_VCT = "urn:telco-ledger:vct:identity:1";
/** The name of our status entry inside the SD-JWT VC `status` claim (the on-chain registry, by credential id). */
export const SD_JWT_STATUS_ENTRY = "telco_ledger_registry";
/** How old a key-binding JWT may be (its `iat`), besides the clock skew. */
export const KB_MAX_AGE_SECONDS = 300;

/** The identity profile: each attribute selectively disclosable; address also member by member. */
export const IDENTITY_CLAIMS = {
  given_name: "string",
  family_name: "string",
  birthdate: "date",
  age_over_18: "boolean",
  age_over_21: "boolean",
  nationality: "string",
  email: "string",
  phone_number: "string",
  address: "address",
} as const;
export const ADDRESS_MEMBERS = ["street_address", "locality", "region", "postal_code", "country"] as const;
/** Claims of the signed payload that are never disclosures: not answered as disclosed claims. */
const REGISTERED = new Set(["iss", "sub", "iat", "nbf", "exp", "cnf", "vct", "vct#integrity", "status", "jti"]);
/** The longest value of a string attribute. */
const MAX_CLAIM_LENGTH = 512;

export type IdentityClaims = Partial<Record<keyof typeof IDENTITY_CLAIMS, unknown>>;

export interface SdJwtStatusEntry {
  chainId: number;
  registry: string;
  credential_id: string;
}

export interface IssueSdJwtInput {
  issuerDid: string;
  /** The issuer's signing key in the keystore and its verification method id (the header kid). */
  signingKid: string;
  kid: string;
  holderDid: string;
  /** The holder's public key the credential is bound to. */
  holderJwk: Record<string, unknown>;
  claims: IdentityClaims;
  vct?: string;
  expirationDate?: Date;
  status: SdJwtStatusEntry;
  id: string;
  now: Date;
}

const hasher = (data: string | ArrayBuffer, alg: string) => digest(data, alg);

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

/** Validates identity claims against the profile; every failure names its field (claims.<name>). */
export function validIdentityClaims(claims: unknown): IdentityClaims {
  if (!isObject(claims) || Object.keys(claims).length === 0) {
    throw invalidInput("claims", "must be an object with at least one identity attribute");
  }
  for (const [name, value] of Object.entries(claims)) {
    const kind = (IDENTITY_CLAIMS as Record<string, string>)[name];
    const field = `claims.${name}`;
    if (kind === undefined) {
      throw invalidInput(
        field,
        `is not an attribute of the identity profile (${Object.keys(IDENTITY_CLAIMS).join(", ")})`,
      );
    }
    if (kind === "boolean" && typeof value !== "boolean") throw invalidInput(field, "must be true or false");
    if (kind === "string" && (typeof value !== "string" || value === "" || value.length > MAX_CLAIM_LENGTH)) {
      throw invalidInput(field, `must be a non-empty string of at most ${MAX_CLAIM_LENGTH} characters`);
    }
    if (
      kind === "date" &&
      (typeof value !== "string" ||
        !/^\d{4}-\d{2}-\d{2}$/.test(value) ||
        Number.isNaN(Date.parse(`${value}T00:00:00Z`)))
    ) {
      throw invalidInput(field, "must be a date YYYY-MM-DD");
    }
    if (kind === "address") {
      if (!isObject(value) || Object.keys(value).length === 0) {
        throw invalidInput(field, `must be an object of ${ADDRESS_MEMBERS.join(", ")}`);
      }
      for (const [member, part] of Object.entries(value)) {
        if (!(ADDRESS_MEMBERS as readonly string[]).includes(member)) {
          throw invalidInput(`${field}.${member}`, `is not an address member (${ADDRESS_MEMBERS.join(", ")})`);
        }
        if (typeof part !== "string" || part === "" || part.length > MAX_CLAIM_LENGTH) {
          throw invalidInput(
            `${field}.${member}`,
            `must be a non-empty string of at most ${MAX_CLAIM_LENGTH} characters`,
          );
        }
      }
    }
  }
  return claims as IdentityClaims;
}

/** The P-256 (or secp256k1) public JWK of a verification method, or null when it carries neither. */
export function publicJwkOf(method: VerificationMethod): Record<string, unknown> | null {
  const jwk = (method as { publicKeyJwk?: Record<string, unknown> }).publicKeyJwk;
  if (isObject(jwk) && jwk.kty === "EC" && (jwk.crv === "P-256" || jwk.crv === "secp256k1")) {
    return { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y };
  }
  const hex = (method as { publicKeyHex?: string }).publicKeyHex;
  if (method.type === "JsonWebKey2020" && typeof hex === "string" && /^(0x)?04[0-9a-fA-F]{128}$/.test(hex)) {
    try {
      const { x, y } = publicJwkFromHex(`0x${hex.replace(/^0x/, "")}`);
      createPublicKey({ key: { kty: "EC", crv: "P-256", x, y }, format: "jwk" });
      return { kty: "EC", crv: "P-256", x, y };
    } catch {
      return null;
    }
  }
  return null;
}

/** The key a holder DID binds credentials to: its first P-256 key (authentication first, then assertion). */
export async function holderJwkOf(resolver: Resolvable, did: string): Promise<Record<string, unknown>> {
  const result = await resolver.resolve(did, { accept: "application/did+json" });
  const doc = result.didDocument;
  if (!doc || result.didResolutionMetadata.error) {
    throw new IdentityError("DID_RESOLUTION_FAILED", `holder ${did} does not resolve`, { details: { did } });
  }
  const all = doc.verificationMethod ?? [];
  const absolute = (id: string) => (id.startsWith("#") ? `${doc.id}${id}` : id);
  const listed = [...(doc.authentication ?? []), ...(doc.assertionMethod ?? [])].map((entry) =>
    typeof entry === "string" ? all.find((m) => absolute(m.id) === absolute(entry)) : entry,
  );
  for (const method of listed) {
    const jwk = method ? publicJwkOf(method) : null;
    if (jwk?.crv === "P-256") return jwk;
  }
  throw invalidInput("holder", `${did} lists no P-256 key to bind the credential to`);
}

/** The disclosure frame: every attribute selectively disclosable, and each member of an address too. */
function frameOf(claims: IdentityClaims): Record<string, unknown> {
  const frame: Record<string, unknown> = { _sd: Object.keys(claims) };
  if (isObject(claims.address)) frame.address = { _sd: Object.keys(claims.address) };
  return frame;
}

/** Issues an SD-JWT VC (its compact form with every disclosure: the holder's copy). */
export async function issueSdJwtVc(keystore: Keystore, input: IssueSdJwtInput): Promise<string> {
  const claims = validIdentityClaims(input.claims);
  const sdjwt = new SDJwtVcInstance({
    signer: keystore.es256Signer(input.signingKid),
    signAlg: "ES256",
    hasher,
    hashAlg: "sha-256",
    saltGenerator: generateSalt,
  });
  const payload = {
    iss: input.issuerDid,
    sub: input.holderDid,
    iat: Math.floor(input.now.getTime() / 1000),
    nbf: Math.floor(input.now.getTime() / 1000),
    ...(input.expirationDate ? { exp: Math.floor(input.expirationDate.getTime() / 1000) } : {}),
    vct: input.vct ?? IDENTITY_VCT,
    jti: input.id,
    cnf: { jwk: input.holderJwk },
    status: { [SD_JWT_STATUS_ENTRY]: input.status },
    ...claims,
  };
  // The library types `status` as a token status list reference; ours is another entry of the same claim.
  return sdjwt.issue(payload as unknown as Parameters<typeof sdjwt.issue>[0], frameOf(claims) as never, {
    header: { kid: input.kid },
  });
}

/** The claim paths an SD-JWT can disclose: top-level names and `address.<member>`. */
export async function disclosableClaims(sdJwt: string): Promise<string[]> {
  return new SDJwtVcInstance({ hasher }).presentableKeys(sdJwt);
}

export interface PresentInput {
  /** Claim paths to disclose: `given_name`, `address.locality` (a member implies its object). */
  disclose: string[];
  nonce: string;
  audience: string;
  now?: Date;
}

/** Makes a presentation: only the chosen disclosures, and a key-binding JWT signed by the holder's key. */
export async function presentSdJwtVc(
  keystore: Keystore,
  holderKid: string,
  sdJwt: string,
  input: PresentInput,
): Promise<string> {
  if (!Array.isArray(input.disclose) || input.disclose.some((c) => typeof c !== "string")) {
    throw invalidInput("disclose", "must be a list of claim names");
  }
  if (typeof input.nonce !== "string" || input.nonce === "") throw invalidInput("nonce", "must be a non-empty string");
  if (typeof input.audience !== "string" || input.audience === "") {
    throw invalidInput("audience", "must be a non-empty string");
  }
  const available = await disclosableClaims(sdJwt);
  const frame: Record<string, unknown> = {};
  for (const path of input.disclose) {
    if (!available.includes(path)) {
      throw invalidInput("disclose", `${path} is not a claim this credential can disclose (${available.join(", ")})`);
    }
    const [head, member] = path.split(".") as [string, string | undefined];
    if (member === undefined) {
      if (!isObject(frame[head])) frame[head] = true;
    } else frame[head] = { ...(isObject(frame[head]) ? frame[head] : {}), [member]: true };
  }
  const sdjwt = new SDJwtVcInstance({ hasher, kbSigner: keystore.es256Signer(holderKid), kbSignAlg: "ES256" });
  const iat = Math.floor((input.now ?? new Date()).getTime() / 1000);
  return sdjwt.present(sdJwt, frame as never, { kb: { payload: { iat, aud: input.audience, nonce: input.nonce } } });
}

export interface VerifiedSdJwt {
  issuer: string;
  vct: string;
  /** The signed `sub` (the holder's DID), when there is one. */
  subject: string | null;
  id: string | null;
  signer: string;
  validFrom: Date | null;
  validUntil: Date | null;
  /** Exactly the disclosed claims. */
  claims: Record<string, unknown>;
  /** The `status` claim as signed, or undefined. */
  status: unknown;
  keyBinding: { audience: string; nonce: string; issuedAt: Date } | null;
}

export interface VerifySdJwtOptions {
  /** Without both, no key binding is required (receiving into a wallet); with them, it is checked. */
  nonce?: string;
  audience?: string;
  now?: Date;
}

const invalid = (message: string, cause?: unknown) =>
  new IdentityError("CREDENTIAL_INVALID", `credential invalid: ${message}`, cause === undefined ? {} : { cause });
const badPresentation = (message: string, cause?: unknown) =>
  new IdentityError("PRESENTATION_INVALID", `presentation invalid: ${message}`, cause === undefined ? {} : { cause });

/** Verifies a key-binding JWT signature with the credential's cnf key (P-256 ES256 or secp256k1 ES256K). */
function kbVerify(data: string, signature: string, payload: Record<string, unknown> | undefined): boolean {
  const jwk = (payload?.cnf as { jwk?: Record<string, unknown> } | undefined)?.jwk;
  if (!isObject(jwk) || jwk.kty !== "EC" || (jwk.crv !== "P-256" && jwk.crv !== "secp256k1")) {
    throw invalid("cnf.jwk must be a P-256 or secp256k1 public key");
  }
  const key = createPublicKey({ key: { kty: "EC", crv: jwk.crv, x: jwk.x, y: jwk.y } as never, format: "jwk" });
  return verifySignature(
    "sha256",
    Buffer.from(data),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
}

/** Every digest the issuer signed: in the payload and, recursively, inside disclosed values. */
function signedDigests(value: unknown, into: Set<string>): void {
  if (Array.isArray(value)) {
    for (const item of value) {
      if (isObject(item) && typeof item["..."] === "string" && Object.keys(item).length === 1) into.add(item["..."]);
      else signedDigests(item, into);
    }
  } else if (isObject(value)) {
    if (Array.isArray(value._sd)) for (const d of value._sd) if (typeof d === "string") into.add(d);
    for (const [key, child] of Object.entries(value)) if (key !== "_sd") signedDigests(child, into);
  }
}

/**
 * Verifies an SD-JWT VC (optionally a presentation with its key-binding JWT): the issuer's signature through its DID,
 * each disclosure against the digests the issuer signed, the validity period, and, when `nonce` and `audience` are
 * given, the key binding (present, nonce, audience, fresh iat, signed by the cnf key over the presented SD-JWT).
 * Refusals: CREDENTIAL_INVALID, CREDENTIAL_EXPIRED, CREDENTIAL_NOT_YET_VALID, PRESENTATION_INVALID.
 */
export async function verifySdJwtVc(
  presentation: string,
  resolver: Resolvable,
  options: VerifySdJwtOptions = {},
): Promise<VerifiedSdJwt> {
  const parts = presentation.split("~");
  const issuerJwt = parts[0] ?? "";
  if (parts.length < 2 || issuerJwt.split(".").length !== 3) {
    throw invalidInput("presentation", "must be an SD-JWT: <issuer JWT>~<disclosure>~...~[<key-binding JWT>]");
  }
  let decoded: ReturnType<typeof decodeJWT>;
  try {
    decoded = decodeJWT(issuerJwt, false);
  } catch (error) {
    throw invalid("the issuer-signed part is not a JWT", error);
  }
  const header = decoded.header as { typ?: string; kid?: string; alg?: string };
  const payload = decoded.payload as Record<string, unknown>;
  if (!ACCEPTED_TYPS.has(header.typ ?? "")) {
    throw invalid(`header typ must be ${[...ACCEPTED_TYPS].join(" or ")}, not ${String(header.typ)}`);
  }
  const issuer = payload.iss;
  if (typeof issuer !== "string" || !issuer.startsWith("did:")) throw invalid("iss must be the issuer's DID");
  if (typeof payload.vct !== "string" || payload.vct === "") throw invalid("vct must name the credential type");

  // 1. The issuer's signature, with the stock did-jwt against the issuer's assertion keys.
  const methods = await assertionMethodsOf(issuer, resolver).catch((error: unknown) => {
    throw error instanceof IdentityError ? error : invalid(`issuer ${issuer} does not resolve`, error);
  });
  let candidates = methods;
  if (header.kid !== undefined) {
    const absolute = header.kid.startsWith("#") ? `${issuer}${header.kid}` : header.kid;
    candidates = methods.filter((m) => (m.id.startsWith("#") ? `${issuer}${m.id}` : m.id) === absolute);
    if (candidates.length === 0) throw invalid(`${header.kid} is not an assertionMethod of ${issuer}`);
  }
  let signer: VerificationMethod;
  try {
    signer = verifyJWS(issuerJwt, candidates as never) as unknown as VerificationMethod;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw invalid(`signature does not verify with the assertion keys of ${issuer}: ${message}`, error);
  }

  // 2. Every disclosure presented must be one the issuer signed (its digest in _sd, here or in another disclosure).
  const kbJwt = parts.at(-1) ?? "";
  const disclosures = parts.slice(1, -1).filter((d) => d !== "");
  if (payload._sd_alg !== undefined && payload._sd_alg !== "sha-256") {
    throw invalid(`_sd_alg ${String(payload._sd_alg)} is not supported (sha-256 is)`);
  }
  const signed = new Set<string>();
  signedDigests(payload, signed);
  const values: unknown[] = [];
  for (const [i, disclosure] of disclosures.entries()) {
    let decodedDisclosure: unknown;
    try {
      decodedDisclosure = JSON.parse(Buffer.from(disclosure, "base64url").toString("utf8"));
    } catch {
      throw invalid(`disclosure ${i + 1} is not base64url JSON`);
    }
    if (!Array.isArray(decodedDisclosure) || decodedDisclosure.length < 2 || decodedDisclosure.length > 3) {
      throw invalid(`disclosure ${i + 1} must be [salt, name, value] or [salt, value]`);
    }
    values.push(decodedDisclosure.at(-1));
  }
  for (const value of values) signedDigests(value, signed);
  for (const [i, disclosure] of disclosures.entries()) {
    const hash = createHash("sha256").update(disclosure).digest("base64url");
    if (!signed.has(hash)) {
      throw invalid(`disclosure ${i + 1} is not one the issuer signed (its digest is in no _sd): tampered or foreign`);
    }
  }

  // 3. The validity period.
  const now = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const seconds = (value: unknown, field: string) => {
    if (value === undefined) return null;
    if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`${field} must be seconds since 1970`);
    return new Date(value * 1000);
  };
  const validFrom = seconds(payload.nbf, "nbf") ?? seconds(payload.iat, "iat");
  const validUntil = seconds(payload.exp, "exp");
  if (validFrom !== null && validFrom.getTime() > (now + CLOCK_SKEW_SECONDS) * 1000) {
    throw new IdentityError(
      "CREDENTIAL_NOT_YET_VALID",
      `credential not yet valid: nbf ${validFrom.toISOString()} is in the future`,
      { details: { validFrom: validFrom.toISOString() } },
    );
  }
  if (validUntil !== null && validUntil.getTime() < (now - CLOCK_SKEW_SECONDS) * 1000) {
    throw new IdentityError("CREDENTIAL_EXPIRED", `credential expired: exp ${validUntil.toISOString()} passed`, {
      details: { validUntil: validUntil.toISOString() },
    });
  }

  // 4. The key binding, when the verifier asks for one: our own reasons first, then the library's checks.
  const wantsBinding = options.nonce !== undefined || options.audience !== undefined;
  let keyBinding: VerifiedSdJwt["keyBinding"] = null;
  if (wantsBinding) {
    if (kbJwt === "") throw badPresentation("it carries no key-binding JWT (the holder must sign nonce and audience)");
    let kb: ReturnType<typeof decodeJWT>;
    try {
      kb = decodeJWT(kbJwt, false);
    } catch (error) {
      throw badPresentation("the key-binding JWT is not a JWT", error);
    }
    const kbPayload = kb.payload as Record<string, unknown>;
    if ((kb.header as { typ?: string }).typ !== "kb+jwt")
      throw badPresentation("the key-binding JWT's typ must be kb+jwt");
    if (kbPayload.nonce !== options.nonce) {
      throw badPresentation(`the key-binding nonce ${JSON.stringify(kbPayload.nonce ?? null)} is not this verifier's`);
    }
    if (kbPayload.aud !== options.audience) {
      throw badPresentation(
        `the key-binding audience ${JSON.stringify(kbPayload.aud ?? null)} is not ${JSON.stringify(options.audience)}`,
      );
    }
    const iat = kbPayload.iat;
    if (
      typeof iat !== "number" ||
      iat > now + CLOCK_SKEW_SECONDS ||
      iat < now - KB_MAX_AGE_SECONDS - CLOCK_SKEW_SECONDS
    ) {
      throw badPresentation(
        `the key-binding JWT's iat must be within the last ${KB_MAX_AGE_SECONDS} seconds (a stale or replayed one)`,
      );
    }
    keyBinding = { audience: options.audience ?? "", nonce: options.nonce ?? "", issuedAt: new Date(iat * 1000) };
  } else if (kbJwt !== "") {
    throw invalidInput("presentation", "carries a key-binding JWT: give the nonce and audience it was made for");
  }

  // 5. The library (@sd-jwt) over the whole: issuer signature again, disclosures unpacked, KB signature and sd_hash.
  // Status is not the library's here: ours is checked by the caller, others are reported.
  const verifier = new SDJwtVcInstance({
    hasher,
    verifier: (data, sig) => {
      verifyJWS(`${data}.${sig}`, [signer] as never);
      return true;
    },
    kbVerifier: (data, sig, p) => kbVerify(data, sig, p as Record<string, unknown>),
    statusListFetcher: () => Promise.reject(new StatusNotRead()),
  });
  let unpacked: Record<string, unknown>;
  try {
    const result = await verifier.verify(presentation, {
      currentDate: now,
      skewSeconds: CLOCK_SKEW_SECONDS,
      ...(wantsBinding ? { keyBindingNonce: options.nonce } : {}),
    });
    unpacked = result.payload as unknown as Record<string, unknown>;
  } catch (error) {
    if (error instanceof StatusNotRead) {
      // Everything else verified; the token status list is reported as not read here (by the caller).
      unpacked = (await verifier.getClaims(presentation)) as Record<string, unknown>;
    } else {
      const message = error instanceof Error ? error.message : String(error);
      if (wantsBinding && /key binding|sd_hash|signature is not valid|Invalid JWT Signature|Nonce/i.test(message)) {
        throw badPresentation(`the key binding does not verify with the credential's cnf key: ${message}`, error);
      }
      throw invalid(message, error);
    }
  }
  const claims = Object.fromEntries(Object.entries(unpacked).filter(([k]) => !REGISTERED.has(k) && k !== "_sd_alg"));
  return {
    issuer,
    vct: payload.vct,
    subject: typeof payload.sub === "string" ? payload.sub : null,
    id: typeof payload.jti === "string" ? payload.jti : null,
    signer: signer.id,
    validFrom,
    validUntil,
    claims,
    status: payload.status,
    keyBinding,
  };
}

class StatusNotRead extends Error {}

/** A fresh credential id (the VC id our status registry keys by keccak256). */
export const newCredentialUrn = () => `urn:uuid:${randomUUID()}`;
