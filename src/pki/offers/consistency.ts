// The data-offer read model against DataOffers' own views at the block the read model is indexed to: every request
// (client, query, state, paid offer) and every offer (request, provider, price, data root, access granted and its
// reference). A row the chain does not know is named too.
import type { Address, Hex } from "viem";
import type { ConsistencyDifference } from "../../agent/domain.ts";
import type { ChainClient } from "../../core/chain/client.ts";
import { DataOffers } from "../../generated/contracts.ts";
import type { DataOffersReadModel } from "./readModel.ts";

const STATES = [null, "open", "served", "paid"] as const;
const ZERO = `0x${"0".repeat(64)}`;
const orNull = (id: string) => (id === ZERO ? null : id.toLowerCase());

export async function dataOfferDifferences(
  readModel: DataOffersReadModel,
  chain: Pick<ChainClient, "readContract">,
  address: Address,
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(functionName: string, id: string) =>
    chain.readContract({ address, abi: DataOffers.abi, functionName, args: [id], blockNumber } as never) as Promise<T>;
  const differences: ConsistencyDifference[] = [];
  const { requests, offers } = await readModel.allForConsistency();
  for (const r of requests) {
    const local = { client: r.client, query: r.query, state: r.state, paidOffer: r.payment?.offerId ?? null };
    const c = await read<{ client: Address; query: Hex; state: number; paidOffer: Hex }>("request", r.requestId);
    const state = STATES[c.state] ?? null;
    const onChain =
      state === null
        ? undefined
        : { client: c.client.toLowerCase(), query: c.query.toLowerCase(), state, paidOffer: orNull(c.paidOffer) };
    if (JSON.stringify(local) !== JSON.stringify(onChain)) {
      differences.push({ table: "pki_data_requests", key: r.requestId, readModel: local, chain: onChain });
    }
  }
  for (const o of offers) {
    const local = {
      requestId: o.requestId,
      provider: o.provider,
      price: o.price,
      dataRoot: o.dataRoot,
      accessRef: o.access?.accessRef ?? null,
    };
    const c = await read<{ requestId: Hex; provider: Address; price: bigint; dataRoot: Hex; accessRef: Hex }>(
      "offer",
      o.offerId,
    );
    const onChain = /^0x0{40}$/.test(c.provider)
      ? undefined
      : {
          requestId: c.requestId.toLowerCase(),
          provider: c.provider.toLowerCase(),
          price: c.price.toString(),
          dataRoot: c.dataRoot.toLowerCase(),
          accessRef: orNull(c.accessRef),
        };
    if (JSON.stringify(local) !== JSON.stringify(onChain)) {
      differences.push({ table: "pki_data_offers", key: o.offerId, readModel: local, chain: onChain });
    }
  }
  return differences;
}
