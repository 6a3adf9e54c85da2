// Which consensus engine a node runs, read from its newest block header, and how many confirmations an agent should
// wait for on it: Clique (proof of authority with single-block reorganisations) needs a depth; QBFT and IBFT 2.0
// finalise each block as it is made; the devnet (anvil) never reorganises on its own.
import type { ChainClient } from "./client.ts";

export type ConsensusEngine = "clique" | "bft" | "other";

/** QBFT and IBFT 2.0 headers carry this mixHash ("ctical byzantine fault tolerance"). */
const BFT_MIX_HASH = "0x63746963616c2062797a616e74696e65206661756c7420746f6c6572616e6365";
/** Clique's extraData: 32 vanity bytes, then (in checkpoints) signers, then a 65-byte seal. */
const CLIQUE_MIN_EXTRA_BYTES = 32 + 65;

/** Confirmations on Clique: deeper than the single-block reorganisations issue 13 observed (3-5 per node in 25 min). */
export const CLIQUE_CONFIRMATIONS = 2;

export async function detectEngine(chain: ChainClient): Promise<ConsensusEngine> {
  const head = await chain.getBlock({ blockTag: "latest" });
  if (head.mixHash === BFT_MIX_HASH) return "bft";
  const extraBytes = (head.extraData.length - 2) / 2;
  // In-turn Clique blocks have difficulty 2, out-of-turn 1; proof-of-stake and the devnet have 0.
  if ((head.difficulty === 1n || head.difficulty === 2n) && extraBytes >= CLIQUE_MIN_EXTRA_BYTES) return "clique";
  return "other";
}

export function defaultConfirmations(engine: ConsensusEngine): number {
  return engine === "clique" ? CLIQUE_CONFIRMATIONS : 0;
}
