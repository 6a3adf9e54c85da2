// The in-memory decision index: every contract's parent, creation time and revocation from the read model, and the
// compiled policy of every contract this agent holds data under. Decisions read only this index (no SQL, no chain),
// which is what makes >= 50,000 decisions/s on one core (bench/datausage-decisions.bench.ts). Kept current from
// committed DataUsage events and reloaded after a rewind (plugin.ts).
import type { ChainEvent } from "../core/chain/indexer/indexer.ts";
import { type CompiledPolicy, compilePolicy, type Decision, type DecisionRequest } from "./compile.ts";
import type { OdrlPolicy } from "./odrl.ts";

interface Node {
  id: string;
  parent: string | null;
  createdAt: number;
  revoked: boolean;
}

export class DecisionIndex {
  #nodes = new Map<string, Node>();
  #policies = new Map<string, CompiledPolicy>();

  load(rows: readonly { id: string; parent: string | null; created_at: number; revoked_at: number }[]): void {
    const nodes = new Map<string, Node>();
    for (const r of rows)
      nodes.set(r.id, {
        id: r.id,
        parent: r.parent,
        createdAt: Number(r.created_at),
        revoked: Number(r.revoked_at) !== 0,
      });
    this.#nodes = nodes;
  }

  loadPolicies(rows: readonly { contract_id: string; policy: string }[]): void {
    for (const r of rows) this.#policies.set(r.contract_id, compilePolicy(JSON.parse(r.policy) as OdrlPolicy));
  }

  setPolicy(contractId: string, policy: OdrlPolicy): void {
    this.#policies.set(contractId.toLowerCase(), compilePolicy(policy));
  }

  apply(event: ChainEvent): void {
    const a = event.args;
    const id = String(a.id ?? "").toLowerCase();
    if (event.eventName === "ContractCreated" && !this.#nodes.has(id))
      this.#nodes.set(id, { id, parent: null, createdAt: event.blockTimestamp, revoked: false });
    else if (event.eventName === "ContractTransferred" && !this.#nodes.has(id))
      this.#nodes.set(id, {
        id,
        parent: String(a.parent).toLowerCase(),
        createdAt: event.blockTimestamp,
        revoked: false,
      });
    else if (event.eventName === "ContractRevoked") {
      const node = this.#nodes.get(id);
      if (node) node.revoked = true;
    }
  }

  /** Ids are lower case throughout the index, as the read model keeps them. */
  known(id: string): boolean {
    return this.#nodes.has(id);
  }

  /** The revoked contract nearest up the chain from `contractId`, undefined while none is. */
  revokedAncestor(contractId: string): string | undefined {
    let current: string | null = contractId;
    while (current !== null) {
      const node = this.#nodes.get(current);
      if (!node) return undefined;
      if (node.revoked) return current;
      current = node.parent;
    }
    return undefined;
  }

  #revokedFrom(node: Node): string | undefined {
    if (!node.revoked && node.parent === null) return undefined;
    return this.revokedAncestor(node.id);
  }

  /**
   * The policy's answer for a held contract (its id in lower case, as the read model keeps it); undefined when the
   * contract is unknown or its policy not held here.
   */
  decide(id: string, request: DecisionRequest): Decision | undefined {
    const node = this.#nodes.get(id);
    const policy = this.#policies.get(id);
    if (!node || !policy) return undefined;
    return policy(request, { createdAt: node.createdAt, revokedAncestor: this.#revokedFrom(node) });
  }
}
