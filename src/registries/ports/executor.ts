// The EIDL port at activation: every agent follows PortActivated, and the one hosting a Numbering Authority whose
// numbering-plan scope covers a number executes the EIDL port of it to the gaining provider's TNSP organisation
// (ITnAuthority.port, BothProvidersConsented, the port id as evidence hash), so the number's chain of custody and the
// attestation of its calls follow the port at once. Each number's outcome is recorded here (off chain), so a restart
// resumes with the activated ports not yet handled (the EIDL side answers a port it already made, e.g. before a crash,
// without porting again). Agents hosting no such authority record the number as not theirs (no grant, no error).
// A whole block of numbers in one port (10^k consecutive numbers under one prefix, e.g. a range port of a block) is
// one EIDL prefix port, one grant; its outcome is recorded for each of its numbers.
import type { Hex } from "viem";
import type { ChainEvent, Indexer } from "../../core/chain/indexer/indexer.ts";
import type { EidlPorts } from "../../eidl/published.ts";
import { blocksOf } from "./numbers.ts";
import { PORT_CLEARING } from "./projection.ts";
import type { PortReadModel, PortView } from "./readModel.ts";

const BATCH = 100;

export interface PortExecutorOptions {
  readModel: PortReadModel;
  eidlPorts: EidlPorts;
  onError(error: unknown, port: PortView, number: string): void;
}

export class PortExecutor {
  readonly #o: PortExecutorOptions;
  #queue: Promise<void> = Promise.resolve();
  #stopped = false;

  constructor(options: PortExecutorOptions) {
    this.#o = options;
  }

  /** Handles the activated ports the read model holds, then each PortActivated after it is committed. */
  follow(indexer: Indexer): void {
    indexer.onEvent((event: ChainEvent) => {
      if (event.source === PORT_CLEARING && event.eventName === "PortActivated") this.#enqueue();
    });
    this.#enqueue();
  }

  /** Resolves once every activation seen so far is handled. */
  settled(): Promise<void> {
    return this.#queue;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#queue;
  }

  #enqueue(): void {
    this.#queue = this.#queue.then(() => this.#drain());
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const ports = await this.#o.readModel.activatedUnexecuted(BATCH);
      if (ports.length === 0) return;
      for (const port of ports) await this.#execute(port);
    }
  }

  async #execute(port: PortView): Promise<void> {
    const done = await this.#o.readModel.executedNumbers(port.portId);
    for (const block of blocksOf(port.numbers.filter((n) => !done.has(n)))) {
      if (this.#stopped) return;
      let outcome: { grantId: string | null; txHash: Hex | null; error: string | null };
      try {
        const ported = await this.#o.eidlPorts.executeClearedPort({
          prefix: block.prefix,
          toMember: port.gaining,
          evidenceHash: port.portId,
        });
        outcome = { grantId: ported?.grantId ?? null, txHash: (ported?.txHash ?? null) as Hex | null, error: null };
      } catch (error) {
        this.#o.onError(error, port, block.prefix);
        outcome = { grantId: null, txHash: null, error: error instanceof Error ? error.message : String(error) };
      }
      await this.#o.readModel.recordExecutions(port.portId, block.numbers, outcome);
    }
  }
}
