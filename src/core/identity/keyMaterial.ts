// Key material in memory: generating secp256k1 and P-256 keys, rebuilding them from their private bytes (checked
// against the public facts on file), and what the keystore does with them without letting them out: ES256
// signatures and P-256 ECDH. Private keys live only inside viem accounts, KeyObjects and (for secp256k1 digest
// signing with libsecp256k1, keystore.digestSigner) a private copy of the 32 bytes in the Secret, never returned.
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  sign as cryptoSign,
  diffieHellman,
  generateKeyPairSync,
  type KeyObject,
} from "node:crypto";
import type { Address, Hex, LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { invalidInput } from "./errors.ts";
import type { KeyFile, KeyKind } from "./keyFile.ts";

export type Secret =
  | { kind: "secp256k1"; account: LocalAccount; privateKey: Uint8Array }
  | { kind: "p256"; key: KeyObject };

/** A key just generated: its private bytes (to seal, then zero), its public facts and its in-memory form. */
export interface GeneratedKey {
  plain: Buffer;
  kid: string;
  publicKeyHex: Hex;
  address?: Address;
  secret: Secret;
}

export function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}

/** RFC 7638 thumbprint of a P-256 public key: required members in lexicographic order, no whitespace. */
function jwkThumbprint(x: string, y: string): string {
  return base64url(createHash("sha256").update(`{"crv":"P-256","kty":"EC","x":"${x}","y":"${y}"}`).digest());
}

function p256PublicHex(x: string, y: string): Hex {
  return `0x04${Buffer.from(x, "base64url").toString("hex")}${Buffer.from(y, "base64url").toString("hex")}`;
}

export function publicJwkFromHex(hex: Hex): { x: string; y: string } {
  const bytes = Buffer.from(hex.slice(2), "hex");
  if (bytes.length !== 65 || bytes[0] !== 4) throw new Error("public key must be uncompressed SEC1");
  return { x: base64url(bytes.subarray(1, 33)), y: base64url(bytes.subarray(33)) };
}

export function generateKey(kind: KeyKind): GeneratedKey {
  if (kind === "secp256k1") {
    const privateKey = generatePrivateKey();
    const account = privateKeyToAccount(privateKey);
    return {
      plain: Buffer.from(privateKey.slice(2), "hex"),
      kid: account.address,
      address: account.address,
      publicKeyHex: account.publicKey,
      secret: { kind: "secp256k1", account, privateKey: new Uint8Array(Buffer.from(privateKey.slice(2), "hex")) },
    };
  }
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  if (!jwk.d || !jwk.x || !jwk.y) throw new Error("P-256 key generation returned an incomplete JWK");
  return {
    plain: Buffer.from(jwk.d, "base64url"),
    kid: jwkThumbprint(jwk.x, jwk.y),
    publicKeyHex: p256PublicHex(jwk.x, jwk.y),
    secret: { kind: "p256", key: privateKey },
  };
}

/** Rebuilds the in-memory key from its private bytes and checks it matches the public facts recorded in the file. */
export function secretFrom(file: KeyFile, plain: Buffer): Secret {
  if (plain.length !== 32) throw new Error("private key must be 32 bytes");
  if (file.kind === "secp256k1") {
    const account = privateKeyToAccount(`0x${plain.toString("hex")}`);
    if (account.address !== file.kid || account.publicKey !== file.publicKeyHex) {
      throw new Error("private key does not match the recorded address");
    }
    return { kind: "secp256k1", account, privateKey: new Uint8Array(plain) };
  }
  const jwkPublic = publicJwkFromHex(file.publicKeyHex);
  const key = createPrivateKey({
    key: { kty: "EC", crv: "P-256", x: jwkPublic.x, y: jwkPublic.y, d: base64url(plain) },
    format: "jwk",
  });
  if (jwkThumbprint(jwkPublic.x, jwkPublic.y) !== file.kid) throw new Error("public key does not match the kid");
  return { kind: "p256", key };
}

/** ES256 signature over SHA-256(data), JOSE form: raw r || s, 64 bytes. */
export function signEs256(key: KeyObject, data: string | Uint8Array): Uint8Array {
  const bytes = typeof data === "string" ? Buffer.from(data, "utf8") : data;
  return new Uint8Array(cryptoSign("sha256", bytes, { key, dsaEncoding: "ieee-p1363" }));
}

/** P-256 ECDH with a peer's public JWK: the raw shared secret; a peer key off the curve names `peerPublicJwk`. */
export function p256SharedSecret(
  key: KeyObject,
  peerPublicJwk: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown },
): Uint8Array {
  const jwk = peerPublicJwk;
  if (
    jwk === null ||
    typeof jwk !== "object" ||
    jwk.kty !== "EC" ||
    jwk.crv !== "P-256" ||
    typeof jwk.x !== "string" ||
    typeof jwk.y !== "string"
  ) {
    throw invalidInput("peerPublicJwk", "must be a P-256 public JWK {kty: EC, crv: P-256, x, y}");
  }
  let publicKey: KeyObject;
  try {
    // Node checks that the point is on the curve, which rules out invalid-curve attacks.
    publicKey = createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
  } catch {
    throw invalidInput("peerPublicJwk", "is not a point on P-256");
  }
  return new Uint8Array(diffieHellman({ privateKey: key, publicKey }));
}
