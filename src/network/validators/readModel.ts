// Queries over the network domain's validator tables (the only code reading them).
import type { Address, Hex } from "viem";
import type { Store } from "../../core/store/index.ts";

export interface ValidatorView {
  signer: Address;
  operator: Address;
  changeId: Hex;
  addedBlock: number;
}

export interface ValidatorChangeView {
  id: Hex;
  kind: "add" | "remove";
  signer: Address;
  operator: Address;
  proposer: Address;
  deadline: number;
  /** As projected; a pending change past its deadline reads as expired. */
  status: "pending" | "executed" | "canceled" | "expired";
  approvals: number;
  proposedBlock: number;
  decidedBlock: number | null;
}

/** The latest executed decision about one signer: what every validator's node must apply. */
export interface ValidatorDecision {
  signer: Address;
  validator: boolean;
  changeId: Hex;
}

type ChangeRow = {
  id: string;
  kind: string;
  signer: string;
  operator: string;
  proposer: string;
  deadline: number | string;
  status: string;
  approvals: number | string;
  proposed_block: number | string;
  decided_block: number | string | null;
};

const changeView = (row: ChangeRow, nowSeconds: number): ValidatorChangeView => ({
  id: row.id as Hex,
  kind: row.kind as ValidatorChangeView["kind"],
  signer: row.signer as Address,
  operator: row.operator as Address,
  proposer: row.proposer as Address,
  deadline: Number(row.deadline),
  status:
    row.status === "pending" && Number(row.deadline) < nowSeconds
      ? "expired"
      : (row.status as ValidatorChangeView["status"]),
  approvals: Number(row.approvals),
  proposedBlock: Number(row.proposed_block),
  decidedBlock: row.decided_block === null ? null : Number(row.decided_block),
});

export class ValidatorReadModel {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  async validators(limit: number, after?: [string]): Promise<ValidatorView[]> {
    const rows = await this.#store.query<{ signer: string; operator: string; change_id: string; added_block: number }>(
      `SELECT signer, operator, change_id, added_block FROM network_validators WHERE signer > $1
       ORDER BY signer LIMIT $2`,
      [after?.[0] ?? "", limit + 1],
    );
    return rows.map((r) => ({
      signer: r.signer as Address,
      operator: r.operator as Address,
      changeId: r.change_id as Hex,
      addedBlock: Number(r.added_block),
    }));
  }

  /** Newest first. */
  async changes(
    limit: number,
    after?: [number, string],
    nowSeconds = Date.now() / 1000,
  ): Promise<ValidatorChangeView[]> {
    // Newest first: before the cursor's (block, id), or from the top without one.
    const [block, id] = after ?? [Number.MAX_SAFE_INTEGER, ""];
    const rows = await this.#store.query<ChangeRow>(
      `SELECT * FROM network_validator_changes
       WHERE proposed_block < $1 OR (proposed_block = $1 AND id < $2)
       ORDER BY proposed_block DESC, id DESC LIMIT $3`,
      [block, after ? id : "~", limit + 1],
    );
    return rows.map((r) => changeView(r, nowSeconds));
  }

  async change(id: Hex, nowSeconds = Date.now() / 1000): Promise<ValidatorChangeView | undefined> {
    const [row] = await this.#store.query<ChangeRow>(`SELECT * FROM network_validator_changes WHERE id = $1`, [
      id.toLowerCase(),
    ]);
    return row ? changeView(row, nowSeconds) : undefined;
  }

  async decisions(): Promise<ValidatorDecision[]> {
    const rows = await this.#store.query<{ signer: string; validator: number; change_id: string }>(
      `SELECT signer, validator, change_id FROM network_validator_decisions ORDER BY signer`,
    );
    return rows.map((r) => ({
      signer: r.signer as Address,
      validator: Number(r.validator) === 1,
      changeId: r.change_id as Hex,
    }));
  }
}
