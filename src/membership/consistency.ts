// Membership's read model against the ConsortiumRegistry's own views: every member (name, active, roles) and every
// proposal (kind, proposer, member, status, approvals), at the block the read model is indexed to.
import { type Address, getAddress } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { ConsortiumRegistry } from "../generated/contracts.ts";
import { PROPOSAL_KINDS } from "./projection.ts";
import type { MembershipReadModel, ProposalView } from "./readModel.ts";
import { roleName } from "./roles.ts";

// ProposalStatus on chain; a proposal past its deadline is still open for the comparison on both sides (the read model
// names it "expired" from the clock, the contract when it is next touched).
const STATUSES = ["pending", "executed", "canceled", "pending"] as const;

export async function membershipDifferences(
  readModel: MembershipReadModel,
  chain: ChainClient,
  registry: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(functionName: string, args: readonly unknown[] = []) =>
    chain.readContract({
      address: registry,
      abi: ConsortiumRegistry.abi,
      functionName,
      args,
      blockNumber,
    } as never) as Promise<T>;
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, readModel: unknown, onChain: unknown) => {
    if (JSON.stringify(readModel) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel, chain: onChain });
  };

  const members = new Map((await readModel.allMembers()).map((m) => [m.address.toLowerCase(), m]));
  const addresses = (await read<Address[]>("members")).map((a) => a.toLowerCase());
  for (const address of new Set([...addresses, ...members.keys()])) {
    const local = members.get(address);
    const onChain = addresses.includes(address)
      ? await read<{ name: string; active: boolean; roles: readonly `0x${string}`[] }>("member", [getAddress(address)])
      : undefined;
    compare(
      "membership_members",
      address,
      local && { name: local.name, active: local.active, roles: [...local.roles].sort() },
      onChain && { name: onChain.name, active: onChain.active, roles: onChain.roles.map(roleName).sort() },
    );
  }

  const proposals = new Map<number, ProposalView>();
  for (let after: [number] | undefined; ; ) {
    const page = await readModel.listProposals({}, { limit: 500, after });
    for (const p of page.slice(0, 500)) proposals.set(p.id, p);
    const last = page[499];
    if (page.length <= 500 || !last) break;
    after = [last.id];
  }
  const count = Number(await read<bigint>("proposalCount"));
  for (let id = 1; id <= Math.max(count, ...proposals.keys()); id++) {
    const local = proposals.get(id);
    const onChain =
      id <= count
        ? await read<{ kind: number; status: number; proposer: Address; member: Address; approvals: bigint }>(
            "proposal",
            [BigInt(id)],
          )
        : undefined;
    compare(
      "membership_proposals",
      String(id),
      local && {
        kind: local.kind,
        proposer: local.proposer,
        member: local.member,
        // "expired" is the read model's reading of a pending proposal past its deadline.
        status: local.state === "expired" ? "pending" : local.state,
        approvals: local.approvals,
      },
      onChain && {
        kind: PROPOSAL_KINDS[onChain.kind],
        proposer: getAddress(onChain.proposer),
        member: getAddress(onChain.member),
        status: STATUSES[onChain.status],
        approvals: Number(onChain.approvals),
      },
    );
  }
  return differences;
}
