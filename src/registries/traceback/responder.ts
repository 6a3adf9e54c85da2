// Carriers answer traceback hops from their own call records: every agent follows the traces its indexer projects,
// and when one asks this member about a call its call log holds, it answers by itself with the carrier the log names
// (or "originated here"), the record's evidence hash on chain. Each answer, sent or refused by the contract (e.g. an
// upstream that is not a carrier), is recorded once, so a restart resumes with the traces not yet handled and a
// refusal is not retried forever (the carrier can still answer by hand; its deadline shows if nobody does). Up to
// 100 traces are answered at once.
import type { Address } from "viem";
import type { ChainEvent, Indexer } from "../../core/chain/indexer/indexer.ts";
import { CoalescingDrain } from "../drain.ts";
import { TRACEBACK } from "./projection.ts";
import type { CallLog, PendingAnswer } from "./repositoryCallLog.ts";
import type { TracebackService } from "./service.ts";

const BATCH = 100;

export interface TraceResponderOptions {
  log: CallLog;
  traceback: TracebackService;
  memberAccount: Address;
  onError(error: unknown, pending: PendingAnswer): void;
  /** A call-log query that failed (the next trace event or poke tries again). */
  onDrainError(error: unknown): void;
}

export class TraceResponder {
  readonly #o: TraceResponderOptions;
  readonly #drainer: CoalescingDrain;
  #stopped = false;

  constructor(options: TraceResponderOptions) {
    this.#o = options;
    this.#drainer = new CoalescingDrain(() => this.#drain(), options.onDrainError);
  }

  /** Answers the traces the read model already holds, then each trace that asks a carrier after it is committed. */
  follow(indexer: Indexer): void {
    indexer.onEvent((event: ChainEvent) => {
      if (event.source === TRACEBACK && (event.eventName === "TraceOpened" || event.eventName === "HopAnswered")) {
        this.poke();
      }
    });
    this.poke();
  }

  /** Looks again for traces to answer (e.g. after calls were added to the log). */
  poke(): void {
    this.#drainer.poke();
  }

  /** Resolves once every trace seen so far is handled. */
  settled(): Promise<void> {
    return this.#drainer.settled();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#drainer.settled();
  }

  async #drain(): Promise<void> {
    while (!this.#stopped) {
      const pending = await this.#o.log.pending(this.#o.memberAccount, BATCH);
      if (pending.length === 0) return;
      // The traces are independent: their answers go out together (the outbox orders the nonces).
      await Promise.all(pending.map((p) => this.#answer(p)));
    }
  }

  async #answer(p: PendingAnswer): Promise<void> {
    const recorded = { traceId: p.traceId, callDigest: p.callDigest, upstream: p.upstream };
    try {
      const { txHash } = await this.#o.traceback.answer(p.traceId, p.upstream, p.evidence);
      await this.#o.log.recordResponse({ ...recorded, txHash, error: null });
    } catch (error) {
      this.#o.onError(error, p);
      const message = error instanceof Error ? error.message : String(error);
      await this.#o.log.recordResponse({ ...recorded, txHash: null, error: message });
    }
  }
}
