// The whole consortium's vetting tree: every organisation account on the ledger under the vetter of its latest
// vetting decision, from the Trust Authority (never vetted: a root) down to the organisations the KYC vetters vetted.
// Read a page at a time from GET /v1/eidl/organisations, at most MAX_ORGS of them.
import { type ApiClient, Panel, useResource } from "../../../console/src/kit.ts";
import type { VettedOrg } from "./custody.ts";
import { VettingTree } from "./VettingTree.tsx";

/** The tree shows at most this many organisations (the list says when there are more). */
const MAX_ORGS = 500;

interface Organisation {
  did: string;
  name: string;
  vetter: string | null;
  result: number | null;
}

async function organisations(
  api: ApiClient,
): Promise<{ orgs: VettedOrg[]; names: Map<string, string>; more: boolean }> {
  const found: Organisation[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: { items: Organisation[]; nextCursor: string | null } = await api.get(
      `/v1/eidl/organisations?limit=100${query}`,
    );
    found.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && found.length < MAX_ORGS);
  return {
    orgs: found.map((o) => ({
      did: o.did.toLowerCase(),
      vetter: o.vetter?.toLowerCase(),
      result: o.result ?? undefined,
    })),
    names: new Map(found.map((o) => [o.did.toLowerCase(), o.name])),
    more: cursor !== null,
  };
}

export function ConsortiumVettingTree({ api }: { api: ApiClient }) {
  const tree = useResource(() => organisations(api), [api]);
  return (
    <Panel title="Consortium vetting tree" error={tree.error} loading={tree.loading} wide>
      {tree.value ? (
        <>
          <VettingTree orgs={tree.value.orgs} names={tree.value.names} label="Consortium vetting tree" />
          {tree.value.more ? <p className="muted">the first {MAX_ORGS} organisations are shown</p> : null}
        </>
      ) : null}
    </Panel>
  );
}
