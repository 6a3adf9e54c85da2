// The home side's record of each request addressed to it (roaming_home_requests): what it decided (outcome, masked
// IMSI, grant) when it answered, and the answer's transaction once mined. SQL only, named fields; both writes are
// bookkeeping the agent can derive again, so they commit relaxed (DERIVED_DATA).
import { DERIVED_DATA, execIn } from "../../core/store/index.ts";
import type { Store } from "../../core/store/store.ts";

export interface HomeRequestRecord {
  requestId: string;
  visitedOperator: string;
  visitedPlmn: string | null;
  /** The IMSI with all but its PLMN and last two digits masked; null when the request could not be read. */
  imsiMasked: string | null;
  outcome: string;
  /** The services answered, as JSON of 1/0 flags. */
  granted: string;
  validUntil: string | null;
  receivedAt: string;
}

export class HomeRequestRepository {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  /** Records the decisions of one pass (a request already recorded keeps its first record). */
  async received(records: readonly HomeRequestRecord[]): Promise<void> {
    await this.#store.transaction(async (tx) => {
      for (const r of records) {
        await tx.exec(
          `INSERT INTO roaming_home_requests (request_id, visited_operator, visited_plmn, imsi_masked, outcome, granted,
             valid_until, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (request_id) DO NOTHING`,
          [
            r.requestId,
            r.visitedOperator,
            r.visitedPlmn,
            r.imsiMasked,
            r.outcome,
            r.granted,
            r.validUntil,
            r.receivedAt,
          ],
        );
      }
    }, DERIVED_DATA);
  }

  /** The batch carrying the answers to these requests was mined. */
  async answered(ids: readonly string[], at: string, txHash: string): Promise<void> {
    await this.#store.transaction(
      (tx) =>
        execIn(
          tx,
          (list) => `UPDATE roaming_home_requests SET answered_at = $1, answer_tx = $2 WHERE request_id IN (${list})`,
          ids,
          [at, txHash],
        ),
      DERIVED_DATA,
    );
  }
}
