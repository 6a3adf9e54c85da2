// Number-port clearing end to end on a real devnet with real agents: a Numbering Authority, a Trust Authority, two
// TNSPs (Alpha loses numbers, Beta gains them) and a mobile operator that is no TNSP. A port of a number and a range
// goes requested -> concurred -> scheduled -> activated, and at activation the Numbering Authority's agent executes
// the EIDL port (port id as evidence), so Beta's agent shows the numbers at Beta at once; the negative cases are
// refused by the contract's named errors with nothing changed: a request from a non-provider, a step by the wrong
// provider, a port without concurrence, a double activation, a number already in an open port; a refusal frees the
// numbers; bad input names its field; every agent's read model agrees with the chain.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { createOrg, grant, ORG_TYPE, type Org, ok, setNumberingScope, vet } from "../../testkit/eidlHierarchy.ts";
import { eventually } from "../../testkit/eventually.ts";

interface Port {
  portId: string;
  gaining: string;
  gainingName: string | null;
  losing: string;
  state: string;
  reason: number;
  numbers: string[];
  deadline: string | null;
  overdue: boolean;
  eidlPorted: boolean;
}
interface Outcome {
  port: Port;
  txHash: string;
}
interface ErrorBody {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}

const NUMBER = "13125550142";
const RANGE = "1312555020"; // 1-312-555-020X: ten numbers, a whole block granted in EIDL as one prefix
const RANGE_NUMBERS = Array.from({ length: 10 }, (_, i) => `${RANGE}${i}`);
const REFUSED_NUMBER = "13125550143";
const BATCH_BLOCK = "1312555030"; // a block ported by a range request, activated in a batch
const BATCH_NUMBER = "13125550144";

describe("registries: number-port clearing with the EIDL port at activation", () => {
  let c: TestConsortium;
  let na: TestAgent;
  let alpha: TestAgent;
  let beta: TestAgent;
  let mno: TestAgent;
  let ta: TestAgent;
  const org: Record<string, Org> = {};
  let alphaMember: Address;
  let portId: string;

  before(async () => {
    c = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "na", roles: ["NUMBERING_AUTHORITY"] },
      { name: "alpha", roles: ["TNSP", "OSP"] },
      { name: "beta", roles: ["TNSP", "OSP"] },
      { name: "mno", roles: ["MOBILE_OPERATOR"] },
    ]);
    ({ ta, na, alpha, beta, mno } = c.agents as Record<string, TestAgent> as {
      ta: TestAgent;
      na: TestAgent;
      alpha: TestAgent;
      beta: TestAgent;
      mno: TestAgent;
    });
    alphaMember = alpha.agent.config.memberAccount;
    org.ta = await createOrg(ta, "Trust Authority", ORG_TYPE.TRUST_AUTHORITY);
    org.na = await createOrg(na, "Numbering Authority", ORG_TYPE.NUMBERING_AUTHORITY);
    org.alpha = await createOrg(alpha, "Alpha Telecom", ORG_TYPE.TNSP);
    org.beta = await createOrg(beta, "Beta Networks", ORG_TYPE.TNSP);
    await vet(ta, org.alpha, org.ta);
    await vet(ta, org.beta, org.ta);
    await setNumberingScope([ta, na, alpha, beta, mno], org.na, ["1"]);
    // One consortium key in every agent: a port-out signal names its number by keyed hash.
    const key = `0x${"5a".repeat(32)}`;
    for (const agent of [ta, na, alpha, beta, mno]) await ok(agent, "PUT", "/v1/registries/key", { key });
    for (const tnId of [NUMBER, RANGE, REFUSED_NUMBER, BATCH_BLOCK, BATCH_NUMBER]) {
      await grant(na, [{ tnId, issuer: org.na, subject: org.alpha }]);
    }
  });
  after(() => c?.stop());

  const holdersOf = async (agent: TestAgent, tn: string) =>
    (await ok<{ holders: string[] }>(agent, "GET", `/v1/eidl/tn/${tn}/holders`)).holders;
  const refused = async (r: Promise<{ status: number; body: ErrorBody }>, error: RegExp): Promise<void> => {
    const { status, body } = await r;
    assert.equal(status, 422, JSON.stringify(body));
    assert.equal(body.code, "CHAIN_REVERTED");
    assert.match(body.message, error);
  };

  it("refuses a port request from a member that is no TNSP (NotAProvider), nothing recorded", async () => {
    await refused(
      mno.call<ErrorBody>("POST", "/v1/registries/ports", { losing: alphaMember, numbers: [NUMBER] }),
      /NotAProvider\(/,
    );
    assert.equal((await ok<{ items: Port[] }>(alpha, "GET", "/v1/registries/ports")).items.length, 0);
  });

  it("Beta requests a bulk port (a number and a block of ten) from Alpha; every agent sees it requested", async () => {
    const requested = await ok<Outcome>(
      beta,
      "POST",
      "/v1/registries/ports",
      { losing: alphaMember, numbers: [NUMBER, ...RANGE_NUMBERS], concurWindowSeconds: 3600 },
      201,
    );
    portId = requested.port.portId;
    assert.equal(requested.port.state, "requested");
    assert.match(requested.port.gainingName ?? "", /beta/);
    assert.deepEqual(requested.port.numbers, [NUMBER, ...RANGE_NUMBERS]);
    assert.ok(requested.port.deadline, "a requested port has its concurrence deadline");
    assert.equal(requested.port.overdue, false);
    const seen = await eventually(() => ok<Port>(alpha, "GET", `/v1/registries/ports/${portId}`));
    assert.equal(seen.state, "requested");
    const listed = await ok<{ items: Port[] }>(alpha, "GET", `/v1/registries/ports?number=${RANGE}7`);
    assert.deepEqual(
      listed.items.map((p) => p.portId),
      [portId],
    );
  });

  it("refuses a port without concurrence, a step by the wrong provider, and a number already in an open port", async () => {
    await refused(beta.call("POST", `/v1/registries/ports/${portId}/activate`, {}), /InvalidPortState\(/);
    await refused(beta.call("POST", `/v1/registries/ports/${portId}/schedule`, {}), /InvalidPortState\(/);
    await refused(beta.call("POST", `/v1/registries/ports/${portId}/concur`), /NotTheProvider\(/);
    await refused(alpha.call("POST", `/v1/registries/ports/${portId}/cancel`), /NotTheProvider\(/);
    await refused(
      beta.call("POST", "/v1/registries/ports", { losing: alphaMember, numbers: [NUMBER] }),
      /NumberInOpenPort\(/,
    );
    // A range overlapping the open port's block conflicts with it: a range is its numbers.
    await refused(
      beta.call("POST", "/v1/registries/ports", { losing: alphaMember, range: { start: `${RANGE}5`, count: 20 } }),
      new RegExp(`NumberInOpenPort\\(${RANGE}5, ${portId}\\)`),
    );
    assert.equal((await ok<Port>(beta, "GET", `/v1/registries/ports/${portId}`)).state, "requested");
    assert.deepEqual(await holdersOf(beta, NUMBER), [org.alpha?.did]);
  });

  it("Alpha concurs, Beta schedules and activates: the EIDL port moves the numbers to Beta at once", async () => {
    await eventually(() => ok<Port>(alpha, "GET", `/v1/registries/ports/${portId}`));
    assert.equal((await ok<Outcome>(alpha, "POST", `/v1/registries/ports/${portId}/concur`)).port.state, "concurred");
    await eventually(async () =>
      assert.equal((await ok<Port>(beta, "GET", `/v1/registries/ports/${portId}`)).state, "concurred"),
    );
    const scheduled = await ok<Outcome>(beta, "POST", `/v1/registries/ports/${portId}/schedule`, {});
    assert.equal(scheduled.port.state, "scheduled");
    const started = Date.now();
    const activated = await ok<Outcome>(beta, "POST", `/v1/registries/ports/${portId}/activate`, { waitSeconds: 30 });
    assert.equal(activated.port.state, "activated");
    assert.equal(activated.port.eidlPorted, true, "the activation answers once Beta's agent sees the EIDL port");
    const elapsed = Date.now() - started;
    assert.deepEqual(await holdersOf(beta, NUMBER), [org.beta?.did]);
    assert.deepEqual(await holdersOf(beta, `${RANGE}7`), [org.beta?.did], "the whole range moved");
    // The Numbering Authority's agent executed one EIDL port for the number and one for the whole block (its ten
    // numbers share one grant), with the port id as evidence.
    const executions = await ok<{ items: Array<{ number: string; grantId: string | null; error: string | null }> }>(
      na,
      "GET",
      `/v1/registries/ports/${portId}/executions`,
    );
    assert.deepEqual(
      executions.items.map((e) => [e.number, e.error]),
      [NUMBER, ...RANGE_NUMBERS].sort().map((n) => [n, null]),
    );
    assert.ok(executions.items.every((e) => e.grantId !== null));
    assert.equal(
      new Set(executions.items.map((e) => e.grantId)).size,
      2,
      "one grant for the number, one for the block",
    );
    // Other agents host no Numbering Authority: they record the numbers as not theirs, with no grant.
    const elsewhere = await ok<{ items: Array<{ grantId: string | null }> }>(
      alpha,
      "GET",
      `/v1/registries/ports/${portId}/executions`,
    );
    assert.ok(elsewhere.items.every((e) => e.grantId === null));
    console.log(`activation to EIDL port seen by the gaining agent: ${elapsed} ms (includes waiting for the due time)`);
  });

  it("refuses a second activation (InvalidPortState), nothing changed", async () => {
    await refused(beta.call("POST", `/v1/registries/ports/${portId}/activate`, {}), /InvalidPortState\(/);
    const executions = await ok<{ items: Array<{ grantId: string }> }>(
      na,
      "GET",
      `/v1/registries/ports/${portId}/executions`,
    );
    assert.equal(new Set(executions.items.map((e) => e.grantId)).size, 2, "no second EIDL port");
    assert.deepEqual(await holdersOf(beta, NUMBER), [org.beta?.did]);
  });

  it("Alpha's agent publishes a port-out fraud signal for each number it lost, seen by every agent", async () => {
    type Signals = {
      flagged: boolean;
      signals: Array<{ kind: string; reporter: string; holder: string | null; evidence: string; confidence: number }>;
    };
    for (const number of [NUMBER, `${RANGE}9`]) {
      const seen = await eventually(async () => {
        const r = await ok<Signals>(mno, "GET", `/v1/registries/signals/number/${number}`);
        assert.equal(r.flagged, true, `${number} flagged`);
        return r;
      }, 60_000);
      assert.deepEqual(
        seen.signals.map((x) => [x.kind, x.reporter.toLowerCase(), x.holder?.toLowerCase(), x.evidence, x.confidence]),
        [["port-out", alphaMember.toLowerCase(), beta.agent.config.memberAccount.toLowerCase(), portId, 100]],
      );
    }
    // A number never ported is not flagged.
    assert.equal((await ok<Signals>(mno, "GET", `/v1/registries/signals/number/${REFUSED_NUMBER}`)).flagged, false);
  });

  it("Alpha refuses a port with a reason; its number is free for a new request", async () => {
    const second = await ok<Outcome>(
      beta,
      "POST",
      "/v1/registries/ports",
      { losing: alphaMember, numbers: [REFUSED_NUMBER] },
      201,
    );
    const id = second.port.portId;
    await eventually(() => ok<Port>(alpha, "GET", `/v1/registries/ports/${id}`));
    const out = await ok<Outcome>(alpha, "POST", `/v1/registries/ports/${id}/refuse`, { reason: 7 });
    assert.equal(out.port.state, "refused");
    assert.equal(out.port.reason, 7);
    assert.deepEqual(await holdersOf(alpha, REFUSED_NUMBER), [org.alpha?.did]);
    const again = await eventually(() =>
      ok<Outcome>(beta, "POST", "/v1/registries/ports", { losing: alphaMember, numbers: [REFUSED_NUMBER] }, 201),
    );
    assert.equal(
      (await ok<Outcome>(beta, "POST", `/v1/registries/ports/${again.port.portId}/cancel`)).port.state,
      "cancelled",
    );
  });

  it("bad input names its field and sends nothing", async () => {
    const cases: Array<[unknown, string]> = [
      [{ losing: alphaMember, numbers: ["013125550142"] }, "body.numbers[0]"],
      [{ losing: alphaMember, numbers: [NUMBER, NUMBER] }, "body.numbers[1]"],
      [{ losing: "0x12", numbers: [NUMBER] }, "body.losing"],
      [{ losing: alphaMember, numbers: [] }, "body.numbers"],
      [{ losing: alphaMember, numbers: [NUMBER], concurWindowSeconds: 60 }, "body.concurWindowSeconds"],
      [{ losing: alphaMember, numbers: [NUMBER], range: { start: NUMBER, count: 2 } }, "body.range"],
      [{ losing: alphaMember }, "body.numbers"],
      [{ losing: alphaMember, range: { start: NUMBER, count: 1001 } }, "body.range.count"],
      [{ losing: alphaMember, range: { start: "999999999999999", count: 2 } }, "body.range.count"],
      [{ losing: alphaMember, range: { start: "0123", count: 2 } }, "body.range.start"],
    ];
    for (const [body, field] of cases) {
      const r = await beta.call<ErrorBody>("POST", "/v1/registries/ports", body);
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.ok(
        r.body.details?.some((d) => d.field === field),
        `${JSON.stringify(body)} names ${field}: ${JSON.stringify(r.body)}`,
      );
    }
    const unknown = await beta.call<ErrorBody>("GET", `/v1/registries/ports/0x${"ab".repeat(32)}`);
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.code, "REGISTRIES_PORT_NOT_FOUND");
    const ports = await ok<{ items: Port[] }>(beta, "GET", "/v1/registries/ports");
    assert.equal(ports.items.length, 3);
  });

  it("Beta activates a range port of a block and a number port in one batch; a bad item is named by index", async () => {
    const requestOf = async (body: Record<string, unknown>) =>
      (await ok<Outcome>(beta, "POST", "/v1/registries/ports", { losing: alphaMember, ...body }, 201)).port.portId;
    const block = await requestOf({ range: { start: `${BATCH_BLOCK}0`, count: 10 } });
    const single = await requestOf({ numbers: [BATCH_NUMBER] });
    for (const id of [block, single]) {
      await eventually(() => ok<Port>(alpha, "GET", `/v1/registries/ports/${id}`));
      await ok<Outcome>(alpha, "POST", `/v1/registries/ports/${id}/concur`);
    }
    await eventually(async () =>
      assert.equal((await ok<Port>(beta, "GET", `/v1/registries/ports/${single}`)).state, "concurred"),
    );
    await ok<Outcome>(beta, "POST", `/v1/registries/ports/${block}/schedule`, {});
    // The number port is not scheduled yet: the batch is refused whole, naming item 1 and its reason.
    const bad = await beta.call<ErrorBody>("POST", "/v1/registries/ports/activate", { portIds: [block, single] });
    assert.equal(bad.status, 422, JSON.stringify(bad.body));
    assert.match(
      bad.body.message,
      new RegExp(`BatchItemRefused\\(1, ${single}, InvalidPortState\\(${single}, 2\\)\\)`),
    );
    assert.equal(
      (await ok<Port>(beta, "GET", `/v1/registries/ports/${block}`)).state,
      "scheduled",
      "nothing activated",
    );
    const twice = await beta.call<ErrorBody>("POST", "/v1/registries/ports/activate", { portIds: [block, block] });
    assert.equal(twice.status, 400);
    assert.ok(twice.body.details?.some((d) => d.field === "body.portIds[1]"));
    await ok<Outcome>(beta, "POST", `/v1/registries/ports/${single}/schedule`, {});
    const started = Date.now();
    const done = await ok<{ ports: Port[]; txHash: string }>(beta, "POST", "/v1/registries/ports/activate", {
      portIds: [block, single],
      waitSeconds: 30,
    });
    assert.deepEqual(
      done.ports.map((p) => [p.state, p.eidlPorted]),
      [
        ["activated", true],
        ["activated", true],
      ],
    );
    assert.deepEqual(await holdersOf(beta, `${BATCH_BLOCK}3`), [org.beta?.did], "the whole block moved");
    assert.deepEqual(await holdersOf(beta, BATCH_NUMBER), [org.beta?.did]);
    const executions = await ok<{ items: Array<{ grantId: string }> }>(
      na,
      "GET",
      `/v1/registries/ports/${block}/executions`,
    );
    assert.equal(executions.items.length, 10);
    assert.equal(new Set(executions.items.map((e) => e.grantId)).size, 1, "a block is one EIDL prefix grant");
    console.log(`batch activation to EIDL ports seen by the gaining agent: ${Date.now() - started} ms`);
    await refused(
      beta.call("POST", "/v1/registries/ports/activate", { portIds: [single] }),
      /BatchItemRefused\(0, .*InvalidPortState\(/,
    );
  });

  it("every agent's port read model agrees with the chain", async () => {
    for (const agent of [na, alpha, beta, mno]) {
      const report = await eventually(async () => {
        const r = await ok<{ differences: Array<{ domain: string }> }>(agent, "GET", "/v1/agent/consistency");
        assert.deepEqual(
          r.differences.filter((d) => d.domain === "registries"),
          [],
        );
        return r;
      });
      assert.ok(report);
    }
  });
});
