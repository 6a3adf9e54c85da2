// Reads the agent's server-sent events (GET /v1/agent/events) with fetch(), because EventSource cannot send the
// API key header. parseEventStream is the text/event-stream parser; followEvents keeps one stream open.
import type { ApiClient } from "./api.ts";

export interface StreamMessage {
  event: string;
  data: string;
}

/** Splits a text/event-stream into messages as chunks arrive (a message may span chunks). */
export class EventStreamParser {
  #buffer = "";

  push(chunk: string): StreamMessage[] {
    this.#buffer += chunk.replace(/\r\n?/g, "\n");
    const out: StreamMessage[] = [];
    let end = this.#buffer.indexOf("\n\n");
    while (end >= 0) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = "message";
      const data: string[] = [];
      for (const line of block.split("\n")) {
        if (line === "" || line.startsWith(":")) continue;
        const colon = line.indexOf(":");
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? "" : line.slice(colon + 1).replace(/^ /, "");
        if (field === "event") event = value;
        else if (field === "data") data.push(value);
      }
      if (data.length) out.push({ event, data: data.join("\n") });
      end = this.#buffer.indexOf("\n\n");
    }
    return out;
  }
}

/** One ledger event as the agent streams it. */
export interface LiveEvent {
  source: string;
  eventName: string;
  blockNumber: number;
  txHash: string;
  logIndex: number;
  at: string;
  args: Record<string, string>;
}

/** Opens the stream and calls onEvent for each ledger event until the signal aborts; rejects when the stream fails. */
export async function followEvents(
  api: ApiClient,
  signal: AbortSignal,
  onEvent: (event: LiveEvent) => void,
  onOpen: () => void,
): Promise<void> {
  const response = await api.open("/v1/agent/events", signal);
  if (!response.body) throw new Error("the event stream has no body");
  onOpen();
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  const parser = new EventStreamParser();
  for (;;) {
    const { value, done } = await reader.read();
    if (done) return;
    for (const message of parser.push(value)) {
      if (message.event === "chain") onEvent(JSON.parse(message.data) as LiveEvent);
    }
  }
}
