// The insight payload's cryptography, all node:crypto. At rest: AES-256-GCM under the subject's key (one random key
// per subject contract, held by the controller's agent), the insight id as associated data; destroying the key is the
// erasure (crypto-shredding). In transit: ECIES on P-256 to the delivery key the buyer registered with its purchase on
// chain (an ephemeral ECDH key, HKDF-SHA-256, AES-256-GCM), so only the buyer's agent can open a delivery.
import { createCipheriv, createDecipheriv, createECDH, hkdfSync, randomBytes } from "node:crypto";
import { bytesToHex, type Hex, hexToBytes } from "viem";

const CURVE = "prime256v1";
const DELIVERY_INFO = Buffer.from("telco-ledger insight delivery v1");

/** A ciphertext with its GCM nonce and tag, hex-encoded. */
export interface Sealed {
  iv: Hex;
  ciphertext: Hex;
  tag: Hex;
}

/** What the controller's agent answers a buyer: the payload sealed to the purchase's delivery key. */
export interface Envelope extends Sealed {
  ephemeralPublicKey: Hex;
}

export const newSubjectKey = (): Hex => bytesToHex(randomBytes(32));

function seal(key: Uint8Array, plaintext: Uint8Array, aad: Uint8Array): Sealed {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  cipher.setAAD(aad);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return { iv: bytesToHex(iv), ciphertext: bytesToHex(ciphertext), tag: bytesToHex(cipher.getAuthTag()) };
}

function open(key: Uint8Array, sealed: Sealed, aad: Uint8Array): Buffer {
  const decipher = createDecipheriv("aes-256-gcm", key, hexToBytes(sealed.iv));
  decipher.setAAD(aad);
  decipher.setAuthTag(hexToBytes(sealed.tag));
  return Buffer.concat([decipher.update(hexToBytes(sealed.ciphertext)), decipher.final()]);
}

/** Encrypts a payload at rest under the subject's key, bound to its insight id. */
export const sealAtRest = (subjectKey: Hex, insightId: Hex, plaintext: string): Sealed =>
  seal(hexToBytes(subjectKey), Buffer.from(plaintext, "utf8"), hexToBytes(insightId));

export const openAtRest = (subjectKey: Hex, insightId: Hex, sealed: Sealed): string =>
  open(hexToBytes(subjectKey), sealed, hexToBytes(insightId)).toString("utf8");

/** A fresh P-256 key pair for one purchase: the public key (uncompressed, 65 bytes) goes on chain with it. */
export function newDeliveryKey(): { publicKey: Hex; privateKey: Hex } {
  const ecdh = createECDH(CURVE);
  ecdh.generateKeys();
  return { publicKey: bytesToHex(ecdh.getPublicKey()), privateKey: bytesToHex(ecdh.getPrivateKey()) };
}

function deliveryKey(shared: Buffer, ephemeral: Uint8Array, recipient: Uint8Array, purchaseId: Hex): Uint8Array {
  const salt = Buffer.concat([ephemeral, recipient]);
  const info = Buffer.concat([DELIVERY_INFO, hexToBytes(purchaseId)]);
  return new Uint8Array(hkdfSync("sha256", shared, salt, info, 32));
}

/** Seals a plaintext to a buyer's delivery key for one purchase (the purchase id is bound in as associated data). */
export function sealForBuyer(recipientPublicKey: Hex, purchaseId: Hex, plaintext: string): Envelope {
  const ecdh = createECDH(CURVE);
  const ephemeral = ecdh.generateKeys();
  const recipient = hexToBytes(recipientPublicKey);
  const shared = ecdh.computeSecret(recipient);
  const key = deliveryKey(shared, ephemeral, recipient, purchaseId);
  return {
    ephemeralPublicKey: bytesToHex(ephemeral),
    ...seal(key, Buffer.from(plaintext, "utf8"), hexToBytes(purchaseId)),
  };
}

/** Opens a delivery with the buyer's private key; throws when anything was altered or it was sealed to another key. */
export function openAsBuyer(privateKey: Hex, purchaseId: Hex, envelope: Envelope): string {
  const ecdh = createECDH(CURVE);
  ecdh.setPrivateKey(hexToBytes(privateKey));
  const ephemeral = hexToBytes(envelope.ephemeralPublicKey);
  const shared = ecdh.computeSecret(ephemeral);
  const key = deliveryKey(shared, ephemeral, ecdh.getPublicKey(), purchaseId);
  return open(key, envelope, hexToBytes(purchaseId)).toString("utf8");
}
