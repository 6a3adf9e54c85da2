// Asks the connected agent for an attestation: a RequestAttestation sealed by the person's pairwise DID (encrypted: it
// carries personal data) and posted to the agent's inbox. The agent's refusal is shown with its code and message.
import { type FormEvent, useState } from "react";
import { ErrorView } from "../../../../console/src/kit.ts";

export interface RequestFormProps {
  /** Sends the request; answers the agent's record (its thread), or rejects with the failure, which is shown. */
  onSend(attestationType: string, description: string): Promise<{ threadId?: unknown; encrypted?: unknown }>;
}

export function RequestForm({ onSend }: RequestFormProps) {
  const [type, setType] = useState("IspAccount");
  const [description, setDescription] = useState("");
  const [sent, setSent] = useState<{ threadId?: unknown; encrypted?: unknown }>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const send = async (event: FormEvent) => {
    event.preventDefault();
    setBusy(true);
    setError(undefined);
    setSent(undefined);
    try {
      setSent(await onSend(type.trim(), description.trim()));
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void send(e)}>
      <label htmlFor="phone-request-type">Attestation type</label>
      <input id="phone-request-type" value={type} onChange={(e) => setType(e.target.value)} required />
      <label htmlFor="phone-request-description">What for (shown to the agent)</label>
      <input
        id="phone-request-description"
        value={description}
        onChange={(e) => setDescription(e.target.value)}
        required
      />
      <button type="submit" disabled={busy}>
        Ask for the attestation
      </button>
      <ErrorView error={error} />
      {sent ? (
        <p data-testid="request-sent">
          taken by the agent{sent.encrypted === true ? ", encrypted" : ""}: thread <code>{String(sent.threadId)}</code>
        </p>
      ) : null}
    </form>
  );
}
