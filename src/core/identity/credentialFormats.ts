// The two JWT shapes of a W3C credential this agent verifies, each with a stock library (no JWS code of ours):
// - VC Data Model 1.1 as JWT-VC (the `vc` claim; exp/nbf): did-jwt-vc's verifyCredential;
// - VC Data Model 2.0 secured with JOSE (`typ: vc+jwt`, the payload is the credential itself; validFrom/validUntil):
//   did-jwt's verifyJWS against the issuer's assertionMethod keys from its resolved DID document.
// Both: signature through the issuer's DID, then the validity period. Status is the caller's (credentials.ts).
import { decodeJWT, verifyJWS } from "did-jwt";
import { type VerifiedCredential, verifyCredential } from "did-jwt-vc";
import type { DIDDocument, Resolvable, VerificationMethod } from "did-resolver";
import { IdentityError } from "./errors.ts";

export const VC_V1_CONTEXT = "https://www.w3.org/2018/credentials/v1";
export const VC_V2_CONTEXT = "https://www.w3.org/ns/credentials/v2";
export type CredentialFormat = "jwt-vc-1.1" | "vc+jwt-2.0";

/** Clock difference allowed on validity dates: did-jwt's own default for exp and nbf, applied to both formats. */
export const CLOCK_SKEW_SECONDS = 300;

export interface VerifiedJwtCredential {
  format: CredentialFormat;
  /** The issuer DID (`iss` in 1.1, `issuer` or `issuer.id` in 2.0). */
  issuer: string;
  /** The W3C credential object (1.1: rebuilt from the JWT claims by did-jwt-vc; 2.0: the payload). */
  credential: Record<string, unknown>;
  /** The JWT payload as signed. */
  payload: Record<string, unknown>;
  /** The verification method that signed. */
  signer: string;
  validFrom: Date | null;
  validUntil: Date | null;
}

const invalid = (message: string, cause?: unknown) =>
  new IdentityError("CREDENTIAL_INVALID", `credential invalid: ${message}`, cause === undefined ? {} : { cause });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Verifies a compact JWT credential of either format at `nowSeconds` (default: now). */
export async function verifyJwtCredential(
  jwt: string,
  resolver: Resolvable,
  nowSeconds: number = Math.floor(Date.now() / 1000),
): Promise<VerifiedJwtCredential> {
  let decoded: ReturnType<typeof decodeJWT>;
  try {
    decoded = decodeJWT(jwt, false);
  } catch (error) {
    throw invalid("not a JWT (three base64url parts, JSON header and payload)", error);
  }
  const payload = decoded.payload as Record<string, unknown>;
  const typ: string | undefined = decoded.header.typ;
  const contexts = Array.isArray(payload["@context"]) ? payload["@context"] : [];
  const isV2 = typ === "vc+jwt" || typ === "vc+ld+jwt" || (payload.vc === undefined && contexts[0] === VC_V2_CONTEXT);
  return isV2 ? verifyV2(jwt, decoded, resolver, nowSeconds) : verifyV1(jwt, resolver, nowSeconds);
}

async function verifyV1(jwt: string, resolver: Resolvable, nowSeconds: number): Promise<VerifiedJwtCredential> {
  let verified: VerifiedCredential;
  try {
    // did-jwt-vc pins an older did-resolver whose types differ only in @context typing; the runtime shape is the same.
    verified = await verifyCredential(jwt, resolver as unknown as Parameters<typeof verifyCredential>[1], {
      policies: { now: nowSeconds },
    });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (message.includes("JWT has expired")) {
      throw new IdentityError("CREDENTIAL_EXPIRED", `credential expired: ${message}`, { cause: error });
    }
    if (message.includes("not valid before nbf")) {
      throw new IdentityError("CREDENTIAL_NOT_YET_VALID", `credential not yet valid: ${message}`, { cause: error });
    }
    // did-jwt and did-jwt-vc name their own failures ("invalid_signature: ...", "invalid_jwt: ..."); anything else
    // was thrown by the curve library while checking the signature (e.g. a tampered r that is no curve point).
    throw invalid(
      /^[a-z_]+: /.test(message) ? message : `invalid_signature: the signature does not verify (${message})`,
      error,
    );
  }
  const payload = verified.payload as Record<string, unknown>;
  const seconds = (value: unknown) => (typeof value === "number" ? new Date(value * 1000) : null);
  return {
    format: "jwt-vc-1.1",
    issuer: verified.issuer,
    credential: verified.verifiableCredential as unknown as Record<string, unknown>,
    payload,
    signer: verified.signer.id,
    validFrom: seconds(payload.nbf),
    validUntil: seconds(payload.exp),
  };
}

async function verifyV2(
  jwt: string,
  decoded: ReturnType<typeof decodeJWT>,
  resolver: Resolvable,
  nowSeconds: number,
): Promise<VerifiedJwtCredential> {
  const credential = decoded.payload as Record<string, unknown>;
  const contexts = credential["@context"];
  if (!Array.isArray(contexts) || contexts[0] !== VC_V2_CONTEXT) {
    throw invalid(`a vc+jwt credential's @context must start with ${VC_V2_CONTEXT}`);
  }
  const types = credential.type;
  if (!(types === "VerifiableCredential" || (Array.isArray(types) && types.includes("VerifiableCredential")))) {
    throw invalid("type must include VerifiableCredential");
  }
  const subject = credential.credentialSubject;
  if (!isObject(subject) && !(Array.isArray(subject) && subject.length > 0 && subject.every(isObject))) {
    throw invalid("credentialSubject must be an object or a list of objects");
  }
  const issuerValue = credential.issuer;
  const issuer = typeof issuerValue === "string" ? issuerValue : isObject(issuerValue) ? issuerValue.id : undefined;
  if (typeof issuer !== "string" || !issuer.startsWith("did:")) throw invalid("issuer must be a DID (or {id: DID})");

  const methods = await assertionMethodsOf(issuer, resolver);
  const kid = decoded.header.kid;
  let candidates = methods;
  if (kid !== undefined) {
    const absolute = kid.startsWith("#") ? `${issuer}${kid}` : kid;
    if (!absolute.startsWith(`${issuer}#`)) throw invalid(`header kid ${kid} is not a key of the issuer ${issuer}`);
    candidates = methods.filter((m) => (m.id.startsWith("#") ? `${issuer}${m.id}` : m.id) === absolute);
    if (candidates.length === 0) throw invalid(`${kid} is not an assertionMethod of ${issuer}`);
  }
  let signer: VerificationMethod;
  try {
    // did-jwt keeps its own copy of did-resolver's types; the objects are the same.
    signer = verifyJWS(jwt, candidates as unknown as Parameters<typeof verifyJWS>[1]) as unknown as VerificationMethod;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw invalid(`signature does not verify with the assertion keys of ${issuer}: ${message}`, error);
  }

  const validFrom = dateOf(credential.validFrom, "validFrom") ?? secondsOf(credential.nbf, "nbf");
  const validUntil = dateOf(credential.validUntil, "validUntil") ?? secondsOf(credential.exp, "exp");
  const now = nowSeconds * 1000;
  if (validFrom !== null && validFrom.getTime() > now + CLOCK_SKEW_SECONDS * 1000) {
    throw new IdentityError(
      "CREDENTIAL_NOT_YET_VALID",
      `credential not yet valid: validFrom ${validFrom.toISOString()} is in the future`,
      { details: { validFrom: validFrom.toISOString() } },
    );
  }
  if (validUntil !== null && validUntil.getTime() < now - CLOCK_SKEW_SECONDS * 1000) {
    throw new IdentityError("CREDENTIAL_EXPIRED", `credential expired: validUntil ${validUntil.toISOString()} passed`, {
      details: { validUntil: validUntil.toISOString() },
    });
  }
  return { format: "vc+jwt-2.0", issuer, credential, payload: credential, signer: signer.id, validFrom, validUntil };
}

function dateOf(value: unknown, field: string): Date | null {
  if (value === undefined) return null;
  const date = typeof value === "string" ? new Date(value) : new Date(Number.NaN);
  if (Number.isNaN(date.getTime())) throw invalid(`${field} must be an XML Schema dateTime`);
  return date;
}

function secondsOf(value: unknown, field: string): Date | null {
  if (value === undefined) return null;
  if (typeof value !== "number" || !Number.isFinite(value)) throw invalid(`${field} must be seconds since 1970`);
  return new Date(value * 1000);
}

/** The issuer's verification methods listed under assertionMethod (by reference or embedded). */
export async function assertionMethodsOf(issuer: string, resolver: Resolvable): Promise<VerificationMethod[]> {
  const result = await resolver.resolve(issuer, { accept: "application/did+json" });
  const doc: DIDDocument | null = result.didDocument;
  if (!doc || result.didResolutionMetadata.error) {
    throw invalid(`issuer ${issuer} does not resolve: ${result.didResolutionMetadata.error ?? "no document"}`);
  }
  const all = doc.verificationMethod ?? [];
  const absolute = (id: string) => (id.startsWith("#") ? `${doc.id}${id}` : id);
  const methods: VerificationMethod[] = [];
  for (const entry of doc.assertionMethod ?? []) {
    if (typeof entry === "string") {
      const found = all.find((m) => absolute(m.id) === absolute(entry));
      if (found) methods.push(found);
    } else methods.push(entry);
  }
  if (methods.length === 0) throw invalid(`issuer ${issuer} lists no assertionMethod key`);
  return methods;
}
