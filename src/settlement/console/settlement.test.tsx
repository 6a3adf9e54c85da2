// The Settlement page's balance matrix: invoices placed in their calendar period, summed per debtor and creditor
// (the amount due once final), shaded, and shown as a table with names.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { BalanceHeatMap } from "./BalanceHeatMap.tsx";
import {
  type Agreement,
  balanceMatrix,
  formatAmount,
  heatLevel,
  type Invoice,
  invoiceRows,
  periodsOf,
} from "./balances.ts";

afterEach(cleanup);

const NORTH = "0x000000000000000000000000000000000000000a";
const SOUTH = "0x000000000000000000000000000000000000000b";
const EAST = "0x000000000000000000000000000000000000000c";
const terms = {
  validFrom: Date.UTC(2026, 0, 1) / 1000,
  periodSeconds: 31 * 86_400,
  tariff: { currency: "EUR", decimals: 2 },
};
const agreements: Agreement[] = [
  { agreementId: "0x01", visited: NORTH, home: SOUTH, status: "active", terms },
  { agreementId: "0x02", visited: SOUTH, home: NORTH, status: "active", terms },
  { agreementId: "0x03", visited: EAST, home: SOUTH, status: "active", terms: null },
];
const invoice = (
  id: string,
  agreementId: string,
  period: number,
  amount: string,
  amountDue: string | null = null,
): Invoice => ({
  invoiceId: id,
  agreementId,
  period,
  amount,
  status: amountDue === null ? "issued" : "final",
  amountDue,
  credited: null,
  escalated: null,
  issuedAt: 0,
});

describe("the balance matrix", () => {
  const rows = invoiceRows(agreements, [
    invoice("0xi1", "0x01", 1, "276"),
    invoice("0xi2", "0x02", 1, "1000", "900"),
    invoice("0xi3", "0x01", 0, "50"),
    invoice("0xi4", "0x03", 1, "7"),
    invoice("0xi5", "0x99", 1, "7"),
  ]);

  it("places each invoice in its agreement's calendar period (or its number without the terms)", () => {
    expect(rows.map((r) => r.periodLabel)).toEqual(["2026-02-01", "2026-02-01", "2026-01-01", "period 1"]);
    expect(periodsOf(rows)).toEqual(["period 1", "2026-02-01", "2026-01-01"]);
  });

  it("sums what each home operator owes each visited one in a period, the amount due once final", () => {
    const m = balanceMatrix(rows, "2026-02-01");
    expect(m.parties).toEqual([NORTH, SOUTH]);
    expect(m.owes.get(SOUTH)?.get(NORTH)).toBe(276n);
    expect(m.owes.get(NORTH)?.get(SOUTH)).toBe(900n);
    expect(m.owes.get(NORTH)?.get(NORTH)).toBeUndefined();
    expect(m.max).toBe(900n);
  });

  it("shades from 0 (nothing) to 5 (the largest)", () => {
    expect(heatLevel(0n, 900n)).toBe(0);
    expect(heatLevel(1n, 900n)).toBe(1);
    expect(heatLevel(276n, 900n)).toBe(2);
    expect(heatLevel(900n, 900n)).toBe(5);
  });

  it("formats minor units with the token's decimals", () => {
    expect(formatAmount(276n, 2)).toBe("2.76");
    expect(formatAmount("5", 2)).toBe("0.05");
    expect(formatAmount(-1234n, 2)).toBe("-12.34");
    expect(formatAmount(12n, 0)).toBe("12");
  });

  it("renders a row per debtor and a column per creditor, with names and shades", () => {
    const names: Record<string, string> = { [NORTH]: "North", [SOUTH]: "South" };
    render(
      <BalanceHeatMap
        matrix={balanceMatrix(rows, "2026-02-01")}
        decimals={2}
        currency="EUR"
        nameOf={(a) => names[a] ?? a}
      />,
    );
    const table = screen.getByRole("table", { name: "Balance matrix" });
    expect([...table.querySelectorAll("thead th")].map((th) => th.textContent)).toEqual([
      "owes ↓ / to →",
      "North",
      "South",
    ]);
    const cell = (from: string, to: string) =>
      table.querySelector(`[data-testid=balance-cell][data-from="${from}"][data-to="${to}"]`);
    expect(cell(SOUTH, NORTH)?.textContent).toBe("2.76");
    expect(cell(SOUTH, NORTH)?.className).toBe("heat-2");
    expect(cell(NORTH, SOUTH)?.textContent).toBe("9.00");
    expect(cell(NORTH, SOUTH)?.className).toBe("heat-5");
    expect(cell(NORTH, NORTH)?.textContent).toBe("–");
  });
});
