// Roaming's public read model against the OperatorRegistry's own views, at the block the read model is indexed to:
// every network code (operator, MSIN ranges), every operator identity and every network proposal (kind, network,
// operator, proposer, deadline, MSIN ranges, state, approvals). The exchange's requests are not compared: an agent
// keeps only those it is a party to, and their ciphertexts stay in the events.
import { type Address, getAddress, type Hex, zeroAddress } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { ConsortiumRegistry, OperatorRegistry } from "../generated/contracts.ts";
import { plmnFromBytes6, plmnToBytes6 } from "./imsi.ts";
import type { RoamingReadModel } from "./readModel.ts";

const CLAIM_KINDS = ["claim", "release", "transfer"] as const;
// ClaimStatus on chain; Expired is a pending proposal past its deadline, which the read model keeps as pending.
const CLAIM_STATES = ["pending", "executed", "canceled", "pending"] as const;

type Ranges = ReadonlyArray<{ first: bigint; last: bigint }>;
const rangesOf = (ranges: Ranges) => ranges.map((r) => ({ first: r.first.toString(), last: r.last.toString() }));

export async function roamingDifferences(
  readModel: RoamingReadModel,
  chain: ChainClient,
  contracts: { operatorRegistry: Address; consortium: Address },
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[] = []) =>
    chain.readContract({ address, abi, functionName, args, blockNumber } as never) as Promise<T>;
  const registry = <T>(functionName: string, args: readonly unknown[] = []) =>
    read<T>(contracts.operatorRegistry, OperatorRegistry.abi, functionName, args);
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel: local, chain: onChain });
  };

  const networks = new Map((await readModel.allNetworks()).map((n) => [n.plmn, n]));
  const identities = new Map((await readModel.allIdentities()).map((i) => [i.operator, i.identity]));
  const claims = new Map((await readModel.allClaims()).map((c) => [Number(c.id), c]));
  // The registry lists networks per operator only: every operator either side knows of is asked.
  const members = await read<Address[]>(contracts.consortium, ConsortiumRegistry.abi, "members");
  const operators = new Set([
    ...members.map((m) => m.toLowerCase()),
    ...[...networks.values()].map((n) => n.operator),
    ...identities.keys(),
    ...[...claims.values()].flatMap((c) => [c.operator, c.proposer]),
  ]);

  const plmnsOnChain = new Set<string>();
  for (const operator of operators) {
    for (const plmn of await registry<Hex[]>("networksOf", [getAddress(operator)]))
      plmnsOnChain.add(plmnFromBytes6(plmn));
    const identity = (await registry<Address>("operatorIdentity", [getAddress(operator)])).toLowerCase();
    compare(
      "roaming_operator_identities",
      operator,
      identities.get(operator),
      identity === zeroAddress ? undefined : identity,
    );
  }
  for (const plmn of new Set([...plmnsOnChain, ...networks.keys()])) {
    const local = networks.get(plmn);
    const onChain = await registry<{ operator: Address; msinRanges: Ranges }>("network", [plmnToBytes6(plmn)]);
    compare(
      "roaming_networks",
      plmn,
      local && { operator: local.operator, msinRanges: JSON.parse(local.msin_ranges) },
      onChain.operator === zeroAddress
        ? undefined
        : { operator: onChain.operator.toLowerCase(), msinRanges: rangesOf(onChain.msinRanges) },
    );
  }

  const count = Number(await registry<bigint>("claimCount"));
  for (let id = 1; id <= Math.max(count, ...claims.keys()); id++) {
    const local = claims.get(id);
    const onChain =
      id <= count
        ? await registry<{
            kind: number;
            status: number;
            plmn: Hex;
            operator: Address;
            proposer: Address;
            deadline: bigint;
            approvals: bigint;
            msinRanges: Ranges;
          }>("claim", [BigInt(id)])
        : undefined;
    compare(
      "roaming_claims",
      String(id),
      local && {
        kind: local.kind,
        plmn: local.plmn,
        operator: local.operator,
        proposer: local.proposer,
        deadline: Number(local.deadline),
        msinRanges: JSON.parse(local.msin_ranges),
        state: local.state,
        approvals: Number(local.approvals),
      },
      onChain && {
        kind: CLAIM_KINDS[onChain.kind],
        plmn: plmnFromBytes6(onChain.plmn),
        operator: onChain.operator.toLowerCase(),
        proposer: onChain.proposer.toLowerCase(),
        deadline: Number(onChain.deadline),
        msinRanges: rangesOf(onChain.msinRanges),
        state: CLAIM_STATES[onChain.status],
        approvals: Number(onChain.approvals),
      },
    );
  }
  return differences;
}
