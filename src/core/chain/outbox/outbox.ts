// The transaction outbox: the only way the agent writes to the chain. A write is acknowledged once its signed
// transaction is journalled; a background loop then sees it mined, and recovery replays journalled transactions
// whenever the node lost them (crash, restart from an older state).
import { randomUUID } from "node:crypto";
import {
  type Abi,
  type Address,
  type Hex,
  isAddress,
  isHex,
  parseTransaction,
  type TransactionReceipt,
  TransactionReceiptNotFoundError,
  toHex,
} from "viem";
import type { Queryable, Store } from "../../store/store.ts";
import type { ChainClient } from "../client.ts";
import {
  ChainUnavailableError,
  TxFailedError,
  TxRejectedError,
  TxRequestInvalidError,
  TxUnknownError,
} from "../errors.ts";
import { type HeadWatcher, pause, SUBSCRIBED_LOOK_MS } from "../heads.ts";
import { keccak256 } from "../keccak.ts";
import { type Leadership, OUTBOX_JOURNALLED_CHANNEL } from "../leader.ts";
import { type ChainLogger, stderrLogger } from "../logger.ts";
import type { AccountSource, TxRequest, TxSender, TxTicket } from "../types.ts";
import { Commitments } from "./commitments.ts";
import { bumpedFees, DEFAULT_FEE_BUMP, type FeeBumpPolicy, feeCeilingOf, feesOfTransaction } from "./feeBump.ts";
import { type FeeFields, readFeeFields } from "./fees.ts";
import * as journal from "./journal.ts";
import { refusalFromError } from "./refusal.ts";
import { mergeErrorAbis, revertFromError } from "./revert.ts";
import { signTransaction } from "./sign.ts";

export interface CreateOutboxOptions {
  store: Store;
  chain: ChainClient;
  accounts: AccountSource;
  logger?: ChainLogger;
  /** Receipt-watch interval. Default 250 ms. */
  pollMs?: number;
  /** ABIs of all known contracts, to decode custom errors of a rejected transaction. */
  abis?: readonly Abi[];
  /** A transaction not mined after this long is broadcast again. Default 3 s. */
  rebroadcastMs?: number;
  /**
   * New heads from the node: receipts can only appear with a new block, so the watch runs on each one (and every
   * few seconds regardless) instead of every pollMs. Without a subscription it polls, backing off up to idlePollMs
   * while nothing is waiting to be mined.
   */
  heads?: HeadWatcher;
  /** Longest pause between passes while the journal has nothing unsettled. Default pollMs (no back-off). */
  idlePollMs?: number;
  /**
   * Replacing a transaction that waits too long with a higher fee, same nonce (feeBump.ts). Default DEFAULT_FEE_BUMP;
   * false: never. Free networks never bump (nothing to outbid).
   */
  feeBump?: FeeBumpPolicy | false;
  /**
   * Several agent processes of one member share this journal (PostgreSQL, ../leader.ts): every one journals writes,
   * only the leader sends, settles, bumps and recovers them. Nonces are taken under a database lock per sender.
   */
  leadership?: Pick<Leadership, "isLeader">;
}

export interface Outbox extends TxSender {
  /** Runs reconcile() and starts the receipt-watch loop. */
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Broadcasts again, in nonce order, every journalled tx the chain has not mined; returns how many. */
  recover(): Promise<number>;
  /**
   * recover(), then checks every entry journalled as mined or reverted against its receipt: one the chain lost
   * (a restore, a reorganisation) is broadcast again, or signed again under a new nonce when another transaction
   * took its nonce. Runs at start and whenever the node went back; returns how many were sent again. Does nothing
   * (0) while the outbox is not running: start() reconciles.
   */
  reconcile(): Promise<number>;
  /** What reconciliation found since the outbox was created. */
  stats(): OutboxStats;
  /** Resolves when nothing journalled is waiting to be mined. */
  drain(timeoutMs?: number): Promise<void>;
  /** Another replica journalled a write: the watch looks now instead of after its idle pause. */
  nudge(): void;
  entry(id: string): Promise<journal.JournalEntry | undefined>;
}

export interface OutboxStats {
  /** Entries journalled as mined or reverted whose receipt reconciliation looked up. */
  receiptsChecked: number;
  /** Settled entries the chain lost, broadcast again with their journalled bytes (their nonce was still free). */
  resent: number;
  /** Settled entries the chain lost whose nonce another transaction took: signed again under a new nonce. */
  resigned: number;
  /** Waiting entries signed again at their nonce with a higher fee. */
  feeBumps: number;
}

const GAS_MARGIN_PERCENT = 125n;
const RECONCILE_CONCURRENCY = 16;
/**
 * Settled entries per sender whose receipts reconciliation checks, newest first: a restore or a reorganisation loses
 * the tail of the history, and checking every row a long-lived agent ever sent would hold up each start.
 */
const RECONCILE_WINDOW = 5000;
const FEE_CACHE_MS = 5000;
/**
 * How long a write must be seen stranded in anvil's pool (below) before the outbox clears the sender's pool entries:
 * rules out the instant between a block's state and its pool update, when the next nonce is briefly queued.
 */
const STRANDED_GRACE_MS = 1000;

export function createOutbox(options: CreateOutboxOptions): Outbox {
  const { store, chain, accounts } = options;
  const logger = options.logger ?? stderrLogger;
  const pollMs = options.pollMs ?? 250;
  const rebroadcastMs = options.rebroadcastMs ?? 3000;
  const heads = options.heads;
  const idlePollMs = Math.max(pollMs, options.idlePollMs ?? pollMs);
  const errorAbi = mergeErrorAbis(options.abis ?? []);
  const chainId = chain.chain.id;
  const leadership = options.leadership;
  const leads = () => leadership?.isLeader() ?? true;
  /** Whether the last watch pass ran as the leader: a follower that becomes leader recovers the journal first. */
  let ledLastPass = false;

  const senderLocks = new Map<string, Promise<unknown>>();
  // Next nonce per sender once this process has journalled for it: saves a node round trip inside the sender lock
  // (the lock makes the journal the only writer). Cleared by recover(), which re-reads the chain.
  const nextNonce = new Map<string, number>();
  // On a network with fees: what each sender's unsettled entries may still cost (commitments.ts). Cleared by recover().
  const commitments = new Commitments();
  const waiters = new Map<string, Set<() => void>>();
  const lastBroadcast = new Map<string, number>();
  let fees: { fields: FeeFields; at: number } | undefined;
  let running = false;
  let loop: Promise<void> | undefined;
  let wake: (() => void) | undefined;
  let lastHead: { number: bigint; hash: Hex } | undefined;
  let nodeWasDown = false;
  let recovering: Promise<number> | undefined;
  const counts: OutboxStats = { receiptsChecked: 0, resent: 0, resigned: 0, feeBumps: 0 };
  const feeBump = options.feeBump === false ? undefined : (options.feeBump ?? DEFAULT_FEE_BUMP);
  /** When each waiting entry was last signed, as this process saw it: a fee bump waits feeBump.afterMs from here. */
  const signedAt = new Map<string, number>();
  /** Unsettled entries with earlier signatures at the same nonce: any of those may be the one mined. */
  const bumped = new Set<string>();
  /** Entries whose bumps are exhausted (warned once). */
  const bumpsExhausted = new Set<string>();
  /** Since when each sender's first unsettled entry has been that (releaseStranded). */
  const nextSince = new Map<string, number>();
  /** Since when the node has been seen holding such an entry queued at its sender's next nonce (releaseStranded). */
  const strandedSince = new Map<string, number>();
  let anvilNode: Promise<boolean> | undefined;
  let passesStarted = 0;
  let passesDone = 0;
  /** The watch's pause while nothing is waiting to be mined (grows while polling; see idlePollMs). */
  let idleWaitMs = pollMs;

  const withSenderLock = <T>(sender: string, fn: () => Promise<T>): Promise<T> => {
    const previous = senderLocks.get(sender) ?? Promise.resolve();
    const run = previous.then(fn, fn);
    const tail = run.catch(() => undefined);
    senderLocks.set(sender, tail);
    tail.then(() => {
      if (senderLocks.get(sender) === tail) senderLocks.delete(sender);
    });
    return run;
  };

  /**
   * With replicas, the in-process sender lock is not enough: each transaction that takes or changes a sender's nonce
   * first takes a transaction-scoped advisory lock on the sender, so two processes cannot journal the same nonce (the
   * UNIQUE (sender, nonce) constraint would refuse the second) nor re-sign one entry twice.
   */
  const lockSenderInDatabase = async (tx: Queryable, sender: string): Promise<void> => {
    if (!leadership || tx.dialect !== "postgres") return;
    await tx.one("SELECT pg_advisory_xact_lock(hashtext($1)) AS locked", [`telco-ledger outbox ${sender}`]);
  };

  const feeFields = async (): Promise<FeeFields> => {
    if (fees && Date.now() - fees.at < FEE_CACHE_MS) return fees.fields;
    fees = { fields: await readFeeFields(chain), at: Date.now() };
    return fees.fields;
  };

  const notify = (id: string) => {
    for (const resolve of waiters.get(id) ?? []) resolve();
    waiters.delete(id);
  };

  const broadcast = async (entry: { id: string; rawTx: Hex; hash: Hex }): Promise<boolean> => {
    lastBroadcast.set(entry.id, Date.now());
    try {
      await chain.sendRawTransaction({ serializedTransaction: entry.rawTx });
      return true;
    } catch (error) {
      const text = String((error as Error).message ?? error);
      // The node already has it (pooled or mined): nothing to do, the receipt watch settles it.
      if (/already|known|nonce too low|replacement/i.test(text)) return true;
      logger.warn({ id: entry.id, hash: entry.hash, error: text.split("\n")[0] }, "broadcast failed; will retry");
      return false;
    }
  };

  const validate = (request: TxRequest) => {
    if (typeof request !== "object" || request === null)
      throw new TxRequestInvalidError("request", "must be an object");
    if (typeof request.from !== "string" || !isAddress(request.from)) {
      throw new TxRequestInvalidError("from", "must be an address");
    }
    if (request.to !== undefined && (typeof request.to !== "string" || !isAddress(request.to))) {
      throw new TxRequestInvalidError("to", "must be an address when given");
    }
    if (typeof request.data !== "string" || !isHex(request.data)) {
      throw new TxRequestInvalidError("data", "must be 0x-prefixed hex");
    }
    if (request.value !== undefined && (typeof request.value !== "bigint" || request.value < 0n)) {
      throw new TxRequestInvalidError("value", "must be a non-negative bigint");
    }
    if (request.gas !== undefined && (typeof request.gas !== "bigint" || request.gas < 21_000n)) {
      throw new TxRequestInvalidError("gas", "must be a bigint of at least 21000 when given");
    }
    if (typeof request.label !== "string" || request.label.trim() === "") {
      throw new TxRequestInvalidError("label", "must be a non-empty string");
    }
  };

  const estimate = async (request: TxRequest): Promise<bigint> => {
    try {
      const call: Record<string, Hex> = { from: request.from, data: request.data };
      if (request.to) call.to = request.to;
      if (request.value) call.value = toHex(request.value);
      const gas = await chain.request({
        method: "eth_estimateGas",
        params: [call as never, "pending"],
      } as never);
      return BigInt(gas as Hex);
    } catch (error) {
      const reverted = revertFromError(error, errorAbi, request.label);
      if (reverted) throw reverted;
      const refused = refusalFromError(error, request.label);
      if (refused) throw refused;
      throw new ChainUnavailableError(`gas estimation for "${request.label}" failed`, error);
    }
  };

  const sign = (
    account: ReturnType<AccountSource["account"]>,
    feeData: FeeFields,
    fields: { nonce: number; gas: bigint; to: Address | undefined; data: Hex; value: bigint },
  ): Promise<Hex> => {
    const base = { chainId, ...fields };
    return signTransaction(
      account,
      feeData.type === "legacy"
        ? { ...base, type: "legacy", gasPrice: feeData.gasPrice }
        : {
            ...base,
            type: "eip1559",
            maxFeePerGas: feeData.maxFeePerGas,
            maxPriorityFeePerGas: feeData.maxPriorityFeePerGas,
          },
    );
  };

  /**
   * On a network with fees, an account that cannot pay is refused here, before anything is journalled: the node would
   * refuse the broadcast, and a journalled transaction that can never be mined would hold its sender's later nonces.
   * (Simulation does not catch it: nodes estimate gas without charging for it.) The balance must cover this
   * transaction on top of everything the sender has journalled and not yet seen mined, so concurrent writes cannot
   * overspend it together; called under the sender's lock. Free networks skip the lookup.
   */
  const ensureFunds = async (request: TxRequest, gas: bigint, price: bigint, cost: bigint): Promise<void> => {
    const sender = request.from.toLowerCase();
    // Replicas journal for the same sender: what the others committed is read again from the shared journal.
    if (leadership || !commitments.isLoaded(sender)) {
      commitments.load(sender, await journal.unsettledOf(store, request.from));
    }
    const committed = commitments.of(sender);
    let balance: bigint;
    try {
      balance = await chain.getBalance({ address: request.from, blockTag: "latest" });
    } catch (error) {
      throw new ChainUnavailableError("reading the account balance failed", error);
    }
    if (balance < committed.wei + cost) {
      const open =
        committed.count > 0
          ? `, of which ${committed.wei} wei are committed to its ${committed.count} transactions not yet mined,`
          : "";
      throw new TxRejectedError(
        request.label,
        `insufficient funds: ${request.from} holds ${balance} wei${open} and the transaction may cost ${cost} wei ` +
          `(gas ${gas} at ${price} wei plus value ${request.value ?? 0n}); fund the account (docs/network.md)`,
      );
    }
  };

  const submit = async (request: TxRequest): Promise<TxTicket> => {
    validate(request);
    const account = accounts.account(request.from);
    const gas = request.gas ?? ((await estimate(request)) * GAS_MARGIN_PERCENT) / 100n;
    const feeData = await feeFields().catch((error) => {
      throw new ChainUnavailableError("reading fee data failed", error);
    });
    const price = feeData.type === "legacy" ? feeData.gasPrice : feeData.maxFeePerGas;
    const cost = gas * price + (request.value ?? 0n);
    const sender = request.from.toLowerCase() as Address;
    const entry = await withSenderLock(sender, async () => {
      if (cost > 0n) await ensureFunds(request, gas, price, cost);
      let chainNonce = nextNonce.get(sender);
      if (chainNonce === undefined) {
        try {
          chainNonce = await chain.getTransactionCount({ address: request.from, blockTag: "pending" });
        } catch (error) {
          throw new ChainUnavailableError("reading the account nonce failed", error);
        }
      }
      const fromChain = chainNonce;
      const journalled = await store.transaction(async (tx) => {
        await lockSenderInDatabase(tx, sender);
        const nonce = Math.max(fromChain, (await journal.nextJournalNonce(tx, sender)) ?? 0);
        const rawTx = await sign(account, feeData, {
          nonce,
          gas,
          to: request.to,
          data: request.data,
          value: request.value ?? 0n,
        });
        const row = {
          id: randomUUID(),
          sender,
          nonce,
          label: request.label,
          to: request.to ?? null,
          rawTx,
          hash: keccak256(rawTx),
          status: "journalled" as const,
        };
        await journal.insertEntry(tx, row);
        // Delivered at commit: the leader's outbox sends the entry without waiting for its next pass.
        if (leadership && tx.dialect === "postgres") {
          await tx.one("SELECT pg_notify($1, $2) AS notified", [OUTBOX_JOURNALLED_CHANNEL, row.id]);
        }
        return row;
      });
      if (cost > 0n) commitments.record(sender, journalled.id, journalled.rawTx);
      return journalled;
    });
    nextNonce.set(sender, entry.nonce + 1);
    signedAt.set(entry.id, Date.now());
    // Journalled: from here the write survives any crash. Broadcast failures are retried by the loop. A follower
    // never sends: the leader does, having been notified.
    if (!leads()) return { id: entry.id, hash: entry.hash, nonce: entry.nonce, status: "journalled" };
    const sent = await broadcast(entry);
    if (sent) await journal.markSent(store, entry.id);
    // A watch backed off while idle looks now, for this entry's receipt (once: it then polls every pollMs).
    if (idleWaitMs > pollMs) {
      idleWaitMs = pollMs;
      wake?.();
    }
    return { id: entry.id, hash: entry.hash, nonce: entry.nonce, status: sent ? "sent" : "journalled" };
  };

  type StatusUpdate = { id: string; status: "mined" | "reverted"; blockNumber: number };

  /**
   * Looks up the receipt of a journalled transaction. With `batch`, the status change is collected for one
   * transaction per watch pass (one fsync for many receipts) and waiters are woken after that commit.
   */
  const settle = async (
    entry: journal.JournalEntry,
    batch?: StatusUpdate[],
  ): Promise<TransactionReceipt | undefined> => {
    const receipt = (await receiptOf(entry.hash)) ?? (await minedEarlierSignature(entry));
    if (!receipt) return undefined;
    const status = receipt.status === "success" ? "mined" : "reverted";
    commitments.release(entry.sender, entry.id);
    lastBroadcast.delete(entry.id);
    signedAt.delete(entry.id);
    bumped.delete(entry.id);
    bumpsExhausted.delete(entry.id);
    nextSince.delete(entry.id);
    strandedSince.delete(entry.id);
    if (entry.status !== status || entry.blockNumber !== Number(receipt.blockNumber)) {
      if (batch) {
        batch.push({ id: entry.id, status, blockNumber: Number(receipt.blockNumber) });
        return receipt;
      }
      await journal.setStatus(store, entry.id, status, Number(receipt.blockNumber), null);
    }
    notify(entry.id);
    return receipt;
  };

  const receiptOf = async (hash: Hex): Promise<TransactionReceipt | undefined> => {
    try {
      return await chain.getTransactionReceipt({ hash });
    } catch (error) {
      if (error instanceof TransactionReceiptNotFoundError) return undefined;
      throw error;
    }
  };

  /**
   * A fee-bumped entry whose earlier signature was mined (it reached the sealer before its replacement): the journal
   * takes those bytes back, so the entry's hash is the one on chain and a later replay broadcasts what was mined.
   */
  const minedEarlierSignature = async (entry: journal.JournalEntry): Promise<TransactionReceipt | undefined> => {
    if (!bumped.has(entry.id)) return undefined;
    for (const earlier of await journal.replacedSignatures(store, entry.id)) {
      const receipt = await receiptOf(earlier.hash);
      if (!receipt) continue;
      await journal.restoreSignature(store, entry.id, earlier);
      entry.rawTx = earlier.rawTx;
      entry.hash = earlier.hash;
      bumped.delete(entry.id);
      return receipt;
    }
    return undefined;
  };

  /**
   * Signs a waiting entry again at its nonce with a higher fee when it has waited feeBump.afterMs and either pays less
   * than the market fee now or holds up its sender's later nonces. Returns true when a replacement went out.
   */
  const bumpFee = async (entry: journal.JournalEntry, blocksSender: boolean): Promise<boolean> => {
    if (!feeBump) return false;
    const since = signedAt.get(entry.id);
    if (since === undefined) {
      // First sight in this process (after a restart): the wait starts now.
      signedAt.set(entry.id, Date.now());
      return false;
    }
    if (Date.now() - since < feeBump.afterMs) return false;
    const original = parseTransaction(entry.rawTx);
    const previous = feesOfTransaction(original);
    if (feeCeilingOf(previous) === 0n) return false;
    if (!blocksSender && feeCeilingOf(previous) >= feeCeilingOf(await feeFields())) return false;
    // A fresh read for the replacement itself: a cached fee from before a jump would waste the bump.
    const market = await readFeeFields(chain);
    fees = { fields: market, at: Date.now() };
    const earlier = await journal.replacedSignatures(store, entry.id);
    const next = earlier.length < feeBump.maxBumps ? bumpedFees(previous, market, feeBump) : undefined;
    if (!next) {
      if (!bumpsExhausted.has(entry.id)) {
        bumpsExhausted.add(entry.id);
        logger.warn(
          {
            id: entry.id,
            label: entry.label,
            hash: entry.hash,
            bumps: earlier.length,
            fee: String(feeCeilingOf(previous)),
          },
          `outbox: "${entry.label}" still waits to be mined and may not be bumped again (maxBumps or maxFeeWei)`,
        );
      }
      return false;
    }
    const account = accounts.account(entry.sender);
    const replacement = await withSenderLock(entry.sender, () =>
      store.transaction(async (tx) => {
        await lockSenderInDatabase(tx, entry.sender);
        // Re-read under the lock: a receipt or a re-sign (here or, with replicas, by a former leader) may have
        // changed the entry since this pass listed it.
        const current = await journal.getEntry(tx, entry.id);
        if (!current || current.hash !== entry.hash || (current.status !== "journalled" && current.status !== "sent")) {
          return undefined;
        }
        const rawTx = await sign(account, next, {
          nonce: entry.nonce,
          gas: original.gas ?? 21_000n,
          to: original.to ?? undefined,
          data: original.data ?? "0x",
          value: original.value ?? 0n,
        });
        const signed = { rawTx, hash: keccak256(rawTx) };
        await journal.bumpSigned(tx, entry.id, { rawTx: entry.rawTx, hash: entry.hash }, signed);
        return signed;
      }),
    );
    if (!replacement) return false;
    if (commitments.isLoaded(entry.sender)) commitments.record(entry.sender, entry.id, replacement.rawTx);
    bumped.add(entry.id);
    signedAt.set(entry.id, Date.now());
    counts.feeBumps++;
    logger.warn(
      {
        id: entry.id,
        label: entry.label,
        nonce: entry.nonce,
        oldHash: entry.hash,
        hash: replacement.hash,
        fee: String(feeCeilingOf(next)),
        bump: earlier.length + 1,
      },
      `outbox: "${entry.label}" waited ${Date.now() - since} ms unmined: signed again at nonce ${entry.nonce} with a higher fee`,
    );
    entry.rawTx = replacement.rawTx;
    entry.hash = replacement.hash;
    if (await broadcast({ id: entry.id, ...replacement })) await journal.markSent(store, entry.id);
    return true;
  };

  /** Whether the node is anvil (the devnet), from web3_clientVersion; asked once (again after a failure). */
  const nodeIsAnvil = (): Promise<boolean> => {
    anvilNode ??= chain
      .request({ method: "web3_clientVersion" } as never)
      .then((version: unknown) => typeof version === "string" && version.toLowerCase().startsWith("anvil"))
      .catch(() => {
        anvilNode = undefined;
        return false;
      });
    return anvilNode;
  };

  /**
   * anvil can strand a transaction in its pool for good: its sendRawTransaction reads the sender's nonce, then files
   * the transaction; when the block mining the previous nonce lands in between, the transaction is filed as waiting
   * for that nonce, which no transaction will provide again. It stays "queued" at the sender's next nonce, every
   * broadcast is answered "already imported", and each later nonce of the sender waits behind it: the whole journal
   * stalls (seen under load, e.g. a new leader re-sending a dead leader's writes beside the followers' new ones).
   * `entry` is its sender's first unsettled entry: once it has waited rebroadcastMs and the node has held it queued
   * at the chain's next nonce for STRANDED_GRACE_MS, the sender's pool entries are removed
   * (anvil_removePoolTransactions; anvil_dropTransaction ignores queued ones) and its journal entries from that nonce
   * are broadcast again in nonce order. Only on anvil: other nodes re-check their queued transactions on each block.
   * Returns true when it cleared the pool.
   */
  const releaseStranded = async (entry: journal.JournalEntry): Promise<boolean> => {
    const now = Date.now();
    const since = nextSince.get(entry.id) ?? now;
    nextSince.set(entry.id, since);
    if (now - since < rebroadcastMs || !(await nodeIsAnvil())) return false;
    const chainNonce = await chain.getTransactionCount({ address: entry.sender, blockTag: "latest" });
    // txpool_inspect: { queued: { <address>: { <nonce>: summary } } } (anvil 1.7 has no txpool_contentFrom).
    const pool = (await chain.request({ method: "txpool_inspect" } as never)) as {
      queued?: Record<string, Record<string, unknown>>;
    } | null;
    const queued = Object.entries(pool?.queued ?? {}).find(
      ([address]) => address.toLowerCase() === entry.sender.toLowerCase(),
    );
    if (chainNonce !== entry.nonce || queued?.[1][String(entry.nonce)] === undefined) {
      strandedSince.delete(entry.id);
      return false;
    }
    const stranded = strandedSince.get(entry.id) ?? now;
    strandedSince.set(entry.id, stranded);
    if (now - stranded < STRANDED_GRACE_MS) return false;
    strandedSince.delete(entry.id);
    nextSince.delete(entry.id);
    await chain.request({ method: "anvil_removePoolTransactions", params: [entry.sender] } as never);
    const open = (await journal.entriesFromNonce(store, entry.sender, chainNonce)).filter(
      (e) => e.status === "journalled" || e.status === "sent",
    );
    for (const e of open) if (await broadcast(e)) await journal.markSent(store, e.id);
    logger.warn(
      { id: entry.id, label: entry.label, sender: entry.sender, nonce: entry.nonce, count: open.length },
      `outbox: anvil held "${entry.label}" (nonce ${entry.nonce}, the sender's next) in its queued pool, where it would never be mined: cleared the sender's pool and sent its ${open.length} open entries again`,
    );
    return true;
  };

  /** True when the node has neither a receipt nor a transaction for `hash` (the chain lost it, or never had it). */
  const chainLost = async (hash: Hex): Promise<boolean> => {
    try {
      await chain.getTransactionReceipt({ hash });
      return false;
    } catch (error) {
      if (!(error instanceof TransactionReceiptNotFoundError)) throw error;
    }
    // No receipt: a transaction the node still holds is pending, not lost.
    return (await chain.request({ method: "eth_getTransactionByHash", params: [hash] })) === null;
  };

  /**
   * Signs a lost entry's call again under the sender's next free nonce, keeping its id: its old nonce was taken by
   * another transaction (a state restored ahead of its history, a key used elsewhere), so its bytes can never be mined.
   */
  const resign = async (entry: journal.JournalEntry): Promise<boolean> => {
    const original = parseTransaction(entry.rawTx);
    const feeData = await readFeeFields(chain);
    const account = accounts.account(entry.sender);
    const signed = await withSenderLock(entry.sender, async () => {
      const chainNonce = await chain.getTransactionCount({ address: entry.sender, blockTag: "pending" });
      return store.transaction(async (tx) => {
        await lockSenderInDatabase(tx, entry.sender);
        // Signed again already (by a former leader, with replicas): never a second new nonce for one write.
        const current = await journal.getEntry(tx, entry.id);
        if (current?.hash !== entry.hash) return undefined;
        const nonce = Math.max(chainNonce, (await journal.nextJournalNonce(tx, entry.sender)) ?? 0);
        const rawTx = await sign(account, feeData, {
          nonce,
          gas: original.gas ?? 21_000n,
          to: original.to ?? undefined,
          data: original.data ?? "0x",
          value: original.value ?? 0n,
        });
        const row = { nonce, rawTx, hash: keccak256(rawTx) };
        await journal.replaceSigned(tx, entry.id, row);
        return row;
      });
    });
    nextNonce.delete(entry.sender);
    if (!signed) return false;
    if (commitments.isLoaded(entry.sender)) commitments.record(entry.sender, entry.id, signed.rawTx);
    signedAt.set(entry.id, Date.now());
    logger.warn(
      { id: entry.id, label: entry.label, oldHash: entry.hash, oldNonce: entry.nonce, hash: signed.hash },
      `outbox: "${entry.label}" was mined but the chain lost it and its nonce ${entry.nonce} went to another transaction: signed again as nonce ${signed.nonce}`,
    );
    if (await broadcast({ id: entry.id, rawTx: signed.rawTx, hash: signed.hash }))
      await journal.markSent(store, entry.id);
    return true;
  };

  /** Checks the newest entries journalled as settled below the chain's nonce: each must still have its receipt. */
  const reconcileSettled = async (sender: Address, chainNonce: number): Promise<number> => {
    const settledEntries = await journal.settledBelowNonce(store, sender, chainNonce, RECONCILE_WINDOW);
    const lost: journal.JournalEntry[] = [];
    await forEachLimit(settledEntries, RECONCILE_CONCURRENCY, async (entry) => {
      counts.receiptsChecked++;
      if (await chainLost(entry.hash)) lost.push(entry);
    });
    lost.sort((a, b) => a.nonce - b.nonce);
    let resigned = 0;
    for (const entry of lost) {
      if (!(await resign(entry))) continue;
      counts.resigned++;
      resigned++;
    }
    return resigned;
  };

  const recover = async (reconcileSettledEntries = false): Promise<number> => {
    // A reconciliation asked for during a plain recovery runs after it: it must not be lost.
    if (recovering) return reconcileSettledEntries ? recovering.catch(() => 0).then(() => recover(true)) : recovering;
    recovering = (async () => {
      nextNonce.clear();
      // Entries the recovery finds lost become open again: each sender's commitments are read again from the journal.
      commitments.clear();
      for (const id of await journal.unsettledBumpedIds(store)) bumped.add(id);
      let replayed = 0;
      for (const sender of await journal.senders(store)) {
        const chainNonce = await chain.getTransactionCount({ address: sender, blockTag: "latest" });
        const entries = await journal.entriesFromNonce(store, sender, chainNonce);
        for (const entry of entries) {
          // A "mined" entry at or above the chain's nonce was lost with a newer state: it is pending again.
          if (entry.status === "mined" || entry.status === "reverted") {
            await journal.setStatus(store, entry.id, "sent", null, null);
            counts.resent++;
          }
          await broadcast(entry);
          replayed++;
        }
        if (entries.length > 0) {
          logger.warn(
            { sender, fromNonce: chainNonce, count: entries.length },
            `outbox replayed ${entries.length} journalled transactions of ${sender} from nonce ${chainNonce}`,
          );
        }
        // After the replay, so a re-signed entry takes a nonce after every entry that kept its own.
        if (reconcileSettledEntries) replayed += await reconcileSettled(sender, chainNonce);
      }
      return replayed;
    })().finally(() => {
      recovering = undefined;
    });
    return recovering;
  };

  /** True when the node restarted or went back to an older state since the last look. */
  const nodeWentBack = async (): Promise<boolean> => {
    const head = await chain.getBlock({ blockTag: "latest" });
    const previous = lastHead;
    lastHead = { number: head.number, hash: head.hash };
    if (!previous) return false;
    if (head.number < previous.number) return true;
    if (head.number === previous.number) return head.hash !== previous.hash;
    const then = await chain.getBlock({ blockNumber: previous.number }).catch(() => undefined);
    return then?.hash !== previous.hash;
  };

  /** A follower's pass: it sends nothing, and wakes its own callers whose entries the leader saw settled. */
  const followerTick = async () => {
    ledLastPass = false;
    for (const id of [...waiters.keys()]) {
      const entry = await journal.getEntry(store, id);
      if (entry && entry.status !== "journalled" && entry.status !== "sent") notify(id);
    }
    return waiters.size;
  };

  const tick = async () => {
    if (!leads()) return followerTick();
    if (leadership && !ledLastPass) {
      // First pass as the leader (at start, or taking over from a leader that died): whatever the journal holds
      // unsettled, from any replica, is broadcast again in nonce order, and settled entries are checked.
      lastHead = undefined;
      await recover(true);
      ledLastPass = true;
    }
    try {
      const wentBack = await nodeWentBack();
      if (wentBack || nodeWasDown) {
        logger.warn({ wentBack, nodeWasDown }, "chain node restarted or rewound: replaying the outbox");
        nodeWasDown = false;
        // A node that went back may have lost mined transactions below its nonce too: check their receipts.
        await recover(wentBack);
      }
    } catch (error) {
      if (!nodeWasDown) logger.warn({ error: String(error).split("\n")[0] }, "chain node unreachable");
      nodeWasDown = true;
      return 0;
    }
    const entries = await journal.unsettledEntries(store, 2000);
    const settled: StatusUpdate[] = [];
    // Entries come in (sender, nonce) order: the first of each sender is the one its later nonces wait for.
    const blocking = new Set(entries.filter((e, i) => i === 0 || entries[i - 1]?.sender !== e.sender).map((e) => e.id));
    await forEachLimit(entries, 32, async (entry) => {
      const receipt = await settle(entry, settled);
      if (receipt) return;
      if (await bumpFee(entry, blocking.has(entry.id))) return;
      if (Date.now() - (lastBroadcast.get(entry.id) ?? 0) < rebroadcastMs) return;
      if (await broadcast(entry)) await journal.markSent(store, entry.id);
    });
    if (settled.length > 0) {
      await store.transaction(async (tx) => {
        for (const u of settled) await journal.setStatus(tx, u.id, u.status, u.blockNumber, null);
      });
      for (const u of settled) notify(u.id);
    }
    // The first entry of each sender still waiting: the one its later nonces wait for (releaseStranded).
    const settledIds = new Set(settled.map((u) => u.id));
    const next = new Map<string, journal.JournalEntry>();
    for (const entry of entries)
      if (!settledIds.has(entry.id) && !next.has(entry.sender)) next.set(entry.sender, entry);
    const nextIds = new Set([...next.values()].map((entry) => entry.id));
    for (const id of nextSince.keys()) {
      if (nextIds.has(id)) continue;
      nextSince.delete(id);
      strandedSince.delete(id);
    }
    for (const entry of next.values()) {
      try {
        await releaseStranded(entry);
      } catch (error) {
        logger.warn({ id: entry.id, error: String(error).split("\n")[0] }, "outbox: checking the node's pool failed");
      }
    }
    return entries.length - settled.length;
  };

  /** Resolves after a whole watch pass that started after the call (the loop's, or one run here). */
  const fullPass = async () => {
    if (!running) {
      await tick();
      return;
    }
    const target = passesStarted + 1;
    wake?.();
    while (passesDone < target && running) await new Promise((resolve) => setTimeout(resolve, 10));
  };

  const run = async () => {
    while (running) {
      passesStarted++;
      const since = heads?.count ?? 0;
      let pending = 1;
      try {
        pending = await tick();
      } catch (error) {
        logger.warn({ error: String(error).split("\n")[0] }, "outbox watch failed; retrying");
        nodeWasDown = true;
      }
      passesDone = passesStarted;
      // Unsettled entries: look again soon (on the next head, or pollMs). Nothing waiting: back off while polling.
      idleWaitMs = pending > 0 || nodeWasDown ? pollMs : Math.min(idlePollMs, idleWaitMs * 2);
      // While something waits to be mined, look every pollMs as well as on each head: a receipt can trail the block's
      // announcement, and waiting for the next block would add a block time to every write. Idle: heads only.
      const waitMs = heads?.subscribed ? (pending > 0 ? pollMs : SUBSCRIBED_LOOK_MS) : idleWaitMs;
      const waiting = pause(heads, since, waitMs);
      wake = waiting.interrupt;
      await waiting.done;
    }
  };

  const waitMined = async (id: string): Promise<TransactionReceipt> => {
    for (;;) {
      const entry = await journal.getEntry(store, id);
      if (!entry) throw new TxUnknownError(id);
      if (entry.status === "failed") throw new TxFailedError(id, entry.hash, entry.error ?? "rejected by the node");
      // Without the loop, or when the journal says mined: the receipt is the authority.
      if (!running || entry.status === "mined" || entry.status === "reverted") {
        const receipt = await settle(entry).catch(() => undefined);
        if (receipt) {
          if (receipt.status !== "success") throw new TxFailedError(id, entry.hash, "reverted when mined");
          return receipt;
        }
      }
      await new Promise<void>((resolve) => {
        const set = waiters.get(id) ?? new Set();
        set.add(resolve);
        waiters.set(id, set);
        setTimeout(resolve, running ? 1000 : pollMs);
      });
    }
  };

  return {
    submit,
    waitMined,
    async send(request) {
      const ticket = await submit(request);
      return waitMined(ticket.id);
    },
    recover: () => recover(),
    // Only while running: a stopped outbox leaves its journal alone (its next start reconciles it). A rewind noticed
    // while an outbox is being replaced would otherwise reconcile beside the new instance, signing a lost write twice.
    reconcile: () => (running && leads() ? recover(true) : Promise.resolve(0)),
    stats: () => ({ ...counts }),
    async start() {
      if (running) return;
      try {
        // A follower leaves the journal to the leader; it recovers in its first pass as the leader.
        if (leads()) await recover(true);
        ledLastPass = leads();
      } catch (error) {
        // The node may be down at start: the loop replays once it answers.
        logger.warn({ error: String(error).split("\n")[0] }, "outbox recovery deferred: chain node unreachable");
        nodeWasDown = true;
      }
      running = true;
      loop = run();
    },
    async stop() {
      running = false;
      wake?.();
      await loop;
    },
    async drain(timeoutMs = 60_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        // A fresh pass first: it notices a node that went back and replays before anything counts as drained.
        await fullPass();
        await recovering;
        if ((await journal.countUnsettled(store)) === 0) return;
        if (Date.now() > deadline) throw new ChainUnavailableError(`outbox not drained within ${timeoutMs} ms`);
        await new Promise((resolve) => setTimeout(resolve, pollMs));
      }
    },
    entry: (id) => journal.getEntry(store, id),
    nudge() {
      idleWaitMs = pollMs;
      wake?.();
    },
  };
}

async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
