// Identity: the DIDs this agent hosts (signing key, service endpoint), the credentials they issued with their status
// (suspend, reinstate, revoke from the list), and a credential check: paste a JWT credential to see its issuer,
// validity and status now; revoke it here when this member issued it. The wallet lists the credentials issued to its
// DIDs by others, with their status now, and receives new ones.
import { type FormEvent, useState } from "react";
import { type ConsolePageProps, ErrorView, Panel, useResource } from "../../../console/src/kit.ts";
import { CredentialCard } from "./CredentialCard.tsx";
import type { HeldCredential, HostedDid, ListedCredential, StatusAction, Verification } from "./credential.ts";
import { HeldCredentials } from "./HeldCredentials.tsx";
import { IssuedCredentials } from "./IssuedCredentials.tsx";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

function IdentityPage({ api }: ConsolePageProps) {
  const dids = useResource(() => api.get<Page<HostedDid>>("/v1/identity/dids?limit=100"), [api]);
  const hosted = new Set((dids.value?.items ?? []).map((d) => d.did.toLowerCase()));
  const issued = useResource(
    () => api.get<Page<ListedCredential>>("/v1/identity/credentials?role=issued&limit=20"),
    [api],
  );
  // Pages after the first, loaded on demand; a status change reloads the first page and drops them.
  const [later, setLater] = useState<{ items: ListedCredential[]; nextCursor: string | null }>();
  const [laterError, setLaterError] = useState<unknown>();
  const nextCursor = later ? later.nextCursor : (issued.value?.nextCursor ?? null);
  const loadMore = async () => {
    if (nextCursor === null) return;
    setLaterError(undefined);
    try {
      const page = await api.get<Page<ListedCredential>>(
        `/v1/identity/credentials?role=issued&limit=20&cursor=${encodeURIComponent(nextCursor)}`,
      );
      setLater({ items: [...(later?.items ?? []), ...page.items], nextCursor: page.nextCursor });
    } catch (e) {
      setLaterError(e);
    }
  };
  const changeStatus = async (c: ListedCredential, action: StatusAction, reason: string) => {
    await api.call("POST", `/v1/identity/credentials/${c.credentialId}/${action}`, { issuer: c.issuer, reason });
    setLater(undefined);
    issued.reload();
  };
  const held = useResource(() => api.get<Page<HeldCredential>>("/v1/identity/credentials/held?limit=50"), [api]);
  const receive = async (credential: string) => {
    await api.call("POST", "/v1/identity/credentials/held", { jwt: credential });
    held.reload();
  };
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
      issued.reload();
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
      <Panel title="Credentials issued" error={issued.error ?? laterError} loading={issued.loading} wide>
        {issued.value ? (
          <>
            <IssuedCredentials credentials={[...issued.value.items, ...(later?.items ?? [])]} onChange={changeStatus} />
            {nextCursor !== null ? (
              <button type="button" onClick={() => void loadMore()}>
                More credentials
              </button>
            ) : null}
          </>
        ) : null}
      </Panel>
      <Panel title="Credentials held" error={held.error} loading={held.loading} wide>
        {held.value ? (
          <>
            <HeldCredentials credentials={held.value.items} onReceive={receive} />
            {held.value.nextCursor !== null ? (
              <p className="muted">the newest 50 are shown; `telco-ledger vc held` lists them all</p>
            ) : null}
          </>
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
