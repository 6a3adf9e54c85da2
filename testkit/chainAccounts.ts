// Test AccountSource: fresh private keys, so each test's senders start with zero balance and nonce 0.
import type { Address, LocalAccount } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { AccountSource } from "../src/core/chain/types.ts";

export function keyring(
  keys: readonly `0x${string}`[] = [generatePrivateKey()],
): AccountSource & { addresses: Address[] } {
  const byAddress = new Map<string, LocalAccount>();
  for (const key of keys) {
    const account = privateKeyToAccount(key);
    byAddress.set(account.address.toLowerCase(), account);
  }
  return {
    addresses: [...byAddress.values()].map((a) => a.address),
    account(address: Address): LocalAccount {
      const account = byAddress.get(address.toLowerCase());
      if (!account) throw new Error(`no key for ${address}`);
      return account;
    },
  };
}
