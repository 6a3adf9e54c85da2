// Writes the solc standard-JSON input that slither analyses: the production contracts under contracts/ (not tests,
// not test support), compiled with the same compiler settings as hardhat.config.ts so slither sees the real build.
// Usage: node scripts/checks/slither-input.ts <out.json>
import { readdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import hardhatConfig from "../../hardhat.config.ts";

const root = join(import.meta.dirname, "..", "..");

/** Test code, not deployed: Solidity tests, their shared base and harnesses exposing internals to them. */
export function isTestSource(path: string): boolean {
  return path.endsWith(".t.sol") || path.endsWith("Harness.sol") || path.startsWith("contracts/testing/");
}

export function productionSources(dir = "contracts"): string[] {
  const entries = readdirSync(join(root, dir), { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".sol"))
    .map((e) => relative(root, join(e.parentPath, e.name)))
    .filter((path) => !isTestSource(path))
    .sort();
}

export function slitherInput(sources: string[]): object {
  const solidity = hardhatConfig.solidity as { settings?: Record<string, unknown> };
  return {
    language: "Solidity",
    sources: Object.fromEntries(sources.map((path) => [path, { urls: [path] }])),
    settings: {
      ...solidity.settings,
      remappings: ["@openzeppelin/=node_modules/@openzeppelin/"],
      outputSelection: {
        "*": { "*": ["abi", "metadata", "devdoc", "userdoc", "evm.bytecode", "evm.deployedBytecode"], "": ["ast"] },
      },
    },
  };
}

if (import.meta.main) {
  const out = process.argv[2];
  if (!out) {
    console.error("usage: slither-input.ts <out.json>");
    process.exit(2);
  }
  const sources = productionSources();
  if (sources.length === 0) {
    console.error("no production contracts found under contracts/");
    process.exit(1);
  }
  writeFileSync(out, `${JSON.stringify(slitherInput(sources), null, 2)}\n`);
  console.log(`slither input: ${sources.length} contracts -> ${out}`);
}
