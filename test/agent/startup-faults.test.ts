// Broken configurations at agent start: the real `telco-ledger agent start` process must refuse with a message that
// names what is wrong and exit non-zero, instead of hanging (a taken port) or printing a stack from the printer.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { cp, mkdir, readFile, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { startTestConsortium, type TestConsortium } from "../../testkit/consortium.ts";

const BIN = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
const EXIT_WITHIN_MS = 60_000;

/** Runs `telco-ledger agent start` and collects what it printed; fails if it does not exit in time. */
function startAgent(configPath: string): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, "agent", "start", "--config", configPath], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.on("data", (chunk) => {
      output += chunk;
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`agent start did not exit within ${EXIT_WITHIN_MS} ms; it printed:\n${output}`));
    }, EXIT_WITHIN_MS);
    child.once("exit", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe("agent start-up faults", () => {
  let consortium: TestConsortium;
  let configPath: string;
  let config: { dataDir: string; listen: { host: string; port: number }; keystore: { passphraseFile?: string } };
  before(async () => {
    consortium = await startTestConsortium([{ name: "solo", roles: ["TNSP"] }]);
    configPath = join(consortium.dir, "agents", "solo", "agent.json");
    config = JSON.parse(await readFile(configPath, "utf8"));
  });
  after(() => consortium?.stop());

  /** A copy of the agent's config with some fields changed, beside the original (relative paths stay valid). */
  const variant = async (name: string, change: (c: typeof config) => typeof config): Promise<string> => {
    const path = join(consortium.dir, "agents", "solo", `${name}.json`);
    await writeFile(path, JSON.stringify(change(structuredClone(config))));
    return path;
  };

  it("exits non-zero naming host:port when the port is taken", async () => {
    const holder: Server = createServer();
    await new Promise<void>((resolve) => holder.listen(0, "127.0.0.1", resolve));
    const port = (holder.address() as { port: number }).port;
    try {
      const path = await variant("port-taken", (c) => ({ ...c, listen: { host: "127.0.0.1", port } }));
      const { code, output } = await startAgent(path);
      assert.equal(code, 1, output);
      assert.match(
        output,
        new RegExp(`AGENT_LISTEN_FAILED: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE\\)`),
      );
    } finally {
      holder.close();
    }
  });

  it("prints a wrong keystore passphrase as one error naming the keystore file, no TypeError", async () => {
    const wrong = join(consortium.dir, "agents", "solo", "wrong.passphrase");
    await writeFile(wrong, "not-the-passphrase\n", { mode: 0o600 });
    const path = await variant("wrong-passphrase", (c) => ({ ...c, keystore: { passphraseFile: wrong } }));
    const { code, output } = await startAgent(path);
    assert.equal(code, 1, output);
    assert.match(output, /KEYSTORE_WRONG_PASSPHRASE: wrong keystore passphrase for \S+keystore\S+/);
    assert.match(output, /^ {2}file: \S+/m);
    assert.doesNotMatch(output, /TypeError|is not iterable/);
  });

  it("names a corrupt agent.db and what to do", async () => {
    const home = join(consortium.dir, "agents", "solo");
    const dataDir = join(home, "corrupt-data");
    await mkdir(dataDir);
    // The keystore is fine (a copy of the agent's); only the database is garbage.
    await cp(join(home, "keystore"), join(dataDir, "keystore"), { recursive: true });
    await writeFile(join(dataDir, "agent.db"), Buffer.alloc(8192, 0x5a));
    const path = await variant("corrupt-db", (c) => ({ ...c, dataDir }));
    const { code, output } = await startAgent(path);
    assert.equal(code, 1, output);
    assert.match(output, /STORE_FILE_UNUSABLE: \S+corrupt-data\/agent\.db is not a usable SQLite database/);
    assert.match(output, /restore it from a backup, or move it aside/);
  });
});
