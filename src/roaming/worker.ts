// The roaming background work of one agent: reacts to exchange events addressed to this member (the indexer calls
// after each commit), in micro-batches so a block of a thousand requests is one pass, opening the ciphertexts the
// events carry; and every second answers anything pending that was missed (restart, unpause; its ciphertexts read
// back from the chain), closes timed-out sessions, reconciles session rows with the chain and drops expired keys.

import type { Logger } from "pino";
import type { Address } from "viem";
import type { ChainEvent, Indexer } from "../core/chain/indexer/indexer.ts";
import { type CiphertextSource, ciphertextOf, type SealedRow } from "./ciphertexts.ts";
import type { HomeResponder } from "./home/index.ts";
import type { OperatorKeys } from "./keys.ts";
import { ROAMING_EXCHANGE } from "./projection.ts";
import type { RoamingReadModel } from "./readModel.ts";
import type { VisitedService } from "./visited/index.ts";

export interface RoamingWorkerOptions {
  readModel: RoamingReadModel;
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
/** No exchange event for this long: the agent is idle for roaming. */
const QUIET_AFTER_MS = 60_000;
/** How often an idle agent still sweeps (expiries, pending answers, expired keys). */
const IDLE_SWEEP_MS = 10_000;
/** Answers the sweep picks up per pass. */
const SWEEP_LIMIT = 5000;
/** How often session rows are reconciled with the chain (VisitedService.reconcile), and how many a pass. */
const RECONCILE_EVERY_MS = 15_000;
const RECONCILE_LIMIT = 2000;

export function startRoamingWorker(o: RoamingWorkerOptions): { stop(): Promise<void> } {
  const me = o.memberAccount.toLowerCase();
  // Request id -> the ciphertext its event carried, until the next pass.
  const requests = new Map<string, string>();
  const answers = new Map<string, string>();
  let scheduled = false;
  let running: Promise<void> = Promise.resolve();
  let stopped = false;

  const sealedRows = async (ciphertexts: Map<string, string>): Promise<SealedRow[]> => {
    const rows = await o.readModel.requests([...ciphertexts.keys()]);
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

  let lastExchangeEvent = Date.now();
  const unsubscribe = o.indexer.onEvent((event: ChainEvent) => {
    if (event.source !== ROAMING_EXCHANGE) return;
    lastExchangeEvent = Date.now();
    const id = String(event.args.requestId).toLowerCase();
    if (event.eventName === "RequestSubmitted" && String(event.args.hpmn).toLowerCase() === me) {
      requests.set(id, ciphertextOf(event.args));
    } else if (event.eventName === "AnswerSubmitted" && String(event.args.vpmn).toLowerCase() === me) {
      answers.set(id, ciphertextOf(event.args));
    } else return;
    schedule();
  });

  // The first pass once the indexer has caught up after start (what a killed agent left behind), then every
  // RECONCILE_EVERY_MS (a batch whose session update failed). Not while the indexer lags: records mined but not yet
  // indexed would be sent again.
  let lastReconcile = 0;
  const reconcile = async () => {
    if (Date.now() - lastReconcile < RECONCILE_EVERY_MS || (await o.indexer.lag()) > 1) return;
    lastReconcile = Date.now();
    await o.visited.reconcile(await o.readModel.sessionsBehindChain(o.memberAccount, RECONCILE_LIMIT));
  };

  const sweep = async () => {
    try {
      await o.home.answerPending(SETTLE_MS);
      const missed = await o.readModel.answeredWhileOpen(
        o.memberAccount,
        new Date(Date.now() - SETTLE_MS).toISOString(),
        SWEEP_LIMIT,
      );
      if (missed.length) await o.visited.handleAnswers(await o.ciphertexts.attach("answer", missed));
      await o.visited.sweepExpired();
      await reconcile();
      await o.keys.dropExpired().catch(() => []);
    } catch (error) {
      o.logger.warn({ err: error }, "roaming: sweep failed");
    }
  };
  let sweeping: Promise<void> = sweep();
  let lastSweep = Date.now();
  const timer = setInterval(() => {
    // Quiet for a while (no exchange event for this member): sweep every IDLE_SWEEP_MS instead, so an idle agent
    // does not query its database every second; expiries are then found up to that much later.
    const now = Date.now();
    if (now - lastExchangeEvent > QUIET_AFTER_MS && now - lastSweep < IDLE_SWEEP_MS) return;
    lastSweep = now;
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
