// Runs after `npm install`. The project needs Node >= 22.18 (native type stripping, node:sqlite, Hardhat 3),
// and installs Node 22 itself from the npm registry (the `node` package) so that a machine whose system Node
// is older still works. npm skips optional platform packages whose `engines` exclude the Node running npm
// (Hardhat's native EDR binding is one), so when npm itself ran under an older Node we run the same npm once
// more under the project's Node 22: it then places those packages. Plain JavaScript: this runs on Node 20.
// Under Node 22 it also builds the operator console (console/ and every domain's src/<domain>/console/) into
// dist/console/, which the agents serve: once per install (the Node 20 pass leaves it to the Node 22 one, Vite needs
// Node 22), and a failed build fails the install.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("..", import.meta.url));
const node22 = `${root}node_modules/node/bin/node`;
// `node` on a lifecycle script's PATH is already node_modules/.bin/node; what matters is the Node running npm,
// which npm names in its user agent ("npm/11.19.1 node/v20.20.2 linux x64").
const npmNode = /node\/v(\d+)/.exec(process.env.npm_config_user_agent ?? "")?.[1];
const major = Number(npmNode ?? process.versions.node.split(".")[0]);

if (major >= 22 || process.env.TELCO_LEDGER_REINSTALL === "1") process.exit(buildConsole());
if (!existsSync(node22)) {
  console.error("telco-ledger: node_modules/node (Node 22) is missing; `npm install` did not finish. Run it again.");
  process.exit(1);
}
const npmCli = process.env.npm_execpath;
if (!npmCli) {
  console.error("telco-ledger: run `npm install` through npm (npm_execpath is not set).");
  process.exit(1);
}
console.log(`telco-ledger: npm ran under Node ${process.version}; completing the install under Node 22 ...`);
const result = spawnSync(node22, [npmCli, "install", "--no-audit", "--no-fund"], {
  cwd: root,
  stdio: "inherit",
  env: { ...process.env, TELCO_LEDGER_REINSTALL: "1" },
});
process.exit(result.status ?? 1);

/** Builds the console with Vite under the Node running this script (Node 22 here); the exit status for the install. */
function buildConsole() {
  const vite = `${root}node_modules/vite/bin/vite.js`;
  if (!existsSync(vite)) {
    console.error("telco-ledger: node_modules/vite is missing; the console cannot be built. Run `npm install` again.");
    return 1;
  }
  console.log("telco-ledger: building the operator console (dist/console/) ...");
  const build = spawnSync(
    process.execPath,
    [vite, "build", "--config", "console/vite.config.ts", "--logLevel", "warn"],
    {
      cwd: root,
      stdio: "inherit",
    },
  );
  if (build.status !== 0) {
    console.error(
      `telco-ledger: the console build FAILED (vite exited with ${build.status ?? build.signal}); the install is not complete. ` +
        "Fix the error above, then run `npm install` (or `npm run build:console`) again.",
    );
    return 1;
  }
  return 0;
}
