// `telco-ledger eidl bulk ...` and `eidl bulk-revoke ...`: bulk numbering (issue 12): pass on a list of numbers or a
// range with a step from one issuer to one subject, or revoke a list of grants, in batched transactions, through the
// acting organisation's agent.
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress } from "../cli/output.ts";

type BulkOptions = ClientOptions & {
  numbers?: string;
  from?: string;
  count?: string;
  step?: string;
  intendedUse?: string;
  end?: string;
};
type BulkAnswer = { results: { index: number; tnId: string; grantId: string; type: string }[]; transactions: string[] };
type RevocationAnswer = { results: { index: number; grantId: string }[]; transactions: string[] };

/** The items of a file (numbers, grant ids): one a line (or separated by commas or spaces); # comments skipped. */
async function itemsOf(path: string): Promise<string[]> {
  const text = await readFile(path, "utf8");
  return text
    .split("\n")
    .map((line) => line.replace(/#.*/, ""))
    .flatMap((line) => line.split(/[\s,]+/))
    .filter((tn) => tn !== "");
}

export function registerBulkCommands(eidl: Command): void {
  withClientOptions(
    eidl
      .command("bulk <issuerDid> <subjectDid>")
      .description("pass on many numbers at once: --numbers <file>, or --from <tn> --count <n> [--step <k>]"),
  )
    .option("--numbers <file>", "file of numbers, one a line")
    .option("--from <tn>", "first number of a range")
    .option("--count <n>", "numbers in the range (at most 10000)")
    .option("--step <k>", "distance between numbers of the range", "1")
    .option("--intended-use <text>", "intended use of the numbers")
    .option("--end <iso>", "valid until (default: no end)")
    .action(async (issuerId: string, subjectId: string, o: BulkOptions) => {
      const items = o.numbers
        ? { numbers: await itemsOf(o.numbers) }
        : { range: { start: o.from ?? "", count: Number(o.count), step: Number(o.step) } };
      progress(o, "granting in batches (waits until mined)");
      const body = {
        issuerId,
        subjectId,
        ...items,
        ...(o.intendedUse ? { intendedUseOfAllocation: o.intendedUse } : {}),
        ...(o.end ? { allocationEndDate: o.end } : {}),
      };
      printResult(
        await callAgent<BulkAnswer>(targetOf(o), "POST", "/v1/eidl/grants/bulk", body),
        o,
        (r: BulkAnswer) =>
          `${r.results.length} grants in ${r.transactions.length} transactions` +
          (r.results[0] ? ` (${r.results[0].type} #${r.results[0].grantId} for ${r.results[0].tnId} first)` : ""),
      );
    });

  withClientOptions(
    eidl
      .command("bulk-revoke <grantsFile>")
      .description("revoke many grants at once (grant ids in a file, one a line) with one reason"),
  )
    .option(
      "--reason <reason>",
      "Canceled | Fraud | Expired | Superseded | CessationOfOperation | Unspecified",
      "Canceled",
    )
    .action(async (grantsFile: string, o: ClientOptions & { reason: string }) => {
      const body = { grantIds: await itemsOf(grantsFile), reason: o.reason };
      progress(o, "revoking in batches (waits until mined)");
      printResult(
        await callAgent<RevocationAnswer>(targetOf(o), "POST", "/v1/eidl/grants/revocations", body),
        o,
        (r: RevocationAnswer) => `${r.results.length} grants revoked in ${r.transactions.length} transactions`,
      );
    });
}
