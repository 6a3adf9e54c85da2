// Service-outcome auditing through the member agents' APIs on a real devnet: Acme Enterprise orders an installation
// from North Mobile (fee 1,000.00, 60% at completion, 400.00 escrowed); seven auditors hosted by the Auditors' Guild
// (accounts bound to it, keys in its agent) signal, and so does one auditor North hosts (affiliated, never drawn).
// Acme complains about two tasks; juries of 3 are drawn from the members' beacon; Acme's evidence is encrypted to the
// drawn jurors only (their agent opens it, a non-drawn auditor's cannot); the jurors commit, reveal and tally; North
// objects to the first verdict in the next epoch, a fresh jury of 5 overturns it and the tally pays everyone; the
// second verdict is finalized after its window. Negative cases, each refused with a named error and nothing changed:
// unbond during the epoch, affiliated juror, double vote, wrong salt, late reveal, objection out of window. Every
// minted unit is accounted for at the end. Time moves by mining blocks at chosen timestamps on the devnet.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { BEACON_PHASE_SECONDS } from "../../src/auditing/ledger.ts";
import {
  eventually,
  latestBlockTimestamp,
  mineBlockAt,
  startTestConsortium,
  type TestAgent,
  type TestConsortium,
} from "../../testkit/index.ts";

type Json = Record<string, unknown>;
const PHASE = Number(BEACON_PHASE_SECONDS);

describe("auditing: a complaint, a jury of 3 from 7, an objection and a jury of 5, through the agents", () => {
  let consortium: TestConsortium;
  let acme: TestAgent;
  let north: TestAgent;
  let guild: TestAgent;
  let bank: TestAgent;
  let vetter: TestAgent;
  const auditors: string[] = [];
  let northAuditor: string;
  let caseA: Hex;
  let caseB: Hex;
  let tokenAddress: string;
  let multisig: string;

  const ok = async <T = Json>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (
    agent: TestAgent,
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
    revert?: string,
  ) => {
    const r = await agent.call<{ code: string; message: string; facts?: Json }>(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    if (revert) assert.equal(r.body.facts?.revert, revert, JSON.stringify(r.body));
    return r.body;
  };
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase();
  const advance = async (seconds: number) =>
    mineBlockAt(consortium.devnet.rpcUrl, (await latestBlockTimestamp(consortium.devnet.rpcUrl)) + seconds);
  /** Mines a block at the first second of the court's next epoch. */
  const nextEpoch = async () => {
    const epoch = await ok<{ epoch: number; endsAt: number }>(vetter, "GET", "/v1/auditing/epoch");
    await mineBlockAt(consortium.devnet.rpcUrl, epoch.endsAt);
    assert.equal((await ok<{ epoch: number }>(vetter, "GET", "/v1/auditing/epoch")).epoch, epoch.epoch + 1);
  };
  const balances = async (...accounts: string[]) => {
    const r = await ok<{
      accounts: Array<{ account: string; role?: string; balance: string; bonded: string; locked: string }>;
    }>(vetter, "GET", `/v1/auditing/balances?accounts=${accounts.join(",")}`);
    return new Map(r.accounts.map((a) => [a.role ?? a.account, a]));
  };
  const balanceOf = async (who: string) => BigInt((await balances(who)).get(who)?.balance ?? "0");
  const caseView = (agent: TestAgent, id: Hex) => ok<Json>(agent, "GET", `/v1/auditing/cases/${id}`);
  const caseIn = (id: Hex, status: string, round = 0) =>
    eventually(async () => {
      const c = await caseView(vetter, id);
      assert.equal(c.status, status);
      assert.equal(c.round, round);
      return c;
    }, 20_000);
  const currentJury = (c: Json) => {
    const juries = c.juries as Array<{
      round: number;
      jurors: Array<{ juror: string; vote: string; committed: boolean }>;
    }>;
    return juries.filter((j) => j.round === c.round).at(-1)?.jurors ?? [];
  };
  /** Two members commit to each case's beacon round, reveal after its commit phase, and each jury is drawn. */
  const beaconAndDraw = async (...ids: Hex[]) => {
    for (const id of ids) {
      for (const member of [bank, vetter]) await ok(member, "POST", `/v1/auditing/cases/${id}/beacon/commit`);
    }
    await refused(
      bank,
      "POST",
      `/v1/auditing/cases/${ids[0]}/draw`,
      undefined,
      409,
      "AUDITING_BEACON_NOT_READY",
      "BeaconNotReady",
    );
    await advance(PHASE);
    for (const id of ids) {
      for (const member of [bank, vetter]) await ok(member, "POST", `/v1/auditing/cases/${id}/beacon/reveal`);
    }
    await advance(PHASE);
    for (const id of ids) {
      const drawn = await ok<Json>(acme, "POST", `/v1/auditing/cases/${id}/draw`);
      assert.equal(drawn.status, "voting", JSON.stringify(drawn));
    }
  };
  const vote = (id: Hex, juror: string, v: "uphold" | "reject") =>
    ok(guild, "POST", `/v1/auditing/cases/${id}/votes`, { juror, vote: v });
  const reveal = (id: Hex, juror: string) => ok(guild, "POST", `/v1/auditing/cases/${id}/reveals`, { juror });

  before(async () => {
    consortium = await startTestConsortium([
      { name: "acme", roles: ["ENTERPRISE"] },
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "guild", roles: ["BPO"] },
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
      { name: "vetter", roles: ["KYC_VETTER"] },
    ]);
    ({ acme, north, guild, bank, vetter } = consortium.agents as Record<string, TestAgent> & {
      acme: TestAgent;
      north: TestAgent;
      guild: TestAgent;
      bank: TestAgent;
      vetter: TestAgent;
    });
    const manifest = JSON.parse(readFileSync(consortium.manifestPath, "utf8"));
    tokenAddress = String(manifest.contracts.SettlementToken.address).toLowerCase();
    for (const [agent, amount, ref] of [
      [acme, "300000", "acme fiat 1"],
      [north, "20000", "north fiat 1"],
      [guild, "120000", "guild fiat 1"],
    ] as const) {
      await ok(bank, "POST", "/v1/settlement/mint", { to: account(agent), amount, bankRef: ref });
    }
  });
  after(async () => {
    await consortium?.stop();
  });

  it("makes a 2-of-3 multi-signature bank the court's slashSink by governance; it mints only with two signatures", async () => {
    const deployed = await ok<{ bank: string; threshold: number }>(bank, "POST", "/v1/auditing/banks", {
      signers: [account(bank), account(vetter), account(acme)],
      threshold: 2,
    });
    multisig = deployed.bank;
    // The governors admit it as a member holding SETTLEMENT_BANK (3 of the 5 founding governors).
    const admit = await ok<{ proposalId: number }>(bank, "POST", "/v1/membership/proposals", {
      kind: "admit",
      member: multisig,
      name: "Clearing bank (2 of 3)",
      roles: ["SETTLEMENT_BANK"],
    });
    for (const governor of [vetter, north]) {
      await ok(governor, "POST", `/v1/membership/proposals/${admit.proposalId}/approve`);
    }
    // ... and name it the court's slashSink, so slashed deposits are burned, not parked at the token's address.
    const before = await ok<{ slashSink: string; jurorDeposit: string }>(acme, "GET", "/v1/auditing/params");
    assert.equal(before.slashSink, tokenAddress);
    const proposed = await ok<{ proposalId: Hex; current: { slashSink: string } }>(
      acme,
      "POST",
      "/v1/auditing/params/proposals",
      { changes: { slashSink: multisig } },
    );
    assert.equal(proposed.current.slashSink, tokenAddress, "one governor's approval changes nothing");
    await refused(
      acme,
      "POST",
      `/v1/auditing/params/proposals/${proposed.proposalId}/approve`,
      undefined,
      409,
      "AUDITING_ALREADY_APPROVED",
      "AlreadyApproved",
    );
    await ok(north, "POST", `/v1/auditing/params/proposals/${proposed.proposalId}/approve`);
    const done = await ok<{ current: { slashSink: string; jurorDeposit: string } }>(
      vetter,
      "POST",
      `/v1/auditing/params/proposals/${proposed.proposalId}/approve`,
    );
    assert.deepEqual(done.current, { ...before, slashSink: multisig }, "only slashSink changed");
    await refused(
      acme,
      "POST",
      "/v1/auditing/params/proposals",
      { changes: { firstJurySize: 4 } },
      422,
      "AUDITING_INVALID_PARAMS",
      "InvalidParams",
    );
    // Mints need two signers: a non-signer is refused, one approval mints nothing, the second mints.
    const northBefore = await balanceOf(account(north));
    const mint = { kind: "mint", member: account(north), amount: "5000", bankRef: "multisig fiat 1" };
    await refused(
      north,
      "POST",
      `/v1/auditing/banks/${multisig}/approvals`,
      mint,
      403,
      "AUDITING_NOT_SIGNER",
      "NotSigner",
    );
    const first = await ok<{ executed: boolean; approvals: number }>(
      bank,
      "POST",
      `/v1/auditing/banks/${multisig}/approvals`,
      mint,
    );
    assert.deepEqual([first.executed, first.approvals], [false, 1]);
    assert.equal(await balanceOf(account(north)), northBefore);
    const second = await ok<{ executed: boolean }>(vetter, "POST", `/v1/auditing/banks/${multisig}/approvals`, mint);
    assert.equal(second.executed, true);
    assert.equal(await balanceOf(account(north)), northBefore + 5_000n);
    await refused(
      acme,
      "POST",
      `/v1/auditing/banks/${multisig}/approvals`,
      mint,
      409,
      "AUDITING_OPERATION_DONE",
      "OperationDone",
    );
  });

  it("hosts auditors as accounts bound to their members, vetted under their own DIDs, signalling from the next epoch", async () => {
    for (let i = 0; i < 10; i++) {
      const created = await ok<{ account: string; did: string; member: string }>(
        guild,
        "POST",
        "/v1/auditing/auditors",
        {
          label: `guild auditor ${i}`,
        },
      );
      assert.equal(created.member, account(guild));
      assert.ok(created.did.endsWith(created.account));
      auditors.push(created.account);
    }
    const northOwn = await ok<{ account: string; did: string }>(north, "POST", "/v1/auditing/auditors", {
      label: "north's own",
    });
    northAuditor = northOwn.account;
    // Only a KYC vetter vets; the affiliation is the member the account is bound to.
    await refused(
      guild,
      "POST",
      `/v1/auditing/auditors/${auditors[0]}/vet`,
      { did: `did:ethr:0x7a69:${auditors[0]}` },
      403,
      "AUDITING_NOT_VETTER",
      "NotVetter",
    );
    for (const [host, a] of [...auditors.map((a) => [guild, a] as const), [north, northAuditor] as const]) {
      const hosted = await ok<{ hosted: { did: string } }>(host, "GET", `/v1/auditing/auditors/${a}`);
      const vetted = await ok<{ affiliation: string }>(vetter, "POST", `/v1/auditing/auditors/${a}/vet`, {
        did: hosted.hosted.did,
      });
      assert.equal(vetted.affiliation, account(host));
    }
    // The same DID cannot be vetted for a second account.
    const first = await ok<{ hosted: { did: string } }>(guild, "GET", `/v1/auditing/auditors/${auditors[0]}`);
    await refused(
      vetter,
      "POST",
      `/v1/auditing/auditors/${auditors[0]}/vet`,
      { did: first.hosted.did },
      409,
      "AUDITING_DID_TAKEN",
    );

    for (const a of auditors.slice(0, 7)) {
      const s = await ok<{ bonded: string }>(guild, "POST", `/v1/auditing/auditors/${a}/signal`, {
        amount: "10000",
        capacity: 2,
        epochs: 2,
      });
      assert.equal(s.bonded, "10000");
    }
    await ok(north, "POST", `/v1/auditing/auditors/${northAuditor}/signal`, {
      amount: "10000",
      capacity: 2,
      epochs: 2,
    });
    // Another member's agent cannot sign for the guild's auditors: the key is not in its keystore.
    await refused(
      north,
      "POST",
      `/v1/auditing/auditors/${auditors[0]}/signal`,
      { amount: "10000", capacity: 1, epochs: 1 },
      404,
      "AUDITING_UNKNOWN_AUDITOR",
    );
    assert.equal(await balanceOf(account(guild)), 120_000n - 70_000n);
  });

  it("refuses to unbond a stake during the epochs it signalled for, and nothing moves", async () => {
    const before = await balances(auditors[0] as string);
    await refused(
      guild,
      "POST",
      `/v1/auditing/auditors/${auditors[0]}/withdrawals`,
      { amount: "100" },
      409,
      "AUDITING_STAKE_BONDED",
      "StakeBondedUntil",
    );
    assert.deepEqual(await balances(auditors[0] as string), before);
  });

  it("pays 60% at completion and escrows 40%; a complaint stakes 10% of the fee", async () => {
    await nextEpoch();
    const ids: Hex[] = [];
    for (const ref of ["install-42", "install-43"]) {
      const proposed = await ok<{ agreementId: Hex }>(acme, "POST", "/v1/auditing/agreements", {
        provider: account(north),
        fee: "100000",
        upfrontBps: 6000,
        escrowSeconds: 7 * 86_400,
        terms: `fibre installation ${ref}: working line within 5 days, MTTR under 4 hours`,
      });
      await ok(north, "POST", `/v1/auditing/agreements/${proposed.agreementId}/accept`);
      const ordered = await ok<{ taskId: Hex }>(acme, "POST", "/v1/auditing/tasks", {
        agreementId: proposed.agreementId,
        reference: ref,
      });
      const northBefore = await balanceOf(account(north));
      const done = await ok<{ status: string; escrowed: string }>(
        north,
        "POST",
        `/v1/auditing/tasks/${ordered.taskId}/completion`,
        {
          report: `${ref} installed, line test passed`,
        },
      );
      assert.deepEqual([done.status, done.escrowed], ["completed", "40000"]);
      assert.equal(await balanceOf(account(north)), northBefore + 60_000n);
      ids.push(ordered.taskId);
    }
    const acmeBefore = await balanceOf(account(acme));
    const a = await ok<{ caseId: Hex; stake: string }>(acme, "POST", `/v1/auditing/tasks/${ids[0]}/complaints`, {
      evidence: "line down 3 days after",
    });
    const b = await ok<{ caseId: Hex; stake: string }>(acme, "POST", `/v1/auditing/tasks/${ids[1]}/complaints`, {
      evidence: "wrong port used",
    });
    assert.equal(a.stake, "10000");
    assert.equal(await balanceOf(account(acme)), acmeBefore - 20_000n);
    caseA = a.caseId;
    caseB = b.caseId;
    // One complaint per task and requester.
    await refused(
      acme,
      "POST",
      `/v1/auditing/tasks/${ids[0]}/complaints`,
      { evidence: "again" },
      409,
      "AUDITING_CASE_EXISTS",
      "CaseExists",
    );
  });

  it("draws juries of 3 from the 7 unaffiliated signalling auditors, never North's own", async () => {
    await beaconAndDraw(caseA, caseB);
    for (const id of [caseA, caseB]) {
      const jury = currentJury(await caseIn(id, "voting"));
      assert.equal(jury.length, 3);
      for (const j of jury) assert.ok(auditors.slice(0, 7).includes(j.juror), `${j.juror} is one of the guild's seven`);
      assert.ok(!jury.some((j) => j.juror === northAuditor), "the provider's own auditor is never drawn");
    }
  });

  it("encrypts the complainant's evidence to the drawn jurors only: a juror's agent opens it, no other auditor can", async () => {
    const jury = currentJury(await caseView(vetter, caseA)).map((j) => j.juror);
    const items = [
      { kind: "cdr-samples", content: "2026-11-02T10:04Z +4930123 -> +4930999 setup failed (cause 38)" },
      { kind: "kpi-log", content: "line down 2026-11-02T09:12Z to 2026-11-05T10:40Z: MTTR 73h, agreed 4h" },
    ];
    // Only a party shares, and only once a jury is seated.
    await refused(guild, "POST", `/v1/auditing/cases/${caseA}/evidence`, { items }, 403, "AUDITING_NOT_PARTY");
    const shared = await ok<{ envelopeHash: Hex; jurors: string[]; txHashes: string[] }>(
      acme,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence`,
      { items },
    );
    assert.deepEqual([...shared.jurors].sort(), [...jury].sort());
    assert.equal(shared.txHashes.length, 3);
    // The party's agent answers its envelopes to anyone: ciphertext that names no evidence.
    const listed = await ok<{ envelopes: Array<{ envelope: string; envelopeHash: Hex }> }>(
      north,
      "GET",
      `/v1/auditing/cases/${caseA}/evidence`,
    );
    assert.equal(listed.envelopes.length, 0, "North shared nothing");
    const fromAcme = await ok<{ envelopes: Array<{ envelope: string; envelopeHash: Hex }> }>(
      acme,
      "GET",
      `/v1/auditing/cases/${caseA}/evidence`,
    );
    const envelope = fromAcme.envelopes[0]?.envelope as string;
    assert.equal(fromAcme.envelopes[0]?.envelopeHash, shared.envelopeHash);
    assert.ok(!envelope.includes("MTTR") && !envelope.includes("+4930123"), "the envelope is ciphertext");
    // Every drawn juror's agent opens it with the juror's key.
    for (const juror of jury) {
      const opened = await ok<{ items: unknown; sharedBy: string }>(
        guild,
        "POST",
        `/v1/auditing/cases/${caseA}/evidence/open`,
        { juror, envelope },
      );
      assert.deepEqual(opened.items, items);
      assert.equal(opened.sharedBy, account(acme));
    }
    // A guild auditor that signalled but was not drawn: nothing anchored for it, and no entry in the envelope.
    const notDrawn = auditors.slice(0, 7).find((a) => !jury.includes(a)) as string;
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/open`,
      { juror: notDrawn, envelope },
      409,
      "AUDITING_EVIDENCE_NOT_ANCHORED",
    );
    // North's own auditor, in North's agent: the same.
    await refused(
      north,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/open`,
      { juror: northAuditor, envelope },
      409,
      "AUDITING_EVIDENCE_NOT_ANCHORED",
    );
    // A changed envelope is not the anchored one.
    const jwe = JSON.parse(envelope);
    const ct = String(jwe.ciphertext);
    const tampered = JSON.stringify({ ...jwe, ciphertext: `${ct.startsWith("A") ? "B" : "A"}${ct.slice(1)}` });
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/open`,
      { juror: jury[0], envelope: tampered },
      409,
      "AUDITING_EVIDENCE_NOT_ANCHORED",
    );
  });

  it("refuses an affiliated juror, a double vote, a wrong salt and a late reveal, each changing nothing", async () => {
    const [j0, j1, j2] = currentJury(await caseView(vetter, caseA)).map((j) => j.juror) as [string, string, string];
    // Affiliated after the draw: the vetter records j0 as working for North; its vote is refused and nothing is kept.
    await ok(vetter, "POST", `/v1/auditing/auditors/${j0}/affiliation`, { member: account(north) });
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/votes`,
      { juror: j0, vote: "uphold" },
      403,
      "AUDITING_AFFILIATED_JUROR",
      "AffiliatedJuror",
    );
    await ok(vetter, "POST", `/v1/auditing/auditors/${j0}/affiliation`, { member: account(guild) });
    await vote(caseA, j0, "uphold");
    await vote(caseA, j1, "uphold");
    await vote(caseA, j2, "reject");
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/votes`,
      { juror: j0, vote: "reject" },
      409,
      "AUDITING_ALREADY_VOTED",
      "AlreadyCommitted",
    );
    // A juror not on this jury, and an auditor another agent hosts.
    await refused(
      north,
      "POST",
      `/v1/auditing/cases/${caseA}/votes`,
      { juror: northAuditor, vote: "reject" },
      403,
      "AUDITING_NOT_A_JUROR",
      "NotAJuror",
    );
    for (const j of currentJury(await caseView(guild, caseB))) await vote(caseB, j.juror, "reject");
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/reveals`,
      { juror: j0 },
      409,
      "AUDITING_REVEAL_NOT_OPEN",
      "RevealNotOpen",
    );
    await advance(600);
    const wrong = `0x${"11".repeat(32)}`;
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/reveals`,
      { juror: j1, salt: wrong },
      422,
      "AUDITING_COMMITMENT_MISMATCH",
      "CommitmentMismatch",
    );
    await reveal(caseA, j0);
    await reveal(caseA, j1);
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/reveals`,
      { juror: j1 },
      409,
      "AUDITING_ALREADY_VOTED",
      "AlreadyRevealed",
    );
    for (const j of currentJury(await caseView(guild, caseB))) await reveal(caseB, j.juror);
    await refused(
      acme,
      "POST",
      `/v1/auditing/cases/${caseA}/tally`,
      undefined,
      409,
      "AUDITING_VOTING_NOT_OVER",
      "VotingNotOver",
    );
    await advance(600);
    // j2 comes too late: refused, and its deposit is lost at the tally.
    const ballotsBefore = currentJury(await caseView(vetter, caseA));
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/reveals`,
      { juror: j2 },
      409,
      "AUDITING_REVEAL_CLOSED",
      "RevealClosed",
    );
    assert.deepEqual(currentJury(await caseView(vetter, caseA)), ballotsBefore);
    const votes = Object.fromEntries(ballotsBefore.map((j) => [j.juror, j.vote]));
    assert.deepEqual(votes, { [j0]: "uphold", [j1]: "uphold", [j2]: "none" });
  });

  it("tallies both first juries: A upheld 2-0 with the silent juror slashed, B rejected 3-0", async () => {
    const sinkBefore = await balanceOf(multisig);
    assert.equal((await ok<Json>(acme, "POST", `/v1/auditing/cases/${caseA}/tally`)).status, "provisional");
    assert.equal((await ok<Json>(acme, "POST", `/v1/auditing/cases/${caseB}/tally`)).status, "provisional");
    const a = await caseIn(caseA, "provisional");
    assert.equal(a.firstVerdict, "upheld");
    const silent = currentJury(a).find((j) => j.vote === "none");
    assert.ok(silent);
    assert.equal(
      (await balances(silent.juror)).get(silent.juror)?.bonded,
      "9000",
      "the silent juror lost its 10.00 deposit",
    );
    assert.equal(await balanceOf(multisig), sinkBefore + 1_000n, "slashed into the multi-signature bank, to be burned");
    assert.equal((await caseIn(caseB, "provisional")).firstVerdict, "rejected");
  });

  it("takes North's objection in the next epoch, draws a fresh jury of 5 and pays out when it overturns the verdict", async () => {
    // Three more auditors signal for the next epoch, so the objection jury has enough fresh candidates.
    for (const a of auditors.slice(7))
      await ok(guild, "POST", `/v1/auditing/auditors/${a}/signal`, { amount: "10000", capacity: 2, epochs: 1 });
    await nextEpoch();
    const northBefore = await balanceOf(account(north));
    const objected = await ok<{ stake: string }>(north, "POST", `/v1/auditing/cases/${caseA}/objection`);
    assert.equal(objected.stake, "8000", "20% of the 400.00 at risk");
    assert.equal(await balanceOf(account(north)), northBefore - 8_000n);
    const first = currentJury(await caseView(vetter, caseA)).map((j) => j.juror);
    await beaconAndDraw(caseA);
    const second = currentJury(await caseIn(caseA, "voting", 1));
    assert.equal(second.length, 5);
    for (const j of second) {
      assert.ok(!first.includes(j.juror), "the objection jury is fresh");
      assert.notEqual(j.juror, northAuditor);
    }
    for (const j of second) await vote(caseA, j.juror, "reject");
    await advance(600);
    for (const j of second) await reveal(caseA, j.juror);
    await advance(600);
    const jurorsBefore = await balances(...second.map((j) => j.juror));
    const acmeBefore = await balanceOf(account(acme));
    assert.equal((await ok<Json>(acme, "POST", `/v1/auditing/cases/${caseA}/tally`)).status, "closed");
    const closed = await caseIn(caseA, "closed", 1);
    assert.equal(closed.finalVerdict, "rejected");
    // The provider gets the escrow, its stake back and half of what the contradicted majority forfeits.
    const paidNorth = await balanceOf(account(north));
    const payments = closed.payments as Array<{ to: string; amount: string; reason: string }>;
    const toNorth = payments.filter((p) => p.to === account(north)).reduce((s, p) => s + BigInt(p.amount), 0n);
    assert.equal(paidNorth, northBefore - 8_000n + toNorth + 40_000n);
    assert.equal(await balanceOf(account(acme)), acmeBefore, "the requester's stake went to the jurors");
    for (const j of second) {
      const after = (await balances(j.juror)).get(j.juror);
      const before = jurorsBefore.get(j.juror);
      assert.ok(BigInt(after?.balance ?? 0) > BigInt(before?.balance ?? 0), `${j.juror} was paid`);
      // Its deposit on this jury is released (it may still sit on case B's first jury).
      assert.equal(BigInt(before?.locked ?? 0) - BigInt(after?.locked ?? 0), 1_000n, "its deposit is released");
    }
  });

  it("refuses an objection after its window, then finalizes the unobjected verdict", async () => {
    await nextEpoch();
    const before = await caseView(vetter, caseB);
    await refused(
      north,
      "POST",
      `/v1/auditing/cases/${caseB}/objection`,
      undefined,
      409,
      "AUDITING_OBJECTION_WINDOW_CLOSED",
      "ObjectionWindowClosed",
    );
    assert.deepEqual(await caseView(vetter, caseB), before);
    assert.equal((await ok<Json>(vetter, "POST", `/v1/auditing/cases/${caseB}/finalize`)).status, "closed");
    assert.equal((await caseIn(caseB, "closed")).finalVerdict, "rejected");
  });

  it("accounts for every minted unit, unbonds after the epochs, and the read model agrees with the chain", async () => {
    const everyone = [
      account(acme),
      account(north),
      account(guild),
      account(bank),
      account(vetter),
      ...auditors,
      northAuditor,
      tokenAddress,
      multisig,
    ];
    const all = await balances(...everyone);
    const total = [...all.values()].reduce((s, a) => s + BigInt(a.balance), 0n);
    // Minted: 440,000 by the bank member, 5,000 by the multi-signature bank; nothing burned yet.
    assert.equal(total, 300_000n + 20_000n + 120_000n + 5_000n);
    // Every slashed deposit went to the multi-signature bank (none to the token's address); two signers burn it.
    assert.equal(all.get(tokenAddress)?.balance, "0");
    const slashed = BigInt(all.get(multisig)?.balance ?? "0");
    assert.ok(slashed >= 1_000n, `the silent juror's 10.00 deposit was slashed into the bank (${slashed})`);
    const burn = { kind: "burn", member: multisig, amount: slashed.toString(), bankRef: "slashed deposits, period 1" };
    await ok(acme, "POST", `/v1/auditing/banks/${multisig}/approvals`, burn);
    const burned = await ok<{ executed: boolean }>(bank, "POST", `/v1/auditing/banks/${multisig}/approvals`, burn);
    assert.equal(burned.executed, true);
    const afterBurn = await ok<{ balance: string; isSlashSink: boolean }>(
      vetter,
      "GET",
      `/v1/auditing/banks/${multisig}`,
    );
    assert.deepEqual([afterBurn.balance, afterBurn.isSlashSink], ["0", true]);
    const remaining = [...(await balances(...everyone)).values()].reduce((s, a) => s + BigInt(a.balance), 0n);
    assert.equal(remaining, total - slashed, "the burn took exactly the slashed deposits out of existence");
    const bonded = [...all.values()].reduce((s, a) => s + BigInt(a.bonded), 0n);
    assert.equal(BigInt(all.get("court")?.balance ?? 0), bonded, "the court holds exactly the bonded stakes");
    assert.equal(all.get("escrow")?.balance, "0");
    const withdrawn = await ok<{ bonded: string; balance: string }>(
      guild,
      "POST",
      `/v1/auditing/auditors/${auditors[9]}/withdrawals`,
      {
        amount: (all.get(auditors[9] as string)?.bonded ?? "0") as string,
      },
    );
    assert.equal(withdrawn.bonded, "0");
    for (const agent of [acme, guild]) {
      const report = await ok<{ differences: unknown[] }>(agent, "GET", "/v1/agent/consistency");
      assert.deepEqual(report.differences, []);
    }
  });
});
