// Evidence for a case, given by a party's agent to a drawn juror only, on that juror's ticket proof. Two layers:
//
// The digest, anchored on chain. A party anchors `evidenceDigest(caseId, items)` with `court.shareEvidence` when it
// shares (any time before the case closes); that is all the chain learns. The digest is keccak256 of the UTF-8 bytes
// of the RFC 8785 (JCS) canonical JSON of {caseId, items}: `caseId` as lowercase 0x hex, `items` in the party's order,
// each item with exactly the members `content` and `kind` (all strings: JCS is then JSON.stringify with members in
// code-point order and no whitespace). Round and attempt are not in the digest: one share serves every jury of the case.
//
// The envelope, off chain. When a drawn juror asks, the party's agent encrypts the items to the juror's evidence key
// as a JWE (RFC 7516 general JSON serialization): content encrypted under a fresh key with A256GCM, that key wrapped
// with ECDH-ES+A256KW (RFC 7518 §4.6) against the juror's P-256 key, a fresh ephemeral key per recipient (jose). The
// juror's agent accepts what it opens only if the plaintext's digest is one a party anchored for the case.
//
// The court stores an auditor's evidence key as bytes32 (`Auditor.encryptionKey`): the x coordinate of its P-256
// public key. That is enough: ECDH's shared secret is the x coordinate of d·E, and the two points with that x (y and
// −y) give shared points that differ only in the sign of y, so a sender that completes x with either y derives the
// same key-wrapping key as the juror. The juror's private key stays in its agent's keystore, which does the ECDH.
//
// The protected header names the case, round and attempt, so an envelope cannot be replayed to another jury without
// failing authentication. Opening is strict (full GCM tag, 12-byte IV, no zip or crit) and never returns a partial
// result.
import { createDecipheriv, createHash, ECDH } from "node:crypto";
import { GeneralEncrypt, importJWK } from "jose";
import { type Address, type Hex, keccak256, stringToHex } from "viem";
import { AuditingError } from "./errors.ts";

const ALG = "ECDH-ES+A256KW";
const ENC = "A256GCM";
const GCM_TAG_BYTES = 16;
const GCM_IV_BYTES = 12;
/** RFC 3394's default initial value: the unwrap checks it, so a wrong key-wrapping key fails. */
const AES_KW_IV = Buffer.from("A6A6A6A6A6A6A6A6", "hex");

export const EVIDENCE_KINDS = ["cdr-samples", "kpi-log", "measurements", "report", "other"] as const;
export interface EvidenceItem {
  kind: (typeof EVIDENCE_KINDS)[number];
  content: string;
}

const isItem = (v: unknown): v is EvidenceItem => {
  const item = v as Partial<EvidenceItem> | null;
  return (
    typeof item === "object" &&
    item !== null &&
    EVIDENCE_KINDS.includes(item.kind as EvidenceItem["kind"]) &&
    typeof item.content === "string"
  );
};

/**
 * The digest a party anchors for evidence it shares: keccak256 of the JCS canonical JSON of {caseId, items} (see the
 * header). The juror's agent recomputes it from an envelope's plaintext and looks for it on chain.
 */
export function evidenceDigest(caseId: Hex, items: readonly EvidenceItem[]): Hex {
  const canonical = JSON.stringify({
    caseId: caseId.toLowerCase(),
    items: items.map((item) => ({ content: item.content, kind: item.kind })),
  });
  return keccak256(stringToHex(canonical));
}

export interface EvidencePayload {
  caseId: Hex;
  round: number;
  attempt: number;
  items: EvidenceItem[];
}

export interface SealRecipient {
  juror: Address;
  /** The x coordinate the court holds as the juror's evidence key. */
  keyX: Hex;
}

/** The juror's P-256 public key completed from its x coordinate (even y); throws naming the juror if not on the curve. */
export function jwkFromX(juror: Address, keyX: Hex) {
  const x = Buffer.from(keyX.slice(2), "hex");
  let point: Buffer;
  try {
    if (x.length !== 32 || x.every((b) => b === 0)) throw new Error("empty key");
    point = ECDH.convertKey(
      Buffer.concat([Buffer.from([2]), x]),
      "prime256v1",
      undefined,
      undefined,
      "uncompressed",
    ) as Buffer;
  } catch {
    throw new AuditingError("AUDITING_NO_EVIDENCE_KEY", `juror ${juror} registered no usable P-256 evidence key`, {
      details: { juror },
    });
  }
  return {
    kty: "EC",
    crv: "P-256",
    x: point.subarray(1, 33).toString("base64url"),
    y: point.subarray(33, 65).toString("base64url"),
  };
}

/** Encrypts the evidence to every juror given (a party's agent gives one); answers the envelope (general JSON JWE). */
export async function sealEvidence(recipients: readonly SealRecipient[], payload: EvidencePayload): Promise<string> {
  if (recipients.length === 0) throw new Error("evidence needs at least one juror");
  const keys = await Promise.all(recipients.map((r) => importJWK(jwkFromX(r.juror, r.keyX), ALG)));
  const jwe = new GeneralEncrypt(new TextEncoder().encode(JSON.stringify(payload))).setProtectedHeader({
    enc: ENC,
    cty: "application/json",
    caseId: payload.caseId,
    round: payload.round,
    attempt: payload.attempt,
  });
  recipients.forEach((r, i) => {
    jwe
      .addRecipient(keys[i] as Awaited<ReturnType<typeof importJWK>>)
      .setUnprotectedHeader({ alg: ALG, kid: r.juror.toLowerCase() });
  });
  return JSON.stringify(await jwe.encrypt());
}

/** RFC 7518 §4.6.2 Concat KDF with SHA-256 for a 256-bit key-wrapping key. */
function concatKdf(z: Uint8Array, apu: Buffer, apv: Buffer): Buffer {
  const prefixed = (bytes: Uint8Array) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(bytes.length);
    return Buffer.concat([len, bytes]);
  };
  const suppPub = Buffer.alloc(4);
  suppPub.writeUInt32BE(256);
  return createHash("sha256")
    .update(Buffer.from([0, 0, 0, 1]))
    .update(z)
    .update(prefixed(Buffer.from(ALG)))
    .update(prefixed(apu))
    .update(prefixed(apv))
    .update(suppPub)
    .digest();
}

interface GeneralJwe {
  protected?: unknown;
  unprotected?: Record<string, unknown>;
  aad?: unknown;
  iv?: unknown;
  ciphertext?: unknown;
  tag?: unknown;
  recipients?: Array<{ header?: Record<string, unknown>; encrypted_key?: unknown }>;
}

type EpkJwk = { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown };

const openFailed = (message: string, cause?: unknown) =>
  new AuditingError("AUDITING_EVIDENCE_UNREADABLE", message, cause === undefined ? {} : { cause });

/**
 * Opens an envelope as `juror`: finds its recipient entry, lets `sharedSecret` (the keystore's ECDH with the juror's
 * key) derive Z from the entry's ephemeral key, unwraps the content key and decrypts. An envelope with no entry for
 * the juror is AUDITING_NOT_RECIPIENT; any changed byte or a key that is not the juror's is AUDITING_EVIDENCE_UNREADABLE.
 */
export function openEvidence(
  envelope: string,
  juror: Address,
  sharedSecret: (epk: EpkJwk) => Uint8Array,
): EvidencePayload {
  let jwe: GeneralJwe;
  try {
    jwe = JSON.parse(envelope) as GeneralJwe;
  } catch (cause) {
    throw openFailed("the envelope is not JSON", cause);
  }
  const { protected: protectedB64, iv: ivB64, ciphertext, tag: tagB64, recipients } = jwe;
  if (
    typeof protectedB64 !== "string" ||
    typeof ivB64 !== "string" ||
    typeof ciphertext !== "string" ||
    typeof tagB64 !== "string" ||
    !Array.isArray(recipients)
  ) {
    throw openFailed("the envelope is not a general JSON JWE");
  }
  const entry = recipients.find((r) => String(r.header?.kid ?? "").toLowerCase() === juror.toLowerCase());
  if (!entry) {
    throw new AuditingError("AUDITING_NOT_RECIPIENT", `the evidence is not encrypted to ${juror}`, {
      details: { juror },
    });
  }
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(Buffer.from(protectedB64, "base64url").toString("utf8"));
  } catch (cause) {
    throw openFailed("the protected header is not JSON", cause);
  }
  // The JOSE header is the union of the protected, shared and per-recipient headers (RFC 7516 §7.2.1): with one
  // recipient, jose puts the key management parameters (alg, epk) in the protected header.
  const shared = typeof jwe.unprotected === "object" && jwe.unprotected !== null ? jwe.unprotected : {};
  const jose: Record<string, unknown> = { ...header, ...shared, ...(entry.header ?? {}) };
  const epk = jose.epk as EpkJwk | undefined;
  if (header.enc !== ENC || jose.alg !== ALG || typeof entry.encrypted_key !== "string") {
    throw openFailed(`the envelope must use ${ALG} and ${ENC}`);
  }
  if (jose.zip !== undefined || jose.crit !== undefined) throw openFailed("the envelope asks for zip or crit");
  if (epk?.kty !== "EC" || epk.crv !== "P-256") throw openFailed("the recipient entry has no P-256 ephemeral key");
  const iv = Buffer.from(ivB64, "base64url");
  const tag = Buffer.from(tagB64, "base64url");
  if (iv.length !== GCM_IV_BYTES || tag.length !== GCM_TAG_BYTES) {
    throw openFailed(`the envelope needs a ${GCM_IV_BYTES}-byte IV and a ${GCM_TAG_BYTES}-byte tag`);
  }
  try {
    const z = sharedSecret(epk);
    const apu = Buffer.from(typeof jose.apu === "string" ? jose.apu : "", "base64url");
    const apv = Buffer.from(typeof jose.apv === "string" ? jose.apv : "", "base64url");
    const kek = concatKdf(z, apu, apv);
    const unwrap = createDecipheriv("id-aes256-wrap", kek, AES_KW_IV);
    const cek = Buffer.concat([unwrap.update(Buffer.from(entry.encrypted_key, "base64url")), unwrap.final()]);
    kek.fill(0);
    const decipher = createDecipheriv("aes-256-gcm", cek, iv, { authTagLength: GCM_TAG_BYTES });
    const aad = typeof jwe.aad === "string" ? `${protectedB64}.${jwe.aad}` : protectedB64;
    decipher.setAAD(Buffer.from(aad, "ascii"));
    decipher.setAuthTag(tag);
    const plain = Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]);
    cek.fill(0);
    const payload = JSON.parse(plain.toString("utf8")) as EvidencePayload;
    // The authenticated header and the payload must name the same jury, and the items be evidence items.
    if (payload.caseId !== header.caseId || payload.round !== header.round || payload.attempt !== header.attempt) {
      throw openFailed("the payload names another jury than the header");
    }
    if (!Array.isArray(payload.items) || !payload.items.every(isItem))
      throw openFailed("the payload holds no evidence items");
    return payload;
  } catch (cause) {
    if (cause instanceof AuditingError) throw cause;
    throw openFailed("the envelope does not open (tampered, or not for this juror's key)", cause);
  }
}
