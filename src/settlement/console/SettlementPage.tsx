// Settlement (roaming): the balance matrix between operators as a heat map for a chosen period, the invoices of every
// agreement this member is a party to, their disputes, and this member's payment channels with their states. The
// agent answers only its own member's agreements, so the matrix is this member's view: its row and its column.
// Netting rounds are read by id only (the API has no list): they are not shown.
import { useState } from "react";
import { type ApiClient, type ConsolePageProps, Panel, useResource } from "../../../console/src/kit.ts";
import { BalanceHeatMap } from "./BalanceHeatMap.tsx";
import {
  type Agreement,
  balanceMatrix,
  type Dispute,
  formatAmount,
  type Invoice,
  type InvoiceRow,
  invoiceRows,
  periodsOf,
} from "./balances.ts";
import { ChannelStates } from "./ChannelStates.tsx";
import type { Channel } from "./channels.ts";

interface Page<T> {
  items: T[];
  nextCursor: string | null;
}
interface Member {
  address: string;
  name: string;
}
interface Ledger {
  rows: InvoiceRow[];
  disputes: Dispute[];
  names: Map<string, string>;
}

/** The page reads at most this many of each list (agreements, invoices per agreement, disputes per invoice). */
const MAX_ITEMS = 500;

async function all<T>(api: ApiClient, path: string): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | null = null;
  do {
    const query: string = cursor ? `&cursor=${encodeURIComponent(cursor)}` : "";
    const page: Page<T> = await api.get(`${path}?limit=100${query}`);
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < MAX_ITEMS);
  return items;
}

/** This member's channels, and the settlement money's decimals (read from this member's own balance). */
async function loadChannels(api: ApiClient): Promise<{ channels: Channel[]; decimals: number; currency: string }> {
  const channels = await all<Channel>(api, "/v1/settlement/channels");
  const first = channels[0];
  if (!first) return { channels, decimals: 2, currency: "" };
  const us = first.side === "a" ? first.memberA : first.memberB;
  const money = await api.get<{ decimals: number; currency: string }>(`/v1/settlement/balances/${us}`);
  return { channels, decimals: money.decimals, currency: money.currency };
}

async function loadLedger(api: ApiClient): Promise<Ledger> {
  const [agreements, members] = await Promise.all([
    all<Agreement>(api, "/v1/settlement/agreements"),
    all<Member>(api, "/v1/membership/members"),
  ]);
  const invoices = (
    await Promise.all(agreements.map((a) => all<Invoice>(api, `/v1/settlement/agreements/${a.agreementId}/invoices`)))
  ).flat();
  const disputes = (
    await Promise.all(invoices.map((i) => all<Dispute>(api, `/v1/settlement/invoices/${i.invoiceId}/disputes`)))
  ).flat();
  return {
    rows: invoiceRows(agreements, invoices),
    disputes,
    names: new Map(members.map((m) => [m.address.toLowerCase(), m.name])),
  };
}

const short = (id: string) => `${id.slice(0, 10)}…`;

function SettlementPage({ api }: ConsolePageProps) {
  const ledger = useResource(() => loadLedger(api), [api]);
  const channels = useResource(() => loadChannels(api), [api]);
  const [chosen, setChosen] = useState<string>();
  const rows = ledger.value?.rows ?? [];
  const periods = periodsOf(rows);
  const period = chosen && periods.includes(chosen) ? chosen : periods[0];
  const nameOf = (account: string) => ledger.value?.names.get(account.toLowerCase()) ?? short(account);
  const inPeriod = rows.filter((r) => r.periodLabel === period);
  const decimals = inPeriod[0]?.decimals ?? 2;
  const currency = [...new Set(inPeriod.map((r) => r.currency))].join(", ");
  const byInvoice = new Map(rows.map((r) => [r.invoiceId.toLowerCase(), r]));
  return (
    <div className="grid">
      <Panel title="Balances" error={ledger.error} loading={ledger.loading} wide>
        {periods.length ? (
          <p>
            <label htmlFor="settlement-period">Period</label>{" "}
            <select id="settlement-period" value={period} onChange={(e) => setChosen(e.target.value)}>
              {periods.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>{" "}
            <button type="button" onClick={ledger.reload}>
              Reload
            </button>
          </p>
        ) : ledger.value ? (
          <p className="muted">no invoices yet</p>
        ) : null}
        {period ? (
          <BalanceHeatMap
            matrix={balanceMatrix(rows, period)}
            decimals={decimals}
            currency={currency}
            nameOf={nameOf}
          />
        ) : null}
      </Panel>
      <Panel title="Invoices" wide>
        {rows.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">period</th>
                <th scope="col">from (visited)</th>
                <th scope="col">to (home)</th>
                <th scope="col">amount</th>
                <th scope="col">status</th>
                <th scope="col">due</th>
                <th scope="col">credited</th>
                <th scope="col">escalated</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <tr key={r.invoiceId} data-testid="invoice">
                  <td>{r.periodLabel}</td>
                  <td>{nameOf(r.visited)}</td>
                  <td>{nameOf(r.home)}</td>
                  <td>{formatAmount(r.amount, r.decimals)}</td>
                  <td className={r.status === "final" ? "ok" : "warn"}>{r.status}</td>
                  <td>{r.amountDue === null ? "" : formatAmount(r.amountDue, r.decimals)}</td>
                  <td>{r.credited === null ? "" : formatAmount(r.credited, r.decimals)}</td>
                  <td>{r.escalated === null ? "" : formatAmount(r.escalated, r.decimals)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        ) : (
          <p className="muted">no invoices</p>
        )}
      </Panel>
      <Panel title="Disputes" wide>
        {ledger.value?.disputes.length ? (
          <table>
            <thead>
              <tr>
                <th scope="col">invoice</th>
                <th scope="col">record</th>
                <th scope="col">amount</th>
                <th scope="col">reason</th>
                <th scope="col">status</th>
                <th scope="col">credit</th>
              </tr>
            </thead>
            <tbody>
              {ledger.value.disputes.map((d) => {
                const invoice = byInvoice.get(d.invoiceId.toLowerCase());
                const dec = invoice?.decimals ?? 2;
                return (
                  <tr key={d.disputeId} data-testid="dispute">
                    <td>
                      <code>{short(d.invoiceId)}</code> {invoice ? invoice.periodLabel : ""}
                    </td>
                    <td>
                      <code>{short(d.recordDigest)}</code>
                    </td>
                    <td>{formatAmount(d.amount, dec)}</td>
                    <td>{d.reason}</td>
                    <td className={d.status === "open" ? "warn" : ""}>
                      {d.status}
                      {d.byRule ? " (by rule)" : ""}
                    </td>
                    <td>{formatAmount(d.credit, dec)}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : (
          <p className="muted">no disputes</p>
        )}
      </Panel>
      <Panel
        title={`Payment channels${channels.value?.currency ? ` (${channels.value.currency})` : ""}`}
        error={channels.error}
        loading={channels.loading}
        wide
      >
        {channels.value ? (
          <ChannelStates channels={channels.value.channels} decimals={channels.value.decimals} nameOf={nameOf} />
        ) : null}
      </Panel>
    </div>
  );
}

export const settlementPage = { id: "settlement", title: "Settlement", order: 35, component: SettlementPage };
