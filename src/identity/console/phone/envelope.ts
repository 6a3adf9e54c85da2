// The attestation-message envelope on the phone wallet page: the browser twin of src/core/identity/messages/envelope.ts
// (which needs Node). Sealing signs an ES256 JWT as the person's DID (`aud`, `iat`, `exp`, `jti`, the message as
// `msg`) and, for a type carrying personal data, encrypts it to the recipient's did:key (ECDH-ES, A256GCM, `cty: JWT`).
// Opening makes the agent's checks in the agent's order and refuses with the same codes: the JWE opens for one of the
// device's keys; the signature verifies against the sender's did:key; addressed to us, not expired; the schema (the
// agent's own validator); personal data came encrypted; the sender's jti not seen before. A browser has no ledger
// resolver: senders are did:key DIDs (an agent's messaging DID is one); another method is refused by name.
import { base64url, compactVerify, importJWK } from "jose";
import { IdentityError, type IdentityErrorCode, invalidInput } from "../../../core/identity/errors.ts";
// A type only (erased from the bundle): the agent's envelope module needs Node.
import type { OpenedMessage } from "../../../core/identity/messages/envelope.ts";
import type { ReplayGuard } from "../../../core/identity/messages/replayGuard.ts";
import { type AttestationMessage, PERSONAL_DATA_TYPES } from "../../../core/identity/messages/schemas.ts";
import { validateMessage } from "../../../core/identity/messages/validate.ts";
import {
  type DeviceKey,
  jweKidOf,
  keyIdOf,
  openJwe,
  publicKeyOfDidKey,
  randomId,
  sealJweToDid,
  signJwt,
} from "./deviceCrypto.ts";

/** As the agent's envelope: a message lives at most an hour (MAX_MESSAGE_TTL_SECONDS), 300 s unless asked. */
export const MAX_MESSAGE_TTL_SECONDS = 3600;
const DEFAULT_TTL_SECONDS = 300;

export type { OpenedMessage };

type MessageErrorCode = Extract<IdentityErrorCode, `MESSAGE_${string}`>;
const refuse = (code: MessageErrorCode, message: string) => new IdentityError(code, message);

/** Signs `message` as `sender` for `recipientDid` (a did:key), encrypted when it carries personal data. */
export async function sealMessage(
  message: AttestationMessage,
  sender: DeviceKey,
  recipientDid: string,
  options: { ttlSeconds?: number; encrypt?: boolean; now?: number } = {},
): Promise<string> {
  validateMessage(message, "message");
  const ttl = options.ttlSeconds ?? DEFAULT_TTL_SECONDS;
  if (!Number.isInteger(ttl) || ttl < 1 || ttl > MAX_MESSAGE_TTL_SECONDS) {
    throw invalidInput("ttlSeconds", `must be 1 to ${MAX_MESSAGE_TTL_SECONDS} seconds`);
  }
  const iat = options.now ?? Math.floor(Date.now() / 1000);
  const jwt = await signJwt(sender, { aud: recipientDid, iat, exp: iat + ttl, jti: randomId(), msg: message });
  const encrypt = options.encrypt || PERSONAL_DATA_TYPES.has(message["@type"]);
  return encrypt ? sealJweToDid(jwt, recipientDid, "JWT") : jwt;
}

const decodeJson = (part: string | undefined): Record<string, unknown> => {
  const value = JSON.parse(new TextDecoder().decode(base64url.decode(part ?? ""))) as unknown;
  if (value === null || typeof value !== "object" || Array.isArray(value)) throw new Error("not a JSON object");
  return value as Record<string, unknown>;
};

/**
 * Opens a message for one of `keys` (the JWE's kid, or the JWS's `aud`, says which) and checks it as the agent does;
 * any refusal is the agent's MESSAGE_* code.
 */
export async function openMessage(
  token: string,
  keys: readonly DeviceKey[],
  replay: ReplayGuard,
  now = Math.floor(Date.now() / 1000),
): Promise<OpenedMessage> {
  const parts = typeof token === "string" ? token.split(".") : [];
  let jwt = token;
  let recipient: DeviceKey | undefined;
  const encrypted = parts.length === 5;
  if (encrypted) {
    const kid = jweKidOf(token);
    recipient = keys.find((k) => k.kid === kid);
    if (!recipient) throw refuse("MESSAGE_UNDECRYPTABLE", `no key ${String(kid)} on this device to open the message`);
    try {
      const opened = await openJwe(token, recipient);
      if (opened.cty !== "JWT") throw new Error("the JWE does not carry a signed JWT (cty must be JWT)");
      jwt = opened.plaintext;
    } catch (error) {
      throw refuse("MESSAGE_UNDECRYPTABLE", `the message does not open: ${(error as Error).message}`);
    }
  } else if (parts.length !== 3) {
    throw refuse("MESSAGE_SIGNATURE_INVALID", "a message is a compact JWS (3 parts) or JWE (5 parts)");
  }
  let header: Record<string, unknown>;
  let payload: Record<string, unknown>;
  try {
    const [h, p] = jwt.split(".");
    header = decodeJson(h);
    payload = decodeJson(p);
  } catch {
    throw refuse("MESSAGE_SIGNATURE_INVALID", "the message is not a JWT");
  }
  const issuer = payload.iss;
  if (typeof issuer !== "string" || !issuer.startsWith("did:key:")) {
    throw refuse(
      "MESSAGE_SIGNATURE_INVALID",
      `the sender ${String(issuer)} is not a did:key (the page resolves no other)`,
    );
  }
  if (header.alg !== "ES256" || header.kid !== keyIdOf(issuer)) {
    throw refuse("MESSAGE_SIGNATURE_INVALID", "the signing key is not one of the sender's DID");
  }
  try {
    const key = await importJWK({ kty: "EC", crv: "P-256", ...publicKeyOfDidKey(issuer, "iss") }, "ES256");
    await compactVerify(jwt, key, { algorithms: ["ES256"] });
  } catch (error) {
    throw refuse("MESSAGE_SIGNATURE_INVALID", `the message's signature does not verify: ${(error as Error).message}`);
  }
  const aud = payload.aud;
  const audiences = Array.isArray(aud) ? aud : [aud];
  recipient ??= keys.find((k) => audiences.includes(k.did));
  if (!recipient || !audiences.includes(recipient.did)) {
    throw refuse("MESSAGE_WRONG_RECIPIENT", `the message is not addressed to ${recipient?.did ?? "this device"}`);
  }
  const { iat, exp, jti } = payload;
  if (typeof iat !== "number" || typeof exp !== "number" || typeof jti !== "string" || jti.length < 16) {
    throw refuse("MESSAGE_SIGNATURE_INVALID", "the message token lacks iat, exp or a jti of 16+ characters");
  }
  if (exp - iat > MAX_MESSAGE_TTL_SECONDS || iat > now + 60) {
    throw refuse("MESSAGE_EXPIRED", `a message may live ${MAX_MESSAGE_TTL_SECONDS} s from a past iat`);
  }
  if (exp <= now) throw refuse("MESSAGE_EXPIRED", `the message expired at ${new Date(exp * 1000).toISOString()}`);
  const message = validateMessage(payload.msg, "msg");
  if (!encrypted && PERSONAL_DATA_TYPES.has(message["@type"])) {
    throw refuse(
      "MESSAGE_NOT_ENCRYPTED",
      `${message["@type"]} carries personal data and must arrive encrypted to the recipient (JWE)`,
    );
  }
  if (!(await replay.consume(`${issuer}\n${jti}`, exp))) {
    throw refuse("MESSAGE_REPLAYED", `message ${jti} from ${issuer} was already received`);
  }
  return { message, sender: issuer, recipient: recipient.did, jti, issuedAt: iat, expiresAt: exp, encrypted };
}
