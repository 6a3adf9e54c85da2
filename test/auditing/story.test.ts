// Service-outcome auditing through the member agents' APIs on a real devnet: Acme Enterprise orders an installation
// from North Mobile (fee 1,000.00, 60% at completion, 400.00 escrowed); seven auditors hosted by the Auditors' Guild
// (accounts bound to it, keys in its agent) signal, and so does one auditor North hosts (affiliated: it can never
// sit on North's cases). Acme complains about two tasks; each draw opens a blind lottery seeded by the members' beacon:
// only the guild's agent knows its auditors' tickets, the drawn ones claim seats by committing their votes, and the 3
// lowest tickets sit; they reveal and the tally decides; North objects to the first verdict in the next epoch, a fresh
// jury of 5 overturns it and the tally pays everyone; the second verdict is finalized after its window; the auditors
// reveal their ticket seeds and a drawn auditor that never claimed is slashed. Negative cases, each refused with a
// named error and nothing changed: unbond during the epoch, affiliated juror, double vote, a first juror on the
// objection jury, wrong salt, late reveal, objection out of window, slashing one who claimed. Every minted unit is
// accounted for at the end. Time moves by mining blocks at chosen timestamps on the devnet.
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
  let silentB: string;
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
  type Ticket = { juror: string; ticket: string; drawn: boolean; claimed: boolean; seated: boolean };
  /** The guild's auditors in the case's current lottery, lowest ticket first (only the guild's agent knows them). */
  const lottery = async (id: Hex) => {
    const l = await ok<{ size: number; threshold: string; auditors: Ticket[] }>(
      guild,
      "GET",
      `/v1/auditing/cases/${id}/lottery`,
    );
    l.auditors.sort((a, b) => (BigInt(a.ticket) < BigInt(b.ticket) ? -1 : 1));
    return l;
  };
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
      // Three tickets a seat: with this test's pools (8 auditors for a jury of 3, 11 for 5) every auditor is drawn,
      // so what sits does not depend on the lottery's odds (they are tested in contracts/auditing/OutcomeCourt.t.sol).
      { changes: { slashSink: multisig, ticketsPerSeat: 3 } },
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
    assert.deepEqual(done.current, { ...before, slashSink: multisig, ticketsPerSeat: 3 }, "only what was proposed");
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

  it("opens blind lotteries: nobody sits until the drawn auditors claim, which only their own agent can do", async () => {
    await beaconAndDraw(caseA, caseB);
    for (const id of [caseA, caseB]) {
      const c = await caseIn(id, "voting");
      assert.deepEqual(currentJury(c), [], "no seat is public at the draw");
      const jury = (c.juries as Array<{ lottery: { epoch: number; slot: number; threshold: string } | null }>).at(-1);
      assert.ok(jury?.lottery, "the lottery is public: epoch, slot, seed, threshold");
      const l = await lottery(id);
      assert.equal(l.size, 3);
      assert.equal(l.auditors.length, 7, "the guild's seven signalled for this epoch");
      assert.ok(l.auditors.every((a) => a.drawn && !a.claimed));
    }
    // North's agent sees its own auditor's ticket, and no one else's.
    const fromNorth = await ok<{ auditors: Ticket[] }>(north, "GET", `/v1/auditing/cases/${caseA}/lottery`);
    assert.deepEqual(
      fromNorth.auditors.map((a) => a.juror),
      [northAuditor],
    );
  });

  it("gives the complainant's evidence to drawn jurors only, on their ticket proofs; nothing readable on chain", async () => {
    const items = [
      { kind: "cdr-samples", content: "2026-11-02T10:04Z +4930123 -> +4930999 setup failed (cause 38)" },
      { kind: "kpi-log", content: "line down 2026-11-02T09:12Z to 2026-11-05T10:40Z: MTTR 73h, agreed 4h" },
    ];
    await refused(guild, "POST", `/v1/auditing/cases/${caseA}/evidence`, { items }, 403, "AUDITING_NOT_PARTY");
    const shared = await ok<{ evidenceHash: Hex }>(acme, "POST", `/v1/auditing/cases/${caseA}/evidence`, { items });
    // The lowest ticket's host proves its draw to Acme's agent and gets envelopes only it can open: the complaint's
    // own report and the items just shared.
    const juror = (await lottery(caseA)).auditors[0]?.juror as string;
    const proof = await ok<{ secret: Hex; proof: Hex[] }>(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/ticket`,
      {
        juror,
      },
    );
    const answer = await ok<{ envelopes: Array<{ evidenceHash: Hex; envelope: string }> }>(
      acme,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/requests`,
      { juror, secret: proof.secret, proof: proof.proof },
    );
    assert.equal(answer.envelopes.length, 2, "the complaint's report and the shared items");
    const sealed = answer.envelopes.find((e) => e.evidenceHash === shared.evidenceHash)?.envelope as string;
    assert.ok(!sealed.includes("MTTR") && !sealed.includes("+4930123"), "the envelope is ciphertext");
    const opened = await ok<{ items: unknown; sharedBy: string }>(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/open`,
      { juror, envelope: sealed },
    );
    assert.deepEqual(opened.items, items);
    assert.equal(opened.sharedBy, account(acme));
    // Another auditor cannot open it, and North's own auditor cannot ask (it works for a party).
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/open`,
      { juror: (await lottery(caseA)).auditors[1]?.juror, envelope: sealed },
      403,
      "AUDITING_NOT_RECIPIENT",
    );
    const northProof = await ok<{ secret: Hex; proof: Hex[] }>(
      north,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/ticket`,
      { juror: northAuditor },
    );
    await refused(
      acme,
      "POST",
      `/v1/auditing/cases/${caseA}/evidence/requests`,
      { juror: northAuditor, secret: northProof.secret, proof: northProof.proof },
      403,
      "AUDITING_AFFILIATED_JUROR",
    );
  });

  it("seats the 3 lowest tickets whatever the order of the claims; refuses an affiliated juror, a double vote, a wrong salt and a late reveal, each changing nothing", async () => {
    const drawnA = (await lottery(caseA)).auditors;
    const [j0, j1, j2] = drawnA.map((a) => a.juror) as [string, string, string];
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
    // The four higher tickets claim first and sit, then each of the three lowest takes a seat from one of them.
    for (const a of drawnA.slice(3).reverse()) {
      const claimed = await ok<{ seated: boolean }>(guild, "POST", `/v1/auditing/cases/${caseA}/votes`, {
        juror: a.juror,
        vote: "reject",
      });
      assert.equal(claimed.seated, true, `${a.juror} sits until a lower ticket claims`);
    }
    await vote(caseA, j2, "reject");
    await vote(caseA, j1, "uphold");
    await vote(caseA, j0, "uphold");
    assert.deepEqual(
      currentJury(await caseView(vetter, caseA))
        .map((j) => j.juror)
        .sort(),
      [j0, j1, j2].sort(),
      "the panel is the 3 lowest tickets",
    );
    const afterClaims = (await lottery(caseA)).auditors;
    assert.ok(afterClaims.every((a) => a.claimed));
    assert.deepEqual(
      afterClaims.filter((a) => a.seated).map((a) => a.juror),
      [j0, j1, j2],
    );
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/votes`,
      { juror: j0, vote: "reject" },
      409,
      "AUDITING_ALREADY_VOTED",
      "AlreadyCommitted",
    );
    // North's own auditor is drawn too (every auditor is, at three tickets a seat) but works for a party.
    await refused(
      north,
      "POST",
      `/v1/auditing/cases/${caseA}/votes`,
      { juror: northAuditor, vote: "reject" },
      403,
      "AUDITING_AFFILIATED_JUROR",
      "AffiliatedJuror",
    );
    // Case B: every drawn auditor but the highest ticket claims; that one stays silent (slashed at the end).
    const drawnB = (await lottery(caseB)).auditors;
    silentB = (drawnB.at(-1) as Ticket).juror;
    for (const a of drawnB.slice(0, -1)) await vote(caseB, a.juror, "reject");
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
    const juries = (await caseView(vetter, caseA)).juries as Array<{ round: number; jurors: Array<{ juror: string }> }>;
    const first = (juries.filter((j) => j.round === 0).at(-1)?.jurors ?? []).map((j) => j.juror);
    assert.equal(first.length, 3, "the first jury");
    await beaconAndDraw(caseA);
    const drawn = (await lottery(caseA)).auditors;
    assert.equal(drawn.length, 10, "the guild's ten signalled for this epoch");
    // A first juror is drawn too, but the objection jury is fresh: its claim is refused.
    await refused(
      guild,
      "POST",
      `/v1/auditing/cases/${caseA}/votes`,
      { juror: first[0], vote: "reject" },
      403,
      "AUDITING_ON_FIRST_JURY",
      "OnFirstJury",
    );
    for (const a of drawn.filter((a) => !first.includes(a.juror))) await vote(caseA, a.juror, "reject");
    const second = currentJury(await caseIn(caseA, "voting", 1));
    assert.equal(second.length, 5);
    const fresh = drawn.filter((a) => !first.includes(a.juror)).map((a) => a.juror);
    assert.deepEqual(second.map((j) => j.juror).sort(), fresh.slice(0, 5).sort(), "the 5 lowest fresh tickets sit");
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

  it("keeps stakes bonded until the ticket seeds are out; then the drawn auditor that never claimed is slashed", async () => {
    const withdraw = { amount: "100" };
    const path = `/v1/auditing/auditors/${auditors[9]}/withdrawals`;
    await refused(guild, "POST", path, withdraw, 409, "AUDITING_STAKE_BONDED", "TicketSeedsPending");
    const silent = { round: 0, attempt: 0, auditor: silentB };
    await refused(
      acme,
      "POST",
      `/v1/auditing/cases/${caseB}/silent`,
      silent,
      409,
      "AUDITING_TICKET_SEED",
      "TicketSeedNotRevealed",
    );
    for (const a of auditors) {
      const r = await ok<{ revealedThrough: number }>(guild, "POST", `/v1/auditing/auditors/${a}/seeds`);
      assert.equal(r.revealedThrough, 2, "epochs 1 and 2 are over");
    }
    // Anyone may slash once the seed shows the auditor was drawn and made no claim.
    const sinkBefore = await balanceOf(multisig);
    const bondedBefore = BigInt((await balances(silentB)).get(silentB)?.bonded ?? "0");
    const slashed = await ok<{ slashed: string }>(acme, "POST", `/v1/auditing/cases/${caseB}/silent`, silent);
    assert.equal(slashed.slashed, "1000");
    assert.equal(await balanceOf(multisig), sinkBefore + 1_000n);
    assert.equal(BigInt((await balances(silentB)).get(silentB)?.bonded ?? "0"), bondedBefore - 1_000n);
    await refused(acme, "POST", `/v1/auditing/cases/${caseB}/silent`, silent, 409, "AUDITING_NOT_SILENT", "NotSilent");
    // One that claimed is not silent; nor is North's own auditor (it may not claim on North's case).
    await ok(north, "POST", `/v1/auditing/auditors/${northAuditor}/seeds`);
    const claimed = currentJury(await caseView(vetter, caseB))[0]?.juror as string;
    for (const auditor of [claimed, northAuditor]) {
      await refused(
        acme,
        "POST",
        `/v1/auditing/cases/${caseB}/silent`,
        { ...silent, auditor },
        409,
        "AUDITING_NOT_SILENT",
        "NotSilent",
      );
    }
    // The rest of the reveal's epoch is the window to slash: the stake leaves in the next one.
    await refused(guild, "POST", path, withdraw, 409, "AUDITING_STAKE_BONDED", "SlashWindowOpen");
    await nextEpoch();
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
