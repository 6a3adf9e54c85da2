// Gas of the data-usage contracts (docs/datausage.md): a subject's contract with two allowed processors, a transfer to
// the first processor and on to the second, the subject's revocation, and one consultation batch, whose gas is the
// same for any batch size (one root), so the per-1,000 figure divides it by the batch size; then the insights market
// under the subject's contract: an offer, a direct purchase, a broker listing, a purchase through the broker and the
// erasure of the insight; and the subscriber's side: its key's registration, its signed accept and a recorded reading; and the broker: an
// entrustment, a bundle and its purchase.
import { type Account, type Address, type Hex, keccak256, stringToHex, toHex } from "viem";
import { locationDigestOf, signingDomain, subscriberWallet } from "../src/datausage/subscriberSigning.ts";
import { ConsortiumRegistry, DataUsage, InsightsMarket, SettlementToken } from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

/** The consultations one batch stands for in the per-1,000 row (the agent's MAX_BATCH). */
export const DATAUSAGE_BATCH_SIZE = 10_000;

const h = (label: string): Hex => keccak256(stringToHex(label));
const terms = (label: string, secret: Hex) => ({
  nonce: h(`${label} nonce`),
  subjectFingerprint: h(`${label} subject`),
  dataFingerprint: h(`${label} data`),
  policyFingerprint: h(`${label} policy`),
  policyStructure: h("structure"),
  consentHash: h(`${label} consent`),
  revocationCommitment: keccak256(secret),
});

export async function measureDataUsage(chain: GasRecorder): Promise<void> {
  const controller = await chain.account("datausage controller");
  const first = await chain.account("datausage processor 1");
  const second = await chain.account("datausage processor 2");
  const bank = await chain.account("datausage bank");
  const buyer = await chain.account("datausage bundle buyer");
  const consortium = await chain.deploy(controller, {
    abi: ConsortiumRegistry.abi,
    bytecode: ConsortiumRegistry.bytecode,
    args: [
      [controller.address, first.address, second.address, bank.address, buyer.address],
      ["Controller", "Processor 1", "Processor 2", "Bank", "Bundle buyer"],
      // The consortium approved the three custodians of the subject's key below (KEY_CUSTODIAN).
      [[h("KEY_CUSTODIAN")], [h("KEY_CUSTODIAN")], [h("KEY_CUSTODIAN")], [h("SETTLEMENT_BANK")], []],
    ],
  });
  const usage = await chain.deploy(
    controller,
    { abi: DataUsage.abi, bytecode: DataUsage.bytecode, args: [consortium] },
    "DataUsage.deploy",
  );
  const on = { address: usage, abi: DataUsage.abi } as const;
  const secret = h("subject secret");
  const root = terms("root", secret);
  await chain.measure("DataUsage.create", controller, {
    ...on,
    functionName: "create",
    args: [root, 2, [first.address, second.address]],
  });
  const rootId = await chain.publicClient.readContract({
    ...on,
    functionName: "contractIdOf",
    args: [controller.address, root],
  });
  const child = terms("child", h("child secret"));
  await chain.measure("DataUsage.transfer", controller, {
    ...on,
    functionName: "transfer",
    args: [rootId, first.address, child],
  });
  const childId = await chain.publicClient.readContract({
    ...on,
    functionName: "childIdOf",
    args: [controller.address, rootId, first.address, child],
  });
  await chain.measure("DataUsage.transfer/depth 2", first, {
    ...on,
    functionName: "transfer",
    args: [childId, second.address, terms("grandchild", h("grandchild secret"))],
  });
  await chain.measure("DataUsage.recordConsultations", controller, {
    ...on,
    functionName: "recordConsultations",
    args: [h("consultation root"), DATAUSAGE_BATCH_SIZE],
  });
  await measureInsights(chain, { consortium, usage, consentId: rootId, controller, first, second, bank, buyer });
  await chain.measure("DataUsage.revoke", controller, { ...on, functionName: "revoke", args: [rootId, secret] });
}

async function measureInsights(
  chain: GasRecorder,
  at: {
    consortium: Address;
    usage: Address;
    consentId: Hex;
    controller: Account;
    first: Account;
    second: Account;
    bank: Account;
    buyer: Account;
  },
): Promise<void> {
  const token = await chain.deploy(at.bank, {
    abi: SettlementToken.abi,
    bytecode: SettlementToken.bytecode,
    args: [at.consortium, "EUR", 2],
  });
  const market = await chain.deploy(
    at.controller,
    { abi: InsightsMarket.abi, bytecode: InsightsMarket.bytecode, args: [at.consortium, at.usage, token] },
    "InsightsMarket.deploy",
  );
  const onToken = { address: token, abi: SettlementToken.abi } as const;
  for (const [buyer, ref] of [
    [at.first, "gas-1"],
    [at.second, "gas-2"],
    [at.buyer, "gas-3"],
  ] as const) {
    await chain.call(at.bank, {
      ...onToken,
      functionName: "mintOnFiatReceipt",
      args: [buyer.address, 100_00n, toHex(ref, { size: 32 })],
    });
    await chain.call(buyer, { ...onToken, functionName: "approve", args: [market, 100_00n] });
  }
  const on = { address: market, abi: InsightsMarket.abi } as const;
  const digest = h("salted insight digest");
  await chain.measure("InsightsMarket.offer", at.controller, {
    ...on,
    functionName: "offer",
    args: [at.consentId, h("insight nonce"), digest, 5_00n],
  });
  const insightId = await chain.publicClient.readContract({
    ...on,
    functionName: "insightIdOf",
    args: [at.controller.address, at.consentId, h("insight nonce"), digest],
  });
  // The subscriber (a fixed wallet key, no member) registers its key, accepts the insight and reads it once.
  const wallet = subscriberWallet(h("datausage gas subscriber key"));
  const domain = signingDomain(await chain.publicClient.getChainId(), market);
  await chain.measure("InsightsMarket.registerSubscriberKey", at.first, {
    ...on,
    functionName: "registerSubscriberKey",
    args: [at.consentId, wallet.publicKey, await wallet.signKey(domain, at.consentId)],
  });
  const answer = { insightId, accepted: true, locationDigest: locationDigestOf("agent"), deadline: 2n ** 40n };
  await chain.measure("InsightsMarket.answer", at.controller, {
    ...on,
    functionName: "answer",
    args: [insightId, true, answer.locationDigest, answer.deadline, await wallet.signAnswer(domain, answer)],
  });
  await chain.measure("InsightsMarket.recordReading", at.controller, {
    ...on,
    functionName: "recordReading",
    args: [insightId, h("reader fingerprint")],
  });
  const deliveryKey = `0x04${"ab".repeat(64)}` as Hex;
  await chain.measure("InsightsMarket.purchase", at.first, {
    ...on,
    functionName: "purchase",
    args: [insightId, "0x0000000000000000000000000000000000000000", 5_00n, deliveryKey],
  });
  await chain.measure("InsightsMarket.list", at.controller, {
    ...on,
    functionName: "list",
    args: [insightId, at.first.address, 8_00n, 2_500],
  });
  await chain.measure("InsightsMarket.purchase/broker", at.second, {
    ...on,
    functionName: "purchase",
    args: [insightId, at.first.address, 8_00n, deliveryKey],
  });
  // The subscriber entrusts the insight to a broker (the second member) with 70%; the broker bundles it; a third
  // member buys the bundle: the contract pays the subscriber's key and the broker.
  const entrustment = { insightId, broker: at.second.address, subscriberShareBps: 7_000, deadline: 2n ** 40n };
  await chain.measure("InsightsMarket.entrust", at.second, {
    ...on,
    functionName: "entrust",
    args: [insightId, at.second.address, 7_000, entrustment.deadline, await wallet.signEntrust(domain, entrustment)],
  });
  await chain.measure("InsightsMarket.createBundle", at.second, {
    ...on,
    functionName: "createBundle",
    args: [h("bundle nonce"), [insightId], 10_00n],
  });
  const bundleId = await chain.publicClient.readContract({
    ...on,
    functionName: "bundleIdOf",
    args: [at.second.address, h("bundle nonce"), [insightId]],
  });
  await chain.measure("InsightsMarket.purchaseBundle", at.buyer, {
    ...on,
    functionName: "purchaseBundle",
    args: [bundleId, 10_00n, deliveryKey],
  });
  // The subscriber shares the insight with a friend's registered key (the envelope stays off chain).
  const friend = subscriberWallet(h("datausage gas friend key"));
  await chain.measure("InsightsMarket.registerFriendKey", at.first, {
    ...on,
    functionName: "registerFriendKey",
    args: [friend.publicKey, await friend.signFriendKey(domain)],
  });
  const shared = { insightId, friendKey: friend.address, envelopeDigest: h("envelope"), deadline: 2n ** 40n };
  await chain.measure("InsightsMarket.share", at.first, {
    ...on,
    functionName: "share",
    args: [insightId, friend.address, shared.envelopeDigest, shared.deadline, await wallet.signShare(domain, shared)],
  });
  // Three custodians of the subject's key, two of which must attest its destruction.
  const custodians = [at.controller, at.first, at.second].sort((a, b) =>
    a.address.toLowerCase() < b.address.toLowerCase() ? -1 : 1,
  );
  await chain.measure("InsightsMarket.nameCustodians", at.controller, {
    ...on,
    functionName: "nameCustodians",
    args: [at.consentId, custodians.map((c) => c.address), 2],
  });
  await chain.measure("InsightsMarket.erase", at.controller, {
    ...on,
    functionName: "erase",
    args: [[insightId], h("erasure certificate")],
  });
  await chain.measure("InsightsMarket.requestErasure", at.controller, {
    ...on,
    functionName: "requestErasure",
    args: [at.consentId],
  });
  await chain.measure("InsightsMarket.attestErasure", custodians[0] as Account, {
    ...on,
    functionName: "attestErasure",
    args: [at.consentId, h("first destruction")],
  });
  await chain.measure("InsightsMarket.attestErasure/threshold", custodians[1] as Account, {
    ...on,
    functionName: "attestErasure",
    args: [at.consentId, h("second destruction")],
  });
}

/** docs/datausage.md's gas table (`gas` marks each operation used). */
export function dataUsageGasTable(figures: { gas(operation: string): number }): string {
  const n = (value: number) => Math.round(value).toLocaleString("en-US");
  const row = ([op, label]: [string, string]) => `| ${label} | ${n(figures.gas(op))} |`;
  const usage: Array<[string, string]> = [
    ["DataUsage.deploy", "DataUsage deployment"],
    ["DataUsage.create", "create (a subject's contract, two allowed processors)"],
    ["DataUsage.transfer", "transfer (controller to the first processor)"],
    ["DataUsage.transfer/depth 2", "transfer (first processor to the second)"],
    ["DataUsage.revoke", "revoke (the subject's secret)"],
    ["DataUsage.recordConsultations", "recordConsultations (one batch, any size)"],
  ];
  const insights: Array<[string, string]> = [
    ["InsightsMarket.deploy", "InsightsMarket deployment"],
    ["InsightsMarket.offer", "offer (an insight under a live subject contract)"],
    ["InsightsMarket.purchase", "purchase (direct: the price to the controller)"],
    ["InsightsMarket.list", "list (with a broker, its share)"],
    ["InsightsMarket.purchase/broker", "purchase through the broker (two payments split on chain)"],
    ["InsightsMarket.erase", "erase (one insight, the certificate's digest)"],
    ["InsightsMarket.registerSubscriberKey", "registerSubscriberKey (the subscriber's key, its signature checked)"],
    ["InsightsMarket.answer", "answer (the subscriber's signed accept, checked against its key)"],
    ["InsightsMarket.recordReading", "recordReading (one reading: the reader's fingerprint)"],
    ["InsightsMarket.entrust", "entrust (the subscriber's signed entrustment to a broker)"],
    ["InsightsMarket.createBundle", "createBundle (one entrusted insight)"],
    ["InsightsMarket.purchaseBundle", "purchaseBundle (one insight: the subscriber's key and the broker paid)"],
    ["InsightsMarket.registerFriendKey", "registerFriendKey (a friend's key, its signature checked)"],
    ["InsightsMarket.share", "share (the holder's signed share with a friend's key)"],
    ["InsightsMarket.nameCustodians", "nameCustodians (three custodians, threshold two)"],
    ["InsightsMarket.requestErasure", "requestErasure (opens the custodians' attestation)"],
    ["InsightsMarket.attestErasure", "attestErasure (one custodian, below the threshold)"],
    ["InsightsMarket.attestErasure/threshold", "attestErasure (the custodian reaching the threshold: Attested)"],
  ];
  const batch = figures.gas("DataUsage.recordConsultations");
  return [
    "| operation | gas |",
    "| --- | ---: |",
    ...usage.map(row),
    `| per 1,000 consultations in batches of ${n(DATAUSAGE_BATCH_SIZE)} | ${n(batch / (DATAUSAGE_BATCH_SIZE / 1000))} |`,
    `| per 1,000 consultations in batches of 1,000 | ${n(batch)} |`,
    ...insights.map(row),
  ].join("\n");
}
