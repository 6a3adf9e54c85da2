// The "Phone wallet" console page: in demos it stands in for a person's phone. Its keys are made and kept in this
// browser (IndexedDB, non-extractable), and the person's actions are signed with them: messages to an agent sealed by
// the pairwise DID, the hub read and written with the owner key. The member's API key does one thing here: host the
// person's hub at this agent (a member decides whom it serves). Keys in a browser are a demo, not a secure element.
import { useEffect, useState } from "react";
import { ApiFailure, type ConsolePageProps, Panel } from "../../../../console/src/kit.ts";
import { MESSAGE_CONTEXT } from "../../../core/identity/messages/schemas.ts";
import { randomId } from "./deviceCrypto.ts";
import { HeldAttestations } from "./HeldAttestations.tsx";
import { InboxMessages } from "./InboxMessages.tsx";
import { LinkForm } from "./LinkForm.tsx";
import { type AgentContact, type HeldAttestation, type InboxEntry, PhoneWallet } from "./phoneWallet.ts";
import { RequestForm } from "./RequestForm.tsx";
import { WalletDids } from "./WalletDids.tsx";
import { IndexedDbWalletStore } from "./walletStore.ts";

const store = new IndexedDbWalletStore();

/** Runs an action of the page, its failure shown in the panel that started it. */
function useAction() {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, run };
}

function PhoneWalletPage({ api }: ConsolePageProps) {
  const [wallet, setWallet] = useState<PhoneWallet | null>();
  const [, setVersion] = useState(0);
  const [contact, setContact] = useState<AgentContact>();
  const [hub, setHub] = useState<{ devices: number }>();
  const [inbox, setInbox] = useState<InboxEntry[]>();
  const [held, setHeld] = useState<HeldAttestation[]>();
  const walletAction = useAction();
  const agentAction = useAction();
  const hubAction = useAction();
  const inboxAction = useAction();
  const answerLink = async (w: PhoneWallet, text: string) => {
    const { offer, did } = await w.answerLink(text, hub !== undefined);
    setVersion((v) => v + 1);
    return { label: offer.label, agentDid: offer.agentDid, did };
  };

  // biome-ignore lint/correctness/useExhaustiveDependencies: opens the device's wallet once
  useEffect(() => {
    void walletAction.run(async () => setWallet((await PhoneWallet.open(store)) ?? null));
  }, []);

  const describeHub = async (w: PhoneWallet) => {
    try {
      setHub({ devices: (await w.hub().describe()).devices.length });
    } catch (e) {
      if (e instanceof ApiFailure && e.code === "HUB_NOT_FOUND") setHub(undefined);
      else throw e;
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: once per wallet
  useEffect(() => {
    if (wallet) void hubAction.run(() => describeHub(wallet));
  }, [wallet]);

  const create = () =>
    walletAction.run(async () => {
      setContact(undefined);
      setHub(undefined);
      setInbox(undefined);
      setHeld(undefined);
      setWallet(await PhoneWallet.create(store));
    });
  const connect = (w: PhoneWallet) =>
    agentAction.run(async () => {
      setContact(await w.connect());
      setVersion((v) => v + 1);
    });
  const hostHub = (w: PhoneWallet) =>
    hubAction.run(async () => {
      await api.call("POST", "/v1/identity/hubs", { owner: w.owner.did });
      await describeHub(w);
    });
  const sync = (w: PhoneWallet) => hubAction.run(async () => setHeld(await w.heldAttestations()));
  const readInbox = (w: PhoneWallet) => inboxAction.run(async () => setInbox(await w.readInbox()));
  const keep = async (w: PhoneWallet, entry: InboxEntry) => {
    await w.keep(entry);
    setInbox(await w.readInbox());
    setHeld(await w.heldAttestations());
  };

  return (
    <div className="grid">
      <Panel title="This page is a phone" error={walletAction.error} wide>
        <p>
          In demos this page stands in for a person's phone: its keys are made in this browser and kept in its IndexedDB
          (not extractable by the page), and what the person does is signed with them, never with the member's API key.
          Keys in a browser are a demo, not a phone's secure element.
        </p>
        <button type="button" disabled={walletAction.busy} onClick={() => void create()}>
          {wallet ? "New wallet (forget these keys)" : "Create wallet"}
        </button>
      </Panel>
      {wallet ? (
        <>
          <Panel title="Wallet" wide>
            <WalletDids owner={wallet.owner.did} relationships={wallet.relationships()} />
          </Panel>
          <Panel title="Agent" error={agentAction.error}>
            <p>Connect to this console's agent: learn its messaging DID and make a pairwise DID for it.</p>
            <button type="button" disabled={agentAction.busy} onClick={() => void connect(wallet)}>
              Connect to this agent
            </button>
            {contact ? (
              <>
                <p data-testid="agent-contact">
                  agent <code>{contact.agentDid}</code>, my DID for it <code>{contact.did}</code>
                </p>
                <RequestForm
                  onSend={(attestationType, description) =>
                    wallet.send(contact, {
                      "@context": MESSAGE_CONTEXT,
                      "@type": "RequestAttestation",
                      identifier: `req-${randomId()}`,
                      attestationType,
                      for: [contact.did],
                      format: "jwt_vc",
                      description,
                    })
                  }
                />
              </>
            ) : null}
          </Panel>
          <Panel title="Identity hub" error={hubAction.error}>
            {hub ? (
              <p data-testid="hub-status">
                hosted at this agent; {hub.devices} device{hub.devices === 1 ? "" : "s"} besides the owner key
              </p>
            ) : (
              <>
                <p className="muted">not hosted here yet: the member hosts it (its operator key, the one use of it)</p>
                <button type="button" disabled={hubAction.busy} onClick={() => void hostHub(wallet)}>
                  Host my hub here
                </button>
              </>
            )}
            {hub ? (
              <button type="button" disabled={hubAction.busy} onClick={() => void sync(wallet)}>
                Sync items
              </button>
            ) : null}
          </Panel>
          <Panel title="Link to a site">
            <p>
              Answer a site's link offer (flow 2.1) with a pairwise DID; with a hub here, the DID is also registered as
              an alias of the hub, so the site can send to it.
            </p>
            <LinkForm onAnswer={(text) => answerLink(wallet, text)} />
          </Panel>
          <Panel title="Inbox" error={inboxAction.error} wide>
            <button type="button" disabled={inboxAction.busy || !hub} onClick={() => void readInbox(wallet)}>
              Check inbox
            </button>
            {inbox ? <InboxMessages entries={inbox} onKeep={(entry) => keep(wallet, entry)} /> : null}
          </Panel>
          <Panel title="Held attestations" wide>
            {held ? <HeldAttestations items={held} /> : <p className="muted">sync the hub to see them</p>}
          </Panel>
        </>
      ) : null}
    </div>
  );
}

export default PhoneWalletPage;
