// The home operator's side of the exchange: sees requests addressed to it (from the read model), decrypts each,
// checks that it is well formed and that its pseudonym matches the IMSI inside (only the genuine VPMN can compute
// it), looks the subscriber up in the register, applies the answer policy and answers, encrypted to the VPMN, in
// batches. Whatever goes wrong with a request ends in an answer that grants nothing and says why (inside the JWE).
// The SQL of its own bookkeeping is in repository.ts; the requests come from the read model.

import type { Logger } from "pino";
import type { Address, Hex } from "viem";
import type { Outbox } from "../../core/chain/outbox/outbox.ts";
import type { Store } from "../../core/store/store.ts";
import { Batcher } from "../batcher.ts";
import type { CiphertextSource, SealedRow } from "../ciphertexts.ts";
import { JweOpener, sealBatch } from "../crypto/jwe.ts";
import type { EncryptionPublicJwk } from "../crypto/jwk.ts";
import type { EncryptionKeyRing } from "../crypto/keyRing.ts";
import { PairKeyCache, requestTag } from "../crypto/pseudonym.ts";
import { batchGas, batchSizeWithin, encodeSubmitAnswers, sealedBytesBound } from "../exchange.ts";
import type { RoamingMetrics } from "../metrics.ts";
import type { OperatorDirectory } from "../operators.ts";
import { ANSWER_PLAINTEXT_BYTES, type AnswerPayload, type RequestPayload } from "../payloads.ts";
import { type AnswerOutcome, type Decision, decide, type PolicyStore } from "../policy.ts";
import type { LedgerRequestRow, RoamingReadModel } from "../readModel.ts";
import { noServices, SERVICES, type Service, type SubscriberRegister } from "../subscribers/register.ts";
import type { VpmnQuota } from "./quota.ts";
import { type HomeRequestRecord, HomeRequestRepository } from "./repository.ts";

export interface HomeResponderOptions {
  store: Store;
  readModel: RoamingReadModel;
  outbox: Outbox;
  logger: Logger;
  memberAccount: Address;
  exchange: Address;
  ring: EncryptionKeyRing;
  directory: OperatorDirectory;
  register: SubscriberRegister;
  policy: PolicyStore;
  /** Batch tuning; `blockGasLimit` (read from the chain) caps the batch size (exchange.ts batchSizeWithin). */
  batch: { maxSize: number; maxDelayMs: number; maxInFlight: number; blockGasLimit?: bigint };
  /** Reads request ciphertexts back from the chain for requests not met through an event (restart, pause). */
  ciphertexts: CiphertextSource;
  /** Requests answered per visited operator per window; the excess is answered "throttled". */
  quota: VpmnQuota;
  metrics: RoamingMetrics;
  sync(): Promise<unknown>;
}

interface QueuedAnswer {
  requestId: Hex;
  recipient: EncryptionPublicJwk;
  payload: AnswerPayload;
}

/** Outcomes decided without a readable request: answered to the VPMN's current key. */
const UNREAD_OUTCOMES: readonly AnswerOutcome[] = ["undecryptable", "invalid-request", "throttled"];

/** Requests the sweep picks up per pass. */
const SWEEP_LIMIT = 5000;

const maskImsi = (imsi: string) => `${imsi.slice(0, 5)}${"*".repeat(Math.max(0, imsi.length - 7))}${imsi.slice(-2)}`;
const asFlags = (services: Record<Service, boolean>) =>
  Object.fromEntries(SERVICES.map((s) => [s, services[s] ? 1 : 0])) as Record<Service, 0 | 1>;

export class HomeResponder {
  readonly #o: HomeResponderOptions;
  readonly #opener: JweOpener;
  readonly #pairKeys = new PairKeyCache();
  readonly #batcher: Batcher<QueuedAnswer>;
  readonly #inProgress = new Set<string>();
  readonly #me: string;
  readonly #records: HomeRequestRepository;

  constructor(options: HomeResponderOptions) {
    this.#o = options;
    this.#records = new HomeRequestRepository(options.store);
    this.#opener = new JweOpener(options.ring);
    this.#me = options.memberAccount.toLowerCase();
    const { blockGasLimit, ...batch } = options.batch;
    this.#batcher = new Batcher<QueuedAnswer>({
      ...batch,
      maxSize: batchSizeWithin("answer", batch.maxSize, blockGasLimit, sealedBytesBound(ANSWER_PLAINTEXT_BYTES)),
      flush: (_destination, items) => this.#flush(items),
    });
  }

  /**
   * Answers every pending request addressed to us that we have not answered yet (after a restart, or unpause).
   * Requests seen in the last `settleMs` are left to the event pass that is handling them.
   */
  async answerPending(settleMs: number): Promise<number> {
    const rows = await this.#o.readModel.unanswered(
      this.#o.memberAccount,
      new Date(Date.now() - settleMs).toISOString(),
      SWEEP_LIMIT,
    );
    const now = Date.now();
    const open = rows.filter((r) => !this.#inProgress.has(r.request_id) && Number(r.expires_at) * 1000 > now);
    if (open.length === 0 || (await this.#o.policy.get()).paused) return 0;
    return this.handle(await this.#o.ciphertexts.attach("request", open));
  }

  /** Decides and queues an answer for each request addressed to us; returns how many were queued. */
  async handle(rows: readonly SealedRow[]): Promise<number> {
    const policy = await this.#o.policy.get();
    if (policy.paused) return 0;
    const now = Date.now();
    // Claimed synchronously, before any await: the event pass and the sweep may see the same request.
    const mine = rows.filter(
      (r) => r.hpmn === this.#me && !this.#inProgress.has(r.request_id) && Number(r.expires_at) * 1000 > now,
    );
    for (const row of mine) this.#inProgress.add(row.request_id);
    const queued: Array<{ answer: QueuedAnswer; record: HomeRequestRecord }> = [];
    for (const row of mine) {
      try {
        queued.push(await this.#answerFor(row, now));
      } catch (error) {
        this.#inProgress.delete(row.request_id);
        this.#o.logger.warn({ err: error, requestId: row.request_id }, "roaming: cannot answer a request (will retry)");
      }
    }
    if (queued.length === 0) return 0;
    await this.#records.received(queued.map((q) => q.record));
    for (const { answer } of queued) {
      this.#batcher.add("answers", answer).then(
        () => this.#inProgress.delete(answer.requestId),
        (error: unknown) => {
          this.#inProgress.delete(answer.requestId);
          this.#o.logger.warn({ err: error, requestId: answer.requestId }, "roaming: answer batch failed");
        },
      );
    }
    return queued.length;
  }

  async #answerFor(row: SealedRow, now: number): Promise<{ answer: QueuedAnswer; record: HomeRequestRecord }> {
    const vpmn = row.vpmn as Address;
    let request: RequestPayload | undefined;
    let homeKid = "";
    let decision: Decision;
    let invalid: AnswerOutcome | undefined;
    // The quota is applied before anything is opened or looked up: a throttled answer is the same for every IMSI.
    const accepted = this.#o.quota.take(vpmn, now);
    this.#o.metrics.countHomeRequest(vpmn, accepted ? "accepted" : "throttled");
    if (!accepted) {
      invalid = "throttled";
    } else {
      try {
        const opened = this.#opener.open<RequestPayload>(row.ciphertext);
        request = opened.payload;
        homeKid = opened.kid;
        // The request id is bound into the content key (apv): a ciphertext lifted from another request fails here.
        invalid =
          opened.itemId === row.request_id ? await this.#checkRequest(row, request, homeKid) : "invalid-request";
      } catch {
        invalid = "undecryptable";
      }
    }
    if (invalid || !request) {
      decision = { outcome: invalid ?? "undecryptable", services: noServices(), validitySeconds: 0 };
    } else {
      const subscriber = await this.#o.register.lookup(request.imsi);
      decision = decide(subscriber, request.services, await this.#o.policy.get(), vpmn);
    }
    // A well-formed request is answered to the key it names; a broken or throttled one to the VPMN's current key.
    const recipient =
      request && !UNREAD_OUTCOMES.includes(decision.outcome)
        ? await this.#o.directory.keyOf(vpmn, request.visitedKid)
        : await this.#o.directory.currentKeyOf(vpmn);
    const validUntil = new Date(now + decision.validitySeconds * 1000).toISOString();
    const payload: AnswerPayload = {
      v: 1,
      outcome: decision.outcome,
      services: asFlags(decision.services),
      validUntil,
    };
    const record: HomeRequestRecord = {
      requestId: row.request_id,
      visitedOperator: vpmn,
      visitedPlmn: request?.visitedPlmn ?? null,
      imsiMasked: request && decision.outcome !== "invalid-request" ? maskImsi(request.imsi) : null,
      outcome: decision.outcome,
      granted: JSON.stringify(payload.services),
      validUntil: decision.outcome === "granted" ? validUntil : null,
      receivedAt: new Date(now).toISOString(),
    };
    return { answer: { requestId: row.request_id as Hex, recipient, payload }, record };
  }

  /** Undefined when the request is genuine; otherwise why it is not. */
  async #checkRequest(row: LedgerRequestRow, p: RequestPayload, homeKid: string): Promise<AnswerOutcome | undefined> {
    if (p?.v !== 1 || typeof p.imsi !== "string") return "invalid-request";
    if (!Array.isArray(p.services) || p.services.some((s) => !SERVICES.includes(s))) return "invalid-request";
    const ours = await this.#o.directory.networksOf(this.#o.memberAccount);
    if (!ours.includes(p.homePlmn) || !p.imsi.startsWith(p.homePlmn)) return "invalid-request";
    const theirs = await this.#o.directory.networksOf(row.vpmn as Address);
    if (!theirs.includes(p.visitedPlmn)) return "invalid-request";
    const visitedKey = await this.#o.directory.keyOf(row.vpmn as Address, p.visitedKid);
    const pairKey = this.#pairKeys.get(this.#o.ring, homeKid, visitedKey, {
      visitedPlmn: p.visitedPlmn,
      homePlmn: p.homePlmn,
      visitedKid: p.visitedKid,
      homeKid,
    });
    return requestTag(pairKey, row.request_id, p.imsi) === row.pseudonym ? undefined : "invalid-request";
  }

  async #flush(items: QueuedAnswer[]): Promise<void> {
    const byRecipient = new Map<string, QueuedAnswer[]>();
    for (const item of items) {
      const group = byRecipient.get(item.recipient.kid) ?? [];
      group.push(item);
      byRecipient.set(item.recipient.kid, group);
    }
    const answers: Array<{ requestId: Hex; ciphertext: string }> = [];
    for (const group of byRecipient.values()) {
      const sealed = await sealBatch(
        (group[0] as QueuedAnswer).recipient,
        group.map((g) => ({ itemId: g.requestId, payload: g.payload })),
        { paddedBytes: ANSWER_PLAINTEXT_BYTES },
      );
      group.forEach((g, i) => {
        answers.push({ requestId: g.requestId, ciphertext: sealed[i] as string });
      });
    }
    const receipt = await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.exchange,
      data: encodeSubmitAnswers(answers),
      ...batchGas(
        "answer",
        answers.length,
        answers.map((a) => a.ciphertext),
      ),
      label: `roaming.submitAnswers x${answers.length}`,
    });
    await this.#records.answered(
      answers.map((a) => a.requestId),
      new Date().toISOString(),
      receipt.transactionHash,
    );
  }

  async close(): Promise<void> {
    await this.#batcher.close();
  }
}
