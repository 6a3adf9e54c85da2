// Number-port clearing logic (PortClearing): the gaining provider requests, the losing provider concurs, refuses or
// disputes, the gaining provider schedules, activates or cancels. Writes go through the outbox (simulated first, so
// a refusal is the contract's named error and nothing is journalled); the contract checks which provider may take
// each step and in which state. A port id is computed before sending from content and creator and checked against
// the mined event. Activation answers once the EIDL ledger shows the numbers at the gaining provider (the Numbering
// Authority's agent executes the EIDL port on seeing PortActivated: executor.ts), or when the wait runs out.
import { randomBytes } from "node:crypto";
import {
  type Address,
  decodeErrorResult,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseEventLogs,
} from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import { TxRevertedError } from "../../core/chain/errors.ts";
import type { TxSender } from "../../core/chain/types.ts";
import type { EidlFacts, EidlPorts } from "../../eidl/published.ts";
import { PortClearing } from "../../generated/contracts.ts";
import { invalidRegistriesInput, RegistriesError } from "../errors.ts";
import { E164_LIMIT, expandRange, numbersDigestOf, type PortRange, wholeBlocksOf } from "./numbers.ts";
import type { PortReadModel, PortView } from "./readModel.ts";

/** PortClearing.MAX_NUMBERS_PER_PORT: a bulk port (a list or a range) is one request. */
export const MAX_NUMBERS_PER_PORT = 1000;
/** PortClearing.MAX_BATCH: most ports one batch activation carries. */
export const MAX_BATCH = 500;
/** PortClearing's concurrence window bounds (seconds) and the default the API uses. */
export const MIN_CONCUR_WINDOW = 3600;
export const MAX_CONCUR_WINDOW = 10 * 24 * 3600;
export const DEFAULT_CONCUR_WINDOW = 24 * 3600;
/** PortClearing.ACTIVATION_WINDOW: how long after its scheduled time a port may still be activated. */
export const ACTIVATION_WINDOW = 24 * 3600;
/** A schedule "now" is this many seconds ahead of the chain's clock, so the scheduling block is not already past it. */
const SCHEDULE_LEAD_SECONDS = 2;

export type PortStep = "concur" | "activate" | "cancel" | "resolveConflict";

export interface PortServiceOptions {
  sender: TxSender;
  chain: ChainClient;
  clearing: Address;
  memberAccount: Address;
  chainId: number;
  readModel: PortReadModel;
  eidl: EidlFacts;
  eidlPorts: EidlPorts;
  sync(): Promise<unknown>;
}

export interface PortOutcome {
  port: PortView;
  txHash: Hex;
}

/** How long an activation waits for a near scheduled time to be reached by the chain's clock. */
const DUE_WAIT_MS = 15_000;

export class PortService {
  readonly #o: PortServiceOptions;

  constructor(options: PortServiceOptions) {
    this.#o = options;
  }

  /**
   * The gaining side (this member) requests the port of `numbers` (E.164 numbers), or of `range`, from `losing`.
   * Exactly one of the two; a number named twice, or a range leaving E.164, names its field.
   */
  async request(input: {
    losing: Address;
    numbers?: string[];
    range?: PortRange;
    concurWindowSeconds?: number;
  }): Promise<PortOutcome> {
    const { numbers, range } = input;
    if ((numbers === undefined) === (range === undefined)) {
      throw invalidRegistriesInput(numbers ? "body.range" : "body.numbers", "give either numbers or range, not both");
    }
    let listed: string[];
    if (numbers) {
      const seen = numbers.findIndex((n, i) => numbers.indexOf(n) !== i);
      if (seen !== -1) throw invalidRegistriesInput(`body.numbers[${seen}]`, `${numbers[seen]} is named twice`);
      listed = numbers;
    } else {
      const r = range as PortRange;
      const last = BigInt(r.start) + BigInt(r.count - 1) * BigInt(r.step);
      if (last >= E164_LIMIT) throw invalidRegistriesInput("body.range.count", `runs past 15 digits (to ${last})`);
      listed = expandRange(r);
    }
    const window = BigInt(input.concurWindowSeconds ?? DEFAULT_CONCUR_WINDOW);
    const salt = `0x${randomBytes(32).toString("hex")}` as Hex;
    const portId = this.portIdOf(input.losing, listed, salt);
    const data = range
      ? encodeFunctionData({
          abi: PortClearing.abi,
          functionName: "requestRange",
          args: [input.losing, BigInt(range.start), range.count, BigInt(range.step), window, salt],
        })
      : encodeFunctionData({
          abi: PortClearing.abi,
          functionName: "request",
          args: [input.losing, listed.map(BigInt), window, salt],
        });
    const receipt = await this.#o.sender.send({
      from: this.#o.memberAccount,
      to: this.#o.clearing,
      data,
      label: `registries.port request ${listed.length} numbers from ${input.losing}`,
    });
    const [event] = parseEventLogs({
      abi: PortClearing.abi,
      eventName: range ? "PortRangeRequested" : "PortRequested",
      logs: receipt.logs,
    });
    if (event?.args.portId.toLowerCase() !== portId.toLowerCase()) {
      throw new Error(`${receipt.transactionHash} mined without the request event of port ${portId}`);
    }
    return { port: await this.#synced(portId), txHash: receipt.transactionHash };
  }

  /**
   * The gaining side activates several scheduled ports in one transaction (PortClearing.activateBatch), all or
   * nothing: a refused item answers CHAIN_REVERTED `BatchItemRefused(index, portId, <the item's own error>)`.
   */
  async activateBatch(portIds: Hex[]): Promise<{ ports: PortView[]; txHash: Hex }> {
    const seen = portIds.findIndex((id, i) => portIds.findIndex((o) => o.toLowerCase() === id.toLowerCase()) !== i);
    if (seen !== -1) throw invalidRegistriesInput(`body.portIds[${seen}]`, `${portIds[seen]} is named twice`);
    await this.#o.sync();
    for (const [i, id] of portIds.entries()) {
      const port = await this.#o.readModel.port(id);
      if (!port)
        throw new RegistriesError("REGISTRIES_PORT_NOT_FOUND", `no port ${id}`, { field: `body.portIds[${i}]` });
      await this.#awaitDue(port);
    }
    const label = `registries.port activateBatch ${portIds.length} ports`;
    let receipt: Awaited<ReturnType<TxSender["send"]>>;
    try {
      receipt = await this.#o.sender.send({
        from: this.#o.memberAccount,
        to: this.#o.clearing,
        data: encodeFunctionData({ abi: PortClearing.abi, functionName: "activateBatch", args: [portIds] }),
        label,
      });
    } catch (error) {
      throw batchItemNamed(error, label);
    }
    await this.#o.sync();
    return {
      ports: await Promise.all(portIds.map((id) => this.port(id))),
      txHash: receipt.transactionHash,
    };
  }

  /** A step without arguments: concur (losing), activate or cancel (gaining), resolveConflict (losing). */
  async step(portId: Hex, step: PortStep): Promise<PortOutcome> {
    const port = await this.#current(portId);
    if (step === "activate") await this.#awaitDue(port);
    return this.#send(portId, step, [portId]);
  }

  /** The losing side refuses (Requested) or disputes (Concurred, Scheduled) with a reason code. */
  async withReason(portId: Hex, step: "refuse" | "conflict", reason: number): Promise<PortOutcome> {
    await this.#current(portId);
    return this.#send(portId, step, [portId, reason]);
  }

  /** The gaining side schedules activation at `activateAt` (ISO 8601); absent: now, by the chain's clock. */
  async schedule(portId: Hex, activateAt?: string): Promise<PortOutcome> {
    await this.#current(portId);
    let at: number;
    if (activateAt === undefined) {
      const chainNow = Number((await this.#o.chain.getBlock({ blockTag: "latest" })).timestamp);
      at = Math.max(chainNow, Math.floor(Date.now() / 1000)) + SCHEDULE_LEAD_SECONDS;
    } else {
      at = Math.floor(new Date(activateAt).getTime() / 1000);
      if (!Number.isFinite(at)) throw invalidRegistriesInput("body.activateAt", "is not a date-time");
    }
    return this.#send(portId, "schedule", [portId, BigInt(at)]);
  }

  /**
   * Whether the EIDL ledger (this agent's EIDL facts) shows every number (every whole block, as the executor ports
   * them) of an activated port held by the gaining provider's TNSP organisation through an allocation exactly on it:
   * the EIDL port is done.
   */
  async eidlPorted(port: PortView): Promise<boolean> {
    if (port.state !== "activated") return false;
    const gaining = await this.#o.eidlPorts.providerOrganisationOf(port.gaining);
    if (gaining === undefined) return false;
    const now = Math.floor(Date.now() / 1000);
    return wholeBlocksOf(port.numbers).every((n) => {
      const fact = this.#o.eidl.grantForUse(n, gaining, now);
      return fact?.kind === "Allocation" && fact.prefix === n;
    });
  }

  /** Waits up to `seconds` for the EIDL port of an activated port (polling this agent's facts). */
  async awaitEidlPort(portId: Hex, seconds: number): Promise<boolean> {
    const until = Date.now() + seconds * 1000;
    for (;;) {
      await this.#o.sync();
      if (await this.eidlPorted(await this.port(portId))) return true;
      if (Date.now() >= until) return false;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }

  /** A port from the read model, or REGISTRIES_PORT_NOT_FOUND naming params.portId. */
  async port(portId: string): Promise<PortView> {
    const port = await this.#o.readModel.port(portId);
    if (!port) throw new RegistriesError("REGISTRIES_PORT_NOT_FOUND", `no port ${portId}`, { field: "params.portId" });
    return port;
  }

  /** `PortClearing`'s port id for a request by this member, computed locally. */
  portIdOf(losing: Address, numbers: readonly string[], salt: Hex): Hex {
    const digest = numbersDigestOf(numbers);
    return keccak256(
      encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "address" },
          { type: "address" },
          { type: "address" },
          { type: "bytes32" },
          { type: "bytes32" },
        ],
        [BigInt(this.#o.chainId), this.#o.clearing, this.#o.memberAccount, losing, digest, salt],
      ),
    );
  }

  // The port as the chain has it now: the other provider's last step may have been mined a moment ago.
  async #current(portId: Hex): Promise<PortView> {
    await this.#o.sync();
    return this.port(portId);
  }

  // The chain's clock must reach the scheduled time before activation (the contract compares block.timestamp and
  // refuses it earlier): when it is near (a schedule "now"), wait until the latest block's timestamp has reached it,
  // so the activation's block cannot be earlier. The wall clock alone is not enough: a devnet's block timestamps may
  // run behind it (seen in CI: NotYetDue by a second).
  async #awaitDue(port: PortView): Promise<void> {
    if (port.state !== "scheduled" || port.activateAt === null) return;
    const due = Math.floor(new Date(port.activateAt).getTime() / 1000);
    if (due * 1000 - Date.now() > DUE_WAIT_MS) return;
    const giveUp = Date.now() + DUE_WAIT_MS;
    let latest = await this.#o.chain.getBlock({ blockTag: "latest" });
    let seenAt = Date.now();
    while (Number(latest.timestamp) < due && Date.now() < giveUp) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      const next = await this.#o.chain.getBlock({ blockTag: "latest" });
      if (next.number !== latest.number) {
        latest = next;
        seenAt = Date.now();
      } else if (Date.now() - seenAt > 1_500 && Date.now() >= due * 1000) {
        // No block for a while: the chain mines on demand (automine), and the activation's own block takes the
        // wall clock, which has reached the scheduled time.
        return;
      }
    }
  }

  async #send(
    portId: Hex,
    functionName: PortStep | "refuse" | "conflict" | "schedule",
    args: readonly unknown[],
  ): Promise<PortOutcome> {
    const receipt = await this.#o.sender.send({
      from: this.#o.memberAccount,
      to: this.#o.clearing,
      data: encodeFunctionData({ abi: PortClearing.abi, functionName, args } as Parameters<
        typeof encodeFunctionData
      >[0]),
      label: `registries.port ${functionName} ${portId}`,
    });
    return { port: await this.#synced(portId), txHash: receipt.transactionHash };
  }

  async #synced(portId: Hex): Promise<PortView> {
    await this.#o.sync();
    return this.port(portId);
  }
}

// A refused batch item names the item's own error (decoded), not only its ABI-encoded bytes.
function batchItemNamed(error: unknown, label: string): unknown {
  if (!(error instanceof TxRevertedError) || error.errorName !== "BatchItemRefused") return error;
  const [index, portId, reason] = error.errorArgs as [bigint, Hex, Hex];
  let inner = reason;
  try {
    const decoded = decodeErrorResult({ abi: PortClearing.abi, data: reason });
    inner = `${decoded.errorName}(${(decoded.args ?? []).map(String).join(", ")})` as Hex;
  } catch {
    // left as the raw bytes
  }
  return new TxRevertedError(label, "BatchItemRefused", [index, portId, inner], error.data);
}
