// The `solc` wrapper crytic-compile runs: the real script, the real solc-js, real contracts from this repository.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";

const root = join(import.meta.dirname, "..", "..");
const solc = join(import.meta.dirname, "solc");

function run(args: string[], input = "") {
  return spawnSync(solc, args, { cwd: root, input, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 });
}

describe("solc wrapper (solc-js behind a native solc command line)", () => {
  it("reports the solc-js version in the form crytic-compile parses", () => {
    const result = run(["--version"]);
    assert.equal(result.status, 0);
    assert.match(result.stdout, /^Version: 0\.8\.30\+commit\.[0-9a-f]+/m);
  });

  it("compiles a standard-JSON input whose sources are urls, resolving OpenZeppelin imports by remapping", () => {
    const input = {
      language: "Solidity",
      sources: {
        "contracts/membership/ConsortiumRegistry.sol": { urls: ["contracts/membership/ConsortiumRegistry.sol"] },
      },
      settings: {
        remappings: ["@openzeppelin/=node_modules/@openzeppelin/"],
        outputSelection: { "*": { "*": ["abi"], "": ["ast"] } },
      },
    };
    const result = run(["--standard-json", "--allow-paths", root], JSON.stringify(input));
    assert.equal(result.status, 0, result.stderr);
    const output = JSON.parse(result.stdout);
    const errors = (output.errors ?? []).filter((e: { severity: string }) => e.severity === "error");
    assert.deepEqual(errors, []);
    assert.ok(output.contracts["contracts/membership/ConsortiumRegistry.sol"].ConsortiumRegistry.abi.length > 0);
    assert.ok(output.sources["node_modules/@openzeppelin/contracts/utils/cryptography/ECDSA.sol"].ast);
  });

  it("refuses to read a source outside the allowed paths, like native solc", () => {
    const outside = mkdtempSync(join(tmpdir(), "solc-wrapper-"));
    const file = join(outside, "Outside.sol");
    writeFileSync(file, "// SPDX-License-Identifier: MIT\npragma solidity 0.8.30;\ncontract Outside {}\n");
    const input = { language: "Solidity", sources: { "Main.sol": { content: `import "${file}";` } } };
    const result = run(["--standard-json", "--allow-paths", join(root, "contracts")], JSON.stringify(input));
    const output = JSON.parse(result.stdout);
    assert.ok(output.errors.some((e: { message: string }) => e.message.includes("outside the allowed paths")));
    assert.equal(output.contracts, undefined);
  });

  it("fails loudly on a command line it does not emulate", () => {
    const result = run(["--combined-json", "abi", "x.sol"]);
    assert.equal(result.status, 2);
    assert.match(result.stderr, /unsupported solc argument "--combined-json"/);
  });
});
