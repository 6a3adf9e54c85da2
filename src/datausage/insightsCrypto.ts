// The insight payload's cryptography, all node:crypto. At rest: AES-256-GCM under the subject's key (one random key
// per subject contract, held by the controller's agent), the insight id as associated data; destroying the key is the
// erasure (crypto-shredding). In transit: ECIES on P-256 to the delivery key the buyer registered with its purchase on
// chain (an ephemeral ECDH key, HKDF-SHA-256, AES-256-GCM), so only the buyer's agent can open a delivery. To the
// subscriber: the same ECIES on secp256k1 to the public key the subscriber registered on chain (a wallet key), bound to
// the insight id, so only the subscriber's wallet opens it.
import { createCipheriv, createDecipheriv, createECDH, hkdfSync, randomBytes } from "node:crypto";
import { bytesToHex, type Hex, hexToBytes } from "viem";

const CURVE = "prime256v1";
const SUBSCRIBER_CURVE = "secp256k1";
const DELIVERY_INFO = Buffer.from("telco-ledger insight delivery v1");
const SUBSCRIBER_INFO = Buffer.from("telco-ledger insight to subscriber v1");
const FRIEND_INFO = Buffer.from("telco-ledger insight shared with a friend v1");

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

function deliveryKey(
  shared: Buffer,
  ephemeral: Uint8Array,
  recipient: Uint8Array,
  boundTo: Hex,
  info: Uint8Array = DELIVERY_INFO,
): Uint8Array {
  const salt = Buffer.concat([ephemeral, recipient]);
  return new Uint8Array(hkdfSync("sha256", shared, salt, Buffer.concat([info, hexToBytes(boundTo)]), 32));
}

function sealTo(curve: string, info: Uint8Array, recipientPublicKey: Hex, boundTo: Hex, plaintext: string): Envelope {
  const ecdh = createECDH(curve);
  const ephemeral = ecdh.generateKeys();
  const recipient = hexToBytes(recipientPublicKey);
  const key = deliveryKey(ecdh.computeSecret(recipient), ephemeral, recipient, boundTo, info);
  return {
    ephemeralPublicKey: bytesToHex(ephemeral),
    ...seal(key, Buffer.from(plaintext, "utf8"), hexToBytes(boundTo)),
  };
}

function openWith(curve: string, info: Uint8Array, privateKey: Hex, boundTo: Hex, envelope: Envelope): string {
  const ecdh = createECDH(curve);
  ecdh.setPrivateKey(hexToBytes(privateKey));
  const ephemeral = hexToBytes(envelope.ephemeralPublicKey);
  const key = deliveryKey(ecdh.computeSecret(ephemeral), ephemeral, ecdh.getPublicKey(), boundTo, info);
  return open(key, envelope, hexToBytes(boundTo)).toString("utf8");
}

/** Seals a plaintext to a buyer's delivery key for one purchase (the purchase id is bound in as associated data). */
export const sealForBuyer = (recipientPublicKey: Hex, purchaseId: Hex, plaintext: string): Envelope =>
  sealTo(CURVE, DELIVERY_INFO, recipientPublicKey, purchaseId, plaintext);

/** Opens a delivery with the buyer's private key; throws when anything was altered or it was sealed to another key. */
export const openAsBuyer = (privateKey: Hex, purchaseId: Hex, envelope: Envelope): string =>
  openWith(CURVE, DELIVERY_INFO, privateKey, purchaseId, envelope);

/** Seals an accepted insight to the subscriber's registered secp256k1 key (uncompressed), bound to the insight id. */
export const sealForSubscriber = (subscriberPublicKey: Hex, insightId: Hex, plaintext: string): Envelope =>
  sealTo(SUBSCRIBER_CURVE, SUBSCRIBER_INFO, subscriberPublicKey, insightId, plaintext);

/** Opens an insight with the subscriber's wallet key (done by the subscriber, never by an agent). */
export const openAsSubscriber = (privateKey: Hex, insightId: Hex, envelope: Envelope): string =>
  openWith(SUBSCRIBER_CURVE, SUBSCRIBER_INFO, privateKey, insightId, envelope);

/**
 * Re-encryption on the subscriber's side: its own client (never an agent) opened the insight with its key and seals it
 * here to a friend's registered secp256k1 key under a fresh content key, bound to the share id.
 */
export const sealForFriend = (friendPublicKey: Hex, shareId: Hex, plaintext: string): Envelope =>
  sealTo(SUBSCRIBER_CURVE, FRIEND_INFO, friendPublicKey, shareId, plaintext);

/** Opens a shared insight with the friend's wallet key (done by the friend, never by an agent). */
export const openAsFriend = (privateKey: Hex, shareId: Hex, envelope: Envelope): string =>
  openWith(SUBSCRIBER_CURVE, FRIEND_INFO, privateKey, shareId, envelope);
