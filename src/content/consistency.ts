// The content read model against the contracts' own views, at the block the read model is indexed to: every work
// (holder, shares sold, owners' version), every licence (licensee, counters, revocation), every split (what it
// received), the deliveries attributed to promoters per licence and period, and every credit reward batch. Records
// the read model lacks entirely are not discoverable from these views (they are keyed by hashes); the indexer's
// journal is what guards against a lost event.
import type { Address } from "viem";
import type { ConsistencyDifference } from "../agent/domain.ts";
import type { ChainClient } from "../core/chain/client.ts";
import { ContentCredits, ContentLicences, ContentRegistry, ContentRoyalties } from "../generated/contracts.ts";
import type { ContentReadModel } from "./readModel.ts";

export async function contentDifferences(
  readModel: ContentReadModel,
  chain: ChainClient,
  contracts: { registry: Address; licences: Address; royalties: Address; credits: Address },
  blockNumber: bigint,
): Promise<ConsistencyDifference[]> {
  const read = <T>(address: Address, abi: unknown, functionName: string, args: readonly unknown[]) =>
    chain.readContract({ address, abi, functionName, args, blockNumber } as never) as Promise<T>;
  const differences: ConsistencyDifference[] = [];
  const compare = (table: string, key: string, local: unknown, onChain: unknown) => {
    if (JSON.stringify(local) !== JSON.stringify(onChain))
      differences.push({ table, key, readModel: local, chain: onChain });
  };

  for (const work of await readModel.allWorks()) {
    const tokenId = BigInt(work.token_id);
    const holder = (await read<Address>(contracts.registry, ContentRegistry.abi, "ownerOf", [tokenId])).toLowerCase();
    const sold = await read<number>(contracts.registry, ContentRegistry.abi, "sharesSold", [tokenId]);
    const version = await read<bigint>(contracts.registry, ContentRegistry.abi, "shareVersion", [tokenId]);
    const shares = await readModel.shares(work.token_id);
    compare(
      "content_works",
      work.token_id,
      {
        holder: work.holder,
        sharesSold: shares.reduce((sum, s) => sum + Number(s.bps), 0),
        shareVersion: Number(work.share_version),
      },
      { holder, sharesSold: Number(sold), shareVersion: Number(version) },
    );
  }
  for (const licence of await readModel.allLicences()) {
    const onChain = await read<{ licensee: Address; delivered: number; reserved: number; revoked: boolean }>(
      contracts.licences,
      ContentLicences.abi,
      "licence",
      [licence.licence_id],
    );
    compare(
      "content_licences",
      licence.licence_id,
      {
        licensee: licence.licensee,
        delivered: Number(licence.delivered),
        reserved: Number(licence.reserved),
        revoked: Number(licence.revoked) === 1,
      },
      {
        licensee: onChain.licensee.toLowerCase(),
        delivered: Number(onChain.delivered),
        reserved: Number(onChain.reserved),
        revoked: onChain.revoked,
      },
    );
  }
  for (const split of await readModel.allSplits()) {
    const [, , received] = await read<[bigint, bigint, bigint]>(contracts.royalties, ContentRoyalties.abi, "split", [
      split.split_id,
    ]);
    compare("content_splits", split.split_id, { received: split.received }, { received: received.toString() });
  }
  for (const fees of await readModel.allPromoterAttributions()) {
    const attributed = await read<number>(contracts.royalties, ContentRoyalties.abi, "attributed", [
      fees.licence_id,
      Number(fees.period),
    ]);
    compare(
      "content_promoter_fees",
      `${fees.licence_id}/${fees.period}`,
      { attributed: Number(fees.deliveries) },
      { attributed: Number(attributed) },
    );
  }
  for (const batch of await readModel.allRewardBatchIds()) {
    const issued = await read<boolean>(contracts.credits, ContentCredits.abi, "batchIssued", [batch.batch_id]);
    compare("content_reward_batches", batch.batch_id, { issued: true }, { issued });
  }
  return differences;
}
