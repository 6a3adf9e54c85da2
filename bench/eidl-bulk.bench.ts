// Bulk numbering at carrier scale (issue 12): a TNR delegates `count` single numbers to a brand in ONE request to
// `POST /v1/eidl/grants/bulk`, each agent a process of its own on the anvil devnet. Measures the wall time until the
// TNR's agent acknowledges (every batch mined and projected there) and until the brand's agent has projected the last
// delegation, the transactions and their gas from the receipts (all status success; total gas / items, and the
// execution inside the batch: gas used less the 21,000 base and the calldata), and the CPU seconds of the TNR's agent
// process over the request (utime + stime from /proc). Args: [count=10000].
import { readdirSync, readFileSync } from "node:fs";
import { request } from "node:http";
import { loadavg } from "node:os";
import { createPublicClient, type Hex, http } from "viem";
import { startTestConsortium, type TestAgentProcess } from "../testkit/consortium.ts";
import { createOrg, eidlMembers, grant, ORG_TYPE, type Org, setNumberingScope, vet } from "../testkit/eidlHierarchy.ts";
import { waitUntil } from "../testkit/eventually.ts";
import { type BenchResult, round } from "./lib/report.ts";

const BLOCK = "1200200"; // 10,000 eleven-digit numbers
/** USER_HZ, the unit of utime/stime in /proc/<pid>/stat. */
const TICKS = 100;

/** CPU seconds (user + system) of a process and every process below it. */
function cpuSeconds(root: number): number {
  const parents = new Map<number, number>();
  const ticks = new Map<number, number>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, "utf8").split(") ")[1]?.split(" ") ?? [];
      parents.set(Number(entry), Number(fields[1]));
      ticks.set(Number(entry), Number(fields[11]) + Number(fields[12]));
    } catch {
      // the process ended while we read
    }
  }
  const below = (pid: number): number =>
    (ticks.get(pid) ?? 0) + [...parents].filter(([, ppid]) => ppid === pid).reduce((s, [c]) => s + below(c), 0);
  return below(root) / TICKS;
}

/** The anvil process serving `rpcUrl` (its command line names the port). */
function anvilPid(rpcUrl: string): number {
  const port = new URL(rpcUrl).port;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      if (args[0]?.includes("anvil") && args[args.indexOf("--port") + 1] === port) return Number(entry);
    } catch {
      // the process ended while we read
    }
  }
  return 0;
}

/** POST without the client timeouts of fetch (a 10,000-number request may take minutes before the speed-up). */
function post(url: string, apiKey: string, path: string, body: unknown): Promise<{ status: number; body: unknown }> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, url),
      {
        method: "POST",
        headers: {
          authorization: `Bearer ${apiKey}`,
          "content-type": "application/json",
          "content-length": Buffer.byteLength(payload),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) }),
        );
      },
    );
    req.on("error", reject);
    req.end(payload);
  });
}

/** Gas a transaction pays for its calldata (EIP-2028: 4 per zero byte, 16 per other byte). */
function calldataGas(input: Hex): number {
  let gas = 0;
  for (let i = 2; i < input.length; i += 2) gas += input.slice(i, i + 2) === "00" ? 4 : 16;
  return gas;
}

export async function run(args: string[]): Promise<BenchResult> {
  const count = Number(args[0] ?? 10_000);
  if (!Number.isInteger(count) || count < 1 || count > 10_000) throw new Error("count: 1 to 10,000");
  const consortium = await startTestConsortium(eidlMembers("ta", "na", "kyc", "tnsp", "tnr", "brand"), {
    agentProcesses: true,
  });
  try {
    const { ta, na, kyc, tnsp, tnr, brand } = consortium.agents as Record<string, TestAgentProcess>;
    const taOrg = await createOrg(ta!, "TA", ORG_TYPE.TRUST_AUTHORITY);
    const naOrg = await createOrg(na!, "NA", ORG_TYPE.NUMBERING_AUTHORITY);
    const kycOrg = await createOrg(kyc!, "KYC", ORG_TYPE.KYC_VETTER);
    const tnspOrg = await createOrg(tnsp!, "TNSP", ORG_TYPE.TNSP);
    const tnrOrg = await createOrg(tnr!, "TNR", ORG_TYPE.TNR);
    const brandOrg = await createOrg(brand!, "Brand", ORG_TYPE.ENTERPRISE);
    for (const o of [tnspOrg, kycOrg]) await vet(ta!, o, taOrg);
    for (const o of [tnrOrg, brandOrg]) await vet(kyc!, o, kycOrg);
    await setNumberingScope(Object.values(consortium.agents), naOrg, ["1"]);
    await grant(na!, [{ tnId: BLOCK, issuer: naOrg, subject: tnspOrg }]);
    await grant(tnsp!, [{ tnId: BLOCK, issuer: tnspOrg, subject: tnrOrg }]);
    const visible = (org: Org) => async () => (await tnr!.call("GET", `/v1/accounts/${org.did}`)).status === 200;
    await waitUntil("the brand in the TNR's read model", visible(brandOrg));

    const load = loadavg()[0] ?? 0;
    const anvil = anvilPid(consortium.devnet.rpcUrl);
    const cpu0 = cpuSeconds(tnr!.pid);
    const anvil0 = anvil ? cpuSeconds(anvil) : 0;
    const t0 = performance.now();
    const answer = await post(tnr!.url, tnr!.adminKey, "/v1/eidl/grants/bulk", {
      issuerId: tnrOrg.did,
      subjectId: brandOrg.did,
      range: { start: `${BLOCK}0000`, count },
      intendedUseOfAllocation: "voice",
    });
    const acknowledged = (performance.now() - t0) / 1000;
    const agentCpu = cpuSeconds(tnr!.pid) - cpu0;
    const devnetCpu = anvil ? cpuSeconds(anvil) - anvil0 : Number.NaN;
    if (answer.status !== 201) throw new Error(`bulk: ${answer.status} ${JSON.stringify(answer.body).slice(0, 500)}`);
    const { results, transactions } = answer.body as { results: { tnId: string }[]; transactions: Hex[] };
    if (results.length !== count) throw new Error(`bulk: ${results.length} results for ${count} numbers`);
    const last = (results[count - 1] as { tnId: string }).tnId;
    await waitUntil(
      `the brand's agent projects ${last}`,
      async () => {
        const h = await brand!.call<{ holders: string[] }>("GET", `/v1/eidl/tn/${last}/holders`);
        return h.status === 200 && h.body.holders.includes(brandOrg.did);
      },
      600_000,
      50,
    );
    const projected = (performance.now() - t0) / 1000;

    const chain = createPublicClient({ transport: http(consortium.devnet.rpcUrl) });
    let gasUsed = 0;
    let execution = 0;
    for (const hash of transactions) {
      const [receipt, tx] = await Promise.all([chain.getTransactionReceipt({ hash }), chain.getTransaction({ hash })]);
      if (receipt.status !== "success") throw new Error(`batch ${hash} has status ${receipt.status}`);
      gasUsed += Number(receipt.gasUsed);
      execution += Number(receipt.gasUsed) - 21_000 - calldataGas(tx.input);
    }
    return {
      name: "eidl-bulk",
      tables: [
        {
          title: `Bulk numbering: ${count.toLocaleString("en")} single-number delegations in one request (devnet, agent processes)`,
          rows: [
            {
              delegations: count,
              transactions: transactions.length,
              "acknowledged s": round(acknowledged, 1),
              "projected (brand) s": round(projected, 1),
              "delegations/s": round(count / acknowledged, 0),
              "agent CPU s": round(agentCpu, 1),
              "devnet CPU s": round(devnetCpu, 1),
              "gas / delegation": Math.round(gasUsed / count),
              "execution gas / delegation": Math.round(execution / count),
            },
          ],
          note:
            "Acknowledged: the TNR's agent answered 201 (every batch mined and projected in its read model). Projected: " +
            "the brand's agent shows the last number held by the brand. Gas from the receipts, all status success: the " +
            "whole transactions / items, and execution alone (less 21,000 and the calldata per transaction) / items. " +
            "Agent CPU: utime + stime of the TNR's agent process during the request; devnet CPU: anvil's. The 1-minute load average " +
            `was ${load.toFixed(1)} on the 2 cores when the request started. ` +
            " Targets (issue 12): <= 30 s, " +
            "<= 100,000 gas a delegation.",
        },
      ],
    };
  } finally {
    await consortium.stop();
  }
}
