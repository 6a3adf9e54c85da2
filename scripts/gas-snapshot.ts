// Measures the gas of every contract's operations as real transactions, each domain on its own throwaway anvil with a
// fixed clock, and writes contracts/gas-snapshot.json plus the gas tables of the contract docs generated from it.
// `npm run gas:snapshot` regenerates both; `npm run gas:check` (and test/contracts/gas-snapshot.test.ts) fails with
// the operations whose gas moved, old and new, when the committed snapshot or a docs table is stale.
import { readFileSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { EVM_VERSION } from "../src/core/chain/evm.ts";
import { measureAuditing } from "./gas-snapshot-auditing.ts";
import { GasRecorder, type OperationSize, startAnvil } from "./gas-snapshot-chain.ts";
import { measureContent } from "./gas-snapshot-content.ts";
import { measureDataUsage } from "./gas-snapshot-datausage.ts";
import { staleDocs, writeDocs } from "./gas-snapshot-docs.ts";
import { measureIdentity } from "./gas-snapshot-identity.ts";
import { measureIot } from "./gas-snapshot-iot.ts";
import { measureNetwork } from "./gas-snapshot-network.ts";
import { measureNumbering } from "./gas-snapshot-numbering.ts";
import { measurePki } from "./gas-snapshot-pki.ts";
import { measurePlatform } from "./gas-snapshot-platform.ts";
import { measureRecovery } from "./gas-snapshot-recovery.ts";
import { measureRegistries } from "./gas-snapshot-registries.ts";
import { measureRoaming } from "./gas-snapshot-roaming.ts";
import { measureSettlement } from "./gas-snapshot-settlement.ts";
import { PROJECT_ROOT } from "./gen-contracts.ts";

export const GAS_SNAPSHOT_FILE = join(PROJECT_ROOT, "contracts/gas-snapshot.json");
export const REGENERATE_COMMAND = "npm run gas:snapshot";

export interface GasSnapshot {
  note: string;
  /** gasUsed of one transaction per operation ("Contract.function" or "Contract.function/variant"). */
  operations: Record<string, number>;
  /** Calldata and log bytes of the batched operations whose size per item the docs quote. */
  sizes: Record<string, OperationSize>;
}

/** Each domain measures on a fresh chain, so adding an operation to one never moves another's figures. */
const DOMAINS = [
  measurePlatform,
  measureNetwork,
  measureNumbering,
  measureRoaming,
  measureSettlement,
  measureRegistries,
  measureContent,
  measurePki,
  measureIot,
  measureAuditing,
  measureDataUsage,
  measureRecovery,
  measureIdentity,
] as const;

export async function measureGas(): Promise<GasSnapshot> {
  const operations: Record<string, number> = {};
  const sizes: Record<string, OperationSize> = {};
  for (const measure of DOMAINS) {
    const anvil = await startAnvil();
    try {
      const chain = new GasRecorder(anvil.rpcUrl);
      await measure(chain);
      Object.assign(operations, chain.operations);
      Object.assign(sizes, chain.sizes);
    } finally {
      await anvil.stop();
    }
  }
  return {
    note: `gasUsed of one transaction per operation, each domain on a fresh anvil (${EVM_VERSION}, fixed clock); regenerate with \`${REGENERATE_COMMAND}\``,
    operations: sortedByName(operations),
    sizes: sortedByName(sizes),
  };
}

/** Names in natural order, so "x10" follows "x1" and precedes "x100". */
function sortedByName<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b, "en", { numeric: true })));
}

export function renderSnapshot(snapshot: GasSnapshot): string {
  return `${JSON.stringify(snapshot, null, 2)}\n`;
}

export function readSnapshot(file = GAS_SNAPSHOT_FILE): GasSnapshot {
  return JSON.parse(readFileSync(file, "utf8")) as GasSnapshot;
}

/** One line per difference: "Op: 51094 -> 51106 gas (+12)", new and vanished operations, and moved sizes. */
export function diffSnapshots(committed: GasSnapshot, measured: GasSnapshot): string[] {
  const lines: string[] = [];
  const names = new Set([...Object.keys(committed.operations), ...Object.keys(measured.operations)]);
  for (const name of [...names].sort((a, b) => a.localeCompare(b, "en", { numeric: true }))) {
    const before = committed.operations[name];
    const after = measured.operations[name];
    if (before === after) continue;
    if (before === undefined) lines.push(`${name}: new operation, ${after} gas (not in the snapshot)`);
    else if (after === undefined) lines.push(`${name}: no longer measured (snapshot has ${before} gas)`);
    else lines.push(`${name}: ${before} -> ${after} gas (${after > before ? "+" : ""}${after - before})`);
  }
  const sized = new Set([...Object.keys(committed.sizes ?? {}), ...Object.keys(measured.sizes)]);
  for (const name of [...sized].sort((a, b) => a.localeCompare(b, "en", { numeric: true }))) {
    const before = committed.sizes?.[name];
    const after = measured.sizes[name];
    if (JSON.stringify(before) === JSON.stringify(after)) continue;
    lines.push(`${name}: sizes ${JSON.stringify(before ?? null)} -> ${JSON.stringify(after ?? null)}`);
  }
  return lines;
}

export function staleMessage(differences: readonly string[]): string {
  return [
    `contracts/gas-snapshot.json is stale (${differences.length} difference(s), committed -> measured):`,
    ...differences.map((line) => `  ${line}`),
    `Run \`${REGENERATE_COMMAND}\` and say in the commit why the gas moved.`,
  ].join("\n");
}

async function main(): Promise<void> {
  const measured = await measureGas();
  if (process.argv.includes("--check")) {
    const differences = diffSnapshots(readSnapshot(), measured);
    const docs = staleDocs(readSnapshot());
    if (differences.length > 0) console.error(staleMessage(differences));
    for (const doc of docs) console.error(`${doc}: gas table differs from the snapshot; run \`${REGENERATE_COMMAND}\``);
    if (differences.length > 0 || docs.length > 0) process.exitCode = 1;
    else console.log(`gas snapshot up to date: ${Object.keys(measured.operations).length} operations`);
    return;
  }
  writeFileSync(GAS_SNAPSHOT_FILE, renderSnapshot(measured));
  const written = writeDocs(measured);
  console.log(`wrote ${GAS_SNAPSHOT_FILE} (${Object.keys(measured.operations).length} operations)`);
  for (const doc of written) console.log(`updated the gas table in ${doc}`);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
