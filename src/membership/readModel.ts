// Queries over the membership read model (the tables membership's projection writes): the only SQL that reads them.
// Lists are keyset-paginated: each query takes the key of the last item of the previous page and returns up to
// `limit + 1` rows in key order (the extra row only says that another page exists).
import { type Address, getAddress, type Hex } from "viem";
import { notFound } from "../core/errors/index.ts";
import type { Queryable, SqlParam } from "../core/store/store.ts";
import type { ProposalKindName } from "./projection.ts";

export interface MemberView {
  address: Address;
  name: string;
  active: boolean;
  roles: string[];
  admittedBlock: number;
  removedBlock: number | null;
  /** How many accounts are bound to act for this member (listed by memberAccounts). */
  accountCount: number;
}

export interface MemberAccountView {
  account: Address;
  boundBlock: number;
  /** The binding's scope: the member roles this account may exercise (none: it only identifies the member). */
  roles: string[];
}

export interface MemberHistoryEntry {
  kind: string;
  detail: Record<string, unknown>;
  /** When the change took effect on the ledger (block time). */
  at: string | null;
  blockNumber: number;
  txHash: Hex;
  /** The event's key (transaction hash and log position): orders entries of one block. */
  eventKey: string;
}

export type ProposalState = "pending" | "executed" | "canceled" | "expired";

export interface ProposalView {
  id: number;
  kind: ProposalKindName;
  proposer: Address;
  member: Address;
  deadline: string;
  state: ProposalState;
  approvals: number;
  createdBlock: number;
  closedBlock: number | null;
}

export interface ApprovalView {
  governor: Address;
  blockNumber: number;
}

/** One page request as the read model takes it: the decoded cursor (the last key returned) and the page size. */
export interface KeysetPage<K extends readonly (string | number)[]> {
  limit: number;
  after: K | undefined;
}

export class MembershipReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Members in admission order (block, then address); key [admittedBlock, address]. */
  async listMembers(
    filter: { role?: string; active?: boolean },
    page: KeysetPage<[number, string]>,
  ): Promise<MemberView[]> {
    const where: string[] = [];
    const params: SqlParam[] = [];
    const param = (value: SqlParam) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.role !== undefined) {
      // roles is a JSON array of names or 0x ids: match the quoted element, with LIKE's wildcards escaped.
      const quoted = JSON.stringify(filter.role).replace(/[\\%_]/g, (c) => `\\${c}`);
      where.push(`m.roles LIKE ${param(`%${quoted}%`)} ESCAPE '\\'`);
    }
    if (filter.active !== undefined) where.push(`m.active = ${param(filter.active ? 1 : 0)}`);
    if (page.after) {
      const [block, address] = page.after;
      where.push(
        `(m.admitted_block > ${param(block)} OR (m.admitted_block = ${param(block)} AND m.address > ${param(address)}))`,
      );
    }
    const rows = await this.#db.query<MemberRow>(
      `SELECT m.*, (SELECT COUNT(*) FROM membership_accounts a WHERE a.member = m.address) AS account_count
       FROM membership_members m ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY m.admitted_block, m.address LIMIT ${param(page.limit + 1)}`,
      params,
    );
    return rows.map(toMemberView);
  }

  /**
   * Every member ever admitted, in admission order: for another domain that keeps members in memory (EIDL's prefix
   * index loads them once at agent start, then follows the registry's events). Not an API list: those are paged.
   */
  async allMembers(): Promise<MemberView[]> {
    const rows = await this.#db.query<MemberRow>(
      `SELECT m.*, (SELECT COUNT(*) FROM membership_accounts a WHERE a.member = m.address) AS account_count
       FROM membership_members m ORDER BY m.admitted_block, m.address`,
    );
    return rows.map(toMemberView);
  }

  /** A member, or undefined when the ledger never admitted it. */
  async findMember(address: Address): Promise<MemberView | undefined> {
    const row = await this.#db.one<MemberRow>(
      `SELECT m.*, (SELECT COUNT(*) FROM membership_accounts a WHERE a.member = m.address) AS account_count
       FROM membership_members m WHERE m.address = $1`,
      [address.toLowerCase()],
    );
    return row ? toMemberView(row) : undefined;
  }

  /** A member; NOT_FOUND when the ledger never admitted it. */
  async getMember(address: Address): Promise<MemberView> {
    const member = await this.findMember(address);
    if (!member) throw notFound(`no member ${address}`);
    return member;
  }

  /** The accounts bound to act for a member, by account; key [account]. NOT_FOUND for an unknown member. */
  async memberAccounts(address: Address, page: KeysetPage<[string]>): Promise<MemberAccountView[]> {
    await this.getMember(address);
    const [after] = page.after ?? [""];
    const rows = await this.#db.query<{ account: string; bound_block: number; roles: string }>(
      `SELECT account, bound_block, roles FROM membership_accounts WHERE member = $1 AND account > $2
       ORDER BY account LIMIT $3`,
      [address.toLowerCase(), after, page.limit + 1],
    );
    return rows.map((r) => ({
      account: getAddress(r.account),
      boundBlock: Number(r.bound_block),
      roles: JSON.parse(r.roles) as string[],
    }));
  }

  /** Everything that happened to a member, oldest first; key [blockNumber, eventKey]. NOT_FOUND for an unknown member. */
  async memberHistory(address: Address, page: KeysetPage<[number, string]>): Promise<MemberHistoryEntry[]> {
    const member = address.toLowerCase();
    const params: SqlParam[] = [member];
    let after = "";
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      after = "AND (block_number > $2 OR (block_number = $2 AND event_key > $3))";
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<{
      event_key: string;
      kind: string;
      detail: string;
      block_number: number;
      tx_hash: string;
      block_time: number | null;
    }>(
      `SELECT event_key, kind, detail, block_number, tx_hash, block_time FROM membership_history
       WHERE member = $1 ${after} ORDER BY block_number, event_key LIMIT $${params.length}`,
      params,
    );
    // No history at all: the ledger never mentioned this address (a proposal to admit it would count).
    if (rows.length === 0 && !page.after) throw notFound(`no member ${address}`);
    return rows.map((r) => ({
      kind: r.kind,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      at: r.block_time === null ? null : new Date(Number(r.block_time) * 1000).toISOString(),
      blockNumber: Number(r.block_number),
      txHash: r.tx_hash as Hex,
      eventKey: r.event_key,
    }));
  }

  /**
   * Proposals, newest first; key [id]. The state filter runs in SQL: "expired" is a pending proposal past its
   * deadline, so "pending" excludes those.
   */
  async listProposals(filter: { state?: ProposalState }, page: KeysetPage<[number]>): Promise<ProposalView[]> {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const where: string[] = [];
    const params: SqlParam[] = [];
    const param = (value: SqlParam) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.state === "pending") where.push(`state = 'pending' AND deadline > ${param(nowSeconds)}`);
    else if (filter.state === "expired") where.push(`state = 'pending' AND deadline <= ${param(nowSeconds)}`);
    else if (filter.state !== undefined) where.push(`state = ${param(filter.state)}`);
    if (page.after) where.push(`id < ${param(page.after[0])}`);
    const rows = await this.#db.query<ProposalRow>(
      `SELECT * FROM membership_proposals ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY id DESC LIMIT ${param(page.limit + 1)}`,
      params,
    );
    return rows.map(toProposalView);
  }

  /** A proposal as the read model knows it; NOT_FOUND when none has this id. */
  async getProposal(id: number): Promise<ProposalView> {
    const row = await this.#db.one<ProposalRow>(`SELECT * FROM membership_proposals WHERE id = $1`, [id]);
    if (!row) throw notFound(`no proposal ${id}`);
    return toProposalView(row);
  }

  /** The governors whose approval of a proposal stands, in the order they approved; key [blockNumber, governor]. */
  async proposalApprovals(id: number, page: KeysetPage<[number, string]>): Promise<ApprovalView[]> {
    await this.getProposal(id);
    const params: SqlParam[] = [id];
    let after = "";
    if (page.after) {
      params.push(page.after[0], page.after[1]);
      after = "AND (block_number > $2 OR (block_number = $2 AND governor > $3))";
    }
    params.push(page.limit + 1);
    const rows = await this.#db.query<{ governor: string; block_number: number }>(
      `SELECT governor, block_number FROM membership_approvals WHERE proposal_id = $1 ${after}
       ORDER BY block_number, governor LIMIT $${params.length}`,
      params,
    );
    return rows.map((r) => ({ governor: getAddress(r.governor), blockNumber: Number(r.block_number) }));
  }
}

interface MemberRow {
  address: string;
  name: string;
  active: number;
  roles: string;
  admitted_block: number;
  removed_block: number | null;
  account_count: number | bigint | string;
}

interface ProposalRow {
  id: number;
  kind: string;
  proposer: string;
  member: string;
  deadline: number;
  state: string;
  approvals: number;
  created_block: number;
  closed_block: number | null;
}

function toMemberView(row: MemberRow): MemberView {
  return {
    address: getAddress(row.address),
    name: row.name,
    active: Number(row.active) === 1,
    roles: JSON.parse(row.roles) as string[],
    admittedBlock: Number(row.admitted_block),
    removedBlock: row.removed_block === null ? null : Number(row.removed_block),
    accountCount: Number(row.account_count),
  };
}

function toProposalView(row: ProposalRow): ProposalView {
  const deadline = Number(row.deadline);
  const expired = row.state === "pending" && deadline * 1000 <= Date.now();
  return {
    id: Number(row.id),
    kind: row.kind as ProposalKindName,
    proposer: getAddress(row.proposer),
    member: getAddress(row.member),
    deadline: new Date(deadline * 1000).toISOString(),
    state: expired ? "expired" : (row.state as ProposalState),
    approvals: Number(row.approvals),
    createdBlock: Number(row.created_block),
    closedBlock: row.closed_block === null ? null : Number(row.closed_block),
  };
}
