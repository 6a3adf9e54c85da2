// Port activations on the devnet (issue 22 target: 1,000 port activations per second across the consortium).
// `providers` gaining providers (one agent each) port from one losing provider: each requests `ports` bulk ports,
// each a range of `numbers` consecutive numbers forming a whole block (so the EIDL side ports each as one prefix
// grant), through its outbox; the losing agent concurs all; each gaining agent schedules its ports; then every
// gaining agent sends ONE batch activation of all its ports at the same moment. Timed: from the batch sends to all
// mined (the clearing's activations, counted in numbers), and to every gaining agent's EIDL facts showing every port
// at its organisation (the Numbering Authority's agent ports the activated blocks in portBatch transactions of up to
// 100 blocks).
// Usage: npm run bench -- registries-port-activation [providers=3] [ports=20] [numbers=100]
import { randomBytes } from "node:crypto";
import { loadavg } from "node:os";
import { type Address, encodeFunctionData, type Hex, parseEventLogs } from "viem";
import type { Agent } from "../src/agent/agent.ts";
import { readManifest } from "../src/core/chain/manifest.ts";
import { PortClearing } from "../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent } from "../testkit/consortium.ts";
import { createOrg, grant, ORG_TYPE, ok, setNumberingScope, vet } from "../testkit/eidlHierarchy.ts";
import { type BenchResult, round } from "./lib/report.ts";

type Call = { functionName: string; args: readonly unknown[] };

export async function run(args: string[]): Promise<BenchResult> {
  const providers = Number(args[0] ?? 3);
  const perProvider = Number(args[1] ?? 20);
  const size = Number(args[2] ?? 100);
  const digits = Math.log10(size);
  if (!Number.isInteger(digits) || digits < 1 || digits > 3) throw new Error("numbers per port: 10, 100 or 1000");
  const gainingNames = Array.from({ length: providers }, (_, p) => `gaining-${p}`);
  const consortium = await startTestConsortium([
    { name: "ta", roles: ["TRUST_AUTHORITY"] },
    { name: "na", roles: ["NUMBERING_AUTHORITY"] },
    { name: "losing", roles: ["TNSP"] },
    ...gainingNames.map((name) => ({ name, roles: ["TNSP"] })),
  ]);
  const load = [loadavg()[0] ?? 0];
  try {
    const agents = consortium.agents as Record<string, TestAgent>;
    const at = (name: string) => agents[name] as TestAgent;
    const clearing = (await readManifest(consortium.manifestPath)).contracts.PortClearing?.address as Address;

    // EIDL: the losing provider holds every block to be ported, allocated by the Numbering Authority.
    const ta = await createOrg(at("ta"), "Trust Authority", ORG_TYPE.TRUST_AUTHORITY);
    const na = await createOrg(at("na"), "Numbering Authority", ORG_TYPE.NUMBERING_AUTHORITY);
    const losingOrg = await createOrg(at("losing"), "Losing Co", ORG_TYPE.TNSP);
    await vet(at("ta"), losingOrg, ta);
    for (const name of gainingNames) await vet(at("ta"), await createOrg(at(name), name, ORG_TYPE.TNSP), ta);
    await setNumberingScope(Object.values(agents), na, ["1"]);
    // Port i of provider p: the block starting at 14150000000 + p * 10^6 + i * size (11-digit numbers).
    const startOf = (p: number, i: number) => 14_150_000_000 + p * 1_000_000 + i * size;
    const blocks = gainingNames.flatMap((_, p) =>
      Array.from({ length: perProvider }, (_, i) => String(startOf(p, i)).slice(0, 11 - digits)),
    );
    for (let from = 0; from < blocks.length; from += 50) {
      await grant(
        at("na"),
        blocks.slice(from, from + 50).map((tnId) => ({ tnId, issuer: na, subject: losingOrg })),
      );
    }

    // Every call in flight at once from one agent's member account (the outbox orders the nonces), then awaited.
    const sendAll = async (agent: Agent, calls: Call[]) => {
      const tickets = [];
      for (const call of calls) {
        tickets.push(
          await agent.outbox.submit({
            from: agent.config.memberAccount,
            to: clearing,
            data: encodeFunctionData({ abi: PortClearing.abi, ...call } as Parameters<typeof encodeFunctionData>[0]),
            label: `bench port ${call.functionName}`,
          }),
        );
      }
      return Promise.all(tickets.map((t) => agent.outbox.waitMined(t.id)));
    };
    const losingMember = at("losing").agent.config.memberAccount;
    const requestStarted = performance.now();
    const idsBy = await Promise.all(
      gainingNames.map(async (name, p) => {
        const receipts = await sendAll(
          at(name).agent,
          Array.from({ length: perProvider }, (_, i) => ({
            functionName: "requestRange",
            args: [losingMember, BigInt(startOf(p, i)), size, 1n, 3600n, `0x${randomBytes(32).toString("hex")}` as Hex],
          })),
        );
        return receipts.map((r) => {
          const [event] = parseEventLogs({ abi: PortClearing.abi, eventName: "PortRangeRequested", logs: r.logs });
          if (!event) throw new Error(`request ${r.transactionHash} emitted no PortRangeRequested`);
          return { id: event.args.portId, gas: Number(r.gasUsed) };
        });
      }),
    );
    const requestMs = performance.now() - requestStarted;
    const requestGas = idsBy.flat().reduce((s, r) => s + r.gas, 0);
    const allIds = idsBy.flat().map((r) => r.id);
    await sendAll(
      at("losing").agent,
      allIds.map((id) => ({ functionName: "concur", args: [id] })),
    );
    const chainNow = Number((await at("losing").agent.chain.getBlock({ blockTag: "latest" })).timestamp);
    const due = BigInt(Math.max(chainNow, Math.floor(Date.now() / 1000)) + 15);
    await Promise.all(
      gainingNames.map((name, p) =>
        sendAll(
          at(name).agent,
          (idsBy[p] ?? []).map((r) => ({ functionName: "schedule", args: [r.id, due] })),
        ),
      ),
    );
    while (Date.now() / 1000 < Number(due) + 1) await new Promise((resolve) => setTimeout(resolve, 100));
    load.push(loadavg()[0] ?? 0);

    const t0 = performance.now();
    const batches = await Promise.all(
      gainingNames.map((name, p) =>
        sendAll(at(name).agent, [{ functionName: "activateBatch", args: [(idsBy[p] ?? []).map((r) => r.id)] }]),
      ),
    );
    const minedMs = performance.now() - t0;
    const receipts = batches.flat();
    const activationGas = receipts.reduce((s, r) => s + Number(r.gasUsed), 0);
    const blocksUsed = new Set(receipts.map((r) => r.blockNumber)).size;
    // Until every gaining agent's own EIDL facts show each of its ports done (its API's eidlPorted).
    let eidlMs = Number.NaN;
    const eidlDeadline = Date.now() + 600_000;
    for (;;) {
      const pending = await Promise.all(
        gainingNames.map(async (name, p) => {
          for (const r of idsBy[p] ?? []) {
            const port = await ok<{ eidlPorted: boolean }>(at(name), "GET", `/v1/registries/ports/${r.id}`);
            if (!port.eidlPorted) return true;
          }
          return false;
        }),
      );
      if (!pending.some(Boolean)) {
        eidlMs = performance.now() - t0;
        break;
      }
      if (Date.now() > eidlDeadline) break;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    load.push(loadavg()[0] ?? 0);
    // The EIDL transactions the Numbering Authority's agent sent: the distinct transactions of its executions.
    const eidlTxs = new Set<string>();
    for (const r of idsBy.flat()) {
      const executions = await ok<{ items: Array<{ txHash: string | null }> }>(
        at("na"),
        "GET",
        `/v1/registries/ports/${r.id}/executions?limit=100`,
      );
      for (const e of executions.items) if (e.txHash) eidlTxs.add(e.txHash);
    }
    const ports = providers * perProvider;
    const numbers = ports * size;
    return {
      name: "registries-port-activation",
      tables: [
        {
          title: `Batch activation: ${providers} gaining providers in parallel, one activateBatch each of ${perProvider} range ports of ${size} numbers`,
          rows: [
            {
              providers,
              ports,
              "numbers activated": numbers,
              "activation txs": receipts.length,
              blocks: blocksUsed,
              "all mined s": round(minedMs / 1000, 2),
              "numbers activated/s": round(numbers / (minedMs / 1000), 0),
              "ports activated/s": round(ports / (minedMs / 1000), 1),
              "gas per number": Math.round(activationGas / numbers),
              "gas per port": Math.round(activationGas / ports),
              "EIDL shows all s": Number.isNaN(eidlMs) ? "not within 600 s" : round(eidlMs / 1000, 2),
              "EIDL grants": ports,
              "EIDL txs": eidlTxs.size,
            },
          ],
          note:
            "Target (issue 22): 1,000 port activations/s across the consortium (an activation = one number ported). " +
            `Load average (1 min) at start / before activation / end: ${load.map((l) => l.toFixed(1)).join(" / ")} on ` +
            "the shared machine; anvil mines a block per transaction. The EIDL column counts from the batch sends to " +
            "every gaining agent's EIDL facts showing all its ports (one EIDL prefix port per whole block; the Numbering " +
            "Authority's agent sends the blocks of the activated ports it has not executed yet as portBatch transactions " +
            "of up to 100 blocks: EIDL txs counts them).",
        },
        {
          title: "Bulk requests (requestRange), all providers in parallel",
          rows: [
            {
              requests: ports,
              "numbers requested": numbers,
              "all mined s": round(requestMs / 1000, 2),
              "gas per number": Math.round(requestGas / numbers),
            },
          ],
        },
      ],
    };
  } finally {
    await consortium.stop();
  }
}
