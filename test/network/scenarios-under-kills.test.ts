// Issue 13's network job: the signed-call and roaming scenarios on four geth Clique signers (the EIDL writers have
// their own run: test/durability/network-writers-under-kills.test.ts). Two consortia deploy on one network, their
// agents spread over the four nodes (confirmations 2, as Clique reorganises single blocks): the eight parties of a
// signed call and three mobile operators. While the Numbering Authority allocates numbers, the OSP attests calls from
// the BPO's delegated number and the north operator roams other operators' subscribers, node 4 is killed -9 and
// restarted, then north's agent (the one acknowledging the roaming sessions) is killed -9 and restarted. Then: every
// acknowledged allocation is on chain under its id with its event, every acknowledged roaming session's request and
// closing record are on chain and north's row of it names the closing transaction, every answered attestation was A, the four nodes agree on the chain, and every agent's
// read model equals the chain. Prints one summary line:
//   network scenarios: roamingAcks=N roamingOnChain=N grantAcks=N grantsOnChain=N attestations=N attestedA=N readModelDifferences=N
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { rpc } from "../../src/network/nodes.ts";
import type { TestAgentEndpoint } from "../../testkit/consortium.ts";
import { ok } from "../../testkit/eidlHierarchy.ts";
import { waitUntil } from "../../testkit/eventually.ts";
import { checkAcknowledgedGrants, startAllocationWriters } from "../../testkit/grantDurability.ts";
import { type ExternalNetwork, type NetworkMembers, startMembersOnNetwork } from "../../testkit/networkMembers.ts";
import { imsiOf, NETWORKS, type OperatorName, ROAMING_MEMBERS, setUpRoaming } from "../../testkit/roaming.ts";
import {
  CALLED_TN,
  CALLING_TN,
  SIGNED_CALLS_MEMBERS,
  type SignedCallsConsortium,
  type SignedCallsParty,
  setUpSignedCalls,
} from "../../testkit/signedCalls.ts";
import { startTestNetwork, TEST_FUND_NEW_ACCOUNTS_WEI, type TestNetwork } from "../../testkit/testNetwork.ts";

const CHAIN_ID = 31_338_045;
const VICTIM_NODE = 3;
const PAUSE_MS = 8_000;
const SUBSCRIBERS = 300;
const ATTACH_EVERY_MS = 300;
const CLOSING_KINDS = new Set(["activation", "refusal", "expiry"]);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Session {
  requestId: string;
  state: string;
  outcome: string | null;
  closingTx: string | null;
}

describe("signed calls and roaming on four geth Clique signers: a signer and an agent killed -9 mid-run", {
  timeout: 1_500_000,
}, () => {
  let network: TestNetwork | undefined;
  let calls: NetworkMembers | undefined;
  let roaming: NetworkMembers | undefined;
  let signed: Pick<SignedCallsConsortium, "orgs" | "delegation" | "rootPem">;
  const started = Date.now();

  before(async () => {
    network = await startTestNetwork({ chainId: CHAIN_ID, log: (line) => console.log(`[network scenarios] ${line}`) });
    const net = network;
    // One faucet, two deployments at once: its payments one after the other (each reads the faucet's next nonce).
    let queue: Promise<void> = Promise.resolve();
    const fund = (addresses: readonly Address[]) => {
      const next = queue.then(() => net.fund(addresses));
      queue = next.catch(() => undefined);
      return next;
    };
    // Signed-call parties from node 2 on (ta node2, na node3, kyc node4, tnsp node1, ..., osp node1); the operators
    // north, south, east on nodes 1, 2, 3. Node 4 (kyc, bpo) is the signer that gets killed.
    const on = (offset: number): ExternalNetwork => ({
      chainId: net.chainId,
      rpcUrlFor: (index) => net.rpcUrlFor(index + offset),
      fund,
    });
    const options = { confirmations: net.confirmations, fundNewAccountsWei: TEST_FUND_NEW_ACCOUNTS_WEI };
    [calls, roaming] = await Promise.all([
      startMembersOnNetwork(on(1), SIGNED_CALLS_MEMBERS, options),
      startMembersOnNetwork(on(0), ROAMING_MEMBERS, { ...options, agentProcesses: ["north"] }),
    ]);
    const [ready] = await Promise.all([
      setUpSignedCalls(calls.agents as Record<SignedCallsParty, TestAgentEndpoint>),
      setUpRoaming(roaming.agents as Record<OperatorName, TestAgentEndpoint>, roaming.manifestPath, SUBSCRIBERS),
    ]);
    signed = ready;
    console.log(`[network scenarios] both consortia set up after ${Math.round((Date.now() - started) / 1000)} s`);
  });

  after(async () => {
    await Promise.allSettled([calls?.stop(), roaming?.stop()]);
    await network?.stop();
  });

  it("loses no acknowledged write, and every node and read model converges", async () => {
    const net = network!;
    const party = calls!.agents as Record<SignedCallsParty, TestAgentEndpoint>;
    const op = roaming!.agents as Record<OperatorName, TestAgentEndpoint>;

    const runStarted = Date.now();
    const writers = startAllocationWriters(party.na, 2, signed.orgs.na, signed.orgs.tnsp, "19");
    const attaching = startAttaching(op.north);
    const calling = startCalling(party.bpo, party.osp, signed.orgs.bpo.did, signed.delegation.tnauth);
    const kills: string[] = [];
    await sleep(PAUSE_MS);
    await net.killNode(VICTIM_NODE);
    kills.push(`node${VICTIM_NODE + 1} at ${attaching.acks.length} sessions`);
    await sleep(PAUSE_MS);
    await net.restartNode(VICTIM_NODE);
    await sleep(PAUSE_MS / 2);
    await roaming!.killAgent("north");
    kills.push(`agent north at ${attaching.acks.length} sessions`);
    await sleep(1_000);
    await roaming!.startAgent("north");
    await sleep(PAUSE_MS);
    await Promise.all([writers.stop(), attaching.stop(), calling.stop()]);
    const runSeconds = Math.round((Date.now() - runStarted) / 1000);

    // Every acknowledged roaming session reaches the chain: its request and its closing record (activation, refusal
    // or expiry), as north's indexer read them from the chain.
    const onChain = new Map<string, string[]>();
    await waitUntil(
      "the request and a closing record on chain for every acknowledged roaming session",
      async () => {
        for (const id of attaching.acks.filter((a) => !onChain.has(a))) {
          const events = await op.north.call<{ events: Array<{ kind: string }> }>(
            "GET",
            `/v1/roaming/requests/${id}/events`,
          );
          const kinds = events.status === 200 ? events.body.events.map((e) => e.kind) : [];
          if (kinds[0] === "request" && kinds.some((k) => CLOSING_KINDS.has(k))) onChain.set(id, kinds);
        }
        return onChain.size === attaching.acks.length;
      },
      180_000,
      2_000,
    ).catch(() => undefined);
    // And north's own session rows name their closing transaction: the restarted agent reconciles rows a kill left
    // behind with the chain (VisitedService.reconcile, every 15 s once its indexer has caught up).
    const outcomes = new Map<string, number>();
    let sessionsWithoutClosingTx = -1;
    await waitUntil(
      "every acknowledged session's row names its closing transaction",
      async () => {
        outcomes.clear();
        sessionsWithoutClosingTx = 0;
        for (const id of attaching.acks) {
          const session = await op.north.call<Session>("GET", `/v1/roaming/sessions/${id}`);
          const key = `${session.body.state}/${session.body.outcome}`;
          outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
          if (!session.body.closingTx) sessionsWithoutClosingTx++;
        }
        return sessionsWithoutClosingTx === 0;
      },
      60_000,
      2_000,
    ).catch(() => undefined);

    // Every acknowledged allocation on chain; every signed-call agent's read model equal to the chain.
    let grants = await checkAcknowledgedGrants({
      acks: writers.acks,
      rpcUrl: net.rpcUrlFor(0),
      manifestPath: calls!.manifestPath,
      holder: signed.orgs.tnsp,
      agents: calls!.agents,
      receiptWaitMs: 120_000,
    });
    await waitUntil(
      "every signed-call agent's read model equal to the chain",
      async () => {
        grants = await checkAcknowledgedGrants({
          acks: writers.acks,
          rpcUrl: net.rpcUrlFor(0),
          manifestPath: calls!.manifestPath,
          holder: signed.orgs.tnsp,
          agents: calls!.agents,
          receiptWaitMs: 1,
        });
        return grants.readModelDifferences === 0;
      },
      60_000,
      2_000,
    ).catch(() => undefined);
    let roamingDifferences = -1;
    const roamingChecked = new Set<string>();
    await waitUntil(
      "every operator's read model equal to the chain",
      async () => {
        roamingDifferences = 0;
        for (const agent of Object.values(op)) {
          const report = await ok<{ checked: string[]; differenceCount: number }>(
            agent,
            "GET",
            "/v1/agent/consistency",
          );
          roamingDifferences += report.differenceCount;
          for (const domain of report.checked) roamingChecked.add(domain);
        }
        return roamingDifferences === 0;
      },
      60_000,
      2_000,
    ).catch(() => undefined);

    // The restarted node is back on the same chain as node 1.
    const common = Math.min(await net.headBlock(0), await net.headBlock(VICTIM_NODE)) - 3;
    const hashAt = async (index: number) =>
      (await rpc<{ hash: string }>(net.rpcUrlFor(index), "eth_getBlockByNumber", [`0x${common.toString(16)}`, false]))
        .hash;
    const sameChain = (await hashAt(0)) === (await hashAt(VICTIM_NODE));

    // A call placed after everything came back still attests A.
    const last = await attest(party.bpo, party.osp, signed.orgs.bpo.did, signed.delegation.tnauth);
    const readModelDifferences = grants.readModelDifferences + roamingDifferences;
    console.log(
      `network scenarios: roamingAcks=${attaching.acks.length} roamingOnChain=${onChain.size} ` +
        `grantAcks=${writers.acks.length} grantsOnChain=${grants.idsEqual} attestations=${calling.answered} ` +
        `attestedA=${calling.attestedA} readModelDifferences=${readModelDifferences}`,
    );
    console.log(
      `network scenarios detail: kills=[${kills.join(", ")}] run=${runSeconds}s total=${Math.round((Date.now() - started) / 1000)}s ` +
        `roamingOutcomes=${JSON.stringify(Object.fromEntries(outcomes))} sessionsWithoutClosingTx=${sessionsWithoutClosingTx} ` +
        `attachRefused=${JSON.stringify(Object.fromEntries(attaching.refused))} ` +
        `allocationRefused=${JSON.stringify(Object.fromEntries(writers.refused))} ` +
        `callsUnanswered=${JSON.stringify(Object.fromEntries(calling.unanswered))} sameChain=${sameChain} ` +
        `checked=[${[...grants.checked, ...roamingChecked].join(", ")}]`,
    );

    assert.ok(attaching.acks.length >= 10, "enough acknowledged roaming sessions to mean something");
    assert.equal(onChain.size, attaching.acks.length, "every acknowledged roaming session's records are on chain");
    assert.equal(sessionsWithoutClosingTx, 0, "every acknowledged session's row names its closing transaction");
    assert.ok(writers.acks.length >= 1, "an acknowledged allocation at least (the EIDL writers' own test counts them)");
    assert.equal(grants.receipts, writers.acks.length, "every acknowledged allocation has a successful receipt");
    assert.equal(grants.events, writers.acks.length, "every acknowledged allocation's event is on chain");
    assert.equal(grants.idsEqual, writers.acks.length, `every acknowledged id is the chain's: ${grants.wrong}`);
    assert.ok(calling.answered >= 10, "enough calls attested to mean something");
    assert.equal(calling.attestedA, calling.answered, "every answered attestation was A");
    assert.equal(last, "A", "a call after the restarts attests A");
    assert.ok(sameChain, `node ${VICTIM_NODE + 1} is back on node 1's chain (block ${common})`);
    assert.ok(grants.checked.has("eidl") && roamingChecked.has("roaming"), "the EIDL and roaming models were compared");
    assert.equal(readModelDifferences, 0, `every read model equals the chain: ${JSON.stringify(grants.sample)}`);
  });
});

/** North attaches south's and east's subscribers in turn, one every ATTACH_EVERY_MS; acknowledged = 201. */
function startAttaching(north: TestAgentEndpoint) {
  const acks: string[] = [];
  const refused = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    for (let n = 0; running && n < 2 * SUBSCRIBERS; n++) {
      const home = n % 2 === 0 ? NETWORKS.south : NETWORKS.east;
      const outcome = await post(north, "/v1/roaming/attach", { imsi: imsiOf(home, 1 + Math.floor(n / 2)) });
      if (outcome.status === 201 && typeof outcome.body.requestId === "string") acks.push(outcome.body.requestId);
      else refused.set(outcome.failure, (refused.get(outcome.failure) ?? 0) + 1);
      await sleep(ATTACH_EVERY_MS);
    }
  })();
  return {
    acks,
    refused,
    async stop() {
      running = false;
      await loop;
    },
  };
}

/** The BPO signs an Enterprise PASSporT for each call and the OSP attests it, back to back, until stopped. */
function startCalling(bpo: TestAgentEndpoint, osp: TestAgentEndpoint, did: string, tnauth: string) {
  let answered = 0;
  let attestedA = 0;
  const unanswered = new Map<string, number>();
  let running = true;
  const loop = (async () => {
    while (running) {
      const attest = await attestOnce(bpo, osp, did, tnauth);
      if ("attest" in attest) {
        answered++;
        if (attest.attest === "A") attestedA++;
      } else unanswered.set(attest.failure, (unanswered.get(attest.failure) ?? 0) + 1);
      await sleep(ATTACH_EVERY_MS);
    }
  })();
  return {
    unanswered,
    get answered() {
      return answered;
    },
    get attestedA() {
      return attestedA;
    },
    async stop() {
      running = false;
      await loop;
    },
  };
}

async function attest(bpo: TestAgentEndpoint, osp: TestAgentEndpoint, did: string, tnauth: string) {
  const outcome = await attestOnce(bpo, osp, did, tnauth);
  return "attest" in outcome ? outcome.attest : outcome.failure;
}

async function attestOnce(
  bpo: TestAgentEndpoint,
  osp: TestAgentEndpoint,
  did: string,
  tnauth: string,
): Promise<{ attest: string } | { failure: string }> {
  const passport = await post(bpo, "/v1/stir/enterprise/passports", {
    did,
    orig: { tn: CALLING_TN },
    dest: { tn: [CALLED_TN] },
    tnauth,
  });
  if (passport.status !== 200) return { failure: `passport ${passport.failure}` };
  const decision = await post(osp, "/v1/stir/osp/attestations", {
    orig: { tn: CALLING_TN },
    dest: { tn: [CALLED_TN] },
    identity: passport.body.identity,
    directCustomer: true,
  });
  if (decision.status !== 200) return { failure: `attestation ${decision.failure}` };
  return { attest: String(decision.body.attest) };
}

/** One POST with the agent's admin key; no answer (a killed agent) is a failure, not an exception. */
async function post(
  agent: TestAgentEndpoint,
  path: string,
  body: unknown,
): Promise<{ status: number; body: Record<string, unknown>; failure: string }> {
  try {
    const response = await fetch(new URL(path, agent.url), {
      method: "POST",
      headers: { authorization: `Bearer ${agent.adminKey}`, "content-type": "application/json" },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
    const answer = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    return { status: response.status, body: answer, failure: `${response.status} ${answer.code ?? ""}`.trim() };
  } catch (error) {
    return { status: 0, body: {}, failure: `no answer (${(error as Error).name})` };
  }
}
