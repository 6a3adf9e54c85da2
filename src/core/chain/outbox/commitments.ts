// What a sender's journalled transactions may still cost: on a network with fees, a new transaction is journalled
// only if the account's balance covers it on top of every transaction of the same account not yet mined. Without
// this, concurrent writes from one account each saw the whole balance, together overspent it, and the one the node
// then refused stayed journalled (retried at every pass) and held back the account's later nonces.
import { type Hex, parseTransaction } from "viem";

/** The most a signed transaction can cost its sender: gas limit times its fee cap (or gas price), plus its value. */
export function maxCostOf(rawTx: Hex): bigint {
  const tx = parseTransaction(rawTx);
  const price = tx.maxFeePerGas ?? tx.gasPrice ?? 0n;
  return (tx.gas ?? 0n) * price + (tx.value ?? 0n);
}

/** Per sender, each unsettled entry's maximum cost. Loaded from the journal once per sender, then kept in step. */
export class Commitments {
  readonly #bySender = new Map<string, Map<string, bigint>>();

  isLoaded(sender: string): boolean {
    return this.#bySender.has(sender.toLowerCase());
  }

  /** The journal's unsettled entries of `sender` (entries recorded since keep their own amounts). */
  load(sender: string, entries: ReadonlyArray<{ id: string; rawTx: Hex }>): void {
    const costs = this.#costs(sender);
    for (const entry of entries) if (!costs.has(entry.id)) costs.set(entry.id, maxCostOf(entry.rawTx));
  }

  /** An entry journalled, or signed again (a fee bump, a new nonce): what it may cost now. */
  record(sender: string, id: string, rawTx: Hex): void {
    this.#costs(sender).set(id, maxCostOf(rawTx));
  }

  /** An entry mined (or reverted: its gas is spent and the balance shows it). */
  release(sender: string, id: string): void {
    this.#bySender.get(sender.toLowerCase())?.delete(id);
  }

  /** Sum and count of what the sender's unsettled entries may still cost. */
  of(sender: string): { wei: bigint; count: number } {
    let wei = 0n;
    const costs = this.#bySender.get(sender.toLowerCase());
    for (const cost of costs?.values() ?? []) wei += cost;
    return { wei, count: costs?.size ?? 0 };
  }

  /** Forgets everything: the journal is read again per sender (after a recovery changed which entries are open). */
  clear(): void {
    this.#bySender.clear();
  }

  #costs(sender: string): Map<string, bigint> {
    const key = sender.toLowerCase();
    let costs = this.#bySender.get(key);
    if (!costs) {
      costs = new Map();
      this.#bySender.set(key, costs);
    }
    return costs;
  }
}
