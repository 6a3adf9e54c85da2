// The committed bindings in src/generated/contracts.ts must be exactly what the generator makes from freshly compiled
// contracts: a contract change without `npm run build:contracts` fails here.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { DEPLOYABLE_CONTRACTS, GENERATED_FILE, PROJECT_ROOT, renderContracts } from "../../scripts/gen-contracts.ts";
import { contracts } from "../../src/generated/contracts.ts";

describe("generated contract bindings", () => {
  it("match a fresh compile of contracts/", () => {
    const compile = spawnSync(join(PROJECT_ROOT, "node_modules/.bin/hardhat"), ["compile", "--quiet"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
    });
    assert.equal(compile.status, 0, `hardhat compile failed:\n${compile.stdout}\n${compile.stderr}`);
    const committed = readFileSync(GENERATED_FILE, "utf8");
    assert.ok(committed === renderContracts(), "src/generated/contracts.ts is stale: run `npm run build:contracts`");
  });

  it("export every deployable contract with its ABI and creation and runtime code", () => {
    assert.deepEqual(
      Object.keys(contracts),
      DEPLOYABLE_CONTRACTS.map((c) => c.name),
    );
    for (const platform of ["ConsortiumRegistry", "EthereumDIDRegistry", "CredentialStatusRegistry"]) {
      assert.ok(platform in contracts, `${platform} is generated`);
    }
    for (const [name, artifact] of Object.entries(contracts)) {
      assert.equal(artifact.contractName, name);
      assert.match(artifact.bytecode, /^0x[0-9a-f]{200,}$/, `${name} bytecode`);
      assert.match(artifact.deployedBytecode, /^0x[0-9a-f]{200,}$/, `${name} deployedBytecode`);
      assert.ok(
        artifact.abi.some((entry) => entry.type === "function" && entry.name === "version"),
        `${name} reports version()`,
      );
    }
  });

  it("rejects missing artifacts with a typed error naming the fix", () => {
    assert.throws(() => renderContracts(join(PROJECT_ROOT, "no-such-artifacts")), {
      code: "CONTRACTS_ARTIFACT_MISSING",
      message: /ConsortiumRegistry.*npx hardhat compile/,
    });
  });
});
