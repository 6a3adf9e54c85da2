// Gas of the PKI contracts: an EV application through endorsement, issuance and revocation on the CertificateLedger,
// and a transparency-log checkpoint anchored and co-signed on the CertificateLog.
import { type Account, bytesToHex, keccak256, parseEventLogs, stringToHex, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { CertificateLedger, CertificateLog, ConsortiumRegistry } from "../src/generated/contracts.ts";
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
        [[role("TRUST_AUTHORITY")], [role("KYC_VETTER")], [role("NUMBERING_AUTHORITY")], [role("ENTERPRISE")]],
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
}
