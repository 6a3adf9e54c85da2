// Counts leaf tests (suites excluded) as {passed, failed, skipped, todo, failures, anvilOnly}. scripts/test.mjs reads
// the counts to print the project's closing line. A skip that names TELCO_TEST_NETWORK (testkit's skipOnNetwork: an
// anvil-only test on a network run) is counted apart, with its name and reason. Used two ways: as a node:test
// reporter (the default export, which writes the counts as JSON), and event by event by scripts/node-tests.mjs.
export function emptyCounts() {
  return { passed: 0, failed: 0, skipped: 0, todo: 0, failures: [], anvilOnly: [] };
}

/** Adds one node:test event to `counts`; events other than a finished test are ignored. */
export function countEvent(counts, event) {
  if (event.type !== "test:pass" && event.type !== "test:fail") return;
  const { data } = event;
  if (data.details?.type === "suite") return;
  if (typeof data.skip === "string" && data.skip.startsWith("TELCO_TEST_NETWORK=")) {
    counts.anvilOnly.push(`${data.file ?? ""} :: ${data.name} (${data.skip})`);
  } else if (data.skip) counts.skipped++;
  else if (data.todo) counts.todo++;
  else if (event.type === "test:pass") counts.passed++;
  else {
    counts.failed++;
    counts.failures.push(`${data.file ?? ""} :: ${data.name}`);
  }
}

export default async function* countReporter(source) {
  const counts = emptyCounts();
  for await (const event of source) countEvent(counts, event);
  yield `${JSON.stringify(counts)}\n`;
}
