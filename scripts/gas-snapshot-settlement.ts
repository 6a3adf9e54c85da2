// Gas of the settlement contracts: the settlement token's bank operations and a member's transfer.
import { type Account, keccak256, stringToHex, toHex } from "viem";
import { mnemonicToAccount } from "viem/accounts";
import { ConsortiumRegistry, SettlementToken } from "../src/generated/contracts.ts";
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
}
