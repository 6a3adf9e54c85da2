// Holder-bound presentations (issue 15, flows 2.2-2.4): a holder presents credentials bound to one request, so a
// presentation shown to one verifier for one request cannot be shown again, nor to anyone else.
//
// - `jwt_vp`: a W3C Verifiable Presentation as a JWT (did-jwt-vc's createVerifiablePresentationJwt), signed ES256 by
//   the holder DID the credentials were issued to (a person's pairwise did:key: the bank's pairwise DID differs from
//   the ISP's, so the presentation is signed by the DID the bank issued to), with `aud` = the verifier's DID and
//   `nonce` = the request's identifier. It carries compact JWT credentials (VC 1.1 JWT-VC or VC 2.0 vc+jwt).
// - `vc+sd-jwt`: an SD-JWT VC presentation whose key-binding JWT carries the same `aud` and `nonce`.
//
// Verifying checks, in this order, and refuses by name: the presentation's signature by its holder DID (did-jwt's
// verifyJWT, did:key resolved locally), `aud`, `nonce`, freshness (`iat` at most 300 s old); each credential
// as the agent's credential verifier does (signature, validity, status: a revoked one is CREDENTIAL_REVOKED); each
// credential's subject is the presentation's holder; and last the nonce is spent once (PRESENTATION_REPLAYED).
import { decodeJWT, verifyJWT } from "did-jwt";
import { createVerifiablePresentationJwt } from "did-jwt-vc";
import type { Resolvable } from "did-resolver";
import type { CheckedCredential, CheckedSdJwt, VerifyOptions } from "../../core/identity/credentials.ts";
import { withDidKey } from "../../core/identity/didKey.ts";
import { IdentityError } from "../../core/identity/errors.ts";
import type { ATTESTATION_FORMATS, MessageSender, ReplayGuard } from "../../core/identity/messages/index.ts";
import { holderJwkOf, KB_MAX_AGE_SECONDS } from "../../core/identity/sdJwtVc.ts";

/** Clock difference allowed on a presentation's `iat` (did-jwt's default skew). */
const SKEW_SECONDS = 300;
/** The most credentials one presentation may carry. */
export const MAX_PRESENTED_CREDENTIALS = 8;

/** A presentation as it travels in a PresentAttestation: its format and the compact token. */
export interface PresentedAttestation {
  format: (typeof ATTESTATION_FORMATS)[number];
  payload: string;
}

export interface CreatePresentationInput {
  /** The holder: the DID the credentials were issued to, its key id and signer (a wallet's pairwise DID). */
  holder: MessageSender;
  /** Compact JWT credentials (VC 1.1 JWT-VC or VC 2.0 vc+jwt). */
  credentials: string[];
  /** The verifier's DID (`aud`). */
  audience: string;
  /** The request's identifier (`nonce`): binds the presentation to it. */
  nonce: string;
  /** Seconds the presentation is valid (default 300). */
  ttlSeconds?: number;
}

/** A JWT VP of `credentials`, signed by the holder DID, for one verifier (`aud`) and one request (`nonce`). */
export async function createPresentation(input: CreatePresentationInput): Promise<PresentedAttestation> {
  if (input.credentials.length === 0 || input.credentials.length > MAX_PRESENTED_CREDENTIALS) {
    throw presentationError(`a presentation carries 1 to ${MAX_PRESENTED_CREDENTIALS} credentials`);
  }
  const iat = Math.floor(Date.now() / 1000);
  const payload = await createVerifiablePresentationJwt(
    {
      vp: {
        "@context": ["https://www.w3.org/2018/credentials/v1"],
        type: ["VerifiablePresentation"],
        verifiableCredential: input.credentials,
      },
      aud: input.audience,
      nonce: input.nonce,
      iat,
      exp: iat + (input.ttlSeconds ?? KB_MAX_AGE_SECONDS),
    },
    { did: input.holder.did, signer: input.holder.sign, alg: "ES256" },
    { header: { alg: "ES256", kid: input.holder.kid } },
  );
  return { format: "jwt_vp", payload };
}

/** What the verifier needs: its credential verifier (the agent's CredentialService), resolver and nonce store. */
export interface PresentationVerifierDeps {
  credentials: {
    verify(jwt: string, options?: VerifyOptions): Promise<CheckedCredential>;
    verifySdJwt(
      presentation: string,
      options: { nonce?: string; audience?: string; now?: Date },
    ): Promise<CheckedSdJwt>;
  };
  /** The agent's resolver (did:key is added here). */
  resolver: Resolvable;
  /** Where spent nonces are kept (the agent's SQL replay guard). */
  nonces: ReplayGuard;
  verifyOptions?: VerifyOptions;
}

export interface ExpectedPresentation {
  /** This verifier's DID: the presentation's `aud`. */
  audience: string;
  /** The request's identifier: the presentation's `nonce`. */
  nonce: string;
  now?: Date;
}

/** One credential of a verified presentation. */
export interface PresentedCredential {
  format: "jwt_vc" | "vc+jwt" | "vc+sd-jwt";
  issuer: string;
  subject: string;
  id: string | null;
  types: string[];
  /** The credential's claims (for an SD-JWT: exactly the disclosed ones), without the subject id. */
  claims: Record<string, unknown>;
  validUntil: Date | null;
  status: CheckedCredential["status"];
  /** The compact credential as presented. */
  token: string;
}

export interface VerifiedPresentation {
  format: "jwt_vp" | "vc+sd-jwt";
  /** The DID that signed the presentation (jwt_vp) or the SD-JWT's subject bound by its cnf key. */
  holder: string;
  credentials: PresentedCredential[];
}

const presentationError = (message: string, cause?: unknown) =>
  new IdentityError("PRESENTATION_INVALID", `presentation invalid: ${message}`, cause === undefined ? {} : { cause });

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Verifies a presentation for one request of this verifier (module comment); any refusal is a named error. */
export async function verifyPresentation(
  presented: PresentedAttestation,
  expected: ExpectedPresentation,
  deps: PresentationVerifierDeps,
): Promise<VerifiedPresentation> {
  const now = expected.now ?? new Date();
  const nowSeconds = Math.floor(now.getTime() / 1000);
  let verified: VerifiedPresentation;
  let iat: number;
  if (presented.format === "jwt_vp") {
    ({ verified, iat } = await verifyJwtVp(presented.payload, expected, nowSeconds, deps));
  } else if (presented.format === "vc+sd-jwt") {
    ({ verified, iat } = await verifySdJwtPresentation(presented.payload, expected, now, deps));
  } else {
    throw presentationError(`format ${presented.format} is not a presentation (jwt_vp, or vc+sd-jwt with key binding)`);
  }
  // Single use: the nonce (the request's identifier) is spent by the first presentation that verifies.
  const key = `presentation\n${expected.audience}\n${expected.nonce}`;
  if (!(await deps.nonces.consume(key, iat + KB_MAX_AGE_SECONDS + 2 * SKEW_SECONDS))) {
    throw new IdentityError(
      "PRESENTATION_REPLAYED",
      `a presentation for nonce ${expected.nonce} was already accepted: each request is answered once`,
      { details: { nonce: expected.nonce } },
    );
  }
  return verified;
}

async function verifyJwtVp(
  jwt: string,
  expected: ExpectedPresentation,
  nowSeconds: number,
  deps: PresentationVerifierDeps,
): Promise<{ verified: VerifiedPresentation; iat: number }> {
  let payload: Record<string, unknown>;
  let holder: string;
  try {
    // did-jwt's verifyJWT, not did-jwt-vc's verifyPresentation: the latter also validates each credential's own JSON
    // shape as VC 1.1, which refuses a VC 2.0 (vc+jwt) inside; each credential is verified below instead.
    const result = await verifyJWT(jwt, {
      resolver: withDidKey(deps.resolver),
      audience: expected.audience,
      proofPurpose: "authentication",
      policies: { now: nowSeconds },
    });
    payload = result.payload as Record<string, unknown>;
    holder = result.issuer;
    if (result.signer?.id !== undefined && !result.signer.id.startsWith(holder)) {
      throw new Error("invalid_signature: the signing key is not one of the holder DID's");
    }
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    throw presentationError(`${describeVpFailure(text, expected)} (${text})`, error);
  }
  if (payload.nonce !== expected.nonce) {
    throw presentationError(`not bound to nonce ${expected.nonce} (it names ${String(payload.nonce)})`);
  }
  const types = (payload.vp as { type?: unknown } | undefined)?.type;
  if (!(Array.isArray(types) ? types : [types]).includes("VerifiablePresentation")) {
    throw presentationError("vp.type must include VerifiablePresentation");
  }
  const iat = payload.iat;
  if (typeof iat !== "number") throw presentationError("the presentation has no iat");
  if (iat < nowSeconds - KB_MAX_AGE_SECONDS - SKEW_SECONDS || iat > nowSeconds + SKEW_SECONDS) {
    throw presentationError(`the presentation is stale or from the future (iat ${iat}, now ${nowSeconds})`);
  }
  const vp = payload.vp as { verifiableCredential?: unknown } | undefined;
  const list = vp?.verifiableCredential;
  if (!Array.isArray(list) || list.length === 0 || list.length > MAX_PRESENTED_CREDENTIALS) {
    throw presentationError(`vp.verifiableCredential must list 1 to ${MAX_PRESENTED_CREDENTIALS} credentials`);
  }
  const credentials: PresentedCredential[] = [];
  for (const [index, token] of list.entries()) {
    if (typeof token !== "string" || token.split(".").length !== 3) {
      throw presentationError(`vp.verifiableCredential[${index}] must be a compact JWT credential`);
    }
    const checked = await deps.credentials.verify(token, deps.verifyOptions ?? {});
    const subject = subjectOf(checked);
    if (subject !== holder) {
      throw presentationError(
        `credential ${index} was issued to ${subject ?? "no subject"}, not to the presentation's holder ${holder}`,
      );
    }
    const claims = isObject(checked.credential.credentialSubject) ? { ...checked.credential.credentialSubject } : {};
    delete claims.id;
    const types = Array.isArray(checked.credential.type)
      ? (checked.credential.type as unknown[]).filter((t): t is string => typeof t === "string")
      : [];
    credentials.push({
      format: checked.format === "vc+jwt-2.0" ? "vc+jwt" : "jwt_vc",
      issuer: checked.issuer,
      subject,
      id: checked.id,
      types: types.filter((t) => t !== "VerifiableCredential"),
      claims,
      validUntil: checked.validUntil,
      status: checked.status,
      token,
    });
  }
  return { verified: { format: "jwt_vp", holder, credentials }, iat };
}

/** Names the first failing check of a JWT VP from did-jwt(-vc)'s message. */
function describeVpFailure(text: string, expected: ExpectedPresentation): string {
  if (/audience|aud/i.test(text)) return `not addressed to ${expected.audience}`;
  if (/challenge|nonce/i.test(text)) return `not bound to nonce ${expected.nonce}`;
  if (/expired/i.test(text)) return "expired";
  if (/signature|signer/i.test(text)) return "its signature does not verify against the holder DID";
  return "not a valid JWT presentation";
}

async function verifySdJwtPresentation(
  presentation: string,
  expected: ExpectedPresentation,
  now: Date,
  deps: PresentationVerifierDeps,
): Promise<{ verified: VerifiedPresentation; iat: number }> {
  const checked = await deps.credentials.verifySdJwt(presentation, {
    nonce: expected.nonce,
    audience: expected.audience,
    now,
  });
  if (checked.subject === null || checked.keyBinding === null) {
    throw presentationError("an SD-JWT VC presented must name its holder (sub) and carry a key-binding JWT");
  }
  // The key binding proves the cnf key: it must be the key of the DID the credential names as its holder.
  const issuerJwt = presentation.split("~")[0] as string;
  const cnf = (decodeJWT(issuerJwt, false).payload as { cnf?: { jwk?: { x?: string; y?: string } } }).cnf?.jwk;
  const holderKey = await holderJwkOf(withDidKey(deps.resolver), checked.subject).catch(() => null);
  if (!holderKey || cnf?.x !== holderKey.x || cnf?.y !== holderKey.y) {
    throw presentationError(`the SD-JWT's cnf key is not a key of its holder ${checked.subject}`);
  }
  return {
    verified: {
      format: "vc+sd-jwt",
      holder: checked.subject,
      credentials: [
        {
          format: "vc+sd-jwt",
          issuer: checked.issuer,
          subject: checked.subject,
          id: checked.id,
          types: [checked.vct],
          claims: checked.claims,
          validUntil: checked.validUntil,
          status: checked.status,
          token: presentation,
        },
      ],
    },
    iat: Math.floor(checked.keyBinding.issuedAt.getTime() / 1000),
  };
}

/** The DID a verified JWT credential was issued to: `credentialSubject.id`, else the JWT `sub`. */
function subjectOf(checked: CheckedCredential): string | null {
  const subject = checked.credential.credentialSubject;
  if (isObject(subject) && typeof subject.id === "string") return subject.id;
  return typeof checked.payload.sub === "string" ? checked.payload.sub : null;
}
