// The CLI's own list of command registrars must stay the same as the domains' registerCommands: a domain added to
// src/domains.ts but not to src/cli/commands.ts would lose its `telco-ledger <name>` commands without any error.
// And registering the commands must stay light: every `telco-ledger` command pays for it before it parses its
// arguments (CI's doc walkthroughs run hundreds of them).
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import { DOMAINS } from "../domains.ts";
import { DOMAIN_COMMANDS } from "./commands.ts";

test("the CLI mounts exactly the registerCommands of every domain, in DOMAINS order", () => {
  const expected = DOMAINS.flatMap((domain) => (domain.registerCommands ? [domain.registerCommands] : []));
  const names = (list: readonly { name: string }[]) => list.map((registrar) => registrar.name);
  assert.deepEqual(names(DOMAIN_COMMANDS), names(expected));
  DOMAIN_COMMANDS.forEach((registrar, index) => {
    assert.equal(registrar, expected[index], `entry ${index} (${registrar.name}) is not the plugin's registerCommands`);
  });
});

test("`telco-ledger --help` and a domain's --help load fewer than 150 modules", () => {
  const dir = mkdtempSync(join(tmpdir(), "telco-cli-load-"));
  try {
    const hook = join(dir, "hook.mjs");
    const loaded = join(dir, "loaded.txt");
    writeFileSync(
      hook,
      `import { registerHooks } from "node:module";
import { appendFileSync } from "node:fs";
registerHooks({ load(url, context, next) { appendFileSync(${JSON.stringify(loaded)}, url + "\\n"); return next(url, context); } });
`,
    );
    const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
    for (const command of [["--help"], ["settlement", "balance", "--help"]]) {
      writeFileSync(loaded, "");
      const result = spawnSync(process.execPath, ["--import", hook, bin, ...command], { encoding: "utf8" });
      assert.equal(result.status, 0, result.stderr);
      assert.match(result.stdout, /Usage: telco-ledger/);
      const modules = readFileSync(loaded, "utf8").split("\n").filter(Boolean);
      assert.ok(
        modules.length < 150,
        `telco-ledger ${command.join(" ")} loaded ${modules.length} modules; a cli.ts imports something heavy at the top`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
