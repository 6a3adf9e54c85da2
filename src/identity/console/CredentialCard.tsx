// A verified (or refused) credential: issuer, validity, status now, and Revoke with a reason when this agent hosts
// the issuer.
import { useState } from "react";
import { REVOCATION_REASONS, revocableHere, type Verification } from "./credential.ts";

export interface CredentialCardProps {
  verification: Verification;
  hosted: ReadonlySet<string>;
  onRevoke?(reason: string): void;
}

export function CredentialCard({ verification: v, hosted, onRevoke }: CredentialCardProps) {
  const [reason, setReason] = useState<string>("Unspecified");
  return (
    <div data-testid="credential">
      <p>
        <strong className={v.verified ? "ok" : "bad"}>{v.verified ? "verified" : "not valid"}</strong>
        {v.error ? (
          <span className="bad">
            {" "}
            <code>{v.error.code}</code> {v.error.message}
          </span>
        ) : null}
      </p>
      <dl className="facts">
        {v.issuer ? (
          <>
            <dt>issuer</dt>
            <dd>
              <code>{v.issuer}</code>{" "}
              {hosted.has(v.issuer.toLowerCase()) ? <span className="tag ok">hosted here</span> : null}
            </dd>
          </>
        ) : null}
        {v.validFrom || v.validUntil ? (
          <>
            <dt>valid</dt>
            <dd>
              {v.validFrom ?? "—"} to {v.validUntil ?? "no end"}
            </dd>
          </>
        ) : null}
        {v.status ? (
          <>
            <dt>status</dt>
            <dd data-testid="credential-status">
              {v.status.status ?? "none"} {v.status.method ? <small>({v.status.method})</small> : null}
              {v.status.reason ? ` · ${v.status.reason}` : ""}
              {v.status.note ? ` · ${v.status.note}` : ""}
            </dd>
          </>
        ) : null}
      </dl>
      {onRevoke && revocableHere(v, hosted) ? (
        <form
          className="inline"
          onSubmit={(e) => {
            e.preventDefault();
            onRevoke(reason);
          }}
        >
          <label htmlFor="revoke-reason">Reason</label>
          <select id="revoke-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
            {REVOCATION_REASONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <button type="submit">Revoke credential</button>
        </form>
      ) : null}
    </div>
  );
}
