// Applies governance to this member's own validator node. Each executed ValidatorSet decision says whether a signer
// should validate; Clique changes its signer set only when a majority of its signers vote the same way, so every
// validator's agent votes (`clique_propose`) for each decision its node does not reflect yet, and withdraws the vote
// (`clique_discard`) once the node's signer set agrees, so a stale vote can never undo a later decision.
import type { Logger } from "pino";
import type { ChainClient } from "../../core/chain/client.ts";
import type { ValidatorReadModel } from "./readModel.ts";

export interface VoterOptions {
  chain: ChainClient;
  readModel: ValidatorReadModel;
  logger: Logger;
  intervalMs?: number;
}

// biome-ignore lint/suspicious/noExplicitAny: the clique_ namespace is outside viem's typed schema.
type Untyped = any;

/** One pass: votes and discards so that the node's votes match governance. Returns the votes cast. */
export async function applyValidatorDecisions(chain: ChainClient, readModel: ValidatorReadModel): Promise<string[]> {
  const request = <T>(method: string, params: unknown[] = []) =>
    chain.request({ method: method as Untyped, params: params as Untyped }) as Promise<T>;
  const [decisions, signers, votes] = await Promise.all([
    readModel.decisions(),
    request<string[]>("clique_getSigners"),
    request<Record<string, boolean>>("clique_proposals"),
  ]);
  const isSigner = new Set(signers.map((s) => s.toLowerCase()));
  const pending = new Map(Object.entries(votes).map(([k, v]) => [k.toLowerCase(), v]));
  const cast: string[] = [];
  for (const decision of decisions) {
    const signer = decision.signer.toLowerCase();
    const applied = isSigner.has(signer) === decision.validator;
    if (applied) {
      if (pending.has(signer)) await request("clique_discard", [signer]);
    } else if (pending.get(signer) !== decision.validator) {
      await request("clique_propose", [signer, decision.validator]);
      cast.push(`${decision.validator ? "add" : "remove"} ${signer}`);
    }
  }
  return cast;
}

export function startValidatorVoter(options: VoterOptions): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  const tick = () => {
    running = applyValidatorDecisions(options.chain, options.readModel)
      .then((cast) => {
        if (cast.length > 0) options.logger.info({ votes: cast }, `validator voter: voted ${cast.join(", ")}`);
      })
      .catch((error) => options.logger.warn({ err: error }, "validator voter: the node refused or is unreachable"))
      .finally(() => {
        if (!stopped) timer = setTimeout(tick, options.intervalMs ?? 2000);
      });
  };
  tick();
  return {
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
