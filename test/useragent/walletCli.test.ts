// `telco-ledger wallet ...` (src/identity/walletCli.ts) against an enterprise agent over HTTP, run as the real CLI:
// no relationship at first; `connect` makes the pairwise DID for the agent; `send` seals a request from it (encrypted:
// it carries personal data) into the agent's inbox, where it opens a conversation; `open` opens the agent's encrypted
// delivery that the agent's outbox posted to the person's endpoint. A message failing its schema, a wrong passphrase
// and a missing passphrase are refused by name, and nothing reaches the agent.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { MESSAGE_CONTEXT } from "../../src/core/identity/messages/index.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { type PhoneEndpoint, startPhoneEndpoint } from "./phoneEndpoint.ts";

const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const PASSPHRASE = "alice's phone, from the CLI";

describe("telco-ledger wallet: the user agent on the command line", () => {
  let consortium: TestConsortium;
  let isp: TestAgent;
  let dir: string;
  let phone: PhoneEndpoint;

  const wallet = async (args: string[], passphrase: string | null = PASSPHRASE) => {
    const env = { ...process.env };
    delete env.TELCO_WALLET_PASSPHRASE;
    if (passphrase !== null) env.TELCO_WALLET_PASSPHRASE = passphrase;
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [cliBin, "wallet", ...args, "--keystore", join(dir, "wallet"), "--json"],
        { encoding: "utf8", timeout: 120_000, env },
      );
      return { ok: true as const, out: JSON.parse(stdout) as Record<string, unknown> & unknown[] };
    } catch (error) {
      const e = error as { code?: number; stderr?: string };
      return { ok: false as const, status: e.code, stderr: e.stderr ?? "" };
    }
  };
  const conversations = async () => {
    const r = await isp.call<{ items: Array<{ threadId: string; messages: number }> }>(
      "GET",
      "/v1/identity/conversations",
    );
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.items;
  };

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "wallet-cli-"));
    consortium = (await startTestConsortium([{ name: "isp", roles: ["TNSP"] }])) as TestConsortium;
    isp = consortium.agents.isp as TestAgent;
    // The user agent's endpoint (a phone's relay): keeps what an agent posts, for the wallet to open.
    phone = await startPhoneEndpoint();
  });
  after(async () => {
    phone?.close();
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("connects, sends an encrypted request, and opens the agent's delivery", async () => {
    const none = await wallet(["relationships"]);
    assert.ok(none.ok, none.ok ? "" : none.stderr);
    assert.deepEqual(none.out, []);

    const connected = await wallet(["connect", isp.url]);
    assert.ok(connected.ok, connected.ok ? "" : connected.stderr);
    const contact = connected.out as unknown as { agentDid: string; did: string };
    assert.match(contact.did, /^did:key:zDn/);
    const listed = await wallet(["relationships"]);
    assert.ok(listed.ok);
    assert.deepEqual(
      (listed.out as Array<{ peer: string; did: string }>).map((r) => [r.peer, r.did]),
      [[contact.agentDid, contact.did]],
    );

    const requestId = `req-${crypto.randomUUID()}`;
    const requestFile = join(dir, "request.json");
    await writeFile(
      requestFile,
      JSON.stringify({
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAttestation",
        identifier: requestId,
        attestationType: "IspAccount",
        for: [contact.did],
        format: "jwt_vc",
        description: "My ISP account attestation",
      }),
    );
    const sent = await wallet(["send", isp.url, requestFile]);
    assert.ok(sent.ok, sent.ok ? "" : sent.stderr);
    assert.deepEqual([sent.out.sender, sent.out.encrypted, sent.out.threadId], [contact.did, true, requestId]);
    assert.ok((await conversations()).some((c) => c.threadId === requestId));

    const offer = await isp.call("POST", "/v1/identity/messages/outbox", {
      to: contact.did,
      endpoint: phone.url,
      message: {
        "@context": MESSAGE_CONTEXT,
        "@type": "DeliverAttestation",
        identifier: `deliv-${crypto.randomUUID()}`,
        replyTo: requestId,
        object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU" },
        description: "Your ISP account attestation",
        deliveredAt: Math.floor(Date.now() / 1000),
      },
    });
    assert.equal(offer.status, 201, JSON.stringify(offer.body));
    const tokenFile = join(dir, "delivery.jwe");
    await writeFile(tokenFile, phone.delivered.at(-1) as string);
    const opened = await wallet(["open", contact.agentDid, tokenFile]);
    assert.ok(opened.ok, opened.ok ? "" : opened.stderr);
    const message = opened.out as unknown as {
      sender: string;
      recipient: string;
      encrypted: boolean;
      message: { "@type": string };
    };
    assert.deepEqual(
      [message.sender, message.recipient, message.encrypted, message.message["@type"]],
      [contact.agentDid, contact.did, true, "DeliverAttestation"],
    );
  });

  it("refuses a message failing its schema, a wrong or missing passphrase, and sends nothing", async () => {
    const before = await conversations();
    const badFile = join(dir, "bad.json");
    await writeFile(
      badFile,
      JSON.stringify({
        "@context": MESSAGE_CONTEXT,
        "@type": "RequestAttestation",
        identifier: "req-bad-0001",
        attestationType: "IspAccount",
        for: ["did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"],
        format: "paper",
        description: "A request in an unknown format",
      }),
    );
    const bad = await wallet(["send", isp.url, badFile]);
    assert.equal(bad.ok, false);
    assert.match(bad.ok ? "" : bad.stderr, /format/);
    const wrong = await wallet(["relationships"], "not alice's passphrase");
    assert.equal(wrong.ok, false);
    assert.match(wrong.ok ? "" : wrong.stderr, /KEYSTORE_WRONG_PASSPHRASE|passphrase/);
    const missing = await wallet(["relationships"], null);
    assert.equal(missing.ok, false);
    assert.match(missing.ok ? "" : missing.stderr, /set TELCO_WALLET_PASSPHRASE/);
    assert.deepEqual(await conversations(), before, "nothing reached the agent");
  });
});
