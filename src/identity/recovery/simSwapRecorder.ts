// The operator guardian records SIM swaps by itself: each swap of the home register (the roaming domain's journal,
// through the SimSwapFeed port) whose number is enrolled for recovery (operatorGuardian.ts) becomes one
// `recordSimSwap(identity)` on chain, in the background, so the provisioning call never waits for the chain.
//
// Its own cursor: the swaps it has taken are rows of its own table (identity_recovery_sim_swaps), whatever the
// registries' fraud-signal publisher marks in the journal. Each pass reads the journal from the newest swap taken
// minus LOOKBACK_MS (a provisioning transaction stamps its swaps when it begins and may commit after a later one) and
// takes the swaps it has not seen.
//
// Once per swap across crashes: an attempt first commits the chain's time, then journals the transaction in the
// outbox and commits its ticket, then waits for it to be mined. A restart with the ticket waits for that same
// transaction (the outbox replays it if the node lost it). A restart without the ticket (a crash between the outbox
// journal and this table) waits for the outbox to settle and asks the chain: a swap recorded for the identity at or
// after the attempt began is this attempt (or a later record, which covers the swap as well), so nothing is sent
// again; otherwise the attempt starts afresh.
import type { Address, Hex } from "viem";
import { TxFailedError } from "../../core/chain/errors.ts";
import { FollowedDrain } from "../../core/drain.ts";
import { IdentityError } from "../../core/identity/errors.ts";
import type { SimSwapFeed } from "../published.ts";
import type { OperatorGuardianRepository, TakenSimSwap } from "./repositoryOperator.ts";

/** How far back each pass re-reads the journal before the newest swap taken. */
export const LOOKBACK_MS = 10 * 60_000;
const BATCH = 100;
const POLL_MS = 15_000;
const SETTLE_TIMEOUT_MS = 120_000;
const retryDelayMs = (attempts: number) => Math.min(15_000 * 2 ** Math.max(0, attempts - 1), 3_600_000);

export interface SimSwapRecorderOptions {
  feed: SimSwapFeed;
  repository: OperatorGuardianRepository;
  /** The identity a number is enrolled for, and since when. */
  enrolmentOf(number: string): Promise<{ identity: Address; enrolledAt: string } | undefined>;
  recovery: {
    submitSimSwap(identity: Address, label: string): Promise<{ id: string }>;
    waitMined(ticketId: string): Promise<Hex>;
    chainTime(): Promise<bigint>;
    lastSimSwapAt(identity: Address): Promise<bigint>;
  };
  /** Resolves when the outbox has nothing journalled left to mine (rejects after `timeoutMs`). */
  outboxSettled(timeoutMs: number): Promise<void>;
  onError(error: unknown, swap?: TakenSimSwap): void;
  pollMs?: number;
}

export class SimSwapRecorder {
  readonly #o: SimSwapRecorderOptions;
  readonly #drainer: FollowedDrain;

  constructor(options: SimSwapRecorderOptions) {
    this.#o = options;
    this.#drainer = new FollowedDrain(
      () => this.#drain(),
      (error) => options.onError(error),
      options.pollMs ?? POLL_MS,
    );
  }

  /** Takes the swaps journalled so far, then each new one as it is committed, and retries when due. */
  follow(): void {
    this.#drainer.follow((wake) => this.#o.feed.onSwap(wake));
  }

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
    await this.#take();
    while (!this.#drainer.stopped) {
      const due = await this.#o.repository.due(BATCH);
      if (due.length === 0) return;
      for (const swap of due) {
        if (this.#drainer.stopped) return;
        await this.#record(swap);
      }
    }
  }

  /** Takes every journalled swap not taken yet: pending when its number was enrolled by then, not-enrolled otherwise. */
  async #take(): Promise<void> {
    const last = await this.#o.repository.lastTakenAt();
    const from = last ? new Date(Date.parse(last) - LOOKBACK_MS).toISOString() : "";
    let after: { swappedAt: string; swapId: Hex } | undefined;
    while (!this.#drainer.stopped) {
      const page = await this.#o.feed.swapsFrom(from, after, BATCH);
      const taken = await this.#o.repository.taken(page.map((s) => s.swapId));
      for (const swap of page) {
        if (taken.has(swap.swapId)) continue;
        // A swap before the number's enrolment is not the guardian's to record (e.g. the journal's history when an
        // agent first runs the recorder).
        const enrolment = await this.#o.enrolmentOf(swap.msisdn);
        const enrolled = enrolment && Date.parse(swap.swappedAt) >= Date.parse(enrolment.enrolledAt);
        await this.#o.repository.take(swap, enrolled ? enrolment.identity : null);
      }
      const end = page.at(-1);
      if (!end || page.length < BATCH) return;
      after = { swappedAt: end.swappedAt, swapId: end.swapId };
    }
  }

  async #record(swap: TakenSimSwap): Promise<void> {
    const identity = swap.identity as Address;
    const { repository, recovery } = this.#o;
    try {
      if (swap.attemptFrom !== null) {
        if (swap.txId !== null) {
          // The attempt's transaction is journalled: its outcome, not a second transaction.
          const txHash = await recovery.waitMined(swap.txId);
          await repository.done(swap.swapId, "recorded", { txHash });
          return;
        }
        // A crash between the outbox journal and this table: whatever was journalled is mined (or failed) first.
        await this.#o.outboxSettled(SETTLE_TIMEOUT_MS);
        if ((await recovery.lastSimSwapAt(identity)) >= swap.attemptFrom) {
          await repository.done(swap.swapId, "recorded", {});
          return;
        }
      }
      await repository.beginAttempt(swap.swapId, await recovery.chainTime());
      const ticket = await recovery.submitSimSwap(identity, `identity.recovery.simSwap ${identity} ${swap.swapId}`);
      await repository.journalled(swap.swapId, ticket.id);
      const txHash = await recovery.waitMined(ticket.id);
      await repository.done(swap.swapId, "recorded", { txHash });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      if (
        error instanceof IdentityError &&
        (error.code === "RECOVERY_REFUSED" || error.code === "RECOVERY_NOT_ENROLLED")
      ) {
        // The identity no longer names this member as its operator (re-enrolled without it): nothing to record.
        await repository.done(swap.swapId, "refused", { error: `${error.code}: ${message}` });
        return;
      }
      this.#o.onError(error, swap);
      const retryAt = new Date(Date.now() + retryDelayMs(swap.attempts + 1));
      if (error instanceof TxFailedError) await repository.attemptFailed(swap.swapId, message, retryAt);
      else await repository.retryLater(swap.swapId, message, retryAt);
    }
  }
}
