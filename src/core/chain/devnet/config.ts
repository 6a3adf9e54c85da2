// <dataDir>/devnet/devnet.json: the devnet's identity and settings, fixed at creation so a restart is the same chain.
import { readFile, rename, writeFile } from "node:fs/promises";
import { DevnetConfigError } from "../errors.ts";

export interface DevnetConfig {
  chainId: number;
  /** undefined: automine (one block per transaction). */
  blockTimeSeconds?: number;
  stateIntervalSeconds: number;
  createdAt: string;
  /** Set once a validated good copy of the state exists: from then on a missing state is an error, not a new chain. */
  persisted: boolean;
}

export async function readDevnetConfig(path: string): Promise<DevnetConfig | undefined> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  let value: DevnetConfig;
  try {
    value = JSON.parse(text) as DevnetConfig;
  } catch {
    throw new DevnetConfigError("file", `${path} is not valid JSON: fix or delete it`);
  }
  if (!Number.isSafeInteger(value.chainId) || value.chainId <= 0) {
    throw new DevnetConfigError("chainId", `in ${path} must be a positive integer`);
  }
  return value;
}

export async function writeDevnetConfig(path: string, config: DevnetConfig): Promise<void> {
  await writeFile(`${path}.tmp`, `${JSON.stringify(config, null, 2)}\n`, { flush: true });
  await rename(`${path}.tmp`, path);
}

export function validateSeconds(field: string, value: number | undefined, min: number): void {
  if (value === undefined) return;
  if (!Number.isInteger(value) || value < min) throw new DevnetConfigError(field, `must be an integer >= ${min}`);
}
