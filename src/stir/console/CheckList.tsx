// Each check the OSP ran on a call, in order, passed or failed with its detail; then the letter and why it is not A.
import { attestMeaning, type Decision } from "./decision.ts";

export function CheckList({ decision }: { decision: Decision }) {
  return (
    <div>
      <p>
        <span className="attest" data-testid="attest">
          {decision.attest}
        </span>{" "}
        {attestMeaning(decision.attest)}
      </p>
      {decision.callerDid ? (
        <p>
          caller <code>{decision.callerDid}</code>
        </p>
      ) : null}
      <h3>Verification steps</h3>
      <ol className="checks" aria-label="Verification steps">
        {decision.checks.map((c) => (
          <li key={c.code} className={c.passed ? "passed" : "failed"}>
            <span aria-hidden="true">{c.passed ? "✔" : "✘"}</span> <code>{c.code}</code>{" "}
            <span className="sr-only">{c.passed ? "passed" : "failed"}</span>
            {c.detail ? <span className="muted"> {c.detail}</span> : null}
          </li>
        ))}
      </ol>
      <h3>Why not A</h3>
      {decision.reasons.length === 0 ? (
        <p className="ok">every check passed</p>
      ) : (
        <ul data-testid="reasons">
          {decision.reasons.map((r) => (
            <li key={r} className="bad">
              {r}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
