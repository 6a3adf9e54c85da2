// The visited operator's agent killed (SIGKILL) where roaming keeps state only in memory or has not yet written what
// the chain already holds, then started again: every acknowledged session still gets its request and its closing
// record on chain, and its row names the transactions the chain holds (VisitedService.reconcile).
// Case 1: attaches acknowledged while their batch waits in memory (a long batch delay), the agent killed before it
// flushes. Case 2: rows that missed the update after their batch was mined (the kill fell between the receipt and
// the update): the stopped agent's own database is set back to that state before it starts again.
import assert from "node:assert/strict";
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { DatabaseSync } from "node:sqlite";
import { after, before, describe, it } from "node:test";
import type { TestAgentProcess } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import { expectOk, imsiOf, NETWORKS, type RoamingConsortium, startRoamingConsortium } from "../../testkit/roaming.ts";

interface Session {
  requestId: string;
  state: string;
  requestTx: string | null;
  closingTx: string | null;
}
interface LedgerEvent {
  kind: string;
  txHash: string;
}

const CLOSING_KINDS = new Set(["activation", "refusal", "expiry"]);

describe("roaming sessions across a kill -9 of the visited agent", () => {
  let consortium: RoamingConsortium<TestAgentProcess>;
  let north: TestAgentProcess;

  before(async () => {
    consortium = await startRoamingConsortium({ subscribers: 10, agentProcesses: true });
    north = consortium.op.north;
  });
  after(async () => {
    delete process.env.TELCO_ROAMING_BATCH_DELAY_MS;
    await consortium?.stop();
  });

  const attach = async (imsi: string) =>
    (await expectOk<Session>(north.call("POST", "/v1/roaming/attach", { imsi }), 201)).requestId;

  /** The session's request and closing records as north indexed them from the chain; fails until both are there. */
  const ledgerRecords = async (requestId: string) => {
    const { events } = await expectOk<{ events: LedgerEvent[] }>(
      north.call("GET", `/v1/roaming/requests/${requestId}/events`),
    );
    const request = events.find((e) => e.kind === "request");
    const closing = events.find((e) => CLOSING_KINDS.has(e.kind));
    assert.ok(request && closing, `request and closing record of ${requestId} on chain: ${JSON.stringify(events)}`);
    return { requestTx: request.txHash, closingTx: closing.txHash };
  };

  /** Every session's row names the chain's request and closing transactions. */
  const expectRowsMatchChain = async (ids: string[]) => {
    for (const id of ids) {
      await eventually(
        async () => {
          const chain = await ledgerRecords(id);
          const session = await expectOk<Session>(north.call("GET", `/v1/roaming/sessions/${id}`));
          assert.equal(session.state, "active", `${id} ${JSON.stringify(session)}`);
          assert.equal(session.requestTx, chain.requestTx, `${id}: the row's request transaction is the chain's`);
          assert.equal(session.closingTx, chain.closingTx, `${id}: the row's closing transaction is the chain's`);
        },
        90_000,
        1_000,
      );
    }
  };

  it("sends again, after the restart, the requests a kill left in an unflushed batch", async () => {
    // North holds its batches for a minute: the attaches are acknowledged (their sessions committed) but not sent.
    await consortium.killAgent("north");
    process.env.TELCO_ROAMING_BATCH_DELAY_MS = "60000";
    await consortium.startAgent("north");
    delete process.env.TELCO_ROAMING_BATCH_DELAY_MS;
    const ids = [await attach(imsiOf(NETWORKS.south, 1)), await attach(imsiOf(NETWORKS.east, 1))];
    for (const id of ids) {
      const session = await expectOk<Session>(north.call("GET", `/v1/roaming/sessions/${id}`));
      assert.equal(session.state, "queued", "still in north's in-memory batch");
    }
    await consortium.killAgent("north");
    await consortium.startAgent("north");
    await expectRowsMatchChain(ids);
  });

  it("adopts the chain's transactions into rows whose update a kill lost after the batch was mined", async () => {
    const ids = [await attach(imsiOf(NETWORKS.south, 2)), await attach(imsiOf(NETWORKS.east, 2))];
    await expectRowsMatchChain(ids);
    await consortium.killAgent("north");
    // What a kill between a mined receipt and the row's update leaves: the request batch's update lost for the
    // first session (its answer was then handled as usual), the closing batch's update lost for the second.
    const config = JSON.parse(await readFile(north.configPath, "utf8")) as { dataDir: string };
    // The data directory is relative to the config file (agent init writes ".").
    const file = resolve(dirname(north.configPath), config.dataDir, "agent.db");
    assert.ok(existsSync(file), `north's database at ${file}`);
    const db = new DatabaseSync(file);
    try {
      db.prepare(`UPDATE roaming_sessions SET request_tx = NULL, submitted_at = NULL WHERE request_id = ?`).run(
        ids[0] as string,
      );
      db.prepare(`UPDATE roaming_sessions SET closed_at = NULL, closing_tx = NULL WHERE request_id = ?`).run(
        ids[1] as string,
      );
    } finally {
      db.close();
    }
    await consortium.startAgent("north");
    await expectRowsMatchChain(ids);
  });
});
