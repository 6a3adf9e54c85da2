// Content domain logic: registering works, selling shares, granting and revoking licences, the delivery check and
// records of the distributing operator, anchoring them in batches, declaring splits, paying and claiming royalties.
// Writes go through the outbox; each waits for its receipt and the indexer, so the answer reads its own write.
import { randomBytes, randomUUID } from "node:crypto";
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseEventLogs,
  toHex,
} from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import {
  ContentLicences,
  ContentRegistry,
  ContentRoyalties,
  ContentTickets,
  SettlementToken,
} from "../generated/contracts.ts";
import { ContentError } from "./errors.ts";
import type { CheckResult, LicenceIndex } from "./licenceIndex.ts";
import type { ContentReadModel } from "./readModel.ts";
import type { ReconciliationReport } from "./reconciliation.ts";
import type { DeliveryRecord, DeliveryRepository } from "./repository.ts";
import type { ContentRewards } from "./rewards.ts";
import { periodOf, type Right, rightsToBits, type Territory, territoriesToBits } from "./terms.ts";

export interface ContentAddresses {
  registry: Address;
  licences: Address;
  royalties: Address;
  settlementToken: Address;
  tickets: Address;
}

export interface LicenceInput {
  tokenId: string;
  parentId?: Hex | undefined;
  licensee: Address;
  rights: Right[];
  territories: Territory[];
  /** Unix seconds. */
  start: number;
  end: number;
  maxAccesses: number;
  /** Settlement-token minor units owed per delivery. */
  ratePerDelivery: string;
  revocable: boolean;
}

export interface DeliveryInput {
  licenceId: Hex;
  territory: Territory;
  /** The operator's own user identifier: salted before it is stored, never sent anywhere. */
  user: string;
  promoter?: Address | undefined;
}

const ZERO_ID: Hex = `0x${"00".repeat(32)}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

export class ContentService {
  readonly #outbox: Outbox;
  readonly #chain: ChainClient;
  readonly #me: Address;
  readonly #at: ContentAddresses;
  readonly #sync: () => Promise<unknown>;
  readonly readModel: ContentReadModel;
  readonly deliveries: DeliveryRepository;
  readonly index: LicenceIndex;
  /** Promoter fees, credit reward batches and claims across works (rewards.ts). */
  readonly rewards: ContentRewards;
  /** The period's reconciliation report of this member (reconciliation.ts). */
  readonly reconcile: (period: number) => Promise<ReconciliationReport>;

  constructor(options: {
    outbox: Outbox;
    chain: ChainClient;
    memberAccount: Address;
    addresses: ContentAddresses;
    sync(): Promise<unknown>;
    readModel: ContentReadModel;
    deliveries: DeliveryRepository;
    index: LicenceIndex;
    rewards: ContentRewards;
    reconcile(period: number): Promise<ReconciliationReport>;
  }) {
    this.#outbox = options.outbox;
    this.#chain = options.chain;
    this.#me = options.memberAccount;
    this.#at = options.addresses;
    this.#sync = options.sync;
    this.readModel = options.readModel;
    this.deliveries = options.deliveries;
    this.index = options.index;
    this.rewards = options.rewards;
    this.reconcile = options.reconcile;
  }

  async register(input: { fingerprint: Hex; royaltyBps: number; metadataHash: Hex }) {
    const receipt = await this.#send(
      this.#at.registry,
      encodeFunctionData({
        abi: ContentRegistry.abi,
        functionName: "register",
        args: [input.fingerprint, input.royaltyBps, input.metadataHash],
      }),
      `content.register ${input.fingerprint}`,
    );
    const [event] = parseEventLogs({ abi: ContentRegistry.abi, eventName: "WorkRegistered", logs: receipt.logs });
    if (!event) throw new Error(`register mined in ${receipt.transactionHash} without a WorkRegistered event`);
    return { tokenId: event.args.tokenId.toString(), txHash: receipt.transactionHash };
  }

  async registerBatch(input: { royaltyBps: number; items: Array<{ fingerprint: Hex; metadataHash: Hex }> }) {
    const receipt = await this.#send(
      this.#at.registry,
      encodeFunctionData({
        abi: ContentRegistry.abi,
        functionName: "registerBatch",
        args: [input.items.map((i) => i.fingerprint), input.royaltyBps, input.items.map((i) => i.metadataHash)],
      }),
      `content.registerBatch x${input.items.length}`,
    );
    const events = parseEventLogs({ abi: ContentRegistry.abi, eventName: "WorkRegistered", logs: receipt.logs });
    return {
      tokenIds: events.map((e) => e.args.tokenId.toString()),
      txHash: receipt.transactionHash,
      gasUsed: receipt.gasUsed.toString(),
    };
  }

  async transferShare(tokenId: string, input: { to: Address; bps: number }) {
    await this.#work(tokenId);
    const receipt = await this.#send(
      this.#at.registry,
      encodeFunctionData({
        abi: ContentRegistry.abi,
        functionName: "transferShare",
        args: [BigInt(tokenId), input.to, input.bps],
      }),
      `content.transferShare ${tokenId} ${input.bps}bps`,
    );
    return { txHash: receipt.transactionHash };
  }

  /** Grants a licence under an id derived from its content and a fresh salt, acknowledged as computed before sending. */
  async grantLicence(input: LicenceInput) {
    await this.#work(input.tokenId);
    const parentId = input.parentId ?? ZERO_ID;
    const salt = toHex(randomBytes(32));
    const licenceId = await this.#chain.readContract({
      address: this.#at.licences,
      abi: ContentLicences.abi,
      functionName: "licenceIdOf",
      args: [BigInt(input.tokenId), parentId, this.#me, input.licensee, salt],
    });
    const terms = {
      rights: rightsToBits(input.rights),
      territories: territoriesToBits(input.territories),
      start: BigInt(input.start),
      end: BigInt(input.end),
      maxAccesses: input.maxAccesses,
      ratePerDelivery: BigInt(input.ratePerDelivery),
      revocable: input.revocable,
    };
    const receipt = await this.#send(
      this.#at.licences,
      encodeFunctionData({
        abi: ContentLicences.abi,
        functionName: "grant",
        args: [BigInt(input.tokenId), parentId, input.licensee, terms, salt],
      }),
      `content.grant ${licenceId}`,
    );
    await this.#refresh(licenceId, parentId === ZERO_ID ? undefined : parentId);
    return { licenceId, txHash: receipt.transactionHash };
  }

  async revokeLicence(licenceId: Hex) {
    await this.#licence(licenceId);
    const receipt = await this.#send(
      this.#at.licences,
      encodeFunctionData({ abi: ContentLicences.abi, functionName: "revoke", args: [licenceId] }),
      `content.revoke ${licenceId}`,
    );
    await this.#refresh(licenceId);
    return { txHash: receipt.transactionHash };
  }

  /**
   * The CDN check. A licence the index does not know may have been granted a moment ago on another member's agent:
   * the indexer catches up once before the answer is "unknown-licence" (only unknown ids pay for it).
   */
  async check(licenceId: Hex, territory: Territory, at = nowSeconds()): Promise<CheckResult> {
    const id = licenceId.toLowerCase();
    const first = this.index.check(id, territory, at);
    if (first.reason !== "unknown-licence") return first;
    await this.#catchUp(id);
    return this.index.check(id, territory, at);
  }

  /** Checks each delivery and records the allowed ones; a refused one is answered with its reason, nothing recorded. */
  async recordDeliveries(items: readonly DeliveryInput[]) {
    const results: Array<{ deliveryId?: string; allowed: boolean; reason: string; remaining?: number }> = [];
    for (const item of items) {
      const licenceId = item.licenceId.toLowerCase();
      const servedAt = nowSeconds();
      const checked = await this.check(licenceId as Hex, item.territory, servedAt);
      if (!checked.allowed) {
        results.push(checked);
        continue;
      }
      const record: DeliveryRecord = {
        delivery_id: randomUUID(),
        licence_id: licenceId,
        period: periodOf(servedAt),
        territory: item.territory,
        // A user identifier is low-entropy: salted with 16 random bytes before it is kept, and never sent.
        user_ref: keccak256(toHex(`${toHex(randomBytes(16))}:${item.user}`)),
        promoter: item.promoter?.toLowerCase() ?? null,
        served_at: servedAt,
      };
      await this.deliveries.insert(record);
      this.index.recorded(licenceId);
      // `remaining` is what the licence has left after this delivery.
      results.push({
        deliveryId: record.delivery_id,
        allowed: true,
        reason: "allowed",
        remaining: (checked.remaining ?? 1) - 1,
      });
    }
    return { results };
  }

  /** Anchors every pending delivery (of one licence, or all) in one transaction per licence and period. */
  async anchor(licenceId?: Hex) {
    const pending = await this.deliveries.pending(licenceId?.toLowerCase());
    if (pending.length === 0) {
      throw new ContentError("CONTENT_NOTHING_TO_ANCHOR", "no recorded delivery is waiting to be anchored", {
        ...(licenceId ? { field: "body.licenceId" as const } : {}),
      });
    }
    const groups = new Map<string, DeliveryRecord[]>();
    for (const record of pending) {
      const key = `${record.licence_id}/${record.period}`;
      groups.set(key, [...(groups.get(key) ?? []), record]);
    }
    const batches = [];
    for (const records of groups.values()) {
      const first = records[0] as DeliveryRecord;
      const tree = StandardMerkleTree.of(
        records.map((r) => [deliveryLeaf(r)]),
        ["bytes32"],
      );
      const root = tree.root as Hex;
      const receipt = await this.#send(
        this.#at.licences,
        encodeFunctionData({
          abi: ContentLicences.abi,
          functionName: "anchorDeliveries",
          args: [first.licence_id as Hex, first.period, records.length, root],
        }),
        `content.anchorDeliveries ${first.licence_id} ${first.period} x${records.length}`,
      );
      await this.deliveries.markAnchored(
        records.map((r) => r.delivery_id),
        root,
        receipt.transactionHash,
      );
      this.index.anchored(first.licence_id, records.length);
      await this.#refresh(first.licence_id as Hex);
      batches.push({
        licenceId: first.licence_id,
        period: first.period,
        count: records.length,
        recordsRoot: root,
        txHash: receipt.transactionHash,
        gasUsed: receipt.gasUsed.toString(),
      });
    }
    return { batches };
  }

  async declareSplit(tokenId: string, recipients: ReadonlyArray<{ account: Address; bps: number }>) {
    await this.#work(tokenId);
    const sorted = [...recipients].sort((a, b) => (BigInt(a.account) < BigInt(b.account) ? -1 : 1));
    const receipt = await this.#send(
      this.#at.royalties,
      encodeFunctionData({
        abi: ContentRoyalties.abi,
        functionName: "declareSplit",
        args: [BigInt(tokenId), sorted.map((r) => r.account), sorted.map((r) => r.bps)],
      }),
      `content.declareSplit ${tokenId} x${sorted.length}`,
    );
    const [event] = parseEventLogs({ abi: ContentRoyalties.abi, eventName: "SplitDeclared", logs: receipt.logs });
    if (!event) throw new Error(`declareSplit mined in ${receipt.transactionHash} without a SplitDeclared event`);
    return { splitId: event.args.splitId, txHash: receipt.transactionHash };
  }

  /** Pays what the period's anchored deliveries owe: approves exactly that amount, then pays it into the split. */
  async payRoyalties(licenceId: Hex, period: number) {
    await this.#licence(licenceId);
    const [paid, owed] = await this.#chain.readContract({
      address: this.#at.royalties,
      abi: ContentRoyalties.abi,
      functionName: "periodRoyalties",
      args: [licenceId, period],
    });
    const due = owed - paid;
    if (due === 0n) {
      throw new ContentError("CONTENT_NOTHING_DUE", `nothing is due for licence ${licenceId} in period ${period}`, {
        field: "body.period",
        details: { paid: paid.toString(), owed: owed.toString() },
      });
    }
    await this.#send(
      this.#at.settlementToken,
      encodeFunctionData({ abi: SettlementToken.abi, functionName: "approve", args: [this.#at.royalties, due] }),
      `content.approve royalties ${due}`,
    );
    const receipt = await this.#send(
      this.#at.royalties,
      encodeFunctionData({ abi: ContentRoyalties.abi, functionName: "payRoyalties", args: [licenceId, period] }),
      `content.payRoyalties ${licenceId} ${period}`,
    );
    return { amount: due.toString(), txHash: receipt.transactionHash };
  }

  /** Tips a work for a user this operator bills: approves the amount, then pays it into the work's current split. */
  async tip(tokenId: string, input: { amount: string; user: string }) {
    await this.#work(tokenId);
    const amount = BigInt(input.amount);
    // The user is low-entropy: only a salted reference reaches the ledger.
    const userRef = keccak256(toHex(`${toHex(randomBytes(16))}:${input.user}`));
    await this.#send(
      this.#at.settlementToken,
      encodeFunctionData({ abi: SettlementToken.abi, functionName: "approve", args: [this.#at.royalties, amount] }),
      `content.approve tip ${amount}`,
    );
    const receipt = await this.#send(
      this.#at.royalties,
      encodeFunctionData({ abi: ContentRoyalties.abi, functionName: "tip", args: [BigInt(tokenId), amount, userRef] }),
      `content.tip ${tokenId} ${amount}`,
    );
    const [event] = parseEventLogs({ abi: ContentRoyalties.abi, eventName: "TipPaid", logs: receipt.logs });
    return { splitId: event?.args.splitId ?? ZERO_ID, txHash: receipt.transactionHash };
  }

  async claim(splitId: Hex) {
    const receipt = await this.#send(
      this.#at.royalties,
      encodeFunctionData({ abi: ContentRoyalties.abi, functionName: "claim", args: [splitId] }),
      `content.claim ${splitId}`,
    );
    const [event] = parseEventLogs({ abi: ContentRoyalties.abi, eventName: "RoyaltiesClaimed", logs: receipt.logs });
    return {
      amount: (event?.args.amount ?? 0n).toString(),
      txHash: receipt.transactionHash,
      gasUsed: receipt.gasUsed.toString(),
    };
  }

  /** Registers a class of identical tickets (or editions) as ERC-1155 units minted to this member. */
  async registerTicketClass(input: { fingerprint: Hex; supply: string; royaltyBps: number; metadataHash: Hex }) {
    const receipt = await this.#send(
      this.#at.tickets,
      encodeFunctionData({
        abi: ContentTickets.abi,
        functionName: "registerClass",
        args: [input.fingerprint, BigInt(input.supply), input.royaltyBps, input.metadataHash],
      }),
      `content.registerClass ${input.fingerprint}`,
    );
    const [event] = parseEventLogs({ abi: ContentTickets.abi, eventName: "TicketClassRegistered", logs: receipt.logs });
    if (!event) throw new Error(`registerClass mined in ${receipt.transactionHash} without TicketClassRegistered`);
    return { id: event.args.id.toString(), txHash: receipt.transactionHash };
  }

  /** A ticket class's supply and an account's units of it, from the contract. */
  async ticketBalance(id: string, account: Address) {
    const read = <T>(functionName: "supplyOf" | "balanceOf", args: readonly unknown[]) =>
      this.#chain.readContract({
        address: this.#at.tickets,
        abi: ContentTickets.abi,
        functionName,
        args,
      } as never) as Promise<T>;
    const supply = await read<bigint>("supplyOf", [BigInt(id)]);
    const balance = await read<bigint>("balanceOf", [account, BigInt(id)]);
    return { id, account, supply: supply.toString(), balance: balance.toString() };
  }

  async balance(): Promise<string> {
    const balance = await this.#chain.readContract({
      address: this.#at.settlementToken,
      abi: SettlementToken.abi,
      functionName: "balanceOf",
      args: [this.#me],
    });
    return balance.toString();
  }

  async #work(tokenId: string) {
    const work = await this.readModel.work(tokenId);
    if (!work) throw new ContentError("CONTENT_WORK_NOT_FOUND", `no work ${tokenId}`, { field: "params.tokenId" });
    return work;
  }

  async #licence(licenceId: Hex) {
    const licence = await this.readModel.licence(licenceId.toLowerCase());
    if (!licence) {
      throw new ContentError("CONTENT_LICENCE_NOT_FOUND", `no licence ${licenceId}`, { field: "body.licenceId" });
    }
    return licence;
  }

  /** Puts the licence (and its parent) as the read model now has them into the check index. */
  async #refresh(...licenceIds: Array<Hex | string | undefined>) {
    for (const id of licenceIds) {
      if (!id) continue;
      const row = await this.readModel.licence(id.toLowerCase());
      if (row) this.index.put(row);
    }
  }

  async #catchUp(licenceId: string) {
    await this.#sync();
    await this.#refresh(licenceId);
  }

  async #send(to: Address, data: Hex, label: string) {
    const receipt = await this.#outbox.send({ from: this.#me, to, data, label });
    await this.#sync();
    return receipt;
  }
}

/** A delivery record's Merkle leaf: what the operator can later prove a delivery by, without revealing the user. */
export function deliveryLeaf(record: DeliveryRecord): Hex {
  return keccak256(
    encodeAbiParameters(
      [
        { type: "bytes32" },
        { type: "string" },
        { type: "uint32" },
        { type: "string" },
        { type: "bytes32" },
        { type: "uint64" },
      ],
      [
        record.licence_id as Hex,
        record.delivery_id,
        record.period,
        record.territory,
        record.user_ref as Hex,
        BigInt(record.served_at),
      ],
    ),
  );
}
