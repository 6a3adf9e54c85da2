// Generate a test call: pick a number one of this member's organisations holds, name the called number, and the agent
// signs an Enterprise PASSporT for it with the organisation's DID key. The page shows what was signed and puts the call
// into the Call form: attest it here when this agent is the OSP, or paste the header into the OSP's console.
import { type FormEvent, useState } from "react";
import { type ApiClient, ErrorView, useResource } from "../../../console/src/kit.ts";
import { tnDigits } from "./decision.ts";
import { type HeldGrant, type HeldNumber, heldNumbers, passportClaims } from "./testCall.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

export interface GeneratedCall {
  orig: string;
  dest: string;
  identity: string;
}

async function loadHeld(api: ApiClient): Promise<HeldNumber[]> {
  const orgs = await api.get<Page<{ did: string; name: string }>>("/v1/eidl/hosted-accounts?limit=100");
  const held = await Promise.all(
    orgs.items.map(async (org) => {
      const grants = await api.get<Page<HeldGrant>>(`/v1/eidl/grants?holder=${encodeURIComponent(org.did)}&limit=100`);
      return heldNumbers(org.did, org.name, grants.items);
    }),
  );
  return held.flat();
}

export function TestCall({ api, onGenerated }: { api: ApiClient; onGenerated: (call: GeneratedCall) => void }) {
  const held = useResource(() => loadHeld(api), [api]);
  const [chosen, setChosen] = useState("");
  const [dest, setDest] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>();
  const [signed, setSigned] = useState<{ number: HeldNumber; claims: Record<string, unknown> }>();
  const numbers = held.value ?? [];
  const number = numbers.find((n) => `${n.did}|${n.tn}` === chosen) ?? numbers[0];

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (!number) return;
    setBusy(true);
    setError(undefined);
    try {
      const to = tnDigits(dest);
      const { identity } = await api.call<{ identity: string }>("POST", "/v1/stir/enterprise/passports", {
        did: number.did,
        orig: { tn: number.tn },
        dest: { tn: [to] },
        tnauth: number.tnauth,
      });
      setSigned({ number, claims: passportClaims(identity).claims });
      onGenerated({ orig: number.tn, dest: to, identity });
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };

  if (held.error) return <ErrorView error={held.error} />;
  if (held.loading && !held.value) return <p className="muted">loading the numbers this member holds…</p>;
  if (numbers.length === 0)
    return <p className="muted">no organisation this agent hosts holds a number: paste an Identity header instead</p>;
  return (
    <form onSubmit={(e) => void submit(e)}>
      <p>
        <label htmlFor="test-orig">Number held</label>{" "}
        <select
          id="test-orig"
          value={number ? `${number.did}|${number.tn}` : ""}
          onChange={(e) => setChosen(e.target.value)}
        >
          {numbers.map((n) => (
            <option key={`${n.did}|${n.tn}`} value={`${n.did}|${n.tn}`}>
              +{n.tn} ({n.orgName})
            </option>
          ))}
        </select>
      </p>
      <p>
        <label htmlFor="test-dest">Number to call</label>{" "}
        <input id="test-dest" value={dest} onChange={(e) => setDest(e.target.value)} required inputMode="tel" />
      </p>
      <button type="submit" disabled={busy}>
        Sign test call
      </button>
      <ErrorView error={error} />
      {signed ? (
        <dl className="facts" data-testid="test-call">
          <dt>signed by</dt>
          <dd>
            {signed.number.orgName} <code>{signed.number.did}</code>
          </dd>
          <dt>caller</dt>
          <dd>+{String((signed.claims.orig as { tn?: string } | undefined)?.tn ?? "")}</dd>
          <dt>called</dt>
          <dd>+{String((signed.claims.dest as { tn?: string[] } | undefined)?.tn?.join(", +") ?? "")}</dd>
          <dt>TN authorization</dt>
          <dd>
            <code>{signed.number.tnauth}</code>
          </dd>
          <dt>next</dt>
          <dd>
            the Identity header is in the Call form: Attest here if this agent is the OSP, or paste it into the OSP's
            console
          </dd>
        </dl>
      ) : null}
    </form>
  );
}
