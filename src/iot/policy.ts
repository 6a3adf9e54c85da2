// Relying-party policies as data: a named, versioned list of criteria, each counting the distinct attesters whose
// valid attestations of one schema match it (attester kinds or a list of attesters, claim values, a time window),
// and asking that count to lie in [min, max]. "OEM verified boot" is {schema, kinds [oem], match {verifiedBoot:
// true}}; "no malicious-activity report in 90 days" is {schema, withinDays 90, max 0}; "at least two independent
// peer attestations" is {schema, kinds [peer], min 2}. No code in a policy: it is stored as JSON, every version kept.
import type { Address, Hex } from "viem";
import type { AttesterKindName } from "./kinds.ts";

export type ClaimValue = string | number | boolean;

export interface Criterion {
  name: string;
  schemaId: Hex;
  /** Only attesters of these kinds count (any kind the schema accepts when absent). */
  attesterKinds?: AttesterKindName[];
  /** Only these attesters count (e.g. the alliance's DID address). */
  attesters?: Address[];
  /** Claim values the attested data must hold (top-level fields, equality). */
  match?: Record<string, ClaimValue>;
  /** Only attestations issued in the last `withinDays` days count. */
  withinDays?: number;
  /** At least this many distinct attesters (default 1). */
  min?: number;
  /** At most this many distinct attesters (absent: no upper bound; 0: "no such attestation"). */
  max?: number;
}

export interface Policy {
  policyId: string;
  version: number;
  description?: string;
  criteria: Criterion[];
}

/** Why an attestation of a criterion's schema did not count for it. */
export type NotCountedReason =
  | "REVOKED"
  | "EXPIRED"
  | "ATTESTER_NOT_VETTED"
  | "ATTESTER_KIND_NOT_ACCEPTED"
  | "ATTESTER_NOT_LISTED"
  | "DATA_UNKNOWN"
  | "DATA_MISMATCH"
  | "OUTSIDE_WINDOW";

export interface CriterionResult {
  name: string;
  satisfied: boolean;
  /** Distinct attesters of the counted attestations. */
  attesters: number;
  min: number;
  max: number | null;
  /** The attestations that matched the criterion. */
  counted: Hex[];
  /** The attestations of the criterion's schema that did not count, each with its reason. */
  notCounted: { id: Hex; reason: NotCountedReason }[];
}

export interface Decision {
  subject: Hex;
  policyId: string;
  version: number;
  allowed: boolean;
  /** Unix seconds the decision was evaluated at. */
  at: number;
  criteria: CriterionResult[];
}
