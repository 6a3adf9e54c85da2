// Enforcement semantics of the ODRL profile (docs/datausage.md): a policy compiled once into sets and numbers, then
// decided per request without allocation beyond the answer. Order of evaluation:
//   1. a revoked contract (or a revoked ancestor) denies everything;
//   2. a prohibition whose action and constraints match denies (prohibitions win);
//   3. the first permission (document order) whose constraints hold now decides: "modify" when it carries pre-use
//      duties (the agent applies them), else "allow"; its post-use duties come back as obligations ("execute");
//   4. no permission holds now, but one would once its delayPeriod has passed: "delay" until then;
//   5. otherwise "deny", naming what failed.
import {
  type Constraint,
  isPostUse,
  type OdrlPolicy,
  type PostUseDuty,
  type PreUseDuty,
  type UsageAction,
} from "./odrl.ts";

export type Verdict = "allow" | "modify" | "delay" | "deny";

export interface DecisionRequest {
  action: UsageAction;
  purpose: string;
  /** The receiving member's account (lower case) for a transfer; undefined for an own use. */
  recipient?: string;
  /** Unix seconds. */
  at: number;
}

export interface ContractClock {
  /** Unix seconds the data was collected under this contract (its creation block time). */
  createdAt: number;
  /** The revoked contract up the chain of parents, undefined while none is. */
  revokedAncestor?: string;
}

export interface Decision {
  verdict: Verdict;
  reason: string;
  modifications: readonly PreUseDuty[];
  obligations: readonly PostUseDuty[];
  /** For "delay": the first second the use is allowed. */
  notBefore?: number;
}

interface CompiledRule {
  action: UsageAction;
  purposes?: ReadonlySet<string>;
  recipients?: ReadonlySet<string>;
  notBefore: number;
  notAfter: number;
  hourFrom: number;
  hourTo: number;
  delay: number;
  modifications: readonly PreUseDuty[];
  obligations: readonly PostUseDuty[];
}

export type CompiledPolicy = (request: DecisionRequest, clock: ContractClock) => Decision;

const NONE: readonly never[] = Object.freeze([]);

function compileRule(
  action: UsageAction,
  constraints: readonly Constraint[],
  duties: CompiledRule["modifications"],
  obligations: readonly PostUseDuty[],
): CompiledRule {
  const rule: CompiledRule = {
    action,
    notBefore: Number.NEGATIVE_INFINITY,
    notAfter: Number.POSITIVE_INFINITY,
    hourFrom: 0,
    hourTo: 24,
    delay: 0,
    modifications: duties,
    obligations,
  };
  for (const c of constraints) {
    switch (c.leftOperand) {
      case "purpose":
        rule.purposes = new Set(c.rightOperand);
        break;
      case "recipient":
        rule.recipients = new Set(c.rightOperand.map((r) => r.toLowerCase()));
        break;
      case "dateTime": {
        const seconds = Math.floor(Date.parse(c.rightOperand) / 1000);
        if (c.operator === "gteq") rule.notBefore = Math.max(rule.notBefore, seconds);
        else rule.notAfter = Math.min(rule.notAfter, seconds);
        break;
      }
      case "tl:hourOfDay":
        if (c.operator === "gteq") rule.hourFrom = c.rightOperand;
        else rule.hourTo = c.rightOperand;
        break;
      case "delayPeriod":
        rule.delay = Math.max(rule.delay, c.rightOperand);
        break;
    }
  }
  return rule;
}

// Why a rule does not hold for a request now, ignoring its delay, as a code (no string built per rule: the reason text
// is made once, for the answer).
const HOLDS = 0;
const ACTION = 1;
const PURPOSE = 2;
const RECIPIENT = 3;
const DATE_WINDOW = 4;
const HOUR_WINDOW = 5;

function failure(rule: CompiledRule, request: DecisionRequest): number {
  if (rule.action !== request.action) return ACTION;
  if (rule.purposes && !rule.purposes.has(request.purpose)) return PURPOSE;
  if (rule.recipients && (request.recipient === undefined || !rule.recipients.has(request.recipient))) return RECIPIENT;
  if (request.at < rule.notBefore || request.at >= rule.notAfter) return DATE_WINDOW;
  const hour = Math.floor((request.at % 86_400) / 3_600);
  if (hour < rule.hourFrom || hour >= rule.hourTo) return HOUR_WINDOW;
  return HOLDS;
}

function reasonOf(code: number, request: DecisionRequest): string {
  switch (code) {
    case PURPOSE:
      return `purpose ${request.purpose} not allowed`;
    case RECIPIENT:
      return `recipient ${request.recipient ?? "(none)"} not allowed`;
    case DATE_WINDOW:
      return "outside the policy's dateTime window";
    case HOUR_WINDOW:
      return `hour ${Math.floor((request.at % 86_400) / 3_600)} UTC outside the daily window`;
    default:
      return `no permission for ${request.action}`;
  }
}

export function compilePolicy(policy: OdrlPolicy): CompiledPolicy {
  const permissions = (policy.permission ?? []).map((r) =>
    compileRule(
      r.action,
      r.constraint ?? [],
      (r.duty ?? []).filter((d): d is PreUseDuty => !isPostUse(d)),
      (r.duty ?? []).filter(isPostUse),
    ),
  );
  const prohibitions = (policy.prohibition ?? []).map((r) => compileRule(r.action, r.constraint ?? [], NONE, NONE));
  return (request, clock) => {
    if (clock.revokedAncestor !== undefined) return deny(`the subject revoked contract ${clock.revokedAncestor}`);
    for (const p of prohibitions)
      if (failure(p, request) === HOLDS) return deny(`prohibited: ${request.action} for ${request.purpose}`);
    let delayedUntil = Number.POSITIVE_INFINITY;
    // The most telling reason: a rule that matched the purpose but failed later beats a purpose mismatch.
    let worst = ACTION;
    for (const p of permissions) {
      const failed = failure(p, request);
      if (failed !== HOLDS) {
        if (failed > worst) worst = failed;
        continue;
      }
      const ready = clock.createdAt + p.delay;
      if (request.at < ready) {
        delayedUntil = Math.min(delayedUntil, ready);
        continue;
      }
      if (p.modifications.length > 0)
        return {
          verdict: "modify",
          reason: "permitted with modifications",
          modifications: p.modifications,
          obligations: p.obligations,
        };
      return { verdict: "allow", reason: "permitted", modifications: NONE, obligations: p.obligations };
    }
    if (delayedUntil !== Number.POSITIVE_INFINITY)
      return {
        verdict: "delay",
        reason: "permitted after the policy's delay",
        modifications: NONE,
        obligations: NONE,
        notBefore: delayedUntil,
      };
    return deny(reasonOf(worst, request));
  };
}

function deny(reason: string): Decision {
  return { verdict: "deny", reason, modifications: NONE, obligations: NONE };
}
