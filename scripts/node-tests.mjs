// The node:test half of `npm test`, run by scripts/test.mjs: node:test's run() with the files in an order of our
// choosing, two at a time. The CLI (`node --test`) always sorts the files by path, so the doc walkthroughs (one file,
// 23 minutes of the run on a quiet 2-core machine) started about halfway and the whole run waited for them alone at
// its end; started first, the other files run beside them. Prints the spec report, then the slowest files, and
// writes the counts (count-reporter.mjs) as JSON to the file named by the first argument.
// Usage: node scripts/node-tests.mjs <counts.json> <file or glob>...
import { existsSync, globSync, statSync, writeFileSync } from "node:fs";
import { relative, resolve } from "node:path";
import { run } from "node:test";
import { spec } from "node:test/reporters";
import { countEvent, emptyCounts } from "./count-reporter.mjs";

/** Files known to take longest, started first in this order (measured: walkthroughs 23 min, clique about 4 min). */
const LONGEST_FIRST = ["test/docs/walkthroughs.test.ts", "test/network/clique.test.ts"];

const [countsFile, ...patterns] = process.argv.slice(2);
if (!countsFile || patterns.length === 0) {
  console.error("usage: node scripts/node-tests.mjs <counts.json> <file or glob>...");
  process.exit(2);
}

// A directory stands for the test files under it, as it does for `node --test`.
const expand = (pattern) =>
  existsSync(pattern) && statSync(pattern).isDirectory()
    ? globSync(`${pattern}/**/*.test.{ts,mjs}`)
    : globSync(pattern);
const found = [...new Set(patterns.flatMap(expand).map((file) => relative(".", file)))];
if (found.length === 0) {
  console.error(`no test files match ${patterns.join(" ")}`);
  process.exit(1);
}
const first = LONGEST_FIRST.filter((file) => found.includes(file));
const files = [...first, ...found.filter((file) => !first.includes(file)).sort()].map((file) => resolve(file));

const counts = emptyCounts();
const spans = new Map();
const stream = run({
  files,
  concurrency: 2,
  // 40 minutes: the doc walkthroughs run every domain's blocks against one sandbox in one file (23 minutes on a quiet
  // 2-core machine with 25 blocks on 2026-11-30); a hung test still ends the run inside CI's hour.
  timeout: 2_400_000,
  // A test file whose event loop stays alive after its tests finished must not hang the run.
  forceExit: true,
  execArgv: ["--disable-warning=ExperimentalWarning"],
});
for (const type of ["test:pass", "test:fail"]) {
  stream.on(type, (data) => {
    countEvent(counts, { type, data });
    if (data.nesting === 0 && data.file) noteSpan(data.file, data.details?.duration_ms ?? 0);
  });
}
stream.compose(spec).pipe(process.stdout);
stream.on("end", () => {
  printSlowest();
  writeFileSync(countsFile, JSON.stringify(counts));
  process.exitCode = counts.failed > 0 ? 1 : 0;
});

/** A file's span: from its first top-level test's start to its last one's end, as this process saw them. */
function noteSpan(file, durationMs) {
  const end = performance.now();
  const span = spans.get(file) ?? { start: end - durationMs, end };
  span.start = Math.min(span.start, end - durationMs);
  span.end = end;
  spans.set(file, span);
}

function printSlowest() {
  const slowest = [...spans]
    .map(([file, span]) => ({ file: relative(".", file), seconds: (span.end - span.start) / 1000 }))
    .sort((a, b) => b.seconds - a.seconds)
    .slice(0, 15);
  console.log("\nslowest test files (s, from first test start to last test end):");
  for (const { file, seconds } of slowest) console.log(`  ${seconds.toFixed(1).padStart(7)}  ${file}`);
}
