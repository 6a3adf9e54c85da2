// The EIDL port at activation: every agent follows PortActivated, and the one hosting a Numbering Authority whose
// numbering-plan scope covers a number executes the EIDL port of it to the gaining provider's TNSP organisation
// (ITnAuthority.port, BothProvidersConsented, the port id as evidence hash), so the number's chain of custody and the
// attestation of its calls follow the port at once. Each number's outcome is recorded here (off chain), so a restart
// resumes with the activated ports not yet handled (the EIDL side answers a port it already made, e.g. before a crash,
// without porting again). Agents hosting no such authority record the number as not theirs (no grant, no error).
// A whole block of numbers in one port (10^k consecutive numbers under one prefix, e.g. a range port of a block) is
// one EIDL prefix port, one grant; its outcome is recorded for each of its numbers.
// Issue 22: the blocks of every activated port not yet executed are collected and sent through the EIDL side's
// executeClearedPorts, up to BATCH_BLOCKS at a time: one `portBatch` transaction per authority instead of one `port`
// per block. When the ledger refuses a batch, its blocks are executed one by one, so one bad block does not hold back
// the rest and its refusal is recorded for its own numbers only. One CoalescingDrain: a burst of activations is one
// or two drains.
import type { Hex } from "viem";
import type { ChainEvent, Indexer } from "../../core/chain/indexer/indexer.ts";
import type { ClearedPortOutcome, EidlPorts } from "../../eidl/published.ts";
import { CoalescingDrain } from "../drain.ts";
import { blocksOf, type NumberBlock } from "./numbers.ts";
import { PORT_CLEARING } from "./projection.ts";
import type { PortReadModel, PortView } from "./readModel.ts";

/** Activated ports read per query. */
const PORTS_PER_QUERY = 100;
/** Blocks (EIDL ports) handed to the EIDL side at once: at most one `portBatch` of 100 per authority. */
export const BATCH_BLOCKS = 100;

export interface PortExecutorOptions {
  readModel: PortReadModel;
  eidlPorts: EidlPorts;
  onError(error: unknown, port: PortView, number: string): void;
  /** The ledger refused a batch of `count` blocks: they are executed one by one next. */
  onBatchRefused(error: unknown, count: number): void;
  /** A drain failed before reaching any port (e.g. the read model); the next activation drains again. */
  onDrainError(error: unknown): void;
}

interface PendingBlock {
  port: PortView;
  block: NumberBlock;
}

type Outcome = { grantId: string | null; txHash: Hex | null; error: string | null };

export class PortExecutor {
  readonly #o: PortExecutorOptions;
  readonly #drain: CoalescingDrain;
  #stopped = false;

  constructor(options: PortExecutorOptions) {
    this.#o = options;
    this.#drain = new CoalescingDrain(
      () => this.#drainAll(),
      (error) => options.onDrainError(error),
    );
  }

  /** Handles the activated ports the read model holds, then each PortActivated after it is committed. */
  follow(indexer: Indexer): void {
    indexer.onEvent((event: ChainEvent) => {
      if (event.source === PORT_CLEARING && event.eventName === "PortActivated") this.#drain.poke();
    });
    this.#drain.poke();
  }

  /** Resolves once every activation seen so far is handled. */
  settled(): Promise<void> {
    return this.#drain.settled();
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    await this.#drain.settled();
  }

  async #drainAll(): Promise<void> {
    while (!this.#stopped) {
      const ports = await this.#o.readModel.activatedUnexecuted(PORTS_PER_QUERY);
      if (ports.length === 0) return;
      const pending: PendingBlock[] = [];
      for (const port of ports) {
        const done = await this.#o.readModel.executedNumbers(port.portId);
        for (const block of blocksOf(port.numbers.filter((n) => !done.has(n)))) pending.push({ port, block });
      }
      for (let from = 0; from < pending.length && !this.#stopped; from += BATCH_BLOCKS) {
        await this.#executeBatch(pending.slice(from, from + BATCH_BLOCKS));
      }
    }
  }

  /** One call for the whole batch; when the ledger refuses it, each block on its own. */
  async #executeBatch(batch: PendingBlock[]): Promise<void> {
    let outcomes: ClearedPortOutcome[];
    try {
      outcomes = await this.#o.eidlPorts.executeClearedPorts(
        batch.map(({ port, block }) => ({ prefix: block.prefix, toMember: port.gaining, evidenceHash: port.portId })),
      );
    } catch (error) {
      this.#o.onBatchRefused(error, batch.length);
      for (const pending of batch) {
        if (this.#stopped) return;
        await this.#executeOne(pending);
      }
      return;
    }
    for (const [i, { port, block }] of batch.entries()) {
      await this.#record(port, block, made(outcomes[i]));
    }
  }

  async #executeOne({ port, block }: PendingBlock): Promise<void> {
    let outcome: Outcome;
    try {
      const ported = await this.#o.eidlPorts.executeClearedPort({
        prefix: block.prefix,
        toMember: port.gaining,
        evidenceHash: port.portId,
      });
      outcome = made(ported);
    } catch (error) {
      this.#o.onError(error, port, block.prefix);
      outcome = { grantId: null, txHash: null, error: error instanceof Error ? error.message : String(error) };
    }
    await this.#record(port, block, outcome);
  }

  #record(port: PortView, block: NumberBlock, outcome: Outcome): Promise<void> {
    return this.#o.readModel.recordExecutions(port.portId, block.numbers, outcome);
  }
}

const made = (ported: ClearedPortOutcome): Outcome => ({
  grantId: ported?.grantId ?? null,
  txHash: (ported?.txHash ?? null) as Hex | null,
  error: null,
});
