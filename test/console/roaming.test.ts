// The operator console's Roaming and Settlement pages end to end: Debian's Chromium (headless, playwright-core)
// against three mobile operators' agents on a devnet (testkit/roaming.ts), with a roaming agreement between north
// (visited) and south (home), one batch of usage confirmed, invoiced and one record disputed, through the agents'
// APIs. North's console attaches a south subscriber and sees the session become active as the ledger's events arrive
// (no reload by the test), with the latency and throughput charts drawn; its Settlement page shows what south owes it
// in the period's heat map, the invoice and the dispute. axe-core on each page, a screenshot of each in
// reports/console/ (roaming.png, settlement.png), no CSP refusal, and the pages' interactive times.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Browser, Locator, Page } from "playwright-core";
import type { TestAgent } from "../../testkit/consortium.ts";
import { imsiOf, NETWORKS, type RoamingConsortium, startRoamingConsortium } from "../../testkit/roaming.ts";
import { PERIOD, RECORDS, TARIFF, VALID_FROM, VALID_TO } from "../settlement/roamingFixtures.ts";
import {
  type Budget,
  buildConsole,
  launchBrowser,
  openPage,
  reportBudgets,
  screenshot,
  seriousViolations,
} from "./browser.ts";

const INTERACTIVE_LIMIT_MS = 1000;

describe("operator console: roaming and settlement, end to end in Chromium", () => {
  let r: RoamingConsortium<TestAgent>;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  let channel = "";
  const interactive: Record<string, number> = {};
  const text = async (locator: Locator) => (await locator.textContent()) ?? "";
  const ok = async <T = Record<string, unknown>>(agent: TestAgent, method: string, path: string, body?: unknown) => {
    const answer = await agent.call<T>(method, path, body);
    assert.ok(answer.status === 200 || answer.status === 201, `${path}: ${JSON.stringify(answer.body)}`);
    return answer.body;
  };
  const checkPage = async (name: string) => {
    assert.deepEqual(await seriousViolations(page), [], `axe-core on ${name}`);
    await screenshot(page, name);
  };
  const visit = async (id: string, ready: string) => {
    const started = performance.now();
    await page.goto(`${r.op.north.url}/console/#/${id}`);
    await page.reload();
    await page.locator(ready).first().waitFor({ state: "visible" });
    interactive[id] = Math.round(performance.now() - started);
  };

  before(async () => {
    buildConsole();
    r = await startRoamingConsortium({ subscribers: 3 });
    // North (visited) and south (home) agree; north anchors the usage, south confirms it, north invoices period 1
    // (276 cents) and south disputes the first record (240 cents).
    const { north, south } = r.op;
    const account = (a: TestAgent) => a.agent.config.memberAccount;
    const terms = {
      visited: account(north),
      home: account(south),
      validFrom: VALID_FROM,
      validTo: VALID_TO,
      periodSeconds: PERIOD,
      disputeWindowSeconds: 7 * 86_400,
      tariff: TARIFF,
    };
    const { agreementId } = await ok<{ agreementId: string }>(north, "POST", "/v1/settlement/agreements", terms);
    await ok(south, "POST", `/v1/settlement/agreements/${agreementId}/approve`, { terms });
    const { batchId } = await ok<{ batchId: string }>(
      north,
      "POST",
      `/v1/settlement/agreements/${agreementId}/batches`,
      { records: RECORDS },
    );
    const held = await ok<{ salt: string; records: unknown[] }>(
      north,
      "GET",
      `/v1/settlement/batches/${batchId}/records`,
    );
    await ok(south, "POST", `/v1/settlement/batches/${batchId}/confirm`, { salt: held.salt, records: held.records });
    const { invoiceId } = await ok<{ invoiceId: string }>(
      north,
      "POST",
      `/v1/settlement/agreements/${agreementId}/invoices`,
      { period: 1 },
    );
    await ok(south, "POST", `/v1/settlement/invoices/${invoiceId}/disputes`, {
      batchId,
      recordRef: "n-1",
      reason: "WrongRate",
    });
    // A payment channel north opened to south (no deposit yet): the Settlement page lists its state.
    const { channelId } = await ok<{ channelId: string }>(north, "POST", "/v1/settlement/channels", {
      counterparty: r.op.south.agent.config.memberAccount,
      challengePeriodSeconds: 3600,
    });
    channel = channelId;
    browser = await launchBrowser();
    const opened = await openPage(browser);
    page = opened.page;
    problems = opened.problems;
    await page.goto(`${r.op.north.url}/`);
    await page.getByLabel("Member API key").fill(r.op.north.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("member-name").waitFor();
  });
  after(async () => {
    await browser?.close();
    await r?.stop();
  });

  it("runs a roaming attach and sees the session become active", async () => {
    await page.goto(`${r.op.north.url}/console/#/roaming`);
    assert.equal(await text(page.getByRole("heading", { level: 1 })), "Roaming");
    await page.getByTestId("roaming-live").getByText("live", { exact: true }).waitFor();
    assert.match(await text(page.getByRole("region", { name: "Latency" })), /no session decided yet/);
    // A wrong IMSI is refused by the agent, shown with its code and the field, and starts nothing.
    await page.getByLabel("IMSI").fill("12");
    await page.getByRole("button", { name: "Attach" }).click();
    const refusal = page.getByRole("region", { name: "Attach a device" }).getByRole("alert");
    await refusal.waitFor();
    assert.match(await text(refusal), /VALIDATION_FAILED.*imsi/);

    const imsi = imsiOf(NETWORKS.south, 1);
    await page.getByLabel("IMSI").fill(imsi);
    await page.getByLabel("sms").uncheck();
    await page.getByRole("button", { name: "Attach" }).click();
    await page.getByTestId("attached").waitFor();
    const row = page.locator(`[data-testid=session][data-imsi="${imsi}"]`);
    await row.waitFor();
    // The page is not reloaded: the session turns active as the exchange's events arrive on the stream.
    await row.getByTestId("session-state").getByText("active", { exact: true }).waitFor({ timeout: 60_000 });
    const cells = await row.locator("td").allTextContents();
    assert.equal(cells[2], NETWORKS.south);
    assert.equal(cells[4], "activated");
    assert.equal(cells[5], "voice, data, volte, 5g");
    assert.match(cells[6] ?? "", /^\d+ ms$/);
    assert.match(await text(page.getByTestId("session-stats")), /active\s*1/);
    // Both charts have drawn the decided session: one latency bar; one decision in the throughput's intervals.
    await page.locator("[data-testid=chart-attach-to-decision] rect.bar").first().waitFor();
    assert.equal(await page.locator("[data-testid=chart-attach-to-decision] rect.bar").count(), 1);
    const perInterval = await page.locator("[data-testid=chart-sessions-decided-per-10-s] td").allTextContents();
    assert.equal(
      perInterval.map((c) => Number.parseInt(c, 10)).reduce((a, b) => a + b, 0),
      1,
    );
    await checkPage("roaming");
    await visit("roaming", "#roam-imsi");
  });

  it("shows what south owes north in the period's heat map, the invoice and its dispute", async () => {
    await page.goto(`${r.op.north.url}/console/#/settlement`);
    const matrix = page.getByRole("table", { name: "Balance matrix" });
    await matrix.waitFor();
    assert.equal(await page.getByLabel("Period").inputValue(), "2026-02-01");
    const north = r.op.north.agent.config.memberAccount.toLowerCase();
    const south = r.op.south.agent.config.memberAccount.toLowerCase();
    const cell = matrix.locator(`[data-testid=balance-cell][data-from="${south}"][data-to="${north}"]`);
    assert.equal(await text(cell), "2.76");
    assert.equal(await cell.getAttribute("class"), "heat-5");
    assert.equal(
      await text(matrix.locator(`[data-testid=balance-cell][data-from="${north}"][data-to="${south}"]`)),
      "–",
    );
    // Parties are ordered by account, which the devnet's key derivation decides, not by name.
    const headOrder = north < south ? /north[\s\S]*south/ : /south[\s\S]*north/;
    assert.match(await text(matrix.locator("thead")), headOrder);
    const invoice = page.getByTestId("invoice");
    assert.equal(await invoice.count(), 1);
    assert.match(await text(invoice), /2026-02-01\s*north \(test\)\s*south \(test\)\s*2\.76\s*issued/);
    const dispute = page.getByTestId("dispute");
    assert.equal(await dispute.count(), 1);
    assert.match(await text(dispute), /2\.40\s*WrongRate\s*open/);
    const channelRow = page.getByTestId("channel");
    await channelRow.first().waitFor();
    assert.equal(await channelRow.count(), 1);
    assert.match(await text(channelRow), /south \(test\)\s*open\s*0\s*0\.00\s*0\.00\s*0\.00/);
    assert.equal(await channelRow.locator("code").getAttribute("title"), channel);
    await checkPage("settlement");
    await visit("settlement", "[data-testid=balance-cell]");
  });

  it("keeps the CSP (nothing refused) and each page interactive within 1 s", () => {
    assert.deepEqual(problems, [], "the pages reported CSP refusals or errors");
    const budgets: Budget[] = Object.entries(interactive).map(([id, ms]) => ({
      what: `${id} interactive (load to ready)`,
      measured: ms,
      unit: "ms",
      limit: INTERACTIVE_LIMIT_MS,
    }));
    reportBudgets(budgets, "budgets-roaming");
    for (const b of budgets) assert.ok(b.measured < INTERACTIVE_LIMIT_MS, `${b.what}: ${b.measured} ms`);
  });
});
