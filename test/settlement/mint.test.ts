// Settlement money through the agents on a real devnet: a settlement bank mints against fiat received and burns
// against fiat paid out; a member without SETTLEMENT_BANK is refused before anything is sent, a bank reference is
// booked once, and bad input names its field with nothing changed.
import assert from "node:assert/strict";
import { after, before, describe, it } from "node:test";
import type { Address } from "viem";
import { bankRefId } from "../../src/settlement/money.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

const MEMBERS = [
  { name: "bank", roles: ["SETTLEMENT_BANK"] },
  { name: "payer", roles: ["MOBILE_OPERATOR"] },
] as const;
type Name = (typeof MEMBERS)[number]["name"];
type Answer = { code?: string; message?: string; details?: Array<{ field: string }>; [k: string]: unknown };

describe("settlement: mint, burn and balances through the agents", () => {
  let consortium: TestConsortium<TestAgent>;
  const agent = (name: Name) => consortium.agents[name] as TestAgent;
  const account = (name: Name): Address => agent(name).agent.config.memberAccount;
  const call = (name: Name, method: string, path: string, body?: unknown) =>
    agent(name).call<Answer>(method, path, body);
  const balanceOf = async (name: Name) => {
    const answer = await call("bank", "GET", `/v1/settlement/balances/${account(name)}`);
    assert.equal(answer.status, 200, JSON.stringify(answer.body));
    return answer.body;
  };

  before(async () => {
    consortium = await startTestConsortium(MEMBERS.map((m) => ({ name: m.name, roles: [...m.roles] })));
  });
  after(async () => {
    await consortium?.stop();
  });

  it("lets the bank mint to a member, answering the transaction and the new balance", async () => {
    const minted = await call("bank", "POST", "/v1/settlement/mint", {
      to: account("payer"),
      amount: "125000",
      bankRef: "SEPA-2026-0001",
    });
    assert.equal(minted.status, 201, JSON.stringify(minted.body));
    assert.match(String(minted.body.txHash), /^0x[0-9a-f]{64}$/);
    assert.equal(minted.body.bankRef, bankRefId("SEPA-2026-0001"));
    assert.equal(minted.body.balance, "125000");
    assert.deepEqual(await balanceOf("payer"), {
      account: account("payer"),
      balance: "125000",
      currency: "EUR",
      decimals: 2,
    });
  });

  it("refuses a member without SETTLEMENT_BANK before sending, with nothing minted", async () => {
    const refused = await call("payer", "POST", "/v1/settlement/mint", {
      to: account("payer"),
      amount: "1000",
      bankRef: "SEPA-2026-0002",
    });
    assert.equal(refused.status, 403, JSON.stringify(refused.body));
    assert.equal(refused.body.code, "SETTLEMENT_NOT_BANK");
    assert.equal((await balanceOf("payer")).balance, "125000");
  });

  it("refuses a bank reference used before, text or its bytes32, naming it", async () => {
    for (const bankRef of ["SEPA-2026-0001", bankRefId("SEPA-2026-0001").toUpperCase().replace("0X", "0x")]) {
      const refused = await call("bank", "POST", "/v1/settlement/mint", { to: account("payer"), amount: "1", bankRef });
      assert.equal(refused.status, 409, JSON.stringify(refused.body));
      assert.equal(refused.body.code, "SETTLEMENT_BANK_REF_USED");
      assert.equal(refused.body.details?.[0]?.field, "body.bankRef");
    }
    assert.equal((await balanceOf("payer")).balance, "125000");
  });

  it("names the field of bad input and changes nothing", async () => {
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ to: account("payer"), amount: "12.50", bankRef: "r-1" }, "body.amount"],
      [{ to: account("payer"), amount: "-5", bankRef: "r-2" }, "body.amount"],
      [{ to: account("payer"), amount: "0", bankRef: "r-3" }, "body.amount"],
      [{ to: "0x1234", amount: "5", bankRef: "r-4" }, "body.to"],
      [{ to: account("payer"), amount: "5", bankRef: "" }, "body.bankRef"],
    ];
    for (const [body, field] of cases) {
      const refused = await call("bank", "POST", "/v1/settlement/mint", body);
      assert.equal(refused.status, 400, JSON.stringify(refused.body));
      assert.equal(refused.body.code, "VALIDATION_FAILED");
      assert.ok(
        refused.body.details?.some((d) => d.field === field),
        `${JSON.stringify(body)}: ${JSON.stringify(refused.body)}`,
      );
    }
    const badAccount = await call("bank", "GET", "/v1/settlement/balances/not-an-address");
    assert.equal(badAccount.status, 400);
    assert.equal(badAccount.body.details?.[0]?.field, "params.account");
    assert.equal((await balanceOf("payer")).balance, "125000");
  });

  it("burns tokens handed back to the bank against a payout, refusing more than the bank holds", async () => {
    // The member hands 250.00 EUR back: here minted to the bank directly, as the token burns from the bank's balance.
    const handedBack = await call("bank", "POST", "/v1/settlement/mint", {
      to: account("bank"),
      amount: "25000",
      bankRef: "SEPA-2026-0003",
    });
    assert.equal(handedBack.status, 201, JSON.stringify(handedBack.body));
    const tooMuch = await call("bank", "POST", "/v1/settlement/burn", {
      to: account("payer"),
      amount: "25001",
      bankRef: "PAYOUT-1",
    });
    assert.equal(tooMuch.status, 409, JSON.stringify(tooMuch.body));
    assert.equal(tooMuch.body.code, "SETTLEMENT_BALANCE_TOO_LOW");
    const burnt = await call("bank", "POST", "/v1/settlement/burn", {
      to: account("payer"),
      amount: "25000",
      bankRef: "PAYOUT-1",
    });
    assert.equal(burnt.status, 201, JSON.stringify(burnt.body));
    assert.equal(burnt.body.account, account("bank"));
    assert.equal(burnt.body.balance, "0");
    const again = await call("bank", "POST", "/v1/settlement/burn", {
      to: account("payer"),
      amount: "1",
      bankRef: "PAYOUT-1",
    });
    assert.equal(again.body.code, "SETTLEMENT_BANK_REF_USED");
    assert.equal((await balanceOf("payer")).balance, "125000");
  });
});
