// `telco-ledger registries trace ...` and `registries signal ...`: robocall traceback and fraud signals through a
// member agent's API.
import type { Command } from "commander";
import { callAgent } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { CliError, printResult, table } from "../../cli/output.ts";
import { registerFlagCommands } from "./cliFlags.ts";

interface Hop {
  position: number;
  carrier: string;
  carrierName: string | null;
  upstream: string | null;
  outcome: string;
}
interface Trace {
  traceId: string;
  state: string;
  attestation: string | null;
  askedName: string | null;
  asked: string;
  deadline: string;
  overdue: boolean;
  originName: string | null;
  origin: string | null;
  passport: {
    origid: string;
    spc: string;
    originProvider: string | null;
    originProviderName: string | null;
    originMatchesPath: boolean | null;
  } | null;
  hops: Hop[];
}
interface Signal {
  signalId: string;
  reporterName: string | null;
  reporter: string;
  kind: string;
  state: string;
  live: boolean;
  confidence: number;
  expiresAt: string;
}

interface NumberCheck {
  number: string;
  flagged: boolean;
  signals: Signal[];
}

const hopLine = (h: Hop, hops: Hop[]) => {
  const name = h.carrierName ?? h.carrier;
  const upstream = hops.find((o) => o.position === h.position + 1);
  const from = upstream ? ` from ${upstream.carrierName ?? upstream.carrier}` : "";
  switch (h.outcome) {
    case "requester":
      return `  ${h.position}. ${name}: opened the trace, received the call${from}`;
    case "forwarded":
      return `  ${h.position}. ${name}: received the call${from}`;
    case "originated":
      return `  ${h.position}. ${name}: originated here`;
    case "unanswered":
      return `  ${h.position}. ${name}: did not answer in time`;
    default:
      return `  ${h.position}. ${name}: asked`;
  }
};
const passportLine = (p: NonNullable<Trace["passport"]>) =>
  `  PASSporT origid ${p.origid} signed under SPC ${p.spc}: originating provider ` +
  `${p.originProvider ? (p.originProviderName ?? p.originProvider) : "no member (SPC not registered)"}` +
  (p.originMatchesPath === null ? "" : p.originMatchesPath ? " (the path agrees)" : " (the path names another origin)");
const describeTrace = (t: Trace) =>
  [
    `trace ${t.traceId}: ${t.state}${t.attestation ? ` (attestation ${t.attestation})` : ""}`,
    ...(t.passport ? [passportLine(t.passport)] : []),
    ...(t.state === "completed" ? [`  origin ${t.originName ?? t.origin}`] : []),
    ...(t.state === "open"
      ? [`  asked ${t.askedName ?? t.asked} by ${t.deadline}${t.overdue ? " (overdue)" : ""}`]
      : []),
    ...t.hops.map((h) => hopLine(h, t.hops)),
  ].join("\n");
const describeSignal = (s: Signal) =>
  `signal ${s.signalId}: ${s.kind} (confidence ${s.confidence}) by ${s.reporterName ?? s.reporter}: ${s.state}` +
  `${s.live ? `, live until ${s.expiresAt}` : ", not live"}`;
const withTx =
  <T>(describe: (value: T) => string, key: string) =>
  (o: Record<string, unknown>) =>
    `${describe(o[key] as T)}\n  tx ${String(o.txHash)}`;

export function registerTracebackCommands(registries: Command): void {
  registerTraceCommands(registries);
  registerSpcCommands(registries);
  registerCallCommands(registries);
  registerSignalCommands(registries);
  registerFlagCommands(registries);
}

function registerCallCommands(registries: Command): void {
  const call = registries
    .command("call")
    .description("this member's call log: its agent answers the traces that ask about a call in it");
  withClientOptions(call.command("record").description("record a call this member carried (from its CDR)"))
    .requiredOption("--origid <uuid>", "the PASSporT's origid")
    .requiredOption("--orig <e164>", "the calling number")
    .requiredOption("--dest <e164>", "the called number")
    .requiredOption("--iat <seconds>", "the PASSporT's iat (unix seconds)", Number)
    .option("--upstream <address>", "the member account of the carrier this member received the call from")
    .option("--originated", "the call originated on this member's network")
    .action(
      async (
        o: ClientOptions & {
          origid: string;
          orig: string;
          dest: string;
          iat: number;
          upstream?: string;
          originated?: boolean;
        },
      ) => {
        if (Boolean(o.upstream) === Boolean(o.originated)) {
          throw new CliError("give exactly one of --upstream <address> and --originated");
        }
        const body = {
          calls: [{ call: { origid: o.origid, orig: o.orig, dest: o.dest, iat: o.iat }, upstream: o.upstream ?? null }],
        };
        printResult(await callAgent(targetOf(o), "POST", "/v1/registries/calls", body), o, (r) => {
          const [c] = (r as { calls: Array<{ callDigest: string; upstream: string | null }> }).calls;
          return `call ${c?.callDigest} recorded: ${c?.upstream ? `received from ${c.upstream}` : "originated here"}`;
        });
      },
    );
}

function registerSpcCommands(registries: Command): void {
  const spc = registries.command("spc").description("the Service Provider Codes members' STI certificates carry");
  const describeSpc = (o: Record<string, unknown>) =>
    `SPC ${String(o.spc)}: ${String(o.memberName ?? o.member)}${o.txHash ? `\n  tx ${String(o.txHash)}` : ""}`;
  withClientOptions(spc.command("register <spc>").description("register this member's SPC on chain")).action(
    async (code: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "POST", "/v1/registries/spcs", { spc: code }), o, describeSpc),
  );
  withClientOptions(spc.command("show <spc>").description("the member that registered an SPC")).action(
    async (code: string, o: ClientOptions) =>
      printResult(
        await callAgent(targetOf(o), "GET", `/v1/registries/spcs/${encodeURIComponent(code)}`),
        o,
        describeSpc,
      ),
  );
}

function registerTraceCommands(registries: Command): void {
  const trace = registries.command("trace").description("robocall traceback hop by hop");
  const shown = withTx(describeTrace, "trace");

  withClientOptions(trace.command("open").description("open a traceback of a call, asking the carrier it came from"))
    .option(
      "--passport <jws>",
      "the call's SHAKEN PASSporT (compact JWS or Identity header), instead of the four below",
    )
    .option("--origid <uuid>", "the PASSporT's origid")
    .option("--orig <e164>", "the calling number")
    .option("--dest <e164>", "the called number")
    .option("--iat <seconds>", "the PASSporT's iat (unix seconds)", Number)
    .requiredOption("--first-hop <address>", "the member account of the carrier this member received the call from")
    .option("--attestation <A|B|C>", "the PASSporT's attestation (with --origid ...)")
    .option("--hop-window <seconds>", "how long each carrier has to answer (default 3600)", Number)
    .action(
      async (
        o: ClientOptions & {
          passport?: string;
          origid?: string;
          orig?: string;
          dest?: string;
          iat?: number;
          firstHop: string;
          attestation?: string;
          hopWindow?: number;
        },
      ) => {
        const identifiers = [o.origid, o.orig, o.dest, o.iat];
        if (o.passport ? identifiers.some((v) => v !== undefined) : identifiers.some((v) => v === undefined)) {
          throw new CliError("give either --passport <jws> or all of --origid, --orig, --dest and --iat");
        }
        const body = {
          ...(o.passport
            ? { passport: o.passport }
            : { call: { origid: o.origid, orig: o.orig, dest: o.dest, iat: o.iat } }),
          firstHop: o.firstHop,
          ...(o.attestation ? { attestation: o.attestation } : {}),
          ...(o.hopWindow !== undefined ? { hopWindowSeconds: o.hopWindow } : {}),
        };
        printResult(await callAgent(targetOf(o), "POST", "/v1/registries/traces", body), o, shown);
      },
    );

  withClientOptions(
    trace.command("response <traceId>").description("the answer this member's agent sent by itself from its call log"),
  ).action(async (traceId: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "GET", `/v1/registries/traces/${traceId}/response`), o, (r) => {
      const v = r as { upstream: string | null; txHash: string | null; error: string | null };
      const what = v.upstream ? `received the call from ${v.upstream}` : "originated here";
      return v.txHash ? `answered ${what}\n  tx ${v.txHash}` : `answer (${what}) refused: ${v.error}`;
    }),
  );

  withClientOptions(trace.command("answer <traceId>").description("answer as the carrier asked"))
    .option("--upstream <address>", "the member account of the carrier this member received the call from")
    .option("--originated", "the call originated on this member's network")
    .option("--evidence <bytes32>", "a hash of this member's records of the call")
    .action(
      async (traceId: string, o: ClientOptions & { upstream?: string; originated?: boolean; evidence?: string }) => {
        if (Boolean(o.upstream) === Boolean(o.originated)) {
          throw new CliError("give exactly one of --upstream <address> and --originated");
        }
        const body = { upstream: o.upstream ?? null, ...(o.evidence ? { evidence: o.evidence } : {}) };
        printResult(await callAgent(targetOf(o), "POST", `/v1/registries/traces/${traceId}/answer`, body), o, shown);
      },
    );

  withClientOptions(
    trace.command("unanswered <traceId>").description("record that the carrier asked let its deadline pass"),
  ).action(async (traceId: string, o: ClientOptions) => {
    printResult(await callAgent(targetOf(o), "POST", `/v1/registries/traces/${traceId}/unanswered`), o, shown);
  });

  withClientOptions(trace.command("show <traceId>").description("one trace, hop by hop")).action(
    async (traceId: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/registries/traces/${traceId}`), o, describeTrace);
    },
  );

  withClientOptions(trace.command("list").description("traces on the ledger"))
    .option("--requester <address>", "only traces opened by this member")
    .option("--asked <address>", "only traces asking this carrier now")
    .option("--state <state>", "open, completed or unanswered")
    .option("--limit <n>", "how many (at most 100)", Number, 50)
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(
      async (
        o: ClientOptions & { requester?: string; asked?: string; state?: string; limit: number; cursor?: string },
      ) => {
        const q = new URLSearchParams({
          limit: String(o.limit),
          ...(o.requester ? { requester: o.requester } : {}),
          ...(o.asked ? { asked: o.asked } : {}),
          ...(o.state ? { state: o.state } : {}),
          ...(o.cursor ? { cursor: o.cursor } : {}),
        });
        printResult(
          await callAgent(targetOf(o), "GET", `/v1/registries/traces?${q}`),
          o,
          (r: { items: Array<Record<string, unknown>> }) =>
            table(r.items, ["traceId", "requesterName", "state", "askedName", "deadline"]),
        );
      },
    );
}

function registerSignalCommands(registries: Command): void {
  const signal = registries.command("signal").description("fraud signals about numbers");
  const shown = withTx(describeSignal, "signal");

  withClientOptions(signal.command("report").description("report a fraud signal about a number"))
    .requiredOption("--number <e164>", "the number")
    .requiredOption("--kind <kind>", "wangiri, robocall-campaign, sim-box, sim-swap or port-out")
    .requiredOption("--confidence <1..100>", "how sure the reporter is", Number)
    .requiredOption("--evidence <bytes32>", "a hash of the evidence")
    .option("--expires-in <seconds>", "how long the signal counts (default 30 days)", Number)
    .option("--holder <address>", "the member operating the number's holder (may challenge)")
    .action(
      async (
        o: ClientOptions & {
          number: string;
          kind: string;
          confidence: number;
          evidence: string;
          expiresIn?: number;
          holder?: string;
        },
      ) => {
        const body = {
          number: o.number,
          kind: o.kind,
          confidence: o.confidence,
          evidence: o.evidence,
          ...(o.expiresIn !== undefined ? { expiresInSeconds: o.expiresIn } : {}),
          ...(o.holder ? { holder: o.holder } : {}),
        };
        printResult(await callAgent(targetOf(o), "POST", "/v1/registries/signals", body), o, shown);
      },
    );

  withClientOptions(signal.command("check <number>").description("is this number flagged?"))
    .option("--until <answer>", "with --wait: the answer to wait for, flagged | not-flagged", "flagged")
    .option("--wait <seconds>", "wait up to this long for that answer (a signal reported on another agent)", Number, 0)
    .action(async (number: string, o: ClientOptions & { until: string; wait: number }) => {
      if (o.until !== "flagged" && o.until !== "not-flagged") {
        throw new CliError(`--until must be flagged or not-flagged, got ${JSON.stringify(o.until)}`);
      }
      const wanted = o.until === "flagged";
      const ask = () => callAgent<NumberCheck>(targetOf(o), "GET", `/v1/registries/signals/number/${number}`);
      const until = Date.now() + o.wait * 1000;
      let result = await ask();
      while (result.flagged !== wanted && Date.now() < until) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        result = await ask();
      }
      printResult(result, o, (r: NumberCheck) =>
        [
          `${r.number}: ${r.flagged ? `flagged by ${r.signals.length} live signal(s)` : "not flagged"}`,
          ...r.signals.map((s) => `  ${describeSignal(s)}`),
        ].join("\n"),
      );
    });

  withClientOptions(signal.command("show <signalId>").description("one signal")).action(
    async (signalId: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/registries/signals/${signalId}`), o, describeSignal);
    },
  );

  withClientOptions(signal.command("challenge <signalId>").description("dispute a signal as the holder's operator"))
    .requiredOption("--evidence <bytes32>", "a hash of this member's evidence")
    .action(async (signalId: string, o: ClientOptions & { evidence: string }) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/registries/signals/${signalId}/challenge`, { evidence: o.evidence }),
        o,
        shown,
      );
    });

  withClientOptions(signal.command("clear <signalId>").description("clear this member's signal")).action(
    async (signalId: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "POST", `/v1/registries/signals/${signalId}/clear`), o, shown);
    },
  );
}
