// The credentials this member's DIDs issued, each with its status as a badge and the changes its issuer may make
// (suspend, reinstate, revoke): a change asks for a reason and a confirmation first; a refusal is shown with its code.
import { useState } from "react";
import { ErrorView } from "../../../console/src/kit.ts";
import { actionsFor, type ListedCredential, REVOCATION_REASONS, type StatusAction } from "./credential.ts";

export interface IssuedCredentialsProps {
  credentials: readonly ListedCredential[];
  /** Sends the change; rejects with the agent's failure, which is shown. */
  onChange(credential: ListedCredential, action: StatusAction, reason: string): Promise<void>;
}

const BADGE = { active: "tag ok", suspended: "tag warn", revoked: "tag bad" } as const;
const LABEL = { suspend: "Suspend", reinstate: "Reinstate", revoke: "Revoke" } as const;
const short = (hex: string) => `${hex.slice(0, 10)}…`;

export function IssuedCredentials({ credentials, onChange }: IssuedCredentialsProps) {
  const [pending, setPending] = useState<{ credential: ListedCredential; action: StatusAction }>();
  const [reason, setReason] = useState<string>("Unspecified");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const ask = (credential: ListedCredential, action: StatusAction) => {
    setError(undefined);
    setReason("Unspecified");
    setPending({ credential, action });
  };
  const confirm = async () => {
    if (!pending) return;
    setBusy(true);
    setError(undefined);
    try {
      await onChange(pending.credential, pending.action, reason);
      setPending(undefined);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (credentials.length === 0) return <p className="muted">this member's DIDs have issued no credentials yet</p>;
  return (
    <div data-testid="issued-credentials">
      <table>
        <thead>
          <tr>
            <th scope="col">type</th>
            <th scope="col">subject</th>
            <th scope="col">issued</th>
            <th scope="col">expires</th>
            <th scope="col">status</th>
            <th scope="col">change</th>
          </tr>
        </thead>
        <tbody>
          {credentials.map((c) => (
            <tr key={c.credentialId} data-testid={`issued-${c.credentialId}`}>
              <td>
                {c.types.join(", ")}
                <br />
                <code title={c.credentialId}>{short(c.credentialId)}</code>
              </td>
              <td>{c.subject ? <code>{c.subject}</code> : <span className="muted">none</span>}</td>
              <td>{c.issuedAt}</td>
              <td>{c.expiresAt ?? "no end"}</td>
              <td>
                <span className={BADGE[c.status]} data-testid="issued-status">
                  {c.status}
                </span>
                {c.status !== "active" || c.since ? <small> {c.reason}</small> : null}
              </td>
              <td>
                {actionsFor(c.status).map((action) => (
                  <button
                    key={action}
                    type="button"
                    aria-label={`${LABEL[action]} ${short(c.credentialId)}`}
                    onClick={() => ask(c, action)}
                  >
                    {LABEL[action]}
                  </button>
                ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {pending ? (
        <form
          className="inline"
          aria-label="Confirm the status change"
          onSubmit={(e) => {
            e.preventDefault();
            void confirm();
          }}
        >
          <span>
            {LABEL[pending.action]} <code>{short(pending.credential.credentialId)}</code> (
            {pending.credential.types.join(", ")})?
          </span>
          <label htmlFor="status-change-reason">Status change reason</label>
          <select id="status-change-reason" value={reason} onChange={(e) => setReason(e.target.value)}>
            {REVOCATION_REASONS.map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
          <button type="submit" disabled={busy}>
            Confirm {pending.action}
          </button>
          <button type="button" disabled={busy} onClick={() => setPending(undefined)}>
            Cancel
          </button>
        </form>
      ) : null}
      <ErrorView error={error} />
    </div>
  );
}
