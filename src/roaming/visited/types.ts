// What the visited side records per attach: the session states and the session as the API shows it.
import type { Service, ServiceFlags } from "../subscribers/register.ts";

export const SESSION_STATES = ["queued", "requested", "active", "refused", "rejected", "timed-out", "failed"] as const;
export type SessionState = (typeof SESSION_STATES)[number];
/** States in which the session still waits for the ledger or the home operator. */
export const OPEN_STATES: readonly SessionState[] = ["queued", "requested"];

export interface AttachInput {
  imsi: string;
  /** Which of our networks the device attached to; default our first network. */
  visitedPlmn?: string;
  /** Services the device asks for; default all. */
  services?: Service[];
}

export interface SessionView {
  requestId: string;
  imsi: string;
  visitedPlmn: string;
  homePlmn: string | null;
  homeOperator: string | null;
  state: SessionState;
  outcome: string | null;
  requestedServices: Service[];
  grantedServices: ServiceFlags | null;
  activeServices: ServiceFlags | null;
  validUntil: string | null;
  expiresAt: string;
  times: {
    attachedAt: string;
    requestMinedAt: string | null;
    answeredAt: string | null;
    decidedAt: string | null;
    closingMinedAt: string | null;
  };
  requestTx: string | null;
  closingTx: string | null;
}
