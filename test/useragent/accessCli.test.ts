// `telco-ledger wallet access ...` (src/useragent/accessCli.ts) as the real CLI against two member agents over HTTP:
// the partner asks access (RequestAccess posted to the person's endpoint); `access requests` opens it; `access grant`
// seals the copy to the partner, posts the permission to the person's hub at the ISP and sends GrantAccess (the
// partner records it granted and retrieves the copy); `access list` shows it at the hub; `access retract` ends it at
// the hub and notifies the partner (retrieval refused); `access deny` answers another request. A grant without a copy
// is refused by name, and nothing is sent.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { type PhoneEndpoint, startPhoneEndpoint } from "./phoneEndpoint.ts";

const cliBin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const PASSPHRASE = "alice's phone, access from the CLI";
const ACCOUNT = "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6eyJ0eXBlIjpbIklzcEFjY291bnQiXX19.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";

describe("telco-ledger wallet access: permissions from the command line", () => {
  let consortium: TestConsortium;
  let isp: TestAgent;
  let partner: TestAgent;
  let dir: string;
  let phone: PhoneEndpoint;

  const wallet = async (args: string[]) => {
    const env = { ...process.env, TELCO_WALLET_PASSPHRASE: PASSPHRASE };
    try {
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [cliBin, "wallet", ...args, "--keystore", join(dir, "wallet"), "--json"],
        { encoding: "utf8", timeout: 120_000, env },
      );
      return { ok: true as const, out: JSON.parse(stdout) as Record<string, unknown> & Record<string, unknown>[] };
    } catch (error) {
      const e = error as { code?: number; stderr?: string };
      return { ok: false as const, status: e.code, stderr: e.stderr ?? "", out: undefined };
    }
  };
  const ask = async (to: string, owner: string) => {
    const asked = await partner.call<{ permissionId: string }>("POST", "/v1/identity/access/requests", {
      to,
      endpoint: phone.url,
      hub: { url: isp.url, owner },
      attestationTypes: ["IspAccount"],
      purpose: "A discount for customers of partner ISPs",
    });
    assert.equal(asked.status, 201, JSON.stringify(asked.body));
    const file = join(dir, `${asked.body.permissionId}.token`);
    await writeFile(file, phone.delivered.at(-1) as string);
    return { permissionId: asked.body.permissionId, file };
  };
  const statusOf = async (permissionId: string) =>
    (await partner.call<{ status: string }>("GET", `/v1/identity/access/${permissionId}`)).body.status;

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "access-cli-"));
    consortium = (await startTestConsortium([
      { name: "isp", roles: ["TNSP"] },
      { name: "partner", roles: ["MOBILE_OPERATOR"] },
    ])) as TestConsortium;
    isp = consortium.agents.isp as TestAgent;
    partner = consortium.agents.partner as TestAgent;
    phone = await startPhoneEndpoint();
  });
  after(async () => {
    phone?.close();
    await consortium?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it("opens, grants, lists, retracts and denies access requests", async () => {
    const { openWallet } = await import("../../src/useragent/wallet.ts");
    const w = await openWallet({ dir: join(dir, "wallet"), passphrase: PASSPHRASE });
    const owner = await w.hubOwner();
    const to = (await w.connect(partner.url)).did;
    assert.equal((await isp.call("POST", "/v1/identity/hubs", { owner })).status, 201);
    const credential = join(dir, "account.jwt");
    await writeFile(credential, ACCOUNT);

    const first = await ask(to, owner);
    const opened = await wallet(["access", "requests", first.file]);
    assert.ok(opened.ok, opened.stderr);
    assert.deepEqual(
      (opened.out as Record<string, unknown>[]).map((r) => [r.permission, r.attestationTypes]),
      [[first.permissionId, ["IspAccount"]]],
    );
    const noCopy = await wallet(["access", "grant", partner.url, first.file, "--hub", isp.url]);
    assert.equal(noCopy.ok, false);
    assert.match(noCopy.stderr ?? "", /--copy/);
    assert.equal(await statusOf(first.permissionId), "requested", "a refused grant sends nothing");

    const granted = await wallet([
      "access",
      "grant",
      partner.url,
      first.file,
      "--hub",
      isp.url,
      "--copy",
      `IspAccount=${credential}`,
    ]);
    assert.ok(granted.ok, granted.stderr);
    assert.equal(granted.out?.id, first.permissionId);
    assert.equal(await statusOf(first.permissionId), "granted");
    const retrieved = await partner.call<{ attestations: Array<{ payload: string }> }>(
      "POST",
      `/v1/identity/access/${first.permissionId}/retrieve`,
      {},
    );
    assert.equal(retrieved.status, 200, JSON.stringify(retrieved.body));
    assert.equal(retrieved.body.attestations[0]?.payload, ACCOUNT);

    const listed = await wallet(["access", "list", "--hub", isp.url]);
    assert.ok(listed.ok, listed.stderr);
    assert.deepEqual(
      (listed.out as Record<string, unknown>[]).map((p) => [p.id, p.retractedAt]),
      [[first.permissionId, null]],
    );
    const retracted = await wallet(["access", "retract", partner.url, first.permissionId, "--hub", isp.url]);
    assert.ok(retracted.ok, retracted.stderr);
    assert.ok(retracted.out?.retractedAt);
    assert.equal(await statusOf(first.permissionId), "retracted");

    const second = await ask(to, owner);
    const denied = await wallet(["access", "deny", partner.url, second.file, "--purpose", "not now"]);
    assert.ok(denied.ok, denied.stderr);
    assert.equal(await statusOf(second.permissionId), "denied");
  });
});
