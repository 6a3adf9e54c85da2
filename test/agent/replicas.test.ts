// Two agent replicas of one member on one PostgreSQL database (docs/scaling.md): /health and /metrics say which one
// leads, a write through the follower is journalled there and sent by the leader, and when the leader goes the
// follower takes over and sends by itself.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import pino from "pino";
import { type Agent, createAgent } from "../../src/agent/agent.ts";
import type { AgentConfig } from "../../src/core/config.ts";
import { endpoint, startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";

describe("agent replicas of one member", () => {
  let consortium: TestConsortium;
  let postgres: TestPostgres;
  const replicas: Agent[] = [];
  const lost: string[] = [];

  const startReplica = async (config: AgentConfig, replicaId: string) => {
    const agent = await createAgent(
      { ...config, listen: { ...config.listen, port: 0 }, replication: { replicaId } },
      { logger: pino({ level: "silent" }), onLeadershipLost: () => lost.push(replicaId) },
    );
    replicas.push(agent);
    return { agent, url: await agent.start() };
  };

  before(async () => {
    postgres = await startTestPostgres();
    consortium = await startTestConsortium([{ name: "osp", roles: ["TNSP"], databaseUrl: postgres.url }]);
  });
  after(async () => {
    for (const replica of replicas) await replica.stop().catch(() => undefined);
    await consortium?.stop();
    await postgres?.stop();
  });

  it("leads with one replica, journals through the follower, and fails over to it", async () => {
    const original = consortium.agents.osp as TestAgent;
    const { config } = original.agent;
    // The consortium's own (unreplicated) agent makes way for two replicas on its database.
    await original.agent.stop();
    const first = await startReplica(config, "replica-a");
    const second = await startReplica(config, "replica-b");
    const a = endpoint(first.url, original.adminKey);
    const b = endpoint(second.url, original.adminKey);

    const health = async (e: typeof a) =>
      (await e.call<{ checks: { replica: { role: string; replicaId: string } } }>("GET", "/health")).body.checks
        .replica;
    assert.deepEqual(await health(a), { ok: true, replicaId: "replica-a", role: "leader" });
    assert.deepEqual(await health(b), { ok: true, replicaId: "replica-b", role: "follower" });
    const metrics = await fetch(`${first.url}/metrics`, { headers: { authorization: `Bearer ${a.adminKey}` } });
    assert.match(await metrics.text(), /agent_replica_leader\{replica="replica-a"\} 1/);

    // A write through the follower: journalled there, sent by the leader, acknowledged once mined.
    const viaFollower = await b.call<{ controller: string }>("POST", "/v1/identity/dids", { label: "Via Follower" });
    assert.equal(viaFollower.status, 201, JSON.stringify(viaFollower.body));
    const rows = await first.agent.store.query<{ status: string }>(
      "SELECT status FROM chain_outbox ORDER BY created_at DESC LIMIT 1",
    );
    assert.equal(rows[0]?.status, "mined");

    // The leader goes (a clean stop releases the lock, as a dead process's session does): the follower takes over.
    await first.agent.stop();
    await eventually(async () => assert.equal((await health(b)).role, "leader"), 20_000, 100);
    const afterFailover = await b.call("POST", "/v1/identity/dids", { label: "After Failover" });
    assert.equal(afterFailover.status, 201, JSON.stringify(afterFailover.body));
    assert.deepEqual(lost, [], "a clean stop is not a lost leadership");
  });
});
