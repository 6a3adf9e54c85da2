// The wallet's list and its receive form: a badge per status (unknown when the status lives elsewhere), the reason of
// a withdrawn one, the JWT sent trimmed, the form cleared once kept, and a refusal shown with its code.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiFailure } from "../../../console/src/kit.ts";
import type { HeldCredential } from "./credential.ts";
import { HeldCredentials } from "./HeldCredentials.tsx";

afterEach(cleanup);

const held = (n: number, status: HeldCredential["status"]): HeldCredential => ({
  digest: `0x${String(n).repeat(64)}`,
  id: `urn:uuid:0000000${n}`,
  credentialId: status === "unknown" ? null : `0x${String(n + 1).repeat(64)}`,
  issuer: "did:ethr:0x1:0x00000000000000000000000000000000000000aa",
  subject: "did:ethr:0x1:0x00000000000000000000000000000000000000bb",
  types: ["VettingStatus"],
  validFrom: "2026-11-30T10:00:00.000Z",
  validUntil: null,
  receivedAt: "2026-11-30T10:05:00.000Z",
  status,
  reason: status === "suspended" ? "VettingWithdrawn" : "Unspecified",
  since: null,
});
const row = (n: number) => within(screen.getByTestId(`held-${held(n, "active").digest}`));

describe("HeldCredentials", () => {
  it("shows each status as a badge, with the reason of a withdrawn one", () => {
    render(
      <HeldCredentials
        credentials={[held(1, "active"), held(2, "suspended"), held(3, "unknown")]}
        onReceive={async () => {}}
      />,
    );
    expect(row(1).getByTestId("held-status").className).toBe("tag ok");
    expect(row(2).getByTestId("held-status").className).toBe("tag warn");
    expect(row(2).getByText("VettingWithdrawn")).toBeTruthy();
    expect(row(3).getByTestId("held-status").textContent).toBe("unknown");
  });

  it("sends the pasted credential trimmed, clears the form once kept, and shows a refusal with its code", async () => {
    const onReceive = vi
      .fn<(jwt: string) => Promise<void>>()
      .mockResolvedValueOnce(undefined)
      .mockRejectedValueOnce(new ApiFailure(422, "CREDENTIAL_REVOKED", "credential x is revoked"));
    render(<HeldCredentials credentials={[]} onReceive={onReceive} />);
    expect(screen.getByText(/hold no credentials yet/)).toBeTruthy();
    const box = screen.getByLabelText(/Credential issued to one of this member's DIDs/) as HTMLTextAreaElement;
    fireEvent.change(box, { target: { value: "  a.b.c \n" } });
    fireEvent.click(screen.getByRole("button", { name: "Keep in wallet" }));
    await waitFor(() => expect(onReceive).toHaveBeenCalledWith("a.b.c"));
    await waitFor(() => expect(box.value).toBe(""));
    fireEvent.change(box, { target: { value: "d.e.f" } });
    fireEvent.click(screen.getByRole("button", { name: "Keep in wallet" }));
    await waitFor(() => expect(screen.getByText(/CREDENTIAL_REVOKED/)).toBeTruthy());
    expect(box.value).toBe("d.e.f");
  });
});
