// The ODRL profile's enforcement semantics, decided by the compiled policy: allow, modify (with the duties the agent
// applies), delay until the delay period, deny by prohibition, purpose, recipient, time window or revocation, and
// obligations after use; the policy's structure hash ignores values; fingerprints are salted per contract.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compilePolicy } from "../../src/datausage/compile.ts";
import { fingerprint, freshSalts, structureHash } from "../../src/datausage/fingerprints.ts";
import { applyModifications } from "../../src/datausage/modify.ts";
import { DATAUSAGE_PROFILE, type OdrlPolicy } from "../../src/datausage/odrl.ts";
import { checkPolicy } from "../../src/datausage/policyCheck.ts";

const PROCESSOR = "0x00000000000000000000000000000000000000a1";
const T0 = Date.parse("2026-06-01T10:00:00Z") / 1000;

const policy: OdrlPolicy = {
  "@type": "Agreement",
  profile: DATAUSAGE_PROFILE,
  permission: [
    {
      action: "use",
      constraint: [
        { leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["billing"] },
        { leftOperand: "tl:hourOfDay", operator: "gteq", rightOperand: 8 },
        { leftOperand: "tl:hourOfDay", operator: "lt", rightOperand: 20 },
      ],
      duty: [{ action: "delete", "tl:when": "afterUse", "tl:within": 86_400 }],
    },
    {
      action: "use",
      constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["analytics"] }],
      duty: [{ action: "aggregate", "tl:bucket": 1000 }],
    },
    {
      action: "use",
      constraint: [
        { leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["marketing"] },
        { leftOperand: "delayPeriod", operator: "gteq", rightOperand: 3600 },
        { leftOperand: "dateTime", operator: "lt", rightOperand: "2027-01-01T00:00:00Z" },
      ],
    },
    {
      action: "transfer",
      constraint: [
        { leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["customer-care"] },
        { leftOperand: "recipient", operator: "isAnyOf", rightOperand: [PROCESSOR] },
      ],
      duty: [{ action: "anonymize", "tl:fields": ["msisdn"] }],
    },
  ],
  prohibition: [
    { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["profiling"] }] },
  ],
};

describe("datausage ODRL profile: enforcement semantics", () => {
  const decide = compilePolicy(policy);
  const clock = { createdAt: T0 - 60 };

  it("allows a permitted purpose inside its daily window, with the obligation after use", () => {
    const d = decide({ action: "use", purpose: "billing", at: T0 }, clock);
    assert.equal(d.verdict, "allow");
    assert.deepEqual(d.obligations, [{ action: "delete", "tl:when": "afterUse", "tl:within": 86_400 }]);
    const night = decide({ action: "use", purpose: "billing", at: T0 + 12 * 3600 }, clock);
    assert.equal(night.verdict, "deny");
    assert.match(night.reason, /hour 22 UTC outside the daily window/);
  });

  it("modifies: the agent hands out generalised or pseudonymised data", () => {
    const d = decide({ action: "use", purpose: "analytics", at: T0 }, clock);
    assert.equal(d.verdict, "modify");
    const data = applyModifications({ msisdn: "+447700900001", monthlyMb: 42_345 }, d.modifications, "k");
    assert.deepEqual(data, { monthlyMb: "42000-42999" });
    const t = decide({ action: "transfer", purpose: "customer-care", recipient: PROCESSOR, at: T0 }, clock);
    assert.equal(t.verdict, "modify");
    const out = applyModifications({ msisdn: "+447700900001", plan: "unlimited" }, t.modifications, "k");
    assert.match(String(out.msisdn), /^pseud:[0-9a-f]{16}$/);
    assert.equal(out.plan, "unlimited");
  });

  it("delays until the delay period after collection, then allows until the window closes", () => {
    const d = decide({ action: "use", purpose: "marketing", at: T0 }, clock);
    assert.equal(d.verdict, "delay");
    assert.equal(d.notBefore, clock.createdAt + 3600);
    assert.equal(decide({ action: "use", purpose: "marketing", at: T0 + 3600 }, clock).verdict, "allow");
    const late = decide({ action: "use", purpose: "marketing", at: Date.parse("2027-02-01T10:00:00Z") / 1000 }, clock);
    assert.equal(late.verdict, "deny");
  });

  it("denies by prohibition, unknown purpose, forbidden recipient and revocation", () => {
    assert.match(decide({ action: "use", purpose: "profiling", at: T0 }, clock).reason, /prohibited/);
    assert.match(decide({ action: "use", purpose: "resale", at: T0 }, clock).reason, /purpose resale not allowed/);
    const other = decide({ action: "transfer", purpose: "customer-care", recipient: "0xbad", at: T0 }, clock);
    assert.equal(other.verdict, "deny");
    assert.match(other.reason, /recipient 0xbad not allowed/);
    const revoked = decide({ action: "use", purpose: "billing", at: T0 }, { ...clock, revokedAncestor: "0xroot" });
    assert.equal(revoked.verdict, "deny");
    assert.match(revoked.reason, /revoked contract 0xroot/);
  });

  it("hashes the structure without values, and fingerprints differ per salt", () => {
    const other: OdrlPolicy = JSON.parse(JSON.stringify(policy).replaceAll("billing", "invoicing"));
    assert.equal(structureHash(other), structureHash(policy), "same shape, same structure hash");
    assert.notEqual(fingerprint(freshSalts().policy, policy), fingerprint(freshSalts().policy, policy));
  });

  it("refuses a policy whose window can never hold, naming the field", () => {
    const bad: OdrlPolicy = {
      "@type": "Set",
      profile: DATAUSAGE_PROFILE,
      permission: [
        {
          action: "use",
          constraint: [
            { leftOperand: "dateTime", operator: "gteq", rightOperand: "2027-01-01T00:00:00Z" },
            { leftOperand: "dateTime", operator: "lt", rightOperand: "2026-01-01T00:00:00Z" },
          ],
        },
      ],
    };
    assert.throws(() => checkPolicy(bad, "body.policy"), {
      code: "DATAUSAGE_INVALID_POLICY",
      field: "body.policy.permission[0].constraint",
    });
  });
});
