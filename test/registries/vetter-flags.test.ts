// Tie to EIDL on a real devnet with real agents: North Mobile traces a robocall to Origin Voice, where it originated;
// the campaign's calling number is held in EIDL by Origin Voice's TNSP organisation, vetted by the Trust Authority.
// Once the trace completed, North Mobile (its requester) flags the number to that vetter: the flag names the holder
// and the vetter organisations and the number only by keyed hash, and the Trust Authority's agent lists it and
// acknowledges it. Refused by name with nothing recorded: a flag before the trace completed (TraceNotCompleted), by a
// carrier that is neither requester nor origin (NotTraceParty), of a number nobody holds (REGISTRIES_NUMBER_NOT_HELD,
// nothing sent), an acknowledgement by another member (NotFlagVetter), a second one (FlagAlreadyAcknowledged).
import assert from "node:assert/strict";
import { randomBytes, randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { createOrg, grant, ORG_TYPE, type Org, ok, setNumberingScope, vet } from "../../testkit/eidlHierarchy.ts";
import { eventually } from "../../testkit/eventually.ts";

interface Flag {
  flagId: string;
  traceId: string;
  flagger: string;
  subject: string;
  holder: string;
  holderDid: string;
  vetter: string;
  vetterDid: string;
  vetterMember: string;
  acknowledged: boolean;
  acknowledgedAt: string | null;
}
interface FlagOutcome {
  flag: Flag;
  txHash: Hex;
}
interface ErrorBody {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}

const ROBOCALLER = "12025550177";
const UNHELD = "13125559999";

describe("registries: a number of a confirmed robocall campaign flagged to its holder's vetter", () => {
  let c: TestConsortium;
  let ta: TestAgent;
  let na: TestAgent;
  let north: TestAgent;
  let origin: TestAgent;
  let beta: TestAgent;
  const org: Record<string, Org> = {};
  const member = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase();
  let traceId: string;
  let flagId: string;

  before(async () => {
    c = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "na", roles: ["NUMBERING_AUTHORITY"] },
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "origin", roles: ["TNSP", "OSP"] },
      { name: "beta", roles: ["TNSP", "OSP"] },
    ]);
    ({ ta, na, north, origin, beta } = c.agents as Record<string, TestAgent> as {
      ta: TestAgent;
      na: TestAgent;
      north: TestAgent;
      origin: TestAgent;
      beta: TestAgent;
    });
    const all = [ta, na, north, origin, beta];
    org.ta = await createOrg(ta, "Trust Authority", ORG_TYPE.TRUST_AUTHORITY);
    org.na = await createOrg(na, "Numbering Authority", ORG_TYPE.NUMBERING_AUTHORITY);
    org.origin = await createOrg(origin, "Origin Voice", ORG_TYPE.TNSP);
    await vet(ta, org.origin, org.ta);
    await setNumberingScope(all, org.na, ["1"]);
    await grant(na, [{ tnId: ROBOCALLER, issuer: org.na, subject: org.origin }]);
    const key = `0x${randomBytes(32).toString("hex")}`;
    for (const agent of all) await ok(agent, "PUT", "/v1/registries/key", { key });
    const call = { origid: randomUUID(), orig: ROBOCALLER, dest: "13125550100", iat: Math.floor(Date.now() / 1000) };
    const opened = await ok<{ trace: { traceId: string } }>(
      north,
      "POST",
      "/v1/registries/traces",
      { call, firstHop: member(origin), attestation: "C" },
      201,
    );
    traceId = opened.trace.traceId;
  });
  after(() => c?.stop());

  const refused = async (r: Promise<{ status: number; body: ErrorBody }>, error: RegExp): Promise<void> => {
    const { status, body } = await r;
    assert.equal(status, 422, JSON.stringify(body));
    assert.equal(body.code, "CHAIN_REVERTED");
    assert.match(body.message, error);
  };
  const flagsOf = async (agent: TestAgent, query = "") =>
    (await ok<{ items: Flag[] }>(agent, "GET", `/v1/registries/vetter-flags${query}`)).items;

  it("refuses a flag before the trace completed (TraceNotCompleted), nothing recorded", async () => {
    await refused(
      north.call("POST", `/v1/registries/traces/${traceId}/flags`, { number: ROBOCALLER }),
      /TraceNotCompleted\(/,
    );
    await eventually(() => ok(origin, "GET", `/v1/registries/traces/${traceId}`));
    await ok(origin, "POST", `/v1/registries/traces/${traceId}/answer`, { upstream: null });
    assert.deepEqual(await flagsOf(north), []);
  });

  it("refuses a flag by a carrier that is neither requester nor origin, and of a number nobody holds", async () => {
    await eventually(async () => {
      const t = await ok<{ state: string }>(beta, "GET", `/v1/registries/traces/${traceId}`);
      assert.equal(t.state, "completed");
    });
    await refused(
      beta.call("POST", `/v1/registries/traces/${traceId}/flags`, { number: ROBOCALLER }),
      /NotTraceParty\(/,
    );
    const unheld = await north.call<ErrorBody>("POST", `/v1/registries/traces/${traceId}/flags`, { number: UNHELD });
    assert.equal(unheld.status, 404, JSON.stringify(unheld.body));
    assert.equal(unheld.body.code, "REGISTRIES_NUMBER_NOT_HELD");
    assert.equal(unheld.body.details?.[0]?.field, "body.number");
    const bad = await north.call<ErrorBody>("POST", `/v1/registries/traces/${traceId}/flags`, { number: "+1202" });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.match(JSON.stringify(bad.body), /body\.number/);
    const unknown = await north.call<ErrorBody>("POST", `/v1/registries/traces/0x${"ab".repeat(32)}/flags`, {
      number: ROBOCALLER,
    });
    assert.equal(unknown.body.code, "REGISTRIES_TRACE_NOT_FOUND");
    assert.deepEqual(await flagsOf(north), []);
  });

  it("the requester flags the number to its holder's vetter; the chain names organisations and a keyed hash only", async () => {
    const out = await ok<FlagOutcome>(
      north,
      "POST",
      `/v1/registries/traces/${traceId}/flags`,
      { number: ROBOCALLER },
      201,
    );
    flagId = out.flag.flagId;
    assert.equal(out.flag.holderDid, org.origin?.did);
    assert.equal(out.flag.vetterDid, org.ta?.did);
    assert.equal(out.flag.vetterMember, member(ta));
    assert.equal(out.flag.flagger, member(north));
    assert.equal(out.flag.acknowledged, false);
    const tx = await north.agent.chain.getTransaction({ hash: out.txHash });
    assert.ok(!tx.input.includes(ROBOCALLER), "no number in clear");
    assert.ok(!tx.input.includes(Buffer.from(ROBOCALLER).toString("hex")), "no number as bytes");
    // The same number, flagged by the same member to the same vetter again: FlagExists.
    await refused(north.call("POST", `/v1/registries/traces/${traceId}/flags`, { number: ROBOCALLER }), /FlagExists\(/);

    // The vetter's agent lists it by its member account and by its organisation's DID.
    const listed = await eventually(async () => {
      const items = await flagsOf(ta, `?vetter=${member(ta)}`);
      assert.equal(items.length, 1);
      return items;
    });
    assert.equal(listed[0]?.flagId, flagId);
    assert.equal(listed[0]?.subject, out.flag.subject);
    assert.deepEqual(
      (await flagsOf(ta, `?vetter=${encodeURIComponent(org.ta?.did ?? "")}&acknowledged=false`)).map((f) => f.flagId),
      [flagId],
    );
    assert.deepEqual(await flagsOf(ta, `?vetter=${member(beta)}`), []);
  });

  it("only the vetter's member acknowledges, once", async () => {
    await eventually(() => ok(beta, "GET", `/v1/registries/vetter-flags/${flagId}`));
    await refused(beta.call("POST", `/v1/registries/vetter-flags/${flagId}/acknowledge`), /NotFlagVetter\(/);
    const acked = await ok<FlagOutcome>(ta, "POST", `/v1/registries/vetter-flags/${flagId}/acknowledge`);
    assert.equal(acked.flag.acknowledged, true);
    assert.ok(acked.flag.acknowledgedAt);
    await refused(ta.call("POST", `/v1/registries/vetter-flags/${flagId}/acknowledge`), /FlagAlreadyAcknowledged\(/);
    const seen = await eventually(async () => {
      const f = await ok<Flag>(north, "GET", `/v1/registries/vetter-flags/${flagId}`);
      assert.equal(f.acknowledged, true);
      return f;
    });
    assert.equal(seen.vetterMember, member(ta));
    const missing = await ta.call<ErrorBody>("GET", `/v1/registries/vetter-flags/0x${"cd".repeat(32)}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "REGISTRIES_FLAG_NOT_FOUND");
  });

  it("the origin, the trace's other party, may flag it too (its own flag)", async () => {
    const out = await ok<FlagOutcome>(
      origin,
      "POST",
      `/v1/registries/traces/${traceId}/flags`,
      { number: ROBOCALLER },
      201,
    );
    assert.notEqual(out.flag.flagId, flagId);
    assert.equal(out.flag.flagger, member(origin));
    assert.equal((await flagsOf(origin, `?traceId=${traceId}`)).length, 2);
  });

  it("every agent's vetter flags agree with the chain", async () => {
    for (const agent of [ta, north, beta]) {
      await eventually(async () => {
        const r = await ok<{ differences: Array<{ domain: string }> }>(agent, "GET", "/v1/agent/consistency");
        assert.deepEqual(
          r.differences.filter((d) => d.domain === "registries"),
          [],
        );
      });
    }
  });
});
