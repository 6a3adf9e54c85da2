// The roaming background work of one agent: reacts to exchange events addressed to this member (the indexer calls
// after each commit), in micro-batches so a block of a thousand requests is one pass; and every second answers
// anything pending that was missed (restart, unpause), closes timed-out sessions and drops expired keys.

import type { Logger } from "pino";
import type { Address } from "viem";
import type { ChainEvent, Indexer } from "../core/chain/indexer/indexer.ts";
import { queryIn } from "../core/store/index.ts";
import type { Store } from "../core/store/store.ts";
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
  sweepMs?: number;
}

export function startRoamingWorker(o: RoamingWorkerOptions): { stop(): Promise<void> } {
  const me = o.memberAccount.toLowerCase();
  const requests = new Set<string>();
  const answers = new Set<string>();
  let scheduled = false;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const rowsOf = (ids: string[]) =>
    queryIn<LedgerRequestRow>(o.store, (list) => `SELECT * FROM roaming_requests WHERE request_id IN (${list})`, ids);

  const pass = async () => {
    scheduled = false;
    const reqIds = [...requests];
    const ansIds = [...answers];
    requests.clear();
    answers.clear();
    try {
      if (reqIds.length) await o.home.handle(await rowsOf(reqIds));
      if (ansIds.length) await o.visited.handleAnswers(await rowsOf(ansIds));
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
    if (event.eventName === "RequestSubmitted" && String(event.args.hpmn).toLowerCase() === me) requests.add(id);
    else if (event.eventName === "AnswerSubmitted" && String(event.args.vpmn).toLowerCase() === me) answers.add(id);
    else return;
    schedule();
  });

  const sweep = async () => {
    try {
      await o.home.answerPending();
      const missed = await o.store.query<LedgerRequestRow>(
        `SELECT r.* FROM roaming_requests r JOIN roaming_sessions s ON s.request_id = r.request_id
         WHERE r.vpmn = $1 AND r.state = 'answered' AND s.state IN ('queued', 'requested') LIMIT 5000`,
        [me],
      );
      if (missed.length) await o.visited.handleAnswers(missed);
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
