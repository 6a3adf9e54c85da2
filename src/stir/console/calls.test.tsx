// The Calls page's decision widget: each check in order, passed or failed, the letter and the reasons it is not A.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { CheckList } from "./CheckList.tsx";
import { tnDigits } from "./decision.ts";
import { heldNumbers, passportClaims } from "./testCall.ts";

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

describe("the test call's numbers and PASSporT", () => {
  it("offers only the active grants of single numbers, each with its tnauth reference", () => {
    const grant = (tnId: string, status = "active") => ({
      grantId: tnId,
      tnId,
      issuerId: "did:ethr:0x1:0xBRAND",
      subjectId: "did:ethr:0x1:0xbpo",
      credentialHash: "0xABCD",
      status,
    });
    expect(
      heldNumbers("did:ethr:0x1:0xbpo", "Contact Centre", [
        grant("12155551212"),
        grant("1215555XXXX"),
        grant("12155551313", "revoked"),
      ]),
    ).toEqual([
      {
        did: "did:ethr:0x1:0xbpo",
        orgName: "Contact Centre",
        tn: "12155551212",
        tnauth: "did:ethr:0x1:0xBRAND#0xabcd",
      },
    ]);
  });

  it("decodes the header and claims of an Identity header's PASSporT", () => {
    const part = (o: object) => btoa(JSON.stringify(o)).replace(/=+$/, "").replace(/\+/g, "-").replace(/\//g, "_");
    const identity = `${part({ alg: "ES256", ppt: "shaken" })}.${part({ orig: { tn: "12155551212" }, dest: { tn: ["1"] } })}.sig;info=<https://x>;ppt=shaken`;
    const { header, claims } = passportClaims(identity);
    expect(header.alg).toBe("ES256");
    expect(claims.orig).toEqual({ tn: "12155551212" });
    expect(() => passportClaims("")).toThrow(/no JWS/);
  });
});
