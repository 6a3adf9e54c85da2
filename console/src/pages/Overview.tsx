// The consortium from this member's point of view: who is in it and with which roles, the proposals waiting for a
// vote (approve from here), the agent's health, the chain head and how far behind the read model is, and the ledger's
// events as they arrive.
import { useState } from "react";
import type { ApiClient } from "../api.ts";
import { ErrorView } from "../components/ErrorView.tsx";
import { EventFeed } from "../components/EventFeed.tsx";
import { Panel } from "../components/Panel.tsx";
import type { ConsolePage, ConsolePageProps } from "../plugin.ts";
import { useResource } from "../useResource.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Member {
  address: string;
  name: string;
  active: boolean;
  roles: string[];
}
interface Proposal {
  id: number;
  kind: string;
  proposer: string;
  member: string;
  deadline: string;
  approvals: number;
}
interface ChainStatus {
  headBlock: number;
  indexedBlock: number;
  lagBlocks: number;
}
interface Health {
  ok: boolean;
  version: string;
  checks: Record<string, { ok: boolean }>;
}

function Members({ api }: { api: ApiClient }) {
  const members = useResource(() => api.get<Page<Member>>("/v1/membership/members?limit=100"), [api]);
  return (
    <Panel title="Members" error={members.error} loading={members.loading} wide>
      {members.value ? (
        <table>
          <thead>
            <tr>
              <th scope="col">name</th>
              <th scope="col">roles</th>
              <th scope="col">account</th>
            </tr>
          </thead>
          <tbody>
            {members.value.items.map((m) => (
              <tr key={m.address} className={m.active ? "" : "inactive"}>
                <td>{m.name}</td>
                <td>{m.roles.join(", ")}</td>
                <td>
                  <code className="address">{m.address}</code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Panel>
  );
}

function Proposals({ api }: { api: ApiClient }) {
  const proposals = useResource(
    () => api.get<Page<Proposal>>("/v1/membership/proposals?state=pending&limit=50"),
    [api],
  );
  const [voteError, setVoteError] = useState<unknown>();
  const [sent, setSent] = useState<Record<number, string>>({});
  const approve = async (id: number) => {
    setVoteError(undefined);
    try {
      const { txHash } = await api.call<{ txHash: string }>("POST", `/v1/membership/proposals/${id}/approve`);
      setSent((old) => ({ ...old, [id]: txHash }));
      proposals.reload();
    } catch (error) {
      setVoteError(error);
    }
  };
  const items = proposals.value?.items ?? [];
  return (
    <Panel title="Pending proposals" error={proposals.error} loading={proposals.loading}>
      <ErrorView error={voteError} />
      {proposals.value && items.length === 0 ? <p className="muted">none pending</p> : null}
      <ul className="plain">
        {items.map((p) => (
          <li key={p.id}>
            #{p.id} <strong>{p.kind}</strong> <code className="address">{p.member}</code> · {p.approvals} approval(s) ·
            until {new Date(p.deadline).toLocaleString()}{" "}
            <button type="button" onClick={() => void approve(p.id)}>
              Approve #{p.id}
            </button>
            {sent[p.id] ? <small> sent {sent[p.id]?.slice(0, 12)}…</small> : null}
          </li>
        ))}
      </ul>
    </Panel>
  );
}

function AgentStatus({ api }: { api: ApiClient }) {
  const chain = useResource(() => api.get<ChainStatus>("/v1/agent/chain"), [api]);
  const health = useResource(async () => (await fetch("/health")).json() as Promise<Health>, []);
  return (
    <Panel title="Agent and chain" error={chain.error ?? health.error} loading={chain.loading || health.loading}>
      {health.value ? (
        <p>
          <span className={health.value.ok ? "dot ok" : "dot bad"} aria-hidden="true" />{" "}
          <strong data-testid="health">{health.value.ok ? "healthy" : "degraded"}</strong> · version{" "}
          {health.value.version}
          <br />
          {Object.entries(health.value.checks).map(([name, check]) => (
            <span key={name} className={check.ok ? "tag ok" : "tag bad"}>
              {name} {check.ok ? "ok" : "not ok"}
            </span>
          ))}
        </p>
      ) : null}
      {chain.value ? (
        <dl className="facts">
          <dt>chain head</dt>
          <dd data-testid="chain-head">{chain.value.headBlock}</dd>
          <dt>indexed to</dt>
          <dd>{chain.value.indexedBlock}</dd>
          <dt>indexer lag</dt>
          <dd>{chain.value.lagBlocks} block(s)</dd>
        </dl>
      ) : null}
      <button
        type="button"
        onClick={() => {
          chain.reload();
          health.reload();
        }}
      >
        Refresh
      </button>
    </Panel>
  );
}

function Overview({ api }: ConsolePageProps) {
  return (
    <div className="grid">
      <AgentStatus api={api} />
      <Proposals api={api} />
      <Members api={api} />
      <Panel title="Recent events" wide>
        <EventFeed api={api} />
      </Panel>
    </div>
  );
}

export const overviewPage: ConsolePage = { id: "overview", title: "Overview", order: 0, component: Overview };
