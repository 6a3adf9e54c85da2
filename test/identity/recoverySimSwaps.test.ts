// The operator guardian records SIM swaps by itself, end to end on a real devnet with agent processes: North Mobile
// (home register and identity store on PostgreSQL) is the operator guardian of a person's did:ethr identity, Alice
// and Bob (SQLite) the other guardians, 2 of 3. North's back office enrols the person's number; a SIM swap
// provisioned in North's home register then makes North's approval refused on chain during the cool-down with
// nothing else to do, while the registries' fraud signal for the same swap is still published. A swap of a number
// not enrolled records nothing; a kill between the outbox journal and North's own table, and a kill right after
// the provisioning answer, each end with exactly one record per swap.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { type Address, createPublicClient, type Hex, http } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { openStore, type Store } from "../../src/core/store/index.ts";
import { SocialRecovery } from "../../src/generated/contracts.ts";
import { changeOwnerDigest, enrolTypedData, MIN_RECOVERY_DELAY_SECONDS } from "../../src/identity/recovery/service.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";
import { expectOk, subscriber } from "../../testkit/roaming.ts";

const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const KEY = `0x${"5d".repeat(32)}`;
const SIM = {
  a: "001010000000011",
  b: "001010000000012",
  c: "001010000000013",
  d: "001010000000014",
  e: "001010000000015",
};
/** The person's number (enrolled) and a number nobody enrolled. */
const X = "447700900201";
const Y = "447700900202";

type Failure = { code: string; message: string; details?: Array<{ field: string }>; facts?: Record<string, unknown> };
type Guardianship = {
  coolDownEndsAt: string | null;
  signerNonce: string;
  registry: Address;
  registryNonce: string;
  contract: Address;
  chainId: number;
};
type Binding = { swapped: boolean; swapId: Hex | null };
type TakenSwap = { swapId: Hex; state: string; identity: Address | null; txHash: Hex | null; attempts: number };
type Enrolled = { numberHash: Hex; identity: Address; enrolledAt: string };

describe("identity: the operator guardian records SIM swaps of enrolled numbers by itself", () => {
  let pg: TestPostgres;
  let c: TestConsortium<TestAgentProcess>;
  let north: TestAgentProcess;
  let alice: TestAgentProcess;
  let bob: TestAgentProcess;
  let northStore: Store;
  const members: Record<string, Address> = {};
  const person = privateKeyToAccount(generatePrivateKey());
  const identity = person.address;
  const base = `/v1/identity/recovery/${identity}`;
  let contract: Address;

  const memberOf = async (a: TestAgentProcess) =>
    (JSON.parse(await readFile(a.configPath, "utf8")) as { memberAccount: Address }).memberAccount;
  const guardianship = () => expectOk<Guardianship>(alice.call("GET", base));
  const bind = (msisdn: string, imsi: string) =>
    expectOk<Binding>(north.call("PUT", `/v1/roaming/subscribers/msisdn/${msisdn}/sim`, { imsi }));
  const takenSwap = (swapId: Hex, state: string) =>
    eventually(
      async () => {
        const page = await expectOk<{ items: TakenSwap[] }>(
          north.call("GET", "/v1/identity/recovery/sim-swaps?limit=100"),
        );
        const swap = page.items.find((s) => s.swapId === swapId);
        assert.equal(swap?.state, state, JSON.stringify(page.items));
        return swap as TakenSwap;
      },
      90_000,
      250,
    );
  /** SimSwapRecorded events for the person's identity on chain. */
  const recordsOnChain = async () => {
    const client = createPublicClient({ transport: http(c.devnet.rpcUrl) });
    return await client.getContractEvents({
      address: contract,
      abi: SocialRecovery.abi,
      eventName: "SimSwapRecorded",
      args: { identity },
      fromBlock: 0n,
    });
  };
  const simSwapSignals = async (number: string) =>
    (
      await expectOk<{ signals: Array<{ kind: string; signalId: Hex }> }>(
        north.call("GET", `/v1/registries/signals/number/${number}`),
      )
    ).signals.filter((s) => s.kind === "sim-swap");

  before(async () => {
    pg = await startTestPostgres();
    c = await startTestConsortium(
      [
        { name: "north", roles: ["MOBILE_OPERATOR"], databaseUrl: pg.url },
        { name: "alice", roles: ["TNSP"] },
        { name: "bob", roles: ["TNSP"] },
      ],
      { agentProcesses: true },
    );
    north = c.agents.north as TestAgentProcess;
    alice = c.agents.alice as TestAgentProcess;
    bob = c.agents.bob as TestAgentProcess;
    for (const [name, a] of Object.entries({ north, alice, bob })) members[name] = await memberOf(a);
    northStore = await openStore({ databaseUrl: pg.url, migrations: [] });
    const g = await guardianship();
    contract = g.contract;
    // The person names Alice, Bob and North (its operator) as guardians, 2 of 3, and hands the identity over.
    const guardians = [members.alice, members.bob, members.north] as Address[];
    const signature = await person.signTypedData(
      enrolTypedData(contract, g.chainId, {
        identity,
        guardians,
        threshold: 2,
        delaySeconds: MIN_RECOVERY_DELAY_SECONDS,
        operator: members.north as Address,
        nonce: BigInt(g.signerNonce),
      }),
    );
    await expectOk(
      alice.call("POST", `${base}/enrolment`, {
        guardians,
        threshold: 2,
        delaySeconds: MIN_RECOVERY_DELAY_SECONDS,
        operator: members.north,
        signer: identity,
        signature,
      }),
      201,
    );
    const { registry, registryNonce } = await guardianship();
    const custody = await person.sign({ hash: changeOwnerDigest(registry, BigInt(registryNonce), identity, contract) });
    await expectOk(bob.call("POST", `${base}/custody`, { signature: custody }), 201);
    // North's home register, and its consortium key so its fraud-signal publisher runs too.
    await expectOk(north.call("PUT", "/v1/registries/key", { key: KEY }));
    await expectOk(
      north.call("PUT", "/v1/roaming/subscribers", {
        items: [subscriber(SIM.a, { msisdn: X }), subscriber(SIM.c, { msisdn: Y })],
      }),
    );
  });
  after(async () => {
    await northStore?.close();
    await c?.stop();
    await pg?.stop();
  });

  it("enrols the person's number by keyed hash (API and CLI); bad input is refused naming the field", async () => {
    const refused = async (
      p: Promise<{ status: number; body: Failure }>,
      status: number,
      code: string,
      field?: string,
    ) => {
      const { status: got, body } = await p;
      assert.equal(got, status, JSON.stringify(body));
      assert.equal(body.code, code, JSON.stringify(body));
      if (field)
        assert.ok(
          body.details?.some((d) => d.field === field) || JSON.stringify(body).includes(field),
          JSON.stringify(body),
        );
    };
    const numbers = "/v1/identity/recovery/numbers";
    await refused(north.call("POST", numbers, { number: "12", identity }), 400, "VALIDATION_FAILED", "body.number");
    await refused(
      north.call("POST", numbers, { number: X, identity: "0x12" }),
      400,
      "VALIDATION_FAILED",
      "body.identity",
    );
    // Alice is not the identity's operator guardian: she cannot enrol its number.
    await refused(
      alice.call("POST", numbers, { number: X, identity }),
      409,
      "RECOVERY_NOT_OPERATOR_GUARDIAN",
      "body.identity",
    );
    const stranger = privateKeyToAccount(generatePrivateKey()).address;
    await refused(
      north.call("POST", numbers, { number: X, identity: stranger }),
      409,
      "RECOVERY_NOT_OPERATOR_GUARDIAN",
    );
    const reader = await expectOk<{ key: string }>(
      north.call("POST", "/v1/api-keys", { userName: "audit", role: "read-only" }),
      201,
    );
    await refused(north.call("POST", numbers, { number: X, identity }, reader.key), 403, "FORBIDDEN");
    await refused(north.call("DELETE", `${numbers}/${X}`), 404, "RECOVERY_NUMBER_NOT_ENROLLED", "params.number");
    assert.deepEqual((await expectOk<{ items: Enrolled[] }>(north.call("GET", numbers))).items, [], "nothing enrolled");

    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        cliBin,
        "did",
        "recovery",
        "number",
        "enrol",
        X,
        identity,
        "--url",
        north.url,
        "--api-key",
        north.adminKey,
        "--json",
      ],
      { encoding: "utf8", timeout: 120_000 },
    );
    const enrolled = JSON.parse(stdout) as Enrolled;
    assert.equal(enrolled.identity, identity);
    assert.match(enrolled.numberHash, /^0x[0-9a-f]{64}$/);
    const again = await north.call<Enrolled>("POST", numbers, { number: X, identity });
    assert.equal(again.status, 200, "the same enrolment again changes nothing");
    const listed = await expectOk<{ items: Enrolled[]; nextCursor: string | null }>(
      north.call("GET", `${numbers}?limit=10`),
    );
    assert.deepEqual(listed.items, [enrolled]);
    // The number is nowhere in North's store, nor in what the API shows.
    const rows = await northStore.query(`SELECT * FROM identity_recovery_numbers`);
    assert.equal(rows.length, 1);
    assert.ok(!JSON.stringify(rows).includes(X) && !JSON.stringify(listed).includes(X), "the number is not kept bare");
  });

  it("a swap of the enrolled number makes the operator's approval refused on chain, with nothing else to do", async () => {
    assert.equal((await guardianship()).coolDownEndsAt, null, "no swap recorded yet");
    const started = Date.now();
    const swap = await bind(X, SIM.b);
    const answeredMs = Date.now() - started;
    assert.equal(swap.swapped, true);
    const taken = await takenSwap(swap.swapId as Hex, "recorded");
    assert.equal(taken.identity, identity);
    assert.match(taken.txHash ?? "", /^0x[0-9a-f]{64}$/);
    const { coolDownEndsAt } = await guardianship();
    assert.ok(coolDownEndsAt, "the cool-down runs");
    assert.equal((await recordsOnChain()).length, 1);

    // North, as a guardian, may not approve (nor propose) during the cool-down; the others may.
    const newKey = privateKeyToAccount(generatePrivateKey()).address;
    const proposed = await expectOk<{ recoveryId: Hex }>(
      alice.call("POST", `${base}/recoveries`, { newController: newKey }),
      201,
    );
    const approval = await north.call<Failure>("POST", `${base}/recoveries/${proposed.recoveryId}/approvals`);
    assert.equal(approval.status, 409, JSON.stringify(approval.body));
    assert.equal(approval.body.code, "RECOVERY_OPERATOR_COOLING_DOWN");
    assert.equal(approval.body.facts?.coolDownEndsAt, coolDownEndsAt);
    // The registries' fraud signal for the same swap is published as before.
    await eventually(async () => assert.equal((await simSwapSignals(X)).length, 1), 90_000, 250);
    assert.ok(answeredMs < 10_000, `the swap answered in ${answeredMs} ms`);
  });

  it("a swap of a number not enrolled records nothing", async () => {
    const swap = await bind(Y, SIM.d);
    const taken = await takenSwap(swap.swapId as Hex, "not-enrolled");
    assert.deepEqual([taken.identity, taken.txHash, taken.attempts], [null, null, 0]);
    assert.equal((await recordsOnChain()).length, 1, "still the one record of X's swap");
    await eventually(async () => assert.equal((await simSwapSignals(Y)).length, 1), 90_000, 250);
  });

  it("a kill between the outbox journal and the guardian's table does not record the swap twice", async () => {
    const [first] = (
      await expectOk<{ items: TakenSwap[] }>(north.call("GET", "/v1/identity/recovery/sim-swaps"))
    ).items.filter((s) => s.state === "recorded");
    assert.ok(first);
    await c.killAgent("north");
    // What such a kill leaves: the attempt begun (its chain time kept), the transaction mined, no ticket in the row.
    await northStore.exec(
      `UPDATE identity_recovery_sim_swaps SET state = 'pending', tx_id = NULL, tx_hash = NULL, done_at = NULL
       WHERE swap_id = $1`,
      [first.swapId],
    );
    await c.startAgent("north");
    const again = await takenSwap(first.swapId, "recorded");
    assert.equal(again.txHash, null, "found on chain, not sent again");
    assert.equal((await recordsOnChain()).length, 1, "one record on chain");
  });

  it("a kill right after the provisioning answer still records the swap, once", async () => {
    const swap = await bind(X, SIM.e);
    await c.killAgent("north");
    await c.startAgent("north");
    await takenSwap(swap.swapId as Hex, "recorded");
    await eventually(async () => assert.equal((await recordsOnChain()).length, 2, "one record per swap"), 60_000, 250);
    await eventually(async () => assert.equal((await simSwapSignals(X)).length, 2), 90_000, 250);
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [cliBin, "did", "recovery", "sim-swaps", "--url", north.url, "--api-key", north.adminKey],
      { encoding: "utf8", timeout: 120_000 },
    );
    assert.equal(stdout.trim().split("\n").length, 3, stdout);
    assert.match(stdout, /not-enrolled/);
  });
});
