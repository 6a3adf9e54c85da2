// The CLI's own list of command registrars must stay the same as the domains' registerCommands: a domain added to
// src/domains.ts but not to src/cli/commands.ts would lose its `telco-ledger <name>` commands without any error.
import assert from "node:assert/strict";
import { test } from "node:test";
import { DOMAINS } from "../domains.ts";
import { DOMAIN_COMMANDS } from "./commands.ts";

test("the CLI mounts exactly the registerCommands of every domain, in DOMAINS order", () => {
  const expected = DOMAINS.flatMap((domain) => (domain.registerCommands ? [domain.registerCommands] : []));
  const names = (list: readonly { name: string }[]) => list.map((registrar) => registrar.name);
  assert.deepEqual(names(DOMAIN_COMMANDS), names(expected));
  assert.equal(DOMAIN_COMMANDS.length, expected.length);
  DOMAIN_COMMANDS.forEach((registrar, index) => {
    assert.equal(registrar, expected[index], `entry ${index} (${registrar.name}) is not the plugin's registerCommands`);
  });
});
