// Validators by governance on a real geth Clique network: four genesis signers and a standby node. A consortium
// change adds the standby node's signer once a majority of the governors approved it; every validator's agent then
// votes it into its own node (clique_propose), the node starts sealing, and a second change removes a genesis signer
// the same way. The agents' read models agree with ValidatorSet throughout.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { fundAccounts } from "../../src/network/faucet.ts";
import { ensureGeth } from "../../src/network/gethBinary.ts";
import { initNetwork } from "../../src/network/init.ts";
import type { NetworkSpec } from "../../src/network/layout.ts";
import { rpc, startNodes, stopNodes } from "../../src/network/nodes.ts";
import { networkStatus } from "../../src/network/status.ts";
import { eventually } from "../../testkit/eventually.ts";
import { type NetworkMembers, startMembersOnNetwork } from "../../testkit/networkMembers.ts";
import { releasePort, reservePort } from "../../testkit/ports.ts";
import { tempDir } from "../../testkit/tempDir.ts";

const VALIDATORS = 4;
const CHAIN_ID = 31_338_043;

describe("validators by governance on four geth Clique signers", { timeout: 1_800_000 }, () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let spec: NetworkSpec;
  let members: NetworkMembers | undefined;
  const ports: number[] = [];
  const started = Date.now();
  const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)} s`;
  const signers = async () =>
    (await rpc<string[]>(spec.nodes[0]!.rpcUrl, "clique_getSigners", [])).map((s) => s.toLowerCase()).sort();

  before(async () => {
    const geth = (await ensureGeth((m) => console.log(`[validators] ${m}`))).path;
    dir = await tempDir("telco-validators-");
    const reserve = async () => {
      const port = await reservePort();
      ports.push(port);
      return port;
    };
    const nodePorts = [];
    for (let i = 0; i <= VALIDATORS; i++)
      nodePorts.push({ p2p: await reserve(), rpc: await reserve(), authrpc: await reserve() });
    spec = await initNetwork({
      dir: dir.path,
      geth,
      validators: VALIDATORS,
      standby: 1,
      chainId: CHAIN_ID,
      ports: nodePorts,
    });
    await startNodes(spec, geth);
    members = await startMembersOnNetwork(
      {
        chainId: CHAIN_ID,
        rpcUrlFor: (index) => spec.nodes[index]!.rpcUrl,
        fund: async (addresses: readonly Address[]) => {
          await fundAccounts(spec, addresses);
        },
      },
      [
        { name: "north", roles: ["MOBILE_OPERATOR"] },
        { name: "south", roles: ["MOBILE_OPERATOR"] },
        { name: "east", roles: ["MOBILE_OPERATOR"] },
        { name: "west", roles: ["MOBILE_OPERATOR"] },
      ],
      { confirmations: 2, voteValidators: true },
    );
    console.log(`[validators] 5 nodes, platform and 4 voting agents up after ${elapsed()}`);
  });

  after(async () => {
    await members?.stop();
    if (spec) await stopNodes(spec);
    for (const port of ports) releasePort(port);
    await dir?.remove();
  });

  const change = async (proposer: string, approvers: string[], kind: "add" | "remove", signer: string) => {
    const agents = members!.agents;
    const created = await agents[proposer]!.call<{ changeId: string }>("POST", "/v1/network/validator-changes", {
      kind,
      signer,
      operator: (await agents[proposer]!.call<{ memberAccount: string }>("GET", "/v1/agent")).body.memberAccount,
    });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    const id = created.body.changeId;
    for (const name of approvers) {
      await eventually(async () => {
        const r = await agents[name]!.call("GET", `/v1/network/validator-changes/${id}`);
        assert.equal(r.status, 200);
      }, 60_000);
      const approved = await agents[name]!.call("POST", `/v1/network/validator-changes/${id}/approve`);
      assert.equal(approved.status, 200, JSON.stringify(approved.body));
    }
    return id;
  };

  it("refuses a malformed change naming the field, and an approval of an unknown change", async () => {
    const north = members!.agents.north!;
    const bad = await north.call<{ code: string; message: string }>("POST", "/v1/network/validator-changes", {
      kind: "promote",
      signer: spec.nodes[VALIDATORS]!.signer,
    });
    assert.equal(bad.status, 400);
    assert.match(bad.body.message, /body\/kind|body\.kind/);
    const unknown = await north.call("POST", `/v1/network/validator-changes/0x${"ab".repeat(32)}/approve`);
    assert.equal(unknown.status, 404);
  });

  it("adds the standby node's signer by a majority of governors, the agents vote it in and it seals", async () => {
    const standby = spec.nodes[VALIDATORS]!;
    assert.equal((await signers()).includes(standby.signer.toLowerCase()), false, "not a genesis signer");
    const id = await change("north", ["south", "east"], "add", standby.signer);
    const executed = await eventually(async () => {
      const r = await members!.agents.west!.call<{ status: string; approvals: number }>(
        "GET",
        `/v1/network/validator-changes/${id}`,
      );
      assert.equal(r.body.status, "executed", JSON.stringify(r.body));
      return r.body;
    }, 60_000);
    assert.equal(executed.approvals, 3, "three of four governors");
    // Clique needs a majority of the four signers' votes: the four agents cast them.
    await eventually(
      async () => assert.ok((await signers()).includes(standby.signer.toLowerCase()), "voted into the signer set"),
      120_000,
      500,
    );
    await eventually(
      async () => {
        const status = await networkStatus(spec);
        assert.equal(status.find((s) => s.name === standby.name)?.sealing, true, "the standby node seals");
      },
      60_000,
      500,
    );
    // Once applied, no agent keeps a vote open (a stale vote could undo a later decision).
    await eventually(async () => {
      for (const agent of Object.values(members!.agents)) {
        const engine = await agent.call<{ votes: Record<string, boolean> }>("GET", "/v1/network/engine");
        assert.deepEqual(engine.body.votes, {}, JSON.stringify(engine.body));
      }
    }, 60_000);
    const listed = await members!.agents.east!.call<{ items: Array<{ signer: string }> }>(
      "GET",
      "/v1/network/validators",
    );
    assert.deepEqual(
      listed.body.items.map((v) => v.signer.toLowerCase()),
      [standby.signer.toLowerCase()],
    );
    console.log(`[validators] standby signer voted in and sealing after ${elapsed()}`);
  });

  it("removes a genesis signer by governance, and every read model agrees with the chain", async () => {
    const leaving = spec.nodes[VALIDATORS - 1]!;
    await change("south", ["east", "north"], "remove", leaving.signer);
    await eventually(
      async () => assert.equal((await signers()).includes(leaving.signer.toLowerCase()), false, "voted out"),
      120_000,
      500,
    );
    assert.equal((await signers()).length, VALIDATORS, "four signers again, the standby one among them");
    for (const [name, agent] of Object.entries(members!.agents)) {
      await eventually(async () => {
        const report = await agent.call<{ differences: unknown[] }>("GET", "/v1/agent/consistency");
        assert.equal(report.status, 200, JSON.stringify(report.body));
        assert.deepEqual(report.body.differences, [], `${name}: ${JSON.stringify(report.body)}`);
      }, 60_000);
    }
    console.log(`[validators] genesis signer voted out after ${elapsed()}`);
  });
});
