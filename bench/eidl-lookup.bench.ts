// "Who may use number N at time T" from the read model: a read model of `numbers` allocated as 10,000-number blocks
// (each assigned to a TNR) plus `delegations` single-number delegations is written to SQLite, the agent's prefix
// index is built from it exactly as at agent start, then lookups run on one core: lookups per second and latency
// percentiles (timed per lookup). Every sampled number's answer is first checked against the holders the written
// data implies (TNSP, TNR and, when delegated, the Brand; nobody for an unallocated number), and both loops' holder
// totals must equal the expected total, so a wrong or empty answer fails the run instead of counting as fast.
// Args: [numbers=1000000] [delegations=10000] [lookups=1000000].
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openStore } from "../src/core/store/index.ts";
import { fillIndex } from "../src/eidl/facts.ts";
import { eidlMigrations } from "../src/eidl/migrations.ts";
import { PrefixIndex } from "../src/eidl/prefixIndex.ts";
import { EidlReadModel } from "../src/eidl/readModel.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const BLOCK = 10_000;

export async function run(args: string[]): Promise<BenchResult> {
  const numbers = Number(args[0] ?? 1_000_000);
  const delegations = Number(args[1] ?? 10_000);
  const lookups = Number(args[2] ?? 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), "eidl-lookup-"));
  const store = await openStore({
    sqliteFile: join(dir, "agent.sqlite"),
    migrations: eidlMigrations,
  });
  try {
    const blocks = Math.ceil(numbers / BLOCK);
    const org = (name: string) => `0x${name.padStart(40, "0")}`;
    // The one member hosting every organisation, as membership's directory answers it.
    const roles = ["NUMBERING_AUTHORITY", "TRUST_AUTHORITY", "TNSP", "KYC_VETTER", "TNR", "ENTERPRISE", "BPO"];
    const members = [{ address: org("f"), active: true, roles }];
    const t0 = performance.now();
    await store.transaction(async (tx) => {
      const orgRow = `INSERT INTO eidl_orgs (org, name, org_type, member, controller, created_at, updated_at, created_block)
                      VALUES ($1, $2, $3, $4, $1, $5, $5, 1)`;
      const now = new Date().toISOString();
      for (const [name, type] of [
        ["a1", 7],
        ["a2", 6],
        ["b1", 4],
        ["b2", 0],
        ["c1", 1],
        ["c2", 2],
        ["c3", 3],
      ] as const) {
        await tx.exec(orgRow, [org(name), name, type, org("f"), now]);
      }
      const vetting = `INSERT INTO eidl_vettings (event_key, org, vetter, status, result, vetted_at, version, credential_hash, block_number, tx_hash)
                       VALUES ($1, $2, $3, 1, 0, $4, 1, '0x', 1, '0x')`;
      for (const [who, by] of [
        ["b1", "a2"],
        ["b2", "a2"],
        ["c1", "b2"],
        ["c2", "b2"],
        ["c3", "b2"],
      ] as const) {
        await tx.exec(vetting, [`v-${who}`, org(who), org(by), now]);
      }
      const grant = `INSERT INTO eidl_grants (id, parent_id, prefix, kind, issuer, holder, valid_from, valid_until,
                       allow_redelegation, credential_hash, intended_use, caller_hash, revoked_at, created_block,
                       created_log, tx_hash)
                     VALUES ($1, $2, $3, $4, $5, $6, 0, 0, 0, '0x', '', '0x', 0, $7, 0, '0x')`;
      // Each grant in its own block after its parent's, as on chain: the index is loaded in (block, log index)
      // order, so a child loads after its parent. (Ids here are small numbers for readability; on chain they are
      // content-derived 64-bit values that say nothing about order.)
      const put = (id: string, parent: string | null, prefix: string, kind: number, issuer: string, holder: string) =>
        tx.exec(grant, [id, parent, prefix, kind, issuer, holder, Number(id)]);
      let id = 0;
      for (let b = 0; b < blocks; b++) {
        const prefix = String(1_200_200 + b * 10); // 1-200-2XX-X: 10,000 numbers each, distinct prefixes
        const alloc = String(++id);
        await put(alloc, null, prefix, 0, org("a1"), org("b1"));
        await put(String(++id), alloc, prefix, 1, org("b1"), org("c1"));
      }
      for (let d = 0; d < delegations; d++) {
        const b = d % blocks;
        const tn = `${1_200_200 + b * 10}${String(Math.floor(d / blocks)).padStart(4, "0")}`;
        await put(String(++id), String(2 * b + 2), tn, 2, org("c1"), org("c2"));
      }
    });
    const written = performance.now();
    const index = new PrefixIndex();
    fillIndex(index, await new EidlReadModel(store).indexSource(), members);
    const built = performance.now();

    // The sample: a third delegated numbers, a third other allocated numbers, a third unallocated ones.
    const sample: string[] = [];
    for (let i = 0; i < 100_000; i++) {
      const b = i % blocks;
      const base = 1_200_200 + b * 10;
      if (i % 3 === 0) sample.push(`${base}${String(Math.floor((i % delegations) / blocks)).padStart(4, "0")}`);
      else if (i % 3 === 1) sample.push(`${base}${String(9999 - (i % 5000)).padStart(4, "0")}`);
      else sample.push(`1300${String(i).padStart(7, "0")}`);
    }
    const at = Math.floor(Date.now() / 1000);
    // What the data written above implies: delegation d sits in block d % blocks at suffix floor(d / blocks).
    const expectedOf = (tn: string): string[] => {
      if (tn.startsWith("1300")) return [];
      const block = (Number(tn.slice(0, 7)) - 1_200_200) / 10;
      const delegated = Number(tn.slice(7)) * blocks + block < delegations;
      return delegated ? [org("b1"), org("c1"), org("c2")] : [org("b1"), org("c1")];
    };
    const expectedCounts = sample.map((tn) => {
      const expected = expectedOf(tn);
      const got = index.whoMayUse(tn, at);
      if (JSON.stringify(got) !== JSON.stringify(expected)) {
        throw new Error(`who may use ${tn}: got ${JSON.stringify(got)}, expected ${JSON.stringify(expected)}`);
      }
      return expected.length;
    });
    let expectedTotal = 0;
    for (let i = 0; i < lookups; i++) expectedTotal += expectedCounts[i % sample.length] as number;
    let found = 0;
    for (let i = 0; i < 50_000; i++) found += index.whoMayUse(sample[i % sample.length] as string, at).length; // warm-up
    found = 0;
    const latencies = new Array<number>(lookups);
    const started = performance.now();
    for (let i = 0; i < lookups; i++) {
      const s = performance.now();
      found += index.whoMayUse(sample[i % sample.length] as string, at).length;
      latencies[i] = (performance.now() - s) * 1000;
    }
    const seconds = (performance.now() - started) / 1000;
    const batchStarted = performance.now();
    let foundUntimed = 0;
    for (let i = 0; i < lookups; i++) foundUntimed += index.whoMayUse(sample[i % sample.length] as string, at).length;
    const untimedSeconds = (performance.now() - batchStarted) / 1000;
    if (found !== expectedTotal || foundUntimed !== expectedTotal) {
      throw new Error(`holders found: timed ${found}, untimed ${foundUntimed}, expected ${expectedTotal}`);
    }
    const lat = summarize(latencies);
    return {
      name: "eidl-lookup",
      tables: [
        {
          title: "Who may use number N: the read model's prefix index (one core)",
          rows: [
            {
              numbers,
              grants: index.size,
              "read model write s": round((written - t0) / 1000, 2),
              "index build s": round((built - written) / 1000, 2),
              lookups,
              "lookups/s (timed each)": round(lookups / seconds, 0),
              "lookups/s (untimed loop)": round(lookups / untimedSeconds, 0),
              "p50 µs": round(lat.p50, 2),
              "p99 µs": round(lat.p99, 2),
              "holders found (= expected)": found,
            },
          ],
          note: "Target: at least 100,000 lookups per second per core. Each lookup walks at most one trie node per digit and checks each covering grant's chain (window, revocation, vetting standing).",
        },
      ],
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
