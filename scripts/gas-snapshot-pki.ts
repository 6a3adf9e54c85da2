// Gas of the PKI contracts: an EV application through endorsement, issuance and revocation on the CertificateLedger,
// and a transparency-log checkpoint anchored and co-signed on the CertificateLog.
import { type Account, bytesToHex, keccak256, parseEventLogs, stringToHex, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import {
  CertificateLedger,
  CertificateLog,
  ConsortiumRegistry,
  DataOffers,
  FactTriggers,
  SettlementToken,
  TimestampLedger,
} from "../src/generated/contracts.ts";
import type { GasRecorder } from "./gas-snapshot-chain.ts";

const ANVIL_MNEMONIC = "test test test test test test test test test test test junk";
const role = (name: string) => keccak256(stringToHex(name));

/**
 * Fixed bytes of a real certificate's sizes (a P-256 CA certificate about 420 bytes, a leaf about 494, an SPKI 91):
 * calldata gas depends on every byte, and a real ECDSA signature differs on each run.
 */
const blob = (length: number, fill: number) => bytesToHex(new Uint8Array(length).fill(fill));

export async function measurePki(chain: GasRecorder): Promise<void> {
  const account = (addressIndex: number): Account => mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex });
  const [ta, kyc, numbering, brand] = [account(0), account(1), account(2), account(3)];
  const registry = await chain.deploy(
    ta,
    {
      abi: ConsortiumRegistry.abi,
      bytecode: ConsortiumRegistry.bytecode,
      args: [
        [ta.address, kyc.address, numbering.address, brand.address],
        ["Trust Authority", "KYC Vetter", "Numbering Authority", "Acme Bank"],
        // The trust authority also holds SETTLEMENT_BANK here, to mint the test euros data offers are paid in.
        [
          [role("TRUST_AUTHORITY"), role("SETTLEMENT_BANK")],
          [role("KYC_VETTER")],
          [role("NUMBERING_AUTHORITY")],
          [role("ENTERPRISE")],
        ],
      ],
    },
    "ConsortiumRegistry.deploy/pki",
  );
  const vouching = [role("KYC_VETTER"), role("NUMBERING_AUTHORITY"), role("TNSP")];
  const ledger = await chain.deploy(
    ta,
    {
      abi: CertificateLedger.abi,
      bytecode: CertificateLedger.bytecode,
      args: [registry, role("TRUST_AUTHORITY"), vouching, 2, 1, 2],
    },
    "CertificateLedger.deploy",
  );
  const log = await chain.deploy(
    ta,
    {
      abi: CertificateLog.abi,
      bytecode: CertificateLog.bytecode,
      args: [registry, role("TRUST_AUTHORITY"), vouching, 2],
    },
    "CertificateLog.deploy",
  );
  const onLedger = { address: ledger, abi: CertificateLedger.abi } as const;
  await chain.measure("CertificateLedger.setIssuingCa", ta, {
    ...onLedger,
    functionName: "setIssuingCa",
    args: [blob(420, 0x5a)],
  });
  const salt = toHex("salt-1", { size: 32 });
  const args = [2, true, "www.acme-bank.example", "Acme Bank", blob(91, 0x30), salt] as const;
  const filed = await chain.measure("CertificateLedger.fileApplication/EV", brand, {
    ...onLedger,
    functionName: "fileApplication",
    args,
  });
  const [event] = parseEventLogs({ abi: CertificateLedger.abi, eventName: "ApplicationFiled", logs: filed.logs });
  if (!event) throw new Error("fileApplication emitted no ApplicationFiled");
  const applicationId = event.args.id;
  await chain.measure("CertificateLedger.endorse/first", kyc, {
    ...onLedger,
    functionName: "endorse",
    args: [applicationId],
  });
  await chain.measure("CertificateLedger.endorse/second", numbering, {
    ...onLedger,
    functionName: "endorse",
    args: [applicationId],
  });
  await chain.measure("CertificateLedger.recordIssuance", ta, {
    ...onLedger,
    functionName: "recordIssuance",
    args: [applicationId, blob(494, 0x6b)],
  });
  await chain.measure("CertificateLedger.revoke", ta, {
    ...onLedger,
    functionName: "revoke",
    args: [applicationId, 1],
  });
  const onLog = { address: log, abi: CertificateLog.abi } as const;
  const root = keccak256(stringToHex("root"));
  await chain.measure("CertificateLog.anchorCheckpoint", ta, {
    ...onLog,
    functionName: "anchorCheckpoint",
    args: [1000n, root],
  });
  await chain.measure("CertificateLog.cosignCheckpoint/first", kyc, {
    ...onLog,
    functionName: "cosignCheckpoint",
    args: [1000n, root],
  });
  await chain.measure("CertificateLog.cosignCheckpoint/second", numbering, {
    ...onLog,
    functionName: "cosignCheckpoint",
    args: [1000n, root],
  });
  await measureProofOfExistence(chain, registry, { ta, kyc, numbering, brand });
}

/** Timestamps anchored, a data offer paid and accessed, a fact reported by 2 of 3 reporters moving an asset. */
async function measureProofOfExistence(
  chain: GasRecorder,
  registry: `0x${string}`,
  who: { ta: Account; kyc: Account; numbering: Account; brand: Account },
): Promise<void> {
  const { ta, kyc, numbering, brand } = who;
  const timestamps = await chain.deploy(
    ta,
    { abi: TimestampLedger.abi, bytecode: TimestampLedger.bytecode, args: [registry] },
    "TimestampLedger.deploy",
  );
  const dataRoot = keccak256(stringToHex("batch of 1,000 tile digests"));
  await chain.measure("TimestampLedger.anchorRoot", kyc, {
    address: timestamps,
    abi: TimestampLedger.abi,
    functionName: "anchorRoot",
    args: [dataRoot, 1000],
  });
  const eur = await chain.deploy(ta, {
    abi: SettlementToken.abi,
    bytecode: SettlementToken.bytecode,
    args: [registry, "EUR", 2],
  });
  const offers = await chain.deploy(
    ta,
    { abi: DataOffers.abi, bytecode: DataOffers.bytecode, args: [registry, timestamps, eur] },
    "DataOffers.deploy",
  );
  await chain.call(ta, {
    address: eur,
    abi: SettlementToken.abi,
    functionName: "mintOnFiatReceipt",
    args: [brand.address, 100_000n, keccak256(stringToHex("wire"))],
  });
  await chain.call(brand, {
    address: eur,
    abi: SettlementToken.abi,
    functionName: "approve",
    args: [offers, 100_000n],
  });
  const onOffers = { address: offers, abi: DataOffers.abi } as const;
  const query = keccak256(stringToHex("tile:31UDQ:2026-11-30"));
  const requested = await chain.measure("DataOffers.requestData/callForOffers", brand, {
    ...onOffers,
    functionName: "requestData",
    args: [query, toHex("request-1", { size: 32 })],
  });
  const [call] = parseEventLogs({ abi: DataOffers.abi, eventName: "CallForOffers", logs: requested.logs });
  if (!call) throw new Error("requestData emitted no CallForOffers");
  const offered = await chain.measure("DataOffers.makeOffer", kyc, {
    ...onOffers,
    functionName: "makeOffer",
    args: [call.args.requestId, 2_500n, dataRoot],
  });
  const [made] = parseEventLogs({ abi: DataOffers.abi, eventName: "OfferMade", logs: offered.logs });
  if (!made) throw new Error("makeOffer emitted no OfferMade");
  await chain.measure("DataOffers.pay", brand, { ...onOffers, functionName: "pay", args: [made.args.offerId] });
  await chain.measure("DataOffers.grantAccess", kyc, {
    ...onOffers,
    functionName: "grantAccess",
    args: [made.args.offerId, keccak256(stringToHex("grant"))],
  });

  const triggers = await chain.deploy(
    ta,
    { abi: FactTriggers.abi, bytecode: FactTriggers.bytecode, args: [registry] },
    "FactTriggers.deploy",
  );
  const onTriggers = { address: triggers, abi: FactTriggers.abi } as const;
  const registered = await chain.measure("FactTriggers.registerAsset", brand, {
    ...onTriggers,
    functionName: "registerAsset",
    args: [toHex("field-17", { size: 32 })],
  });
  const [asset] = parseEventLogs({ abi: FactTriggers.abi, eventName: "AssetRegistered", logs: registered.logs });
  if (!asset) throw new Error("registerAsset emitted no AssetRegistered");
  const flooded = keccak256(stringToHex("flooded"));
  // The buyer needs no membership; the three reporters are members other than the holder and the buyer.
  const buyer = mnemonicToAccount(ANVIL_MNEMONIC, { addressIndex: 9 }).address;
  const created = await chain.measure("FactTriggers.createTrigger/3reporters", brand, {
    ...onTriggers,
    functionName: "createTrigger",
    args: [
      asset.args.assetId,
      keccak256(stringToHex("field-17 2026-11")),
      flooded,
      buyer,
      [kyc.address, numbering.address, ta.address],
      2,
      60,
      toHex("trigger-1", { size: 32 }),
    ],
  });
  const [trigger] = parseEventLogs({ abi: FactTriggers.abi, eventName: "TriggerCreated", logs: created.logs });
  if (!trigger) throw new Error("createTrigger emitted no TriggerCreated");
  const id = trigger.args.triggerId;
  await chain.measure("FactTriggers.report/first", kyc, { ...onTriggers, functionName: "report", args: [id, flooded] });
  await chain.measure("FactTriggers.report/second", numbering, {
    ...onTriggers,
    functionName: "report",
    args: [id, flooded],
  });
  await chain.setNextBlockTime((await chain.now()) + 61n);
  await chain.measure("FactTriggers.execute", ta, { ...onTriggers, functionName: "execute", args: [id] });
}
