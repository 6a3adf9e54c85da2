// The content use case end to end on a real devnet with real agents: a creator (CSP) registers a film and a
// catalogue, sells 30% to an aggregator, licenses distribution in one territory to an operator, declares the split
// with a promoter; the operator's agent checks and records deliveries (one refused when the count runs out, one
// after expiry), anchors them, pays the period's royalties in the settlement token, and each recipient claims its
// part. Every refusal the issue names is asserted with its named error.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import { type Address, encodeFunctionData, type Hex, keccak256, stringToHex, toHex } from "viem";
import { SettlementToken } from "../../src/generated/contracts.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

const MEMBERS = [
  { name: "creator", roles: ["CSP"] },
  { name: "aggregator", roles: ["TNSP"] },
  { name: "operator", roles: ["MOBILE_OPERATOR"] },
  { name: "promoter", roles: ["BPO"] },
  { name: "bank", roles: ["SETTLEMENT_BANK"] },
  { name: "outsider", roles: ["OSP"] },
] as const;
type Name = (typeof MEMBERS)[number]["name"];
const FILM = keccak256(stringToHex("story film media"));
const META = keccak256(stringToHex("story film metadata"));
const DAY = 86_400;

describe("content: register, license, deliver, pay and claim", () => {
  let consortium: TestConsortium<TestAgent>;
  const agent = (name: Name) => consortium.agents[name] as TestAgent;
  const account = (name: Name): Address => agent(name).agent.config.memberAccount;
  const now = () => Math.floor(Date.now() / 1000);
  let film: string;
  let episodes: string[];
  let licence: string;
  let brief: string;
  let split: string;
  const period = Number(new Date().toISOString().slice(0, 7).replace("-", ""));

  const ok = async <T = Record<string, unknown>>(
    name: Name,
    method: string,
    path: string,
    body?: unknown,
    status = 200,
  ) => {
    const answer = await agent(name).call<T>(method, path, body);
    assert.equal(answer.status, status, `${method} ${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const refused = async (name: Name, method: string, path: string, body: unknown, status: number, pattern: RegExp) => {
    const answer = await agent(name).call<{ code: string; message: string }>(method, path, body);
    assert.equal(answer.status, status, JSON.stringify(answer.body));
    assert.match(`${answer.body.code} ${answer.body.message}`, pattern);
    return answer.body;
  };
  const licenceTerms = (overrides: Record<string, unknown> = {}) => ({
    tokenId: film,
    licensee: account("operator"),
    rights: ["distribution", "promotion", "sublicense"],
    territories: ["JP"],
    start: now() - 60,
    end: now() + 30 * DAY,
    maxAccesses: 3,
    ratePerDelivery: "200",
    revocable: true,
    ...overrides,
  });

  before(async () => {
    consortium = await startTestConsortium(MEMBERS.map((m) => ({ name: m.name, roles: [...m.roles] })));
  });
  after(async () => {
    await consortium?.stop();
  });

  it("refuses an unvetted party registering someone else's fingerprint, naming NotVettedRegistrant", async () => {
    const body = { fingerprint: FILM, metadataHash: META, royaltyBps: 500 };
    await refused("outsider", "POST", "/v1/content/works", body, 422, /CHAIN_REVERTED.*NotVettedRegistrant/);
  });

  it("registers the film and a catalogue under ids derived from fingerprint and registrant", async () => {
    ({ tokenId: film } = await ok<{ tokenId: string }>(
      "creator",
      "POST",
      "/v1/content/works",
      {
        fingerprint: FILM,
        metadataHash: META,
        royaltyBps: 500,
      },
      201,
    ));
    assert.equal(BigInt(film) >> 96n, BigInt(account("creator")), "the id starts with the registrant");
    const items = [1, 2, 3].map((i) => ({
      fingerprint: keccak256(stringToHex(`episode ${i}`)),
      metadataHash: keccak256(stringToHex(`episode ${i} metadata`)),
    }));
    const batch = await ok<{ tokenIds: string[] }>(
      "creator",
      "POST",
      "/v1/content/works/batch",
      { royaltyBps: 300, items },
      201,
    );
    assert.equal(batch.tokenIds.length, 3);
    episodes = batch.tokenIds;
    const again = { fingerprint: FILM, metadataHash: META, royaltyBps: 0 };
    await refused("creator", "POST", "/v1/content/works", again, 422, /FingerprintRegistered/);
  });

  it("registers an event's tickets as ERC-1155 units, only by a vetted creator", async () => {
    const concert = {
      fingerprint: keccak256(stringToHex("concert")),
      supply: "500",
      royaltyBps: 1000,
      metadataHash: META,
    };
    await refused("outsider", "POST", "/v1/content/tickets", concert, 422, /NotVettedIssuer/);
    const { id } = await ok<{ id: string }>("creator", "POST", "/v1/content/tickets", concert, 201);
    assert.equal(BigInt(id) >> 96n, BigInt(account("creator")), "the id starts with the registrant");
    const held = await ok<{ supply: string; balance: string }>(
      "aggregator",
      "GET",
      `/v1/content/tickets/${id}/holders/${account("creator")}`,
    );
    assert.deepEqual([held.supply, held.balance], ["500", "500"]);
    await refused("creator", "POST", "/v1/content/tickets", concert, 422, /TicketClassTaken/);
  });

  it("sells 30% of the film to the aggregator", async () => {
    await ok("creator", "POST", `/v1/content/works/${film}/shares`, { to: account("aggregator"), bps: 3000 });
    const work = await ok<{ holderBps: number; shares: Array<{ holder: string; bps: number }> }>(
      "creator",
      "GET",
      `/v1/content/works/${film}`,
    );
    assert.equal(work.holderBps, 7000);
    assert.deepEqual(work.shares, [{ holder: account("aggregator").toLowerCase(), bps: 3000 }]);
  });

  it("licenses distribution in JP for 30 days to the operator, and refuses a wider sub-licence by its term", async () => {
    ({ licenceId: licence } = await ok<{ licenceId: string }>(
      "creator",
      "POST",
      "/v1/content/licences",
      licenceTerms(),
      201,
    ));
    const wider = {
      ...licenceTerms({ licensee: account("promoter"), rights: ["promotion"], maxAccesses: 1 }),
      parentId: licence,
      territories: ["JP", "KR"],
    };
    await refused("operator", "POST", "/v1/content/licences", wider, 422, /SubLicenceExceedsParent\(.*territories/);
    const longer = { ...wider, territories: ["JP"], end: now() + 31 * DAY };
    await refused("operator", "POST", "/v1/content/licences", longer, 422, /SubLicenceExceedsParent\(.*end/);
  });

  it("refuses a split not summing to 100% and declares creator 60%, aggregator 30%, promoter 10%", async () => {
    const short = {
      tokenId: film,
      recipients: [
        { account: account("creator"), bps: 6000 },
        { account: account("aggregator"), bps: 3000 },
      ],
    };
    await refused("creator", "POST", "/v1/content/splits", short, 422, /SplitNotWhole\(9000\)/);
    const body = { ...short, recipients: [...short.recipients, { account: account("promoter"), bps: 1000 }] };
    ({ splitId: split } = await ok<{ splitId: string }>("creator", "POST", "/v1/content/splits", body, 201));
    const work = await ok<{ splitId: string }>("creator", "GET", `/v1/content/works/${film}`);
    assert.equal(work.splitId, split);
  });

  it("answers the CDN check with the reason, and records deliveries until the count runs out", async () => {
    const check = (name: Name, territory: string) =>
      ok<{ allowed: boolean; reason: string }>(name, "POST", "/v1/content/check", { licenceId: licence, territory });
    assert.deepEqual(await check("operator", "JP"), { allowed: true, reason: "allowed", remaining: 3 });
    assert.equal((await check("operator", "KR")).reason, "territory");
    assert.equal((await check("aggregator", "JP")).reason, "not-licensee");
    const deliver = (user: string) => ({ licenceId: licence, territory: "JP", user, promoter: account("promoter") });
    const first = await ok<{ results: Array<{ allowed: boolean; reason: string; remaining: number }> }>(
      "operator",
      "POST",
      "/v1/content/deliveries",
      { items: [deliver("user-1"), deliver("user-2"), deliver("user-3"), deliver("user-4")] },
      201,
    );
    assert.deepEqual(
      first.results.map((r) => [r.allowed, r.reason, r.remaining]),
      [
        [true, "allowed", 2],
        [true, "allowed", 1],
        [true, "allowed", 0],
        [false, "exhausted", 0],
      ],
    );
  });

  it("refuses a delivery after the licence's time ran out", async () => {
    // Long enough for the grant to be mined on a loaded machine before the first delivery; then wait it out.
    const end = now() + 20;
    ({ licenceId: brief } = await ok<{ licenceId: string }>(
      "creator",
      "POST",
      "/v1/content/licences",
      licenceTerms({ end, maxAccesses: 10 }),
      201,
    ));
    const item = { licenceId: brief, territory: "JP", user: "user-9" };
    const before = await ok<{ results: Array<{ reason: string }> }>(
      "operator",
      "POST",
      "/v1/content/deliveries",
      { items: [item] },
      201,
    );
    assert.equal(before.results[0]?.reason, "allowed");
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, end + 1 - now()) * 1000));
    const afterExpiry = await ok<{ results: Array<{ allowed: boolean; reason: string }> }>(
      "operator",
      "POST",
      "/v1/content/deliveries",
      { items: [item] },
      201,
    );
    assert.deepEqual(afterExpiry.results[0], { allowed: false, reason: "expired", remaining: 9 });
  });

  it("anchors the deliveries in one batch per licence and period, counted on chain", async () => {
    const { batches } = await ok<{ batches: Array<{ licenceId: string; count: number; period: number }> }>(
      "operator",
      "POST",
      "/v1/content/deliveries/anchor",
      {},
    );
    const ofFilm = batches.find((b) => b.licenceId === licence);
    assert.equal(ofFilm?.count, 3);
    const row = await ok<{ delivered: number }>("operator", "GET", `/v1/content/licences/${licence}`);
    assert.equal(row.delivered, 3, "the read model counts the anchored deliveries");
    const check = await ok<{ reason: string }>("operator", "POST", "/v1/content/check", {
      licenceId: licence,
      territory: "JP",
    });
    assert.equal(check.reason, "exhausted", "anchored deliveries still count");
    await refused("operator", "POST", "/v1/content/deliveries/anchor", {}, 409, /CONTENT_NOTHING_TO_ANCHOR/);
  });

  it("pays the period's royalties from the deliveries, takes a user's tip, and each recipient claims its part once", async () => {
    const manifest = JSON.parse(readFileSync(consortium.manifestPath, "utf8")) as {
      contracts: Record<string, { address: Address }>;
    };
    const token = manifest.contracts.SettlementToken?.address as Address;
    await agent("bank").agent.outbox.send({
      from: account("bank"),
      to: token,
      data: encodeFunctionData({
        abi: SettlementToken.abi,
        functionName: "mintOnFiatReceipt",
        args: [account("operator"), 100_00n, toHex("story receipt", { size: 32 })],
      }),
      label: "test: bank mints EUR for the operator",
    });
    const paid = await ok<{ amount: string }>("operator", "POST", "/v1/content/royalties/pay", {
      licenceId: licence,
      period,
    });
    assert.equal(paid.amount, "600", "3 deliveries at 2.00 EUR");
    await refused(
      "operator",
      "POST",
      "/v1/content/royalties/pay",
      { licenceId: licence, period },
      409,
      /CONTENT_NOTHING_DUE/,
    );
    await ok("operator", "POST", `/v1/content/works/${film}/tips`, { amount: "100", user: "user-1" });
    const claim = (name: Name) => ok<{ amount: string }>(name, "POST", `/v1/content/splits/${split}/claim`);
    assert.equal((await claim("aggregator")).amount, "210", "30% of 6.00 royalties and a 1.00 tip");
    assert.equal((await claim("creator")).amount, "420");
    assert.equal((await claim("promoter")).amount, "70");
    await refused("aggregator", "POST", `/v1/content/splits/${split}/claim`, undefined, 422, /AlreadyClaimed/);
    const balance = await ok<{ balance: string }>("aggregator", "GET", "/v1/content/balance");
    assert.equal(balance.balance, "210");
    const recipients = await ok<{ items: Array<{ claimed: string }> }>(
      "creator",
      "GET",
      `/v1/content/splits/${split}/recipients`,
    );
    assert.deepEqual(recipients.items.map((r) => r.claimed).sort(), ["210", "420", "70"]);
  });

  it("pays the promoter a fee per delivery attributed to it, never twice for the same deliveries", async () => {
    const fees = await ok<{ payments: Array<{ promoter: string; deliveries: number; amount: string }> }>(
      "operator",
      "POST",
      "/v1/content/promoters/fees",
      { licenceId: licence, period, feePerDelivery: "50" },
    );
    assert.deepEqual(
      fees.payments.map((p) => [p.promoter.toLowerCase(), p.deliveries, p.amount]),
      [[account("promoter").toLowerCase(), 3, "150"]],
      "3 attributed deliveries at 0.50 EUR",
    );
    const body = { licenceId: licence, period, feePerDelivery: "50" };
    await refused("operator", "POST", "/v1/content/promoters/fees", body, 409, /CONTENT_NO_ATTRIBUTED_DELIVERIES/);
    const balance = await ok<{ balance: string }>("promoter", "GET", "/v1/content/balance");
    assert.equal(balance.balance, "220", "70 from the split and 150 in fees");
  });

  it("aggregates royalties across works: one claim takes every split that owes the member", async () => {
    const [episode] = episodes;
    const body = {
      tokenId: episode,
      recipients: [
        { account: account("creator"), bps: 5000 },
        { account: account("aggregator"), bps: 5000 },
      ],
    };
    await ok("creator", "POST", "/v1/content/splits", body, 201);
    await ok("operator", "POST", `/v1/content/works/${film}/tips`, { amount: "100", user: "user-2" });
    await ok("operator", "POST", `/v1/content/works/${episode}/tips`, { amount: "200", user: "user-3" });
    const all = await ok<{ amount: string; splits: Array<{ amount: string }> }>(
      "aggregator",
      "POST",
      "/v1/content/royalties/claim",
    );
    assert.equal(all.amount, "130", "30% of the film's 1.00 tip and 50% of the episode's 2.00");
    assert.equal(all.splits.length, 2);
    await refused("aggregator", "POST", "/v1/content/royalties/claim", undefined, 409, /CONTENT_NOTHING_TO_CLAIM/);
  });

  it("issues credits for views, attention, survey answers, promotion and a bonus, only by an operator", async () => {
    const viewer = "0x0000000000000000000000000000000000001001";
    const surveyed = "0x0000000000000000000000000000000000001002";
    const influencer = "0x0000000000000000000000000000000000001003";
    const items = [
      { user: "user-1", account: viewer, kind: "view", units: 3 },
      { user: "user-1", account: viewer, kind: "attention", units: 12 },
      { user: "user-2", account: surveyed, kind: "survey", units: 2 },
      { user: "user-3", account: influencer, kind: "promotion", units: 3 },
      { user: "user-2", account: surveyed, kind: "bonus", units: 5 },
    ];
    await refused("creator", "POST", "/v1/content/rewards", { period, items }, 422, /NotCreditIssuer/);
    const issued = await ok<{ batches: Array<{ kind: string; credits: string }> }>(
      "operator",
      "POST",
      "/v1/content/rewards",
      { period, items },
      201,
    );
    assert.deepEqual(
      issued.batches.map((b) => [b.kind, b.credits]),
      [
        ["view", "3"],
        ["attention", "12"],
        ["survey", "20"],
        ["promotion", "6"],
        ["bonus", "5"],
      ],
    );
    const credits = (address: string) =>
      ok<{ credits: string; issuedBy: string }>("aggregator", "GET", `/v1/content/credits/${address}`);
    assert.equal((await credits(viewer)).credits, "15");
    assert.equal((await credits(surveyed)).credits, "25");
    assert.equal((await credits(influencer)).credits, "6");
    assert.equal((await credits(account("operator"))).issuedBy, "46");
  });

  it("reports the period reconciled, and names what is not: the short licence's unpaid royalties", async () => {
    type Report = {
      balanced: boolean;
      mismatches: string[];
      licences: Array<{
        licenceId: string;
        recorded: number;
        anchoredOnChain: number;
        royaltiesPaid: string;
        promoterFees: string;
      }>;
      credits: Array<{ kind: string; recorded: string; issued: string }>;
      custody: { paidIntoSplits: string; claimed: string; held: string };
    };
    const report = () => ok<Report>("operator", "GET", `/v1/content/reconciliation?period=${period}`);
    const before = await report();
    assert.equal(before.balanced, false);
    assert.deepEqual(before.mismatches, [`licence ${brief.toLowerCase()}: royalties owed 200, paid 0`]);
    const film = before.licences.find((l) => l.licenceId === licence.toLowerCase());
    assert.deepEqual(
      [film?.recorded, film?.anchoredOnChain, film?.royaltiesPaid, film?.promoterFees],
      [3, 3, "600", "150"],
    );
    assert.equal(before.credits.length, 5);
    assert.ok(before.credits.every((c) => c.recorded === c.issued));
    await ok("operator", "POST", "/v1/content/royalties/pay", { licenceId: brief, period });
    const after = await report();
    assert.deepEqual(after.mismatches, []);
    assert.equal(after.balanced, true);
    const { paidIntoSplits, claimed, held } = after.custody;
    assert.equal(BigInt(held), BigInt(paidIntoSplits) - BigInt(claimed), "the contract holds what is unclaimed");
    assert.equal(paidIntoSplits, "1200", "6.00 + 2.00 royalties, 1.00 + 1.00 + 2.00 tips");
  });

  it("lets the grantor revoke the licence, after which the check says revoked", async () => {
    const { licenceId: revocable } = await ok<{ licenceId: string }>(
      "creator",
      "POST",
      "/v1/content/licences",
      licenceTerms({ maxAccesses: 5 }),
      201,
    );
    await refused("operator", "POST", `/v1/content/licences/${revocable}/revoke`, undefined, 422, /NotLicenceGrantor/);
    await ok("creator", "POST", `/v1/content/licences/${revocable}/revoke`);
    const check = await ok<{ reason: string }>("operator", "POST", "/v1/content/check", {
      licenceId: revocable,
      territory: "JP",
    });
    assert.equal(check.reason, "revoked");
  });

  it("finds every agent's content read model equal to the contracts' views", async () => {
    for (const name of ["creator", "operator", "aggregator"] as const) {
      const report = await ok<{ checked: string[]; differences: Array<{ domain: string }> }>(
        name,
        "GET",
        "/v1/agent/consistency",
      );
      assert.ok(report.checked.includes("content"), `${name} checks content`);
      assert.deepEqual(
        report.differences.filter((d) => d.domain === "content"),
        [],
      );
    }
  });

  it("refuses bad input naming the field, with nothing changed", async () => {
    const answer = await agent("operator").call<{ code: string; details: Array<{ field: string }> }>(
      "POST",
      "/v1/content/check",
      { licenceId: licence, territory: "XX" },
    );
    assert.equal(answer.status, 400);
    assert.equal(answer.body.code, "VALIDATION_FAILED");
    assert.ok(
      answer.body.details.some((d) => d.field.startsWith("body.territory")),
      JSON.stringify(answer.body),
    );
    const reward = await agent("operator").call<{ code: string; details: Array<{ field: string }> }>(
      "POST",
      "/v1/content/rewards",
      { period, items: [{ user: "u", account: account("promoter"), kind: "likes", units: 1 }] },
    );
    assert.equal(reward.status, 400);
    assert.ok(
      reward.body.details.some(
        (d) => d.field.startsWith("body.items.0.kind") || d.field.startsWith("body.items[0].kind"),
      ),
      JSON.stringify(reward.body),
    );
    const missing = `0x${"ab".repeat(32)}` as Hex;
    await refused("operator", "GET", `/v1/content/licences/${missing}`, undefined, 404, /CONTENT_LICENCE_NOT_FOUND/);
  });
});
