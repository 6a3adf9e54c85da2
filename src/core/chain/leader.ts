// Leader election among the agent processes of one member that share one PostgreSQL database (docs/scaling.md).
// Exactly one of them writes to the chain: the one holding a session advisory lock on a dedicated connection. The
// lock lives as long as that connection: when the leader dies (kill -9, crash, lost network), PostgreSQL ends its
// session, the lock is released and the follower blocked in pg_advisory_lock gets it at once.
// Followers still accept writes: they journal them in the shared outbox table and NOTIFY the leader, which sends them.
import { createHash, randomUUID } from "node:crypto";
import pg from "pg";
import { type ChainLogger, stderrLogger } from "./logger.ts";

/** The channel a follower's outbox notifies after journalling a write, so the leader's outbox sends it at once. */
export const OUTBOX_JOURNALLED_CHANNEL = "telco_ledger_outbox_journalled";

/** What the outbox, the indexer and the agent ask of the election. */
export interface Leadership {
  /** This process's name among the replicas (logs, /health, metrics). */
  readonly replicaId: string;
  isLeader(): boolean;
  /** Called on every change of this process's role; returns an unsubscribe function. */
  onChange(listener: (leader: boolean) => void): () => void;
  /** Called (on the leader) when a follower journalled a write; returns an unsubscribe function. */
  onJournalled(listener: () => void): () => void;
  stop(): Promise<void>;
}

export interface ElectLeaderOptions {
  databaseUrl: string;
  /** What the replicas compete for: the member account (one leader per member, whatever shares the database). */
  scope: string;
  replicaId?: string;
  logger?: ChainLogger;
  /**
   * The leader's connection failed: this process may no longer write to the chain (another may lead already). The
   * agent exits so its supervisor restarts it as a follower (fencing by crash).
   */
  onLost(error: Error): void;
  /** How often the leader checks that its lock connection is alive. Default 1000 ms. */
  checkMs?: number;
  /** A follower whose lock connection broke connects again after this long. Default 1000 ms. */
  retryMs?: number;
}

/** The advisory lock key of a scope: 64 bits of its SHA-256, as PostgreSQL's signed bigint (decimal text). */
export function leaderLockKey(scope: string): string {
  const digest = createHash("sha256").update(`telco-ledger leader\n${scope.toLowerCase()}`).digest();
  return digest.readBigInt64BE(0).toString();
}

/**
 * Joins the election: resolves once this process knows its first role (leader when the lock was free, follower
 * otherwise, still waiting for the lock in the background).
 */
export async function electLeader(options: ElectLeaderOptions): Promise<Leadership> {
  const logger = options.logger ?? stderrLogger;
  const replicaId = options.replicaId ?? randomUUID().slice(0, 8);
  const key = leaderLockKey(options.scope);
  const checkMs = options.checkMs ?? 1000;
  const retryMs = options.retryMs ?? 1000;
  const changeListeners = new Set<(leader: boolean) => void>();
  const journalledListeners = new Set<() => void>();
  let leader = false;
  let stopped = false;
  let client: pg.Client | undefined;
  let check: NodeJS.Timeout | undefined;

  const setLeader = (value: boolean) => {
    if (leader === value) return;
    leader = value;
    for (const listener of changeListeners) listener(value);
  };

  const lost = (error: Error) => {
    if (stopped || !leader) return;
    clearInterval(check);
    setLeader(false);
    logger.error(
      { replica: replicaId, error: error.message },
      "leader lock connection lost: this replica stops writing",
    );
    options.onLost(error);
  };

  const connect = async (): Promise<pg.Client> => {
    const next = new pg.Client({
      connectionString: options.databaseUrl,
      keepAlive: true,
      application_name: `telco-ledger replica ${replicaId}`,
    });
    // Without a listener an 'error' event would crash the process; what it means depends on the role.
    next.on("error", (error) => lost(error));
    next.on("end", () => lost(new Error("the leader lock connection ended")));
    next.on("notification", (message) => {
      if (message.channel === OUTBOX_JOURNALLED_CHANNEL) for (const listener of journalledListeners) listener();
    });
    await next.connect();
    return next;
  };

  const becomeLeader = async (held: pg.Client) => {
    await held.query(`LISTEN ${OUTBOX_JOURNALLED_CHANNEL}`);
    // A connection that dies without an error event (a half-open socket) is noticed by a query that fails.
    let checking = false;
    check = setInterval(() => {
      if (checking) return;
      checking = true;
      held
        .query("SELECT 1")
        .catch((error: Error) => lost(error))
        .finally(() => {
          checking = false;
        });
    }, checkMs);
    check.unref();
    logger.info({ replica: replicaId }, "this replica leads: it sends the member's chain writes");
    setLeader(true);
  };

  /** Waits for the lock in the background, connecting again whenever the waiting connection breaks. */
  const campaign = async () => {
    while (!stopped) {
      try {
        client ??= await connect();
        await client.query("SELECT pg_advisory_lock($1::bigint)", [key]);
        if (stopped) return;
        await becomeLeader(client);
        return;
      } catch (error) {
        if (stopped) return;
        logger.warn({ replica: replicaId, error: (error as Error).message }, "leader election: retrying");
        const broken = client;
        client = undefined;
        await broken?.end().catch(() => undefined);
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    }
  };

  client = await connect();
  const first = await client.query<{ held: boolean }>("SELECT pg_try_advisory_lock($1::bigint) AS held", [key]);
  if (first.rows[0]?.held) await becomeLeader(client);
  else {
    logger.info({ replica: replicaId }, "another replica leads: this one follows (it journals writes, never sends)");
    void campaign();
  }

  return {
    replicaId,
    isLeader: () => leader,
    onChange(listener) {
      changeListeners.add(listener);
      return () => changeListeners.delete(listener);
    },
    onJournalled(listener) {
      journalledListeners.add(listener);
      return () => journalledListeners.delete(listener);
    },
    async stop() {
      stopped = true;
      clearInterval(check);
      leader = false;
      // Ending the session releases the lock (and cancels a pending pg_advisory_lock).
      await client?.end().catch(() => undefined);
    },
  };
}
