// The person's hub inbox as the phone shows it: each message opened on the device and checked (signature, recipient,
// expiry, schema, encryption, replay), with its type, sender and what it says; a refused one with the refusal's code.
// A delivered attestation can be kept: sealed into the hub (held attestations) and taken from the inbox.
import { useState } from "react";
import { ErrorView } from "../../../../console/src/kit.ts";
import { summariseMessage } from "./messageSummary.ts";
import type { InboxEntry } from "./phoneWallet.ts";

export interface InboxMessagesProps {
  entries: readonly InboxEntry[];
  /** Keeps a delivered attestation; rejects with the failure, which is shown. */
  onKeep(entry: InboxEntry & { opened: unknown }): Promise<void>;
}

export function InboxMessages({ entries, onKeep }: InboxMessagesProps) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState<number>();
  if (entries.length === 0) return <p className="muted">no message waits in the hub</p>;
  const keep = async (entry: InboxEntry & { opened: unknown }) => {
    setBusy(entry.seq);
    setError(undefined);
    try {
      await onKeep(entry);
    } catch (e) {
      setError(e);
    } finally {
      setBusy(undefined);
    }
  };
  return (
    <>
      <ErrorView error={error} />
      <ul className="plain" data-testid="inbox-messages">
        {entries.map((entry) =>
          "opened" in entry ? (
            <li key={entry.seq} data-testid={`inbox-${entry.seq}`}>
              <strong className="tag">{entry.opened.message["@type"]}</strong>{" "}
              {entry.opened.encrypted ? <span className="tag ok">encrypted</span> : null}{" "}
              <span>{summariseMessage(entry.opened.message)}</span>
              <br />
              <small>
                from <code>{entry.opened.sender}</code> to <code>{entry.opened.recipient}</code>, received{" "}
                {entry.receivedAt.slice(0, 19).replace("T", " ")}
              </small>
              {entry.opened.message["@type"] === "DeliverAttestation" ? (
                <>
                  {" "}
                  <button type="button" disabled={busy === entry.seq} onClick={() => void keep(entry)}>
                    Keep attestation
                  </button>
                </>
              ) : null}
            </li>
          ) : (
            <li key={entry.seq} data-testid={`inbox-${entry.seq}`}>
              <strong className="tag bad">refused</strong> <strong className="error-code">{entry.refused.code}</strong>{" "}
              <span>{entry.refused.message}</span>
            </li>
          ),
        )}
      </ul>
    </>
  );
}
