// Consortium membership for one member agent: governance writes go through the outbox from the member's
// governance account; reads come from the read model the indexer keeps (the chain decides, the read model answers).
import { type Address, encodeFunctionData, getAddress, type Hex, parseEventLogs } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { AccountSource, TxSender } from "../core/chain/types.ts";
import type { Queryable } from "../core/store/store.ts";
import { ConsortiumRegistry } from "../generated/contracts.ts";
import { PROPOSAL_KINDS, type ProposalKindName } from "./projection.ts";
import { parseRole, roleName } from "./roles.ts";

export interface MemberView {
  address: Address;
  name: string;
  active: boolean;
  roles: string[];
  admittedBlock: number;
  removedBlock: number | null;
  accounts: Address[];
}

export interface MemberHistoryEntry {
  kind: string;
  detail: Record<string, unknown>;
  /** When the change took effect on the ledger (block time). */
  at: string | null;
  blockNumber: number;
  txHash: Hex;
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
  approvedBy: Address[];
  createdBlock: number;
  closedBlock: number | null;
}

export interface ProposalDetail extends ProposalView {
  name: string;
  roles: string[];
}

export interface ProposeInput {
  kind: ProposalKindName;
  member: Address;
  name?: string;
  roles?: string[];
  votingPeriodSeconds?: number;
}

export interface MembershipServiceOptions {
  db: Queryable;
  chain: ChainClient;
  sender: TxSender;
  accounts: AccountSource;
  registry: Address;
  /** This agent's member (governance) account. */
  memberAccount: Address;
  /** Brings the read model up to the chain head, so a read after a write sees the write. */
  syncReadModel?: () => Promise<unknown>;
}

const DEFAULT_VOTING_PERIOD = 7 * 24 * 3600;

export class MembershipService {
  readonly #o: MembershipServiceOptions;

  constructor(options: MembershipServiceOptions) {
    this.#o = options;
  }

  async listMembers(filter: { role?: string; active?: boolean } = {}): Promise<MemberView[]> {
    const rows = await this.#o.db.query<MemberRow>(`SELECT * FROM membership_members ORDER BY admitted_block, address`);
    const accounts = await this.#o.db.query<{ account: string; member: string }>(
      `SELECT account, member FROM membership_accounts ORDER BY account`,
    );
    return rows
      .map((row) => toMemberView(row, accounts))
      .filter((m) => (filter.role ? m.roles.includes(roleName(parseRole(filter.role))) : true))
      .filter((m) => (filter.active === undefined ? true : m.active === filter.active));
  }

  async getMember(address: Address): Promise<MemberView | undefined> {
    const row = await this.#o.db.one<MemberRow>(`SELECT * FROM membership_members WHERE address = $1`, [
      address.toLowerCase(),
    ]);
    if (!row) return undefined;
    const accounts = await this.#o.db.query<{ account: string; member: string }>(
      `SELECT account, member FROM membership_accounts WHERE member = $1 ORDER BY account`,
      [row.address],
    );
    return toMemberView(row, accounts);
  }

  async memberHistory(address: Address): Promise<MemberHistoryEntry[]> {
    const rows = await this.#o.db.query<{
      kind: string;
      detail: string;
      block_number: number;
      tx_hash: string;
      block_time: number | null;
    }>(
      `SELECT kind, detail, block_number, tx_hash, block_time FROM membership_history WHERE member = $1
       ORDER BY block_number, event_key`,
      [address.toLowerCase()],
    );
    return rows.map((r) => ({
      kind: r.kind,
      detail: JSON.parse(r.detail) as Record<string, unknown>,
      at: r.block_time === null ? null : new Date(Number(r.block_time) * 1000).toISOString(),
      blockNumber: Number(r.block_number),
      txHash: r.tx_hash as Hex,
    }));
  }

  async listProposals(filter: { state?: ProposalState } = {}): Promise<ProposalView[]> {
    const rows = await this.#o.db.query<ProposalRow>(`SELECT * FROM membership_proposals ORDER BY id DESC`);
    const approvals = await this.#o.db.query<{ proposal_id: number; governor: string }>(
      `SELECT proposal_id, governor FROM membership_approvals ORDER BY block_number, governor`,
    );
    return rows.map((r) => toProposalView(r, approvals)).filter((p) => !filter.state || p.state === filter.state);
  }

  /** The read model's view plus the proposed name and roles, which only the contract stores. */
  async getProposal(id: number): Promise<ProposalDetail | undefined> {
    const row = await this.#o.db.one<ProposalRow>(`SELECT * FROM membership_proposals WHERE id = $1`, [id]);
    if (!row) return undefined;
    const approvals = await this.#o.db.query<{ proposal_id: number; governor: string }>(
      `SELECT proposal_id, governor FROM membership_approvals WHERE proposal_id = $1 ORDER BY block_number, governor`,
      [id],
    );
    const onChain = await this.#o.chain.readContract({
      address: this.#o.registry,
      abi: ConsortiumRegistry.abi,
      functionName: "proposal",
      args: [BigInt(id)],
    });
    return { ...toProposalView(row, approvals), name: onChain.name, roles: onChain.roles.map(roleName) };
  }

  /** Opens a proposal from this member's governance account; returns the proposal id once mined. */
  async propose(input: ProposeInput): Promise<{ proposalId: number; txHash: Hex }> {
    const kind = PROPOSAL_KINDS.indexOf(input.kind);
    const data = encodeFunctionData({
      abi: ConsortiumRegistry.abi,
      functionName: "propose",
      args: [
        kind,
        getAddress(input.member),
        input.name ?? "",
        (input.roles ?? []).map(parseRole),
        BigInt(input.votingPeriodSeconds ?? DEFAULT_VOTING_PERIOD),
      ],
    });
    const receipt = await this.#send(data, `membership.propose ${input.kind} ${input.member}`);
    const [created] = parseEventLogs({ abi: ConsortiumRegistry.abi, logs: receipt.logs, eventName: "ProposalCreated" });
    if (!created) throw new Error(`propose transaction ${receipt.transactionHash} emitted no ProposalCreated event`);
    return { proposalId: Number(created.args.id), txHash: receipt.transactionHash };
  }

  async approve(id: number): Promise<{ txHash: Hex }> {
    return this.#call("approve", [BigInt(id)], `membership.approve #${id}`);
  }

  async withdrawApproval(id: number): Promise<{ txHash: Hex }> {
    return this.#call("withdrawApproval", [BigInt(id)], `membership.withdrawApproval #${id}`);
  }

  async cancel(id: number): Promise<{ txHash: Hex }> {
    return this.#call("cancel", [BigInt(id)], `membership.cancel #${id}`);
  }

  /**
   * Binds an account of this agent's keystore (e.g. an organisation's DID controller) to act for this member.
   * The account consents with an EIP-712 signature; the member sends the transaction.
   */
  async bindAccount(account: Address): Promise<{ txHash: Hex }> {
    const signer = this.#o.accounts.account(account);
    const nonce = await this.#o.chain.readContract({
      address: this.#o.registry,
      abi: ConsortiumRegistry.abi,
      functionName: "bindingNonce",
      args: [account],
    });
    const signature = await signer.signTypedData({
      domain: {
        name: "ConsortiumRegistry",
        version: "1",
        chainId: this.#o.chain.chain.id,
        verifyingContract: this.#o.registry,
      },
      types: {
        BindAccount: [
          { name: "member", type: "address" },
          { name: "account", type: "address" },
          { name: "nonce", type: "uint256" },
        ],
      },
      primaryType: "BindAccount",
      message: { member: this.#o.memberAccount, account, nonce },
    });
    return this.#call("bindAccount", [account, signature], `membership.bindAccount ${account}`);
  }

  async #call(
    functionName: "approve" | "withdrawApproval" | "cancel" | "bindAccount",
    args: readonly unknown[],
    label: string,
  ) {
    const data = encodeFunctionData({ abi: ConsortiumRegistry.abi, functionName, args } as Parameters<
      typeof encodeFunctionData
    >[0]);
    const receipt = await this.#send(data, label);
    return { txHash: receipt.transactionHash };
  }

  async #send(data: Hex, label: string) {
    const receipt = await this.#o.sender.send({ from: this.#o.memberAccount, to: this.#o.registry, data, label });
    await this.#o.syncReadModel?.();
    return receipt;
  }
}

interface MemberRow {
  address: string;
  name: string;
  active: number;
  roles: string;
  admitted_block: number;
  removed_block: number | null;
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

function toMemberView(row: MemberRow, accounts: Array<{ account: string; member: string }>): MemberView {
  return {
    address: getAddress(row.address),
    name: row.name,
    active: Number(row.active) === 1,
    roles: JSON.parse(row.roles) as string[],
    admittedBlock: Number(row.admitted_block),
    removedBlock: row.removed_block === null ? null : Number(row.removed_block),
    accounts: accounts.filter((a) => a.member === row.address).map((a) => getAddress(a.account)),
  };
}

function toProposalView(row: ProposalRow, approvals: Array<{ proposal_id: number; governor: string }>): ProposalView {
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
    approvedBy: approvals.filter((a) => Number(a.proposal_id) === Number(row.id)).map((a) => getAddress(a.governor)),
    createdBlock: Number(row.created_block),
    closedBlock: row.closed_block === null ? null : Number(row.closed_block),
  };
}
