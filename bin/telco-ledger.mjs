#!/usr/bin/env node
// The `telco-ledger` command. The project needs Node >= 22.18; when started by an older Node (the system Node 20
// of our build machines), it re-runs itself under the Node 22 that `npm install` placed in node_modules.
// Plain JavaScript on purpose: this file must parse on the older Node too.
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const [major, minor] = process.versions.node.split(".").map(Number);
if (major > 22 || (major === 22 && minor >= 18)) {
  // node:sqlite still announces itself as experimental on every start; that line is noise for operators.
  process.removeAllListeners("warning");
  process.on("warning", (warning) => {
    if (warning.name !== "ExperimentalWarning") console.warn(`${warning.name}: ${warning.message}`);
  });
  await import("../src/cli/main.ts");
} else {
  const node22 = fileURLToPath(new URL("../node_modules/node/bin/node", import.meta.url));
  if (!existsSync(node22)) {
    console.error(`telco-ledger needs Node >= 22.18 (this is ${process.version}); run \`npm install\` first.`);
    process.exit(1);
  }
  const child = spawn(
    node22,
    ["--disable-warning=ExperimentalWarning", fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    {
      stdio: "inherit",
    },
  );
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => (signal ? process.kill(process.pid, signal) : process.exit(code ?? 1)));
}
