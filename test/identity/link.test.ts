// Flow 2.1, linking a person to an entity (EEA use case 6), between an enterprise agent process and a person's user
// agent over HTTP: the site opens a link; the QR code decodes back to the link's URL; the wallet answers the DID-Auth
// challenge with a pairwise did:key made for the agent (library and CLI), the person's hub registered with it; the hub
// variant relays the challenge to the person's hub (the pairwise DID an alias there), the wallet answers from its
// inbox; the 2FA variant relays a code the site then takes once, refusing wrong codes with the attempts left and
// locking after five. A replayed response, one signed by another key, and answers after expiry are refused by name.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import jsQRModule from "jsqr";
import QRCode from "qrcode";
import { signDidAuthResponse } from "../../src/core/identity/didAuth.ts";
import { didKeyOfP256 } from "../../src/core/identity/didKey.ts";
import { HubRequestError, relayToHub } from "../../src/identity/hub/client.ts";
import { parseLinkOffer } from "../../src/identity/links/format.ts";
import { openWallet, type UserAgentWallet } from "../../src/useragent/wallet.ts";
import { startTestConsortium, type TestAgentProcess, type TestConsortium } from "../../testkit/consortium.ts";

// jsqr is CommonJS whose `default` export holds the function.
const jsQR = ((jsQRModule as unknown as { default?: typeof jsQRModule }).default ?? jsQRModule) as unknown as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => { data: string } | null;
const cheap = { N: 1024 };
const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const PASSPHRASE = "alice's phone";
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Offer {
  linkId: string;
  agentDid: string;
  challenge: string;
  audience: string;
  responseUrl: string;
  url: string;
  deepLink: string;
  qr: { svg: string; png: string };
}
interface Link {
  linkId: string;
  mode: string;
  status: string;
  did: string | null;
  hub: string | null;
  attemptsLeft: number | null;
  offer?: Offer;
}
type Refusal = { code: string; details?: Record<string, unknown> | Array<Record<string, unknown>> };

/** The QR code of `text` as RGBA pixels (4 px per module, a 4-module quiet zone), read back by jsQR. */
function decodeQr(text: string): string | undefined {
  const qr = QRCode.create(text, { errorCorrectionLevel: "M" });
  const size = qr.modules.size;
  const scale = 4;
  const margin = 4;
  const width = (size + 2 * margin) * scale;
  const pixels = new Uint8ClampedArray(width * width * 4).fill(255);
  for (let row = 0; row < size; row++) {
    for (let col = 0; col < size; col++) {
      if (!qr.modules.get(row, col)) continue;
      for (let dy = 0; dy < scale; dy++) {
        for (let dx = 0; dx < scale; dx++) {
          const at = (((row + margin) * scale + dy) * width + (col + margin) * scale + dx) * 4;
          pixels.fill(0, at, at + 3);
        }
      }
    }
  }
  return jsQR(pixels, width, width)?.data;
}

/** A stranger's P-256 key: signs as any DID it likes, holds no key of the person's. */
function strangerSigner(claimedDid?: string) {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const own = didKeyOfP256(privateKey.export({ format: "jwk" }) as { x: string; y: string });
  const did = claimedDid ?? own;
  return {
    did,
    kid: `${did}#${did.slice("did:key:".length)}`,
    sign: async (data: string | Uint8Array) =>
      sign("sha256", Buffer.from(data), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url"),
  };
}

describe("flow 2.1: linking a person's pairwise DID to an enterprise agent", () => {
  let consortium: TestConsortium<TestAgentProcess>;
  let isp: TestAgentProcess;
  let dir: string;
  let wallet: UserAgentWallet;
  let hubInbox: string;
  /** Every DID-Auth response the wallet posts (to replay one). */
  const posted: string[] = [];

  const open = async (body: Record<string, unknown>) => {
    const r = await isp.call<Link>("POST", "/v1/identity/links", body);
    assert.equal(r.status, 201, JSON.stringify(r.body));
    return r.body;
  };
  const poll = async (linkId: string) => {
    const r = await isp.call<Link>("GET", `/v1/identity/links/${linkId}`);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body;
  };
  const answer = async (linkId: string, jwt: string) => {
    const response = await fetch(`${isp.url}/v1/identity/links/${linkId}/response`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ jwt }),
    });
    return { status: response.status, body: (await response.json()) as Link & Refusal };
  };
  const code = (linkId: string, value: string) =>
    isp.call<Link & Refusal>("POST", `/v1/identity/links/${linkId}/code`, { code: value });
  /** The code the person's wallet shows for a link (read from the hub, as `wallet inbox` does). */
  const codeShown = async (linkId: string) => {
    const entries = await wallet.inbox();
    const entry = entries.find((e) => e.kind === "link-code" && e.linkId === linkId);
    assert.ok(entry && entry.kind === "link-code", JSON.stringify(entries));
    return entry.code;
  };
  const wrongOf = (right: string) => String((Number(right) + 1) % 1_000_000).padStart(6, "0");

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "link-"));
    consortium = await startTestConsortium([{ name: "isp", roles: ["TNSP"] }], { agentProcesses: true });
    isp = consortium.agents.isp as TestAgentProcess;
    wallet = await openWallet({
      dir: join(dir, "phone"),
      passphrase: PASSPHRASE,
      scrypt: cheap,
      fetch: async (input, init) => {
        if (typeof init?.body === "string" && init.body.includes('"jwt"')) posted.push(JSON.parse(init.body).jwt);
        return fetch(input, init);
      },
    });
    // The person's hub, hosted by the member for the wallet's owner DID (here the same agent as the site's).
    const created = await isp.call("POST", "/v1/identity/hubs", { owner: await wallet.hubOwner() });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    await wallet.useHub(isp.url);
    hubInbox = (await wallet.hub(isp.url)).client.inboxUrl;
  });
  after(async () => {
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("QR code / deep link: the wallet answers with a pairwise did:key, the site sees it linked, a replay is refused", async () => {
    const link = await open({ label: "Example ISP", ttlSeconds: 120 });
    assert.equal(link.status, "pending");
    const offer = link.offer as Offer;
    assert.equal(decodeQr(offer.url), offer.url, "the QR code decodes back to the link's URL");
    assert.match(offer.qr.svg, /^<svg/);
    assert.match(offer.qr.png, /^data:image\/png;base64,/);
    assert.match(offer.deepLink, /^telco-ledger:\/\/link\?v=1&id=/);
    assert.deepEqual(parseLinkOffer(offer.deepLink), parseLinkOffer(offer.url), "both spellings carry one offer");

    const linked = await wallet.link(offer.deepLink);
    assert.match(linked.did, /^did:key:zDn/);
    assert.equal(linked.agentDid, offer.agentDid);
    assert.equal(linked.did, await wallet.didFor(offer.agentDid), "the pairwise DID for this agent");
    const polled = await poll(link.linkId);
    assert.deepEqual([polled.status, polled.did, polled.hub], ["linked", linked.did, hubInbox]);
    const aliases = await (await wallet.hub(isp.url)).client.aliases();
    assert.ok(
      aliases.some((a) => a.alias === linked.did),
      "the pairwise DID is an alias of the person's hub",
    );

    const replay = await answer(link.linkId, posted.at(-1) as string);
    assert.deepEqual([replay.status, replay.body.code], [409, "LINK_USED"]);
    const list = await isp.call<{ items: Link[]; nextCursor: string | null }>("GET", "/v1/identity/links?limit=1");
    assert.equal(list.status, 200);
    assert.equal(list.body.items[0]?.linkId, link.linkId);
  });

  it("refuses a response signed by another key than the DID's, an expired link, and bad link input, changing nothing", async () => {
    const link = await open({ ttlSeconds: 120 });
    const offer = link.offer as Offer;
    const did = await wallet.didFor(offer.agentDid);
    const forged = await signDidAuthResponse(strangerSigner(did), offer);
    const refused = await answer(link.linkId, forged);
    assert.deepEqual([refused.status, refused.body.code], [422, "DID_AUTH_INVALID"]);
    assert.equal((await poll(link.linkId)).status, "pending", "nothing linked");
    const again = await answer(link.linkId, await signDidAuthResponse(wallet.signerFor(offer.agentDid), offer));
    assert.deepEqual(
      [again.status, again.body.code],
      [409, "DID_AUTH_CHALLENGE_USED"],
      "the challenge is spent by the first answer, verified or not",
    );

    const short = await open({ ttlSeconds: 1 });
    await sleep(1500);
    await assert.rejects(
      wallet.link((short.offer as Offer).url),
      (e: unknown) => (e as { code?: string }).code === "LINK_EXPIRED",
    );
    const late = await answer(
      short.linkId,
      await signDidAuthResponse(wallet.signerFor((short.offer as Offer).agentDid), short.offer as Offer),
    );
    assert.deepEqual([late.status, late.body.code], [410, "LINK_EXPIRED"]);
    assert.equal((await poll(short.linkId)).status, "expired");

    const qrWithDid = await isp.call<Refusal>("POST", "/v1/identity/links", {
      mode: "qr",
      did: await wallet.hubOwner(),
    });
    assert.deepEqual([qrWithDid.status, qrWithDid.body.code], [400, "IDENTITY_INVALID_INPUT"]);
    const noHub = await isp.call<Refusal>("POST", "/v1/identity/links", { did: await wallet.hubOwner() });
    assert.deepEqual([noHub.status, noHub.body.code], [400, "IDENTITY_INVALID_INPUT"]);
    assert.match(JSON.stringify(noHub.body), /body\.hub/);
  });

  it("hub variant: the challenge is relayed to the person's hub under the pairwise DID, and answered from the inbox", async () => {
    const contact = await wallet.connect(isp.url);
    const link = await open({ did: contact.did, hub: hubInbox, label: "Example ISP" });
    assert.deepEqual([link.mode, link.status, link.offer], ["hub", "pending", undefined]);
    const waiting = await (await wallet.hub(isp.url)).client.inbox(0);
    assert.ok(
      waiting.some((m) => m.for === contact.did),
      "the hub names the pairwise DID the message is for",
    );
    const entries = await wallet.inbox();
    const answered = entries.find((e) => e.kind === "link-challenge" && e.linkId === link.linkId);
    assert.ok(answered, JSON.stringify(entries));
    const polled = await poll(link.linkId);
    assert.deepEqual([polled.status, polled.did], ["linked", contact.did]);
    assert.equal((await (await wallet.hub(isp.url)).client.inbox(0)).length, 0, "the answered challenge left the hub");

    // A message for a DID the hub does not list is refused by the hub.
    const stranger = strangerSigner();
    const jws = await signDidAuthResponse(stranger, { challenge: "x".repeat(43), audience: stranger.did });
    await assert.rejects(
      relayToHub(isp.url, await wallet.hubOwner(), jws),
      (e: unknown) => e instanceof HubRequestError && e.body.code === "HUB_MESSAGE_NOT_FOR_OWNER",
    );
  });

  it("2FA code: the right code links once; a wrong one says the attempts left; five wrong lock it; late is expired", async () => {
    const contact = await wallet.connect(isp.url);
    const right = await open({ did: contact.did, hub: hubInbox, mode: "code", label: "Example ISP" });
    assert.equal(right.attemptsLeft, 5);
    const shown = await codeShown(right.linkId);
    assert.match(shown, /^[0-9]{6}$/);
    const wrong = await code(right.linkId, wrongOf(shown));
    assert.deepEqual([wrong.status, wrong.body.code], [422, "LINK_CODE_WRONG"]);
    assert.match(JSON.stringify(wrong.body), /"attemptsLeft":4/);
    const ok = await code(right.linkId, shown);
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual([ok.body.status, ok.body.did], ["linked", contact.did]);
    const twice = await code(right.linkId, shown);
    assert.deepEqual([twice.status, twice.body.code], [409, "LINK_USED"]);

    const locked = await open({ did: contact.did, hub: hubInbox, mode: "code" });
    const real = await codeShown(locked.linkId);
    for (let left = 4; left >= 1; left--) {
      const r = await code(locked.linkId, wrongOf(real));
      assert.deepEqual([r.status, r.body.code], [422, "LINK_CODE_WRONG"]);
      assert.match(JSON.stringify(r.body), new RegExp(`"attemptsLeft":${left}`));
    }
    const fifth = await code(locked.linkId, wrongOf(real));
    assert.deepEqual([fifth.status, fifth.body.code], [429, "LINK_CODE_ATTEMPTS"]);
    const tooLate = await code(locked.linkId, real);
    assert.deepEqual([tooLate.status, tooLate.body.code], [429, "LINK_CODE_ATTEMPTS"], "even the right code");
    assert.deepEqual([(await poll(locked.linkId)).status, (await poll(locked.linkId)).did], ["locked", null]);

    const expiring = await open({ did: contact.did, hub: hubInbox, mode: "code", ttlSeconds: 1 });
    const soon = await codeShown(expiring.linkId);
    await sleep(1500);
    const expired = await code(expiring.linkId, soon);
    assert.deepEqual([expired.status, expired.body.code], [410, "LINK_EXPIRED"]);
    assert.equal((await poll(expiring.linkId)).status, "expired");
    const mismatch = await answer(expiring.linkId, "eyJhbGciOiJFUzI1NiJ9.eyJub25jZSI6IngifQ.c2ln");
    assert.deepEqual([mismatch.status, mismatch.body.code], [409, "LINK_MODE_MISMATCH"]);
  });

  it("the CLI: the site opens, shows and completes links (identity link), the person answers them (wallet use-hub, link, inbox)", async () => {
    const run = async (args: string[]) => {
      const { stdout } = await promisify(execFile)(process.execPath, [cliBin, ...args, "--json"], {
        encoding: "utf8",
        timeout: 120_000,
        env: { ...process.env, TELCO_WALLET_PASSPHRASE: "bob's laptop" },
      });
      return JSON.parse(stdout) as Record<string, unknown>;
    };
    const site = ["--url", isp.url, "--api-key", isp.adminKey];
    const keystore = ["--keystore", join(dir, "cli-wallet")];
    const used = await run(["wallet", "use-hub", isp.url, ...keystore]);
    const hub = await isp.call("POST", "/v1/identity/hubs", { owner: used.owner });
    assert.equal(hub.status, 201, JSON.stringify(hub.body));
    const created = (await run(["identity", "link", "create", "--label", "Example ISP", ...site])) as unknown as Link;
    assert.equal(created.status, "pending");
    const answered = await run(["wallet", "link", (created.offer as Offer).url, ...keystore]);
    assert.match(String(answered.did), /^did:key:zDn/);
    const shown = (await run(["identity", "link", "show", created.linkId, ...site])) as unknown as Link;
    assert.deepEqual([shown.status, shown.did], ["linked", answered.did]);
    assert.match(String(shown.hub), /\/inbox$/, "the wallet told the site where its hub is");

    // The 2FA variant on the command line: the code the wallet prints, typed in by the site.
    const coded = (await run([
      "identity",
      "link",
      "create",
      "--did",
      String(answered.did),
      "--hub",
      String(shown.hub),
      "--code",
      ...site,
    ])) as unknown as Link;
    const inbox = (await run(["wallet", "inbox", ...keystore])) as unknown as Array<{ kind: string; code?: string }>;
    const printed = inbox.find((e) => e.kind === "link-code")?.code;
    assert.match(String(printed), /^[0-9]{6}$/, JSON.stringify(inbox));
    const typed = (await run(["identity", "link", "code", coded.linkId, String(printed), ...site])) as unknown as Link;
    assert.deepEqual([typed.status, typed.did], ["linked", answered.did]);
  });
});
