// The port read model against PortClearing's own views, at the block the read model is indexed to: every port the
// chain's PortRequested and PortRangeRequested logs name must be in the read model with the chain's providers, state, reason, count, digest
// and timers (portOf), its numbers hashing to the digest; a port in the read model that the chain lacks is named too.
import { type Address, getAddress, type Hex } from "viem";
import type { ConsistencyDifference } from "../../agent/domain.ts";
import type { ChainClient } from "../../core/chain/client.ts";
import { PortClearing } from "../../generated/contracts.ts";
import { numbersDigestOf } from "./numbers.ts";
import { PORT_STATES } from "./projection.ts";
import type { PortReadModel, PortView } from "./readModel.ts";

const PAGE = 100;
const seconds = (iso: string | null) => (iso === null ? 0 : Math.floor(Date.parse(iso) / 1000));

const summary = (p: PortView) => ({
  gaining: p.gaining.toLowerCase(),
  losing: p.losing.toLowerCase(),
  state: p.state,
  reason: p.reason,
  count: p.count,
  digest: p.digest.toLowerCase(),
  concurBy: seconds(p.concurBy),
  activateAt: seconds(p.activateAt),
  activatedAt: seconds(p.activatedAt),
});

export async function portDifferences(
  readModel: PortReadModel,
  chain: ChainClient,
  clearing: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const differences: ConsistencyDifference[] = [];
  const local = new Map<string, PortView>();
  for (let after: string | undefined; ; ) {
    const page = await readModel.ports({}, { limit: PAGE, ...(after ? { after } : {}) });
    for (const p of page.slice(0, PAGE)) local.set(p.portId.toLowerCase(), p);
    if (page.length <= PAGE) break;
    after = page[PAGE - 1]?.portId;
  }
  const requested = [];
  for (const eventName of ["PortRequested", "PortRangeRequested"] as const) {
    requested.push(
      ...(await chain.getContractEvents({
        address: clearing,
        abi: PortClearing.abi,
        eventName,
        fromBlock: 0n,
        toBlock: blockNumber,
      })),
    );
  }
  const onChain = new Set<string>();
  for (const log of requested) {
    const id = (log.args.portId as Hex).toLowerCase();
    onChain.add(id);
    const p = await chain.readContract({
      address: clearing,
      abi: PortClearing.abi,
      functionName: "portOf",
      args: [id as Hex],
      blockNumber,
    });
    const mine = local.get(id);
    const theirs = {
      gaining: getAddress(p.gaining).toLowerCase(),
      losing: getAddress(p.losing).toLowerCase(),
      state: PORT_STATES[p.state] ?? `state-${p.state}`,
      reason: Number(p.reason),
      count: Number(p.count),
      digest: p.numbersDigest.toLowerCase(),
      concurBy: Number(p.concurBy),
      activateAt: Number(p.activateAt),
      activatedAt: Number(p.activatedAt),
    };
    if (JSON.stringify(mine ? summary(mine) : undefined) !== JSON.stringify(theirs)) {
      differences.push({
        table: "registries_ports",
        key: id,
        readModel: mine ? summary(mine) : undefined,
        chain: theirs,
      });
    }
    if (mine && numbersDigestOf(mine.numbers) !== theirs.digest) {
      differences.push({
        table: "registries_port_numbers",
        key: `${id} digest`,
        readModel: numbersDigestOf(mine.numbers),
        chain: theirs.digest,
      });
    }
  }
  for (const [id, p] of local) {
    if (!onChain.has(id))
      differences.push({ table: "registries_ports", key: id, readModel: summary(p), chain: undefined });
  }
  return differences;
}
