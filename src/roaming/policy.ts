// The home operator's answer policy: what it grants a roaming subscriber, decided from its register entry. Pure, so
// the rule is easy to read and test: refuse unknown, barred and suspended subscribers and those without roaming;
// otherwise grant each requested service the subscription includes and the policy does not withhold abroad.
import { invalidRoamingInput } from "./errors.ts";
import type { PolicyRepository } from "./repository.ts";
import { noServices, SERVICES, type Service, type ServiceFlags, type Subscriber } from "./subscribers/register.ts";

export interface AnswerPolicy {
  /** When true the home agent does not answer at all (maintenance): visited operators see their requests time out. */
  paused: boolean;
  /** How long a grant is valid, in seconds. */
  validitySeconds: number;
  /** Services never granted abroad, whatever the subscription says. */
  withheldServices: Service[];
  /** Visited operators (member addresses) this home operator has no roaming agreement with. */
  refusedVisitedOperators: string[];
}

export const DEFAULT_POLICY: AnswerPolicy = {
  paused: false,
  validitySeconds: 24 * 3600,
  withheldServices: [],
  refusedVisitedOperators: [],
};

export const ANSWER_OUTCOMES = [
  "granted",
  "unknown-subscriber",
  "barred",
  "suspended",
  "roaming-not-allowed",
  "no-agreement",
  "invalid-request",
  "undecryptable",
  // Over the per-visited-operator quota (home/quota.ts): decided before the request is opened, so it says nothing
  // about the subscriber.
  "throttled",
] as const;
export type AnswerOutcome = (typeof ANSWER_OUTCOMES)[number];

export interface Decision {
  outcome: AnswerOutcome;
  services: ServiceFlags;
  validitySeconds: number;
}

export function decide(
  subscriber: Subscriber | undefined,
  requested: readonly Service[],
  policy: AnswerPolicy,
  visitedOperator: string,
): Decision {
  const refuse = (outcome: AnswerOutcome): Decision => ({ outcome, services: noServices(), validitySeconds: 0 });
  if (policy.refusedVisitedOperators.includes(visitedOperator.toLowerCase())) return refuse("no-agreement");
  if (!subscriber) return refuse("unknown-subscriber");
  if (subscriber.status === "barred") return refuse("barred");
  if (subscriber.status === "suspended") return refuse("suspended");
  if (!subscriber.roamingAllowed) return refuse("roaming-not-allowed");
  const services = noServices();
  for (const s of requested) services[s] = subscriber.services[s] && !policy.withheldServices.includes(s);
  return { outcome: "granted", services, validitySeconds: policy.validitySeconds };
}

export function validatePolicy(input: Partial<AnswerPolicy>, base: AnswerPolicy): AnswerPolicy {
  const policy = { ...base, ...input };
  if (typeof policy.paused !== "boolean") throw invalidRoamingInput("body.paused", "must be a boolean");
  if (!Number.isInteger(policy.validitySeconds) || policy.validitySeconds < 60 || policy.validitySeconds > 30 * 86400) {
    throw invalidRoamingInput("body.validitySeconds", "must be an integer from 60 to 2592000");
  }
  for (const s of policy.withheldServices) {
    if (!SERVICES.includes(s)) throw invalidRoamingInput("body.withheldServices", `has unknown service ${s}`);
  }
  policy.refusedVisitedOperators = policy.refusedVisitedOperators.map((a) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(a))
      throw invalidRoamingInput("body.refusedVisitedOperators", `has bad address ${a}`);
    return a.toLowerCase();
  });
  return policy;
}

/** The policy in force, cached: it is read for every batch of requests answered. */
export class PolicyStore {
  readonly #repository: PolicyRepository;
  #cached: AnswerPolicy | undefined;

  constructor(repository: PolicyRepository) {
    this.#repository = repository;
  }

  async get(): Promise<AnswerPolicy> {
    if (this.#cached) return this.#cached;
    const stored = (await this.#repository.load()) as Partial<AnswerPolicy> | undefined;
    this.#cached = stored ? { ...DEFAULT_POLICY, ...stored } : DEFAULT_POLICY;
    return this.#cached;
  }

  async update(change: Partial<AnswerPolicy>): Promise<AnswerPolicy> {
    const policy = validatePolicy(change, await this.get());
    await this.#repository.save(policy, new Date().toISOString());
    this.#cached = policy;
    return policy;
  }
}
