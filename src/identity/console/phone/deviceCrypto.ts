// The phone wallet's cryptography in the browser (WebCrypto and jose, no Node): P-256 keys made on the "device", the
// did:key of a key (the codec the agent uses, src/core/identity/didKeyCodec.ts), the public key a did:key names (the
// point decompressed here: the identifier carries only x and y's parity), ES256 JWTs, and compact ECDH-ES/A256GCM JWEs
// sealed to a did:key and opened with the device's key. The private key of each DID is held as two non-extractable
// CryptoKeys (ECDSA to sign, ECDH to agree): did:key gives one key both uses, and WebCrypto binds a key to one
// algorithm, so the key is made extractable for the instant of importing it twice, then only the two handles remain.
import { base64url, CompactEncrypt, compactDecrypt, importJWK, SignJWT } from "jose";
import { canonicalJson } from "../../../core/canonicalJson.ts";
import { compressedP256OfDidKey, compressP256, didKeyOfCompressedP256 } from "../../../core/identity/didKeyCodec.ts";
import { invalidInput } from "../../../core/identity/errors.ts";

export interface P256Point {
  x: string;
  y: string;
}

/** A DID's key on the device: the DID, its key id, the public point and the two non-extractable private handles. */
export interface DeviceKey {
  did: string;
  /** The DID URL of the key (did:key:z…#z…). */
  kid: string;
  publicJwk: P256Point;
  sign: CryptoKey;
  agree: CryptoKey;
}

const subtle = () => globalThis.crypto.subtle;
const P256 = { name: "ECDSA", namedCurve: "P-256" } as const;
const ECDH = { name: "ECDH", namedCurve: "P-256" } as const;

/** The did:key of a P-256 public key (the agent's didKeyOfP256, without Node's on-curve check: the key is ours). */
export function didKeyOf(jwk: P256Point): string {
  return didKeyOfCompressedP256(compressP256(base64url.decode(jwk.x), base64url.decode(jwk.y)));
}

export const keyIdOf = (did: string): string => `${did}#${did.slice("did:key:".length)}`;

/** Generates a P-256 key on the device; its private half is kept only as non-extractable handles. */
export async function generateDeviceKey(): Promise<DeviceKey> {
  const pair = (await subtle().generateKey(ECDH, true, ["deriveBits"])) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await subtle().exportKey("pkcs8", pair.privateKey));
  try {
    const jwk = await subtle().exportKey("jwk", pair.publicKey);
    const publicJwk = { x: jwk.x as string, y: jwk.y as string };
    const sign = await subtle().importKey("pkcs8", pkcs8, P256, false, ["sign"]);
    const agree = await subtle().importKey("pkcs8", pkcs8, ECDH, false, ["deriveBits"]);
    const did = didKeyOf(publicJwk);
    return { did, kid: keyIdOf(did), publicJwk, sign, agree };
  } finally {
    pkcs8.fill(0);
  }
}

// P-256 (secp256r1): y² = x³ - 3x + b over p, with p ≡ 3 (mod 4), so a square root is a power.
const P = 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn;
const B = 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn;
const mod = (a: bigint) => ((a % P) + P) % P;
function power(base: bigint, exponent: bigint): bigint {
  let result = 1n;
  let b = mod(base);
  for (let e = exponent; e > 0n; e >>= 1n) {
    if (e & 1n) result = (result * b) % P;
    b = (b * b) % P;
  }
  return result;
}
const toBigInt = (bytes: Uint8Array) => bytes.reduce((n, byte) => (n << 8n) | BigInt(byte), 0n);
function toBytes32(n: bigint): Uint8Array {
  const out = new Uint8Array(32);
  for (let i = 31, v = n; i >= 0; i--, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/** The public point a P-256 did:key names; IDENTITY_INVALID_INPUT naming `field` when it names none on the curve. */
export function publicKeyOfDidKey(did: string, field = "did"): P256Point {
  const compressed = compressedP256OfDidKey(did);
  if (typeof compressed === "string") throw invalid(field, compressed);
  const x = toBigInt(compressed.subarray(1));
  if (x >= P) throw invalid(field, "its key is not a point on P-256");
  const rhs = mod(x * x * x - 3n * x + B);
  let y = power(rhs, (P + 1n) / 4n);
  if ((y * y) % P !== rhs) throw invalid(field, "its key is not a point on P-256");
  if (Number(y & 1n) !== ((compressed[0] ?? 2) & 1)) y = P - y;
  return { x: base64url.encode(toBytes32(x)), y: base64url.encode(toBytes32(y)) };
}

const invalid = invalidInput;

/** 128 random bits, base64url: a jti. */
export const randomId = (): string => base64url.encode(globalThis.crypto.getRandomValues(new Uint8Array(16)));

/** An ES256 JWT signed by `key` (header `kid` = its DID URL, `typ` JWT, `iss` = the DID), as did-jwt makes them. */
export async function signJwt(key: DeviceKey, claims: Record<string, unknown>): Promise<string> {
  return new SignJWT(claims)
    .setProtectedHeader({ alg: "ES256", typ: "JWT", kid: key.kid })
    .setIssuer(key.did)
    .sign(key.sign);
}

/** Encrypts `plaintext` to a did:key's key (ECDH-ES, A256GCM, a fresh ephemeral key), `kid` naming it. */
export async function sealJweToDid(plaintext: string, did: string, cty: string): Promise<string> {
  const recipient = publicKeyOfDidKey(did, "recipient");
  const key = await importJWK({ kty: "EC", crv: "P-256", ...recipient }, "ECDH-ES");
  return new CompactEncrypt(new TextEncoder().encode(plaintext))
    .setProtectedHeader({ alg: "ECDH-ES", enc: "A256GCM", kid: keyIdOf(did), cty })
    .encrypt(key);
}

/** The protected header's kid of a compact JWE, or undefined. */
export function jweKidOf(jwe: string): string | undefined {
  try {
    const header = JSON.parse(new TextDecoder().decode(base64url.decode(jwe.split(".")[0] ?? ""))) as { kid?: unknown };
    return typeof header.kid === "string" ? header.kid : undefined;
  } catch {
    return undefined;
  }
}

/** Opens a compact ECDH-ES/A256GCM JWE with the device's key; anything else (algorithms, zip, tampering) throws. */
export async function openJwe(jwe: string, key: DeviceKey): Promise<{ plaintext: string; cty: string | undefined }> {
  const { plaintext, protectedHeader } = await compactDecrypt(jwe, key.agree, {
    keyManagementAlgorithms: ["ECDH-ES"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  if (protectedHeader.kid !== key.kid) throw new Error(`the JWE names key ${String(protectedHeader.kid)}`);
  return { plaintext: new TextDecoder().decode(plaintext), cty: protectedHeader.cty };
}

/** SHA-256 (base64url) of a JSON body in RFC 8785 canonical form, of "" when there is none: the hub's `bh`. */
export async function bodyHash(body: unknown): Promise<string> {
  const canonical = body === undefined || body === null ? "" : canonicalJson(body);
  return base64url.encode(new Uint8Array(await subtle().digest("SHA-256", new TextEncoder().encode(canonical))));
}
