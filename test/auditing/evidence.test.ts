// Evidence for blind juries. First without a devnet (src/auditing/evidence.ts, real keystore keys): the anchored
// digest is canonical; envelopes sealed to the x coordinates the court holds open only with the juror's key through
// the keystore's ECDH; a non-recipient's key, a changed byte and an envelope moved to another jury fail with a named
// code. Then through the member agents on a devnet: a party keeps its evidence and anchors the digest; a drawn juror's
// host makes its ticket proof and the party's agent answers it, after checking it on chain, with an envelope sealed to
// that juror, which its host opens against the anchored digests. A forged proof, an undrawn ticket, an affiliated
// juror, a closed lottery, a tampered envelope and evidence no party anchored are each refused with a named code.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import {
  type EvidenceItem,
  type EvidencePayload,
  evidenceDigest,
  openEvidence,
  sealEvidence,
} from "../../src/auditing/evidence.ts";
import { BEACON_PHASE_SECONDS } from "../../src/auditing/ledger.ts";
import { epochSeedOf, ticketProof } from "../../src/auditing/tickets.ts";
import { type Keystore, openKeystore } from "../../src/core/identity/keystore.ts";
import { OutcomeCourt } from "../../src/generated/contracts.ts";
import {
  eventually,
  latestBlockTimestamp,
  mineBlockAt,
  startTestConsortium,
  type TestAgent,
  type TestConsortium,
} from "../../testkit/index.ts";

const CASE = `0x${"ab".repeat(32)}` as Hex;
const payload: EvidencePayload = {
  caseId: CASE,
  round: 0,
  attempt: 0,
  items: [
    { kind: "cdr-samples", content: "2026-11-02T10:00Z,+4930123,+4930999,0s,FAILED" },
    { kind: "kpi-log", content: "MTTR 9h (agreed 4h)" },
  ],
};

describe("auditing evidence: encrypted to the drawn jurors only", () => {
  let dir: string;
  let keystore: Keystore;
  const jurors: Array<{ juror: Address; kid: string; keyX: Hex }> = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "auditing-evidence-"));
    keystore = await openKeystore({ dir, passphrase: "pass", scrypt: { N: 2 ** 10 } });
    // Keys whose public y is odd and even alike: the x coordinate alone must suffice for either parity.
    const byParity: Record<"even" | "odd", Array<{ kid: string; publicKeyHex: string }>> = { even: [], odd: [] };
    while (byParity.even.length < 3 || byParity.odd.length < 3) {
      const key = await keystore.create({ kind: "p256", label: "juror" });
      assert.match(key.publicKeyHex, /^0x04[0-9a-f]{128}$/);
      byParity[Number.parseInt(key.publicKeyHex.slice(-2), 16) % 2 === 0 ? "even" : "odd"].push(key);
    }
    const keys = [
      byParity.odd[0],
      byParity.even[0],
      byParity.odd[1],
      byParity.even[1],
      byParity.odd[2],
      byParity.even[2],
    ];
    keys.forEach((key, i) => {
      if (!key) throw new Error("unreachable");
      jurors.push({
        juror: `0x${String(i + 1).padStart(40, "0")}` as Address,
        kid: key.kid,
        keyX: `0x${key.publicKeyHex.slice(4, 68)}` as Hex,
      });
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const ecdh = (kid: string) => (epk: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown }) =>
    keystore.deriveSharedSecret(kid, epk);
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return "opened";
  };

  it("anchors a canonical digest of {caseId, items}: case-insensitive id, order and content count", () => {
    const items = payload.items;
    const d = evidenceDigest(CASE, items);
    assert.match(d, /^0x[0-9a-f]{64}$/);
    assert.equal(evidenceDigest(CASE.toUpperCase().replace("0X", "0x") as Hex, items), d);
    // Members in any order make the same digest; the items' order and every byte of content change it.
    const reordered = items.map((i) => JSON.parse(JSON.stringify({ content: i.content, kind: i.kind })));
    assert.equal(evidenceDigest(CASE, reordered), d);
    assert.notEqual(evidenceDigest(CASE, [...items].reverse()), d);
    assert.notEqual(
      evidenceDigest(CASE, [{ ...(items[0] as EvidenceItem), content: "x" }, items[1] as EvidenceItem]),
      d,
    );
    assert.notEqual(evidenceDigest(`0x${"cd".repeat(32)}`, items), d);
  });

  it("opens for every drawn juror, whichever parity its key's y has", async () => {
    const envelope = await sealEvidence(jurors.slice(0, 5), payload);
    for (const j of jurors.slice(0, 5)) assert.deepEqual(openEvidence(envelope, j.juror, ecdh(j.kid)), payload);
  });

  it("opens an envelope sealed to one juror (what a party's agent answers), and only for that juror", async () => {
    const [a, b] = jurors as [(typeof jurors)[0], (typeof jurors)[0]];
    const envelope = await sealEvidence([a], payload);
    assert.deepEqual(openEvidence(envelope, a.juror, ecdh(a.kid)), payload);
    assert.equal(
      codeOf(() => openEvidence(envelope, b.juror, ecdh(b.kid))),
      "AUDITING_NOT_RECIPIENT",
    );
    assert.equal(
      codeOf(() => openEvidence(envelope, a.juror, ecdh(b.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
  });

  it("does not open for an auditor that was not drawn, even one claiming a drawn juror's entry", async () => {
    const [a, b, c, , , outsider] = jurors as [(typeof jurors)[0], never, never, never, never, (typeof jurors)[0]];
    const envelope = await sealEvidence([a, b, c], payload);
    assert.equal(
      codeOf(() => openEvidence(envelope, outsider.juror, ecdh(outsider.kid))),
      "AUDITING_NOT_RECIPIENT",
    );
    // With its own key on a drawn juror's entry, the key unwrap fails: it holds no key the content key was wrapped for.
    assert.equal(
      codeOf(() => openEvidence(envelope, a.juror, ecdh(outsider.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
  });

  it("refuses a changed ciphertext, a changed header and garbage, never returning a partial result", async () => {
    const [a] = jurors as [(typeof jurors)[0]];
    const jwe = JSON.parse(await sealEvidence([a], payload));
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64url");
      bytes[0] = (bytes[0] as number) ^ 1;
      return bytes.toString("base64url");
    };
    const tampered = JSON.stringify({ ...jwe, ciphertext: flip(jwe.ciphertext) });
    assert.equal(
      codeOf(() => openEvidence(tampered, a.juror, ecdh(a.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
    // Moving the envelope to another case changes the authenticated header: the tag no longer matches.
    const header = JSON.parse(Buffer.from(jwe.protected, "base64url").toString("utf8"));
    const moved = JSON.stringify({
      ...jwe,
      protected: Buffer.from(JSON.stringify({ ...header, caseId: `0x${"cd".repeat(32)}` })).toString("base64url"),
    });
    assert.equal(
      codeOf(() => openEvidence(moved, a.juror, ecdh(a.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
    assert.equal(
      codeOf(() => openEvidence("not json", a.juror, ecdh(a.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
  });

  it("refuses to seal to a juror that registered no key (the zero key)", async () => {
    const [a] = jurors as [(typeof jurors)[0]];
    await assert.rejects(
      sealEvidence([a, { juror: `0x${"9".repeat(40)}` as Address, keyX: `0x${"0".repeat(64)}` as Hex }], payload),
      (error: { code?: string }) => error.code === "AUDITING_NO_EVIDENCE_KEY",
    );
  });
});

type Json = Record<string, unknown>;
const PHASE = Number(BEACON_PHASE_SECONDS);
const GUILD_AUDITORS = 15;

describe("auditing evidence through the agents: a party answers drawn jurors' ticket proofs only", () => {
  let consortium: TestConsortium;
  let acme: TestAgent;
  let north: TestAgent;
  let guild: TestAgent;
  let bank: TestAgent;
  let vetter: TestAgent;
  let court: Address;
  const auditors: Address[] = [];
  let northAuditor: Address;
  let caseId: Hex;
  const drawn: Address[] = [];
  const undrawn: Address[] = [];
  const items: EvidenceItem[] = [
    { kind: "cdr-samples", content: "2026-11-02T10:04Z +4930123 -> +4930999 setup failed (cause 38)" },
    { kind: "kpi-log", content: "line down 2026-11-02T09:12Z to 2026-11-05T10:40Z: MTTR 73h, agreed 4h" },
  ];
  let shared: { evidenceHash: Hex; from: string; txHash: Hex };

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
  ) => {
    const r = await agent.call<{ code: string }>(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code, JSON.stringify(r.body));
  };
  const account = (agent: TestAgent) => agent.agent.config.memberAccount.toLowerCase() as Address;
  const advance = async (seconds: number) =>
    mineBlockAt(consortium.devnet.rpcUrl, (await latestBlockTimestamp(consortium.devnet.rpcUrl)) + seconds);
  const read = <T>(functionName: string, args: readonly unknown[]) =>
    vetter.agent.chain.readContract({
      address: court,
      abi: OutcomeCourt.abi,
      functionName,
      args,
    } as never) as Promise<T>;
  const panel = () =>
    read<{ epoch: bigint; slot: number; seed: Hex; threshold: bigint; commitEnd: bigint }>("panel", [caseId, 0]);
  /** A hosted auditor's ticket proof for the current lottery, made from its host's keystore (drawn or not). */
  const proofOf = async (host: TestAgent, juror: Address) => {
    const p = await panel();
    const seed = epochSeedOf(await host.agent.keystore.digestSigner(juror), p.epoch);
    return { juror, ...ticketProof(seed, p.slot) };
  };
  const request = `/v1/auditing/cases/:id/evidence/requests`;
  const path = (template: string) => template.replace(":id", caseId);

  before(async () => {
    consortium = (await startTestConsortium([
      { name: "acme", roles: ["ENTERPRISE"] },
      { name: "north", roles: ["MOBILE_OPERATOR"] },
      { name: "guild", roles: ["BPO"] },
      { name: "bank", roles: ["SETTLEMENT_BANK"] },
      { name: "vetter", roles: ["KYC_VETTER"] },
    ])) as TestConsortium;
    ({ acme, north, guild, bank, vetter } = consortium.agents as Record<string, TestAgent> & {
      acme: TestAgent;
      north: TestAgent;
      guild: TestAgent;
      bank: TestAgent;
      vetter: TestAgent;
    });
    const manifest = JSON.parse(readFileSync(consortium.manifestPath, "utf8"));
    court = manifest.contracts.OutcomeCourt.address as Address;
    for (const [agent, amount, ref] of [
      [acme, "300000", "acme fiat 1"],
      [north, "20000", "north fiat 1"],
      [guild, "200000", "guild fiat 1"],
    ] as const) {
      await ok(bank, "POST", "/v1/settlement/mint", { to: account(agent), amount, bankRef: ref });
    }
    // Fifteen auditors hosted by the guild and one by North (the provider: affiliated), all signalling: a pool of 16
    // for a jury of 3, so each is drawn with odds 6/16 and some are not.
    const hosted: Array<[TestAgent, Address]> = [];
    for (let i = 0; i < GUILD_AUDITORS; i++) {
      const a = await ok<{ account: Address }>(guild, "POST", "/v1/auditing/auditors", { label: `guild ${i}` });
      auditors.push(a.account);
      hosted.push([guild, a.account]);
    }
    northAuditor = (await ok<{ account: Address }>(north, "POST", "/v1/auditing/auditors", { label: "north's" }))
      .account;
    hosted.push([north, northAuditor]);
    for (const [host, a] of hosted) {
      const h = await ok<{ hosted: { did: string } }>(host, "GET", `/v1/auditing/auditors/${a}`);
      await ok(vetter, "POST", `/v1/auditing/auditors/${a}/vet`, { did: h.hosted.did });
      await ok(host, "POST", `/v1/auditing/auditors/${a}/signal`, { amount: "10000", capacity: 2, epochs: 2 });
    }
    const epoch = await ok<{ endsAt: number }>(vetter, "GET", "/v1/auditing/epoch");
    await mineBlockAt(consortium.devnet.rpcUrl, epoch.endsAt);
    // Acme orders a task from North, North completes it, Acme complains.
    const proposed = await ok<{ agreementId: Hex }>(acme, "POST", "/v1/auditing/agreements", {
      provider: account(north),
      fee: "100000",
      upfrontBps: 6000,
      escrowSeconds: 7 * 86_400,
      terms: "fibre installation install-7: working line within 5 days",
    });
    await ok(north, "POST", `/v1/auditing/agreements/${proposed.agreementId}/accept`);
    const ordered = await ok<{ taskId: Hex }>(acme, "POST", "/v1/auditing/tasks", {
      agreementId: proposed.agreementId,
      reference: "install-7",
    });
    await ok(north, "POST", `/v1/auditing/tasks/${ordered.taskId}/completion`, { report: "install-7 installed" });
    caseId = (
      await ok<{ caseId: Hex }>(acme, "POST", `/v1/auditing/tasks/${ordered.taskId}/complaints`, {
        evidence: "line down 3 days after",
      })
    ).caseId;
  });
  after(async () => {
    await consortium?.stop();
  });

  it("lets a party share evidence before the draw: kept in its agent, only the digest on chain", async () => {
    await refused(guild, "POST", path("/v1/auditing/cases/:id/evidence"), { items }, 403, "AUDITING_NOT_PARTY");
    shared = await ok(acme, "POST", path("/v1/auditing/cases/:id/evidence"), { items });
    assert.equal(shared.evidenceHash, evidenceDigest(caseId, items));
    assert.equal(shared.from, account(acme));
    const receipt = await acme.agent.chain.getTransactionReceipt({ hash: shared.txHash });
    assert.ok(!JSON.stringify(receipt.logs, (_, v) => (typeof v === "bigint" ? String(v) : v)).includes("MTTR"));
    const listed = await ok<{ shares: Array<{ evidenceHash: string; items: unknown }>; answered: unknown[] }>(
      acme,
      "GET",
      path("/v1/auditing/cases/:id/evidence"),
    );
    // The complaint's own text is Acme's first share, anchored with the complaint.
    const report = [{ kind: "report", content: "line down 3 days after" }] as const;
    assert.deepEqual(
      listed.shares.map((s) => [s.evidenceHash, s.items]),
      [
        [evidenceDigest(caseId, report), report],
        [shared.evidenceHash, items],
      ],
    );
    assert.deepEqual(listed.answered, []);
    // No lottery yet: no juror to answer, no ticket to make.
    await refused(
      guild,
      "POST",
      path("/v1/auditing/cases/:id/evidence/ticket"),
      { juror: auditors[0] },
      409,
      "AUDITING_WRONG_STATUS",
    );
  });

  it("makes ticket proofs for drawn jurors only (the others are refused AUDITING_NOT_DRAWN)", async () => {
    for (const member of [bank, vetter]) await ok(member, "POST", path("/v1/auditing/cases/:id/beacon/commit"));
    await advance(PHASE);
    for (const member of [bank, vetter]) await ok(member, "POST", path("/v1/auditing/cases/:id/beacon/reveal"));
    await advance(PHASE);
    await ok(acme, "POST", path("/v1/auditing/cases/:id/draw"));
    await eventually(async () => assert.equal((await read<{ status: number }>("getCase", [caseId])).status, 2), 20_000);
    for (const juror of auditors) {
      const r = await guild.call<{ code?: string; juror?: string; proof?: string[] }>(
        "POST",
        path("/v1/auditing/cases/:id/evidence/ticket"),
        { juror },
      );
      if (r.status === 200) {
        assert.equal(r.body.proof?.length, 8);
        drawn.push(juror);
      } else {
        assert.equal(r.body.code, "AUDITING_NOT_DRAWN", JSON.stringify(r.body));
        undrawn.push(juror);
      }
    }
    assert.ok(drawn.length > 0 && undrawn.length > 0, `drawn ${drawn.length}, not drawn ${undrawn.length}`);
    // Another member's agent holds no key for the guild's auditors.
    await refused(
      north,
      "POST",
      path("/v1/auditing/cases/:id/evidence/ticket"),
      { juror: drawn[0] },
      404,
      "AUDITING_UNKNOWN_AUDITOR",
    );
  });

  it("answers a drawn juror's proof with an envelope only it opens, against the anchored digest", async () => {
    const juror = drawn[0] as Address;
    const ticket = await ok<{ secret: Hex; proof: Hex[] }>(
      guild,
      "POST",
      path("/v1/auditing/cases/:id/evidence/ticket"),
      {
        juror,
      },
    );
    // Public: the ticket proof is the credential (a request without an API key).
    const r = await acme.call<{ envelopes: Array<{ evidenceHash: Hex; envelope: string }>; from: string }>(
      "POST",
      path(request),
      { juror, secret: ticket.secret, proof: ticket.proof },
      "",
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.from, account(acme));
    assert.equal(r.body.envelopes.length, 2, "the complaint's report and the shared items");
    const { envelope, evidenceHash } = r.body.envelopes.find((e) => e.evidenceHash === shared.evidenceHash) as {
      envelope: string;
      evidenceHash: Hex;
    };
    assert.equal(evidenceHash, shared.evidenceHash);
    assert.ok(!envelope.includes("MTTR") && !envelope.includes("+4930123"), "the envelope is ciphertext");
    const opened = await ok<{ items: unknown; sharedBy: string; evidenceHash: string }>(
      guild,
      "POST",
      path("/v1/auditing/cases/:id/evidence/open"),
      { juror, envelope },
    );
    assert.deepEqual(opened.items, items);
    assert.equal(opened.sharedBy, account(acme));
    assert.equal(opened.evidenceHash, shared.evidenceHash);
    // Acme's operator sees whom it answered; nothing on chain names the juror.
    const listed = await ok<{ answered: Array<{ juror: string }> }>(
      acme,
      "GET",
      path("/v1/auditing/cases/:id/evidence"),
    );
    assert.deepEqual(
      listed.answered.map((a) => a.juror),
      [juror, juror],
      "one answer per share sealed to it",
    );
    // Another auditor cannot open it: it holds no entry.
    await refused(
      guild,
      "POST",
      path("/v1/auditing/cases/:id/evidence/open"),
      { juror: undrawn[0], envelope },
      403,
      "AUDITING_NOT_RECIPIENT",
    );
    // North (the other party) shared nothing yet; a non-party answers nothing.
    await refused(
      north,
      "POST",
      path(request),
      { juror, secret: ticket.secret, proof: ticket.proof },
      404,
      "AUDITING_NO_EVIDENCE_SHARED",
    );
    await refused(
      guild,
      "POST",
      path(request),
      { juror, secret: ticket.secret, proof: ticket.proof },
      403,
      "AUDITING_NOT_PARTY",
    );
  });

  it("refuses a forged proof, an undrawn ticket and an affiliated juror, each by name", async () => {
    const juror = drawn[0] as Address;
    const genuine = await proofOf(guild, juror);
    const forged = [...genuine.proof];
    forged[3] = `0x${"11".repeat(32)}`;
    await refused(acme, "POST", path(request), { ...genuine, proof: forged }, 403, "AUDITING_INVALID_TICKET");
    await refused(
      acme,
      "POST",
      path(request),
      { ...genuine, secret: `0x${"22".repeat(32)}` },
      403,
      "AUDITING_INVALID_TICKET",
    );
    // Another auditor's genuine secret under the drawn juror's name.
    const other = await proofOf(guild, undrawn[0] as Address);
    await refused(acme, "POST", path(request), { ...other, juror }, 403, "AUDITING_INVALID_TICKET");
    // A valid ticket above the threshold.
    await refused(acme, "POST", path(request), other, 403, "AUDITING_NOT_DRAWN");
    // North's own auditor (bound to North, the provider): refused whether drawn or not.
    await refused(acme, "POST", path(request), await proofOf(north, northAuditor), 403, "AUDITING_AFFILIATED_JUROR");
    // A guild auditor the vetter records as working for Acme is affiliated too.
    const declared = drawn[1] ?? (undrawn[1] as Address);
    await ok(vetter, "POST", `/v1/auditing/auditors/${declared}/affiliation`, { member: account(acme) });
    await refused(acme, "POST", path(request), await proofOf(guild, declared), 403, "AUDITING_AFFILIATED_JUROR");
    await ok(vetter, "POST", `/v1/auditing/auditors/${declared}/affiliation`, { member: account(guild) });
  });

  it("opens nothing tampered, for another jury, or whose digest no party anchored", async () => {
    const juror = drawn[0] as Address;
    const answer = await ok<{ envelopes: Array<{ envelope: string }> }>(
      acme,
      "POST",
      path(request),
      await proofOf(guild, juror),
    );
    const jwe = JSON.parse((answer.envelopes[0] as { envelope: string }).envelope);
    const bytes = Buffer.from(String(jwe.ciphertext), "base64url");
    bytes[0] = (bytes[0] as number) ^ 1;
    const tampered = JSON.stringify({ ...jwe, ciphertext: bytes.toString("base64url") });
    const open = path("/v1/auditing/cases/:id/evidence/open");
    await refused(guild, "POST", open, { juror, envelope: tampered }, 422, "AUDITING_EVIDENCE_UNREADABLE");
    // Sealed properly to the juror's key, but with items no party anchored.
    const au = await read<{ encryptionKey: Hex }>("auditor", [juror]);
    const c = await read<{ round: number; attempt: number }>("getCase", [caseId]);
    const forgedItems: EvidenceItem[] = [{ kind: "report", content: "all fine, says someone" }];
    const unanchored = await sealEvidence([{ juror, keyX: au.encryptionKey }], {
      caseId: caseId.toLowerCase() as Hex,
      round: c.round,
      attempt: c.attempt,
      items: forgedItems,
    });
    await refused(guild, "POST", open, { juror, envelope: unanchored }, 409, "AUDITING_EVIDENCE_NOT_ANCHORED");
    // The same items, once North anchors them, open (shared by the provider).
    await ok(north, "POST", path("/v1/auditing/cases/:id/evidence"), { items: forgedItems });
    const opened = await ok<{ sharedBy: string }>(guild, "POST", open, { juror, envelope: unanchored });
    assert.equal(opened.sharedBy, account(north));
    // Sealed for another attempt of the case: not for the current jury.
    const stale = await sealEvidence([{ juror, keyX: au.encryptionKey }], {
      caseId: caseId.toLowerCase() as Hex,
      round: c.round,
      attempt: c.attempt + 1,
      items,
    });
    await refused(guild, "POST", open, { juror, envelope: stale }, 409, "AUDITING_EVIDENCE_OTHER_JURY");
  });

  it("answers no proof once the lottery's claims are closed", async () => {
    const proof = await proofOf(guild, drawn[0] as Address);
    await mineBlockAt(consortium.devnet.rpcUrl, Number((await panel()).commitEnd));
    await refused(acme, "POST", path(request), proof, 409, "AUDITING_COMMIT_CLOSED");
    await refused(
      guild,
      "POST",
      path("/v1/auditing/cases/:id/evidence/ticket"),
      { juror: drawn[0] },
      409,
      "AUDITING_COMMIT_CLOSED",
    );
  });
});
