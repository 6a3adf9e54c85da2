// Identity: the DIDs this agent hosts (signing key, service endpoint), and a credential check: paste a JWT
// credential to see its issuer, validity and status now; revoke it here when this member issued it.
import { type FormEvent, useState } from "react";
import { type ConsolePageProps, ErrorView, Panel, useResource } from "../../../console/src/kit.ts";
import { CredentialCard } from "./CredentialCard.tsx";
import type { HostedDid, Verification } from "./credential.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function IdentityPage({ api }: ConsolePageProps) {
  const dids = useResource(() => api.get<Page<HostedDid>>("/v1/identity/dids?limit=100"), [api]);
  const hosted = new Set((dids.value?.items ?? []).map((d) => d.did.toLowerCase()));
  const [jwt, setJwt] = useState("");
  const [verification, setVerification] = useState<Verification>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const verify = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(undefined);
    setBusy(true);
    try {
      setVerification(await api.call<Verification>("POST", "/v1/identity/credentials/verify", { jwt: jwt.trim() }));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const revoke = async (reason: string) => {
    if (!verification?.credentialId || !verification.issuer) return;
    setError(undefined);
    try {
      await api.call("POST", `/v1/identity/credentials/${verification.credentialId}/revoke`, {
        issuer: verification.issuer,
        reason,
      });
      await verify();
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="grid">
      <Panel title="Hosted DIDs" error={dids.error} loading={dids.loading} wide>
        {dids.value ? (
          <table>
            <thead>
              <tr>
                <th scope="col">label</th>
                <th scope="col">DID</th>
                <th scope="col">signing key</th>
                <th scope="col">service endpoint</th>
              </tr>
            </thead>
            <tbody>
              {dids.value.items.map((d) => (
                <tr key={d.did}>
                  <td>{d.label}</td>
                  <td>
                    <code>{d.did}</code>
                  </td>
                  <td>
                    <code>{d.signingKid ?? "none"}</code>
                  </td>
                  <td>{d.serviceEndpoint ?? "none"}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : null}
      </Panel>
      <Panel title="Check a credential">
        <form onSubmit={(e) => void verify(e)}>
          <label htmlFor="vc-jwt">Credential (JWT)</label>
          <textarea id="vc-jwt" rows={5} value={jwt} onChange={(e) => setJwt(e.target.value)} required />
          <button type="submit" disabled={busy}>
            Verify
          </button>
        </form>
        <ErrorView error={error} />
      </Panel>
      <Panel title="Credential">
        {verification ? (
          <CredentialCard verification={verification} hosted={hosted} onRevoke={(r) => void revoke(r)} />
        ) : (
          <p className="muted">paste a credential to see its status</p>
        )}
      </Panel>
    </div>
  );
}

export const identityPage = { id: "identity", title: "Identity", order: 5, component: IdentityPage };
