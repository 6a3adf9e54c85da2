// Robocall traceback and fraud signals end to end on a real devnet with real agents: North Mobile terminates a
// robocall and traces it back through three carriers (Beta Networks -> Alpha Telecom -> Origin Voice, where it
// originated); the chain never sees the call's numbers, only their keyed digest. Refused by the contracts' named
// errors with nothing changed: an answer from a carrier not in the path (NotInPath), from one in the path but not
// asked (NotAskedCarrier), after the deadline (HopDeadlinePassed; the silent carrier is then recorded), a signal
// from a non-operator (NotAnOperator), clearing another operator's signal (NotSignalReporter), a challenge by an
// operator that does not hold the number (NotHolderOperator); bad input names its field; every agent agrees.
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { latestBlockTimestamp, mineBlockAt } from "../../testkit/chainTime.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";

interface Hop {
  position: number;
  carrier: string;
  carrierName: string | null;
  upstream: string | null;
  outcome: string;
  evidence: string | null;
}
interface Trace {
  traceId: string;
  requester: string;
  state: string;
  attestation: string | null;
  callDigest: string;
  asked: string;
  askedName: string | null;
  overdue: boolean;
  origin: string | null;
  originName: string | null;
  passport: TracePassport | null;
  hops: Hop[];
}
interface TracePassport {
  origid: string;
  spc: string;
  certificate: string;
  originProvider: string | null;
  originProviderName: string | null;
  originMatchesPath: boolean | null;
}
interface TraceOutcome {
  trace: Trace;
  txHash: Hex;
}
interface Signal {
  signalId: string;
  reporter: string;
  kind: string;
  state: string;
  live: boolean;
  confidence: number;
  challenger: string | null;
}
interface SignalOutcome {
  signal: Signal;
  txHash: Hex;
}
interface Check {
  flagged: boolean;
  subject: string;
  signals: Signal[];
}
interface ErrorBody {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}

const ROBOCALLER = "12025550177";
const CALLED = "13125550100";
const evidence = (label: string) => `0x${Buffer.from(label.padEnd(32, ".").slice(0, 32)).toString("hex")}`;

async function ok<T>(p: Promise<{ status: number; body: unknown }>, status = 200): Promise<T> {
  const r = await p;
  assert.equal(r.status, status, JSON.stringify(r.body));
  return r.body as T;
}

describe("registries: robocall traceback and fraud signals", () => {
  let c: TestConsortium;
  let north: TestAgent;
  let beta: TestAgent;
  let alpha: TestAgent;
  let origin: TestAgent;
  let vetter: TestAgent;
  let all: TestAgent[];
  const member = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase();
  const key = `0x${randomBytes(32).toString("hex")}`;
  const call = { origid: randomUUID(), orig: ROBOCALLER, dest: CALLED, iat: Math.floor(Date.now() / 1000) };
  let traceId: string;

  before(async () => {
    c = await startTestConsortium([
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "beta", roles: ["TNSP", "OSP"] },
      { name: "alpha", roles: ["TNSP", "OSP"] },
      { name: "origin", roles: ["OSP"] },
      { name: "vetter", roles: ["KYC_VETTER"] },
    ]);
    ({ north, beta, alpha, origin, vetter } = c.agents as Record<string, TestAgent> as {
      north: TestAgent;
      beta: TestAgent;
      alpha: TestAgent;
      origin: TestAgent;
      vetter: TestAgent;
    });
    all = [north, beta, alpha, origin, vetter];
    for (const agent of all) await ok(agent.call("PUT", "/v1/registries/key", { key }));
  });
  after(() => c?.stop());

  const refused = async (r: Promise<{ status: number; body: ErrorBody }>, error: RegExp): Promise<void> => {
    const { status, body } = await r;
    assert.equal(status, 422, JSON.stringify(body));
    assert.equal(body.code, "CHAIN_REVERTED");
    assert.match(body.message, error);
  };
  const traceOn = (agent: TestAgent, id: string) => ok<Trace>(agent.call("GET", `/v1/registries/traces/${id}`));
  const answer = (agent: TestAgent, id: string, upstream: string | null, label = "cdr") =>
    agent.call<ErrorBody>("POST", `/v1/registries/traces/${id}/answer`, { upstream, evidence: evidence(label) });

  it("a robocall is traced back through three carriers to its origin, naming the call only by its keyed digest", async () => {
    const opened = await ok<TraceOutcome>(
      north.call("POST", "/v1/registries/traces", { call, firstHop: member(beta), attestation: "C" }),
      201,
    );
    traceId = opened.trace.traceId;
    assert.equal(opened.trace.state, "open");
    assert.equal(opened.trace.asked, member(beta));
    assert.equal(opened.trace.attestation, "C");
    const tx = await north.agent.chain.getTransaction({ hash: opened.txHash });
    for (const digits of [ROBOCALLER, CALLED]) {
      assert.ok(!tx.input.includes(digits), "no number in clear");
      assert.ok(!tx.input.includes(Buffer.from(digits).toString("hex")), "no number as bytes");
    }

    // Beta's agent sees that it is asked; a carrier not in the path and one not asked are refused by name.
    const asked = await eventually(async () => {
      const page = await ok<{ items: Trace[] }>(beta.call("GET", `/v1/registries/traces?asked=${member(beta)}`));
      assert.equal(page.items.length, 1);
      return page.items[0] as Trace;
    });
    assert.equal(asked.traceId, traceId);
    assert.equal(asked.callDigest, opened.trace.callDigest, "every member computes the same digest");
    await refused(answer(origin, traceId, null), /NotInPath\(/);
    await refused(answer(vetter, traceId, null), /NotInPath\(/);
    await refused(answer(north, traceId, member(origin)), /NotAskedCarrier\(/);
    assert.equal((await traceOn(north, traceId)).hops.length, 2, "nothing changed");

    await ok<TraceOutcome>(answer(beta, traceId, member(alpha), "beta cdr"));
    await refused(answer(beta, traceId, null), /NotAskedCarrier\(/);
    await ok<TraceOutcome>(answer(alpha, traceId, member(origin), "alpha cdr"));
    const done = await ok<TraceOutcome>(answer(origin, traceId, null, "origin cdr"));
    assert.equal(done.trace.state, "completed");
    assert.equal(done.trace.origin, member(origin));

    for (const agent of all) {
      const seen = await eventually(async () => {
        const t = await traceOn(agent, traceId);
        assert.equal(t.state, "completed");
        return t;
      });
      assert.equal(seen.originName, "origin (test)");
      assert.deepEqual(
        seen.hops.map((h) => [h.carrier, h.outcome, h.upstream]),
        [
          [member(north), "requester", member(beta)],
          [member(beta), "forwarded", member(alpha)],
          [member(alpha), "forwarded", member(origin)],
          [member(origin), "originated", null],
        ],
      );
      assert.equal(seen.hops[1]?.evidence, evidence("beta cdr"));
    }
    await refused(answer(origin, traceId, null), /TraceNotOpen\(/);
  });

  it("an answer after the deadline is refused (HopDeadlinePassed) and the silent carrier is recorded", async () => {
    const late = { ...call, origid: randomUUID() };
    const opened = await ok<TraceOutcome>(
      north.call("POST", "/v1/registries/traces", { call: late, firstHop: member(beta), hopWindowSeconds: 60 }),
      201,
    );
    const id = opened.trace.traceId;
    await refused(north.call<ErrorBody>("POST", `/v1/registries/traces/${id}/unanswered`), /HopNotOverdue\(/);
    await mineBlockAt(c.devnet.rpcUrl, (await latestBlockTimestamp(c.devnet.rpcUrl)) + 120);
    await refused(answer(beta, id, member(alpha)), /HopDeadlinePassed\(/);
    await refused(vetter.call<ErrorBody>("POST", `/v1/registries/traces/${id}/unanswered`), /NotAnOperator\(/);
    const unchanged = await traceOn(north, id);
    assert.equal(unchanged.state, "open");
    assert.equal(unchanged.hops.length, 2);
    const marked = await ok<TraceOutcome>(north.call("POST", `/v1/registries/traces/${id}/unanswered`));
    assert.equal(marked.trace.state, "unanswered");
    assert.equal(marked.trace.asked, member(beta));
    assert.equal(marked.trace.hops[1]?.outcome, "unanswered");
    const seen = await eventually(async () => {
      const t = await traceOn(alpha, id);
      assert.equal(t.state, "unanswered");
      return t;
    });
    assert.equal(seen.askedName, "beta (test)");
  });

  it("fraud signals: reported by an operator, seen by every agent, challenged by the holder's operator, cleared by the reporter only", async () => {
    const check = (agent: TestAgent) => ok<Check>(agent.call("GET", `/v1/registries/signals/number/${ROBOCALLER}`));
    assert.equal((await check(beta)).flagged, false);
    const body = {
      number: ROBOCALLER,
      kind: "robocall-campaign",
      confidence: 90,
      evidence: evidence("trace"),
      holder: member(alpha),
    };
    await refused(vetter.call<ErrorBody>("POST", "/v1/registries/signals", body), /NotAnOperator\(/);
    assert.equal((await ok<{ items: Signal[] }>(north.call("GET", "/v1/registries/signals"))).items.length, 0);

    const reported = await ok<SignalOutcome>(north.call("POST", "/v1/registries/signals", body), 201);
    const id = reported.signal.signalId;
    const tx = await north.agent.chain.getTransaction({ hash: reported.txHash });
    assert.ok(!tx.input.includes(ROBOCALLER), "no number in clear");
    for (const agent of all) {
      const seen = await eventually(async () => {
        const r = await check(agent);
        assert.equal(r.flagged, true);
        return r;
      });
      assert.equal(seen.signals[0]?.signalId, id);
      assert.equal(seen.signals[0]?.kind, "robocall-campaign");
      assert.equal(seen.signals[0]?.confidence, 90);
    }

    await refused(beta.call<ErrorBody>("POST", `/v1/registries/signals/${id}/clear`), /NotSignalReporter\(/);
    await refused(alpha.call<ErrorBody>("POST", `/v1/registries/signals/${id}/clear`), /NotSignalReporter\(/);
    await refused(
      beta.call<ErrorBody>("POST", `/v1/registries/signals/${id}/challenge`, { evidence: evidence("x") }),
      /NotHolderOperator\(/,
    );
    assert.equal((await check(beta)).signals[0]?.state, "active", "nothing changed");

    const challenged = await ok<SignalOutcome>(
      alpha.call("POST", `/v1/registries/signals/${id}/challenge`, { evidence: evidence("holder") }),
    );
    assert.equal(challenged.signal.state, "challenged");
    assert.equal(challenged.signal.challenger, member(alpha));
    assert.equal(challenged.signal.live, true, "a challenged signal still counts");

    const cleared = await ok<SignalOutcome>(north.call("POST", `/v1/registries/signals/${id}/clear`));
    assert.equal(cleared.signal.state, "cleared");
    await eventually(async () => assert.equal((await check(beta)).flagged, false));
  });

  it("bad input names its field and sends nothing", async () => {
    const before = await ok<{ items: Trace[] }>(north.call("GET", "/v1/registries/traces"));
    const cases: Array<[string, string, unknown, string]> = [
      [
        "POST",
        "/v1/registries/traces",
        { call: { ...call, origid: "nope" }, firstHop: member(beta) },
        "body.call.origid",
      ],
      ["POST", "/v1/registries/traces", { call: { ...call, orig: "0123" }, firstHop: member(beta) }, "body.call.orig"],
      ["POST", "/v1/registries/traces", { call, firstHop: "0x12" }, "body.firstHop"],
      ["POST", "/v1/registries/traces", { call, firstHop: member(beta), hopWindowSeconds: 5 }, "body.hopWindowSeconds"],
      ["POST", "/v1/registries/traces", { call, firstHop: member(beta), attestation: "D" }, "body.attestation"],
      ["POST", `/v1/registries/traces/${traceId}/answer`, { upstream: "alpha" }, "body.upstream"],
      [
        "POST",
        "/v1/registries/signals",
        { number: ROBOCALLER, kind: "spam", confidence: 5, evidence: evidence("e") },
        "body.kind",
      ],
      [
        "POST",
        "/v1/registries/signals",
        { number: ROBOCALLER, kind: "wangiri", confidence: 0, evidence: evidence("e") },
        "body.confidence",
      ],
      [
        "POST",
        "/v1/registries/signals",
        { number: ROBOCALLER, kind: "wangiri", confidence: 5, evidence: "0x1" },
        "body.evidence",
      ],
    ];
    for (const [method, path, body, field] of cases) {
      const r = await north.call<ErrorBody>(method as "POST", path, body);
      assert.equal(r.status, 400, `${field}: ${JSON.stringify(r.body)}`);
      assert.ok(
        r.body.details?.some((d) => d.field === field),
        `${field}: ${JSON.stringify(r.body)}`,
      );
    }
    const unknown = `0x${"ab".repeat(32)}`;
    const missing = await north.call<ErrorBody>("POST", `/v1/registries/traces/${unknown}/answer`, { upstream: null });
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "REGISTRIES_TRACE_NOT_FOUND");
    assert.ok(missing.body.details?.some((d) => d.field === "params.traceId"));
    const noSignal = await north.call<ErrorBody>("POST", `/v1/registries/signals/${unknown}/clear`);
    assert.equal(noSignal.body.code, "REGISTRIES_SIGNAL_NOT_FOUND");
    const after = await ok<{ items: Trace[] }>(north.call("GET", "/v1/registries/traces"));
    assert.equal(after.items.length, before.items.length, "nothing sent");
  });

  it("a trace opened from the call's PASSporT records its origid and the originating provider its certificate names", async () => {
    // The vetter's agent is the STI-CA; Origin Voice gets an STI certificate with TNAuthList { SPC ORIG1 } and signs
    // the robocall's PASSporT; North Mobile trusts the CA and fetches x5u from Origin Voice's agent.
    const { certificatePem: rootPem } = await ok<{ certificatePem: string }>(
      vetter.call("POST", "/v1/stir/ca", { commonName: "Traceback test STI-CA" }),
    );
    const { publicKeyPem } = await ok<{ publicKeyPem: string }>(
      origin.call("POST", "/v1/stir/sti/key", { spc: "ORIG1" }),
    );
    const { chainPem } = await ok<{ chainPem: string }>(
      vetter.call("POST", "/v1/stir/ca/certificates", { publicKeyPem, spc: "ORIG1" }),
    );
    await ok(origin.call("PUT", "/v1/stir/sti/certificate", { chainPem }));
    // In-process agents listen on a port chosen at start: Origin Voice is told its real URL for its x5u.
    await ok(origin.call("PUT", "/v1/stir/settings", { x5uBaseUrl: origin.url }));
    await ok(north.call("POST", "/v1/stir/trust-roots", { pem: rootPem }), 201);
    await ok(north.call("PUT", "/v1/stir/settings", { x5uAllowedOrigins: [origin.url] }));
    const origid = randomUUID();
    const iat = Math.floor(Date.now() / 1000);
    const { identity } = (
      await ok<{ signingResponse: { identity: string } }>(
        origin.call("POST", "/stir/v1/signing", {
          signingRequest: { attest: "C", orig: { tn: ROBOCALLER }, dest: { tn: [CALLED] }, iat, origid },
        }),
      )
    ).signingResponse;
    const token = identity.split(";")[0] as string;

    // The SPC register: first come, the member's own again changes nothing, another member's refused by name.
    const registered = await ok<{ spc: string; member: string }>(
      origin.call("POST", "/v1/registries/spcs", { spc: "ORIG1" }),
    );
    assert.equal(registered.member, member(origin));
    await ok(origin.call("POST", "/v1/registries/spcs", { spc: "ORIG1" }));
    await refused(alpha.call("POST", "/v1/registries/spcs", { spc: "ORIG1" }), /SpcTaken\(/);
    await refused(vetter.call("POST", "/v1/registries/spcs", { spc: "VET1" }), /NotAnOperator\(/);
    const badSpc = await vetter.call<ErrorBody>("POST", "/v1/registries/spcs", { spc: "no spaces" });
    assert.equal(badSpc.status, 400);
    assert.equal(badSpc.body.details?.[0]?.field, "body.spc");
    const held = await eventually(() => ok<{ memberName: string }>(beta.call("GET", "/v1/registries/spcs/ORIG1")));
    assert.equal(held.memberName, "origin (test)");
    assert.equal(
      (await beta.call<ErrorBody>("GET", "/v1/registries/spcs/NOBODY")).body.code,
      "REGISTRIES_SPC_NOT_FOUND",
    );

    // A PASSporT that fails verification (its signature altered) opens nothing, with the STI-VS reason.
    const before = (
      await ok<{ items: Trace[] }>(north.call("GET", `/v1/registries/traces?requester=${member(north)}&limit=100`))
    ).items.length;
    const forged = `${token.slice(0, -4)}${token.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`;
    for (const passport of [forged, "not a passport"]) {
      const r = await north.call<ErrorBody>("POST", "/v1/registries/traces", { passport, firstHop: member(beta) });
      assert.equal(r.status, 422, JSON.stringify(r.body));
      assert.equal(r.body.code, "REGISTRIES_PASSPORT_INVALID");
      assert.equal(r.body.details?.[0]?.field, "body.passport");
    }
    const both = await north.call<ErrorBody>("POST", "/v1/registries/traces", {
      passport: token,
      call,
      firstHop: member(beta),
    });
    assert.equal(both.status, 400);
    assert.equal(both.body.details?.[0]?.field, "body.call");
    const after = (
      await ok<{ items: Trace[] }>(north.call("GET", `/v1/registries/traces?requester=${member(north)}&limit=100`))
    ).items.length;
    assert.equal(after, before, "nothing opened");

    // The compact JWS and the Identity header both open a trace naming Origin Voice as the originating provider.
    const opened = await ok<TraceOutcome>(
      north.call("POST", "/v1/registries/traces", { passport: identity, firstHop: member(beta) }),
      201,
    );
    assert.equal(opened.trace.attestation, "C", "attest from the PASSporT");
    assert.deepEqual(
      { ...opened.trace.passport, certificate: undefined },
      {
        origid,
        spc: "ORIG1",
        certificate: undefined,
        originProvider: member(origin),
        originProviderName: "origin (test)",
        originMatchesPath: null,
      },
    );
    assert.match(opened.trace.passport?.certificate ?? "", /^0x[0-9a-f]{64}$/);
    const byToken = await ok<TraceOutcome>(
      north.call("POST", "/v1/registries/traces", { passport: token, firstHop: member(beta) }),
      201,
    );
    assert.equal(byToken.trace.callDigest, opened.trace.callDigest, "the same call");
    const tx = await north.agent.chain.getTransaction({ hash: opened.txHash });
    for (const digits of [ROBOCALLER, CALLED]) {
      assert.ok(!tx.input.includes(Buffer.from(digits).toString("hex")), "no number on chain");
    }
    const id = opened.trace.traceId;
    await ok<TraceOutcome>(answer(beta, id, member(alpha)));
    await ok<TraceOutcome>(answer(alpha, id, member(origin)));
    await ok<TraceOutcome>(answer(origin, id, null));
    const done = await eventually(async () => {
      const t = await traceOn(beta, id);
      assert.equal(t.state, "completed");
      return t;
    });
    assert.equal(done.passport?.originMatchesPath, true, "the path ends at the provider that signed the call");
    // The path of the second trace ends elsewhere: Alpha claims the call originated with it; the trace shows it.
    await ok<TraceOutcome>(answer(beta, byToken.trace.traceId, member(alpha)));
    const claimed = await ok<TraceOutcome>(answer(alpha, byToken.trace.traceId, null));
    assert.equal(claimed.trace.passport?.originMatchesPath, false);
  });

  it("carriers answer from their own call records: a robocall traced through three carriers with no answer typed", async () => {
    const robocall = { ...call, origid: randomUUID() };
    const record = (agent: TestAgent, upstream: string | null, c = robocall) =>
      agent.call<ErrorBody>("POST", "/v1/registries/calls", { calls: [{ call: c, upstream }] });
    // Each carrier's CDRs: Beta received the call from Alpha, Alpha from Origin Voice, where it originated.
    await ok(record(beta, member(alpha)));
    await ok(record(alpha, member(origin)));
    const originRecord = await ok<{ calls: Array<{ callDigest: string; upstream: string | null; evidence: string }> }>(
      record(origin, null),
    );
    const self = await record(alpha, member(alpha));
    assert.equal(self.status, 400);
    assert.equal(self.body.details?.[0]?.field, "body.calls[0].upstream");

    const opened = await ok<TraceOutcome>(
      north.call("POST", "/v1/registries/traces", { call: robocall, firstHop: member(beta), attestation: "C" }),
      201,
    );
    assert.equal(originRecord.calls[0]?.callDigest, opened.trace.callDigest, "the log holds the same keyed digest");
    const id = opened.trace.traceId;
    const done = await eventually(async () => {
      const t = await traceOn(north, id);
      assert.equal(t.state, "completed");
      return t;
    }, 30_000);
    assert.deepEqual(
      done.hops.map((h) => [h.carrier, h.outcome, h.upstream]),
      [
        [member(north), "requester", member(beta)],
        [member(beta), "forwarded", member(alpha)],
        [member(alpha), "forwarded", member(origin)],
        [member(origin), "originated", null],
      ],
    );
    assert.equal(done.hops[3]?.evidence, originRecord.calls[0]?.evidence, "the record's evidence hash on chain");
    const response = await ok<{ txHash: string | null; error: string | null }>(
      beta.call("GET", `/v1/registries/traces/${id}/response`),
    );
    assert.match(response.txHash ?? "", /^0x[0-9a-f]{64}$/);
    assert.equal(response.error, null);
    // North was never asked: it sent no answer by itself.
    assert.equal((await north.call<ErrorBody>("GET", `/v1/registries/traces/${id}/response`)).status, 404);

    // A log naming a member that is no carrier: the contract refuses the agent's answer by name, the refusal is
    // recorded, and the trace still asks Beta (its deadline shows if nobody answers by hand).
    const odd = { ...call, origid: randomUUID() };
    await ok(record(beta, member(vetter), odd));
    const stuck = await ok<TraceOutcome>(
      north.call("POST", "/v1/registries/traces", { call: odd, firstHop: member(beta) }),
      201,
    );
    const refusal = await eventually(
      () =>
        ok<{ txHash: string | null; error: string | null }>(
          beta.call("GET", `/v1/registries/traces/${stuck.trace.traceId}/response`),
        ),
      30_000,
    );
    assert.equal(refusal.txHash, null);
    assert.match(refusal.error ?? "", /NotACarrier\(/);
    const still = await traceOn(north, stuck.trace.traceId);
    assert.equal(still.state, "open");
    assert.equal(still.asked, member(beta));
  });

  it("every agent's traceback and signal read models agree with the chain", async () => {
    for (const agent of all) {
      await eventually(async () => {
        const r = await ok<{ differences: Array<{ domain: string }> }>(agent.call("GET", "/v1/agent/consistency"));
        assert.deepEqual(
          r.differences.filter((d) => d.domain === "registries"),
          [],
        );
      });
    }
  });
});
