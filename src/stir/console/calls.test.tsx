// The Calls page's decision widget: each check in order, passed or failed, the letter and the reasons it is not A.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CheckList } from "./CheckList.tsx";
import { tnDigits } from "./decision.ts";

afterEach(cleanup);

describe("CheckList", () => {
  it("shows B with the failed check and its reason", () => {
    render(
      <CheckList
        decision={{
          attest: "B",
          origid: "o",
          reasons: ["EIDL_NOT_AUTHORISED_FOR_TN"],
          checks: [
            { code: "PASSPORT_SIGNATURE", passed: true },
            { code: "EIDL_NOT_AUTHORISED_FOR_TN", passed: false, detail: "the delegation was revoked" },
          ],
          callerDid: "did:ethr:0x1:0x2",
          identity: "x",
        }}
      />,
    );
    expect(screen.getByTestId("attest").textContent).toBe("B");
    const steps = screen.getByRole("list", { name: "Verification steps" }).querySelectorAll("li");
    expect([...steps].map((s) => s.className)).toEqual(["passed", "failed"]);
    expect(steps[1]?.textContent).toContain("the delegation was revoked");
    expect(screen.getByTestId("reasons").textContent).toBe("EIDL_NOT_AUTHORISED_FOR_TN");
  });

  it("says every check passed for A", () => {
    render(
      <CheckList decision={{ attest: "A", origid: "o", reasons: [], checks: [], callerDid: null, identity: "x" }} />,
    );
    expect(screen.getByText("every check passed")).toBeTruthy();
  });
});

describe("tnDigits", () => {
  it("keeps the digits the API takes", () => {
    expect(tnDigits("+1 215 555-1212")).toBe("12155551212");
  });
});
