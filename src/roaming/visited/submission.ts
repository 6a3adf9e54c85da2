// The visited side's writes to the RoamingExchange: requests batched per home operator (each sealed to its key with
// its own ephemeral key, padded to one size), activations and refusals, and expiries, each batched (batcher.ts) and
// sent through the outbox; once a batch is mined its sessions are updated in one statement. A refused request batch
// (or one that cannot be sealed) fails its sessions (recorded, waiters woken) instead of leaving them queued.
import type { Logger } from "pino";
import type { Address, Hex, Log } from "viem";
import type { Outbox } from "../../core/chain/outbox/outbox.ts";
import { Batcher } from "../batcher.ts";
import { sealBatch } from "../crypto/jwe.ts";
import type { EncryptionPublicJwk } from "../crypto/jwk.ts";
import {
  type BatchKind,
  batchGas,
  batchSizeWithin,
  encodeExpire,
  encodeRecordActivations,
  encodeSubmitRequests,
  sealedBytesBound,
  skippedItems,
} from "../exchange.ts";
import { REQUEST_PLAINTEXT_BYTES, type RequestPayload } from "../payloads.ts";
import type { SessionRepository } from "./repository.ts";
import type { SessionWaiters } from "./waiters.ts";

export interface QueuedRequest {
  requestId: Hex;
  recipient: EncryptionPublicJwk;
  pseudonym: Hex;
  expiresAt: bigint;
  payload: RequestPayload;
}

export interface QueuedActivation {
  requestId: Hex;
  activated: boolean;
  servicesDigest: Hex;
}

export interface SubmissionOptions {
  outbox: Outbox;
  logger: Logger;
  memberAccount: Address;
  exchange: Address;
  sessions: SessionRepository;
  waiters: SessionWaiters;
  /** Batch tuning; `blockGasLimit` (read from the chain) caps each kind's batch size (exchange.ts batchSizeWithin). */
  batch: { maxSize: number; maxDelayMs: number; maxInFlight: number; blockGasLimit?: bigint };
}

export class VisitedSubmission {
  readonly #o: SubmissionOptions;
  readonly #requests: Batcher<QueuedRequest>;
  readonly #activations: Batcher<QueuedActivation>;
  readonly #expiries: Batcher<Hex>;
  /** Request ids with a request, activation or expiry in this process's batches, until its session row is updated. */
  readonly #pending = new Set<string>();

  constructor(options: SubmissionOptions) {
    this.#o = options;
    const { blockGasLimit, ...batch } = options.batch;
    const sized = (kind: BatchKind, sealedBytes = 0) => ({
      ...batch,
      maxSize: batchSizeWithin(kind, batch.maxSize, blockGasLimit, sealedBytes),
    });
    this.#requests = new Batcher({
      ...sized("request", sealedBytesBound(REQUEST_PLAINTEXT_BYTES)),
      flush: (hpmn, items) => this.#flushRequests(hpmn, items),
    });
    this.#activations = new Batcher({ ...sized("activation"), flush: (_d, items) => this.#flushActivations(items) });
    this.#expiries = new Batcher({ ...sized("expiry"), flush: (_d, ids) => this.#flushExpiries(ids) });
  }

  /** Whether this process still has a record of this session on its way to the chain. */
  isPending(requestId: string): boolean {
    return this.#pending.has(requestId.toLowerCase());
  }

  /** Queues a request for its home operator's next batch; a refused batch is recorded on the sessions. */
  request(hpmn: Address, item: QueuedRequest): void {
    this.#track(item.requestId, this.#requests.add(hpmn, item)).catch(() => {
      // Recorded on the session by #flushRequests.
    });
  }

  activation(record: QueuedActivation): void {
    this.#track(record.requestId, this.#activations.add("activations", record)).catch((error: unknown) => {
      this.#o.logger.warn({ err: error, requestId: record.requestId }, "roaming: activation batch failed");
    });
  }

  /** Only requests that reached the chain can be expired there. */
  expiry(requestId: Hex): void {
    this.#track(requestId, this.#expiries.add("expiries", requestId)).catch((error: unknown) => {
      this.#o.logger.warn({ err: error, requestId }, "roaming: expiry batch failed");
    });
  }

  /** Pending from queueing until the flush that carried it (mined and recorded, or failed) is over. */
  #track(requestId: string, flushed: Promise<void>): Promise<void> {
    const id = requestId.toLowerCase();
    this.#pending.add(id);
    return flushed.finally(() => this.#pending.delete(id));
  }

  async #flushRequests(hpmn: string, items: QueuedRequest[]): Promise<void> {
    const recipient = (items[0] as QueuedRequest).recipient;
    const ids = items.map((item) => item.requestId);
    try {
      const sealed = await sealBatch(
        recipient,
        items.map((i) => ({ itemId: i.requestId, payload: i.payload })),
        { paddedBytes: REQUEST_PLAINTEXT_BYTES },
      );
      const receipt = await this.#o.outbox.send({
        from: this.#o.memberAccount,
        to: this.#o.exchange,
        data: encodeSubmitRequests(
          hpmn as Address,
          items.map((item, i) => ({
            requestId: item.requestId,
            pseudonym: item.pseudonym,
            expiresAt: item.expiresAt,
            ciphertext: sealed[i] as string,
          })),
        ),
        ...batchGas("request", items.length, sealed),
        label: `roaming.submitRequests x${items.length}`,
      });
      await this.#o.sessions.submitted(this.#recorded(ids, receipt), new Date().toISOString(), receipt.transactionHash);
    } catch (error) {
      const outcome = `ledger-rejected: ${(error as Error).message}`.slice(0, 300);
      await this.#o.sessions.failed(ids, outcome, new Date().toISOString());
      for (const id of ids) this.#o.waiters.wake(id);
      throw error;
    }
  }

  async #flushActivations(items: QueuedActivation[]): Promise<void> {
    const receipt = await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.exchange,
      data: encodeRecordActivations(items),
      ...batchGas("activation", items.length),
      label: `roaming.recordActivations x${items.length}`,
    });
    await this.#o.sessions.closed(
      this.#recorded(
        items.map((i) => i.requestId),
        receipt,
      ),
      new Date().toISOString(),
      receipt.transactionHash,
    );
  }

  async #flushExpiries(ids: Hex[]): Promise<void> {
    const receipt = await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.exchange,
      data: encodeExpire(ids),
      ...batchGas("expiry", ids.length),
      label: `roaming.expire x${ids.length}`,
    });
    await this.#o.sessions.closed(this.#recorded(ids, receipt), new Date().toISOString(), receipt.transactionHash);
  }

  /**
   * The ids of a mined batch that it recorded, without those the exchange skipped (a request id already taken, a
   * session already closed, an expiry the block clock does not yet allow). Their rows stay as they were, for the
   * reconciliation: it adopts the transaction that did record them, or sends them again.
   */
  #recorded<T extends string>(ids: readonly T[], receipt: { logs: readonly Log[] }): T[] {
    const skipped = skippedItems(receipt.logs, this.#o.exchange);
    if (skipped.size === 0) return [...ids];
    this.#o.logger.info({ skipped: skipped.size, of: ids.length }, "roaming: the exchange skipped items of a batch");
    return ids.filter((id) => !skipped.has(id.toLowerCase()));
  }

  /** Waits for every queued request, activation and expiry to be sent and mined. */
  async drain(): Promise<void> {
    await this.#requests.drain();
    await this.#activations.drain();
    await this.#expiries.drain();
  }

  async close(): Promise<void> {
    await this.#requests.close();
    await this.#activations.close();
    await this.#expiries.close();
  }
}
