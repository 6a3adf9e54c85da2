// The credential card: status shown, Revoke offered only for a credential this agent's DID issued and not revoked.
import { cleanup, fireEvent, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CredentialCard } from "./CredentialCard.tsx";
import type { Verification } from "./credential.ts";

afterEach(cleanup);

const issuer = "did:ethr:0x1:0x00000000000000000000000000000000000000aa";
const active: Verification = {
  verified: true,
  issuer,
  credentialId: `0x${"1".repeat(64)}`,
  validFrom: "2026-11-30T10:00:00.000Z",
  validUntil: null,
  status: { method: "TelcoLedgerStatusRegistry2026", status: "active" },
};

describe("CredentialCard", () => {
  it("offers Revoke with a reason for a credential issued by a hosted DID, and passes the reason", () => {
    const onRevoke = vi.fn();
    render(<CredentialCard verification={active} hosted={new Set([issuer])} onRevoke={onRevoke} />);
    expect(screen.getByTestId("credential-status").textContent).toContain("active");
    fireEvent.change(screen.getByLabelText("Reason"), { target: { value: "Fraud" } });
    fireEvent.click(screen.getByRole("button", { name: "Revoke credential" }));
    expect(onRevoke).toHaveBeenCalledWith("Fraud");
  });

  it("offers no Revoke for another issuer's credential, nor a revoked one", () => {
    render(<CredentialCard verification={active} hosted={new Set()} onRevoke={() => {}} />);
    expect(screen.queryByRole("button")).toBeNull();
    cleanup();
    const revoked = {
      ...active,
      verified: false,
      status: { method: "TelcoLedgerStatusRegistry2026", status: "revoked" },
    };
    render(<CredentialCard verification={revoked} hosted={new Set([issuer])} onRevoke={() => {}} />);
    expect(screen.queryByRole("button")).toBeNull();
    expect(screen.getByText("not valid")).toBeTruthy();
  });

  it("shows the refusal's code and message", () => {
    render(
      <CredentialCard
        verification={{ verified: false, error: { code: "CREDENTIAL_EXPIRED", message: "expired at 2026-01-01" } }}
        hosted={new Set()}
      />,
    );
    expect(screen.getByTestId("credential").textContent).toContain("CREDENTIAL_EXPIRED expired at 2026-01-01");
  });
});
