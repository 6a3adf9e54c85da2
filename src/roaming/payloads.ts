// What travels inside the ciphertexts (never on chain in the clear). Versioned so either side can refuse what it
// does not understand. Each kind is padded to one size before encryption (crypto/padding.ts): every request has the
// same ciphertext length whatever its services, every answer whatever its outcome.
import type { AnswerOutcome } from "./policy.ts";
import type { Service } from "./subscribers/register.ts";

/**
 * Padded plaintext sizes, as small as the largest payload allows (every padded byte is calldata and log data on chain):
 * the largest request (15-digit IMSI, two 6-digit PLMNs, the 43-character kid, all five services) is 181 bytes, the
 * largest answer (outcome "roaming-not-allowed") 136. Compact JWEs of 658 and 616 characters. A payload that grows (a
 * new field) is refused at encryption until its size here grows with it.
 */
export const REQUEST_PLAINTEXT_BYTES = 192;
export const ANSWER_PLAINTEXT_BYTES = 160;

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
