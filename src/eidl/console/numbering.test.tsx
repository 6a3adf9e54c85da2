// The numbering widgets: the custody timeline (names, revoked steps marked, revoke only on the issuer's own active
// grants) and the vetting tree (organisations under their vetters, a cycle cut instead of looping).
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CustodyTimeline } from "./CustodyTimeline.tsx";
import { type CustodyEntry, searchPrefix, vettingTree } from "./custody.ts";
import { VettingTree } from "./VettingTree.tsx";

afterEach(cleanup);

const did = (n: number) => `did:ethr:0x1:0x${String(n).padStart(40, "0")}`;
const names = new Map([
  [did(1), "Numbering Authority"],
  [did(2), "Alpha Telecom"],
  [did(3), "Acme Bank"],
  [did(4), "Contact Centre"],
]);
const step = (over: Partial<CustodyEntry>): CustodyEntry => ({
  grantId: "11",
  tnId: "1215555",
  event: "granted",
  type: "allocation",
  from: did(1),
  to: did(2),
  at: "2026-11-30T10:00:00.000Z",
  reason: null,
  currentStatus: "valid",
  blockNumber: 5,
  txHash: "0xaa",
  ...over,
});

describe("CustodyTimeline", () => {
  const entries = [
    step({}),
    step({ grantId: "12", tnId: "12155551212", type: "delegation", from: did(3), to: did(4), txHash: "0xbb" }),
    step({
      grantId: "12",
      tnId: "12155551212",
      type: "delegation",
      event: "revoked",
      from: did(3),
      to: did(4),
      reason: "Canceled",
      currentStatus: "revoked",
      txHash: "0xcc",
    }),
  ];

  it("names the organisations and marks the revoked step", () => {
    render(<CustodyTimeline entries={entries} names={names} />);
    const steps = screen.getAllByTestId("custody-step");
    expect(steps).toHaveLength(3);
    expect(steps[0]?.textContent).toContain("Numbering Authority → Alpha Telecom");
    expect(steps[2]?.className).toBe("revoked");
    expect(steps[2]?.textContent).toContain("reason Canceled");
    expect(within(steps[2] as HTMLElement).getByText("revoked", { selector: ".status" })).toBeTruthy();
  });

  it("offers Revoke only on active grants issued by an organisation this agent hosts", () => {
    const active = [step({}), step({ grantId: "13", from: did(3), to: did(4), txHash: "0xdd" })];
    render(<CustodyTimeline entries={active} names={names} hosted={new Set([did(3)])} onRevoke={() => {}} />);
    expect(screen.getAllByRole("button").map((b) => b.textContent)).toEqual(["Revoke grant 13"]);
  });

  it("shortens a DID whose organisation it cannot name", () => {
    render(<CustodyTimeline entries={[step({ to: did(99) })]} names={names} />);
    expect(screen.getByTestId("custody-step").textContent).toContain("Numbering Authority → ");
    expect(screen.getByTestId("custody-step").textContent).toMatch(/0x000000…0099/);
  });
});

describe("VettingTree", () => {
  it("puts organisations under their vetter, the unvetted trust authority at the root", () => {
    render(
      <VettingTree
        orgs={[
          { did: did(4), vetter: did(3), result: 0 },
          { did: did(1), vetter: undefined, result: undefined },
          { did: did(3), vetter: did(1), result: 0 },
          { did: did(2), vetter: did(1), result: 2 },
        ]}
        names={names}
      />,
    );
    const tree = screen.getByRole("list", { name: "Vetting tree" });
    expect(tree.children).toHaveLength(1);
    expect(tree.textContent).toMatch(/^Numbering Authority root/);
    expect(screen.getByText("Blacklisted")).toBeTruthy();
    const acme = screen.getByText("Acme Bank").closest("li") as HTMLElement;
    expect(within(acme).getByText("Contact Centre")).toBeTruthy();
  });

  it("cuts a vetting cycle instead of looping", () => {
    const roots = vettingTree([
      { did: did(1), vetter: did(2), result: 0 },
      { did: did(2), vetter: did(1), result: 0 },
    ]);
    expect(roots).toHaveLength(1);
    expect(roots[0]?.children).toHaveLength(1);
  });
});

describe("searchPrefix", () => {
  it("takes a number or a block, refuses anything else", () => {
    expect(searchPrefix("+1 (215) 555-1212")).toBe("12155551212");
    expect(searchPrefix("1215555XXXX")).toBe("1215555");
    expect(searchPrefix("0123")).toBeUndefined();
    expect(searchPrefix("12a")).toBeUndefined();
  });
});
