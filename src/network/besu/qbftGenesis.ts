// The Besu QBFT genesis of a consortium network, as Besu's documentation specifies it: `config.qbft` (block period,
// epoch, round timeout), London rules with `zeroBaseFee` (members pay no fees, as on the devnet), QBFT's fixed
// mixHash and difficulty 1, and the initial validators RLP-encoded in `extraData`. Validators can later be read from
// the consortium's ValidatorSet contract (contract mode) through a `transitions` entry at a chosen block.
import { type Address, fromRlp, getAddress, type Hex, toRlp } from "viem";

export interface QbftGenesisInput {
  chainId: number;
  validators: readonly Address[];
  blockPeriodSeconds: number;
  gasLimit: bigint;
  /** Prefunded accounts (wei). With zero fees nothing needs ether; kept for value transfers in tests. */
  alloc?: Readonly<Record<Address, bigint>>;
}

/** QBFT's mixHash: the ASCII of "ctical byzantine fault tolerance" (Besu refuses a QBFT genesis without it). */
export const QBFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** Blocks between QBFT checkpoints, where pending votes are discarded (Besu's documented default). */
export const QBFT_EPOCH_LENGTH = 30_000;
/** Seconds a round may last before validators move to a new round (Besu's documented example value). */
export const QBFT_REQUEST_TIMEOUT_SECONDS = 4;

/**
 * QBFT extra data for a genesis block: RLP([32 vanity bytes, [validators], no vote, round 0, no seals]), what
 * `besu rlp encode --type=QBFT_EXTRA_DATA` writes for a list of validator addresses.
 */
export function qbftExtraData(validators: readonly Address[]): Hex {
  const vanity = `0x${"00".repeat(32)}` as Hex;
  return toRlp([vanity, validators.map((v) => v.toLowerCase() as Hex), [], "0x", []]);
}

/** The validators a QBFT genesis extraData names (the inverse of qbftExtraData; throws on another shape). */
export function validatorsOfExtraData(extraData: Hex): Address[] {
  const decoded = fromRlp(extraData, "hex");
  if (!Array.isArray(decoded) || decoded.length !== 5 || !Array.isArray(decoded[1])) {
    throw new Error("not QBFT extra data: expected an RLP list of 5 items with the validators second");
  }
  return (decoded[1] as Hex[]).map((v) => getAddress(v));
}

export function qbftGenesis(input: QbftGenesisInput): Record<string, unknown> {
  return {
    config: {
      chainId: input.chainId,
      // London from block 0 with zeroBaseFee: EIP-1559 transactions at a zero base fee. The contracts compile for
      // paris, whose opcodes are London's (no PUSH0), so every engine the kit writes runs the same bytecode.
      berlinBlock: 0,
      londonBlock: 0,
      zeroBaseFee: true,
      qbft: {
        blockperiodseconds: input.blockPeriodSeconds,
        epochlength: QBFT_EPOCH_LENGTH,
        requesttimeoutseconds: QBFT_REQUEST_TIMEOUT_SECONDS,
      },
    },
    nonce: "0x0",
    timestamp: "0x0",
    gasLimit: `0x${input.gasLimit.toString(16)}`,
    difficulty: "0x1",
    mixHash: QBFT_MIX_HASH,
    coinbase: "0x0000000000000000000000000000000000000000",
    alloc: Object.fromEntries(
      Object.entries(input.alloc ?? {}).map(([address, wei]) => [
        address.toLowerCase(),
        { balance: `0x${wei.toString(16)}` },
      ]),
    ),
    extraData: qbftExtraData(input.validators),
  };
}

/**
 * Adds the switch to contract validator mode at `block`: from then on Besu asks the ValidatorSet contract
 * (`getValidators()`) for the validators, so governance decisions apply without node votes. Every node must get the
 * same genesis file and restart before `block` (Besu's documented procedure for transitions).
 */
export function withContractValidatorMode(
  genesis: Record<string, unknown>,
  block: number,
  validatorContract: Address,
): Record<string, unknown> {
  const config = { ...(genesis.config as Record<string, unknown>) };
  const transitions = { ...((config.transitions as Record<string, unknown[]> | undefined) ?? {}) };
  const qbft = [...(transitions.qbft ?? [])].filter((t) => (t as { block: number }).block !== block);
  qbft.push({ block, validatorselectionmode: "contract", validatorcontractaddress: validatorContract.toLowerCase() });
  qbft.sort((a, b) => (a as { block: number }).block - (b as { block: number }).block);
  return { ...genesis, config: { ...config, transitions: { ...transitions, qbft } } };
}
