// Relying-party decisions from the IoT read model: `devices` devices are written to a real SQLite read model (an OEM
// verified-boot attestation on chain with its token, an alliance certification off chain in an anchored batch, three
// peer attestations on chain from three other registered devices, a malicious-activity report for every 20th device
// and a revoked certification for every 33rd), the agent's decision index is loaded from it exactly as at agent start,
// then one policy with four criteria ("OEM verified boot AND alliance certification AND no malicious report in 90
// days AND >= 2 peer attestations") is decided `decisions` times for random devices on one core, each timed. Every
// device's decision is first checked against what the written data implies, so a wrong answer fails the run.
// Args: [devices=20000] [decisions=200000].
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Address, type Hex, keccak256, toHex } from "viem";
import { openStore } from "../src/core/store/index.ts";
import { AttestationIndex } from "../src/iot/index.ts";
import { iotMigrations } from "../src/iot/migrations.ts";
import { deviceSubject } from "../src/iot/payload.ts";
import type { Policy } from "../src/iot/policy.ts";
import { IotReadModel } from "../src/iot/readModel.ts";
import { type BenchResult, round, summarize } from "./lib/report.ts";

const NOW = 1_800_000_000;
const id = (label: string) => keccak256(toHex(label));
const address = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const jwtWith = (claims: Record<string, unknown>) =>
  `e30.${Buffer.from(JSON.stringify({ claims })).toString("base64url")}.sig`;

export async function run(args: string[]): Promise<BenchResult> {
  const devices = Number(args[0] ?? 20_000);
  const decisions = Number(args[1] ?? 200_000);
  const dir = await mkdtemp(join(tmpdir(), "iot-decisions-"));
  const store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: iotMigrations });
  try {
    const schema = { boot: id("boot"), cert: id("cert"), malice: id("malice"), peer: id("peer") };
    const oem = address(0xa1);
    const alliance = address(0xa2);
    const operator = address(0xa3);
    const batchId = id("batch");
    const expectedAllowed = new Set<number>();
    const t0 = performance.now();
    await store.transaction(async (tx) => {
      for (const [s, kinds] of [
        [schema.boot, 1],
        [schema.cert, 4],
        [schema.malice, 6],
        [schema.peer, 8],
      ] as const) {
        await tx.exec(
          `INSERT INTO iot_schemas (schema_id, creator, name, definition, revocable, attester_kinds, block_number)
           VALUES ($1, $2, 'bench', 'x', 1, $3, 1)`,
          [s, oem, kinds],
        );
      }
      for (const [a, kind] of [
        [oem, 1],
        [alliance, 4],
        [operator, 2],
      ] as const) {
        await tx.exec(`INSERT INTO iot_attesters (attester, kind, vetted_by, block_number) VALUES ($1, $2, $3, 1)`, [
          a,
          kind,
          operator,
        ]);
      }
      await tx.exec(
        `INSERT INTO iot_batches (batch_id, attester, root, leaf_count, anchored_at, block_number, tx_hash)
         VALUES ($1, $2, $3, $4, $5, 1, $6)`,
        [batchId, alliance, id("root"), devices, NOW, id("tx")],
      );
      const onchain = `INSERT INTO iot_onchain (id, schema_id, subject, attester, data_hash, expires_at, revoked_at,
                         block_number, block_time) VALUES ($1, $2, $3, $4, $5, 0, 0, 1, $6)`;
      const token = `INSERT INTO iot_tokens (id, form, jwt, schema_id, subject, attester, data_hash, expires_at,
                       issued_at, leaf, batch_id, proof, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, 0, $8, $9, $10,
                       NULL, 'x')`;
      for (let d = 0; d < devices; d++) {
        const device = address(0x100000 + d);
        const subject = deviceSubject(device);
        await tx.exec(
          `INSERT INTO iot_devices (device, oem, model_id, make, model, sim_operator, block_number)
           VALUES ($1, $2, $3, 'Acme', 'SmartLock 2', NULL, 1)`,
          [device, oem, id("model")],
        );
        const boot = id(`boot${d}`);
        await tx.exec(onchain, [boot, schema.boot, subject, oem, id("data"), NOW - 86_400]);
        await tx.exec(token, [
          boot,
          "onchain",
          jwtWith({ verifiedBoot: true }),
          schema.boot,
          subject,
          oem,
          id("data"),
          NOW - 86_400,
          keccak256(boot),
          null,
        ]);
        const cert = id(`cert${d}`);
        await tx.exec(token, [
          cert,
          "offchain",
          jwtWith({ program: "ZigBee" }),
          schema.cert,
          subject,
          alliance,
          id("data"),
          NOW - 86_400,
          keccak256(cert),
          batchId,
        ]);
        for (let p = 1; p <= 3; p++) {
          const peer = address(0x100000 + ((d + p) % devices));
          await tx.exec(onchain, [id(`peer${d}-${p}`), schema.peer, subject, peer, id("data"), NOW - 3_600]);
        }
        const malicious = d % 20 === 0;
        if (malicious)
          await tx.exec(onchain, [id(`malice${d}`), schema.malice, subject, operator, id("data"), NOW - 7 * 86_400]);
        const revoked = d % 33 === 0;
        if (revoked) {
          await tx.exec(`INSERT INTO iot_offchain_revocations (attester, leaf, revoked_at) VALUES ($1, $2, $3)`, [
            alliance,
            keccak256(cert),
            NOW - 60,
          ]);
        }
        if (!malicious && !revoked) expectedAllowed.add(d);
      }
    });
    const written = performance.now() - t0;
    const index = new AttestationIndex();
    const t1 = performance.now();
    index.load(await new IotReadModel(store).indexSource());
    const loaded = performance.now() - t1;
    const policy: Policy = {
      policyId: "bench",
      version: 1,
      criteria: [
        { name: "OEM verified boot", schemaId: schema.boot, attesterKinds: ["oem"], match: { verifiedBoot: true } },
        { name: "alliance certification", schemaId: schema.cert, attesters: [alliance] },
        { name: "no malicious activity in 90 days", schemaId: schema.malice, withinDays: 90, min: 0, max: 0 },
        { name: "two independent peers", schemaId: schema.peer, attesterKinds: ["peer"], min: 2 },
      ],
    };
    const subjects = Array.from({ length: devices }, (_, d) => deviceSubject(address(0x100000 + d)));
    // Correctness first: every device's answer must be the one the written data implies.
    subjects.forEach((subject, d) => {
      const allowed = index.decide(subject, policy, NOW).allowed;
      if (allowed !== expectedAllowed.has(d)) throw new Error(`device ${d}: allowed=${allowed}, expected the opposite`);
    });
    const samples: number[] = new Array(decisions);
    let allowedCount = 0;
    const start = performance.now();
    for (let i = 0; i < decisions; i++) {
      const subject = subjects[(i * 7919) % devices] as Hex;
      const t = performance.now();
      const decision = index.decide(subject, policy, NOW);
      samples[i] = performance.now() - t;
      if (decision.allowed) allowedCount++;
    }
    const elapsed = performance.now() - start;
    if (allowedCount === 0) throw new Error("no decision allowed: the run measured nothing useful");
    const s = summarize(samples);
    return {
      name: "iot-decisions",
      tables: [
        {
          title: "Relying-party decisions from the in-memory index (one core)",
          rows: [
            {
              devices,
              attestations: index.size,
              decisions,
              "decisions/s": Math.round(decisions / (elapsed / 1000)),
              "p50 ms": round(s.p50, 4),
              "p99 ms": round(s.p99, 4),
              "allowed share": round(allowedCount / decisions, 3),
              "read model written s": round(written / 1000, 1),
              "index loaded s": round(loaded / 1000, 2),
            },
          ],
          note: "Target: >= 20,000 decisions/s and p99 < 1 ms. Four criteria, about 6 attestations per device.",
        },
      ],
    };
  } finally {
    await store.close();
    await rm(dir, { recursive: true, force: true });
  }
}
