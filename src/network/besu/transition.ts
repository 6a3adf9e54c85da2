// `network qbft-contract-mode`: rewrites a Besu QBFT network's genesis.json with a transition to contract validator
// mode, after checking the block and the address, so an operator does not hand-edit the file every node must share.
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { getAddress, isAddress } from "viem";
import { invalidOption, NetworkError } from "../errors.ts";
import { withContractValidatorMode } from "./qbftGenesis.ts";

export async function addContractModeTransition(dir: string, block: number, contract: string): Promise<string> {
  if (!Number.isSafeInteger(block) || block < 1) throw invalidOption("--block", "must be a block number of at least 1");
  if (!isAddress(contract, { strict: false })) throw invalidOption("--contract", `must be an address, got ${contract}`);
  const genesisFile = join(dir, "genesis.json");
  let genesis: Record<string, unknown>;
  try {
    genesis = JSON.parse(await readFile(genesisFile, "utf8")) as Record<string, unknown>;
  } catch (error) {
    throw new NetworkError("NETWORK_NOT_FOUND", `${genesisFile}: no readable genesis (run network init first)`, {
      cause: error,
    });
  }
  if (!(genesis.config as { qbft?: unknown } | undefined)?.qbft) {
    throw invalidOption("--dir", `${genesisFile} is not a QBFT genesis (no config.qbft)`);
  }
  const updated = withContractValidatorMode(genesis, block, getAddress(contract));
  await writeFile(genesisFile, `${JSON.stringify(updated, null, 2)}\n`);
  return genesisFile;
}
