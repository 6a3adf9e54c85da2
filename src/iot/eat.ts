// Off-chain attestations as signed JWTs in the style of an Entity Attestation Token (RFC 9711): the registered claim
// names where they fit (iss, sub, iat, exp, jti, eat_profile, ueid, oemid, hwmodel) and two private claims for the
// ledger payload (`schema`, the schema id; `claims`, the attested data). The attester's agent signs with its
// member account's secp256k1 key as ES256K-R (the did-jwt convention: r || s || recovery id over SHA-256 of the signing
// input), so any verifier recovers the signer and compares it with the owner of the attester's did:ethr.
import { createHash } from "node:crypto";
import {
  type Address,
  bytesToHex,
  getAddress,
  type Hex,
  hexToBytes,
  type LocalAccount,
  recoverAddress,
  serializeSignature,
} from "viem";
import { type AttestationPayload, attestationIdOf, dataHashOf, deviceOfSubject } from "./payload.ts";

/** Names the token profile (RFC 9711 section 4.3.2), so a verifier knows how to read the private claims. */
export const EAT_PROFILE = "tag:telco-ledger,2026:iot-attestation/v1";

export interface EatClaims {
  iss: string;
  sub: string;
  iat: number;
  exp?: number;
  jti: Hex;
  eat_profile: string;
  /** RFC 9711 UEID of a device subject: type 0x01 (RAND) followed by the 20-byte address, base64url. */
  ueid?: string;
  oemid?: string;
  hwmodel?: string;
  schema: Hex;
  claims: Record<string, unknown>;
}

export interface SignedAttestation {
  jwt: string;
  payload: AttestationPayload;
  id: Hex;
  claims: EatClaims;
}

const b64url = (bytes: Uint8Array | string) => Buffer.from(bytes).toString("base64url");
const HEADER = b64url(JSON.stringify({ alg: "ES256K-R", typ: "eat+jwt" }));

export const didOf = (address: Address) => `did:ethr:${getAddress(address)}`;

export function addressOfDid(did: string): Address | undefined {
  const match = /^did:ethr:(?:0x[0-9a-fA-F]+:)?(0x[0-9a-fA-F]{40})$/.exec(did);
  return match?.[1] ? getAddress(match[1]) : undefined;
}

export interface AttestationContext {
  oemid?: string;
  hwmodel?: string;
  issuedAt: number;
}

export async function signAttestation(
  account: LocalAccount,
  payload: Omit<AttestationPayload, "dataHash">,
  data: Record<string, unknown>,
  context: AttestationContext,
): Promise<SignedAttestation> {
  if (!account.sign) throw new Error("the attester's account cannot sign hashes");
  const full: AttestationPayload = { ...payload, dataHash: dataHashOf(data) };
  const id = attestationIdOf(full);
  const device = deviceOfSubject(full.subject);
  const claims: EatClaims = {
    iss: didOf(full.attester),
    sub: device ? didOf(device) : full.subject,
    iat: context.issuedAt,
    ...(full.expiresAt ? { exp: full.expiresAt } : {}),
    jti: id,
    eat_profile: EAT_PROFILE,
    ...(device ? { ueid: b64url(new Uint8Array([1, ...hexToBytes(device)])) } : {}),
    ...(context.oemid ? { oemid: context.oemid } : {}),
    ...(context.hwmodel ? { hwmodel: context.hwmodel } : {}),
    schema: full.schemaId,
    claims: data,
  };
  const input = `${HEADER}.${b64url(JSON.stringify(claims))}`;
  const signature = await account.sign({ hash: sha256(input) });
  const bytes = hexToBytes(signature);
  // r || s || recovery id (0/1), the ES256K-R layout.
  const compact = new Uint8Array([...bytes.slice(0, 64), (bytes[64] ?? 27) - 27]);
  return { jwt: `${input}.${b64url(compact)}`, payload: full, id, claims };
}

export type EatFailure = "MALFORMED" | "WRONG_PROFILE" | "BAD_SIGNATURE" | "ID_MISMATCH";

export class EatError extends Error {
  readonly reason: EatFailure;
  constructor(reason: EatFailure, message: string) {
    super(message);
    this.reason = reason;
  }
}

/**
 * Reads and checks a token: its profile, that the signature recovers `signerOf(attester)` (the owner of the attester's
 * DID), and that `jti` is the id of the payload its claims describe. Expiry and revocation are the ledger's to judge.
 */
export async function verifyAttestation(
  jwt: string,
  signerOf: (attester: Address) => Promise<Address>,
): Promise<SignedAttestation> {
  const [header, body, signature] = jwt.split(".");
  if (!header || !body || !signature || header !== HEADER) throw new EatError("MALFORMED", "not an ES256K-R eat+jwt");
  let claims: EatClaims;
  try {
    claims = JSON.parse(Buffer.from(body, "base64url").toString("utf8")) as EatClaims;
  } catch {
    throw new EatError("MALFORMED", "the claims are not JSON");
  }
  if (claims.eat_profile !== EAT_PROFILE) throw new EatError("WRONG_PROFILE", `eat_profile is not ${EAT_PROFILE}`);
  const attester = addressOfDid(String(claims.iss));
  if (!attester || typeof claims.claims !== "object" || claims.claims === null) {
    throw new EatError("MALFORMED", "iss is not a did:ethr or claims is missing");
  }
  const subjectDevice = addressOfDid(String(claims.sub));
  const subject = subjectDevice
    ? (`0x${subjectDevice.slice(2).toLowerCase().padStart(64, "0")}` as Hex)
    : (String(claims.sub) as Hex);
  const payload: AttestationPayload = {
    schemaId: claims.schema,
    subject,
    attester,
    dataHash: dataHashOf(claims.claims),
    expiresAt: claims.exp ?? 0,
  };
  const id = attestationIdOf(payload);
  if (id !== claims.jti) throw new EatError("ID_MISMATCH", "jti is not the id of the payload the claims describe");
  const sig = Buffer.from(signature, "base64url");
  if (sig.length !== 65) throw new EatError("MALFORMED", "the signature is not 65 bytes");
  const recovered = await recoverAddress({
    hash: sha256(`${header}.${body}`),
    signature: serializeSignature({
      r: bytesToHex(sig.subarray(0, 32)),
      s: bytesToHex(sig.subarray(32, 64)),
      yParity: sig[64] === 1 ? 1 : 0,
    }),
  }).catch(() => undefined);
  const expected = await signerOf(attester);
  if (!recovered || recovered.toLowerCase() !== expected.toLowerCase()) {
    throw new EatError("BAD_SIGNATURE", `the token is not signed by the owner of ${claims.iss}`);
  }
  return { jwt, payload, id, claims };
}

function sha256(input: string): Hex {
  return `0x${createHash("sha256").update(input).digest("hex")}`;
}
