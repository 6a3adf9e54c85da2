// How a dispute's reason becomes a RAP 1.5 severe return: the TAP element the error is reported against (the ErrorContext
// path leads to it) and the ErrorCode. TD.57 numbers its validation errors per element: 10 syntax, 20 value out of
// range, 30 and up mandatory items missing, 100 and up logical checks, 200 and up checks against the roaming
// agreement. `basis` says where each choice comes from; the exact reason always travels too, as OperatorSpecInformation
// `reason:<Reason>` on the return, so the visited operator reads it back without depending on the code table.

/** The dispute reasons of RoamingSettlement (enum order on chain). */
export const RETURN_REASONS = [
  "Duplicate",
  "OutsideAgreement",
  "WrongRate",
  "MissingData",
  "NotOurSubscriber",
  "Other",
] as const;
export type ReturnReason = (typeof RETURN_REASONS)[number];

export interface RapReturnCode {
  /** The TAP element the error is reported against; null: the call event itself. */
  element: "Charge" | "Imsi" | null;
  errorCode: number;
  basis: string;
}

export const RAP_RETURN_CODES: Readonly<Record<ReturnReason, RapReturnCode>> = {
  WrongRate: {
    element: "Charge",
    errorCode: 200,
    basis: "the charge does not follow the roaming agreement's IOT, as RAP generators in use report it on Charge",
  },
  OutsideAgreement: {
    element: null,
    errorCode: 261,
    basis:
      "a call event outside what the bilateral agreement allows (older than it permits), as RAP generators report it",
  },
  MissingData: {
    element: null,
    errorCode: 30,
    basis: "TD.57's code for a mandatory item missing within its group",
  },
  NotOurSubscriber: {
    element: "Imsi",
    errorCode: 20,
    basis: "TD.57's value-out-of-range code on the IMSI: not in the home operator's ranges",
  },
  Duplicate: {
    element: null,
    errorCode: 201,
    basis: "this project's code in the agreement range (TD.57's text was not at hand to check a duplicate's code)",
  },
  Other: {
    element: null,
    errorCode: 299,
    basis: "this project's code in the agreement range; the reason text says the rest",
  },
};

/** The reason a return names in its OperatorSpecInformation, or else the one its ErrorCode maps back to. */
export function reasonOfReturn(errorCode: number, spec: readonly string[]): ReturnReason | null {
  const named = spec.find((s) => s.startsWith("reason:"))?.slice("reason:".length);
  if (named && (RETURN_REASONS as readonly string[]).includes(named)) return named as ReturnReason;
  const byCode = RETURN_REASONS.filter((r) => RAP_RETURN_CODES[r].errorCode === errorCode);
  return byCode.length === 1 ? (byCode[0] as ReturnReason) : null;
}
