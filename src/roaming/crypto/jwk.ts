// P-256 public keys as the roaming exchange names them: a JWK with its RFC 7638 thumbprint as kid, read from the
// uncompressed SEC1 point a DID document publishes.
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { RoamingError } from "../errors.ts";

export interface EncryptionPublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
  kid: string;
}

/** RFC 7638 thumbprint of a P-256 public key. */
export function thumbprintOf(x: string, y: string): string {
  return createHash("sha256").update(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`).digest("base64url");
}

/** The public JWK of an uncompressed SEC1 P-256 point. */
export function jwkFromPublicHex(publicKeyHex: string): EncryptionPublicJwk {
  const bytes = Buffer.from(publicKeyHex.replace(/^0x/, ""), "hex");
  if (bytes.length !== 65 || bytes[0] !== 4) {
    throw new RoamingError("ROAMING_NO_ENCRYPTION_KEY", "an encryption key must be an uncompressed P-256 point");
  }
  const x = bytes.subarray(1, 33).toString("base64url");
  const y = bytes.subarray(33).toString("base64url");
  // Rejects points that are not on the curve.
  createPublicKey({ key: { kty: "EC", crv: "P-256", x, y }, format: "jwk" });
  return { kty: "EC", crv: "P-256", x, y, kid: thumbprintOf(x, y) };
}

export function publicKeyObjectOf(jwk: EncryptionPublicJwk): KeyObject {
  return createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
}
