// The list of issued credentials: a badge per status, only the changes the registry allows, a change sent only after
// its confirmation with the chosen reason, and a refusal shown with its code and message.
import { cleanup, fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiFailure } from "../../../console/src/kit.ts";
import type { ListedCredential } from "./credential.ts";
import { IssuedCredentials } from "./IssuedCredentials.tsx";

afterEach(cleanup);

const issuer = "did:ethr:0x1:0x00000000000000000000000000000000000000aa";
const credential = (n: number, status: ListedCredential["status"]): ListedCredential => ({
  credentialId: `0x${String(n).repeat(64)}`,
  id: `urn:uuid:0000000${n}`,
  issuer,
  subject: n === 1 ? "did:ethr:0x1:0x00000000000000000000000000000000000000bb" : null,
  types: ["VettingStatus"],
  issuedAt: "2026-11-30T10:00:00.000Z",
  expiresAt: null,
  status,
  reason: status === "active" ? "Unspecified" : "Fraud",
  since: status === "active" ? null : "2026-11-30T11:00:00.000Z",
});
const list = [credential(1, "active"), credential(2, "suspended"), credential(3, "revoked")];
const row = (n: number) => within(screen.getByTestId(`issued-${credential(n, "active").credentialId}`));
const buttonNames = (n: number) =>
  row(n)
    .queryAllByRole("button")
    .map((b) => b.textContent);

describe("IssuedCredentials", () => {
  it("shows each status as a badge and offers only the changes the registry allows", () => {
    render(<IssuedCredentials credentials={list} onChange={async () => {}} />);
    expect(row(1).getByTestId("issued-status").className).toBe("tag ok");
    expect(row(2).getByTestId("issued-status").className).toBe("tag warn");
    expect(row(3).getByTestId("issued-status").textContent).toBe("revoked");
    expect(row(3).getByText("Fraud")).toBeTruthy();
    expect(buttonNames(1)).toEqual(["Suspend", "Revoke"]);
    expect(buttonNames(2)).toEqual(["Reinstate", "Revoke"]);
    expect(buttonNames(3)).toEqual([]);
  });

  it("sends a change only once confirmed, with the chosen reason; Cancel sends nothing", async () => {
    const onChange = vi.fn(async () => {});
    render(<IssuedCredentials credentials={list} onChange={onChange} />);
    fireEvent.click(row(1).getByRole("button", { name: /^Suspend/ }));
    expect(onChange).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
    expect(screen.queryByRole("form")).toBeNull();
    fireEvent.click(row(2).getByRole("button", { name: /^Reinstate/ }));
    fireEvent.change(screen.getByLabelText("Status change reason"), { target: { value: "Superseded" } });
    fireEvent.click(screen.getByRole("button", { name: "Confirm reinstate" }));
    await waitFor(() => expect(screen.queryByRole("button", { name: "Confirm reinstate" })).toBeNull());
    expect(onChange).toHaveBeenCalledTimes(1);
    expect(onChange).toHaveBeenCalledWith(list[1], "reinstate", "Superseded");
  });

  it("shows a refused change with the agent's code and message, and keeps the confirmation open", async () => {
    const onChange = vi.fn(async () => {
      throw new ApiFailure(403, "DID_NOT_HOSTED", "the issuer is not hosted here");
    });
    render(<IssuedCredentials credentials={list} onChange={onChange} />);
    fireEvent.click(row(1).getByRole("button", { name: /^Revoke/ }));
    fireEvent.click(screen.getByRole("button", { name: "Confirm revoke" }));
    const alert = await screen.findByRole("alert");
    expect(alert.textContent).toContain("DID_NOT_HOSTED the issuer is not hosted here");
    expect(screen.getByRole("button", { name: "Confirm revoke" })).toBeTruthy();
  });

  it("says when nothing was issued", () => {
    render(<IssuedCredentials credentials={[]} onChange={async () => {}} />);
    expect(screen.getByText(/issued no credentials yet/)).toBeTruthy();
  });
});
