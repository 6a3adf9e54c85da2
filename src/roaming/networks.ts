// Network codes through governance: this operator claims a PLMN (and may declare MSIN ranges); other governors
// approve through their own agents; the OperatorRegistry executes the claim at a strict majority. Reads come from
// the read model.
import { type Address, encodeFunctionData, type Hex, parseEventLogs } from "viem";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import type { Queryable } from "../core/store/store.ts";
import { operatorRegistryAbi } from "./exchange.ts";
import { parsePlmn, plmnToBytes6 } from "./imsi.ts";

export interface ClaimView {
  id: number;
  kind: string;
  plmn: string;
  operator: string;
  proposer: string;
  deadline: string;
  msinRanges: Array<{ first: string; last: string }>;
  state: string;
  approvals: number;
}

interface ClaimRow {
  id: number;
  kind: string;
  plmn: string;
  operator: string;
  proposer: string;
  deadline: number;
  msin_ranges: string;
  state: string;
  approvals: number;
}

export class NetworkClaims {
  readonly #db: Queryable;
  readonly #outbox: Outbox;
  readonly #me: Address;
  readonly #registry: Address;
  readonly #sync: () => Promise<unknown>;

  constructor(options: {
    db: Queryable;
    outbox: Outbox;
    memberAccount: Address;
    registry: Address;
    sync(): Promise<unknown>;
  }) {
    this.#db = options.db;
    this.#outbox = options.outbox;
    this.#me = options.memberAccount;
    this.#registry = options.registry;
    this.#sync = options.sync;
  }

  async list(state?: string): Promise<ClaimView[]> {
    const rows = await this.#db.query<ClaimRow>(`SELECT * FROM roaming_claims ORDER BY id DESC`);
    const now = Math.floor(Date.now() / 1000);
    return rows
      .map((r) => ({
        id: Number(r.id),
        kind: r.kind,
        plmn: r.plmn,
        operator: r.operator,
        proposer: r.proposer,
        deadline: new Date(Number(r.deadline) * 1000).toISOString(),
        msinRanges: JSON.parse(r.msin_ranges),
        state: r.state === "pending" && Number(r.deadline) < now ? "expired" : r.state,
        approvals: Number(r.approvals),
      }))
      .filter((c) => !state || c.state === state);
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
    return { claimId: Number(opened?.args.id ?? 0), txHash: receipt.transactionHash };
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
