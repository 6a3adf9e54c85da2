// The balance matrix of one period as a heat map: a row per home (paying) operator, a column per visited (charging)
// operator, each cell what the row owes the column, shaded from nothing to the period's largest balance. A table, so
// the figures are read and navigated like any table; the shade only repeats what the cell says.
import { type BalanceMatrix, formatAmount, heatLevel } from "./balances.ts";

export function BalanceHeatMap(props: {
  matrix: BalanceMatrix;
  decimals: number;
  currency: string;
  nameOf: (account: string) => string;
}) {
  const { matrix, nameOf } = props;
  if (matrix.parties.length === 0) return <p className="muted">nothing invoiced in this period</p>;
  return (
    <table className="heat-map" aria-label="Balance matrix">
      <caption className="muted">
        what each operator (row) owes each operator (column){props.currency ? `, ${props.currency}` : ""}
      </caption>
      <thead>
        <tr>
          <th scope="col">owes ↓ / to →</th>
          {matrix.parties.map((p) => (
            <th key={p} scope="col">
              {nameOf(p)}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {matrix.parties.map((debtor) => (
          <tr key={debtor}>
            <th scope="row">{nameOf(debtor)}</th>
            {matrix.parties.map((creditor) => {
              const value = matrix.owes.get(debtor)?.get(creditor);
              return (
                <td
                  key={creditor}
                  className={`heat-${value === undefined ? 0 : heatLevel(value, matrix.max)}`}
                  data-testid="balance-cell"
                  data-from={debtor}
                  data-to={creditor}
                >
                  {value === undefined ? "–" : formatAmount(value, props.decimals)}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
