// `telco-ledger settlement rap ...`: the home operator's RAP file of a period through its agent, and two local tools
// for a RAP file received: decode it, and write its acknowledgement. The RAP reader and writer load inside the actions.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError } from "../cli/output.ts";

/** The agent's RAP file and its name (the agent answers BER, or a JSON error). */
async function rapOf(o: ClientOptions, path: string): Promise<{ bytes: Uint8Array; fileName: string | null }> {
  const target = targetOf(o);
  const response = await fetch(new URL(path, target.url), { headers: { authorization: `Bearer ${target.apiKey}` } });
  if (!response.ok) {
    const err = (await response.json().catch(() => ({}))) as { code?: string; message?: string };
    throw new CliError(err.message ?? `HTTP ${response.status}`, err.code ?? `HTTP_${response.status}`);
  }
  const disposition = response.headers.get("content-disposition") ?? "";
  return {
    bytes: new Uint8Array(await response.arrayBuffer()),
    fileName: /filename="([^"]+)"/.exec(disposition)?.[1] ?? null,
  };
}

export function registerRapCommands(settlement: Command): void {
  withClientOptions(
    settlement
      .command("rap <agreementId>")
      .description("home: the period's RAP file (RAP 1.5, BER): each disputed record returned with its RAP error code"),
  )
    .requiredOption("--period <n>", "settlement period index from the agreement's validFrom", (v) => Number(v))
    .option("--sequence <nnnnn>", "the RAP file sequence number (default: the period plus one)")
    .option("--out <file>", "where to write it (default: the file name the agent gives, RC<sender><recipient><seq>)")
    .action(async (id: string, o: ClientOptions & { period: number; sequence?: string; out?: string }) => {
      const query = o.sequence ? `?sequence=${encodeURIComponent(o.sequence)}` : "";
      const rap = await rapOf(o, `/v1/settlement/agreements/${id}/periods/${o.period}/rap${query}`);
      const out = o.out ?? rap.fileName ?? `rap-${id.slice(0, 10)}-${o.period}.ber`;
      writeFileSync(out, rap.bytes);
      const { readRap } = await import("./tap/rap.ts");
      const { bytesSource } = await import("./tap/reader.ts");
      const read = await readRap(bytesSource(rap.bytes));
      const summary =
        "returns" in read
          ? { file: out, bytes: rap.bytes.length, returns: read.returns.length, audit: read.audit }
          : { file: out, bytes: rap.bytes.length };
      process.stdout.write(o.json ? `${JSON.stringify(summary)}\n` : `${out}: ${JSON.stringify(summary)}\n`);
    });

  settlement
    .command("rap-decode <file>")
    .description("decode a RAP file (return batch or acknowledgement) as JSON: control, returned records, totals")
    .action(async (file: string) => {
      const { readRap } = await import("./tap/rap.ts");
      const { bytesSource } = await import("./tap/reader.ts");
      const rap = await readRap(bytesSource(readFileSync(file)));
      process.stdout.write(`${JSON.stringify(rap, null, 2)}\n`);
    });

  settlement
    .command("rap-ack <file>")
    .description("visited: write the acknowledgement of a received RAP return batch")
    .requiredOption("--out <file>", "the acknowledgement file to write")
    .action(async (file: string, o: { out: string }) => {
      const { readRap } = await import("./tap/rap.ts");
      const { bytesSource } = await import("./tap/reader.ts");
      const { rapAcknowledgement, tapTimeUtc } = await import("./tap/rapWriter.ts");
      const rap = await readRap(bytesSource(readFileSync(file)));
      if (!("returnBatch" in rap))
        throw new CliError(`${file} is an acknowledgement, not a return batch`, "RAP_NOT_RETURN_BATCH");
      const now = tapTimeUtc(new Date());
      const ack = rapAcknowledgement({
        sender: rap.returnBatch.recipient,
        recipient: rap.returnBatch.sender,
        rapFileSequenceNumber: rap.returnBatch.rapFileSequenceNumber,
        createdLocal: now.local,
        createdOffset: now.offset,
      });
      writeFileSync(o.out, ack);
      process.stdout.write(
        `${JSON.stringify({ file: o.out, sender: rap.returnBatch.recipient, recipient: rap.returnBatch.sender, rapFileSequenceNumber: rap.returnBatch.rapFileSequenceNumber })}\n`,
      );
    });
}
