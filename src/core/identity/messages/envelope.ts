// How an attestation message travels between a user agent and an enterprise agent (or two of either): a JWT signed
// by the sender's DID (ES256, the key named by `kid` in the sender's DID document under assertionMethod), addressed
// to the recipient's DID (`aud`), short-lived (`exp`) and single-use (`jti`), with the message object as the `msg`
// claim; and, when the message carries personal data, that JWT encrypted to the recipient's key-agreement key as a
// compact JWE (ECDH-ES, A256GCM, `cty: JWT`). Sign then encrypt, so the recipient learns who signed only after
// decrypting, and a relay (an identity hub) learns nothing but the recipient's key id.
//
// Opening checks, in this order, and refuses with a named code: the JWE opens for one of our keys; the signature
// verifies against the sender's DID document; the token is for us and not expired; the message fits its schema;
// personal data came encrypted; the jti was not seen before (replay). sealEnvelope/openEnvelope are the same envelope
// for any message object, validated by the caller (settlement's batch deliveries between operators' agents use it).
import { randomBytes } from "node:crypto";
import { createJWT, verifyJWT } from "did-jwt";
import type { DIDDocument, Resolvable, VerificationMethod } from "did-resolver";
import { JweOpenError, type JweRecipient, openJwe, type SharedSecretOf, sealJwe } from "../ecdhJwe.ts";
import { IdentityError, type IdentityErrorCode, invalidInput } from "../errors.ts";
import type { Es256Signer } from "../keystore.ts";
import type { ReplayGuard } from "./replayGuard.ts";
import { type AttestationMessage, PERSONAL_DATA_TYPES } from "./schemas.ts";
import { validateMessage } from "./validate.ts";

/** How long a message may live: long enough to cross a relay, short enough that the replay guard stays small. */
export const MAX_MESSAGE_TTL_SECONDS = 3600;
const DEFAULT_TTL_SECONDS = 300;

export interface MessageSender {
  did: string;
  /** The DID URL of the signing key in the sender's document (e.g. did:key:z..#z.., did:ethr:..#delegate-1). */
  kid: string;
  sign: Es256Signer;
}

export interface SealMessageOptions {
  /** Seconds the message may be opened for (default 300, at most MAX_MESSAGE_TTL_SECONDS). */
  ttlSeconds?: number;
  /** Encrypt even when the type carries no personal data (it always is when it does). */
  encrypt?: boolean;
  now?: number;
  /**
   * Where the sender takes answers (its hub inbox or device endpoint, an absolute http(s) URL): signed with the
   * message as the `reply` claim, so a recipient answers only where the sender itself said.
   */
  reply?: string;
}

/** The most characters of a `reply` endpoint. */
export const MAX_REPLY_URL_CHARS = 2048;

/** `value` as a reply endpoint (an absolute http(s) URL, no credentials in it), or why not. */
export function replyEndpointProblem(value: unknown): string | undefined {
  if (typeof value !== "string" || value.length > MAX_REPLY_URL_CHARS) {
    return `must be an absolute http(s) URL of at most ${MAX_REPLY_URL_CHARS} characters`;
  }
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return "must be an absolute http(s) URL";
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") return "must be an absolute http(s) URL";
  if (url.username !== "" || url.password !== "") return "must not carry credentials";
  return undefined;
}

/** A message as the recipient sees it once opened and checked. */
export interface OpenedMessage<M = AttestationMessage> {
  message: M;
  sender: string;
  recipient: string;
  jti: string;
  issuedAt: number;
  expiresAt: number;
  encrypted: boolean;
  /** The sender's signed reply endpoint, when the message names one. */
  reply?: string;
}

type MessageErrorCode = Extract<IdentityErrorCode, `MESSAGE_${string}`>;

const messageError = (code: MessageErrorCode, message: string, cause?: unknown) =>
  new IdentityError(code, message, cause === undefined ? undefined : { cause });

function methodsOf(doc: DIDDocument, relationship: "keyAgreement" | "assertionMethod"): VerificationMethod[] {
  const all = doc.verificationMethod ?? [];
  return (doc[relationship] ?? []).flatMap((entry) => {
    if (typeof entry !== "string") return [entry];
    const id = entry.startsWith("#") ? `${doc.id}${entry}` : entry;
    return all.filter((m) => m.id === id || (m.id.startsWith("#") && `${doc.id}${m.id}` === id));
  });
}

/** The P-256 key-agreement key of `did` (the first listed), as a JWE recipient. */
export async function keyAgreementOf(
  resolver: Resolvable,
  did: string,
): Promise<{ x: string; y: string; kid: string }> {
  const resolved = await resolver.resolve(did);
  const doc = resolved.didDocument;
  if (!doc) {
    throw new IdentityError(
      "DID_RESOLUTION_FAILED",
      `${did} does not resolve: ${resolved.didResolutionMetadata.error ?? "no document"}`,
    );
  }
  for (const method of methodsOf(doc, "keyAgreement")) {
    const jwk = method.publicKeyJwk;
    if (jwk?.kty === "EC" && jwk.crv === "P-256" && jwk.x && jwk.y) return { x: jwk.x, y: jwk.y, kid: method.id };
    const hex = method.publicKeyHex?.replace(/^0x/, "");
    if (hex?.length === 130 && hex.startsWith("04")) {
      const bytes = Buffer.from(hex, "hex");
      return {
        x: bytes.subarray(1, 33).toString("base64url"),
        y: bytes.subarray(33).toString("base64url"),
        kid: method.id,
      };
    }
  }
  throw messageError("MESSAGE_RECIPIENT_NO_KEY", `${did} lists no P-256 keyAgreement key to encrypt to`);
}

/**
 * Signs `message` as `sender` for `recipientDid`; encrypts it to the recipient's key-agreement key when it carries
 * personal data (or `encrypt` asks). The message must fit its schema: a sender cannot emit what a recipient refuses.
 */
export async function sealMessage(
  message: AttestationMessage,
  sender: MessageSender,
  recipientDid: string,
  resolver: Resolvable,
  options: SealMessageOptions = {},
): Promise<string> {
  validateMessage(message, "message");
  const encrypt = options.encrypt || PERSONAL_DATA_TYPES.has(message["@type"]);
  return sealEnvelope(
    message,
    sender,
    recipientDid,
    encrypt ? await keyAgreementOf(resolver, recipientDid) : undefined,
    options,
  );
}

/**
 * The envelope itself, for any message object (attestation messages above; other domains' agent-to-agent payloads,
 * e.g. settlement's batch deliveries): `msg` signed as `sender` for `recipientDid`, and encrypted to `encryptTo` when
 * given (the caller finds the recipient's key the way its protocol publishes it). The caller validates `msg`.
 */
export async function sealEnvelope(
  msg: unknown,
  sender: MessageSender,
  recipientDid: string,
  encryptTo: JweRecipient | undefined,
  options: Pick<SealMessageOptions, "ttlSeconds" | "now" | "reply"> = {},
): Promise<string> {
  if (options.reply !== undefined) {
    const problem = replyEndpointProblem(options.reply);
    if (problem !== undefined) throw invalidInput("reply", problem);
  }
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_MESSAGE_TTL_SECONDS) {
    throw new IdentityError("IDENTITY_INVALID_INPUT", `ttlSeconds: must be 1 to ${MAX_MESSAGE_TTL_SECONDS} seconds`, {
      field: "body.ttlSeconds",
    });
  }
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const jwt = await createJWT(
    {
      aud: recipientDid,
      iat,
      exp: iat + ttl,
      jti: randomBytes(16).toString("base64url"),
      msg,
      ...(options.reply === undefined ? {} : { reply: options.reply }),
    },
    { issuer: sender.did, signer: sender.sign },
    { alg: "ES256", kid: sender.kid },
  );
  if (!encryptTo) return jwt;
  return sealJwe(Buffer.from(jwt, "utf8"), encryptTo, { cty: "JWT" });
}

export interface OpenMessageOptions {
  resolver: Resolvable;
  /** Our DID: the `aud` every message must name. */
  recipientDid: string;
  /** Our ECDH, for encrypted messages (the keystore's or the wallet's key). */
  sharedSecretOf?: SharedSecretOf;
  replay: ReplayGuard;
  now?: number;
}

/** Opens and checks a message (see the module comment for the order); any failure is a named IdentityError. */
export async function openMessage(token: string, options: OpenMessageOptions): Promise<OpenedMessage> {
  return openEnvelope(token, {
    ...options,
    validate: (msg) => validateMessage(msg, "msg"),
    clearRefusal: (message) =>
      PERSONAL_DATA_TYPES.has(message["@type"])
        ? `${message["@type"]} carries personal data and must arrive encrypted to the recipient (JWE)`
        : undefined,
  });
}

export interface OpenEnvelopeOptions<M> extends OpenMessageOptions {
  /** `msg` as the message type the recipient expects; throws (a named error) when it is not one. */
  validate(msg: unknown): M;
  /** Why this message may not travel in clear (MESSAGE_NOT_ENCRYPTED), or undefined when it may. */
  clearRefusal(message: M): string | undefined;
}

/** Opens and checks any envelope sealEnvelope made, in the module comment's order, with the caller's validation. */
export async function openEnvelope<M>(token: string, options: OpenEnvelopeOptions<M>): Promise<OpenedMessage<M>> {
  const parts = typeof token === "string" ? token.split(".") : [];
  let jwt = token;
  const encrypted = parts.length === 5;
  if (encrypted) {
    if (!options.sharedSecretOf) throw messageError("MESSAGE_UNDECRYPTABLE", "this recipient holds no decryption key");
    try {
      const opened = openJwe(token, options.sharedSecretOf);
      if (opened.cty !== "JWT") throw new JweOpenError("the JWE does not carry a signed JWT (cty must be JWT)");
      jwt = opened.plaintext.toString("utf8");
    } catch (error) {
      if (error instanceof JweOpenError) throw messageError("MESSAGE_UNDECRYPTABLE", error.message, error);
      throw error;
    }
  } else if (parts.length !== 3) {
    throw messageError("MESSAGE_SIGNATURE_INVALID", "a message is a compact JWS (3 parts) or JWE (5 parts)");
  }
  const now = options.now ?? Math.floor(Date.now() / 1000);
  let verified: Awaited<ReturnType<typeof verifyJWT>>;
  try {
    verified = await verifyJWT(jwt, {
      resolver: options.resolver,
      audience: options.recipientDid,
      proofPurpose: "assertionMethod",
      // Expiry is checked below, with our own clock and message.
      policies: { now, exp: false, nbf: false, iat: false },
    });
  } catch (error) {
    const text = error instanceof Error ? error.message : String(error);
    if (/audience|aud/i.test(text)) {
      throw messageError("MESSAGE_WRONG_RECIPIENT", `the message is not addressed to ${options.recipientDid}`, error);
    }
    throw messageError("MESSAGE_SIGNATURE_INVALID", `the message's signature does not verify: ${text}`, error);
  }
  const { payload, issuer } = verified;
  if (verified.signer?.id !== undefined && !verified.signer.id.startsWith(issuer)) {
    throw messageError("MESSAGE_SIGNATURE_INVALID", "the signing key is not one of the sender's DID");
  }
  const { iat, exp, jti } = payload as { iat?: unknown; exp?: unknown; jti?: unknown };
  if (typeof iat !== "number" || typeof exp !== "number" || typeof jti !== "string" || jti.length < 16) {
    throw messageError("MESSAGE_SIGNATURE_INVALID", "the message token lacks iat, exp or a jti of 16+ characters");
  }
  if (exp - iat > MAX_MESSAGE_TTL_SECONDS || iat > now + 60) {
    throw messageError("MESSAGE_EXPIRED", `a message may live ${MAX_MESSAGE_TTL_SECONDS} s from a past iat`);
  }
  if (exp <= now) throw messageError("MESSAGE_EXPIRED", `the message expired at ${new Date(exp * 1000).toISOString()}`);
  const message = options.validate((payload as { msg?: unknown }).msg);
  const reply = (payload as { reply?: unknown }).reply;
  const replyProblem = reply === undefined ? undefined : replyEndpointProblem(reply);
  if (replyProblem !== undefined) {
    throw new IdentityError("MESSAGE_INVALID", `reply: ${replyProblem}`, {
      details: { field: "reply", problems: [`reply: ${replyProblem}`] },
    });
  }
  const refusal = encrypted ? undefined : options.clearRefusal(message);
  if (refusal !== undefined) throw messageError("MESSAGE_NOT_ENCRYPTED", refusal);
  if (!(await options.replay.consume(`${issuer}\n${jti}`, exp))) {
    throw messageError("MESSAGE_REPLAYED", `message ${jti} from ${issuer} was already received`);
  }
  return {
    message,
    sender: issuer,
    recipient: options.recipientDid,
    jti,
    issuedAt: iat,
    expiresAt: exp,
    encrypted,
    ...(typeof reply === "string" ? { reply } : {}),
  };
}
