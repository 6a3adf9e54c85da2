// Numbering: search a number or a block, see its chain of custody with organisation names (revoked steps marked,
// revocable from the issuer's own agent), and the vetting tree above every organisation in it; bulk delegation; the
// whole consortium's vetting tree.
import { type FormEvent, useRef, useState } from "react";
import { type ApiClient, ApiFailure, type ConsolePageProps, ErrorView, Panel } from "../../../console/src/kit.ts";
import { BulkDelegation } from "./BulkDelegation.tsx";
import { ConsortiumVettingTree } from "./ConsortiumVettingTree.tsx";
import { CustodyTimeline } from "./CustodyTimeline.tsx";
import { type CustodyEntry, searchPrefix, type VettedOrg } from "./custody.ts";
import { VettingTree } from "./VettingTree.tsx";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface VettingRecord {
  vetter: { did: string; name: string };
  result: number;
}
interface Result {
  tn: string;
  entries: CustodyEntry[];
  orgs: VettedOrg[];
  ms: number;
}

/** The vetting tree reaches up at most this many vetters above an organisation (the hierarchy has three levels). */
const MAX_VETTING_DEPTH = 6;

async function custodyOf(api: ApiClient, tn: string): Promise<CustodyEntry[]> {
  const entries: CustodyEntry[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: Page<CustodyEntry> = await api.get(`/v1/eidl/tn/${tn}/custody?limit=100${query}`);
    entries.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && entries.length < 1000);
  return entries;
}

/** The organisation's latest vetting decision, or undefined when it was never vetted (a root). */
async function latestVetting(api: ApiClient, did: string): Promise<VettingRecord | undefined> {
  try {
    const page = await api.get<Page<VettingRecord>>(`/v1/vetterAuthorization/${did}/history?limit=100`);
    return page.items.at(-1);
  } catch (error) {
    if (error instanceof ApiFailure && error.status === 404) return undefined;
    throw error;
  }
}

function NumberingPage({ api }: ConsolePageProps) {
  const [input, setInput] = useState("");
  const [result, setResult] = useState<Result>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const names = useRef(new Map<string, string>());
  const [hosted, setHosted] = useState<Set<string>>();

  const nameAll = async (dids: Iterable<string>) => {
    const missing = [...new Set(dids)].filter((d) => !names.current.has(d.toLowerCase()));
    await Promise.all(
      missing.map(async (did) => {
        try {
          const account = await api.get<{ name: string }>(`/v1/accounts/${did}`);
          names.current.set(did.toLowerCase(), account.name);
        } catch (e) {
          if (!(e instanceof ApiFailure && e.status === 404)) throw e;
        }
      }),
    );
  };

  const vettingOf = async (dids: Iterable<string>): Promise<VettedOrg[]> => {
    const found = new Map<string, VettedOrg>();
    let level = [...new Set([...dids].map((d) => d.toLowerCase()))];
    for (let depth = 0; level.length && depth < MAX_VETTING_DEPTH; depth++) {
      const records = await Promise.all(level.map((did) => latestVetting(api, did)));
      const next: string[] = [];
      level.forEach((did, i) => {
        const record = records[i];
        found.set(did, { did, vetter: record?.vetter.did.toLowerCase(), result: record?.result });
        if (record) {
          names.current.set(record.vetter.did.toLowerCase(), record.vetter.name);
          if (!found.has(record.vetter.did.toLowerCase())) next.push(record.vetter.did.toLowerCase());
        }
      });
      level = [...new Set(next)];
    }
    return [...found.values()];
  };

  const search = async (event?: FormEvent) => {
    event?.preventDefault();
    setError(undefined);
    const tn = searchPrefix(input);
    if (!tn) {
      setError(
        new ApiFailure(0, "VALIDATION_FAILED", "number: an E.164 number or block, e.g. 12155551212 or 1215555XXXX"),
      );
      return;
    }
    setBusy(true);
    try {
      const started = performance.now();
      const entries = await custodyOf(api, tn);
      const dids = entries.flatMap((e) => [e.from, e.to]);
      await nameAll(dids);
      const ms = Math.round(performance.now() - started);
      setResult({ tn, entries, orgs: [], ms });
      if (!hosted) {
        const mine = await api.get<Page<{ did: string }>>("/v1/eidl/hosted-accounts?limit=100");
        setHosted(new Set(mine.items.map((a) => a.did.toLowerCase())));
      }
      const orgs = await vettingOf(dids);
      setResult({ tn, entries, orgs, ms });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (entry: CustodyEntry) => {
    setError(undefined);
    try {
      await api.call("POST", `/v1/eidl/grants/${entry.grantId}/revoke`, { reason: "Canceled" });
      // The revocation is on chain once mined; the read model shows it a block later.
      setTimeout(() => void search(), 1500);
    } catch (e) {
      setError(e);
    }
  };

  return (
    <div className="grid">
      <Panel title="Search" wide>
        <search>
          <form className="inline" onSubmit={(e) => void search(e)}>
            <label htmlFor="tn-search">Number or block</label>
            <input
              id="tn-search"
              value={input}
              onChange={(e) => setInput(e.target.value)}
              placeholder="12155551212 or 1215555XXXX"
              inputMode="tel"
            />
            <button type="submit" disabled={busy}>
              {busy ? "Searching…" : "Search"}
            </button>
            {result ? (
              <span className="muted" data-testid="search-ms">
                {result.entries.length} event(s) for {result.tn} in {result.ms} ms
              </span>
            ) : null}
          </form>
        </search>
        <ErrorView error={error} />
      </Panel>
      {result ? (
        <>
          <Panel title="Chain of custody">
            <CustodyTimeline
              entries={result.entries}
              names={names.current}
              {...(hosted ? { hosted } : {})}
              onRevoke={(e) => void revoke(e)}
            />
          </Panel>
          <Panel title="Vetting tree" loading={busy && result.orgs.length === 0}>
            <VettingTree orgs={result.orgs} names={names.current} />
          </Panel>
        </>
      ) : null}
      <Panel title="Bulk delegation" wide>
        <BulkDelegation api={api} />
      </Panel>
      <ConsortiumVettingTree api={api} />
    </div>
  );
}

export const numberingPage = { id: "numbering", title: "Numbering", order: 10, component: NumberingPage };
