// The phone wallet page's parts: the inbox shows each opened message by type with what it says (a request, the
// preconditions asked, a delivered attestation, an access request), an encrypted badge, a refused one with its code;
// only a delivered attestation can be kept, and a failure to keep it is shown with its code. The DIDs list and the
// held attestations show what the wallet holds. The request form sends what was typed, trimmed, and shows the agent's
// thread, or its refusal with the code; the link form the same for a pasted link offer.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiFailure } from "../../../../console/src/kit.ts";
import { type AttestationMessage, MESSAGE_CONTEXT } from "../../../core/identity/messages/schemas.ts";
import { HeldAttestations } from "./HeldAttestations.tsx";
import { InboxMessages } from "./InboxMessages.tsx";
import { LinkForm } from "./LinkForm.tsx";
import type { InboxEntry } from "./phoneWallet.ts";
import { RequestForm } from "./RequestForm.tsx";
import { WalletDids } from "./WalletDids.tsx";

afterEach(cleanup);

const AGENT = "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv";
const ME = "did:key:zDnaeTiq1PdzvZXUaMdezchcMJQpBdH2VN4pgrrEhMCCbmwSb";
const base = { "@context": MESSAGE_CONTEXT } as const;
const opened = (seq: number, message: AttestationMessage, encrypted = true): InboxEntry => ({
  seq,
  receivedAt: "2026-12-01T02:00:00.000Z",
  opened: {
    message,
    sender: AGENT,
    recipient: ME,
    jti: `jti-${seq}-0123456789ab`,
    issuedAt: 1,
    expiresAt: 2,
    encrypted,
  },
});
const entries: InboxEntry[] = [
  opened(1, {
    ...base,
    "@type": "RequestAttestation",
    identifier: "request-0001",
    attestationType: "IspAccount",
    for: [ME],
    format: "jwt_vc",
    description: "Your ISP account",
  }),
  opened(
    2,
    {
      ...base,
      "@type": "PreconditionsAttestation",
      identifier: "precond-0002",
      replyTo: "request-0001",
      preconditions: [{ attestationType: "IdentityAttestation", description: "from your bank", formats: ["jwt_vc"] }],
    },
    false,
  ),
  opened(3, {
    ...base,
    "@type": "DeliverAttestation",
    identifier: "deliver-0003",
    replyTo: "request-0001",
    object: { format: "jwt_vc", payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln" },
    description: "Your ISP account attestation",
    deliveredAt: 1_764_554_400,
  }),
  opened(
    4,
    {
      ...base,
      "@type": "RequestAccess",
      identifier: "access-0004",
      object: { grantee: AGENT, attestationTypes: ["IspAccount"], actions: ["read"], expiresAt: 1_764_640_800 },
      purpose: "a partner discount",
    },
    false,
  ),
  { seq: 5, receivedAt: "2026-12-01T02:01:00.000Z", refused: { code: "MESSAGE_EXPIRED", message: "it expired" } },
];
const item = (seq: number) => within(screen.getByTestId(`inbox-${seq}`));

describe("InboxMessages", () => {
  it("shows each message by type with what it says, encrypted or not, and a refusal with its code", () => {
    render(<InboxMessages entries={entries} onKeep={async () => {}} />);
    expect(item(1).getByText("RequestAttestation")).toBeTruthy();
    expect(item(1).getByText("asks for IspAccount (jwt_vc): Your ISP account")).toBeTruthy();
    expect(item(1).getByText("encrypted")).toBeTruthy();
    expect(item(2).getByText("present first: IdentityAttestation (from your bank)")).toBeTruthy();
    expect(item(2).queryByText("encrypted")).toBeNull();
    expect(item(3).getByText("Your ISP account attestation (jwt_vc)")).toBeTruthy();
    expect(item(4).getByText("asks to read IspAccount until 2025-12-02 02:00 UTC: a partner discount")).toBeTruthy();
    expect(item(5).getByText("MESSAGE_EXPIRED")).toBeTruthy();
    expect(item(5).getByText("it expired")).toBeTruthy();
    expect(screen.getAllByRole("button", { name: "Keep attestation" })).toHaveLength(1);
    expect(item(3).getByRole("button", { name: "Keep attestation" })).toBeTruthy();
  });

  it("keeps a delivered attestation, and shows a failure to keep it with its code", async () => {
    const onKeep = vi.fn().mockRejectedValueOnce(new ApiFailure(409, "HUB_ITEM_CONFLICT", "item is at revision 3"));
    render(<InboxMessages entries={entries} onKeep={onKeep} />);
    fireEvent.click(item(3).getByRole("button", { name: "Keep attestation" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("HUB_ITEM_CONFLICT"));
    expect(onKeep).toHaveBeenCalledWith(entries[2]);
    fireEvent.click(item(3).getByRole("button", { name: "Keep attestation" }));
    await waitFor(() => expect(screen.queryByRole("alert")).toBeNull());
    expect(onKeep).toHaveBeenCalledTimes(2);
  });

  it("says when nothing waits", () => {
    render(<InboxMessages entries={[]} onKeep={async () => {}} />);
    expect(screen.getByText("no message waits in the hub")).toBeTruthy();
  });
});

describe("WalletDids and HeldAttestations", () => {
  it("lists the owner DID and a pairwise DID per peer", () => {
    render(
      <WalletDids owner={ME} relationships={[{ peer: AGENT, did: `${ME}x`, createdAt: "2026-12-01T02:00:00Z" }]} />,
    );
    expect(screen.getByTestId("owner-did").textContent).toBe(ME);
    const row = within(screen.getByRole("table")).getAllByRole("row")[1] as HTMLElement;
    expect(within(row).getByText(AGENT)).toBeTruthy();
    expect(within(row).getByText(`${ME}x`)).toBeTruthy();
  });

  it("says when there is no relationship, and lists held attestations with their hub revision", () => {
    render(<WalletDids owner={ME} relationships={[]} />);
    expect(screen.getByText("no relationship yet: connect to an agent")).toBeTruthy();
    cleanup();
    render(
      <HeldAttestations
        items={[
          {
            itemId: "att-1",
            seq: 7,
            description: "Your ISP account attestation",
            format: "jwt_vc",
            payload: "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2ln",
            from: AGENT,
            deliveredAt: 1_764_554_400,
          },
        ]}
      />,
    );
    const row = within(screen.getByTestId("held-attestations")).getAllByRole("row")[1] as HTMLElement;
    expect(within(row).getByText("Your ISP account attestation")).toBeTruthy();
    expect(within(row).getByText("7")).toBeTruthy();
    expect(within(row).getByText("2025-12-01 02:00:00")).toBeTruthy();
  });
});

describe("RequestForm", () => {
  it("sends the type and purpose typed, trimmed, and shows the agent's thread or its refusal", async () => {
    const onSend = vi
      .fn()
      .mockRejectedValueOnce(new ApiFailure(502, "MESSAGE_DELIVERY_FAILED", "the agent refused"))
      .mockResolvedValueOnce({ threadId: "req-abc", encrypted: true });
    render(<RequestForm onSend={onSend} />);
    fireEvent.change(screen.getByLabelText("Attestation type"), { target: { value: " IspAccount " } });
    fireEvent.change(screen.getByLabelText("What for (shown to the agent)"), { target: { value: " my account " } });
    fireEvent.click(screen.getByRole("button", { name: "Ask for the attestation" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("MESSAGE_DELIVERY_FAILED"));
    expect(onSend).toHaveBeenCalledWith("IspAccount", "my account");
    fireEvent.click(screen.getByRole("button", { name: "Ask for the attestation" }));
    await waitFor(() => expect(screen.getByTestId("request-sent").textContent).toContain("encrypted: thread req-abc"));
    expect(screen.queryByRole("alert")).toBeNull();
  });
});

describe("LinkForm", () => {
  it("answers the pasted offer, trimmed, and shows whom it linked to, or the refusal's code", async () => {
    const onAnswer = vi
      .fn()
      .mockRejectedValueOnce(new ApiFailure(410, "LINK_EXPIRED", "the link expired"))
      .mockResolvedValueOnce({ label: "Example ISP", agentDid: AGENT, did: ME });
    render(<LinkForm onAnswer={onAnswer} />);
    const field = screen.getByLabelText("Link offer (URL or telco-ledger://link)");
    fireEvent.change(field, { target: { value: " telco-ledger://link?v=1 " } });
    fireEvent.click(screen.getByRole("button", { name: "Link with my pairwise DID" }));
    await waitFor(() => expect(screen.getByRole("alert").textContent).toContain("LINK_EXPIRED"));
    expect(onAnswer).toHaveBeenCalledWith("telco-ledger://link?v=1");
    fireEvent.click(screen.getByRole("button", { name: "Link with my pairwise DID" }));
    await waitFor(() =>
      expect(screen.getByTestId("link-answered").textContent).toBe(`linked to Example ISP ${AGENT} as ${ME}`),
    );
    expect((field as HTMLTextAreaElement).value).toBe("");
  });
});
