// What travels inside the ciphertexts (never on chain in the clear). Versioned so either side can refuse what it
// does not understand.
import type { AnswerOutcome } from "./policy.ts";
import type { Service } from "./subscribers/register.ts";

/** VPMN -> HPMN, encrypted to the HPMN's key. */
export interface RequestPayload {
  v: 1;
  requestId: string;
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
  requestId: string;
  /** The request's pseudonym echoed: binds the answer to the request (a mismatch is refused). */
  pseudonym: string;
  outcome: AnswerOutcome;
  services: Record<Service, 0 | 1>;
  validFrom: string;
  validUntil: string;
}
