// Gas of the settlement contracts: the settlement token's bank operations and a member's transfer, and one roaming
// settlement period (agreement, batch, invoice, a disputed record credited, netting, payment), whose cost does not
// depend on how many records the batch holds.
import { StandardMerkleTree } from "@openzeppelin/merkle-tree";
import { type Account, type Hex, keccak256, stringToHex, type TransactionReceipt, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { ConsortiumRegistry, PaymentChannels, RoamingSettlement, SettlementToken } from "../src/generated/contracts.ts";
import { type ChannelState, NO_BATCH, typedState } from "../src/settlement/channels/state.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const role = (name: string) => keccak256(stringToHex(name));

export async function measureSettlement(chain: GasRecorder): Promise<void> {
  const anvilAccount = (addressIndex: number): Account => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
  const [bank, operatorA, operatorB] = [anvilAccount(0), anvilAccount(1), anvilAccount(2)];
  const registry = await chain.deploy(
    bank,
    {
      abi: ConsortiumRegistry.abi,
      bytecode: ConsortiumRegistry.bytecode,
      args: [
        [bank.address, operatorA.address, operatorB.address],
        ["Clearing Bank", "North Mobile", "South Mobile"],
        [[role("SETTLEMENT_BANK")], [role("MOBILE_OPERATOR")], [role("MOBILE_OPERATOR")]],
      ],
    },
    "ConsortiumRegistry.deploy/settlement",
  );
  const token = await chain.deploy(
    bank,
    { abi: SettlementToken.abi, bytecode: SettlementToken.bytecode, args: [registry, "EUR", 2] },
    "SettlementToken.deploy",
  );
  const onToken = { address: token, abi: SettlementToken.abi } as const;
  await chain.measure("SettlementToken.mintOnFiatReceipt", bank, {
    ...onToken,
    functionName: "mintOnFiatReceipt",
    args: [operatorA.address, 1_000_00n, toHex("receipt-1", { size: 32 })],
  });
  await chain.measure("SettlementToken.transfer", operatorA, {
    ...onToken,
    functionName: "transfer",
    args: [operatorB.address, 400_00n],
  });
  await chain.measure("SettlementToken.transfer/to bank", operatorB, {
    ...onToken,
    functionName: "transfer",
    args: [bank.address, 400_00n],
  });
  await chain.measure("SettlementToken.burnOnPayout", bank, {
    ...onToken,
    functionName: "burnOnPayout",
    args: [operatorB.address, 400_00n, toHex("payout-1", { size: 32 })],
  });
  await measureRoamingPeriod(chain, registry, token, bank, operatorA, operatorB);
  await measureChannels(chain, registry, token, bank, operatorA, operatorB);
}

/**
 * One payment channel's life on chain: open, both deposit, a stale unilateral close answered by a challenge, settle;
 * and a second channel closed cooperatively. Off-chain updates cost nothing here, however many there are.
 */
async function measureChannels(
  chain: GasRecorder,
  registry: Hex,
  token: Hex,
  bank: Account,
  a: Account,
  b: Account,
): Promise<void> {
  const onToken = { address: token, abi: SettlementToken.abi } as const;
  for (const [who, ref] of [
    [a, "channel-a"],
    [b, "channel-b"],
  ] as const) {
    await chain.call(bank, {
      ...onToken,
      functionName: "mintOnFiatReceipt",
      args: [who.address, 10_000n, toHex(ref, { size: 32 })],
    });
  }
  const address = await chain.deploy(
    bank,
    { abi: PaymentChannels.abi, bytecode: PaymentChannels.bytecode, args: [registry] },
    "PaymentChannels.deploy",
  );
  const on = { address, abi: PaymentChannels.abi } as const;
  for (const who of [a, b]) {
    await chain.call(who, { ...onToken, functionName: "approve", args: [address, 10_000n] });
  }
  const chainId = await chain.publicClient.getChainId();
  const sign = async (who: Account, state: ChannelState) => {
    if (!who.signTypedData) throw new Error("the account cannot sign typed data");
    return who.signTypedData(typedState(chainId, address, state));
  };
  const both = async (state: ChannelState) => [state, await sign(a, state), await sign(b, state)] as const;
  const open = async (salt: string, label?: string) => {
    const args = [b.address, token, toHex(salt, { size: 32 }), 3600] as const;
    const receipt = label
      ? await chain.measure(label, a, { ...on, functionName: "openChannel", args })
      : await chain.call(a, { ...on, functionName: "openChannel", args });
    return firstId(receipt);
  };
  const state = (channelId: Hex, version: bigint, balanceA: bigint, isFinal = false): ChannelState => ({
    channelId,
    version,
    balanceA,
    balanceB: 1500n - balanceA,
    depositA: 1000n,
    depositB: 500n,
    isFinal,
    batchId: NO_BATCH,
  });
  const id = await open("channel-1", "PaymentChannels.openChannel");
  await chain.measure("PaymentChannels.deposit/first", a, { ...on, functionName: "deposit", args: [id, 1000n] });
  await chain.measure("PaymentChannels.deposit/counterparty", b, { ...on, functionName: "deposit", args: [id, 500n] });
  await chain.measure("PaymentChannels.startClose", a, {
    ...on,
    functionName: "startClose",
    args: await both(state(id, 3n, 900n)),
  });
  await chain.measure("PaymentChannels.challenge", b, {
    ...on,
    functionName: "challenge",
    args: await both(state(id, 9n, 700n)),
  });
  await chain.setNextBlockTime((await chain.now()) + 3601n);
  await chain.measure("PaymentChannels.settle", b, { ...on, functionName: "settle", args: [id] });
  const second = await open("channel-2");
  await chain.call(a, { ...on, functionName: "deposit", args: [second, 1000n] });
  await chain.call(b, { ...on, functionName: "deposit", args: [second, 500n] });
  await chain.measure("PaymentChannels.closeCooperatively", b, {
    ...on,
    functionName: "closeCooperatively",
    args: await both(state(second, 42n, 600n, true)),
  });
}

/** The id a RoamingSettlement event carries as its first indexed topic. */
function firstId(receipt: TransactionReceipt): Hex {
  const id = receipt.logs[0]?.topics[1];
  if (!id) throw new Error("the call emitted no id");
  return id;
}

async function measureRoamingPeriod(
  chain: GasRecorder,
  registry: Hex,
  token: Hex,
  bank: Account,
  visited: Account,
  home: Account,
): Promise<void> {
  // RoamingSettlement checks channel-paid batches through a PaymentChannels deployment (not measured here)
  const channels = await chain.deploy(bank, {
    abi: PaymentChannels.abi,
    bytecode: PaymentChannels.bytecode,
    args: [registry],
  });
  const address = await chain.deploy(
    bank,
    { abi: RoamingSettlement.abi, bytecode: RoamingSettlement.bytecode, args: [registry, channels] },
    "RoamingSettlement.deploy",
  );
  const on = { address, abi: RoamingSettlement.abi } as const;
  await chain.call(bank, {
    address: token,
    abi: SettlementToken.abi,
    functionName: "mintOnFiatReceipt",
    args: [home.address, 1_000_00n, toHex("receipt-home", { size: 32 })],
  });
  const validFrom = 1_700_000_000n;
  const proposed = await chain.measure("RoamingSettlement.proposeAgreement", visited, {
    ...on,
    functionName: "proposeAgreement",
    args: [
      visited.address,
      home.address,
      token,
      keccak256(stringToHex("terms")),
      validFrom,
      validFrom + 10n ** 9n,
      10n ** 8n,
      30 * 86_400,
      toHex(0, { size: 32 }),
    ],
  });
  const agreementId = firstId(proposed);
  await chain.measure("RoamingSettlement.approveAgreement", home, {
    ...on,
    functionName: "approveAgreement",
    args: [agreementId],
  });
  const leaves: Array<[Hex, bigint]> = [1, 2, 3, 4].map((i) => [
    keccak256(stringToHex(`record ${i}`)),
    BigInt(i * 100),
  ]);
  const tree = StandardMerkleTree.of(leaves, ["bytes32", "uint256"]);
  const anchored = await chain.measure("RoamingSettlement.anchorBatch", visited, {
    ...on,
    functionName: "anchorBatch",
    args: [agreementId, tree.root as Hex, 4, 1000n, validFrom + 10n, validFrom + 20n],
  });
  const batchId = firstId(anchored);
  await chain.measure("RoamingSettlement.confirmBatch", home, { ...on, functionName: "confirmBatch", args: [batchId] });
  // a second batch, paid through the pair's payment channel: a co-signed state naming it takes it out of the invoice
  const second = firstId(
    await chain.call(visited, {
      ...on,
      functionName: "anchorBatch",
      args: [agreementId, keccak256(stringToHex("root 2")), 1, 300n, validFrom + 10n, validFrom + 20n],
    }),
  );
  await chain.call(home, { ...on, functionName: "confirmBatch", args: [second] });
  const onChannels = { address: channels, abi: PaymentChannels.abi } as const;
  const channelId = firstId(
    await chain.call(home, {
      ...onChannels,
      functionName: "openChannel",
      args: [visited.address, token, toHex("usage", { size: 32 }), 3600],
    }),
  );
  await chain.call(home, { address: token, abi: SettlementToken.abi, functionName: "approve", args: [channels, 500n] });
  await chain.call(home, { ...onChannels, functionName: "deposit", args: [channelId, 500n] });
  const chainId = await chain.publicClient.getChainId();
  const paying: ChannelState = {
    channelId,
    version: 1n,
    balanceA: 200n,
    balanceB: 300n,
    depositA: 500n,
    depositB: 0n,
    isFinal: false,
    batchId: second,
  };
  const signedBy = (who: Account) => {
    if (!who.signTypedData) throw new Error("the account cannot sign typed data");
    return who.signTypedData(typedState(chainId, channels, paying));
  };
  await chain.measure("RoamingSettlement.recordChannelPayment", home, {
    ...on,
    functionName: "recordChannelPayment",
    args: [paying, await signedBy(home), await signedBy(visited)],
  });
  const issued = await chain.measure("RoamingSettlement.issueInvoice", visited, {
    ...on,
    functionName: "issueInvoice",
    args: [agreementId, 0n, [batchId], 1000n],
  });
  const invoiceId = firstId(issued);
  const [digest, amount] = leaves[1] as [Hex, bigint];
  const disputed = await chain.measure("RoamingSettlement.disputeRecord", home, {
    ...on,
    functionName: "disputeRecord",
    args: [invoiceId, batchId, digest, amount, tree.getProof(1) as Hex[], 3],
  });
  await chain.measure("RoamingSettlement.answerDispute/credit note", visited, {
    ...on,
    functionName: "answerDispute",
    args: [firstId(disputed), 50n],
  });
  await chain.measure("RoamingSettlement.acceptInvoice", home, {
    ...on,
    functionName: "acceptInvoice",
    args: [invoiceId],
  });
  await chain.measure("RoamingSettlement.finalizeInvoice", home, {
    ...on,
    functionName: "finalizeInvoice",
    args: [invoiceId],
  });
  const opened = await chain.measure("RoamingSettlement.openNetting", home, {
    ...on,
    functionName: "openNetting",
    args: [token, 0n, [invoiceId]],
  });
  // openNetting emits InvoiceNetted per invoice first; NettingOpened (the round's id) comes last.
  const roundId = opened.logs.at(-1)?.topics[1];
  if (!roundId) throw new Error("openNetting emitted no round id");
  await chain.call(home, { address: token, abi: SettlementToken.abi, functionName: "approve", args: [address, 950n] });
  await chain.measure("RoamingSettlement.payNet", home, { ...on, functionName: "payNet", args: [roundId] });
  await chain.measure("RoamingSettlement.claimNet", visited, { ...on, functionName: "claimNet", args: [roundId] });
}
