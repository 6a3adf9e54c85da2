// Keeps the agent's live event stream (GET /v1/agent/events) open while a page shows, calling onEvent for each ledger
// event; reconnects after a failure and reports whether the stream is open and its last failure (never swallowed).
import { useEffect, useRef, useState } from "react";
import type { ApiClient } from "./api.ts";
import { followEvents, type LiveEvent } from "./events.ts";

const RETRY_MS = 3000;

export interface LiveStream {
  live: boolean;
  error: unknown;
}

export function useLiveEvents(api: ApiClient, onEvent: (event: LiveEvent) => void): LiveStream {
  const [live, setLive] = useState(false);
  const [error, setError] = useState<unknown>();
  // The latest handler, so a re-render does not reopen the stream.
  const handler = useRef(onEvent);
  handler.current = onEvent;
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      followEvents(
        api,
        controller.signal,
        (event) => handler.current(event),
        () => {
          setLive(true);
          setError(undefined);
        },
      )
        .catch((e: unknown) => {
          if (!controller.signal.aborted) setError(e);
        })
        .finally(() => {
          setLive(false);
          if (!controller.signal.aborted) timer = setTimeout(connect, RETRY_MS);
        });
    };
    connect();
    return () => {
      controller.abort();
      clearTimeout(timer);
    };
  }, [api]);
  return { live, error };
}
