// Data-usage policy decisions from the read model: `contracts` subject contracts (every third with a processor's child
// contract, every 25th root revoked) are written to a real SQLite read model, each with its ODRL policy held in the
// agent's table, the decision index is loaded from them exactly as at agent start (plugin.ts), then `decisions`
// requests over a mix of actions and purposes (allow, modify, delay, deny by purpose, prohibition and revocation) are
// decided on one core, each timed. Every contract's answers are first checked against what the data implies.
// Args: [contracts=20000] [decisions=500000].
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Hex, keccak256, toHex } from "viem";
import { openStore } from "../src/core/store/index.ts";
import type { DecisionRequest, Verdict } from "../src/datausage/compile.ts";
import { DecisionIndex } from "../src/datausage/decisionIndex.ts";
import { dataUsageMigrations } from "../src/datausage/migrations.ts";
import { DATAUSAGE_PROFILE, type OdrlPolicy } from "../src/datausage/odrl.ts";
import { DataUsageReadModel } from "../src/datausage/readModel.ts";
import { DataUsageRepository } from "../src/datausage/repository.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const NOW = 1_800_000_000 + 10 * 3600; // 10:00 UTC
const id = (label: string) => keccak256(toHex(label));
const PROCESSOR = "0x00000000000000000000000000000000000000a1";

const policy: OdrlPolicy = {
  "@type": "Agreement",
  profile: DATAUSAGE_PROFILE,
  permission: [
    {
      action: "use",
      constraint: [
        { leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["billing", "network-planning"] },
        { leftOperand: "tl:hourOfDay", operator: "gteq", rightOperand: 6 },
        { leftOperand: "tl:hourOfDay", operator: "lt", rightOperand: 22 },
      ],
      duty: [{ action: "delete", "tl:when": "afterUse", "tl:within": 86_400 }],
    },
    {
      action: "use",
      constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["analytics"] }],
      duty: [{ action: "aggregate", "tl:bucket": 1000 }],
    },
    {
      action: "use",
      constraint: [
        { leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["marketing"] },
        { leftOperand: "delayPeriod", operator: "gteq", rightOperand: 30 * 86_400 },
      ],
    },
    {
      action: "transfer",
      constraint: [
        { leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["customer-care"] },
        { leftOperand: "recipient", operator: "isAnyOf", rightOperand: [PROCESSOR] },
      ],
      duty: [{ action: "anonymize", "tl:fields": ["msisdn"] }],
    },
  ],
  prohibition: [
    { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["profiling"] }] },
  ],
};

const REQUESTS: { request: Omit<DecisionRequest, "at">; expected: Verdict }[] = [
  { request: { action: "use", purpose: "billing" }, expected: "allow" },
  { request: { action: "use", purpose: "analytics" }, expected: "modify" },
  { request: { action: "use", purpose: "marketing" }, expected: "delay" },
  { request: { action: "use", purpose: "profiling" }, expected: "deny" },
  { request: { action: "use", purpose: "resale" }, expected: "deny" },
  { request: { action: "transfer", purpose: "customer-care", recipient: PROCESSOR }, expected: "modify" },
  { request: { action: "transfer", purpose: "customer-care", recipient: "0xbad" }, expected: "deny" },
];

export async function run(args: string[]): Promise<BenchResult> {
  const contracts = Number(args[0] ?? 20_000);
  const decisions = Number(args[1] ?? 500_000);
  const dir = await mkdtemp(join(tmpdir(), "datausage-decisions-"));
  const store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: dataUsageMigrations });
  try {
    const ids: Hex[] = [];
    const revoked = new Set<Hex>();
    const t0 = performance.now();
    const policyText = JSON.stringify(policy);
    await store.transaction(async (tx) => {
      const insert = `INSERT INTO datausage_contracts (id, controller, parent, root, depth, max_depth, subject_fingerprint,
        data_fingerprint, policy_fingerprint, policy_structure, consent_hash, created_at, revoked_at, block_number)
        VALUES ($1, '0xc0', $2, $3, $4, 2, $5, $5, $5, $5, $5, $6, $7, 1)`;
      const hold = `INSERT INTO datausage_holdings (contract_id, policy, data, salts, consent, received_at)
        VALUES ($1, $2, '{}', '{}', NULL, 'bench')`;
      for (let c = 0; c < contracts; c++) {
        const root = id(`root${c}`);
        const isRevoked = c % 25 === 0;
        await tx.exec(insert, [root, null, root, 0, id(`fp${c}`), NOW - 86_400, isRevoked ? NOW - 60 : 0]);
        await tx.exec(hold, [root, policyText]);
        ids.push(root);
        if (isRevoked) revoked.add(root);
        if (c % 3 === 0) {
          const child = id(`child${c}`);
          await tx.exec(insert, [child, root, root, 1, id(`cfp${c}`), NOW - 3_600, 0]);
          await tx.exec(hold, [child, policyText]);
          ids.push(child);
          if (isRevoked) revoked.add(child);
        }
      }
    });
    const written = performance.now() - t0;
    const index = new DecisionIndex();
    const t1 = performance.now();
    index.load(await new DataUsageReadModel(store).indexSource());
    index.loadPolicies(await new DataUsageRepository(store).policies());
    const loaded = performance.now() - t1;
    // Correctness first: every contract answers every request as the data implies (revoked: deny, whatever asked).
    for (const c of ids)
      for (const { request, expected } of REQUESTS) {
        const verdict = index.decide(c, { ...request, at: NOW })?.verdict;
        const want = revoked.has(c) ? "deny" : expected;
        if (verdict !== want)
          throw new Error(`${c} ${request.action}/${request.purpose}: ${verdict}, expected ${want}`);
      }
    const requests = REQUESTS.map((r) => ({ ...r.request, at: NOW }));
    const counts: Record<string, number> = { allow: 0, modify: 0, delay: 0, deny: 0 };
    // Throughput: an untimed loop, measured by wall clock and by this process's CPU time (the shared machine's load
    // stretches the wall clock; CPU time is what one core spends).
    const cpu0 = process.cpuUsage();
    const start = performance.now();
    for (let i = 0; i < decisions; i++) {
      const decision = index.decide(
        ids[(i * 7919) % ids.length] as Hex,
        requests[i % requests.length] as DecisionRequest,
      );
      const verdict = decision?.verdict ?? "deny";
      counts[verdict] = (counts[verdict] ?? 0) + 1;
    }
    const elapsed = performance.now() - start;
    const cpu = process.cpuUsage(cpu0);
    const cpuSeconds = (cpu.user + cpu.system) / 1e6;
    // Latency: a separate timed sample.
    const sampleSize = Math.min(decisions, 100_000);
    const samples: number[] = new Array(sampleSize);
    for (let i = 0; i < sampleSize; i++) {
      const t = performance.now();
      index.decide(ids[(i * 7919) % ids.length] as Hex, requests[i % requests.length] as DecisionRequest);
      samples[i] = performance.now() - t;
    }
    const s = summarize(samples);
    return {
      name: "datausage-decisions",
      tables: [
        {
          title: "Data-usage policy decisions from the read model's index (one core)",
          rows: [
            {
              contracts: ids.length,
              decisions,
              "decisions/s (wall)": Math.round(decisions / (elapsed / 1000)),
              "decisions per CPU s": Math.round(decisions / cpuSeconds),
              "p50 ms": round(s.p50, 4),
              "p99 ms": round(s.p99, 4),
              allow: counts.allow ?? 0,
              modify: counts.modify ?? 0,
              delay: counts.delay ?? 0,
              deny: counts.deny ?? 0,
              "read model written s": round(written / 1000, 1),
              "index loaded s": round(loaded / 1000, 2),
            },
          ],
          note: "Target: >= 50,000 decisions/s on one core. Five permissions/prohibitions per policy; a processor's contract walks up to its root for revocation. Throughput from an untimed loop (wall clock, and per CPU second of this process); p50/p99 from a separate timed sample of up to 100,000.",
        },
      ],
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
