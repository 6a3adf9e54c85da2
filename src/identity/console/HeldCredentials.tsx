// The member's wallet: the credentials other issuers gave to its DIDs, each with its status now as a badge, and a
// form to receive one (the agent verifies it first; a refusal is shown with its code and message).
import { type FormEvent, useState } from "react";
import { ErrorView } from "../../../console/src/kit.ts";
import type { HeldCredential } from "./credential.ts";

export interface HeldCredentialsProps {
  credentials: readonly HeldCredential[];
  /** Sends the credential to the wallet; rejects with the agent's failure, which is shown. */
  onReceive(jwt: string): Promise<void>;
}

const BADGE = { active: "tag ok", suspended: "tag warn", revoked: "tag bad", unknown: "tag" } as const;
const short = (hex: string) => `${hex.slice(0, 10)}…`;

export function HeldCredentials({ credentials, onReceive }: HeldCredentialsProps) {
  const [jwt, setJwt] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();

  const receive = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    try {
      await onReceive(jwt.trim());
      setJwt("");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="held-credentials">
      {credentials.length === 0 ? (
        <p className="muted">this member's DIDs hold no credentials yet</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">type</th>
              <th scope="col">issuer</th>
              <th scope="col">held by</th>
              <th scope="col">received</th>
              <th scope="col">valid until</th>
              <th scope="col">status</th>
            </tr>
          </thead>
          <tbody>
            {credentials.map((c) => (
              <tr key={c.digest} data-testid={`held-${c.digest}`}>
                <td>
                  {c.types.join(", ") || "VerifiableCredential"}
                  <br />
                  <code title={c.digest}>{short(c.digest)}</code>
                </td>
                <td>
                  <code>{c.issuer}</code>
                </td>
                <td>
                  <code>{c.subject}</code>
                </td>
                <td>{c.receivedAt}</td>
                <td>{c.validUntil ?? "no end"}</td>
                <td>
                  <span className={BADGE[c.status]} data-testid="held-status" title={c.reason}>
                    {c.status}
                  </span>
                  {c.status === "suspended" || c.status === "revoked" ? <small> {c.reason}</small> : null}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form onSubmit={(e) => void receive(e)} aria-label="Receive a credential">
        <label htmlFor="held-jwt">Credential issued to one of this member's DIDs (JWT)</label>
        <textarea id="held-jwt" rows={3} value={jwt} onChange={(e) => setJwt(e.target.value)} required />
        <button type="submit" disabled={busy}>
          Keep in wallet
        </button>
      </form>
      <ErrorView error={error} />
    </div>
  );
}
