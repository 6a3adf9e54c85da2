// Port-out published as a fraud signal by the port clearing itself: when a port activates, the losing provider's
// agent reports a `port-out` signal (confidence 100: a fact, not a suspicion; the port id as evidence; the gaining
// provider as the number's holder operator, who may challenge it) for each number of the port, through the fraud-
// signals service, so an identity flow can ask "was this number ported out lately?" like any other signal. Each
// number's signal is recorded here (off chain), so a restart resumes; without a consortium key nothing is sent yet
// (the number must be keyed-hashed), and the next activation or restart tries again.
import type { Address, Hex } from "viem";
import type { ChainEvent, Indexer } from "../../core/chain/indexer/indexer.ts";
import { CoalescingDrain } from "../drain.ts";
import type { ConsortiumKey } from "../keys.ts";
import type { SignalService } from "../traceback/signals.ts";
import { PORT_CLEARING } from "./projection.ts";
import type { PortReadModel, PortView } from "./readModel.ts";

/** How long a port-out signal counts: the window in which a fraud check cares about a recent port. */
export const PORT_OUT_SIGNAL_TTL = 30 * 24 * 3600;
const BATCH = 50;

export interface PortOutSignalsOptions {
  readModel: PortReadModel;
  signals: Pick<SignalService, "report">;
  key: Pick<ConsortiumKey, "fingerprint">;
  memberAccount: Address;
  onError(error: unknown, port: PortView, number: string): void;
  /** A read-model query that failed (the next activation or restart tries again). */
  onDrainError(error: unknown): void;
}

export class PortOutSignals {
  readonly #o: PortOutSignalsOptions;
  readonly #drainer: CoalescingDrain;
  #stopped = false;

  constructor(options: PortOutSignalsOptions) {
    this.#o = options;
    this.#drainer = new CoalescingDrain(() => this.#drain(), options.onDrainError);
  }

  follow(indexer: Indexer): void {
    indexer.onEvent((event: ChainEvent) => {
      if (event.source === PORT_CLEARING && event.eventName === "PortActivated") this.#drainer.poke();
    });
    this.#drainer.poke();
  }

  /** Resolves once every activation seen so far is handled. */
  settled(): Promise<void> {
    return this.#drainer.settled();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#drainer.settled();
  }

  async #drain(): Promise<void> {
    if (this.#o.key.fingerprint === null) return;
    while (!this.#stopped) {
      const ports = await this.#o.readModel.lostWithoutPortOut(this.#o.memberAccount, BATCH);
      if (ports.length === 0) return;
      for (const port of ports) await this.#publish(port);
    }
  }

  async #publish(port: PortView): Promise<void> {
    const done = await this.#o.readModel.portOutNumbers(port.portId);
    for (const number of port.numbers) {
      if (done.has(number) || this.#stopped) continue;
      let signalId: Hex | null = null;
      let error: string | null = null;
      try {
        const out = await this.#o.signals.report({
          number,
          kind: "port-out",
          confidence: 100,
          evidence: port.portId,
          expiresInSeconds: PORT_OUT_SIGNAL_TTL,
          holder: port.gaining,
        });
        signalId = out.signal.signalId as Hex;
      } catch (e) {
        this.#o.onError(e, port, number);
        error = e instanceof Error ? e.message : String(e);
      }
      await this.#o.readModel.recordPortOut(port.portId, number, signalId, error);
    }
  }
}
