// Validator governance for one member agent: proposals and approvals through the outbox from the member's governance
// account, with the change id computed before sending (content + proposer + a random salt, as the contract derives it)
// and checked against the mined event; and the agent's own node's view of its signers.
import { randomBytes } from "node:crypto";
import { type Address, encodeFunctionData, getAddress, type Hex, parseEventLogs, toHex } from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import type { TxSender } from "../../core/chain/types.ts";
import { notFound } from "../../core/errors/index.ts";
import { ValidatorSet } from "../../generated/contracts.ts";
import type { ValidatorChangeView, ValidatorReadModel } from "./readModel.ts";

export const CHANGE_KINDS = ["add", "remove"] as const;
export type ChangeKindName = (typeof CHANGE_KINDS)[number];

export interface ProposeValidatorChange {
  kind: ChangeKindName;
  signer: Address;
  /** The member running the validator's node; default this member. */
  operator?: Address;
  votingPeriodSeconds?: number;
}

export interface EngineView {
  /** The node's signer set (clique_getSigners); null when the engine has no Clique API. */
  signers: Address[] | null;
  /** The node's own pending votes (clique_proposals): signer -> add (true) or remove (false). */
  votes: Record<string, boolean> | null;
}

export interface ValidatorServiceOptions {
  readModel: ValidatorReadModel;
  chain: ChainClient;
  sender: TxSender;
  validatorSet: Address;
  memberAccount: Address;
  syncReadModel?: () => Promise<unknown>;
}

const DEFAULT_VOTING_PERIOD = 7 * 24 * 3600;

export class ValidatorService {
  readonly #o: ValidatorServiceOptions;

  constructor(options: ValidatorServiceOptions) {
    this.#o = options;
  }

  async getChange(id: Hex): Promise<ValidatorChangeView> {
    const change = await this.#o.readModel.change(id);
    if (!change) throw notFound(`no validator change ${id}`);
    return change;
  }

  /** Proposes a change (this member must govern); answers the derived id, confirmed by the mined event. */
  async propose(input: ProposeValidatorChange): Promise<{ changeId: Hex; txHash: Hex }> {
    const kind = CHANGE_KINDS.indexOf(input.kind);
    const operator = input.operator ?? this.#o.memberAccount;
    const salt = toHex(randomBytes(32));
    const changeId = await this.#o.chain.readContract({
      address: this.#o.validatorSet,
      abi: ValidatorSet.abi,
      functionName: "changeIdOf",
      args: [this.#o.memberAccount, kind, input.signer, operator, salt],
    });
    const data = encodeFunctionData({
      abi: ValidatorSet.abi,
      functionName: "proposeChange",
      args: [kind, input.signer, operator, BigInt(input.votingPeriodSeconds ?? DEFAULT_VOTING_PERIOD), salt],
    });
    const receipt = await this.#send(data, `network.proposeValidatorChange ${input.kind} ${input.signer}`);
    const [proposed] = parseEventLogs({
      abi: ValidatorSet.abi,
      eventName: "ValidatorChangeProposed",
      logs: receipt.logs,
    });
    if (proposed?.args.id !== changeId)
      throw new Error(`proposeChange ${receipt.transactionHash} did not create the change ${changeId} it was sent for`);
    return { changeId, txHash: receipt.transactionHash };
  }

  async approve(id: Hex): Promise<{ txHash: Hex }> {
    const data = encodeFunctionData({ abi: ValidatorSet.abi, functionName: "approveChange", args: [id] });
    const receipt = await this.#send(data, `network.approveValidatorChange ${id}`);
    return { txHash: receipt.transactionHash };
  }

  /** What this agent's node says about its signers and its own pending votes. */
  async engine(): Promise<EngineView> {
    const ask = async <T>(method: string): Promise<T | null> => {
      try {
        // biome-ignore lint/suspicious/noExplicitAny: the clique_ namespace is outside viem's typed schema.
        return (await this.#o.chain.request({ method: method as any, params: [] as any })) as T;
      } catch {
        return null;
      }
    };
    const [signers, votes] = await Promise.all([
      ask<string[]>("clique_getSigners"),
      ask<Record<string, boolean>>("clique_proposals"),
    ]);
    return {
      signers: signers?.map((s) => getAddress(s)) ?? null,
      votes: votes ? Object.fromEntries(Object.entries(votes).map(([k, v]) => [k.toLowerCase(), v])) : null,
    };
  }

  async #send(data: Hex, label: string) {
    const receipt = await this.#o.sender.send({ from: this.#o.memberAccount, to: this.#o.validatorSet, data, label });
    await this.#o.syncReadModel?.();
    return receipt;
  }
}
