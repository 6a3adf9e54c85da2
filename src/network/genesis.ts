// The Clique genesis of a kit network. Pre-London (Berlin rules): transactions pay a legacy gas price, and the kit's
// nodes take 1 wei, the lowest geth accepts (it cannot run at zero). With a London genesis the base fee moves with load
// (issue 13 saw it rise to 8 wei and stick at 7, and transactions priced for the old base fee pile up): a fixed 1-wei
// price has no such state. The contracts compile for paris (src/core/chain/evm.ts), whose opcodes are London's, and use
// none of the London additions (BASEFEE), so Berlin rules run them; docs/network.md says so.
import type { Address } from "viem";

export interface CliqueGenesisInput {
  chainId: number;
  /** The sealing accounts, one per validator node. */
  signers: readonly Address[];
  /** Seconds between blocks. */
  periodSeconds: number;
  gasLimit: bigint;
  /** Prefunded accounts and their balances in wei. */
  alloc: Readonly<Record<Address, bigint>>;
}

/** Blocks between Clique checkpoints (votes reset, the signer list is written into the header). */
const EPOCH = 30_000;

export function cliqueGenesis(input: CliqueGenesisInput): Record<string, unknown> {
  // Clique keeps its signers sorted; the genesis extra-data is 32 vanity bytes, the signers, 65 seal bytes.
  const signers = [...input.signers].map((s) => s.toLowerCase()).sort();
  const extraData = `0x${"00".repeat(32)}${signers.map((s) => s.slice(2)).join("")}${"00".repeat(65)}`;
  return {
    config: {
      chainId: input.chainId,
      homesteadBlock: 0,
      eip150Block: 0,
      eip155Block: 0,
      eip158Block: 0,
      byzantiumBlock: 0,
      constantinopleBlock: 0,
      petersburgBlock: 0,
      istanbulBlock: 0,
      berlinBlock: 0,
      clique: { period: input.periodSeconds, epoch: EPOCH },
    },
    difficulty: "0x1",
    gasLimit: `0x${input.gasLimit.toString(16)}`,
    extradata: extraData,
    alloc: Object.fromEntries(
      Object.entries(input.alloc).map(([address, wei]) => [
        address.toLowerCase(),
        { balance: `0x${wei.toString(16)}` },
      ]),
    ),
  };
}
