// Port activations on the devnet (issue 22 target: 1,000 port activations per second across the consortium): `total`
// single-number ports from Losing Co to Gaining Co are requested, concurred and scheduled through the two agents'
// outboxes, then every activation is submitted at once by the gaining agent and timed until all are mined. Measures
// the clearing contract's activations only: the EIDL port each activation triggers (a second transaction by the
// Numbering Authority) is not part of this run. Usage: npm run bench -- registries-port-activation [total]
import { randomBytes } from "node:crypto";
import { type Address, encodeFunctionData, type Hex, parseEventLogs } from "viem";
import type { Agent } from "../src/agent/agent.ts";
import { readManifest } from "../src/core/chain/manifest.ts";
import { PortClearing } from "../src/generated/contracts.ts";
import { startTestConsortium } from "../testkit/consortium.ts";
import { type BenchResult, round } from "./lib/report.ts";

type Call = { functionName: string; args: readonly unknown[] };

export async function run(args: string[]): Promise<BenchResult> {
  const total = Number(args[0] ?? 300);
  const consortium = await startTestConsortium([
    { name: "gaining", roles: ["TNSP"] },
    { name: "losing", roles: ["TNSP"] },
  ]);
  try {
    const gaining = (consortium.agents.gaining as { agent: Agent }).agent;
    const losing = (consortium.agents.losing as { agent: Agent }).agent;
    const clearing = (await readManifest(consortium.manifestPath)).contracts.PortClearing?.address as Address;
    // Every call in flight at once from one agent's member account (the outbox orders the nonces), then all awaited.
    const sendAll = async (agent: Agent, calls: Call[]) => {
      const t0 = performance.now();
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
      const submitted = performance.now();
      const receipts = await Promise.all(tickets.map((t) => agent.outbox.waitMined(t.id)));
      const mined = performance.now();
      const blocks = new Set(receipts.map((r) => r.blockNumber)).size;
      return { receipts, submitMs: submitted - t0, wallMs: mined - t0, blocks };
    };
    const losingMember = losing.config.memberAccount;
    const requested = await sendAll(
      gaining,
      Array.from({ length: total }, (_, i) => ({
        functionName: "request",
        args: [losingMember, [String(14155000000 + i)], 3600n, `0x${randomBytes(32).toString("hex")}` as Hex],
      })),
    );
    const ids = requested.receipts.map((r) => {
      const [event] = parseEventLogs({ abi: PortClearing.abi, eventName: "PortRequested", logs: r.logs });
      if (!event) throw new Error(`request ${r.transactionHash} emitted no PortRequested`);
      return event.args.portId;
    });
    await consortium.agents.losing?.agent.indexer.syncOnce();
    await sendAll(
      losing,
      ids.map((id) => ({ functionName: "concur", args: [id] })),
    );
    const chainNow = Number((await gaining.chain.getBlock({ blockTag: "latest" })).timestamp);
    const at = BigInt(Math.max(chainNow, Math.floor(Date.now() / 1000)) + 20);
    await sendAll(
      gaining,
      ids.map((id) => ({ functionName: "schedule", args: [id, at] })),
    );
    while (Date.now() / 1000 < Number(at) + 1) await new Promise((resolve) => setTimeout(resolve, 200));
    const activated = await sendAll(
      gaining,
      ids.map((id) => ({ functionName: "activate", args: [id] })),
    );
    const gas = activated.receipts.reduce((sum, r) => sum + Number(r.gasUsed), 0);
    return {
      name: "registries-port-activation",
      tables: [
        {
          title: "Port activations through one gaining agent's outbox (PortClearing.activate, one number a port)",
          rows: [
            {
              activations: total,
              blocks: activated.blocks,
              "submitted (journalled) s": round(activated.submitMs / 1000, 2),
              "all mined s": round(activated.wallMs / 1000, 2),
              "activations/s": round(total / (activated.wallMs / 1000), 1),
              "gas per activation": Math.round(gas / total),
            },
          ],
          note:
            "Target (issue 22): 1,000 activations/s across the consortium. One agent, one member account, a block per " +
            "transaction on anvil; the EIDL port after each activation is not included.",
        },
      ],
    };
  } finally {
    await consortium.stop();
  }
}
