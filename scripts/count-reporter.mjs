// A node:test reporter that counts leaf tests (suites excluded) and writes {passed, failed, skipped, todo} as JSON.
// scripts/test.mjs reads it to print the project's closing line. A skip that names TELCO_TEST_NETWORK (testkit's
// skipOnNetwork: an anvil-only test on a network run) is counted apart, with its name and reason.
export default async function* countReporter(source) {
  const counts = { passed: 0, failed: 0, skipped: 0, todo: 0, failures: [], anvilOnly: [] };
  for await (const event of source) {
    if (event.type !== "test:pass" && event.type !== "test:fail") continue;
    const { data } = event;
    if (data.details?.type === "suite") continue;
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
  yield `${JSON.stringify(counts)}\n`;
}
