// What the console's Overview needs that no domain serves: GET /v1/agent/chain (the chain head, the block the read
// model is indexed to, the lag between them) and GET /v1/agent/events, the ledger's events as this agent indexes
// them, as server-sent events. Browsers' EventSource cannot send the API key header, so the console reads the stream
// with fetch(); the route takes the key like every other (read-only role).

import type { ServerResponse } from "node:http";
import { Type } from "@sinclair/typebox";
import { type ApiModule, errorResponses, strictObject } from "../core/api/index.ts";
import type { ChainClient } from "../core/chain/client.ts";
import type { ChainEvent, Indexer } from "../core/chain/indexer/indexer.ts";

/** A comment line this often keeps proxies from closing an idle stream. */
const HEARTBEAT_MS = 15_000;
/** A client that reads slower than the chain writes loses events rather than growing the agent's memory. */
const MAX_BUFFERED_BYTES = 1 << 20;

/** One event as the stream sends it: JSON-safe (bigints as decimal strings). */
export function liveEventOf(event: ChainEvent): Record<string, unknown> {
  return {
    source: event.source,
    eventName: event.eventName,
    blockNumber: event.blockNumber,
    txHash: event.txHash,
    logIndex: event.logIndex,
    at: new Date(event.blockTimestamp * 1000).toISOString(),
    args: Object.fromEntries(Object.entries(event.args).map(([k, v]) => [k, jsonSafe(v)])),
  };
}

function jsonSafe(value: unknown): unknown {
  if (typeof value === "bigint") return value.toString();
  if (Array.isArray(value)) return value.map(jsonSafe);
  return value;
}

export function consoleLiveModule(deps: { chain: ChainClient; indexer: Indexer }): ApiModule {
  const { chain, indexer } = deps;
  const streams = new Set<ServerResponse>();
  return {
    name: "agent-live",
    register(app) {
      // Open streams would keep the server from closing: end them first.
      app.addHook("preClose", async () => {
        for (const stream of streams) stream.end();
      });

      app.get(
        "/v1/agent/chain",
        {
          schema: {
            summary: "The chain head, the block this agent's read model is indexed to, and the lag between them",
            tags: ["agent"],
            operationId: "getAgentChain",
            response: {
              200: strictObject({ headBlock: Type.Integer(), indexedBlock: Type.Integer(), lagBlocks: Type.Integer() }),
              ...errorResponses("UNAUTHENTICATED"),
            },
          },
        },
        async () => {
          const [head, indexed, lag] = await Promise.all([
            chain.getBlockNumber(),
            indexer.indexedBlock(),
            indexer.lag(),
          ]);
          return { headBlock: Number(head), indexedBlock: indexed, lagBlocks: lag };
        },
      );

      app.get(
        "/v1/agent/events",
        {
          schema: {
            summary: "The ledger's events as this agent indexes them, live (text/event-stream, `event: chain`)",
            description:
              "Server-sent events: each message is `event: chain` with a JSON `data` line (source contract, event " +
              "name, block, transaction, block time, arguments with integers as decimal strings). Read it with " +
              "fetch() and the Authorization header (EventSource cannot send it). Starts with `event: ready`.",
            tags: ["agent"],
            operationId: "streamAgentEvents",
            response: { ...errorResponses("UNAUTHENTICATED") },
          },
        },
        async (request, reply) => {
          reply.hijack();
          const out = reply.raw;
          out.writeHead(200, {
            "content-type": "text/event-stream; charset=utf-8",
            "cache-control": "no-cache",
            "x-request-id": request.id,
          });
          out.write(`event: ready\ndata: {}\n\n`);
          streams.add(out);
          const send = (event: ChainEvent) => {
            if (out.writableLength > MAX_BUFFERED_BYTES) return;
            out.write(`event: chain\ndata: ${JSON.stringify(liveEventOf(event))}\n\n`);
          };
          const unsubscribe = indexer.onEvent(send);
          const heartbeat = setInterval(() => out.write(": heartbeat\n\n"), HEARTBEAT_MS);
          const close = () => {
            clearInterval(heartbeat);
            unsubscribe();
            streams.delete(out);
          };
          out.on("close", close);
        },
      );
    },
  };
}
