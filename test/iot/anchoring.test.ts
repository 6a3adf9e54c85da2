// The anchoring timer with member agents as real processes: an off-chain attestation is anchored by its agent within
// the configured delay (TELCO_IOT_ANCHOR_MAX_DELAY) without anyone asking; after a kill -9 and a restart, the agent
// anchors what waited, and sends again a batch whose proofs it stored but whose transaction it never sent (the crash
// window of IotService.anchor), under the root and batch id it had already handed out.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { openStore } from "../../src/core/store/index.ts";
import { buildBatchTree } from "../../src/iot/batch.ts";
import { batchIdOf } from "../../src/iot/ledger.ts";
import { IotRepository } from "../../src/iot/repository.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";

type Json = Record<string, unknown>;
interface Attestation {
  id: Hex;
  status: string;
  attester: Address;
  batchId: Hex | null;
}

const TIMER_ENV = ["TELCO_IOT_ANCHOR_MAX_DELAY", "TELCO_IOT_ANCHOR_CHECK_MS", "TELCO_IOT_ANCHOR_STRANDED_MS"] as const;

function setTimer(maxDelaySeconds: number, strandedMs = 30_000): void {
  process.env.TELCO_IOT_ANCHOR_MAX_DELAY = String(maxDelaySeconds);
  process.env.TELCO_IOT_ANCHOR_CHECK_MS = "200";
  process.env.TELCO_IOT_ANCHOR_STRANDED_MS = String(strandedMs);
}

describe("IoT: the anchoring timer, across a kill -9 and a restart", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let ta: TestAgentProcess;
  let cert: TestAgentProcess;
  let schemaId: Hex;
  let certifier: Address;
  const saved = Object.fromEntries(TIMER_ENV.map((k) => [k, process.env[k]]));

  const ok = async <T = Json>(agent: TestAgentProcess, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const issue = (subject: string) =>
    ok<Attestation>(cert, "POST", "/v1/iot/attestations", {
      schemaId,
      subject,
      data: { program: "ZigBee Alliance", level: "certified" },
      form: "offchain",
    });

  before(async () => {
    setTimer(2);
    consortium = await startTestConsortium(
      [
        { name: "ta", roles: ["TRUST_AUTHORITY"] },
        { name: "cert", roles: ["KYC_VETTER"] },
      ],
      { agentProcesses: true },
    );
    ({ ta, cert } = consortium.agents as Record<string, TestAgentProcess> & {
      ta: TestAgentProcess;
      cert: TestAgentProcess;
    });
    certifier = (JSON.parse(await readFile(cert.configPath, "utf8")) as { memberAccount: Address }).memberAccount;
    await ok(ta, "POST", "/v1/iot/attesters", { attester: certifier, kind: "third-party" });
    schemaId = (
      await ok<{ schemaId: Hex }>(cert, "POST", "/v1/iot/schemas", {
        name: "certification",
        definition: "string program,string level",
        revocable: true,
        attesterKinds: ["third-party"],
      })
    ).schemaId;
  });
  after(async () => {
    await consortium?.stop();
    for (const k of TIMER_ENV) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  });

  it("anchors a pending attestation within the configured delay, unasked", async () => {
    const pending = await issue("0x00000000000000000000000000000000000000a1");
    assert.equal(pending.status, "PENDING_ANCHOR");
    const anchored = await eventually(async () => {
      const a = await ok<Attestation>(cert, "GET", `/v1/iot/attestations/${pending.id}`);
      assert.equal(a.status, "valid");
      return a;
    }, 20_000);
    const batch = await ok<{ attester: Address; count: number }>(cert, "GET", `/v1/iot/batches/${anchored.batchId}`);
    assert.deepEqual([batch.attester, batch.count], [certifier.toLowerCase(), 1]);
  });

  it("after kill -9, anchors what waited and resends a batch stored but never sent, under the same id", async () => {
    // A long delay: nothing is anchored before the kill.
    await consortium.killAgent("cert");
    setTimer(3600);
    await consortium.startAgent("cert");
    const waiting = await issue("0x00000000000000000000000000000000000000b2");
    const stranded = await issue("0x00000000000000000000000000000000000000c3");
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    assert.equal((await ok<Attestation>(cert, "GET", `/v1/iot/attestations/${waiting.id}`)).status, "PENDING_ANCHOR");
    await consortium.killAgent("cert");

    // The crash window: the agent stored one batch's proofs and died before sending it.
    const store = await openStore({ sqliteFile: join(dirname(cert.configPath), "agent.db"), migrations: [] });
    let strandedBatch: Hex;
    try {
      const tree = buildBatchTree([stranded.id]);
      strandedBatch = batchIdOf(certifier, tree.root);
      await new IotRepository(store).assignBatch(strandedBatch, tree.proofs);
    } finally {
      await store.close();
    }

    setTimer(1, 0);
    await consortium.startAgent("cert");
    const [a, b] = await eventually(async () => {
      const both = await Promise.all(
        [waiting, stranded].map((x) => ok<Attestation>(cert, "GET", `/v1/iot/attestations/${x.id}`)),
      );
      for (const x of both) assert.equal(x.status, "valid", JSON.stringify(x));
      return both;
    }, 30_000);
    assert.equal(b?.batchId, strandedBatch, "the stranded batch is anchored under the id it was given");
    assert.notEqual(a?.batchId, strandedBatch);
    const batch = await ok<{ count: number }>(cert, "GET", `/v1/iot/batches/${strandedBatch}`);
    assert.equal(batch.count, 1);
  });
});
