// Triggers from external data through a member's agent: registering an asset, setting a trigger on it (threshold of
// independent reporters, dispute window), reporting an observed fact, disputing and executing. The contract enforces
// every rule (FactTriggers.sol); its refusals reach the client as CHAIN_REVERTED naming the error. Fact keys and
// values are public observations (e.g. "field-17 flood gauge 2026-11", "flooded"), hashed to fixed-size keys.
import {
  type Address,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseEventLogs,
  stringToHex,
  type TransactionReceipt,
} from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import type { TxSender } from "../../core/chain/types.ts";
import { FactTriggers } from "../../generated/contracts.ts";
import { PkiError } from "../errors.ts";
import type { TriggerReadModel, TriggerState } from "./readModel.ts";

const abi = FactTriggers.abi;
const STATES = ["none", "open", "armed", "disputed", "executed"] as const;

export interface TriggerOptions {
  outbox: TxSender;
  chain: Pick<ChainClient, "readContract">;
  memberAccount: Address;
  address: Address;
  /** The projected triggers (lists); single triggers are read from the chain. */
  readModel: TriggerReadModel;
  sync: () => Promise<unknown>;
}

export interface CreateTriggerInput {
  assetId: Hex;
  fact: string;
  expectedValue: string;
  newHolder: Address;
  reporters: Address[];
  threshold: number;
  disputeWindowSeconds: number;
}

/** A public observation's fixed-size key. */
export const factHash = (text: string): Hex => keccak256(stringToHex(text));

export class TriggerService {
  readonly #o: TriggerOptions;

  constructor(options: TriggerOptions) {
    this.#o = options;
  }

  async registerAsset(salt: Hex) {
    const receipt = await this.#send("registerAsset", [salt], "asset");
    const [event] = parseEventLogs({ abi, eventName: "AssetRegistered", logs: receipt.logs });
    if (!event) throw new Error("registerAsset mined without AssetRegistered");
    return { assetId: event.args.assetId, holder: event.args.holder, txHash: receipt.transactionHash };
  }

  async asset(assetId: Hex) {
    const a = (await this.#read("asset", [assetId])) as { holder: Address; registrant: Address };
    if (/^0x0{40}$/.test(a.holder)) throw new PkiError("PKI_TRIGGER_NOT_FOUND", `no asset ${assetId} on the ledger`);
    return { assetId, holder: a.holder, registrant: a.registrant };
  }

  async create(input: CreateTriggerInput, salt: Hex) {
    const args = [
      input.assetId,
      factHash(input.fact),
      factHash(input.expectedValue),
      input.newHolder,
      input.reporters,
      input.threshold,
      input.disputeWindowSeconds,
      salt,
    ];
    const receipt = await this.#send("createTrigger", args, input.assetId);
    const [event] = parseEventLogs({ abi, eventName: "TriggerCreated", logs: receipt.logs });
    if (!event) throw new Error("createTrigger mined without TriggerCreated");
    return { ...(await this.trigger(event.args.triggerId)), txHash: receipt.transactionHash };
  }

  async report(triggerId: Hex, value: string) {
    const receipt = await this.#send("report", [triggerId, factHash(value)], triggerId);
    return { ...(await this.trigger(triggerId)), txHash: receipt.transactionHash };
  }

  async dispute(triggerId: Hex) {
    const receipt = await this.#send("dispute", [triggerId], triggerId);
    return { ...(await this.trigger(triggerId)), txHash: receipt.transactionHash };
  }

  async execute(triggerId: Hex) {
    const receipt = await this.#send("execute", [triggerId], triggerId);
    return { ...(await this.trigger(triggerId)), txHash: receipt.transactionHash };
  }

  async trigger(triggerId: Hex) {
    const t = (await this.#read("trigger", [triggerId])) as {
      assetId: Hex;
      holder: Address;
      newHolder: Address;
      threshold: number;
      matching: number;
      disputeWindow: number;
      firesAt: bigint;
      state: number;
    };
    if (t.state === 0) throw new PkiError("PKI_TRIGGER_NOT_FOUND", `no trigger ${triggerId} on the ledger`);
    const asset = await this.asset(t.assetId);
    return {
      triggerId,
      assetId: t.assetId,
      state: STATES[t.state] ?? "none",
      holder: t.holder,
      newHolder: t.newHolder,
      threshold: Number(t.threshold),
      matching: Number(t.matching),
      disputeWindowSeconds: Number(t.disputeWindow),
      firesAt: Number(t.firesAt),
      assetHolder: asset.holder,
    };
  }

  /** Triggers in ledger order from the read model (brought up to the chain's head first); `limit + 1` rows. */
  async list(filter: { state?: TriggerState; assetId?: Hex }, limit: number, after?: readonly [number, string]) {
    await this.#o.sync();
    return this.#o.readModel.list(filter, limit, after);
  }

  #read(functionName: string, args: readonly unknown[]): Promise<unknown> {
    return this.#o.chain.readContract({ address: this.#o.address, abi, functionName, args } as never);
  }

  async #send(functionName: string, args: readonly unknown[], subject: string): Promise<TransactionReceipt> {
    return this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.address,
      data: encodeFunctionData({ abi, functionName, args } as never),
      label: `pki.${functionName} ${subject}`,
    });
  }
}
