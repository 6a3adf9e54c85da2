// EIDL writes on the devnet through the member agents' REST API: allocate `numbers` numbers as 10,000-number blocks
// (Numbering Authority -> TNSP), assign each block to one of `lanes` TNRs, then make `delegations` single-number
// delegations TNR -> Brand, `lanes` at once (one TNR organisation per lane, so the outbox signs for several
// accounts in parallel). Reports wall time, transactions and gas per step type from the receipts; every receipt must
// have status success (a reverted transaction fails the run instead of averaging into the gas).
// Args: [numbers=100000] [delegations=500] [lanes=8]. Full size: 1000000 10000 8.
import type { Hex } from "viem";
import { startTestConsortium, type TestAgent } from "../testkit/consortium.ts";
import { createOrg, eidlMembers, grant, ORG_TYPE, type Org, setNumberingScope, vet } from "../testkit/eidlHierarchy.ts";
import { waitUntil } from "../testkit/eventually.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const BLOCK_DIGITS = 7; // an 11-digit NANP number has 10,000 numbers under a 7-digit prefix

/** Waits until the agent's read model shows the organisation (another agent created it). */
const visible = (agent: TestAgent, org: Org) =>
  waitUntil(
    `${org.name} in ${agent.url}'s read model`,
    async () => (await agent.call("GET", `/v1/accounts/${org.did}`)).status === 200,
  );

export async function run(args: string[]): Promise<BenchResult> {
  const numbers = Number(args[0] ?? 100_000);
  const delegations = Number(args[1] ?? 500);
  const lanes = Number(args[2] ?? 8);
  const blocks = Math.ceil(numbers / 10 ** (11 - BLOCK_DIGITS));
  const consortium = await startTestConsortium(eidlMembers("ta", "na", "kyc", "tnsp", "tnr", "brand"));
  const gas = new Map<string, number[]>();
  const txs: Array<{ step: string; hash: Hex }> = [];
  const record = (step: string, hash: Hex) => txs.push({ step, hash });
  try {
    const { ta, na, kyc, tnsp, tnr, brand } = consortium.agents as Record<string, TestAgent>;
    const setup0 = performance.now();
    const taOrg = await createOrg(ta!, "TA", ORG_TYPE.TRUST_AUTHORITY);
    const naOrg = await createOrg(na!, "NA", ORG_TYPE.NUMBERING_AUTHORITY);
    const kycOrg = await createOrg(kyc!, "KYC", ORG_TYPE.KYC_VETTER);
    const tnspOrg = await createOrg(tnsp!, "TNSP", ORG_TYPE.TNSP);
    const brandOrg = await createOrg(brand!, "Brand", ORG_TYPE.ENTERPRISE);
    const tnrOrgs: Org[] = [];
    for (let i = 0; i < lanes; i++) tnrOrgs.push(await createOrg(tnr!, `TNR ${i}`, ORG_TYPE.TNR));
    for (const o of [tnspOrg, kycOrg]) record("vetting", (await vet(ta!, o, taOrg)).txHash);
    for (const o of [...tnrOrgs, brandOrg]) record("vetting", (await vet(kyc!, o, kycOrg)).txHash);
    // The governors (every member) give the Numbering Authority the NANP (country code 1) as its scope.
    await setNumberingScope(Object.values(consortium.agents), naOrg, ["1"]);
    const setupSeconds = (performance.now() - setup0) / 1000;

    // Allocation: one transaction per 10,000-number block.
    const prefixes = Array.from({ length: blocks }, (_, b) => String(1_200_200 + b * 10).slice(0, BLOCK_DIGITS));
    await visible(na!, tnspOrg);
    const a0 = performance.now();
    for (let i = 0; i < prefixes.length; i += 50) {
      const batch = prefixes.slice(i, i + 50).map((p) => ({ tnId: p, issuer: naOrg, subject: tnspOrg }));
      for (const g of await grant(na!, batch)) record("allocation (10,000-number block)", g.txHash);
    }
    const allocSeconds = (performance.now() - a0) / 1000;

    // Assignment: each block to a TNR, round robin.
    for (const o of tnrOrgs) await visible(tnsp!, o);
    const s0 = performance.now();
    for (let i = 0; i < prefixes.length; i += 50) {
      const batch = prefixes
        .slice(i, i + 50)
        .map((p, j) => ({ tnId: p, issuer: tnspOrg, subject: tnrOrgs[(i + j) % lanes]! }));
      for (const g of await grant(tnsp!, batch)) record("assignment (10,000-number block)", g.txHash);
    }
    const assignSeconds = (performance.now() - s0) / 1000;

    // Delegations: single numbers, one lane per TNR organisation, all lanes at once.
    await visible(tnr!, brandOrg);
    const latencies: number[] = [];
    const d0 = performance.now();
    await Promise.all(
      tnrOrgs.map(async (org, lane) => {
        const mine = prefixes.filter((_, b) => b % lanes === lane);
        for (let k = lane; k < delegations; k += lanes) {
          const n = Math.floor(k / lanes);
          const prefix = mine[n % mine.length] as string;
          const tn = `${prefix}${String(Math.floor(n / mine.length)).padStart(11 - BLOCK_DIGITS, "0")}`;
          const t = performance.now();
          const [g] = await grant(tnr!, [
            { tnId: tn, issuer: org, subject: brandOrg, callerName: "Brand", purpose: "Bench" },
          ]);
          latencies.push(performance.now() - t);
          record("delegation (single number)", g!.txHash);
        }
      }),
    );
    const delegSeconds = (performance.now() - d0) / 1000;

    for (const { step, hash } of txs) {
      const receipt = await tnr!.agent.chain.getTransactionReceipt({ hash });
      if (receipt.status !== "success") throw new Error(`${step} transaction ${hash} has status ${receipt.status}`);
      const list = gas.get(step) ?? [];
      list.push(Number(receipt.gasUsed));
      gas.set(step, list);
    }
    const lat = summarize(latencies);
    const gasRows = [...gas.entries()].map(([step, values]) => ({
      step,
      transactions: values.length,
      "gas mean": Math.round(values.reduce((s, v) => s + v, 0) / values.length),
      "gas min": Math.min(...values),
      "gas max": Math.max(...values),
    }));
    return {
      name: "eidl-allocation",
      tables: [
        {
          title: "EIDL writes through the agents (devnet, anvil automine)",
          rows: [
            { phase: "setup: accounts + vetting", transactions: "", "wall s": round(setupSeconds, 1), "tx/s": "" },
            {
              phase: `allocate ${numbers.toLocaleString("en")} numbers as ${blocks} blocks`,
              transactions: blocks,
              "wall s": round(allocSeconds, 1),
              "tx/s": round(blocks / allocSeconds, 1),
            },
            {
              phase: `assign ${blocks} blocks to ${lanes} TNRs`,
              transactions: blocks,
              "wall s": round(assignSeconds, 1),
              "tx/s": round(blocks / assignSeconds, 1),
            },
            {
              phase: `${delegations} single-number delegations, ${lanes} lanes`,
              transactions: delegations,
              "wall s": round(delegSeconds, 1),
              "tx/s": round(delegations / delegSeconds, 1),
            },
          ],
          note: `Delegation latency per API call (VC signed, tx mined, read model synced): p50 ${round(lat.p50, 0)} ms, p99 ${round(lat.p99, 0)} ms.`,
        },
        {
          title: "Gas per step type (from receipts, all status success)",
          rows: gasRows,
          note: "Measured here only; no reference figures are printed (an ERC-1056 attribute or EAS attestation would need its own measured run).",
        },
      ],
    };
  } finally {
    await consortium.stop();
  }
}
