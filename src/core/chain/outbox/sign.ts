// Transaction signing for the outbox: the same serialization and signature as viem's `account.signTransaction`,
// hashed with the WebAssembly Keccak, because batched writes are hundreds of kilobytes and viem's JS Keccak was
// the outbox's largest cost.
import { type Hex, type LocalAccount, parseSignature, serializeTransaction, type TransactionSerializable } from "viem";
import { keccak256 } from "../keccak.ts";

/** Signs `transaction` with `account`; returns the raw signed transaction. */
export async function signTransaction(account: LocalAccount, transaction: TransactionSerializable): Promise<Hex> {
  if (!account.sign) return account.signTransaction(transaction);
  const signature = await account.sign({ hash: keccak256(serializeTransaction(transaction)) });
  return serializeTransaction(transaction, parseSignature(signature));
}
