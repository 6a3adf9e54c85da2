// The EIDL side of a batch activation (issue 22), end to end on a real devnet with real agents: the Numbering
// Authority's agent collects the blocks of every activated port it has not executed yet and makes them in ONE
// `TnAuthority.portBatch` transaction, each number then at the gaining organisation in every agent's EIDL facts; when
// the ledger refuses one block of a batch, the executor falls back to one port at a time, so the other ports are made
// and the refusal is recorded for the bad block's number only.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import { type Address, decodeFunctionData, type Hex } from "viem";
import { TnAuthority } from "../../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { createOrg, grant, ORG_TYPE, type Org, ok, setNumberingScope, vet } from "../../testkit/eidlHierarchy.ts";
import { eventually } from "../../testkit/eventually.ts";

interface Port {
  portId: string;
  state: string;
  eidlPorted: boolean;
}
interface Execution {
  number: string;
  grantId: string | null;
  txHash: string | null;
  error: string | null;
}

const FIRST = "13125560001";
const SECOND = "13125560002";
const BLOCK = "1312556010"; // ten numbers, one EIDL prefix grant
const GOOD = "13125560003";
const NEVER_ALLOCATED = "13125560009"; // in the authority's scope, but no allocation covers it: NothingToPort

describe("registries: a batch activation is one EIDL portBatch; a refused block falls back to single ports", () => {
  let c: TestConsortium;
  let na: TestAgent;
  let alpha: TestAgent;
  let beta: TestAgent;
  const org: Record<string, Org> = {};
  let alphaMember: Address;

  before(async () => {
    c = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "na", roles: ["NUMBERING_AUTHORITY"] },
      { name: "alpha", roles: ["TNSP", "OSP"] },
      { name: "beta", roles: ["TNSP", "OSP"] },
    ]);
    const { ta } = c.agents as Record<string, TestAgent> as { ta: TestAgent };
    ({ na, alpha, beta } = c.agents as Record<string, TestAgent> as {
      na: TestAgent;
      alpha: TestAgent;
      beta: TestAgent;
    });
    alphaMember = alpha.agent.config.memberAccount;
    org.ta = await createOrg(ta, "Trust Authority", ORG_TYPE.TRUST_AUTHORITY);
    org.na = await createOrg(na, "Numbering Authority", ORG_TYPE.NUMBERING_AUTHORITY);
    org.alpha = await createOrg(alpha, "Alpha Telecom", ORG_TYPE.TNSP);
    org.beta = await createOrg(beta, "Beta Networks", ORG_TYPE.TNSP);
    await vet(ta, org.alpha, org.ta);
    await vet(ta, org.beta, org.ta);
    await setNumberingScope([ta, na, alpha, beta], org.na, ["1"]);
    for (const tnId of [FIRST, SECOND, BLOCK, GOOD]) await grant(na, [{ tnId, issuer: org.na, subject: org.alpha }]);
  });
  after(() => c?.stop());

  const holdersOf = async (agent: TestAgent, tn: string) =>
    (await ok<{ holders: string[] }>(agent, "GET", `/v1/eidl/tn/${tn}/holders`)).holders;
  /** The TnAuthority function a transaction called. */
  const functionOf = async (hash: Hex) => {
    const tx = await na.agent.chain.getTransaction({ hash });
    return decodeFunctionData({ abi: TnAuthority.abi, data: tx.input }).functionName;
  };
  const executionsOf = async (portId: string) =>
    (await ok<{ items: Execution[] }>(na, "GET", `/v1/registries/ports/${portId}/executions`)).items;

  /** Beta requests each body from Alpha, Alpha concurs, Beta schedules: the ports, ready to activate. */
  const scheduledPorts = async (bodies: Record<string, unknown>[]): Promise<string[]> => {
    const ids: string[] = [];
    for (const body of bodies) {
      const requested = await ok<{ port: Port }>(
        beta,
        "POST",
        "/v1/registries/ports",
        { losing: alphaMember, ...body },
        201,
      );
      ids.push(requested.port.portId);
    }
    for (const id of ids) {
      await eventually(() => ok<Port>(alpha, "GET", `/v1/registries/ports/${id}`));
      await ok(alpha, "POST", `/v1/registries/ports/${id}/concur`);
    }
    for (const id of ids) {
      await eventually(async () =>
        assert.equal((await ok<Port>(beta, "GET", `/v1/registries/ports/${id}`)).state, "concurred"),
      );
      await ok(beta, "POST", `/v1/registries/ports/${id}/schedule`, {});
    }
    return ids;
  };

  it("three ports activated in one batch (two numbers and a block) are ONE EIDL transaction", async () => {
    const ids = await scheduledPorts([
      { numbers: [FIRST] },
      { numbers: [SECOND] },
      { range: { start: `${BLOCK}0`, count: 10 } },
    ]);
    const started = Date.now();
    const done = await ok<{ ports: Port[] }>(beta, "POST", "/v1/registries/ports/activate", {
      portIds: ids,
      waitSeconds: 60,
    });
    assert.deepEqual(
      done.ports.map((p) => [p.state, p.eidlPorted]),
      ids.map(() => ["activated", true]),
    );
    console.log(`batch activation of 3 ports to EIDL ports seen by the gaining agent: ${Date.now() - started} ms`);
    for (const tn of [FIRST, SECOND, `${BLOCK}0`, `${BLOCK}9`]) {
      assert.deepEqual(await holdersOf(beta, tn), [org.beta?.did], `${tn} is Beta's in Beta's EIDL facts`);
      assert.deepEqual(await holdersOf(alpha, tn), [org.beta?.did], `${tn} is Beta's in Alpha's EIDL facts`);
    }
    const executions = (await Promise.all(ids.map(executionsOf))).flat();
    assert.equal(executions.length, 12, "two numbers and the block's ten");
    assert.ok(executions.every((e) => e.error === null && e.grantId !== null));
    assert.equal(new Set(executions.map((e) => e.grantId)).size, 3, "a grant per number and one for the block");
    const txs = new Set(executions.map((e) => e.txHash));
    assert.equal(txs.size, 1, `one EIDL transaction for the three ports, not ${[...txs].join(", ")}`);
    assert.equal(await functionOf([...txs][0] as Hex), "portBatch");
  });

  it("a block the ledger refuses makes the batch fall back to single ports: the good one is made, the bad one's refusal recorded for its number only", async () => {
    const [good, bad] = (await scheduledPorts([{ numbers: [GOOD] }, { numbers: [NEVER_ALLOCATED] }])) as [
      string,
      string,
    ];
    await ok(beta, "POST", "/v1/registries/ports/activate", { portIds: [good, bad], waitSeconds: 0 });
    const [made, refused] = await eventually(async () => {
      const [g] = await executionsOf(good);
      const [b] = await executionsOf(bad);
      assert.ok(g && b, "both executed");
      return [g, b] as const;
    });
    assert.equal(made.error, null);
    assert.ok(made.grantId && made.txHash, "the good port was made on its own");
    assert.deepEqual(
      await eventually(async () => {
        const holders = await holdersOf(beta, GOOD);
        assert.deepEqual(holders, [org.beta?.did]);
        return holders;
      }),
      [org.beta?.did],
    );
    assert.equal(refused.number, NEVER_ALLOCATED);
    assert.equal(refused.grantId, null);
    assert.equal(refused.txHash, null);
    assert.match(refused.error ?? "", /NothingToPort/, "the single port's own refusal, for that number only");
    assert.equal(await functionOf(made.txHash as Hex), "port", "the fallback made the good port on its own");
  });
});
