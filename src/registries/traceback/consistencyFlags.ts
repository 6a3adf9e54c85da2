// The vetter flags against Traceback's own view, at the block the read model is indexed to: every flag the chain's
// VetterFlagged logs name must be in the read model with the chain's trace, flagger, subject, holder, vetter, vetter
// member, evidence and acknowledgement (flagOf); a row the chain lacks is named too.
import { type Address, getAddress, type Hex } from "viem";
import type { ConsistencyDifference } from "../../agent/domain.ts";
import type { ChainClient } from "../../core/chain/client.ts";
import { Traceback } from "../../generated/contracts.ts";
import type { VetterFlagReadModel, VetterFlagView } from "./readModelFlags.ts";

const PAGE = 100;
const TABLE = "registries_vetter_flags";
const lower = (address: string) => getAddress(address).toLowerCase();
const seconds = (iso: string | null) => (iso === null ? 0 : Math.floor(Date.parse(iso) / 1000));

const summary = (f: VetterFlagView) => ({
  traceId: f.traceId.toLowerCase(),
  flagger: f.flagger.toLowerCase(),
  subject: f.subject.toLowerCase(),
  holder: f.holder.toLowerCase(),
  vetter: f.vetter.toLowerCase(),
  vetterMember: f.vetterMember.toLowerCase(),
  evidence: f.evidence.toLowerCase(),
  flaggedAt: seconds(f.flaggedAt),
  acknowledgedAt: seconds(f.acknowledgedAt),
});

export async function vetterFlagDifferences(
  readModel: VetterFlagReadModel,
  chain: ChainClient,
  traceback: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const differences: ConsistencyDifference[] = [];
  const compare = (id: string, mine: unknown, theirs: unknown) => {
    if (JSON.stringify(mine) !== JSON.stringify(theirs)) {
      differences.push({ table: TABLE, key: id, readModel: mine, chain: theirs });
    }
  };
  const flags = new Map<string, VetterFlagView>();
  for (let after: string | undefined; ; ) {
    const page = await readModel.flags({}, { limit: PAGE, ...(after ? { after } : {}) });
    for (const f of page.slice(0, PAGE)) flags.set(f.flagId.toLowerCase(), f);
    if (page.length <= PAGE) break;
    after = page[PAGE - 1]?.flagId;
  }
  const logs = await chain.getContractEvents({
    address: traceback,
    abi: Traceback.abi,
    eventName: "VetterFlagged",
    fromBlock: 0n,
    toBlock: blockNumber,
  });
  const onChain = new Set<string>();
  for (const log of logs) {
    const id = (log.args.flagId as Hex).toLowerCase();
    onChain.add(id);
    const f = await chain.readContract({
      address: traceback,
      abi: Traceback.abi,
      functionName: "flagOf",
      args: [id as Hex],
      blockNumber,
    });
    const mine = flags.get(id);
    compare(id, mine ? summary(mine) : undefined, {
      traceId: f.traceId.toLowerCase(),
      flagger: lower(f.flagger),
      subject: f.subject.toLowerCase(),
      holder: lower(f.holder),
      vetter: lower(f.vetter),
      vetterMember: lower(f.vetterMember),
      evidence: f.evidence.toLowerCase(),
      flaggedAt: Number(f.flaggedAt),
      acknowledgedAt: Number(f.acknowledgedAt),
    });
  }
  for (const [id, f] of flags) if (!onChain.has(id)) compare(id, summary(f), undefined);
  return differences;
}
