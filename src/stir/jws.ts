// Compact JWS for PASSporTs: ES256 only (RFC 8225 section 6; RFC 8588 section 3), claims serialised in the canonical
// form RFC 8225 section 9 asks for (keys sorted, no whitespace), and a strict reader that refuses anything else.
import { sign as cryptoSign, verify as cryptoVerify, type KeyObject } from "node:crypto";
import { canonicalJson } from "../core/canonicalJson.ts";
import { StirError } from "./errors.ts";

/** Longest token accepted: real PASSporTs are a few hundred bytes; this bounds the work a hostile header can cause. */
export const MAX_TOKEN_LENGTH = 4096;

export type JsonObject = Record<string, unknown>;

export interface DecodedJws {
  header: JsonObject;
  payload: JsonObject;
  /** `base64url(header).base64url(payload)`: what the signature covers. */
  signingInput: string;
  /** Raw r || s, 64 bytes. */
  signature: Buffer;
  token: string;
}

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64url");

/** The signing input of a JWS with these header and claims. */
export function signingInputOf(header: JsonObject, payload: JsonObject): string {
  return `${b64(canonicalJson(header))}.${b64(canonicalJson(payload))}`;
}

/** Signs with a P-256 key object (or a function that signs like the keystore: raw r || s over SHA-256). */
export function signEs256(
  header: JsonObject,
  payload: JsonObject,
  signer: KeyObject | ((data: string) => Uint8Array),
): string {
  const input = signingInputOf(header, payload);
  const signature =
    typeof signer === "function"
      ? signer(input)
      : cryptoSign("sha256", Buffer.from(input), { key: signer, dsaEncoding: "ieee-p1363" });
  return `${input}.${Buffer.from(signature).toString("base64url")}`;
}

const BASE64URL = /^[A-Za-z0-9_-]+$/;

function malformed(reason: string, message: string): StirError {
  return new StirError("STIR_IDENTITY_MALFORMED", reason, message);
}

function decodePart(part: string, name: string): JsonObject {
  if (!BASE64URL.test(part)) throw malformed(`${name}-not-base64url`, `the PASSporT ${name} is not base64url`);
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    throw malformed(`${name}-not-json`, `the PASSporT ${name} is not JSON`);
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    throw malformed(`${name}-not-object`, `the PASSporT ${name} is not a JSON object`);
  }
  return value as JsonObject;
}

/** Splits and decodes a compact JWS; refuses oversized, truncated and non-JSON tokens before any crypto. */
export function decodeJws(token: string): DecodedJws {
  if (typeof token !== "string" || token.length === 0) throw malformed("token-empty", "the PASSporT is empty");
  if (token.length > MAX_TOKEN_LENGTH) {
    throw malformed("token-too-long", `the PASSporT is longer than ${MAX_TOKEN_LENGTH} characters`);
  }
  const parts = token.split(".");
  if (parts.length !== 3) throw malformed("token-not-compact-jws", "the PASSporT is not a compact JWS of three parts");
  const [h, p, s] = parts as [string, string, string];
  if (p === "") throw malformed("token-compact-form", "PASSporTs without claims (compact form) are not accepted");
  const header = decodePart(h, "header");
  const payload = decodePart(p, "payload");
  // Checked before the signature's shape so that alg none (empty signature) or HS256 (32 bytes) is an unsupported
  // credential (437), not a malformed header (438).
  if (header.alg !== "ES256") {
    throw new StirError(
      "STIR_IDENTITY_UNSUPPORTED",
      "alg-not-es256",
      `PASSporT alg ${String(header.alg)} is not ES256`,
    );
  }
  if (!BASE64URL.test(s)) throw malformed("signature-not-base64url", "the PASSporT signature is not base64url");
  const signature = Buffer.from(s, "base64url");
  if (signature.length !== 64) throw malformed("signature-length", "an ES256 signature is 64 bytes (r || s)");
  return { header, payload, signingInput: `${h}.${p}`, signature, token };
}

/** True when the ES256 signature verifies with this P-256 public key. */
export function verifyEs256(jws: DecodedJws, publicKey: KeyObject): boolean {
  try {
    return cryptoVerify(
      "sha256",
      Buffer.from(jws.signingInput),
      { key: publicKey, dsaEncoding: "ieee-p1363" },
      jws.signature,
    );
  } catch {
    return false;
  }
}
