// The event indexer: follows the logs of the consortium contracts and feeds them to projections (the read model).
// Each event is stored once and projected in the same DB transaction as the cursor advance, so a crash never
// applies an event twice or skips one. When the chain drops blocks (a reorganisation, a devnet restored from an older
// state), the indexer undoes what those blocks projected (undo.ts: before-images recorded per block), forgets their
// events, and indexes the chain again from the last block both agree on: the read model follows the chain exactly,
// and a transaction mined again in another block is projected again with whatever it now says.
import {
  type Abi,
  type AbiEvent,
  type Address,
  BlockNotFoundError,
  formatLog,
  type Hex,
  type Log,
  type RpcLog,
  toEventSelector,
  toHex,
} from "viem";
import { DERIVED_DATA, type Queryable, type Store } from "../../store/store.ts";
import { type ChainClient, isTransportError } from "../client.ts";
import { ChainError, ChainUnavailableError } from "../errors.ts";
import { type HeadWatcher, pause, SUBSCRIBED_LOOK_MS } from "../heads.ts";
import type { Leadership } from "../leader.ts";
import { type ChainLogger, stderrLogger } from "../logger.ts";
import { type EventDecoder, eventDecoder } from "./decodeLog.ts";
import { openUndoJournal, type UndoJournal } from "./undo.ts";

export interface IndexerSource {
  /** Stable name stored with each event: "ConsortiumRegistry". */
  name: string;
  address: Address;
  abi: Abi;
  /** The contract's deployment block (from the manifest): no log of it exists earlier. */
  fromBlock: number;
  /**
   * Only the logs this member needs, as eth_getLogs topic filters: a log is indexed when it matches any one of them.
   * Absent: every log of the contract. A busy contract whose events name their parties in topics (the roaming
   * exchange) is filtered by party, so an agent neither fetches, decodes nor stores the traffic of other members.
   */
  topics?: readonly TopicFilter[];
}

/** One eth_getLogs `topics` filter: position by position, a topic, any of several, or null for any. */
export type TopicFilter = readonly (Hex | readonly Hex[] | null)[];

export interface ChainEvent {
  source: string;
  address: Address;
  eventName: string;
  args: Record<string, unknown>;
  blockNumber: number;
  blockHash: Hex;
  /** Block time, unix seconds: when the event took effect on the ledger. */
  blockTimestamp: number;
  /** Position of the log in its block. */
  logIndex: number;
  txHash: Hex;
  /** Position among this indexer's logs within the transaction: with txHash, the event's identity. */
  txLogPosition: number;
}

export interface Projection {
  name: string;
  /**
   * Every table the projection writes. Their changes are recorded per block and undone when the chain drops the
   * block; a table written by a projection but not named here would keep what dropped blocks projected.
   */
  tables: readonly string[];
  /** Applies one event inside the indexer's transaction; throwing rolls back the whole range, to be retried. */
  handle(event: ChainEvent, tx: Queryable): Promise<void>;
}

export interface CreateIndexerOptions {
  store: Store;
  chain: ChainClient;
  sources: readonly IndexerSource[];
  projections: readonly Projection[];
  /** Distinguishes several indexers in one database. Default "main". */
  name?: string;
  pollMs?: number;
  /**
   * New heads from the node: the indexer syncs on each one (and every few seconds regardless) instead of every
   * pollMs. Without a subscription it polls, backing off up to idlePollMs while the head does not move.
   */
  heads?: HeadWatcher;
  /** Longest pause between polls while the chain is idle. Default pollMs (no back-off). */
  idlePollMs?: number;
  /** Blocks to stay behind the head. Default 0: QBFT blocks are final, and a devnet restore is handled by rewinding. */
  confirmations?: number;
  /** Largest block range per eth_getLogs call. Default 2000. */
  maxRange?: number;
  logger?: ChainLogger;
  /**
   * Several agent processes of one member share the database (../leader.ts): only the leader indexes into the shared
   * read model. A follower reads it, and rebuilds what it derives in memory (its rewind listeners) whenever the
   * leader's cursor moved; it emits no events (the reactions to events, which may write to the chain, run once, on
   * the leader).
   */
  leadership?: Pick<Leadership, "isLeader">;
}

/** How long a follower's syncOnce waits for the leader's indexer to reach the head it saw. */
const FOLLOWER_SYNC_WAIT_MS = 10_000;

export interface Indexer {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** Indexes up to the (confirmed) head once; returns how many new events were applied. */
  syncOnce(): Promise<number>;
  /** Blocks between the confirmed head and the last indexed block. */
  lag(): Promise<number>;
  /** The last block the read model is indexed to (its cursor minus one). */
  indexedBlock(): Promise<number>;
  /** Called after commit with each newly applied event; returns an unsubscribe function. */
  onEvent(listener: (event: ChainEvent) => void): () => void;
  /**
   * Called after commit when blocks from `fromBlock` on were dropped and their projected effects undone: anything
   * derived in memory from the read model must be rebuilt from it (awaited before the indexer goes on). Returns an
   * unsubscribe function.
   */
  onRewind(listener: (fromBlock: number) => void | Promise<void>): () => void;
}

const CHECKPOINTS_KEPT = 64;
/** Syncs tried in a row while blocks vanish under them before the chain is reported unavailable. */
const CHAIN_MOVED_ATTEMPTS = 3;
const JOURNAL_BYTES_MAX = 256;

/**
 * An event's arguments as `chain_events` keeps them. A long byte string (an encrypted roaming payload) is recorded by
 * its size only: the chain keeps the bytes, projections get them whole, and copying kilobytes per event into the
 * journal doubled the disk writes of a busy agent.
 */
export function journalArgs(args: Record<string, unknown>): string {
  return JSON.stringify(journalValue(args));
}

// A copy fit for JSON (a replacer function would take JSON.stringify off its fast path for every event).
function journalValue(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  // The length first: it is known without flattening a long string that viem built by concatenation.
  if (typeof value === "string" && value.length > 2 + 2 * JOURNAL_BYTES_MAX && value.startsWith("0x")) {
    return { omitted: `${(value.length - 2) / 2} bytes, in the transaction's log` };
  }
  if (Array.isArray(value)) return value.map(journalValue);
  if (value !== null && typeof value === "object") {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = journalValue(v);
    return out;
  }
  return value;
}

/** eth_getLogs over a block range failed; the caller retries with fewer blocks. */
class RangeTooLargeError extends Error {
  constructor(from: number, to: number, cause: unknown) {
    super(`eth_getLogs for blocks ${from}..${to} failed`, { cause });
  }
}

export function createIndexer(options: CreateIndexerOptions): Indexer {
  const { store, chain, sources, projections } = options;
  const name = options.name ?? "main";
  const pollMs = options.pollMs ?? 500;
  const idlePollMs = Math.max(pollMs, options.idlePollMs ?? pollMs);
  const heads = options.heads;
  const confirmations = BigInt(options.confirmations ?? 0);
  const maxRange = options.maxRange ?? 2000;
  const logger = options.logger ?? stderrLogger;
  const bySource = new Map(sources.map((s) => [s.address.toLowerCase(), s]));
  // topic0 -> the one ABI event it names, per source, computed once: decodeEventLog over a whole ABI hashes every
  // event signature for every log, which was a tenth of an agent's CPU under roaming load.
  const eventsBySource = new Map(
    sources.map((s) => [
      s.address.toLowerCase(),
      new Map(
        s.abi
          .filter((item): item is AbiEvent => item.type === "event")
          .map((item): [string, EventDecoder] => [toEventSelector(item).toLowerCase(), eventDecoder(item)]),
      ),
    ]),
  );
  const firstBlock = Math.min(...sources.map((s) => s.fromBlock));
  const listeners = new Set<(event: ChainEvent) => void>();
  const rewindListeners = new Set<(fromBlock: number) => void | Promise<void>>();
  let undo: Promise<UndoJournal> | undefined;
  const undoJournal = () => {
    undo ??= openUndoJournal(store, name, [...new Set(projections.flatMap((p) => p.tables))]).catch((error) => {
      undo = undefined;
      throw error;
    });
    return undo;
  };
  let running = false;
  let loop: Promise<void> | undefined;
  let interrupt: (() => void) | undefined;
  /** The head the last sync saw: the polling loop backs off while it stays the same. */
  let lastHead = -1;
  let syncing: Promise<number> | undefined;

  const readCursor = async (): Promise<number> => {
    const row = await store.one<{ next_block: number | string }>(
      "SELECT next_block FROM chain_cursors WHERE indexer = $1",
      [name],
    );
    return row ? Number(row.next_block) : firstBlock;
  };

  const confirmedHead = async () => {
    const head = (await chain.getBlockNumber({ cacheTime: 0 })) - confirmations;
    return head < 0n ? -1 : Number(head);
  };

  /** Finds the newest checkpoint still on the chain; everything after it must be read again. */
  const rewindIfChainChanged = async (cursor: number): Promise<number> => {
    const checkpoints = await store.query<{ block_number: number | string; block_hash: string }>(
      "SELECT block_number, block_hash FROM chain_block_checkpoints WHERE indexer = $1 ORDER BY block_number DESC",
      [name],
    );
    if (checkpoints.length === 0) return cursor;
    let resumeAt = firstBlock;
    let changed = false;
    for (const checkpoint of checkpoints) {
      const block = await chain.getBlock({ blockNumber: BigInt(checkpoint.block_number) }).catch(() => undefined);
      if (block && block.hash === checkpoint.block_hash) {
        resumeAt = Number(checkpoint.block_number) + 1;
        break;
      }
      changed = true;
    }
    if (!changed) return cursor;
    logger.warn(
      { indexer: name, from: cursor, to: resumeAt },
      `chain changed below the indexer cursor (reorganisation or devnet restored): rewinding from block ${cursor} to ${resumeAt}`,
    );
    return rewindTo(resumeAt);
  };

  /** Undoes what blocks >= resumeAt projected, forgets their events and checkpoints, and moves the cursor there. */
  const rewindTo = async (resumeAt: number): Promise<number> => {
    const journal = await undoJournal();
    let undone = 0;
    await store.transaction(async (tx) => {
      undone = await journal.undoFrom(tx, resumeAt);
      // The same transactions may be mined again, elsewhere or with other effects: they must be projected again.
      await tx.exec("DELETE FROM chain_events WHERE indexer = $1 AND block_number >= $2", [name, resumeAt]);
      await tx.exec("DELETE FROM chain_block_checkpoints WHERE indexer = $1 AND block_number >= $2", [name, resumeAt]);
      await saveCursor(tx, resumeAt);
    });
    logger.warn({ indexer: name, resumeAt, undone }, `undid ${undone} read-model changes of dropped blocks`);
    // Awaited before anything newer is indexed, so a rebuild from the read model cannot miss a later event.
    for (const listener of rewindListeners) {
      try {
        await listener(resumeAt);
      } catch (error) {
        logger.warn({ error: String(error) }, "indexer rewind listener failed");
      }
    }
    return resumeAt;
  };

  const saveCursor = (tx: Queryable, next: number) =>
    tx.exec(
      `INSERT INTO chain_cursors (indexer, next_block, updated_at) VALUES ($1, $2, $3)
       ON CONFLICT (indexer) DO UPDATE SET next_block = excluded.next_block, updated_at = excluded.updated_at`,
      [name, next, new Date().toISOString()],
    );

  const decode = (logs: Log[]): ChainEvent[] => {
    const sorted = [...logs].sort((a, b) =>
      a.blockNumber === b.blockNumber
        ? (a.logIndex ?? 0) - (b.logIndex ?? 0)
        : Number((a.blockNumber ?? 0n) - (b.blockNumber ?? 0n)),
    );
    const positions = new Map<string, number>();
    const events: ChainEvent[] = [];
    for (const log of sorted) {
      if (log.transactionHash === null || log.blockNumber === null || log.blockHash === null) continue;
      const position = positions.get(log.transactionHash) ?? 0;
      positions.set(log.transactionHash, position + 1);
      const source = bySource.get(log.address.toLowerCase());
      if (!source || Number(log.blockNumber) < source.fromBlock) continue;
      let decoded: ReturnType<EventDecoder>;
      try {
        const decodeLog = eventsBySource.get(source.address.toLowerCase())?.get(log.topics[0]?.toLowerCase() ?? "");
        if (!decodeLog) throw new Error("unknown event");
        decoded = decodeLog(log.topics, log.data);
      } catch {
        logger.warn({ source: source.name, tx: log.transactionHash }, "log not in the source's ABI; skipped");
        continue;
      }
      events.push({
        source: source.name,
        address: source.address,
        eventName: decoded.eventName,
        args: decoded.args ?? {},
        blockNumber: Number(log.blockNumber),
        blockHash: log.blockHash,
        blockTimestamp: 0,
        logIndex: log.logIndex ?? 0,
        txHash: log.transactionHash,
        txLogPosition: position,
      });
    }
    return events;
  };

  // One eth_getLogs for every unfiltered source together, one per topic filter of a filtered source.
  const logQueries: Array<{ address: Address | Address[]; topics?: TopicFilter }> = [
    ...(sources.some((s) => !s.topics) ? [{ address: sources.filter((s) => !s.topics).map((s) => s.address) }] : []),
    ...sources.flatMap((s) => (s.topics ?? []).map((topics) => ({ address: s.address, topics }))),
  ];
  const fetchLogs = async (from: number, to: number): Promise<Log[]> => {
    const answers = await Promise.all(
      logQueries.map(
        (query) =>
          chain.request({
            method: "eth_getLogs",
            params: [{ ...query, fromBlock: toHex(from), toBlock: toHex(to) } as never],
          }) as Promise<RpcLog[]>,
      ),
    );
    if (answers.length === 1) return (answers[0] as RpcLog[]).map((log) => formatLog(log));
    // Filters of one source may overlap: a log counts once.
    const seen = new Set<string>();
    const logs: Log[] = [];
    for (const log of answers.flat()) {
      const key = `${log.blockHash}:${log.logIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      logs.push(formatLog(log));
    }
    return logs;
  };

  const applyRange = async (from: number, to: number): Promise<ChainEvent[]> => {
    // The range's last block is read before and after its logs: the same hash both times means every log came from
    // that one chain (a block's hash commits to all its ancestors). Without the first read, logs of blocks a restore
    // then dropped were checkpointed under the new chain's hash, and never undone nor read again.
    const before = await chain.getBlock({ blockNumber: BigInt(to) });
    let logs: Log[];
    try {
      logs = await fetchLogs(from, to);
    } catch (error) {
      // Too many logs for one answer (node limits, or the client's response size cap): ask for fewer blocks.
      if (to > from) throw new RangeTooLargeError(from, to, error);
      throw error;
    }
    const end = await chain.getBlock({ blockNumber: BigInt(to) });
    if (end.hash !== before.hash || logs.some((log) => Number(log.blockNumber) === to && log.blockHash !== end.hash)) {
      // Handled like a block that vanished: the sync starts again from the checkpoints, which rewind if needed.
      throw new BlockNotFoundError({ blockNumber: BigInt(to) });
    }
    const events = decode(logs);
    // One header per block that has events: projections record when each change took effect.
    const times = new Map<number, number>([[to, Number(end.timestamp)]]);
    const missing = [...new Set(events.map((e) => e.blockNumber))].filter((n) => !times.has(n));
    for (let i = 0; i < missing.length; i += 16) {
      const headers = await Promise.all(
        missing.slice(i, i + 16).map((n) => chain.getBlock({ blockNumber: BigInt(n) })),
      );
      for (const header of headers) times.set(Number(header.number), Number(header.timestamp));
    }
    for (const event of events) event.blockTimestamp = times.get(event.blockNumber) ?? 0;
    const applied: ChainEvent[] = [];
    const journal = await undoJournal();
    // The read model is derived from the chain: a range lost to a power cut (cursor and projections together) is
    // indexed again, so the commit need not wait for the disk.
    await store.transaction(async (tx) => {
      let recording: number | undefined;
      for (const event of events) {
        const inserted = await tx.exec(
          `INSERT INTO chain_events (indexer, tx_hash, tx_log_position, source, address, event_name, args_json,
             block_number, block_hash, log_index, indexed_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (indexer, tx_hash, tx_log_position) DO NOTHING`,
          [
            name,
            event.txHash,
            event.txLogPosition,
            event.source,
            event.address,
            event.eventName,
            journalArgs(event.args),
            event.blockNumber,
            event.blockHash,
            event.logIndex,
            new Date().toISOString(),
          ],
        );
        // Already projected: the same log met twice in one answer. A transaction mined again after a rewind is new
        // here, because the rewind forgot the events of the dropped blocks.
        if (inserted.changes === 0) continue;
        if (recording !== event.blockNumber) {
          await journal.recordFor(tx, event.blockNumber);
          recording = event.blockNumber;
        }
        for (const projection of projections) await projection.handle(event, tx);
        applied.push(event);
      }
      if (recording !== undefined) await journal.stopRecording(tx);
      await saveCursor(tx, to + 1);
      await tx.exec(
        `INSERT INTO chain_block_checkpoints (indexer, block_number, block_hash) VALUES ($1, $2, $3)
         ON CONFLICT (indexer, block_number) DO UPDATE SET block_hash = excluded.block_hash`,
        [name, to, end.hash],
      );
      await tx.exec(
        `DELETE FROM chain_block_checkpoints WHERE indexer = $1 AND block_number < (
           SELECT MIN(block_number) FROM (SELECT block_number FROM chain_block_checkpoints WHERE indexer = $1
             ORDER BY block_number DESC LIMIT $2) AS kept)`,
        [name, CHECKPOINTS_KEPT],
      );
      // A rewind resumes after the oldest checkpoint still on the chain at the earliest: undo records of blocks up
      // to that checkpoint can never be needed.
      const oldest = await tx.one<{ block_number: number | string | null }>(
        "SELECT MIN(block_number) AS block_number FROM chain_block_checkpoints WHERE indexer = $1",
        [name],
      );
      if (oldest?.block_number !== null && oldest?.block_number !== undefined) {
        await journal.pruneBelow(tx, Number(oldest.block_number) + 1);
      }
    }, DERIVED_DATA);
    return applied;
  };

  let range = maxRange;
  const sync = async (): Promise<number> => {
    try {
      // A block the head promised is gone: the node went back (a restore, a reorganisation) while this sync ran. The
      // next sync reads the new head and rewinds; a chain that keeps moving back is reported as unavailable.
      for (let attempt = 1; ; attempt++) {
        try {
          return await syncRanges();
        } catch (error) {
          if (!(error instanceof BlockNotFoundError)) throw error;
          logger.warn({ indexer: name, attempt }, `${error.shortMessage}: the chain went back during the sync`);
          if (attempt === CHAIN_MOVED_ATTEMPTS) {
            throw new ChainUnavailableError(`the chain kept going back during indexing (${error.shortMessage})`, error);
          }
        }
      }
    } catch (error) {
      // A node that does not answer is an outage, whatever the transport said (callers answer 503, not 500).
      if (error instanceof ChainError || !isTransportError(error)) throw error;
      throw new ChainUnavailableError(String((error as Error).message ?? error).split("\n")[0] ?? "", error);
    }
  };
  const syncRanges = async (): Promise<number> => {
    const head = await confirmedHead();
    lastHead = head;
    let cursor = await rewindIfChainChanged(await readCursor());
    if (cursor > head + 1) {
      logger.warn({ indexer: name, cursor, head }, `chain head ${head} is below the indexer cursor: rewinding`);
      cursor = await rewindTo(Math.max(firstBlock, head + 1));
    }
    let count = 0;
    while (cursor <= head) {
      const to = Math.min(cursor + range - 1, head);
      let applied: ChainEvent[];
      try {
        applied = await applyRange(cursor, to);
      } catch (error) {
        if (!(error instanceof RangeTooLargeError)) throw error;
        range = Math.max(1, Math.floor((to - cursor + 1) / 2));
        logger.warn({ indexer: name, from: cursor, to, range }, "log range too large for one request: halving it");
        continue;
      }
      // Grow back towards maxRange once ranges succeed again.
      range = Math.min(maxRange, range * 2);
      count += applied.length;
      for (const event of applied) {
        for (const listener of listeners) {
          try {
            listener(event);
          } catch (error) {
            logger.warn({ error: String(error) }, "indexer listener failed");
          }
        }
      }
      cursor = to + 1;
    }
    return count;
  };

  /** The leader's cursor as this follower last rebuilt from it. */
  let followedCursor: number | undefined;
  const followShared = async (waitForHead: boolean): Promise<number> => {
    let cursor = await readCursor();
    if (waitForHead) {
      // A caller reading its own write: the leader's indexer must have reached the head as it is now.
      const head = await confirmedHead();
      const deadline = Date.now() + FOLLOWER_SYNC_WAIT_MS;
      while (cursor <= head && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        cursor = await readCursor();
      }
    }
    lastHead = cursor - 1;
    if (cursor === followedCursor) return 0;
    const from = Math.min(followedCursor ?? cursor, cursor);
    followedCursor = cursor;
    for (const listener of rewindListeners) await listener(from);
    return 0;
  };

  let queued: Promise<number> | undefined;
  const syncOnce = (): Promise<number> => {
    if (options.leadership && !options.leadership.isLeader()) return followShared(true);
    // Leading now: the next time this process follows, it rebuilds first.
    followedCursor = undefined;
    // One sync at a time: the loop and a caller must not index the same range concurrently.
    if (!syncing) {
      syncing = sync().finally(() => {
        syncing = undefined;
      });
      return syncing;
    }
    // A sync is running, but it may have read the head before the caller's write was mined: the caller gets the
    // next sync, which starts after this one (one queued sync is shared by every caller that arrives meanwhile).
    queued ??= syncing
      .catch(() => 0)
      .then(() => {
        queued = undefined;
        return syncOnce();
      });
    return queued;
  };

  return {
    syncOnce,
    async start() {
      if (running) return;
      running = true;
      loop = (async () => {
        let idleWaitMs = pollMs;
        let seen = heads?.count ?? 0;
        while (running) {
          const since = heads?.count ?? 0;
          // Woken by an announced head: the node may announce a block a moment before its RPC serves it.
          const wokenByHead = since > seen;
          seen = since;
          const headBefore = lastHead;
          let moved = true;
          try {
            if (options.leadership && !options.leadership.isLeader()) await followShared(false);
            else await syncOnce();
            moved = lastHead !== headBefore;
          } catch (error) {
            logger.warn({ indexer: name, error: String(error).split("\n")[0] }, "indexer sync failed; retrying");
          }
          idleWaitMs = moved ? pollMs : Math.min(idlePollMs, idleWaitMs * 2);
          // An announced block the sync did not see yet is looked for again after pollMs, not at the next block.
          const recheck = wokenByHead && !moved;
          const waitMs = heads?.subscribed ? (recheck ? pollMs : SUBSCRIBED_LOOK_MS) : idleWaitMs;
          const waiting = pause(heads, since, waitMs);
          interrupt = waiting.interrupt;
          await waiting.done;
        }
      })();
    },
    async stop() {
      running = false;
      interrupt?.();
      await loop;
    },
    async lag() {
      const head = await confirmedHead();
      return Math.max(0, head - ((await readCursor()) - 1));
    },
    async indexedBlock() {
      return (await readCursor()) - 1;
    },
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    onRewind(listener) {
      rewindListeners.add(listener);
      return () => rewindListeners.delete(listener);
    },
  };
}
