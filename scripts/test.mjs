// `npm test`: the Solidity tests (Hardhat 3, fuzzing with a fixed seed), then every TypeScript test under node:test
// against real services (anvil devnet, SQLite, a throwaway PostgreSQL cluster). Ends with one line
// "N passed, N failed" that counts both, with the console's component tests (Vitest, *.test.tsx). Arguments narrow
// the run: `npm test -- test/api` (node:test), `npm test -- src/eidl/console/numbering.test.tsx` (Vitest).
// First the system packages the tests need (scripts/system-packages.ts): installed when running as root, otherwise
// the run stops before any test with the command that installs them.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureSystemPackages } from "./system-packages.ts";

const missing = ensureSystemPackages();
if (missing) {
  console.error(`npm test: ${missing}`);
  process.exit(1);
}

const allArgs = process.argv.slice(2);
const onlyTs = allArgs.length > 0;
// The console's component tests run under Vitest (JSX, a DOM); every other test under node:test.
const vitestArgs = allArgs.filter((arg) => arg.endsWith(".tsx"));
const args = allArgs.filter((arg) => !arg.endsWith(".tsx"));

// The network tests share one geth build: made here, once, before they start two at a time (a cold build takes
// minutes; two tests building it at once would each pay for it).
if (!onlyTs || args.some((arg) => /network|durability/.test(arg))) {
  const { ensureGeth } = await import("../src/network/gethBinary.ts");
  try {
    const geth = await ensureGeth((message) => console.log(`npm test: ${message}`));
    if (geth.buildSeconds > 0) console.log(`npm test: geth built in ${geth.buildSeconds} s`);
  } catch (error) {
    console.error(`npm test: ${error.message}`);
    process.exit(1);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
let anvilOnly = 0;

if (!onlyTs) {
  const sol = spawnSync("hardhat", ["test", "solidity"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  process.stdout.write(sol.stdout ?? "");
  process.stderr.write(sol.stderr ?? "");
  const out = `${sol.stdout}\n${sol.stderr}`;
  const solPassed = Number(/(\d+) passing/.exec(out)?.[1] ?? 0);
  const solFailed = Number(/(\d+) failing/.exec(out)?.[1] ?? 0);
  passed += solPassed;
  failed += solFailed;
  // A compiler or runner error is a failure even when it printed no counts.
  if (sol.status !== 0 && solFailed === 0) failed += 1;
}

if (!onlyTs || vitestArgs.length > 0) {
  const vitestFile = join(mkdtempSync(join(tmpdir(), "telco-vitest-")), "vitest.json");
  const vitest = spawnSync(
    process.execPath,
    [
      "node_modules/vitest/vitest.mjs",
      "run",
      "--config",
      "console/vitest.config.ts",
      "--reporter=default",
      "--reporter=json",
      `--outputFile.json=${vitestFile}`,
      ...vitestArgs,
    ],
    { stdio: "inherit", env: { ...process.env, TELCO_LEDGER_TEST: "1" } },
  );
  try {
    const counts = JSON.parse(readFileSync(vitestFile, "utf8"));
    passed += counts.numPassedTests;
    failed += counts.numFailedTests;
    skipped += counts.numPendingTests + counts.numTodoTests;
    if (vitest.status !== 0 && counts.numFailedTests === 0) failed += 1;
  } catch {
    failed += 1;
    console.log("the Vitest run produced no counts");
  }
}

const countsFile = join(mkdtempSync(join(tmpdir(), "telco-test-")), "counts.json");
const patterns = onlyTs ? args : ["src/**/*.test.ts", "test/**/*.test.ts"];
const ts = !onlyTs || args.length > 0 ? runNodeTests() : undefined;
function runNodeTests() {
  return spawnSync(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", "scripts/node-tests.mjs", countsFile, ...patterns],
    {
      stdio: "inherit",
      env: { ...process.env, TELCO_LEDGER_TEST: "1" },
    },
  );
}
if (ts) {
  try {
    const counts = JSON.parse(readFileSync(countsFile, "utf8"));
    passed += counts.passed;
    failed += counts.failed;
    skipped += counts.skipped + counts.todo;
    if (counts.failures.length) console.log(`\nfailed:\n  ${counts.failures.join("\n  ")}`);
    // Only on a network run (TELCO_TEST_NETWORK): tests that need the anvil devnet, each named with its reason.
    anvilOnly = counts.anvilOnly?.length ?? 0;
    if (anvilOnly) console.log(`\nanvil only, not run here:\n  ${counts.anvilOnly.join("\n  ")}`);
    if (ts.status !== 0 && counts.failed === 0) failed += 1;
  } catch {
    failed += 1;
    console.log("the TypeScript test run produced no counts");
  }
}
// Skipped tests count as failures: a skip must never hide a missing dependency.
failed += skipped;
console.log(`${passed} passed, ${failed} failed${anvilOnly ? `, ${anvilOnly} anvil-only not run` : ""}`);
process.exit(failed === 0 ? 0 : 1);
