// New chain heads, pushed by the node over a WebSocket subscription (eth_subscribe "newHeads": anvil serves it on
// its HTTP port, geth and Besu on their WebSocket port), so an idle agent does not ask the node ten times a second
// whether anything happened. The indexer and the outbox wait on it; while no subscription is up (a node without
// WebSocket, or one that restarted) they fall back to polling with back-off, and the watcher keeps reconnecting.
import { type ChainLogger, stderrLogger } from "./logger.ts";

export interface HeadWatcher {
  /** True while the subscription is up: a new block is announced as soon as the node has it. */
  readonly subscribed: boolean;
  /** Heads announced so far; pass it to `next` to wait for one after that point. */
  readonly count: number;
  /**
   * Calls `wake` once a head after `since` is announced, the subscription comes up or drops (callers look at the
   * chain again then), or after `maxWaitMs`; at once if that already happened. Returns a cancel function for a loop
   * woken by something else first.
   */
  wait(since: number, maxWaitMs: number, wake: () => void): () => void;
  close(): void;
}

/** With a subscription up, loops still look at the chain this often: a lost announcement costs at most this. */
export const SUBSCRIBED_LOOK_MS = 15_000;

/** Waits for the next head (see HeadWatcher.wait), or `ms` without a watcher; `interrupt()` ends the wait early. */
export function pause(
  heads: HeadWatcher | undefined,
  since: number,
  ms: number,
): { done: Promise<void>; interrupt(): void } {
  let interrupt = () => {};
  const done = new Promise<void>((resolve) => {
    if (heads) {
      const cancel = heads.wait(since, ms, resolve);
      interrupt = () => {
        cancel();
        resolve();
      };
    } else {
      const timer = setTimeout(resolve, ms);
      interrupt = () => {
        clearTimeout(timer);
        resolve();
      };
    }
  });
  return { done, interrupt };
}

export interface WatchHeadsOptions {
  /** ws:// or wss:// URL of the node. */
  url: string;
  logger?: ChainLogger;
  /** Longest pause between reconnection attempts. Default 30 s. */
  maxReconnectMs?: number;
}

/** The node's WebSocket URL where it serves one on its JSON-RPC port (anvil): http -> ws, https -> wss. */
export function webSocketUrlOf(rpcUrl: string): string {
  return rpcUrl.replace(/^http(s?):\/\//, "ws$1://");
}

export function watchHeads(options: WatchHeadsOptions): HeadWatcher {
  const logger = options.logger ?? stderrLogger;
  const maxReconnectMs = options.maxReconnectMs ?? 30_000;
  let socket: WebSocket | undefined;
  let subscribed = false;
  let count = 0;
  let closed = false;
  let reconnectMs = 500;
  let reconnectTimer: NodeJS.Timeout | undefined;
  let warned = false;
  const waiters = new Set<() => void>();

  const wakeAll = () => {
    for (const wake of [...waiters]) wake();
  };

  const connect = () => {
    if (closed) return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(options.url);
    } catch (error) {
      dropped(String(error));
      return;
    }
    socket = ws;
    ws.addEventListener("open", () => {
      ws.send(JSON.stringify({ jsonrpc: "2.0", id: 1, method: "eth_subscribe", params: ["newHeads"] }));
    });
    ws.addEventListener("message", (message) => {
      let body: { id?: number; result?: unknown; error?: { message?: string }; method?: string };
      try {
        body = JSON.parse(String(message.data));
      } catch {
        return;
      }
      if (body.id === 1) {
        if (body.error || typeof body.result !== "string") {
          ws.close();
          dropped(`eth_subscribe refused: ${body.error?.message ?? "no subscription id"}`);
          return;
        }
        subscribed = true;
        reconnectMs = 500;
        if (warned) logger.info({ url: options.url }, "new-head subscription restored");
        warned = false;
        wakeAll();
        return;
      }
      if (body.method === "eth_subscription") {
        count++;
        wakeAll();
      }
    });
    // A refused connection fires only "error" (no "close") in Node's WebSocket; either one ends this socket.
    ws.addEventListener("close", () => {
      if (socket === ws) dropped("connection closed");
    });
    ws.addEventListener("error", () => {
      if (socket !== ws) return;
      dropped("connection failed");
      ws.close();
    });
  };

  const dropped = (reason: string) => {
    socket = undefined;
    const was = subscribed;
    subscribed = false;
    if (closed) return;
    if (!warned) {
      logger.warn(
        { url: options.url, reason },
        `no new-head subscription (${reason}): polling the node instead, reconnecting in the background`,
      );
      warned = true;
    }
    if (was) wakeAll();
    clearTimeout(reconnectTimer);
    reconnectTimer = setTimeout(connect, reconnectMs);
    reconnectTimer.unref();
    reconnectMs = Math.min(maxReconnectMs, reconnectMs * 2);
  };

  connect();

  return {
    get subscribed() {
      return subscribed;
    },
    get count() {
      return count;
    },
    wait(since, maxWaitMs, wake) {
      if (count > since || closed) {
        wake();
        return () => {};
      }
      const cancel = () => {
        clearTimeout(timer);
        waiters.delete(done);
      };
      const done = () => {
        cancel();
        wake();
      };
      const timer = setTimeout(done, maxWaitMs);
      waiters.add(done);
      return cancel;
    },
    close() {
      closed = true;
      clearTimeout(reconnectTimer);
      socket?.close();
      socket = undefined;
      subscribed = false;
      wakeAll();
    },
  };
}
