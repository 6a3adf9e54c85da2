// What the Identity page shows of a credential: POST /v1/identity/credentials/verify's answer, and whether this
// agent may revoke it (only the issuer can, and only while it is not revoked); GET /v1/identity/credentials' items
// and the status changes each allows.

export interface StatusCheck {
  method: string | null;
  status?: string;
  reason?: string;
  since?: string | null;
  note?: string;
}

export interface Verification {
  verified: boolean;
  format?: string;
  issuer?: string;
  id?: string | null;
  credentialId?: string | null;
  validFrom?: string | null;
  validUntil?: string | null;
  status?: StatusCheck;
  error?: { code: string; message: string };
}

export interface HostedDid {
  did: string;
  label: string;
  signingKid: string | null;
  serviceEndpoint: string | null;
  createdAt: string;
}

/** The reasons the credential-status registry records (src/core/identity/credentialStatus.ts). */
export const REVOCATION_REASONS = [
  "Unspecified",
  "KeyCompromise",
  "Superseded",
  "CessationOfOperation",
  "Fraud",
  "NumberPort",
  "Canceled",
  "Expired",
  "VettingWithdrawn",
] as const;

/** Whether this agent can revoke it: it hosts the issuer, the credential has an id on the status registry, not revoked. */
export function revocableHere(v: Verification, hosted: ReadonlySet<string>): boolean {
  return (
    v.issuer !== undefined &&
    hosted.has(v.issuer.toLowerCase()) &&
    typeof v.credentialId === "string" &&
    v.status?.method === "TelcoLedgerStatusRegistry2026" &&
    v.status.status !== "revoked"
  );
}

/** One of the credentials this member's DIDs issued (GET /v1/identity/credentials), with its status now. */
export interface ListedCredential {
  credentialId: string;
  id: string;
  issuer: string;
  subject: string | null;
  types: string[];
  issuedAt: string;
  expiresAt: string | null;
  status: "active" | "suspended" | "revoked";
  reason: string;
  since: string | null;
}

export type StatusAction = "suspend" | "reinstate" | "revoke";

/** What the registry lets its issuer do next: a revoked credential stays revoked. */
export function actionsFor(status: ListedCredential["status"]): StatusAction[] {
  if (status === "active") return ["suspend", "revoke"];
  if (status === "suspended") return ["reinstate", "revoke"];
  return [];
}

/** One of the credentials this member's DIDs hold (GET /v1/identity/credentials/held), with its status now. */
export interface HeldCredential {
  digest: string;
  id: string | null;
  credentialId: string | null;
  issuer: string;
  subject: string;
  types: string[];
  validFrom: string | null;
  validUntil: string | null;
  receivedAt: string;
  /** unknown: the status lives elsewhere than this ledger's registry (checked when the credential is presented). */
  status: "active" | "suspended" | "revoked" | "unknown";
  reason: string;
  since: string | null;
}
