// Issue 10's durability test on a real multi-node network (issue 13): four geth Clique signers, the EIDL parties'
// agents as processes on three different nodes (confirmations 2, as Clique reorganises single blocks), writers
// allocating numbers through the NA agent's API while a signer node is killed -9 and restarted, then the NA agent
// itself is killed -9 and restarted. Every acknowledged write must be on chain under its acknowledged id with its
// event, and every agent's read model must equal the chain. Prints one summary line:
//   network durability: acknowledged=N receipts=N idsEqual=N readModelDifferences=N
import assert from "node:assert/strict";
import { rm } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { fundAccounts } from "../../src/network/faucet.ts";
import { ensureGeth } from "../../src/network/gethBinary.ts";
import { initNetwork } from "../../src/network/init.ts";
import type { NetworkSpec } from "../../src/network/layout.ts";
import { runningPid, startNodes, stopNodes } from "../../src/network/nodes.ts";
import { createOrg, eidlMembers, ORG_TYPE, setNumberingScope, vet } from "../../testkit/eidlHierarchy.ts";
import { waitUntil } from "../../testkit/eventually.ts";
import { checkAcknowledgedGrants, startAllocationWriters } from "../../testkit/grantDurability.ts";
import { type NetworkMembers, startMembersOnNetwork } from "../../testkit/networkMembers.ts";
import { releasePort, reservePort } from "../../testkit/ports.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const VALIDATORS = 4;
const CHAIN_ID = 31_338_044;
const WRITERS = 4;
const PAUSE_MS = 8_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("durability on four geth Clique signers: a signer and an agent killed -9 during writes", {
  timeout: 1_800_000,
}, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let spec: NetworkSpec;
  let geth: string;
  let members: NetworkMembers | undefined;
  const ports: number[] = [];

  before(async () => {
    geth = (await ensureGeth((m) => console.log(`[network durability] ${m}`))).path;
    dir = await tempDir("telco-network-durability-");
    const nodePorts = [];
    for (let i = 0; i < VALIDATORS; i++) {
      const [p2p, rpc, authrpc] = [await reservePort(), await reservePort(), await reservePort()];
      ports.push(p2p, rpc, authrpc);
      nodePorts.push({ p2p, rpc, authrpc });
    }
    spec = await initNetwork({ dir: dir.path, geth, validators: VALIDATORS, chainId: CHAIN_ID, ports: nodePorts });
    await startNodes(spec, geth);
    members = await startMembersOnNetwork(
      {
        chainId: CHAIN_ID,
        // ta on node 1, na on node 2, tnsp on node 3; node 4 is the signer that gets killed.
        rpcUrlFor: (index) => spec.nodes[index]!.rpcUrl,
        fund: async (addresses: readonly Address[]) => {
          await fundAccounts(spec, addresses);
        },
      },
      eidlMembers("ta", "na", "tnsp"),
      { confirmations: 2, fundNewAccountsWei: "1000000000000000", agentProcesses: true },
    );
  });

  after(async () => {
    await members?.stop();
    if (spec) await stopNodes(spec);
    for (const port of ports) releasePort(port);
    await dir?.remove();
  });

  it("keeps every acknowledged write: receipt, id, event, and read models equal to the chain", async () => {
    const m = members!;
    const { ta, na, tnsp } = m.agents;
    assert.ok(ta && na && tnsp);
    const taOrg = await createOrg(ta, "TA", ORG_TYPE.TRUST_AUTHORITY);
    const naOrg = await createOrg(na, "NA", ORG_TYPE.NUMBERING_AUTHORITY);
    const tnspOrg = await createOrg(tnsp, "TNSP", ORG_TYPE.TNSP);
    await vet(ta, tnspOrg, taOrg);
    await setNumberingScope([ta, na, tnsp], naOrg, ["2"]);
    await waitUntil(
      "the NA agent to see the TNSP",
      async () => {
        return (await na.call("GET", `/v1/accounts/${tnspOrg.did}`)).status === 200;
      },
      120_000,
    );

    const writers = startAllocationWriters(na, WRITERS, naOrg, tnspOrg);
    const kills: string[] = [];
    await sleep(PAUSE_MS);
    const victim = spec.nodes[VALIDATORS - 1]!;
    const pid = await runningPid(victim);
    assert.ok(pid, "node 4 runs");
    process.kill(pid, "SIGKILL");
    kills.push(`signer ${victim.name} at ${writers.acks.length} acks`);
    await sleep(PAUSE_MS);
    await rm(`${victim.dir}/geth.pid`, { force: true });
    await startNodes(spec, geth, [victim.name]);
    await sleep(PAUSE_MS);
    await m.killAgent("na");
    kills.push(`agent na at ${writers.acks.length} acks`);
    await sleep(1_000);
    await m.startAgent("na");
    await sleep(PAUSE_MS);
    await writers.stop();
    const { acks, refused } = writers;

    // Checked through node 1, once node 1's head is two blocks past every acknowledged write (the agents' depth).
    const report = await checkAcknowledgedGrants({
      acks,
      rpcUrl: spec.nodes[0]!.rpcUrl,
      manifestPath: m.manifestPath,
      holder: tnspOrg,
      agents: m.agents,
      receiptWaitMs: 120_000,
    });
    // The read models trail the head by the confirmation depth: compare once they caught up.
    let final = report;
    await waitUntil(
      "every agent's read model equal to the chain",
      async () => {
        final = await checkAcknowledgedGrants({
          acks,
          rpcUrl: spec.nodes[0]!.rpcUrl,
          manifestPath: m.manifestPath,
          holder: tnspOrg,
          agents: m.agents,
          receiptWaitMs: 1,
        });
        return final.readModelDifferences === 0;
      },
      60_000,
      2_000,
    ).catch(() => undefined);
    console.log(
      `network durability: acknowledged=${acks.length} receipts=${final.receipts} idsEqual=${final.idsEqual} readModelDifferences=${final.readModelDifferences}`,
    );
    console.log(
      `network durability detail: events=${final.events} writers=${WRITERS} kills=[${kills.join(", ")}] ` +
        `refused=${JSON.stringify(Object.fromEntries(refused))} checked=[${[...final.checked].join(", ")}]`,
    );
    assert.ok(final.checked.has("eidl"), `the EIDL read model was compared (checked: ${[...final.checked]})`);
    assert.ok(acks.length >= 20, `enough acknowledged writes to mean something (${acks.length})`);
    assert.equal(final.receipts, acks.length, "every acknowledged write has a successful receipt");
    assert.equal(final.events, acks.length, "every acknowledged write's GrantRecorded event is on chain");
    assert.equal(final.idsEqual, acks.length, `every acknowledged id is the chain's id: ${final.wrong.join("; ")}`);
    const internal = [...refused].filter(([failure]) => /^5\d\d/.test(failure) && !failure.startsWith("503"));
    assert.deepEqual(internal, [], "an outage is answered 503 CHAIN_UNAVAILABLE, never 500");
    assert.equal(final.readModelDifferences, 0, `every read model equals the chain: ${JSON.stringify(final.sample)}`);
  });
});
