// did:key for P-256 keys (W3C CCG did:key method, multicodec `p256-pub` 0x1200): the pairwise DIDs a person's user
// agent makes per relationship. The DID is the compressed public key itself, so it needs no ledger and reveals nothing
// but the key; its document is derived, never fetched. The one key serves authentication, assertion and key agreement
// (what the method specifies for P-256), so a peer can both verify the holder's messages and encrypt to it.
import { createPublicKey } from "node:crypto";
import {
  type DIDDocument,
  type DIDResolutionResult,
  type DIDResolver,
  type Resolvable,
  Resolver,
  type VerificationMethod,
} from "did-resolver";
import { compressedP256OfDidKey, compressP256, didKeyOfCompressedP256 } from "./didKeyCodec.ts";
import { invalidInput } from "./errors.ts";

/** SubjectPublicKeyInfo header for a compressed P-256 point (id-ecPublicKey, prime256v1, BIT STRING of 33 bytes). */
const COMPRESSED_SPKI_PREFIX = Buffer.from("3039301306072a8648ce3d020106082a8648ce3d030107032200", "hex");

export interface P256PublicJwk {
  kty: "EC";
  crv: "P-256";
  x: string;
  y: string;
}

/** The did:key of a P-256 public key (uncompressed JWK in, compressed point inside the identifier). */
export function didKeyOfP256(jwk: { x: string; y: string }): string {
  const x = Buffer.from(jwk.x, "base64url");
  const y = Buffer.from(jwk.y, "base64url");
  if (x.length !== 32 || y.length !== 32) throw invalidInput("jwk", "must be a P-256 public key (32-byte x and y)");
  try {
    // Node refuses a point that is not on the curve.
    createPublicKey({ key: { kty: "EC", crv: "P-256", x: jwk.x, y: jwk.y }, format: "jwk" });
  } catch {
    throw invalidInput("jwk", "is not a point on P-256");
  }
  return didKeyOfCompressedP256(compressP256(x, y));
}

/** The public JWK a P-256 did:key names; anything else (other key types, bad encoding, off-curve) is refused. */
export function p256JwkOfDidKey(did: string): P256PublicJwk {
  const compressed = compressedP256OfDidKey(did);
  if (typeof compressed === "string") throw invalidInput("did", compressed);
  try {
    const key = createPublicKey({
      key: Buffer.concat([COMPRESSED_SPKI_PREFIX, compressed]),
      format: "der",
      type: "spki",
    });
    const jwk = key.export({ format: "jwk" });
    return { kty: "EC", crv: "P-256", x: jwk.x as string, y: jwk.y as string };
  } catch {
    throw invalidInput("did", "its key is not a point on P-256");
  }
}

/** The DID document of a P-256 did:key, as the method derives it. */
export function didKeyDocument(did: string): DIDDocument {
  const bare = did.split("#")[0] as string;
  const publicKeyJwk = p256JwkOfDidKey(bare);
  const id = `${bare}#${bare.slice("did:key:".length)}`;
  const method: VerificationMethod = { id, type: "JsonWebKey2020", controller: bare, publicKeyJwk };
  return {
    "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"],
    id: bare,
    verificationMethod: [method],
    authentication: [id],
    assertionMethod: [id],
    keyAgreement: [id],
  };
}

/** did-resolver plugin for did:key (P-256): `new Resolver({ ...didKeyResolver(), ...others })`. */
export function didKeyResolver(): Record<string, DIDResolver> {
  return {
    key: async (did: string): Promise<DIDResolutionResult> => {
      try {
        return {
          didDocument: didKeyDocument(did),
          didDocumentMetadata: {},
          didResolutionMetadata: { contentType: "application/did+json" },
        };
      } catch (error) {
        return {
          didDocument: null,
          didDocumentMetadata: {},
          didResolutionMetadata: { error: "invalidDid", message: (error as Error).message },
        };
      }
    },
  };
}

/** did:key resolved locally (people's pairwise DIDs), every other method by `resolver` (the agent's did:ethr). */
export function withDidKey(resolver: Resolvable): Resolvable {
  const keys = new Resolver(didKeyResolver());
  return {
    resolve: (did: string, options?: object): Promise<DIDResolutionResult> =>
      did.startsWith("did:key:") ? keys.resolve(did) : resolver.resolve(did, options),
  };
}
