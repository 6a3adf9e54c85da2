// Finds the anvil executable itself (not the npm wrapper script), so that the supervisor's pid is the node's pid and
// a kill reaches the node, not only a wrapper that would leave it orphaned.
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export function anvilBinaryPath(): string {
  const require = createRequire(import.meta.url);
  const platformPackage = `@foundry-rs/anvil-${process.platform}-${process.arch === "x64" ? "amd64" : process.arch}`;
  try {
    const packageJson = require.resolve(`${platformPackage}/package.json`);
    const binary = join(dirname(packageJson), "bin", "anvil");
    if (existsSync(binary)) return binary;
  } catch {
    // Not installed under that name: fall back to the wrapper below.
  }
  const wrapper = join(dirname(require.resolve("@foundry-rs/anvil/package.json")), "..", "..", ".bin", "anvil");
  return wrapper;
}
