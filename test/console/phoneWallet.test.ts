// The console's Phone wallet page end to end: Debian's Chromium (headless, playwright-core) against a member agent on
// a devnet. The page makes the person's keys in the browser (WebCrypto, kept in IndexedDB: the same DIDs after a
// reload), connects to the agent (a pairwise did:key for its messaging DID) and asks it for an attestation (an
// encrypted RequestAttestation the agent's inbox takes into a conversation with that DID), has the member host the
// person's hub (the one call made with the member's API key), and opens on the device what the agent sent through its
// outbox to the hub's inbox: an encrypted DeliverAttestation and a RequestAccess, shown by type; the attestation kept
// is sealed into the hub and listed as held. axe-core, no CSP refusal, a screenshot reports/console/phone-wallet.png,
// and the bundle's size against the console's budget (reports/console/budgets-phone-wallet.json).
import assert from "node:assert/strict";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { gzipSync } from "node:zlib";
import type { Browser, Page } from "playwright-core";
import { MESSAGE_CONTEXT } from "../../src/core/identity/messages/schemas.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";
import {
  type Budget,
  buildConsole,
  bundleSize,
  launchBrowser,
  openPage,
  reportBudgets,
  screenshot,
  seriousViolations,
} from "./browser.ts";

const BUNDLE_LIMIT_KB = 300;
const INTERACTIVE_LIMIT_MS = 1000;
const id = () => `msg-${crypto.randomUUID()}`;

describe("console Phone wallet page, end to end in Chromium", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let isp: TestAgentProcess;
  let browser: Browser;
  let page: Page;
  let problems: string[] = [];
  let owner = "";
  /** The pairwise DID linked to the agent (a hub alias): the agent sends to it. */
  let linkedDid = "";
  const budgets: Budget[] = [];

  const text = async (testId: string) => (await page.getByTestId(testId).textContent()) ?? "";
  const open = async () => {
    await page.goto(`${isp.url}/console/#/phone-wallet`);
    // Interactive: a fresh load until the main control is visible (the wallet chunk loaded, IndexedDB read).
    const started = performance.now();
    await page.reload();
    await page.getByRole("heading", { name: "This page is a phone" }).waitFor();
    await page.getByRole("button", { name: /Create wallet|New wallet/ }).waitFor();
    return Math.round(performance.now() - started);
  };

  before(async () => {
    buildConsole();
    // An agent process: its public URL is the one it listens on, which the link offers name.
    consortium = await startTestConsortium([{ name: "isp", roles: ["TNSP"] }], { agentProcesses: true });
    isp = consortium.agents.isp as TestAgentProcess;
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
    await page.goto(`${isp.url}/`);
    await page.getByLabel("Member API key").fill(isp.adminKey);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.getByTestId("member-name").waitFor();
  });
  after(async () => {
    await browser?.close();
    await consortium?.stop();
  });

  it("makes the person's keys on the device, connects to the agent, hosts the hub, and keeps them across a reload", async () => {
    budgets.push({ what: "Phone wallet interactive", measured: await open(), unit: "ms", limit: INTERACTIVE_LIMIT_MS });
    await page.getByRole("button", { name: "Create wallet" }).click();
    owner = await (async () => {
      await page.getByTestId("owner-did").waitFor();
      return text("owner-did");
    })();
    assert.match(owner, /^did:key:zDn/);
    await page.getByRole("button", { name: "Connect to this agent" }).click();
    await page.getByTestId("agent-contact").waitFor();
    const messaging = await isp.call<{ did: string }>("GET", "/v1/identity/messages/did");
    const contact = await text("agent-contact");
    assert.ok(contact.includes(messaging.body.did), contact);
    const pairwise = contact.match(/my DID for it (did:key:\S+)/)?.[1] ?? "";
    assert.match(pairwise, /^did:key:zDn/);
    assert.notEqual(pairwise, owner, "the relationship has its own DID, not the hub owner's");

    // The person asks the agent for an attestation: sealed by the pairwise DID on the page, taken by the agent's inbox.
    await page.getByLabel("What for (shown to the agent)").fill("My ISP account attestation");
    await page.getByRole("button", { name: "Ask for the attestation" }).click();
    await page.getByTestId("request-sent").waitFor();
    assert.match(await text("request-sent"), /taken by the agent, encrypted: thread req-/);
    const threads = await isp.call<{ items: { peer: string; lastType: string }[] }>(
      "GET",
      "/v1/identity/conversations",
    );
    assert.ok(
      threads.body.items.some((t) => t.peer === pairwise && t.lastType === "RequestAttestation"),
      JSON.stringify(threads.body),
    );

    await page.getByRole("button", { name: "Host my hub here" }).click();
    await page.getByTestId("hub-status").waitFor();
    assert.match(await text("hub-status"), /hosted at this agent; 0 devices/);
    // The hub is the person's: without their signature the agent shows it to no one, API key or not.
    const unsigned = await isp.call("GET", `/v1/identity/hubs/${encodeURIComponent(owner)}`);
    assert.equal(unsigned.status, 401, JSON.stringify(unsigned.body));

    // Flow 2.1: the site's link offer pasted (its deep link), answered with the same pairwise DID, registered as an
    // alias of the hub, whose inbox the agent now knows.
    const link = await isp.call<{ linkId: string; offer: { deepLink: string } }>("POST", "/v1/identity/links", {
      label: "Example ISP",
      ttlSeconds: 120,
    });
    assert.equal(link.status, 201, JSON.stringify(link.body));
    await page.getByLabel("Link offer (URL or telco-ledger://link)").fill(link.body.offer.deepLink);
    await page.getByRole("button", { name: "Link with my pairwise DID" }).click();
    await page.getByTestId("link-answered").waitFor();
    assert.match(await text("link-answered"), new RegExp(`linked to Example ISP ${messaging.body.did} as ${pairwise}`));
    const polled = await isp.call<{ status: string; did: string; hub: string }>(
      "GET",
      `/v1/identity/links/${link.body.linkId}`,
    );
    assert.deepEqual(
      [polled.body.status, polled.body.did, polled.body.hub],
      ["linked", pairwise, `${isp.url}/v1/identity/hubs/${encodeURIComponent(owner)}/inbox`],
    );
    linkedDid = pairwise;

    // The keys stay on the device: the same DIDs after a reload.
    await open();
    await page.getByTestId("owner-did").waitFor();
    assert.equal(await text("owner-did"), owner);
    assert.ok((await text("wallet-dids")).includes(pairwise));
    await page.getByTestId("hub-status").waitFor();
  });

  it("opens what the agent sent through its outbox to the hub, by type, and keeps the delivered attestation", async () => {
    const endpoint = `${isp.url}/v1/identity/hubs/${encodeURIComponent(owner)}/inbox`;
    const send = async (message: Record<string, unknown>, to: string) => {
      const sent = await isp.call("POST", "/v1/identity/messages/outbox", { to, endpoint, message });
      assert.equal(sent.status, 201, JSON.stringify(sent.body));
    };
    await send(
      {
        "@context": MESSAGE_CONTEXT,
        "@type": "DeliverAttestation",
        identifier: id(),
        replyTo: id(),
        object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU" },
        description: "Your ISP account attestation",
        deliveredAt: Math.floor(Date.now() / 1000),
      },
      linkedDid,
    );
    await send(
      {
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAccess",
        identifier: id(),
        object: {
          grantee: "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
          attestationTypes: ["IspAccount"],
          actions: ["read"],
        },
        purpose: "a partner's discount",
      },
      owner,
    );

    await page.getByRole("button", { name: "Check inbox" }).click();
    const inbox = page.getByTestId("inbox-messages");
    await inbox.waitFor();
    const items = await inbox.locator("li").allTextContents();
    assert.equal(items.length, 2, items.join("\n"));
    assert.match(items[0] ?? "", /DeliverAttestation\s*encrypted\s*Your ISP account attestation \(jwt_vc\)/);
    assert.ok(items[0]?.includes(`to ${linkedDid}`), "the delivery came to the pairwise DID (a hub alias)");
    assert.ok(items[1]?.includes(`to ${owner}`), "the access request came to the hub owner");
    assert.match(items[1] ?? "", /RequestAccess\s*asks to read IspAccount: a partner's discount/);
    assert.ok(!/encrypted/.test(items[1] ?? ""), "a RequestAccess carries no personal data: signed, in clear");

    await page.getByRole("button", { name: "Keep attestation" }).click();
    const held = page.getByTestId("held-attestations");
    await held.waitFor();
    assert.match((await held.textContent()) ?? "", /Your ISP account attestation/);
    await page.getByText("asks to read IspAccount").waitFor();
    assert.equal(await inbox.locator("li").count(), 1, "the kept delivery left the inbox");

    assert.deepEqual(await seriousViolations(page), [], "axe-core on the Phone wallet page");
    await screenshot(page, "phone-wallet");
  });

  it("keeps the CSP (nothing refused, no page error) and the console bundle within its budget", () => {
    assert.deepEqual(problems, []);
    const size = bundleSize();
    budgets.unshift({
      what: `console bundle (${size.files} files, gzipped)`,
      measured: Math.round(size.gzipBytes / 102.4) / 10,
      unit: "kB",
      limit: BUNDLE_LIMIT_KB,
    });
    // The wallet's own chunk (jose, the message schemas and validator, the page), loaded only when the page opens.
    const assets = join(import.meta.dirname, "..", "..", "dist", "console", "assets");
    const chunk = readdirSync(assets).find((f) => /^PhoneWalletPage-.*\.js$/.test(f));
    assert.ok(chunk, "the Phone wallet page is a chunk of its own");
    const chunkGzip = gzipSync(readFileSync(join(assets, chunk)), { level: 9 }).length;
    budgets.push({
      what: "of which the Phone wallet chunk (gzipped)",
      measured: Math.round(chunkGzip / 102.4) / 10,
      unit: "kB",
    });
    reportBudgets(budgets, "budgets-phone-wallet");
    for (const b of budgets) if (b.limit !== undefined) assert.ok(b.measured < b.limit, `${b.what}: ${b.measured}`);
  });
});
