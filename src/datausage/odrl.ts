// The ODRL profile of data usage contracts (docs/datausage.md "ODRL profile"): the subset of W3C ODRL 2.2 a policy may
// use, and the enforcement semantics this project gives it. Plain types and a validator that names the faulty field;
// compile.ts turns a valid policy into the decision function.
export const DATAUSAGE_PROFILE = "https://telco-ledger.dev/odrl/datausage/v1";

/** What an agent may do with the data: use it itself, or transfer it to a processor. */
export type UsageAction = "use" | "transfer";
export const USAGE_ACTIONS: readonly UsageAction[] = ["use", "transfer"];

export type Constraint =
  /** The activity's declared purpose is one of these (ODRL purpose, isAnyOf). */
  | { leftOperand: "purpose"; operator: "isAnyOf"; rightOperand: string[] }
  /** The receiving member (its account address) is one of these (ODRL recipient, isAnyOf). */
  | { leftOperand: "recipient"; operator: "isAnyOf"; rightOperand: string[] }
  /** Absolute time window (ODRL dateTime, ISO 8601). */
  | { leftOperand: "dateTime"; operator: "gteq" | "lt"; rightOperand: string }
  /** Daily window in UTC hours (profile operand tl:hourOfDay, 0-24). */
  | { leftOperand: "tl:hourOfDay"; operator: "gteq" | "lt"; rightOperand: number }
  /** Use only this many seconds after the data was collected (ODRL delayPeriod): answered "delay" until then. */
  | { leftOperand: "delayPeriod"; operator: "gteq"; rightOperand: number };

/** Duties the agent fulfils BEFORE handing data out ("modify"): the data leaves changed, never as stored. */
export type PreUseDuty =
  /** Replace these fields' values by keyed pseudonyms (ODRL anonymize). */
  | { action: "anonymize"; "tl:fields": string[] }
  /** Keep only the first `tl:length` characters of a field (profile action tl:truncate). */
  | { action: "tl:truncate"; "tl:field": string; "tl:length": number }
  /** Generalise numbers into ranges `tl:bucket` wide and drop every other field (ODRL aggregate, one record). */
  | { action: "aggregate"; "tl:bucket": number };

/** Obligations that fire AFTER use ("execute"): the agent journals them with a deadline and reports their state. */
export interface PostUseDuty {
  action: "delete" | "inform";
  "tl:when": "afterUse";
  /** Seconds after the use by which the obligation must be fulfilled. */
  "tl:within": number;
}

export type Duty = PreUseDuty | PostUseDuty;

export interface Rule {
  action: UsageAction;
  constraint?: Constraint[];
  duty?: Duty[];
}

export interface OdrlPolicy {
  "@context"?: unknown;
  "@type": "Agreement" | "Set";
  profile: typeof DATAUSAGE_PROFILE;
  permission?: Rule[];
  prohibition?: Rule[];
}

export const isPostUse = (duty: Duty): duty is PostUseDuty => (duty as PostUseDuty)["tl:when"] === "afterUse";

/** The policy's structure: its rules, actions, operands and operators with every value dropped. On chain as a hash. */
export function policyStructure(policy: OdrlPolicy): unknown {
  const rule = (r: Rule) => ({
    action: r.action,
    constraint: (r.constraint ?? []).map((c) => `${c.leftOperand} ${c.operator}`),
    duty: (r.duty ?? []).map((d) => d.action),
  });
  return {
    type: policy["@type"],
    profile: policy.profile,
    permission: (policy.permission ?? []).map(rule),
    prohibition: (policy.prohibition ?? []).map(rule),
  };
}
