// Calls: paste the Identity header of a call (an Enterprise PASSporT from the caller, or a SHAKEN one), or generate a
// test call from a number this member holds, and see the OSP's attestation decision (each check, the letter, the
// reasons) or the STI-VS verification of a SHAKEN header.
import { type FormEvent, useState } from "react";
import { type ConsolePageProps, ErrorView, Panel } from "../../../console/src/kit.ts";
import { CheckList } from "./CheckList.tsx";
import { type Decision, tnDigits, type Verification } from "./decision.ts";
import { type GeneratedCall, TestCall } from "./TestCall.tsx";

function CallsPage({ api }: ConsolePageProps) {
  const [orig, setOrig] = useState("");
  const [dest, setDest] = useState("");
  const [identity, setIdentity] = useState("");
  const [directCustomer, setDirectCustomer] = useState(true);
  const [decision, setDecision] = useState<Decision>();
  const [verification, setVerification] = useState<Verification>();
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);

  const run = async (what: "attest" | "verify") => {
    setError(undefined);
    setBusy(true);
    try {
      if (what === "attest") {
        setVerification(undefined);
        setDecision(
          await api.call<Decision>("POST", "/v1/stir/osp/attestations", {
            orig: { tn: tnDigits(orig) },
            dest: { tn: [tnDigits(dest)] },
            ...(identity.trim() ? { identity: identity.trim() } : {}),
            directCustomer,
          }),
        );
      } else {
        setDecision(undefined);
        const answer = await api.call<{ verificationResponse: Verification }>("POST", "/stir/v1/verification", {
          verificationRequest: {
            from: { tn: tnDigits(orig) },
            to: { tn: [tnDigits(dest)] },
            ...(identity.trim() ? { identity: identity.trim() } : {}),
          },
        });
        setVerification(answer.verificationResponse);
      }
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  const generated = (call: GeneratedCall) => {
    setOrig(`+${call.orig}`);
    setDest(call.dest);
    setIdentity(call.identity);
    setDecision(undefined);
    setVerification(undefined);
    setError(undefined);
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    void run("attest");
  };

  return (
    <div className="grid">
      <Panel title="Generate a test call">
        <TestCall api={api} onGenerated={generated} />
      </Panel>
      <Panel title="Call">
        <form onSubmit={submit}>
          <p>
            <label htmlFor="call-orig">Calling number</label>{" "}
            <input id="call-orig" value={orig} onChange={(e) => setOrig(e.target.value)} required inputMode="tel" />
          </p>
          <p>
            <label htmlFor="call-dest">Called number</label>{" "}
            <input id="call-dest" value={dest} onChange={(e) => setDest(e.target.value)} required inputMode="tel" />
          </p>
          <p>
            <label htmlFor="call-identity">Identity header</label>
            <textarea
              id="call-identity"
              rows={6}
              value={identity}
              onChange={(e) => setIdentity(e.target.value)}
              placeholder="eyJ…;info=<…>;alg=ES256;ppt=shaken"
            />
          </p>
          <p>
            <label>
              <input type="checkbox" checked={directCustomer} onChange={(e) => setDirectCustomer(e.target.checked)} />{" "}
              the caller is a customer this OSP authenticated
            </label>
          </p>
          <button type="submit" disabled={busy}>
            Attest (OSP)
          </button>{" "}
          <button type="button" disabled={busy} onClick={() => void run("verify")}>
            Verify (STI-VS)
          </button>
        </form>
        <ErrorView error={error} />
      </Panel>
      <Panel title="Decision">
        {decision ? <CheckList decision={decision} /> : null}
        {verification ? (
          <dl className="facts" data-testid="verification">
            <dt>verstat</dt>
            <dd className={verification.verstat === "TN-Validation-Passed" ? "ok" : "bad"}>{verification.verstat}</dd>
            {verification.attest ? (
              <>
                <dt>attestation</dt>
                <dd>{verification.attest}</dd>
              </>
            ) : null}
            {verification.reasonCode ? (
              <>
                <dt>SIP</dt>
                <dd>
                  {verification.reasonCode} {verification.reasonText} ({verification.reason})
                </dd>
              </>
            ) : null}
          </dl>
        ) : null}
        {!decision && !verification ? <p className="muted">attest or verify a call to see each step</p> : null}
      </Panel>
    </div>
  );
}

export const callsPage = { id: "calls", title: "Calls", order: 20, component: CallsPage };
