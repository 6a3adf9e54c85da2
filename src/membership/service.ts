// Consortium membership for one member agent: governance writes go through the outbox from the member's
// governance account; reads come from the read model the indexer keeps (the chain decides, the read model answers).
import { type Address, encodeFunctionData, getAddress, type Hex, parseEventLogs } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { AccountSource, TxSender } from "../core/chain/types.ts";
import { invalidField, notFound } from "../core/errors/index.ts";
import { ConsortiumRegistry } from "../generated/contracts.ts";
import { PROPOSAL_KINDS, type ProposalKindName } from "./projection.ts";
import type { KeysetPage, MembershipReadModel, MemberView, ProposalView } from "./readModel.ts";
import { parseRole, roleName } from "./roles.ts";

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
  readModel: MembershipReadModel;
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

  /** Members, in admission order; `filter.role` is a role name or a 0x id. */
  listMembers(filter: { role?: string; active?: boolean }, page: KeysetPage<[number, string]>): Promise<MemberView[]> {
    const role = filter.role === undefined ? undefined : roleName(parseRole(filter.role));
    return this.#o.readModel.listMembers({ ...filter, ...(role === undefined ? {} : { role }) }, page);
  }

  /** The read model's view plus the proposed name and roles, which only the contract stores. */
  async getProposal(id: number): Promise<ProposalDetail> {
    const view = await this.#o.readModel.getProposal(id);
    const onChain = await this.#o.chain.readContract({
      address: this.#o.registry,
      abi: ConsortiumRegistry.abi,
      functionName: "proposal",
      args: [BigInt(id)],
    });
    return { ...view, name: onChain.name, roles: onChain.roles.map(roleName) };
  }

  /** Opens a proposal from this member's governance account; returns the proposal id once mined. */
  async propose(input: ProposeInput): Promise<{ proposalId: number; txHash: Hex }> {
    if (input.kind === "admit" && !input.name) throw invalidField("body.name", "is required when kind is admit");
    if (input.kind === "remove" && (input.name !== undefined || input.roles !== undefined)) {
      throw invalidField(input.name !== undefined ? "body.name" : "body.roles", "must be absent when kind is remove");
    }
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
   * Binds an account of this agent's keystore (e.g. an organisation's DID controller) to act for this member within
   * `roles` (none: it only identifies the member). The account consents to exactly that scope with an EIP-712
   * signature; the member sends the transaction.
   */
  async bindAccount(account: Address, roles: readonly string[] = []): Promise<{ txHash: Hex }> {
    const roleIds = roles.map((role, i) => {
      const id = parseRole(role);
      if (roleName(id) === "GOVERNOR") throw invalidField(`body.roles[${i}]`, "GOVERNOR cannot be delegated");
      return id;
    });
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
          { name: "roles", type: "bytes32[]" },
          { name: "nonce", type: "uint256" },
        ],
      },
      primaryType: "BindAccount",
      message: { member: this.#o.memberAccount, account, roles: roleIds, nonce },
    });
    return this.#call("bindAccount", [account, roleIds, signature], `membership.bindAccount ${account}`);
  }

  /**
   * Releases an account bound to this member (a retired DID controller, a key that left the agent). NOT_FOUND when
   * the chain has no binding of it to this member.
   */
  async unbindAccount(account: Address): Promise<{ txHash: Hex }> {
    const holder = await this.#o.chain.readContract({
      address: this.#o.registry,
      abi: ConsortiumRegistry.abi,
      functionName: "memberOf",
      args: [account],
    });
    if (getAddress(holder) !== getAddress(this.#o.memberAccount)) {
      throw notFound(`${account} is not bound to this member`);
    }
    return this.#call("unbindAccount", [account], `membership.unbindAccount ${account}`);
  }

  /**
   * Moves a binding to a rotated key: binds `next` with the scope `previous` had, then unbinds `previous`, so a
   * retired controller key keeps no authority. `previous` not bound to this member: `next` is bound with no roles.
   */
  async rebindAccount(previous: Address, next: Address): Promise<{ txHash: Hex }> {
    const read = <T>(functionName: "memberOf" | "bindingRoles") =>
      this.#o.chain.readContract({
        address: this.#o.registry,
        abi: ConsortiumRegistry.abi,
        functionName,
        args: [previous],
      }) as Promise<T>;
    const [holder, scope] = await Promise.all([read<Address>("memberOf"), read<readonly Hex[]>("bindingRoles")]);
    const ours = getAddress(holder) === getAddress(this.#o.memberAccount);
    const bound = await this.bindAccount(next, ours ? scope.map(roleName) : []);
    if (!ours) return bound;
    return this.#call("unbindAccount", [previous], `membership.unbindAccount ${previous} (rotated)`);
  }

  async #call(
    functionName: "approve" | "withdrawApproval" | "cancel" | "bindAccount" | "unbindAccount",
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
