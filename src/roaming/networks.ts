// Network codes through governance: this operator claims a PLMN (and may declare MSIN ranges); other governors
// approve through their own agents; the OperatorRegistry executes the claim at a strict majority. Reads are the read
// model's (readModel.ts).
import { type Address, encodeFunctionData, type Hex, parseEventLogs } from "viem";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import { operatorRegistryAbi } from "./exchange.ts";
import { parsePlmn, plmnToBytes6 } from "./imsi.ts";

export class NetworkClaims {
  readonly #outbox: Outbox;
  readonly #me: Address;
  readonly #registry: Address;
  readonly #sync: () => Promise<unknown>;

  constructor(options: {
    outbox: Outbox;
    memberAccount: Address;
    registry: Address;
    sync(): Promise<unknown>;
  }) {
    this.#outbox = options.outbox;
    this.#me = options.memberAccount;
    this.#registry = options.registry;
    this.#sync = options.sync;
  }

  async claim(input: {
    plmn: string;
    msinRanges?: Array<{ first: string; last: string }>;
    votingPeriodSeconds?: number;
  }) {
    const plmn = parsePlmn(input.plmn, "body.plmn");
    const ranges = (input.msinRanges ?? []).map((r) => ({ first: BigInt(r.first), last: BigInt(r.last) }));
    const receipt = await this.#send(
      encodeFunctionData({
        abi: operatorRegistryAbi,
        functionName: "claimNetwork",
        args: [plmnToBytes6(plmn), ranges, BigInt(input.votingPeriodSeconds ?? 7 * 24 * 3600)],
      }),
      `roaming.claimNetwork ${plmn}`,
    );
    const [opened] = parseEventLogs({ abi: operatorRegistryAbi, eventName: "ClaimOpened", logs: receipt.logs });
    // A mined claimNetwork always emits ClaimOpened; without it the receipt is not the one sent, and no id is known.
    if (!opened)
      throw new Error(`claimNetwork ${plmn} mined in ${receipt.transactionHash} without a ClaimOpened event`);
    return { claimId: Number(opened.args.id), txHash: receipt.transactionHash };
  }

  async approve(id: number): Promise<{ txHash: Hex }> {
    const receipt = await this.#send(
      encodeFunctionData({ abi: operatorRegistryAbi, functionName: "approveClaim", args: [BigInt(id)] }),
      `roaming.approveClaim #${id}`,
    );
    return { txHash: receipt.transactionHash };
  }

  async #send(data: Hex, label: string) {
    const receipt = await this.#outbox.send({ from: this.#me, to: this.#registry, data, label });
    await this.#sync();
    return receipt;
  }
}
