// One settlement period between three operators (mno-north, mno-south, mno-east) on a real anvil devnet, from TAP
// file to paid balance: agreements both sides approve, TAP import, independent rating by both sides, batches
// anchored (salted Merkle roots) and confirmed after the home side recomputed the root, invoices, one record disputed
// by Merkle proof and settled by credit note, multilateral netting paid once in the settlement token.
// Negative cases: tampered batch, record outside the agreement's validity, invoice not matching the anchored
// batches, tampered record in a dispute, double payment.
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { after, before, describe, it } from "node:test";
import {
  type Abi,
  type Account,
  type Address,
  type Chain,
  createPublicClient,
  createWalletClient,
  defineChain,
  encodeAbiParameters,
  type Hex,
  http,
  keccak256,
  type PublicClient,
  stringToHex,
  toHex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import {
  ConsortiumRegistry,
  PaymentChannels,
  RoamingSettlement,
  SettlementToken,
} from "../../src/generated/contracts.ts";
import { Rater } from "../../src/settlement/rating/rate.ts";
import { SAMPLE_TARIFF, type Tariff } from "../../src/settlement/rating/tariff.ts";
import { importTap } from "../../src/settlement/tap/import.ts";
import { bytesSource } from "../../src/settlement/tap/reader.ts";
import { buildBatch, newBatchSalt, proofOf } from "../../src/settlement/usage/canonical.ts";
import type { UsageRecord } from "../../src/settlement/usage/record.ts";
import { type TestChain, testChain } from "../../testkit/index.ts";

const DIR = process.env.TAP3_TESTDATA ?? new URL("../fixtures/tap3", import.meta.url).pathname;
const role = (name: string) => keccak256(stringToHex(name));
// The TAP sample's events are on 2014-03-01/02; the agreements run for 2014 in 31-day periods.
const VALID_FROM = Date.UTC(2014, 2, 1) / 1000;
const VALID_TO = Date.UTC(2015, 0, 1) / 1000;
const PERIOD = 31 * 86_400;
const WINDOW = 7 * 86_400;
// EUR cents, like the settlement token.
const TARIFF: Tariff = { ...SAMPLE_TARIFF, decimals: 2 };
const TERMS = keccak256(stringToHex(JSON.stringify(TARIFF)));

type Name = "north" | "south" | "east";
// The devnet has a zero base fee and gas price (like the consortium network), so transactions carry no fee.
const NO_FEES = { maxFeePerGas: 0n, maxPriorityFeePerGas: 0n };

let chain: TestChain;
let publicClient: PublicClient;
let viemChain: Chain;
const accounts: Record<Name | "bank", Account> = {
  bank: privateKeyToAccount(generatePrivateKey()),
  north: privateKeyToAccount(generatePrivateKey()),
  south: privateKeyToAccount(generatePrivateKey()),
  east: privateKeyToAccount(generatePrivateKey()),
};
let token: Address;
let settlement: Address;

async function deploy(from: Account, artifact: { abi: Abi; bytecode: Hex }, args: unknown[]): Promise<Address> {
  const wallet = createWalletClient({ account: from, chain: viemChain, transport: http(chain.devnet.rpcUrl) });
  const hash = await wallet.deployContract({
    abi: artifact.abi,
    bytecode: artifact.bytecode,
    args,
    ...NO_FEES,
  } as never);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  if (!receipt.contractAddress) throw new Error("no contract deployed");
  return receipt.contractAddress;
}

/** Simulates (so a revert surfaces with its custom error), then sends and waits; returns the first event's id. */
async function send(from: Name | "bank", address: Address, abi: Abi, functionName: string, args: unknown[]) {
  const account = accounts[from];
  const { request } = await publicClient.simulateContract({ account, address, abi, functionName, args } as never);
  const wallet = createWalletClient({ account, chain: viemChain, transport: http(chain.devnet.rpcUrl) });
  const hash = await wallet.writeContract({ ...(request as object), ...NO_FEES } as never);
  const receipt = await publicClient.waitForTransactionReceipt({ hash });
  assert.equal(receipt.status, "success", `${functionName} mined`);
  return receipt.logs.find((l) => l.address.toLowerCase() === address.toLowerCase())?.topics[1] as Hex;
}

const onSettlement = (from: Name, fn: string, args: unknown[]) =>
  send(from, settlement, RoamingSettlement.abi as Abi, fn, args);

async function balance(who: Name): Promise<bigint> {
  return (await publicClient.readContract({
    address: token,
    abi: SettlementToken.abi as Abi,
    functionName: "balanceOf",
    args: [accounts[who].address],
  })) as bigint;
}

async function tapRecords(sender: string, recipient: string): Promise<UsageRecord[]> {
  const out: UsageRecord[] = [];
  for await (const r of importTap(bytesSource(readFileSync(`${DIR}/tap_3_12_valid.ber`)))) {
    out.push({ ...r, sender, recipient, ref: r.ref.replace("WERFD-XLKJE", `${sender}-${recipient}`) });
  }
  return out;
}

describe("settling a period between mno-north, mno-south and mno-east", () => {
  before(async () => {
    chain = await testChain("settlement");
    viemChain = defineChain({
      id: chain.devnet.chainId,
      name: "devnet",
      nativeCurrency: { name: "Ether", symbol: "ETH", decimals: 18 },
      rpcUrls: { default: { http: [chain.devnet.rpcUrl] } },
    });
    publicClient = createPublicClient({ chain: viemChain, transport: http(chain.devnet.rpcUrl) }) as PublicClient;
    const registry = await deploy(accounts.bank, ConsortiumRegistry as never, [
      [accounts.bank.address, accounts.north.address, accounts.south.address, accounts.east.address],
      ["Consortium Clearing Bank", "mno-north", "mno-south", "mno-east"],
      [[role("SETTLEMENT_BANK")], [role("MOBILE_OPERATOR")], [role("MOBILE_OPERATOR")], [role("MOBILE_OPERATOR")]],
    ]);
    token = await deploy(accounts.bank, SettlementToken as never, [registry, "EUR", 2]);
    const channels = await deploy(accounts.bank, PaymentChannels as never, [registry]);
    settlement = await deploy(accounts.bank, RoamingSettlement as never, [registry, channels]);
    for (const who of ["north", "south", "east"] as const) {
      await send("bank", token, SettlementToken.abi as Abi, "mintOnFiatReceipt", [
        accounts[who].address,
        1_000_00n,
        toHex(`fiat-${who}`, { size: 32 }),
      ]);
    }
  });
  after(async () => {
    await chain?.close();
  });

  it("runs the whole cycle and refuses every shortcut", async () => {
    // Agreements: each visited operator proposes, its home operator approves.
    const pairs: Array<[Name, Name]> = [
      ["north", "south"],
      ["south", "east"],
      ["east", "north"],
    ];
    const agreements = new Map<string, Hex>();
    for (const [visited, home] of pairs) {
      const id = await onSettlement(visited, "proposeAgreement", [
        accounts[visited].address,
        accounts[home].address,
        token,
        TERMS,
        BigInt(VALID_FROM),
        BigInt(VALID_TO),
        PERIOD,
        WINDOW,
        toHex(0, { size: 32 }),
      ]);
      await onSettlement(home, "approveAgreement", [id]);
      agreements.set(`${visited}-${home}`, id);
    }

    const rater = new Rater(TARIFF);
    const invoices: Hex[] = [];
    for (const [visited, home] of pairs) {
      const agreementId = agreements.get(`${visited}-${home}`) as Hex;
      // east's batch for north holds only the two calls, so the three bilateral amounts differ.
      const records = (await tapRecords(visited, home)).slice(0, visited === "east" ? 2 : undefined);
      // The visited side rates; on north's batch it overcharges the GPRS record by 50 cents.
      const visitedAmounts = records.map(
        (r) => rater.rate(r).amount + (visited === "north" && r.kind === "GPRS" ? 50 : 0),
      );
      const salt = newBatchSalt();
      const batch = buildBatch(records, visitedAmounts, salt);

      // Negative: a batch with an event before the agreement's validity is refused on chain.
      if (visited === "north") {
        const early = {
          ...(records[0] as UsageRecord),
          startLocal: "20140228235959",
          startUtc: "2014-02-28T21:59:59Z",
        };
        const outside = buildBatch([early], [1], salt);
        await assert.rejects(
          onSettlement(visited, "anchorBatch", [
            agreementId,
            outside.root,
            1,
            1n,
            BigInt(outside.firstEventAt),
            BigInt(outside.lastEventAt),
          ]),
          /OutsideAgreement/,
        );
      }

      const batchId = await onSettlement(visited, "anchorBatch", [
        agreementId,
        batch.root,
        batch.count,
        batch.total,
        BigInt(batch.firstEventAt),
        BigInt(batch.lastEventAt),
      ]);

      // The home side receives records, amounts and salt off chain and recomputes the root before confirming.
      // Negative: a tampered record (one second longer) does not give the anchored root.
      const tampered = records.map((r, i) => (i === 1 ? { ...r, durationSeconds: r.durationSeconds + 1 } : r));
      assert.notEqual(buildBatch(tampered, visitedAmounts, salt).root, batch.root, "tampered batch detected");
      assert.equal(buildBatch(records, visitedAmounts, salt).root, batch.root, "home recomputes the anchored root");
      await onSettlement(home, "confirmBatch", [batchId]);

      // Negative: an invoice that does not match the anchored batches.
      await assert.rejects(
        onSettlement(visited, "issueInvoice", [agreementId, 0n, [batchId], batch.total + 1n]),
        /InvoiceMismatch/,
      );
      const invoiceId = await onSettlement(visited, "issueInvoice", [agreementId, 0n, [batchId], batch.total]);

      // The home side rates independently and disputes every record where the figures differ.
      const homeAmounts = records.map((r) => rater.rate(r).amount);
      for (const [i, ours] of homeAmounts.entries()) {
        if (ours === visitedAmounts[i]) continue;
        const { digest, amount, proof } = proofOf(batch, i);
        // Negative: a dispute claiming another amount for the record has no valid proof.
        await assert.rejects(
          onSettlement(home, "disputeRecord", [invoiceId, batchId, digest, amount - 1n, proof, 3]),
          /InvalidRecordProof/,
        );
        const disputeId = await onSettlement(home, "disputeRecord", [invoiceId, batchId, digest, amount, proof, 3]);
        // The visited side checks the record, agrees, and issues a credit note for the difference.
        await onSettlement(visited, "answerDispute", [disputeId, amount - BigInt(ours)]);
      }
      await onSettlement(home, "acceptInvoice", [invoiceId]);
      await onSettlement(home, "finalizeInvoice", [invoiceId]);
      invoices.push(invoiceId);
    }

    // Multilateral netting: three bilateral debts become one payment (east to north); south's debt and claim cancel.
    const all = ["north", "south", "east"] as const;
    const before = await Promise.all(all.map(balance));
    // The first event is an invoice's InvoiceNetted; the round's id is derived from token, period and invoices.
    const netted = await onSettlement("east", "openNetting", [token, 0n, invoices]);
    assert.equal(netted, invoices[0]);
    const roundId = keccak256(
      encodeAbiParameters([{ type: "address" }, { type: "uint64" }, { type: "bytes32[]" }], [token, 0n, invoices]),
    );
    const position = async (who: Name) =>
      (
        (await publicClient.readContract({
          address: settlement,
          abi: RoamingSettlement.abi as Abi,
          functionName: "netPosition",
          args: [roundId, accounts[who].address],
        })) as [bigint, boolean]
      )[0];
    const [north, south, east] = (await Promise.all(all.map(position))) as [bigint, bigint, bigint];
    const gprs = BigInt(rater.rate((await tapRecords("x", "y"))[2] as UsageRecord).amount);
    const calls = BigInt((await tapRecords("x", "y")).slice(0, 2).reduce((s, r) => s + rater.rate(r).amount, 0));
    assert.equal(south, 0n, "south owes north what east owes south");
    assert.equal(north, -east, "the round balances");
    assert.equal(north, gprs + 5n, "north's net: the GPRS and supplementary records it charged south and east did not");
    assert.ok(calls > 0n);
    await assert.rejects(onSettlement("north", "claimNet", [roundId]), /RoundNotFunded/);
    await send("east", token, SettlementToken.abi as Abi, "approve", [settlement, -east]);
    await onSettlement("east", "payNet", [roundId]);
    // Negative: a second payment by the same member in the round.
    await assert.rejects(onSettlement("east", "payNet", [roundId]), /AlreadySettled/);
    await onSettlement("north", "claimNet", [roundId]);
    await assert.rejects(onSettlement("north", "claimNet", [roundId]), /AlreadySettled/);
    // Negative: the invoices cannot be netted (and so paid) a second time.
    await assert.rejects(onSettlement("north", "openNetting", [token, 1n, invoices]), /WrongState/);
    const after = await Promise.all(all.map(balance));
    assert.deepEqual(
      after.map((b, i) => b - (before[i] ?? 0n)),
      [north, 0n, east],
      "balances moved by the net positions, once",
    );
  });
});
