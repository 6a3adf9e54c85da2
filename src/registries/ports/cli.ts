// `telco-ledger registries port ...`: number-port clearing through a member agent's API.
import type { Command } from "commander";
import { callAgent } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { printResult, table } from "../../cli/output.ts";

interface Port {
  portId: string;
  gainingName: string | null;
  gaining: string;
  losingName: string | null;
  losing: string;
  state: string;
  reason: number;
  numbers: string[];
  deadline: string | null;
  eidlPorted: boolean;
}
type Outcome = { port: Port; txHash: string };

const collect = (value: string, previous: string[] = []) => [...previous, value];
const describe = (p: Port) =>
  [
    `port ${p.portId}: ${p.state}${p.reason ? ` (reason ${p.reason})` : ""}`,
    `  ${p.losingName ?? p.losing} -> ${p.gainingName ?? p.gaining}: ${
      p.numbers.length > 6
        ? `${p.numbers.slice(0, 3).join(", ")}, ... ${p.numbers.at(-1)} (${p.numbers.length} numbers)`
        : p.numbers.join(", ")
    }`,
    ...(p.deadline ? [`  deadline ${p.deadline}`] : []),
    ...(p.state === "activated" ? [`  EIDL port ${p.eidlPorted ? "done" : "not yet seen"}`] : []),
  ].join("\n");
const describeOutcome = (o: Outcome) => `${describe(o.port)}\n  tx ${o.txHash}`;

export function registerPortCommands(registries: Command): void {
  const port = registries.command("port").description("number-port clearing between providers");

  withClientOptions(port.command("request").description("request a port of numbers (a list or a range) to this member"))
    .requiredOption("--losing <address>", "the losing provider's member account")
    .option("--number <e164>", "a number (repeat for a bulk port)", collect)
    .option("--range <start>", "the first number of a range port (with --count)")
    .option("--count <n>", "how many numbers the range holds", Number)
    .option("--step <n>", "between the range's numbers (default 1)", Number)
    .option("--concur-window <seconds>", "how long the losing provider has to answer (default one day)", Number)
    .action(
      async (
        o: ClientOptions & {
          losing: string;
          number?: string[];
          range?: string;
          count?: number;
          step?: number;
          concurWindow?: number;
        },
      ) => {
        const body = {
          losing: o.losing,
          ...(o.number ? { numbers: o.number } : {}),
          ...(o.range !== undefined
            ? { range: { start: o.range, count: o.count ?? 1, ...(o.step !== undefined ? { step: o.step } : {}) } }
            : {}),
          ...(o.concurWindow !== undefined ? { concurWindowSeconds: o.concurWindow } : {}),
        };
        printResult(await callAgent(targetOf(o), "POST", "/v1/registries/ports", body), o, describeOutcome);
      },
    );

  withClientOptions(port.command("show <portId>").description("one port")).action(
    async (portId: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/registries/ports/${portId}`), o, describe);
    },
  );

  withClientOptions(port.command("list").description("ports on the ledger"))
    .option("--provider <address>", "only ports of this provider (gaining or losing)")
    .option("--state <state>", "only ports in this state")
    .option("--number <e164>", "only ports holding this number")
    .option("--limit <n>", "how many (at most 100)", Number, 50)
    .option("--cursor <cursor>", "the nextCursor of the previous page")
    .action(
      async (
        o: ClientOptions & { provider?: string; state?: string; number?: string; limit: number; cursor?: string },
      ) => {
        const q = new URLSearchParams({
          limit: String(o.limit),
          ...(o.provider ? { provider: o.provider } : {}),
          ...(o.state ? { state: o.state } : {}),
          ...(o.number ? { number: o.number } : {}),
          ...(o.cursor ? { cursor: o.cursor } : {}),
        });
        printResult(
          await callAgent(targetOf(o), "GET", `/v1/registries/ports?${q}`),
          o,
          (r: { items: Array<Record<string, unknown>> }) =>
            table(r.items, ["portId", "losingName", "gainingName", "state", "reason", "count"]),
        );
      },
    );

  const step = (name: string, path: string, description: string) =>
    withClientOptions(port.command(`${name} <portId>`).description(description)).action(
      async (portId: string, o: ClientOptions) => {
        printResult(await callAgent(targetOf(o), "POST", `/v1/registries/ports/${portId}/${path}`), o, describeOutcome);
      },
    );
  step("concur", "concur", "the losing provider concurs");
  step("cancel", "cancel", "the gaining provider cancels an open port");
  step("resolve", "resolve", "the losing provider resolves its dispute");

  for (const [name, description] of [
    ["refuse", "the losing provider refuses a requested port"],
    ["conflict", "the losing provider disputes a concurred or scheduled port"],
  ] as const) {
    withClientOptions(port.command(`${name} <portId>`).description(description))
      .requiredOption("--reason <code>", "the reason code (0..65535)", Number)
      .action(async (portId: string, o: ClientOptions & { reason: number }) => {
        printResult(
          await callAgent(targetOf(o), "POST", `/v1/registries/ports/${portId}/${name}`, { reason: o.reason }),
          o,
          describeOutcome,
        );
      });
  }

  withClientOptions(port.command("schedule <portId>").description("the gaining provider schedules activation"))
    .option("--at <iso>", "when to activate (default: now)")
    .action(async (portId: string, o: ClientOptions & { at?: string }) => {
      printResult(
        await callAgent(
          targetOf(o),
          "POST",
          `/v1/registries/ports/${portId}/schedule`,
          o.at ? { activateAt: o.at } : {},
        ),
        o,
        describeOutcome,
      );
    });

  withClientOptions(
    port.command("activate <portId>").description("the gaining provider activates; waits for the EIDL port"),
  )
    .option("--wait <seconds>", "wait up to this long for the EIDL port of the numbers (0..60)", Number, 30)
    .action(async (portId: string, o: ClientOptions & { wait: number }) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/registries/ports/${portId}/activate`, { waitSeconds: o.wait }),
        o,
        describeOutcome,
      );
    });

  withClientOptions(
    port
      .command("activate-batch <portId...>")
      .description("the gaining provider activates several scheduled ports in one transaction, all or nothing"),
  )
    .option("--wait <seconds>", "wait up to this long for the EIDL ports (0..60)", Number, 30)
    .action(async (portIds: string[], o: ClientOptions & { wait: number }) => {
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/registries/ports/activate", { portIds, waitSeconds: o.wait }),
        o,
        (r: { ports: Port[]; txHash: string }) => `${r.ports.map(describe).join("\n")}\n  tx ${r.txHash}`,
      );
    });
}
