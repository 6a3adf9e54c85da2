// Turns the contracts' foreseen refusals into the domain's named errors, with the contract's error and arguments in
// details. The escrow, the ticket registry and the governance are deployed by the court and are not in the manifest,
// so the outbox cannot decode their errors (the escrow's reach it nested in the court's complaint): they are decoded
// here with their ABIs, and so are those of a multi-signature bank a member deployed (not in the manifest either).
import { decodeErrorResult } from "viem";
import { TxRevertedError } from "../core/chain/errors.ts";
import { AuditorTickets, BankMultisig, CourtGovernance, ServiceEscrow } from "../generated/contracts.ts";
import { AuditingError, REVERT_CODES } from "./errors.ts";

const jsonSafe = (value: unknown): unknown => (typeof value === "bigint" ? value.toString() : value);

function decoded(error: TxRevertedError): { name: string; args: readonly unknown[] } | undefined {
  if (error.errorName) return { name: error.errorName, args: error.errorArgs };
  if (!error.data) return undefined;
  for (const abi of [ServiceEscrow.abi, BankMultisig.abi, AuditorTickets.abi, CourtGovernance.abi]) {
    try {
      const r = decodeErrorResult({ abi, data: error.data });
      return { name: r.errorName, args: (r.args ?? []) as readonly unknown[] };
    } catch {
      // not this contract's error
    }
  }
  return undefined;
}

/** The error to throw for a failed write: a named AuditingError where the revert is foreseen, else the error itself. */
export function refusalOf(error: unknown, what: string): unknown {
  if (!(error instanceof TxRevertedError)) return error;
  const revert = decoded(error);
  const code = revert ? REVERT_CODES[revert.name] : undefined;
  if (!revert || !code) return error;
  return new AuditingError(code, `the ledger refused ${what}: ${revert.name}`, {
    details: { revert: revert.name, args: revert.args.map(jsonSafe) },
    cause: error,
  });
}
