// EIDL writes on the devnet through the member agents' REST API: allocate `numbers` numbers as 10,000-number blocks
// (Numbering Authority -> TNSP), assign each block to one of `lanes` TNRs, then make `delegations` single-number
// delegations TNR -> Brand, `lanes` at once (one TNR organisation per lane, so the outbox signs for several
// accounts in parallel). Reports wall time, transactions and gas per step type from the receipts.
// Args: [numbers=100000] [delegations=500] [lanes=8]. Full size: 1000000 10000 8.
import type { Hex } from "viem";
import { startTestConsortium, type TestAgent } from "../testkit/consortium.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const BLOCK_DIGITS = 7; // an 11-digit NANP number has 10,000 numbers under a 7-digit prefix

interface Account {
  did: string;
}
interface Granted {
  tnAllocationResponse: Array<{ grantId: string; txHash: Hex }>;
}

async function ok<T>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> {
  const r = await agent.call<T>(method, path, body);
  if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body;
}

async function visible(agent: TestAgent, did: string) {
  for (let i = 0; i < 200; i++) {
    if ((await agent.call("GET", `/v1/accounts/${did}`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`account ${did} never indexed`);
}

export async function run(args: string[]): Promise<BenchResult> {
  const numbers = Number(args[0] ?? 100_000);
  const delegations = Number(args[1] ?? 500);
  const lanes = Number(args[2] ?? 8);
  const blocks = Math.ceil(numbers / 10 ** (11 - BLOCK_DIGITS));
  const consortium = await startTestConsortium([
    { name: "ta", roles: ["TRUST_AUTHORITY"] },
    { name: "na", roles: ["NUMBERING_AUTHORITY"] },
    { name: "kyc", roles: ["KYC_VETTER"] },
    { name: "tnsp", roles: ["TNSP"] },
    { name: "tnr", roles: ["TNR"] },
    { name: "brand", roles: ["ENTERPRISE"] },
  ]);
  const gas = new Map<string, number[]>();
  const txs: Array<{ step: string; hash: Hex }> = [];
  const record = (step: string, hash: Hex) => txs.push({ step, hash });
  try {
    const { ta, na, kyc, tnsp, tnr, brand } = consortium.agents as Record<string, TestAgent>;
    const setup0 = performance.now();
    const acct = async (agent: TestAgent, name: string, type: number) =>
      ok<Account>(agent, "POST", "/v1/accounts", { name, type });
    const taOrg = await acct(ta!, "TA", 6);
    const naOrg = await acct(na!, "NA", 7);
    const kycOrg = await acct(kyc!, "KYC", 0);
    const tnspOrg = await acct(tnsp!, "TNSP", 4);
    const brandOrg = await acct(brand!, "Brand", 2);
    const tnrOrgs: Account[] = [];
    for (let i = 0; i < lanes; i++) tnrOrgs.push(await acct(tnr!, `TNR ${i}`, 1));
    const vet = async (agent: TestAgent, subject: Account, vetter: Account) => {
      await visible(agent, subject.did);
      const r = await ok<{ txHash: Hex }>(
        agent,
        "POST",
        `/v1/vetterAuthorization/${subject.did}/vetter/${vetter.did}`,
        {
          status: 1,
          result: 0,
        },
      );
      record("vetting", r.txHash);
    };
    await vet(ta!, tnspOrg, taOrg);
    await vet(ta!, kycOrg, taOrg);
    for (const o of [...tnrOrgs, brandOrg]) await vet(kyc!, o, kycOrg);
    const setupSeconds = (performance.now() - setup0) / 1000;

    // Allocation: one transaction per 10,000-number block.
    const prefixes = Array.from({ length: blocks }, (_, b) => String(1_200_200 + b * 10).slice(0, BLOCK_DIGITS));
    await visible(na!, tnspOrg.did);
    const a0 = performance.now();
    for (let i = 0; i < prefixes.length; i += 50) {
      const batch = prefixes.slice(i, i + 50).map((p) => ({ tnId: p, issuerId: naOrg.did, subjectId: tnspOrg.did }));
      const r = await ok<Granted>(na!, "POST", "/v1/tnallocation", { tnAllocation: batch });
      for (const g of r.tnAllocationResponse) record("allocation (10,000-number block)", g.txHash);
    }
    const allocSeconds = (performance.now() - a0) / 1000;

    // Assignment: each block to a TNR, round robin.
    for (const o of tnrOrgs) await visible(tnsp!, o.did);
    const s0 = performance.now();
    for (let i = 0; i < prefixes.length; i += 50) {
      const batch = prefixes
        .slice(i, i + 50)
        .map((p, j) => ({ tnId: p, issuerId: tnspOrg.did, subjectId: tnrOrgs[(i + j) % lanes]!.did }));
      const r = await ok<Granted>(tnsp!, "POST", "/v1/tnallocation", { tnAllocation: batch });
      for (const g of r.tnAllocationResponse) record("assignment (10,000-number block)", g.txHash);
    }
    const assignSeconds = (performance.now() - s0) / 1000;

    // Delegations: single numbers, one lane per TNR organisation, all lanes at once.
    await visible(tnr!, brandOrg.did);
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
          const r = await ok<Granted>(tnr!, "POST", "/v1/tnallocation", {
            tnAllocation: [
              { tnId: tn, issuerId: org.did, subjectId: brandOrg.did, callerName: "Brand", purpose: "Bench" },
            ],
          });
          latencies.push(performance.now() - t);
          record("delegation (single number)", r.tnAllocationResponse[0]!.txHash);
        }
      }),
    );
    const delegSeconds = (performance.now() - d0) / 1000;

    for (const { step, hash } of txs) {
      const receipt = await tnr!.agent.chain.getTransactionReceipt({ hash });
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
    gasRows.push(
      {
        step: "reference: ERC-1056 setAttribute (first / repeat)",
        transactions: 0,
        "gas mean": 70_000,
        "gas min": 30_000,
        "gas max": 70_000,
      },
      {
        step: "reference: typical on-chain attestation (EAS attest)",
        transactions: 0,
        "gas mean": 195_000,
        "gas min": 195_000,
        "gas max": 195_000,
      },
    );
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
        { title: "Gas per step type (from receipts)", rows: gasRows },
      ],
    };
  } finally {
    await consortium.stop();
  }
}
