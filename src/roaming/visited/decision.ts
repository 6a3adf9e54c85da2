// What the visited operator does with an answer, decided without I/O: activate only the services the home operator
// granted AND the device requested, and only while the grant is valid; refuse otherwise, saying why. The outcome
// names are those of docs/roaming.md ("Outcomes").
import type { AnswerPayload } from "../payloads.ts";
import { noServices, SERVICES, type Service, type ServiceFlags } from "../subscribers/register.ts";

export interface ActivationDecision {
  state: "active" | "refused";
  /** activated | answer-undecryptable | answer-mismatch | home-<answer outcome> | answer-expired | nothing-granted */
  outcome: string;
  /** What the home operator granted, when the answer could be read. */
  granted: ServiceFlags | null;
  /** What is active now: granted AND requested; nothing when refused. */
  active: ServiceFlags;
  validUntil: string | null;
}

export interface OpenedAnswer {
  /** The decrypted payload (untrusted shape). */
  payload: AnswerPayload | undefined;
  /** The request id the answer's content key was bound to (the JWE's apv). */
  itemId: string;
}

/**
 * Decides on the answer to request `requestId`. `opened` is undefined when the ciphertext did not open (tampered,
 * or not for us). `now` is in milliseconds.
 */
export function decideActivation(input: {
  requestId: string;
  requested: readonly Service[];
  opened: OpenedAnswer | undefined;
  now: number;
}): ActivationDecision {
  const refuse = (outcome: string, granted: ServiceFlags | null = null): ActivationDecision => ({
    state: "refused",
    outcome,
    granted,
    active: noServices(),
    validUntil: null,
  });
  if (!input.opened) return refuse("answer-undecryptable");
  const answer = input.opened.payload;
  // The answer's request id is bound into its content key (apv): an answer made for another request is refused.
  if (answer?.v !== 1 || input.opened.itemId !== input.requestId) return refuse("answer-mismatch");
  const granted = noServices();
  for (const s of SERVICES) granted[s] = answer.services?.[s] === 1;
  if (answer.outcome !== "granted") return refuse(`home-${answer.outcome}`, granted);
  if (!(Date.parse(answer.validUntil) > input.now)) return refuse("answer-expired", granted);
  const active = noServices();
  for (const s of input.requested) active[s] = granted[s];
  if (!SERVICES.some((s) => active[s])) return refuse("nothing-granted", granted);
  return { state: "active", outcome: "activated", granted, active, validUntil: answer.validUntil };
}
