// The OSP's attestation decision and the STI-VS verification, as the Calls page shows them.

export interface Check {
  code: string;
  passed: boolean;
  detail?: string;
}

export interface Decision {
  attest: "A" | "B" | "C";
  origid: string;
  reasons: string[];
  checks: Check[];
  callerDid: string | null;
  identity: string;
}

export interface Verification {
  verstat: string;
  attest?: string;
  origid?: string;
  reasonCode?: number;
  reasonText?: string;
  reason?: string;
}

/** Digits of a TN as the APIs take them ("+1 215 555-1212" -> "12155551212"). */
export function tnDigits(input: string): string {
  return input.replace(/[\s().-]/g, "").replace(/^\+/, "");
}

/** What the letter means for the terminating side, in one line. */
export function attestMeaning(attest: Decision["attest"]): string {
  if (attest === "A") return "Full: the OSP knows the caller and the caller may use the number";
  if (attest === "B") return "Partial: the OSP knows the caller, but not that it may use the number";
  return "Gateway: the OSP only knows where the call entered its network";
}
