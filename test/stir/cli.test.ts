// `telco-ledger stir ...` against the real agents of the signed-calls consortium: the BPO signs through the CLI, the
// OSP attests through it, the STI-VS verifies through it, and trust roots are listed, removed and added back.
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import type { TestAgent } from "../../testkit/consortium.ts";
import {
  CALLED_TN,
  CALLING_TN,
  type SignedCallsConsortium,
  startSignedCallsConsortium,
} from "../../testkit/signedCalls.ts";

type Json = Record<string, unknown>;
const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;

/** Runs the CLI asynchronously: the agents live in this process and must keep answering. */
async function cli(agent: TestAgent, ...args: string[]): Promise<Json> {
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [bin, "stir", ...args, "--url", agent.url, "--api-key", agent.adminKey, "--json"],
    { encoding: "utf8", timeout: 120_000 },
  );
  return JSON.parse(stdout) as Json;
}

async function cliFails(agent: TestAgent, ...args: string[]): Promise<Json> {
  try {
    await cli(agent, ...args);
  } catch (error) {
    const e = error as { code: number; stderr: string };
    assert.notEqual(e.code, 0);
    return (JSON.parse(e.stderr) as { error: Json }).error;
  }
  assert.fail(`stir ${args.join(" ")} succeeded`);
}

describe("stir CLI", () => {
  let s: SignedCallsConsortium;
  let dir: string;
  before(async () => {
    s = await startSignedCallsConsortium();
    dir = await mkdtemp(join(tmpdir(), "stir-cli-"));
  });
  after(async () => {
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("signs, attests A, verifies, and manages trust roots through the agents' API", async () => {
    const { bpo, osp } = s.agents;
    const signed = await cli(bpo, "sign", s.orgs.bpo.did, CALLING_TN, CALLED_TN, "--tnauth", s.delegation.tnauth);
    assert.match(String(signed.identity), /;info=<did:ethr:/);

    const decision = await cli(
      osp,
      "attest",
      CALLING_TN,
      CALLED_TN,
      "--identity",
      String(signed.identity),
      "--direct-customer",
    );
    assert.equal(decision.attest, "A", JSON.stringify(decision));
    assert.deepEqual(decision.reasons, []);
    const unsigned = await cli(osp, "attest", CALLING_TN, CALLED_TN);
    assert.equal(unsigned.attest, "C");

    // Verify as at the call's time (the PASSporT's iat): on a loaded machine each CLI start takes seconds, and this
    // test is about the CLI, not about the 60 s freshness window (test/stir/badInput.test.ts covers that).
    const [, claims] = String(decision.identity).split(";")[0]?.split(".") ?? [];
    const at = String((JSON.parse(Buffer.from(String(claims), "base64url").toString()) as { iat: number }).iat);
    const verify = (to: string) => cli(osp, "verify", CALLING_TN, to, String(decision.identity), "--time", at);
    const verified = await verify(CALLED_TN);
    assert.equal((verified.verificationResponse as Json).verstat, "TN-Validation-Passed");
    const wrongDest = await verify("12125559999");
    assert.equal((wrongDest.verificationResponse as Json).reasonCode, 438);

    const roots = (await cli(osp, "trust-root", "list")).items as Array<{ fingerprint: string; pem: string }>;
    const root = roots.find((r) => r.pem.replace(/\s/g, "") === s.rootPem.replace(/\s/g, ""));
    assert.ok(root, "the STI-CA root is trusted");
    assert.deepEqual(await cli(osp, "trust-root", "remove", root.fingerprint), { removed: root.fingerprint });
    const untrusted = await verify(CALLED_TN);
    assert.equal((untrusted.verificationResponse as Json).reasonCode, 437);
    const missing = await cliFails(osp, "trust-root", "remove", root.fingerprint);
    assert.equal(missing.code, "NOT_FOUND", JSON.stringify(missing));

    const file = join(dir, "root.pem");
    await writeFile(file, s.rootPem);
    const added = (await cli(osp, "trust-root", "add", file)).items as Array<{ fingerprint: string }>;
    assert.deepEqual(
      added.map((r) => r.fingerprint),
      [root.fingerprint],
    );
    const again = await verify(CALLED_TN);
    assert.equal((again.verificationResponse as Json).verstat, "TN-Validation-Passed");
    const bad = await cliFails(osp, "trust-root", "add", join(dir, "nope.pem"));
    assert.match(String(bad.message), /pem/);
  });
});
