// The published fraud-signal read (published.ts): recent signals about a number from this agent's read model.
import type { ConsortiumKey } from "../keys.ts";
import type { FraudSignalFacts, FraudSignalKind, RecentFraudSignal } from "../published.ts";
import { SIGNAL_KINDS } from "./projection.ts";
import type { TracebackReadModel } from "./readModel.ts";

const LIMIT = 20;
const E164 = /^[1-9]\d{0,14}$/;

export class RecentSignals implements FraudSignalFacts {
  readonly #key: Pick<ConsortiumKey, "hashNumber">;
  readonly #readModel: Pick<TracebackReadModel, "recentSignalsOf">;
  readonly #now: () => number;

  constructor(
    key: Pick<ConsortiumKey, "hashNumber">,
    readModel: Pick<TracebackReadModel, "recentSignalsOf">,
    now: () => number = () => Date.now(),
  ) {
    this.#key = key;
    this.#readModel = readModel;
    this.#now = now;
  }

  async recentSignals(
    number: string,
    withinSeconds: number,
    kinds?: readonly FraudSignalKind[],
  ): Promise<RecentFraudSignal[]> {
    if (!E164.test(number)) throw new RangeError(`number must be an E.164 number of 1 to 15 digits, got ${number}`);
    if (!Number.isSafeInteger(withinSeconds) || withinSeconds < 1) {
      throw new RangeError(`withinSeconds must be a positive integer, got ${withinSeconds}`);
    }
    for (const kind of kinds ?? []) {
      if (!SIGNAL_KINDS.includes(kind)) throw new RangeError(`kinds: unknown fraud signal kind ${kind}`);
    }
    const since = Math.floor(this.#now() / 1000) - withinSeconds;
    const rows = await this.#readModel.recentSignalsOf(this.#key.hashNumber(number), since, kinds ?? [], LIMIT);
    return rows.map((s) => ({
      signalId: s.signalId,
      kind: s.kind as FraudSignalKind,
      reporter: s.reporter,
      holder: s.holder,
      confidence: s.confidence,
      disputed: s.state === "challenged",
      reportedAt: s.reportedAt,
      expiresAt: s.expiresAt,
    }));
  }
}
