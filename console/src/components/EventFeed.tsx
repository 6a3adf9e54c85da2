// The ledger's events as they are indexed by this agent, newest first, over the agent's event stream (not polling).
// Reconnects after a failure, showing the failure meanwhile.
import { useEffect, useState } from "react";
import type { ApiClient } from "../api.ts";
import { followEvents, type LiveEvent } from "../events.ts";
import { ErrorView } from "./ErrorView.tsx";

const KEEP = 50;
const RETRY_MS = 3000;

export function EventFeed({ api }: { api: ApiClient }) {
  const [events, setEvents] = useState<LiveEvent[]>([]);
  const [error, setError] = useState<unknown>();
  const [live, setLive] = useState(false);
  useEffect(() => {
    const controller = new AbortController();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const connect = () => {
      followEvents(
        api,
        controller.signal,
        (event) => setEvents((old) => [event, ...old].slice(0, KEEP)),
        () => {
          setLive(true);
          setError(undefined);
        },
      )
        .catch((e: unknown) => {
          if (controller.signal.aborted) return;
          setError(e);
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
  return (
    <div className="event-feed">
      <p className="muted">
        <span className={live ? "dot ok" : "dot bad"} aria-hidden="true" /> {live ? "live" : "not connected"}
      </p>
      <ErrorView error={error} />
      {events.length === 0 ? <p className="muted">no events since the page opened</p> : null}
      <ol className="events" aria-live="polite">
        {events.map((e) => (
          <li key={`${e.txHash}-${e.logIndex}`}>
            <code>{e.source}</code>.<strong>{e.eventName}</strong> <span className="muted">block {e.blockNumber}</span>
          </li>
        ))}
      </ol>
    </div>
  );
}
