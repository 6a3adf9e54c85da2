// SIM swaps published as fraud signals by the subscriber register itself: when this operator's home register re-binds
// a number to another SIM (roaming's SIM-swap journal, written in the store change's own transaction), this agent
// reports a `sim-swap` signal for the number (confidence 100: a fact; the swap's salted commitment as evidence; this
// operator as the holder's operator, so no other member can challenge it; 30 days' life), in the background, so the
// provisioning call never waits for the chain. Exactly once per swap, across crashes: the signal's salt is the swap's
// id, so its signal id is fixed before the first attempt; a report whose earlier attempt was mined (a crash between
// the report and the journal's update, or the outbox replaying it) reverts SignalIdTaken, the chain is asked, and
// the swap is marked published with that id. A failure is retried with back-off; without a consortium key nothing is
// sent until one is set (the number is named by keyed hash).
import type { Address } from "viem";
import { FollowedDrain } from "../../core/drain.ts";
import type { SimSwapEvent, SimSwapJournal } from "../../roaming/published.ts";
import type { ConsortiumKey } from "../keys.ts";
import { SIGNAL_KINDS } from "./projection.ts";
import type { SignalService } from "./signals.ts";

/** How long a SIM-swap signal counts (an identity flow asks its own window through recentSignals). */
export const SIM_SWAP_SIGNAL_TTL = 30 * 24 * 3600;
const BATCH = 50;
/** How often due swaps are looked for without a new swap (retries, a key set since). */
const POLL_MS = 15_000;
const retryDelayMs = (attempts: number) => Math.min(15_000 * 2 ** attempts, 3_600_000);

export interface SimSwapSignalsOptions {
  swaps: SimSwapJournal;
  signals: Pick<SignalService, "report" | "signalIdOf" | "onChain">;
  key: Pick<ConsortiumKey, "fingerprint" | "hashNumber">;
  memberAccount: Address;
  onError(error: unknown, swap: SimSwapEvent): void;
  onDrainError(error: unknown): void;
  pollMs?: number;
}

export class SimSwapSignals {
  readonly #o: SimSwapSignalsOptions;
  readonly #drainer: FollowedDrain;

  constructor(options: SimSwapSignalsOptions) {
    this.#o = options;
    this.#drainer = new FollowedDrain(() => this.#drain(), options.onDrainError, options.pollMs ?? POLL_MS);
  }

  /** Publishes the swaps journalled so far, then each new one as it is committed, and due retries. */
  follow(): void {
    this.#drainer.follow((wake) => this.#o.swaps.onSwap(wake));
  }

  /** Asks for a pass now (e.g. the consortium key was just set). */
  poke(): void {
    this.#drainer.poke();
  }

  /** Resolves once every swap seen so far is handled. */
  settled(): Promise<void> {
    return this.#drainer.settled();
  }

  stop(): Promise<void> {
    return this.#drainer.stop();
  }

  async #drain(): Promise<void> {
    if (this.#o.key.fingerprint === null) return;
    while (!this.#drainer.stopped) {
      const due = await this.#o.swaps.due(BATCH);
      if (due.length === 0) return;
      for (const swap of due) {
        if (this.#drainer.stopped) return;
        await this.#publish(swap);
      }
    }
  }

  async #publish(swap: SimSwapEvent): Promise<void> {
    const salt = swap.swapId;
    const signalId = this.#o.signals.signalIdOf(
      this.#o.key.hashNumber(swap.msisdn),
      SIGNAL_KINDS.indexOf("sim-swap"),
      swap.evidence,
      salt,
    );
    try {
      const out = await this.#o.signals.report({
        number: swap.msisdn,
        kind: "sim-swap",
        confidence: 100,
        evidence: swap.evidence,
        expiresInSeconds: SIM_SWAP_SIGNAL_TTL,
        holder: this.#o.memberAccount,
        salt,
      });
      await this.#o.swaps.markPublished(swap.swapId, out.signal.signalId);
    } catch (error) {
      // An earlier attempt of this very signal was mined: published once, which is what the journal must record.
      if (await this.#o.signals.onChain(signalId)) {
        await this.#o.swaps.markPublished(swap.swapId, signalId);
        return;
      }
      this.#o.onError(error, swap);
      const message = error instanceof Error ? error.message : String(error);
      await this.#o.swaps.markFailed(swap.swapId, message, new Date(Date.now() + retryDelayMs(swap.attempts)));
    }
  }
}
