// The validator read model against ValidatorSet's own views at the block the read model is indexed to: the validator
// list (signer and operator) and every change (kind, signer, operator, proposer, deadline, status, approvals).
import { type Address, getAddress, type Hex } from "viem";
import type { ConsistencyDifference } from "../../agent/domain.ts";
import type { ChainClient } from "../../core/chain/client.ts";
import { ValidatorSet } from "../../generated/contracts.ts";
import type { ValidatorReadModel } from "./readModel.ts";

// ChangeStatus on chain (None, Pending, Executed, Canceled, Expired).
const STATES = ["none", "pending", "executed", "canceled", "expired"] as const;
const KINDS = ["add", "remove"] as const;

export async function validatorDifferences(
  readModel: ValidatorReadModel,
  chain: ChainClient,
  validatorSet: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel: local, chain: onChain });
  };
  const at = { address: validatorSet, abi: ValidatorSet.abi, blockNumber } as const;
  const block = await chain.getBlock({ blockNumber });
  const onChain = await chain.readContract({ ...at, functionName: "getValidators" });
  const local = await readModel.validators(Number.MAX_SAFE_INTEGER);
  const localBySigner = new Map(local.map((v) => [getAddress(v.signer), v]));
  for (const signer of onChain) {
    const operator = await chain.readContract({ ...at, functionName: "operatorOf", args: [signer] });
    const known = localBySigner.get(getAddress(signer));
    compare("network_validators", signer, known && getAddress(known.operator), getAddress(operator));
    localBySigner.delete(getAddress(signer));
  }
  for (const [signer, v] of localBySigner) compare("network_validators", signer, v.operator, undefined);

  for (const change of await readModel.changes(Number.MAX_SAFE_INTEGER, undefined, Number(block.timestamp))) {
    const c = await chain.readContract({ ...at, functionName: "change", args: [change.id as Hex] });
    compare(
      "network_validator_changes",
      change.id,
      [change.kind, change.signer, change.operator, change.proposer, change.deadline, change.status, change.approvals],
      [
        KINDS[c.kind],
        c.signer.toLowerCase(),
        c.operator.toLowerCase(),
        c.proposer.toLowerCase(),
        Number(c.deadline),
        STATES[c.status],
        Number(c.approvals),
      ],
    );
  }
  return differences;
}
