// The roaming settlement domain's two ways of touching the ledger that every part (agreements, batches, invoices,
// netting) shares: a RoamingSettlement call sent through the member's outbox, its revert turned into a settlement
// error; and a read-model row read again once after a sync when absent (written a moment ago through another agent).
import { type Address, type ContractFunctionName, encodeFunctionData } from "viem";
import type { Outbox } from "../../core/chain/outbox/outbox.ts";
import { RoamingSettlement } from "../../generated/contracts.ts";
import type { RoamingSettlementReadModel } from "./readModel.ts";
import { settlementRevert } from "./reverts.ts";

/** A RoamingSettlement function that writes. */
export type SettlementWrite = ContractFunctionName<typeof RoamingSettlement.abi, "nonpayable">;

export interface SettlementWriter {
  outbox: Outbox;
  memberAccount: Address;
  /** RoamingSettlement's address. */
  address: Address;
}

/** What every part of the domain works with: the writer, the read model and a way to catch it up with the chain. */
export interface SettlementLedger extends SettlementWriter {
  readModel: RoamingSettlementReadModel;
  /** Indexes up to the chain's head now. */
  sync(): Promise<unknown>;
}

/** Sends one RoamingSettlement call and waits until it is mined; a revert comes back as a settlement error. */
export async function sendSettlement(
  o: SettlementWriter,
  functionName: SettlementWrite,
  args: readonly unknown[],
  label: string,
) {
  try {
    return await o.outbox.send({
      from: o.memberAccount,
      to: o.address,
      data: encodeFunctionData({ abi: RoamingSettlement.abi, functionName, args } as never),
      label,
    });
  } catch (error) {
    throw settlementRevert(error);
  }
}

/** `read()`, and once more after `sync()` when it found nothing. */
export async function readAfterSync<T>(
  read: () => Promise<T | undefined>,
  sync: () => Promise<unknown>,
): Promise<T | undefined> {
  const row = await read();
  if (row !== undefined) return row;
  await sync();
  return read();
}
