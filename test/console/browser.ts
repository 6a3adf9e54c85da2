// The console end-to-end tests' browser: Debian's Chromium driven headless by playwright-core, with what every page
// check needs: the console built from the current source, an axe-core scan, a screenshot into reports/console/ (CI
// keeps it), the CSP violations the page reported, and the budgets table.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";
import { type Browser, chromium, type Page } from "playwright-core";

const repo = fileURLToPath(new URL("../..", import.meta.url));
export const CHROMIUM = "/usr/bin/chromium";
export const REPORTS = join(repo, "reports", "console");
const AXE_SOURCE = readFileSync(join(repo, "node_modules", "axe-core", "axe.min.js"), "utf8");

/** Builds the console from the source under test into dist/console/, which the in-process agents serve. */
export function buildConsole(): void {
  const build = spawnSync(
    process.execPath,
    ["node_modules/vite/bin/vite.js", "build", "--config", "console/vite.config.ts", "--logLevel", "warn"],
    { cwd: repo, encoding: "utf8" },
  );
  assert.equal(build.status, 0, `the console build failed:\n${build.stdout}\n${build.stderr}`);
}

/** The built bundle's size: every script and stylesheet, gzipped as a server would send them. */
export function bundleSize(): { files: number; bytes: number; gzipBytes: number } {
  const dir = join(repo, "dist", "console", "assets");
  const files = readdirSync(dir).filter((f) => /\.(js|css)$/.test(f));
  let bytes = 0;
  let gzipBytes = 0;
  for (const file of files) {
    const body = readFileSync(join(dir, file));
    bytes += body.length;
    gzipBytes += gzipSync(body, { level: 9 }).length;
  }
  return { files: files.length, bytes, gzipBytes };
}

export async function launchBrowser(): Promise<Browser> {
  mkdirSync(REPORTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox"] });
}

/** A page that records what the browser refused under the CSP and every uncaught error. */
export async function openPage(
  browser: Browser,
  width = 1366,
  height = 900,
): Promise<{ page: Page; problems: string[] }> {
  const context = await browser.newContext({ viewport: { width, height } });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on("console", (message) => {
    if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(message.text());
  });
  page.on("pageerror", (error) => problems.push(`page error: ${error.message}`));
  return { page, problems };
}

/** axe-core's violations of impact serious or critical on the page as it is now. */
export async function seriousViolations(page: Page): Promise<string[]> {
  // Evaluated over the DevTools protocol, not as an inline <script>: the console's CSP stays as it is in production.
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate("axe.run(document, { resultTypes: ['violations'] })")) as {
    violations: Array<{ id: string; impact: string | null; nodes: Array<{ target: unknown }> }>;
  };
  return result.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} (${v.impact}) at ${JSON.stringify(v.nodes.map((n) => n.target).slice(0, 3))}`);
}

export async function screenshot(page: Page, name: string): Promise<string> {
  const file = join(REPORTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}

export interface Budget {
  what: string;
  measured: number;
  unit: string;
  /** Undefined: printed for information, not a budget. */
  limit?: number;
}

/** Prints the budgets as a table and writes them to reports/console/<file>.json (budgets.json by default). */
export function reportBudgets(budgets: readonly Budget[], file = "budgets"): void {
  const rows = budgets.map((b) => [
    b.what,
    `${b.measured} ${b.unit}`,
    b.limit === undefined ? "(information)" : `< ${b.limit} ${b.unit}`,
    b.limit === undefined ? "" : b.measured < b.limit ? "ok" : "OVER",
  ]);
  const widths = [0, 1, 2, 3].map((i) =>
    Math.max(...[["budget", "measured", "limit", ""], ...rows].map((r) => String(r[i]).length)),
  );
  const line = (r: readonly string[]) => r.map((c, i) => c.padEnd(widths[i] ?? 0)).join("  ");
  console.log(["", line(["budget", "measured", "limit", ""]), ...rows.map(line)].join("\n"));
  writeFileSync(
    join(REPORTS, `${file}.json`),
    `${JSON.stringify({ measuredAt: new Date().toISOString(), budgets }, null, 2)}\n`,
  );
}
