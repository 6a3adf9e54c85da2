// Device register logic: report devices (by IMEI, keyed-hashed here, or by keyed hash), clear them, withdraw a
// report, and answer "is this device blocked?". Writes go through the outbox; the contract enforces who may do what
// (an operator reports, only the reporter changes its report), so a refusal is the contract's named error. Each report
// id is computed before sending from content and creator and checked against the mined event.
import { randomBytes } from "node:crypto";
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseEventLogs,
  type TransactionReceipt,
} from "viem";
import type { TxSender } from "../core/chain/types.ts";
import { DeviceRegistry } from "../generated/contracts.ts";
import type { BlockedDevices } from "./blockedDevices.ts";
import { RegistriesError } from "./errors.ts";
import type { ConsortiumKey } from "./keys.ts";
import { DEVICE_STATUSES, type DeviceStatusName, packDevices } from "./projection.ts";
import type { DeviceBlockView, DeviceReadModel, DeviceReportView } from "./readModel.ts";

/** Devices per transaction: the contract's MAX_DEVICES_PER_TX (20,000 keyed hashes, about 16 M gas). */
export const DEVICES_PER_TX = 20_000;

export interface DeviceInput {
  /** IMEIs (14, 15 or 16 digits), keyed-hashed by this agent. */
  imeis?: readonly string[];
  /** Keyed hashes computed elsewhere (an operator's EIR) with the same consortium key. */
  devices?: readonly Hex[];
}

export interface ReportResult {
  reportId: Hex;
  txHash: Hex;
  count: number;
}

/** Live reports a check answers in full; `blockCount` says how many there are in all. */
export const MAX_BLOCKS_SHOWN = 20;

export interface DeviceCheck {
  blocked: boolean;
  device: Hex;
  blockCount: number;
  blocks: DeviceBlockView[];
}

export class DeviceService {
  readonly #sender: TxSender;
  readonly #registry: Address;
  readonly #me: Address;
  readonly #chainId: number;
  readonly #readModel: DeviceReadModel;
  readonly #key: ConsortiumKey;
  readonly #blocked: BlockedDevices;
  readonly #sync: () => Promise<unknown>;

  constructor(options: {
    sender: TxSender;
    registry: Address;
    memberAccount: Address;
    chainId: number;
    readModel: DeviceReadModel;
    key: ConsortiumKey;
    blocked: BlockedDevices;
    sync(): Promise<unknown>;
  }) {
    this.#sender = options.sender;
    this.#registry = options.registry;
    this.#me = options.memberAccount;
    this.#chainId = options.chainId;
    this.#readModel = options.readModel;
    this.#key = options.key;
    this.#blocked = options.blocked;
    this.#sync = options.sync;
  }

  /** The keyed hashes of the input, in order, duplicates removed; every IMEI checked first (nothing sent on error). */
  keyedDevices(input: DeviceInput, base: "body"): Hex[] {
    const hashed = (input.imeis ?? []).map((imei, i) => this.#key.hashImei(imei, `${base}.imeis[${i}]`));
    const given = (input.devices ?? []).map((d) => d.toLowerCase() as Hex);
    return [...new Set([...hashed, ...given])];
  }

  /**
   * Reports the devices as `status` for `reason`, in transactions of at most DEVICES_PER_TX: every transaction is
   * journalled before any is awaited, so a bulk report of 100,000 devices is five transactions mined together.
   */
  async report(input: DeviceInput & { status: DeviceStatusName; reason: number }): Promise<ReportResult[]> {
    const devices = this.keyedDevices(input, "body");
    const status = DEVICE_STATUSES.indexOf(input.status);
    const tickets = [];
    for (let from = 0; from < devices.length; from += DEVICES_PER_TX) {
      const chunk = devices.slice(from, from + DEVICES_PER_TX);
      const packed = packDevices(chunk);
      const salt = `0x${randomBytes(32).toString("hex")}` as Hex;
      const reportId = this.reportIdOf(status, input.reason, keccak256(packed), salt);
      const ticket = await this.#sender.submit({
        from: this.#me,
        to: this.#registry,
        data: encodeFunctionData({
          abi: DeviceRegistry.abi,
          functionName: "report",
          args: [status, input.reason, salt, packed],
        }),
        label: `registries.report ${chunk.length} devices ${input.status}`,
      });
      tickets.push({ ticket, reportId, count: chunk.length });
    }
    const results: ReportResult[] = [];
    for (const { ticket, reportId, count } of tickets) {
      const receipt = await this.#sender.waitMined(ticket.id);
      this.#expectEvent(receipt, "DevicesReported", reportId);
      results.push({ reportId, txHash: receipt.transactionHash, count });
    }
    await this.#synced();
    return results;
  }

  /** Clears devices of one of this member's reports (the contract refuses another operator's). */
  async clear(reportId: Hex, input: DeviceInput): Promise<{ txHash: Hex }> {
    await this.#existing(reportId);
    const devices = this.keyedDevices(input, "body");
    const receipts = [];
    for (let from = 0; from < devices.length; from += DEVICES_PER_TX) {
      const chunk = devices.slice(from, from + DEVICES_PER_TX);
      receipts.push(
        await this.#sender.send({
          from: this.#me,
          to: this.#registry,
          data: encodeFunctionData({
            abi: DeviceRegistry.abi,
            functionName: "clearDevices",
            args: [reportId, packDevices(chunk)],
          }),
          label: `registries.clearDevices ${reportId} ${chunk.length} devices`,
        }),
      );
    }
    await this.#synced();
    return { txHash: (receipts.at(-1) as TransactionReceipt).transactionHash };
  }

  async withdraw(reportId: Hex): Promise<{ txHash: Hex }> {
    await this.#existing(reportId);
    const receipt = await this.#sender.send({
      from: this.#me,
      to: this.#registry,
      data: encodeFunctionData({ abi: DeviceRegistry.abi, functionName: "withdraw", args: [reportId] }),
      label: `registries.withdraw ${reportId}`,
    });
    await this.#synced();
    return { txHash: receipt.transactionHash };
  }

  /** The in-memory answer; on a hit, the live reports from the read model (which also rules out a prefix clash). */
  async check(device: Hex): Promise<DeviceCheck> {
    const lower = device.toLowerCase() as Hex;
    if (!this.#blocked.index.has(lower)) return { blocked: false, device: lower, blockCount: 0, blocks: [] };
    const { blocks, total } = await this.#readModel.blocksOf(lower, MAX_BLOCKS_SHOWN);
    return { blocked: total > 0, device: lower, blockCount: total, blocks };
  }

  checkImei(imei: string, field: "params.imei"): Promise<DeviceCheck> {
    return this.check(this.#key.hashImei(imei, field));
  }

  /** `DeviceRegistry.reportIdOf` for this member, computed locally. */
  reportIdOf(status: number, reason: number, digest: Hex, salt: Hex): Hex {
    return keccak256(
      encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "address" },
          { type: "address" },
          { type: "uint8" },
          { type: "uint16" },
          { type: "bytes32" },
          { type: "bytes32" },
        ],
        [BigInt(this.#chainId), this.#registry, this.#me, status, reason, digest, salt],
      ),
    );
  }

  async #existing(reportId: Hex): Promise<DeviceReportView> {
    const report = await this.#readModel.report(reportId);
    if (!report) {
      throw new RegistriesError("REGISTRIES_REPORT_NOT_FOUND", `no device report ${reportId}`, {
        field: "params.reportId",
      });
    }
    return report;
  }

  #expectEvent(receipt: TransactionReceipt, eventName: "DevicesReported", reportId: Hex): void {
    const [event] = parseEventLogs({ abi: DeviceRegistry.abi, eventName, logs: receipt.logs });
    if (event?.args.reportId.toLowerCase() !== reportId.toLowerCase()) {
      throw new Error(`${receipt.transactionHash} mined without ${eventName} for report ${reportId}`);
    }
  }

  // The read model and the in-memory index both include this member's own writes before the API answers.
  async #synced(): Promise<void> {
    await this.#sync();
    await this.#blocked.settled();
  }
}
