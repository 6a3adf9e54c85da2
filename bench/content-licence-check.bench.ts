// The licence check a CDN or edge node calls before serving, as the agent answers it: licences are written to the
// content read model (SQLite), the agent's in-memory index is built from it exactly as at agent start, then checks
// run on one core: checks per second and latency percentiles (timed per check). The sample mixes every answer
// (allowed; another territory; expired; revoked through a parent; exhausted; unknown), each sampled answer is first
// compared with what the written data implies, and both loops' allowed counts must equal the expected count, so a
// wrong answer fails the run instead of counting as fast.
// Args: [licences=100000] [checks=1000000].
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { keccak256, toHex } from "viem";
import { LicenceIndex } from "../src/content/licenceIndex.ts";
import { contentMigrations } from "../src/content/migrations.ts";
import { ContentReadModel } from "../src/content/readModel.ts";
import { type Territory, territoriesToBits } from "../src/content/terms.ts";
import { openStore } from "../src/core/store/index.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const OPERATOR = "0x00000000000000000000000000000000000000a1";
const OTHER = "0x00000000000000000000000000000000000000b2";
const KINDS = ["allowed", "territory", "expired", "revoked", "exhausted", "unknown-licence"] as const;
type Kind = (typeof KINDS)[number];

export async function run(args: string[]): Promise<BenchResult> {
  const licences = Number(args[0] ?? 100_000);
  const checks = Number(args[1] ?? 1_000_000);
  const dir = await mkdtemp(join(tmpdir(), "content-check-"));
  const store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: contentMigrations });
  try {
    const now = Math.floor(Date.now() / 1000);
    const id = (i: number) => keccak256(toHex(`licence ${i}`));
    // Licence i: a root licence granted to another member in even slots of 10 is the parent of the next licence,
    // revoked when i % 10 == 0; its child (i % 10 == 1) is what the "revoked" checks ask about.
    const kindOf = (i: number): Kind => KINDS[i % KINDS.length] as Kind;
    const t0 = performance.now();
    await store.transaction(async (tx) => {
      const insert = `INSERT INTO content_licences (licence_id, token_id, parent_id, grantor, licensee, rights, territories,
          starts_at, ends_at, max_accesses, rate_per_delivery, revocable, delivered, reserved, revoked, granted_block)
        VALUES ($1, '1', $2, $3, $4, 9, $5, $6, $7, $8, '2', 1, $9, 0, $10, 1)`;
      const jp = territoriesToBits(["JP", "KR"]).toString();
      for (let i = 0; i < licences; i++) {
        const kind = kindOf(i);
        if (kind === "unknown-licence") continue;
        const parent = kind === "revoked" ? id(licences + i) : null;
        if (parent) {
          await tx.exec(insert, [parent, null, OTHER, OTHER, jp, now - 100, now + 86_400, 1_000_000, 0, 1]);
        }
        const expired = kind === "expired";
        const exhausted = kind === "exhausted";
        await tx.exec(insert, [
          id(i),
          parent,
          OTHER,
          OPERATOR,
          jp,
          now - 100,
          expired ? now - 10 : now + 86_400,
          1000,
          exhausted ? 1000 : 10,
          0,
        ]);
      }
    });
    const written = performance.now();
    const index = new LicenceIndex(OPERATOR);
    index.load(await new ContentReadModel(store).allLicences(), []);
    const built = performance.now();

    const sample: Array<{ id: string; territory: Territory; expected: Kind }> = [];
    for (let i = 0; i < Math.min(licences, 100_000); i++) {
      const kind = kindOf(i);
      sample.push({ id: id(i), territory: kind === "territory" ? "US" : "JP", expected: kind });
    }
    let expectedAllowed = 0;
    for (const s of sample) {
      const got = index.check(s.id, s.territory, now).reason;
      if (got !== s.expected) throw new Error(`check ${s.id}: got ${got}, expected ${s.expected}`);
    }
    for (let i = 0; i < checks; i++)
      if ((sample[i % sample.length] as { expected: Kind }).expected === "allowed") expectedAllowed++;
    for (let i = 0; i < 50_000; i++) index.check((sample[i % sample.length] as { id: string }).id, "JP", now); // warm-up
    let allowed = 0;
    const latencies = new Array<number>(checks);
    const started = performance.now();
    for (let i = 0; i < checks; i++) {
      const s = sample[i % sample.length] as { id: string; territory: Territory };
      const t = performance.now();
      if (index.check(s.id, s.territory, now).allowed) allowed++;
      latencies[i] = (performance.now() - t) * 1000;
    }
    const seconds = (performance.now() - started) / 1000;
    let allowedUntimed = 0;
    const untimedStarted = performance.now();
    for (let i = 0; i < checks; i++) {
      const s = sample[i % sample.length] as { id: string; territory: Territory };
      if (index.check(s.id, s.territory, now).allowed) allowedUntimed++;
    }
    const untimedSeconds = (performance.now() - untimedStarted) / 1000;
    if (allowed !== expectedAllowed || allowedUntimed !== expectedAllowed) {
      throw new Error(`allowed: timed ${allowed}, untimed ${allowedUntimed}, expected ${expectedAllowed}`);
    }
    const lat = summarize(latencies);
    return {
      name: "content-licence-check",
      tables: [
        {
          title: "Licence checks before serving: the agent's in-memory index over the read model (one core)",
          rows: [
            {
              "licences indexed": index.size,
              "read model write s": round((written - t0) / 1000, 2),
              "index build s": round((built - written) / 1000, 2),
              checks,
              "checks/s (timed each)": round(checks / seconds, 0),
              "checks/s (untimed loop)": round(checks / untimedSeconds, 0),
              "p50 µs": round(lat.p50, 2),
              "p99 µs": round(lat.p99, 2),
              "allowed (= expected)": allowed,
            },
          ],
          note: "Target: at least 50,000 checks per second. Answers mixed evenly: allowed, another territory, expired, revoked through its parent, exhausted, unknown. The HTTP route (POST /v1/content/check) adds Fastify's parsing and validation per call; this measures what the route calls.",
        },
      ],
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
