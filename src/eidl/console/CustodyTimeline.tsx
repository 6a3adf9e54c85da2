// A number's chain of custody as a timeline, oldest first: each step names who gave which grant to whom, when, and
// its status now; a revoked step (or one whose link above fails) is marked. The issuer's agent may revoke from here.
import { type CustodyEntry, nameOf } from "./custody.ts";

export interface CustodyTimelineProps {
  entries: readonly CustodyEntry[];
  names: ReadonlyMap<string, string>;
  /** DIDs this agent hosts: their active grants get a Revoke button. */
  hosted?: ReadonlySet<string>;
  onRevoke?(entry: CustodyEntry): void;
}

export function CustodyTimeline({ entries, names, hosted, onRevoke }: CustodyTimelineProps) {
  if (entries.length === 0) return <p className="muted">no custody events</p>;
  return (
    <ol className="timeline" aria-label="Chain of custody">
      {entries.map((e) => {
        const ended = e.event === "revoked" || e.currentStatus !== "valid";
        const canRevoke =
          onRevoke !== undefined && e.event === "granted" && !ended && hosted?.has(e.from.toLowerCase()) === true;
        return (
          <li
            key={`${e.grantId}-${e.event}-${e.txHash}`}
            className={e.event === "revoked" ? "revoked" : e.currentStatus === "valid" ? "valid" : "invalid"}
            data-testid="custody-step"
          >
            <div className="step-title">
              <strong>{e.type}</strong> of <code>{e.tnId}</code>: {nameOf(e.from, names)} → {nameOf(e.to, names)}
            </div>
            <div className="muted">
              {e.event} {new Date(e.at).toLocaleString()} · block {e.blockNumber}
              {e.reason ? ` · reason ${e.reason}` : ""}
            </div>
            <div>
              status now:{" "}
              <span className={e.currentStatus === "valid" ? "status ok" : "status bad"}>{e.currentStatus}</span>
              {e.event === "revoked" ? <span className="tag bad"> revoked</span> : null}
              {canRevoke ? (
                <button type="button" onClick={() => onRevoke?.(e)}>
                  Revoke grant {e.grantId.slice(0, 8)}
                </button>
              ) : null}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
