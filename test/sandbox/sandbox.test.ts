// The README's first command, end to end: `telco-ledger sandbox up` starts the devnet, deploys the contracts and runs
// one agent process per seeded member; sandbox.json tells scripts where everything is; the CLI drives the agents;
// running it again resumes the same chain, keys and DIDs.
import assert from "node:assert/strict";
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { platformDeploymentPlan } from "../../src/ledger/deploymentPlan.ts";
import { SANDBOX_MEMBERS } from "../../src/sandbox/consortium.ts";
import type { SandboxFile } from "../../src/sandbox/sandbox.ts";
import { reservePortRun } from "../../testkit/ports.ts";

const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), "telco-sandbox-"));
// The devnet's port, then one per member agent, reserved (lock files) so another test file cannot be handed them.
const rpcPort = await reservePortRun(SANDBOX_MEMBERS.length + 1);
const basePort = rpcPort + 1;
const args = ["sandbox", "up", "--data-dir", dataDir, "--rpc-port", String(rpcPort), "--base-port", String(basePort)];

function cli(...command: string[]): unknown {
  const result = spawnSync(process.execPath, [bin, ...command, "--data-dir", dataDir, "--json"], {
    encoding: "utf8",
    timeout: 60_000,
  });
  assert.equal(result.status, 0, `telco-ledger ${command.join(" ")} failed: ${result.stderr}`);
  return JSON.parse(result.stdout);
}

async function waitForExit(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => child.once("exit", (code) => resolve(code)));
}

describe("sandbox up", () => {
  let first: SandboxFile;
  let running: ChildProcess | undefined;
  after(() => {
    // Its own process group (detached): a test that failed half-way leaves no devnet or agent behind.
    if (running?.pid && running.exitCode === null && running.signalCode === null) {
      try {
        process.kill(-running.pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("starts the seeded consortium and writes sandbox.json", async () => {
    running = spawn(process.execPath, [bin, ...args, "--json"], { stdio: ["ignore", "pipe", "pipe"], detached: true });
    let stdout = "";
    running.stdout?.on("data", (chunk) => {
      stdout += chunk;
    });
    // As long as the sandbox itself waits for its agents (src/sandbox/sandbox.ts): a loaded CI machine needs minutes.
    const deadline = Date.now() + 600_000;
    while (!stdout.trim().endsWith("}") && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    first = JSON.parse(stdout) as SandboxFile;
    assert.deepEqual(JSON.parse(readFileSync(join(dataDir, "sandbox.json"), "utf8")), first);
    assert.equal(first.agents.length, 12);
    assert.equal(first.chain.rpcUrl, `http://127.0.0.1:${rpcPort}`);
    const planned = platformDeploymentPlan([]).map((step) => step.name);
    assert.deepEqual(Object.keys(first.chain.contracts).sort(), planned.sort());
    const names = first.agents.map((a) => a.name);
    for (const name of [
      "trust-authority",
      "numbering-authority",
      "kyc-vetter",
      "tnsp-alpha",
      "tnsp-beta",
      "tn-reseller",
      "acme-brand",
      "call-centre",
      "osp",
      "mno-north",
      "mno-south",
      "mno-east",
    ]) {
      assert.ok(names.includes(name), name);
    }
    for (const [i, agent] of first.agents.entries()) {
      assert.equal(agent.url, `http://127.0.0.1:${basePort + i}`);
      assert.match(agent.apiKey, /^tlk_[0-9a-f]{16}_/);
      assert.match(agent.did ?? "", /^did:ethr:0x[0-9a-f]+:0x[0-9a-f]{40}$/);
      const health = (await (await fetch(`${agent.url}/health`)).json()) as {
        ok: boolean;
        checks: { chain: { ok: boolean } };
      };
      assert.equal(health.ok, true);
      assert.deepEqual(health.checks.chain, { ok: true }, "public /health says ok, no details");
      const info = (await (
        await fetch(`${agent.url}/v1/agent`, { headers: { authorization: `Bearer ${agent.apiKey}` } })
      ).json()) as { chain: { chainId: number } };
      assert.equal(info.chain.chainId, first.chain.chainId);
    }
  });

  it("drives the agents from the CLI", async () => {
    const members = cli("member", "list", "--agent", "osp") as { items: Array<{ name: string; roles: string[] }> };
    assert.equal(members.items.length, 12);
    assert.deepEqual(members.items.find((m) => m.name === "Alpha Telecom (TNSP)")?.roles.sort(), [
      "GOVERNOR",
      "OSP",
      "TNSP",
    ]);
    const kyc = first.agents.find((a) => a.name === "kyc-vetter");
    const issued = cli(
      "vc",
      "issue",
      "--agent",
      "kyc-vetter",
      "--issuer",
      kyc?.did ?? "",
      "--type",
      "VettingStatus",
      "--subject",
      '{"brandName":"Acme Bank","status":1}',
    ) as {
      jwt: string;
      credentialId: string;
    };
    const verified = cli("vc", "verify", issued.jwt, "--agent", "osp") as { verified: boolean };
    assert.equal(verified.verified, true);
    cli("vc", "revoke", issued.credentialId, "--agent", "kyc-vetter", "--issuer", kyc?.did ?? "", "--reason", "Fraud");
    const after = cli("vc", "verify", issued.jwt, "--agent", "osp") as { verified: boolean; error: { code: string } };
    assert.equal(after.verified, false);
    assert.equal(after.error.code, "CREDENTIAL_REVOKED");
    const refused = spawnSync(process.execPath, [bin, "member", "list", "--agent", "nobody", "--data-dir", dataDir], {
      encoding: "utf8",
    });
    assert.notEqual(refused.status, 0);
    assert.match(refused.stderr, /no agent named "nobody"/);
  });

  it("stops on SIGINT and resumes the same state on the next run", async () => {
    running?.kill("SIGINT");
    assert.equal(await waitForExit(running as ChildProcess), 0);
    running = undefined;
    const again = spawnSync(process.execPath, [bin, ...args, "--detach-after-ready", "--json"], {
      encoding: "utf8",
      timeout: 600_000,
    });
    assert.equal(again.status, 0, again.stderr);
    const second = JSON.parse(again.stdout) as SandboxFile;
    assert.deepEqual(second.chain.contracts, first.chain.contracts);
    assert.deepEqual(
      second.agents.map((a) => [a.name, a.apiKey, a.did, a.memberAccount]),
      first.agents.map((a) => [a.name, a.apiKey, a.did, a.memberAccount]),
    );
  });
});
