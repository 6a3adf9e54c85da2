// The roaming background work of one agent: reacts to exchange events addressed to this member (the indexer calls
// after each commit), in micro-batches so a block of a thousand requests is one pass, opening the ciphertexts the
// events carry; and every second answers anything pending that was missed (restart, unpause; its ciphertexts read
// back from the chain), closes timed-out sessions and drops expired keys.

import type { Logger } from "pino";
import type { Address } from "viem";
import type { ChainEvent, Indexer } from "../core/chain/indexer/indexer.ts";
import { queryIn } from "../core/store/index.ts";
import type { Store } from "../core/store/store.ts";
import { type CiphertextSource, ciphertextOf, type SealedRow } from "./ciphertexts.ts";
import type { HomeResponder, LedgerRequestRow } from "./home.ts";
import type { OperatorKeys } from "./keys.ts";
import { ROAMING_EXCHANGE } from "./projection.ts";
import type { VisitedService } from "./visited.ts";

export interface RoamingWorkerOptions {
  store: Store;
  indexer: Indexer;
  logger: Logger;
  memberAccount: Address;
  home: HomeResponder;
  visited: VisitedService;
  keys: OperatorKeys;
  ciphertexts: CiphertextSource;
  sweepMs?: number;
}

// A request or answer the event pass has not handled for this long is the sweep's to handle.
const SETTLE_MS = 2000;

export function startRoamingWorker(o: RoamingWorkerOptions): { stop(): Promise<void> } {
  const me = o.memberAccount.toLowerCase();
  // Request id -> the ciphertext its event carried, until the next pass.
  const requests = new Map<string, string>();
  const answers = new Map<string, string>();
  let scheduled = false;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const sealedRows = async (ciphertexts: Map<string, string>): Promise<SealedRow[]> => {
    const rows = await queryIn<LedgerRequestRow>(
      o.store,
      (list) => `SELECT * FROM roaming_requests WHERE request_id IN (${list})`,
      [...ciphertexts.keys()],
    );
    return rows.map((row) => ({ ...row, ciphertext: ciphertexts.get(row.request_id) as string }));
  };

  const pass = async () => {
    scheduled = false;
    const reqs = new Map(requests);
    const ans = new Map(answers);
    requests.clear();
    answers.clear();
    try {
      if (reqs.size) await o.home.handle(await sealedRows(reqs));
      if (ans.size) await o.visited.handleAnswers(await sealedRows(ans));
    } catch (error) {
      o.logger.warn({ err: error }, "roaming: event pass failed (the sweep retries)");
    }
  };
  const schedule = () => {
    if (scheduled || stopped) return;
    scheduled = true;
    running = running.then(() => new Promise<void>((resolve) => setImmediate(() => pass().then(resolve))));
  };

  const unsubscribe = o.indexer.onEvent((event: ChainEvent) => {
    if (event.source !== ROAMING_EXCHANGE) return;
    const id = String(event.args.requestId).toLowerCase();
    if (event.eventName === "RequestSubmitted" && String(event.args.hpmn).toLowerCase() === me) {
      requests.set(id, ciphertextOf(event.args));
    } else if (event.eventName === "AnswerSubmitted" && String(event.args.vpmn).toLowerCase() === me) {
      answers.set(id, ciphertextOf(event.args));
    } else return;
    schedule();
  });

  const sweep = async () => {
    try {
      await o.home.answerPending(SETTLE_MS);
      const missed = await o.store.query<LedgerRequestRow>(
        `SELECT r.* FROM roaming_requests r JOIN roaming_sessions s ON s.request_id = r.request_id
         WHERE r.vpmn = $1 AND r.state = 'answered' AND s.state IN ('queued', 'requested') AND r.answered_seen_at < $2
         LIMIT 5000`,
        [me, new Date(Date.now() - SETTLE_MS).toISOString()],
      );
      if (missed.length) await o.visited.handleAnswers(await o.ciphertexts.attach("answer", missed));
      await o.visited.sweepExpired();
      await o.keys.dropExpired().catch(() => []);
    } catch (error) {
      o.logger.warn({ err: error }, "roaming: sweep failed");
    }
  };
  let sweeping: Promise<void> = sweep();
  const timer = setInterval(() => {
    sweeping = sweeping.then(sweep);
  }, o.sweepMs ?? 1000);

  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await sweeping;
      await running;
      await o.visited.close();
      await o.home.close();
    },
  };
}
