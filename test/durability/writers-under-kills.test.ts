// Issue 10's durability test: several writers through the API (EIDL allocations, POST /v1/tnallocation) while the
// devnet and the agents (each its own process) are killed with SIGKILL, again and again. Every acknowledged write (a
// 201 with its grant id) is then checked on chain: its receipt, the chain's grant under the acknowledged id holding
// what was asked (TnAuthority.grant(id)), its GrantRecorded event; and every agent's consistency checker must find
// its read model equal to the chain. Prints one summary line:
//   durability: acknowledged=N receipts=N idsEqual=N readModelDifferences=N
import assert from "node:assert/strict";
import { after, describe, it } from "node:test";
import { type Abi, type Address, createPublicClient, type Hex, http, parseEventLogs } from "viem";
import { readManifest } from "../../src/core/chain/manifest.ts";
import { allContractArtifacts } from "../../src/ledger/deploymentPlan.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { createOrg, eidlMembers, ORG_TYPE, type Org, ok, setNumberingScope, vet } from "../../testkit/eidlHierarchy.ts";
import { waitUntil } from "../../testkit/eventually.ts";

const WRITERS = 6;
/** Kill rounds: each kills the devnet (its supervisor restarts it from its last state dump), then one agent. */
const VICTIMS = ["na", "tnsp", "na"] as const;
const ROUND_PAUSE_MS = 4_000;
const REQUEST_TIMEOUT_MS = 60_000;

interface Ack {
  tnId: string;
  grantId: string;
  txHash: Hex;
}

interface ConsistencyAnswer {
  checked: string[];
  differenceCount: number;
  differences: unknown[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const addressOf = (did: string) => (did.split(":").at(-1) ?? "").toLowerCase();

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
    const acks: Ack[] = [];
    const refused = new Map<string, number>();
    let writing = true;
    const writer = async (lane: number) => {
      for (let n = 0; writing; n++) {
        const tnId = `2${lane}${String(n).padStart(6, "0")}`;
        const outcome = await allocate(na.url, na.adminKey, tnId, naOrg, tnspOrg);
        if ("ack" in outcome) acks.push(outcome.ack);
        else {
          refused.set(outcome.failure, (refused.get(outcome.failure) ?? 0) + 1);
          await sleep(200);
        }
      }
    };
    const writers = Array.from({ length: WRITERS }, (_, lane) => writer(lane));

    const kills: string[] = [];
    for (const victim of VICTIMS) {
      await sleep(ROUND_PAUSE_MS);
      const headBefore = await c.devnet.headBlock();
      await c.devnet.kill9ForTest();
      kills.push(`devnet at ${acks.length} acks (head ${headBefore} -> restarted at ${await c.devnet.headBlock()})`);
      await sleep(ROUND_PAUSE_MS);
      await c.killAgent(victim);
      kills.push(`${victim} at ${acks.length} acks`);
      await sleep(500);
      await c.startAgent(victim);
    }
    await sleep(ROUND_PAUSE_MS);
    writing = false;
    await Promise.all(writers);

    // After recovery: every acknowledged write checked against the chain.
    const manifest = await readManifest(c.manifestPath);
    const tnAuthority = manifest.contracts.TnAuthority?.address as Address;
    const abi = allContractArtifacts().TnAuthority?.abi as Abi;
    const chain = createPublicClient({ transport: http(c.devnet.rpcUrl) });
    const receiptOf = (hash: Hex) => chain.getTransactionReceipt({ hash }).catch(() => undefined);
    await waitUntil(
      "a receipt for every acknowledged write (the outboxes replay what a restore lost)",
      async () => (await Promise.all(acks.map((a) => receiptOf(a.txHash)))).every((r) => r?.status === "success"),
      60_000,
      500,
    ).catch(() => undefined);
    let receipts = 0;
    let idsEqual = 0;
    let events = 0;
    const wrong: string[] = [];
    for (const ack of acks) {
      const receipt = await receiptOf(ack.txHash);
      if (receipt?.status === "success") receipts++;
      const onChain = (await chain
        .readContract({ address: tnAuthority, abi, functionName: "grant", args: [BigInt(ack.grantId)] })
        .catch(() => undefined)) as { prefix?: string; holder?: string } | undefined;
      if (onChain?.prefix === ack.tnId && onChain.holder?.toLowerCase() === addressOf(tnspOrg.did)) idsEqual++;
      else if (wrong.length < 5)
        wrong.push(`${ack.tnId} acknowledged as grant ${ack.grantId}, chain has ${onChain?.prefix}`);
      const recorded = parseEventLogs({ abi, logs: receipt?.logs ?? [], eventName: "GrantRecorded" }).some(
        (log) => (log.args as { grantId?: bigint }).grantId === BigInt(ack.grantId),
      );
      if (recorded) events++;
    }

    let readModelDifferences = 0;
    const checked = new Set<string>();
    const sample: unknown[] = [];
    for (const [name, agent] of Object.entries(c.agents)) {
      const report = await ok<ConsistencyAnswer>(agent, "GET", "/v1/agent/consistency");
      readModelDifferences += report.differenceCount;
      for (const domain of report.checked) checked.add(domain);
      sample.push(...report.differences.slice(0, 3).map((d) => ({ agent: name, ...(d as object) })));
    }

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

/** One allocation through the API: acknowledged (201 with its grant id) or why not. */
async function allocate(
  url: string,
  key: string,
  tnId: string,
  issuer: Org,
  subject: Org,
): Promise<{ ack: Ack } | { failure: string }> {
  try {
    const response = await fetch(new URL("/v1/tnallocation", url), {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({ tnAllocation: [{ tnId, issuerId: issuer.did, subjectId: subject.did }] }),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    const body = (await response.json().catch(() => ({}))) as {
      code?: string;
      tnAllocationResponse?: Array<{ grantId: string; txHash: Hex }>;
    };
    const [result] = body.tnAllocationResponse ?? [];
    if (response.status === 201 && result) return { ack: { tnId, grantId: result.grantId, txHash: result.txHash } };
    return { failure: `${response.status} ${body.code ?? ""}`.trim() };
  } catch (error) {
    // No answer: the agent was down or killed during the request.
    return { failure: `no answer (${(error as Error).name})` };
  }
}
