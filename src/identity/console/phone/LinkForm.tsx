// Flow 2.1 on the phone: paste a site's link offer (the https URL its QR code carries, or the telco-ledger://link deep
// link); the page answers it with the pairwise DID for that agent and says whom it linked to, or why not (the code).
import { type FormEvent, useState } from "react";
import { ErrorView } from "../../../../console/src/kit.ts";

export interface LinkFormProps {
  /** Answers the offer; resolves with who asked and the DID linked, or rejects with the failure, which is shown. */
  onAnswer(text: string): Promise<{ label?: string | undefined; agentDid: string; did: string }>;
}

export function LinkForm({ onAnswer }: LinkFormProps) {
  const [text, setText] = useState("");
  const [linked, setLinked] = useState<{ label?: string | undefined; agentDid: string; did: string }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const answer = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setLinked(undefined);
    try {
      setLinked(await onAnswer(text.trim()));
      setText("");
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void answer(e)}>
      <label htmlFor="phone-link">Link offer (URL or telco-ledger://link)</label>
      <textarea id="phone-link" rows={3} value={text} onChange={(e) => setText(e.target.value)} required />
      <button type="submit" disabled={busy}>
        Link with my pairwise DID
      </button>
      <ErrorView error={error} />
      {linked ? (
        <p data-testid="link-answered">
          linked to {linked.label ? `${linked.label} ` : ""}
          <code>{linked.agentDid}</code> as <code>{linked.did}</code>
        </p>
      ) : null}
    </form>
  );
}
