// Issue 10's durability test: several writers through the API (EIDL allocations, POST /v1/tnallocation) while the
// devnet and the agents (each its own process) are killed with SIGKILL, again and again. Every acknowledged write (a
// 201 with its grant id) is then checked on chain: its receipt, the chain's grant under the acknowledged id holding
// what was asked (TnAuthority.grant(id)), its GrantRecorded event; and every agent's consistency checker must find
// its read model equal to the chain. Prints one summary line:
//   durability: acknowledged=N receipts=N idsEqual=N readModelDifferences=N
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { createOrg, eidlMembers, ORG_TYPE, setNumberingScope, vet } from "../../testkit/eidlHierarchy.ts";
import { waitUntil } from "../../testkit/eventually.ts";
import { checkAcknowledgedGrants, startAllocationWriters } from "../../testkit/grantDurability.ts";

const WRITERS = 6;
/** Kill rounds: each kills the devnet (its supervisor restarts it from its last state dump), then one agent. */
const VICTIMS = ["na", "tnsp", "na"] as const;
const ROUND_PAUSE_MS = 4_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("durability of acknowledged writes through the API, devnet and agents killed -9", () => {
  let consortium: TestConsortium<TestAgentProcess> | undefined;
  after(async () => {
    await consortium?.stop();
  });

  it("keeps every acknowledged write: receipt, id, event, and read models equal to the chain", async () => {
    consortium = await startTestConsortium(eidlMembers("ta", "na", "tnsp"), { agentProcesses: true });
    const c = consortium;
    const { ta, na, tnsp } = c.agents as Record<string, TestAgentProcess>;
    assert.ok(ta && na && tnsp);
    const taOrg = await createOrg(ta, "TA", ORG_TYPE.TRUST_AUTHORITY);
    const naOrg = await createOrg(na, "NA", ORG_TYPE.NUMBERING_AUTHORITY);
    const tnspOrg = await createOrg(tnsp, "TNSP", ORG_TYPE.TNSP);
    await vet(ta, tnspOrg, taOrg);
    // The governors (every member) give the Numbering Authority the plan the writers allocate from: prefix 2.
    await setNumberingScope([ta, na, tnsp], naOrg, ["2"]);
    await waitUntil("the NA agent to see the TNSP", async () => {
      return (await na.call("GET", `/v1/accounts/${tnspOrg.did}`)).status === 200;
    });

    // Writers: each allocates its own 8-digit prefixes, one per request, until told to stop. A request that fails
    // (agent down, chain unavailable, cut connection) is not acknowledged; the writer moves on to a new prefix.
    const writers = startAllocationWriters(na, WRITERS, naOrg, tnspOrg);

    const kills: string[] = [];
    for (const victim of VICTIMS) {
      await sleep(ROUND_PAUSE_MS);
      const headBefore = await c.devnet.headBlock();
      await c.devnet.kill9ForTest();
      kills.push(
        `devnet at ${writers.acks.length} acks (head ${headBefore} -> restarted at ${await c.devnet.headBlock()})`,
      );
      await sleep(ROUND_PAUSE_MS);
      await c.killAgent(victim);
      kills.push(`${victim} at ${writers.acks.length} acks`);
      await sleep(500);
      await c.startAgent(victim);
    }
    await sleep(ROUND_PAUSE_MS);
    await writers.stop();
    const { acks, refused } = writers;

    // After recovery: every acknowledged write checked against the chain.
    const { receipts, idsEqual, events, wrong, readModelDifferences, checked, sample } = await checkAcknowledgedGrants({
      acks,
      rpcUrl: c.devnet.rpcUrl,
      manifestPath: c.manifestPath,
      holder: tnspOrg,
      agents: c.agents,
    });

    console.log(
      `durability: acknowledged=${acks.length} receipts=${receipts} idsEqual=${idsEqual} readModelDifferences=${readModelDifferences}`,
    );
    console.log(
      `durability detail: events=${events} writers=${WRITERS} kills=[${kills.join(", ")}] ` +
        `refused=${JSON.stringify(Object.fromEntries(refused))} checked=[${[...checked].join(", ")}]`,
    );
    // The grants' own domain must be among those compared, or "zero differences" would say nothing about them.
    assert.ok(checked.has("eidl"), `the EIDL read model was compared with the chain (checked: ${[...checked]})`);
    assert.ok(acks.length >= 30, `enough acknowledged writes to mean something (${acks.length})`);
    assert.equal(kills.length, 2 * VICTIMS.length);
    assert.equal(receipts, acks.length, "every acknowledged write has a successful receipt");
    assert.equal(events, acks.length, "every acknowledged write's GrantRecorded event is on chain");
    assert.equal(idsEqual, acks.length, `every acknowledged id is the chain's id: ${wrong.join("; ")}`);
    const internal = [...refused].filter(([failure]) => /^5\d\d/.test(failure) && !failure.startsWith("503"));
    assert.deepEqual(internal, [], "an outage is answered 503 CHAIN_UNAVAILABLE, never 500");
    assert.equal(readModelDifferences, 0, `every read model equals the chain: ${JSON.stringify(sample)}`);
  });
});
