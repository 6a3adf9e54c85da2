// Calls of the InsightsMarket contract (and the settlement token's approve before a purchase) for this agent: writes
// through the outbox from the member account, reads straight from the node; ids computed before sending.
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, keccak256 } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { TxSender } from "../core/chain/types.ts";
import { InsightsMarket, SettlementToken } from "../generated/contracts.ts";

/** IInsightsMarket.insightIdOf. */
export const insightIdOf = (
  chainId: number,
  market: Address,
  controller: Address,
  consentId: Hex,
  nonce: Hex,
  contentDigest: Hex,
): Hex =>
  keccak256(
    encodeAbiParameters(
      [
        { type: "uint256" },
        { type: "address" },
        { type: "address" },
        { type: "bytes32" },
        { type: "bytes32" },
        { type: "bytes32" },
      ],
      [BigInt(chainId), market, controller, consentId, nonce, contentDigest],
    ),
  );

/** IInsightsMarket.purchaseIdOf: one purchase per insight and buyer. */
export const purchaseIdOf = (insightId: Hex, buyer: Address): Hex =>
  keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }], [insightId, buyer]));

/** IInsightsMarket.bundleIdOf (the ids ascending). */
export const bundleIdOf = (chainId: number, market: Address, broker: Address, nonce: Hex, insightIds: readonly Hex[]) =>
  keccak256(
    encodeAbiParameters(
      [{ type: "uint256" }, { type: "address" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32[]" }],
      [BigInt(chainId), market, broker, nonce, [...insightIds]],
    ),
  );

/** IInsightsMarket.bundlePurchaseIdOf: one purchase per bundle and buyer. */
export const bundlePurchaseIdOf = (bundleId: Hex, buyer: Address): Hex =>
  keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }], [bundleId, buyer]));

/** IInsightsMarket.shareIdOf: one share per insight and friend key. */
export const shareIdOf = (insightId: Hex, friendKey: Address): Hex =>
  keccak256(encodeAbiParameters([{ type: "bytes32" }, { type: "address" }], [insightId, friendKey]));

export interface InsightsLedgerOptions {
  chain: ChainClient;
  sender: TxSender;
  from: Address;
  market: Address;
  token: Address;
}

export class InsightsLedger {
  readonly #o: InsightsLedgerOptions;

  constructor(options: InsightsLedgerOptions) {
    this.#o = options;
  }

  get market(): Address {
    return this.#o.market;
  }

  offer(consentId: Hex, nonce: Hex, contentDigest: Hex, price: bigint) {
    return this.#send("offer", [consentId, nonce, contentDigest, price], `datausage.offer ${consentId.slice(0, 10)}`);
  }

  list(insightId: Hex, broker: Address, price: bigint, shareBps: number) {
    return this.#send("list", [insightId, broker, price, shareBps], `datausage.list ${insightId.slice(0, 10)}`);
  }

  /** Approves exactly the price to the market, then buys (the market pulls it from this member's allowance). */
  async purchase(insightId: Hex, broker: Address, price: bigint, deliveryKey: Hex) {
    const data = encodeFunctionData({
      abi: SettlementToken.abi,
      functionName: "approve",
      args: [this.#o.market, price],
    });
    await this.#o.sender.send({ from: this.#o.from, to: this.#o.token, data, label: `datausage.approve ${price}` });
    return this.#send(
      "purchase",
      [insightId, broker, price, deliveryKey],
      `datausage.purchase ${insightId.slice(0, 10)}`,
    );
  }

  entrust(insightId: Hex, broker: Address, shareBps: number, deadline: bigint, signature: Hex) {
    return this.#send(
      "entrust",
      [insightId, broker, shareBps, deadline, signature],
      `datausage.entrust ${insightId.slice(0, 10)}`,
    );
  }

  createBundle(nonce: Hex, insightIds: readonly Hex[], price: bigint) {
    return this.#send("createBundle", [nonce, [...insightIds], price], `datausage.bundle x${insightIds.length}`);
  }

  /** Approves exactly the bundle's price to the market, then buys it (the market pulls every share from it). */
  async purchaseBundle(bundleId: Hex, price: bigint, deliveryKey: Hex) {
    const data = encodeFunctionData({
      abi: SettlementToken.abi,
      functionName: "approve",
      args: [this.#o.market, price],
    });
    await this.#o.sender.send({ from: this.#o.from, to: this.#o.token, data, label: `datausage.approve ${price}` });
    return this.#send(
      "purchaseBundle",
      [bundleId, price, deliveryKey],
      `datausage.purchaseBundle ${bundleId.slice(0, 10)}`,
    );
  }

  erase(insightIds: readonly Hex[], erasureDigest: Hex) {
    return this.#send("erase", [[...insightIds], erasureDigest], `datausage.erase x${insightIds.length}`);
  }

  registerSubscriberKey(consentId: Hex, publicKey: Hex, signature: Hex) {
    return this.#send(
      "registerSubscriberKey",
      [consentId, publicKey, signature],
      `datausage.subscriberKey ${consentId.slice(0, 10)}`,
    );
  }

  answer(insightId: Hex, accepted: boolean, locationDigest: Hex, deadline: bigint, signature: Hex) {
    return this.#send(
      "answer",
      [insightId, accepted, locationDigest, deadline, signature],
      `datausage.answer ${insightId.slice(0, 10)} ${accepted ? "accept" : "decline"}`,
    );
  }

  recordReading(insightId: Hex, readerFingerprint: Hex) {
    return this.#send("recordReading", [insightId, readerFingerprint], `datausage.reading ${insightId.slice(0, 10)}`);
  }

  registerFriendKey(publicKey: Hex, signature: Hex) {
    return this.#send("registerFriendKey", [publicKey, signature], `datausage.friendKey ${publicKey.slice(0, 12)}`);
  }

  share(insightId: Hex, friendKey: Address, envelopeDigest: Hex, deadline: bigint, signature: Hex) {
    return this.#send(
      "share",
      [insightId, friendKey, envelopeDigest, deadline, signature],
      `datausage.share ${insightId.slice(0, 10)}`,
    );
  }

  nameCustodians(consentId: Hex, custodians: readonly Address[], threshold: number) {
    return this.#send(
      "nameCustodians",
      [consentId, [...custodians], threshold],
      `datausage.custodians ${consentId.slice(0, 10)}`,
    );
  }

  requestErasure(consentId: Hex) {
    return this.#send("requestErasure", [consentId], `datausage.requestErasure ${consentId.slice(0, 10)}`);
  }

  attestErasure(consentId: Hex, destructionDigest: Hex) {
    return this.#send(
      "attestErasure",
      [consentId, destructionDigest],
      `datausage.attestErasure ${consentId.slice(0, 10)}`,
    );
  }

  balanceOf(account: Address): Promise<bigint> {
    return this.#o.chain.readContract({
      address: this.#o.token,
      abi: SettlementToken.abi,
      functionName: "balanceOf",
      args: [account],
    });
  }

  insight(insightId: Hex) {
    return this.#o.chain.readContract({
      address: this.#o.market,
      abi: InsightsMarket.abi,
      functionName: "insight",
      args: [insightId],
    });
  }

  async #send(functionName: string, args: readonly unknown[], label: string) {
    const data = encodeFunctionData({ abi: InsightsMarket.abi, functionName, args } as never);
    return this.#o.sender.send({ from: this.#o.from, to: this.#o.market, data, label });
  }
}
