// Keeps the in-memory DeviceIndex equal to the read model's set of blocked devices: loaded from the read model, then
// following each DeviceRegistry event after it is committed. A report blocks its devices (idempotent); a clear or a
// withdrawal asks the read model which of the devices concerned some other live report still holds. Updates run one
// after another in event order, so a later event's answer is never overwritten by an earlier one; a rewind reloads.
import type { Hex } from "viem";
import type { ChainEvent, Indexer } from "../core/chain/indexer/indexer.ts";
import { DeviceIndex } from "./deviceIndex.ts";
import { DEVICE_REGISTRY, unpackDevices } from "./projection.ts";
import type { DeviceReadModel } from "./readModel.ts";

const LOAD_PAGE = 50_000;

export class BlockedDevices {
  readonly index = new DeviceIndex();
  readonly #readModel: DeviceReadModel;
  #queue: Promise<void> = Promise.resolve();
  #onError: (error: unknown) => void;

  constructor(readModel: DeviceReadModel, onError: (error: unknown) => void) {
    this.#readModel = readModel;
    this.#onError = onError;
  }

  /** Listens first, then loads: an event committed during the load is applied again, which the index tolerates. */
  async follow(indexer: Indexer): Promise<void> {
    indexer.onEvent((event) => {
      if (event.source === DEVICE_REGISTRY) this.#enqueue(() => this.#apply(event));
    });
    indexer.onRewind(() => this.#enqueueAndWait(() => this.#load()));
    await this.#enqueueAndWait(() => this.#load());
  }

  /** Resolves once every event received so far is in the index. */
  settled(): Promise<void> {
    return this.#queue;
  }

  async #load(): Promise<void> {
    this.index.clear();
    let after: { reportId: string; position: number } | undefined;
    for (;;) {
      const page = await this.#readModel.liveDevices(LOAD_PAGE, after);
      for (const row of page) this.index.set(row.device, true);
      const last = page.at(-1);
      if (!last || page.length < LOAD_PAGE) return;
      after = { reportId: last.reportId, position: last.position };
    }
  }

  async #apply(event: ChainEvent): Promise<void> {
    switch (event.eventName) {
      case "DevicesReported":
        for (const device of unpackDevices(event.args.devices as Hex)) this.index.set(device, true);
        return;
      case "DevicesCleared":
        return this.#recount(unpackDevices(event.args.devices as Hex));
      case "ReportWithdrawn": {
        const devices = await this.#readModel.devicesOf(String(event.args.reportId));
        return this.#recount(devices.map((d) => d.device));
      }
    }
  }

  async #recount(devices: readonly Hex[]): Promise<void> {
    const still = await this.#readModel.blockedAmong(devices);
    for (const device of devices) this.index.set(device, still.has(device));
  }

  #enqueue(task: () => Promise<void>): void {
    this.#queue = this.#queue.then(task).catch(this.#onError);
  }

  #enqueueAndWait(task: () => Promise<void>): Promise<void> {
    this.#enqueue(task);
    return this.#queue;
  }
}
