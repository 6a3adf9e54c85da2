// Bulk delegation with progress: one of this agent's organisations delegates a list or range of numbers it holds to
// another organisation, sent in chunks (bulk.ts); a progress bar, and every refused number with its code and message.
import { type FormEvent, useState } from "react";
import { type ApiClient, ErrorView, useResource } from "../../../console/src/kit.ts";
import { type BulkApi, type ItemState, parseNumbers, runBulk } from "./bulk.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Grant {
  grantId: string;
  tnId: string;
  issuerId: string;
  status: string;
}

/** Pages of the subject's holdings read to find what a refused chunk made before its refusal. */
const MAX_HOLDING_PAGES = 20;

function bulkApi(api: ApiClient, issuer: string, subject: string): BulkApi {
  return {
    async send(tns) {
      const answer = await api.call<{ tnAllocationResponse: Array<{ grantId: string }> }>("POST", "/v1/tnallocation", {
        tnAllocation: tns.map((tnId) => ({ tnId, issuerId: issuer, subjectId: subject })),
      });
      return answer.tnAllocationResponse;
    },
    async heldAmong(tns) {
      const wanted = new Set(tns);
      const found = new Map<string, string>();
      let cursor: string | null = null;
      for (let page = 0; page < MAX_HOLDING_PAGES && found.size < wanted.size; page++) {
        const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
        const answer: Page<Grant> = await api.get(
          `/v1/eidl/grants?holder=${encodeURIComponent(subject)}&limit=100${query}`,
        );
        for (const g of answer.items) {
          if (wanted.has(g.tnId) && g.status === "active" && g.issuerId.toLowerCase() === issuer.toLowerCase())
            found.set(g.tnId, g.grantId);
        }
        cursor = answer.nextCursor;
        if (!cursor) break;
      }
      return found;
    },
  };
}

export function BulkDelegation({ api }: { api: ApiClient }) {
  const orgs = useResource(
    () => api.get<Page<{ did: string; name: string }>>("/v1/eidl/hosted-accounts?limit=100"),
    [api],
  );
  const [issuer, setIssuer] = useState("");
  const [subject, setSubject] = useState("");
  const [text, setText] = useState("");
  const [items, setItems] = useState<readonly ItemState[]>([]);
  const [problems, setProblems] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const from = issuer || orgs.value?.items[0]?.did || "";

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(undefined);
    const parsed = parseNumbers(text);
    setProblems(parsed.errors);
    if (parsed.errors.length || parsed.numbers.length === 0) return;
    setItems(parsed.numbers.map((tn) => ({ tn, state: "pending" })));
    setBusy(true);
    try {
      await runBulk(parsed.numbers, bulkApi(api, from, subject.trim()), setItems);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  const made = items.filter((i) => i.state === "made").length;
  const refused = items.filter((i) => i.state === "failed" || i.state === "unknown");
  const settled = items.length - items.filter((i) => i.state === "pending").length;
  return (
    <form onSubmit={(e) => void submit(e)}>
      <ErrorView error={orgs.error} />
      <p>
        <label htmlFor="bulk-issuer">Delegate from</label>{" "}
        <select id="bulk-issuer" value={from} onChange={(e) => setIssuer(e.target.value)}>
          {(orgs.value?.items ?? []).map((o) => (
            <option key={o.did} value={o.did}>
              {o.name}
            </option>
          ))}
        </select>
      </p>
      <p>
        <label htmlFor="bulk-subject">To organisation (DID)</label>{" "}
        <input id="bulk-subject" value={subject} onChange={(e) => setSubject(e.target.value)} required />
      </p>
      <p>
        <label htmlFor="bulk-numbers">Numbers (one per line, or ranges first-last)</label>
        <textarea
          id="bulk-numbers"
          rows={4}
          value={text}
          onChange={(e) => setText(e.target.value)}
          placeholder="12155551300-12155551399"
        />
      </p>
      <button type="submit" disabled={busy || !from}>
        {busy ? "Delegating…" : "Delegate"}
      </button>
      {problems.length ? (
        <ul className="bad" role="alert">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <ErrorView error={error} />
      {items.length ? (
        <div data-testid="bulk-progress">
          <p>
            <label htmlFor="bulk-bar">Progress</label> <progress id="bulk-bar" max={items.length} value={settled} />{" "}
            <span data-testid="bulk-summary">
              {made} of {items.length} delegated, {refused.length} refused
              {busy ? "…" : ""}
            </span>
          </p>
          {refused.length ? (
            <ul data-testid="bulk-errors">
              {refused.map((i) =>
                i.state === "failed" || i.state === "unknown" ? (
                  <li key={i.tn} className="bad">
                    <code>{i.tn}</code> <strong>{i.code}</strong> {i.message}
                    {i.state === "unknown" ? " (may have been made: search it)" : ""}
                  </li>
                ) : null,
              )}
            </ul>
          ) : null}
        </div>
      ) : null}
    </form>
  );
}
