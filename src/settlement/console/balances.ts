// The Settlement page's figures: each invoice placed in its agreement's calendar period, and the balance matrix of a
// period (what each home operator owes each visited operator: an invoice's amount due once final, its amount before).
// Amounts are minor units of the settlement token, kept as bigint (they may exceed 2^53).

export interface Agreement {
  agreementId: string;
  visited: string;
  home: string;
  status: string;
  terms: { validFrom: number; periodSeconds: number; tariff: { currency: string; decimals: number } } | null;
}

export interface Invoice {
  invoiceId: string;
  agreementId: string;
  period: number;
  amount: string;
  status: "issued" | "accepted" | "final";
  amountDue: string | null;
  credited: string | null;
  escalated: string | null;
  issuedAt: number;
}

export interface Dispute {
  disputeId: string;
  invoiceId: string;
  recordDigest: string;
  amount: string;
  reason: string;
  status: string;
  credit: string;
  byRule: boolean;
}

/** An invoice with its agreement's parties and the calendar start of its period. */
export interface InvoiceRow extends Invoice {
  visited: string;
  home: string;
  /** The period's first day (YYYY-MM-DD), or "period N" when this agent does not hold the agreement's terms. */
  periodLabel: string;
  currency: string;
  decimals: number;
}

const TOKEN_DECIMALS = 2;

export function invoiceRows(agreements: readonly Agreement[], invoices: readonly Invoice[]): InvoiceRow[] {
  const byId = new Map(agreements.map((a) => [a.agreementId.toLowerCase(), a]));
  return invoices.flatMap((invoice) => {
    const agreement = byId.get(invoice.agreementId.toLowerCase());
    if (!agreement) return [];
    const terms = agreement.terms;
    const periodLabel = terms
      ? new Date((terms.validFrom + invoice.period * terms.periodSeconds) * 1000).toISOString().slice(0, 10)
      : `period ${invoice.period}`;
    return [
      {
        ...invoice,
        visited: agreement.visited.toLowerCase(),
        home: agreement.home.toLowerCase(),
        periodLabel,
        currency: terms?.tariff.currency ?? "",
        decimals: terms?.tariff.decimals ?? TOKEN_DECIMALS,
      },
    ];
  });
}

/** What the home operator owes on an invoice: the amount due once final, the invoiced amount before. */
export const owed = (row: Invoice): bigint => BigInt(row.amountDue ?? row.amount);

/** The periods the invoices fall in, latest first. */
export function periodsOf(rows: readonly InvoiceRow[]): string[] {
  return [...new Set(rows.map((r) => r.periodLabel))].sort((a, b) => b.localeCompare(a));
}

export interface BalanceMatrix {
  /** Every operator in the period's invoices, sorted by account. */
  parties: string[];
  /** owes[debtor][creditor], summed over the period's invoices; absent when nothing is invoiced between them. */
  owes: Map<string, Map<string, bigint>>;
  max: bigint;
}

export function balanceMatrix(rows: readonly InvoiceRow[], period: string): BalanceMatrix {
  const owes = new Map<string, Map<string, bigint>>();
  const parties = new Set<string>();
  let max = 0n;
  for (const row of rows) {
    if (row.periodLabel !== period) continue;
    parties.add(row.home).add(row.visited);
    const line = owes.get(row.home) ?? new Map<string, bigint>();
    const sum = (line.get(row.visited) ?? 0n) + owed(row);
    line.set(row.visited, sum);
    owes.set(row.home, line);
    if (sum > max) max = sum;
  }
  return { parties: [...parties].sort(), owes, max };
}

/** The heat map's shade of a cell: 0 (nothing owed) to 5 (the period's largest balance). */
export function heatLevel(value: bigint, max: bigint): number {
  if (value <= 0n || max <= 0n) return 0;
  return Math.max(1, Math.ceil(Number((value * 5n * 1000n) / max) / 1000));
}

/** Minor units as a decimal amount: 276 with 2 decimals -> "2.76". */
export function formatAmount(minor: bigint | string, decimals: number): string {
  const value = BigInt(minor);
  const sign = value < 0n ? "-" : "";
  const digits = (value < 0n ? -value : value).toString().padStart(decimals + 1, "0");
  return decimals === 0 ? `${sign}${digits}` : `${sign}${digits.slice(0, -decimals)}.${digits.slice(-decimals)}`;
}
