// What travels inside the ciphertexts (never on chain in the clear). Versioned so either side can refuse what it
// does not understand. Each kind is padded to one size before encryption (crypto/padding.ts): every request has the
// same ciphertext length whatever its services, every answer whatever its outcome.
import type { AnswerOutcome } from "./policy.ts";
import type { Service } from "./subscribers/register.ts";

/**
 * Padded plaintext sizes. The largest request (15-digit IMSI, 6-digit PLMNs, a 43-character kid, all five services)
 * is 181 bytes and the largest answer (outcome "roaming-not-allowed") 136: both fit with room for a field or two.
 */
export const REQUEST_PLAINTEXT_BYTES = 256;
export const ANSWER_PLAINTEXT_BYTES = 256;

/** VPMN -> HPMN, encrypted to the HPMN's key. */
// The request id is not repeated inside: it is the JWE's `apv`, bound into the content key, and each side checks it
// against the on-chain request id, so a ciphertext moved to another request does not open as that request's.
export interface RequestPayload {
  v: 1;
  imsi: string;
  homePlmn: string;
  visitedPlmn: string;
  /** The VPMN key (RFC 7638 thumbprint) that, with the HPMN key, keys the pseudonym; the answer goes to it. */
  visitedKid: string;
  services: Service[];
}

/** HPMN -> VPMN, encrypted to the VPMN's key. Services as 1/0, as in the seed. */
export interface AnswerPayload {
  v: 1;
  outcome: AnswerOutcome;
  services: Record<Service, 0 | 1>;
  validUntil: string;
}
