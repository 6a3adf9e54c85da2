// Roaming (the visited operator's side): attach a device, see the authentication sessions change state live (the
// agent's event stream: each RoamingExchange event on the ledger reloads them, no polling), the sessions per state,
// and charts of how many were decided per 10 s and how long each took from attach to decision.
import { type FormEvent, Fragment, useEffect, useRef, useState } from "react";
import {
  type ApiClient,
  BarChart,
  type ConsolePageProps,
  ErrorView,
  type LiveEvent,
  Panel,
  useLiveEvents,
  useResource,
} from "../../../console/src/kit.ts";
import {
  activeList,
  latencyBars,
  latencyMs,
  SERVICES,
  type Service,
  type Session,
  throughputBars,
} from "./sessions.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Sessions the page reads for its table and charts: the newest hundred (one page of the API). */
const SESSIONS = 100;
/** The ledger contract whose events change a visited session (src/roaming/projection.ts). */
const EXCHANGE = "RoamingExchange";
/** Events arrive in bursts (a batch mines many): one reload for a burst. */
const RELOAD_DELAY_MS = 250;

function AttachForm({ api, onAttached }: { api: ApiClient; onAttached: (s: Session) => void }) {
  const [imsi, setImsi] = useState("");
  const [services, setServices] = useState<Set<Service>>(new Set(SERVICES));
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [last, setLast] = useState<Session>();
  const toggle = (s: Service, on: boolean) =>
    setServices((old) => {
      const next = new Set(old);
      if (on) next.add(s);
      else next.delete(s);
      return next;
    });
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      const session = await api.call<Session>("POST", "/v1/roaming/attach", {
        imsi: imsi.trim(),
        ...(services.size ? { services: SERVICES.filter((s) => services.has(s)) } : {}),
      });
      setLast(session);
      onAttached(session);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)}>
      <p>
        <label htmlFor="roam-imsi">IMSI</label>{" "}
        <input
          id="roam-imsi"
          value={imsi}
          onChange={(e) => setImsi(e.target.value)}
          required
          inputMode="numeric"
          autoComplete="off"
          placeholder="001020000000001"
        />
      </p>
      <fieldset>
        <legend>Services requested</legend>
        {SERVICES.map((s) => (
          <label key={s} className="check">
            <input type="checkbox" checked={services.has(s)} onChange={(e) => toggle(s, e.target.checked)} /> {s}
          </label>
        ))}
      </fieldset>
      <p>
        <button type="submit" disabled={busy}>
          Attach
        </button>
      </p>
      <ErrorView error={error} />
      {last ? (
        <p data-testid="attached">
          attached: request <code>{last.requestId.slice(0, 10)}…</code>, {last.state}
          {last.outcome ? ` (${last.outcome})` : ""}
        </p>
      ) : null}
    </form>
  );
}

function SessionTable({ sessions }: { sessions: readonly Session[] }) {
  if (sessions.length === 0) return <p className="muted">no roaming sessions yet</p>;
  return (
    <table>
      <thead>
        <tr>
          <th scope="col">attached</th>
          <th scope="col">IMSI</th>
          <th scope="col">home network</th>
          <th scope="col">state</th>
          <th scope="col">outcome</th>
          <th scope="col">services active</th>
          <th scope="col">decided in</th>
        </tr>
      </thead>
      <tbody>
        {sessions.map((s) => {
          const ms = latencyMs(s);
          return (
            <tr key={s.requestId} data-testid="session" data-imsi={s.imsi}>
              <td>{new Date(s.times.attachedAt).toLocaleTimeString()}</td>
              <td>
                <code>{s.imsi}</code>
              </td>
              <td>{s.homePlmn ?? "unknown"}</td>
              <td data-testid="session-state" className={stateClass(s.state)}>
                {s.state}
              </td>
              <td>{s.outcome ?? ""}</td>
              <td>{activeList(s)}</td>
              <td>{ms === undefined ? "" : `${ms} ms`}</td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

function stateClass(state: string): string {
  if (state === "active") return "ok";
  if (state === "queued" || state === "requested") return "warn";
  return "bad";
}

function RoamingPage({ api }: ConsolePageProps) {
  const sessions = useResource(() => api.get<Page<Session>>(`/v1/roaming/sessions?limit=${SESSIONS}`), [api]);
  const stats = useResource(() => api.get<Record<string, number>>("/v1/roaming/sessions/stats"), [api]);
  const timer = useRef<ReturnType<typeof setTimeout>>(undefined);
  const reload = () => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => {
      sessions.reload();
      stats.reload();
    }, RELOAD_DELAY_MS);
  };
  useEffect(() => () => clearTimeout(timer.current), []);
  const stream = useLiveEvents(api, (event: LiveEvent) => {
    if (event.source === EXCHANGE) reload();
  });
  const items = sessions.value?.items ?? [];
  return (
    <div className="grid">
      <Panel title="Attach a device">
        <AttachForm api={api} onAttached={reload} />
      </Panel>
      <Panel title="Sessions per state" error={stats.error}>
        {stats.value ? (
          <dl className="facts" data-testid="session-stats">
            {Object.entries(stats.value).map(([state, n]) => (
              <Fragment key={state}>
                <dt>{state}</dt>
                <dd>{n}</dd>
              </Fragment>
            ))}
          </dl>
        ) : null}
      </Panel>
      <Panel title="Authentication sessions" error={sessions.error} wide>
        <p className="muted">
          <span className={stream.live ? "dot ok" : "dot bad"} aria-hidden="true" />{" "}
          <span data-testid="roaming-live">{stream.live ? "live" : "not connected"}</span>: updated as the ledger's
          roaming events arrive; the newest {SESSIONS} sessions
        </p>
        <ErrorView error={stream.error} />
        <SessionTable sessions={items} />
      </Panel>
      <Panel title="Throughput">
        <BarChart title="Sessions decided per 10 s" unit="sessions per 10 s" bars={throughputBars(items, Date.now())} />
      </Panel>
      <Panel title="Latency">
        <BarChart
          title="Attach to decision"
          unit="ms, attach to decision"
          bars={latencyBars(items)}
          empty="no session decided yet"
        />
      </Panel>
    </div>
  );
}

export const roamingPage = { id: "roaming", title: "Roaming", order: 30, component: RoamingPage };
