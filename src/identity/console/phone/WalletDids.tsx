// The phone wallet's DIDs: the hub owner did:key, and one pairwise did:key per relationship (the peer it is for).
import type { Relationship } from "./phoneWallet.ts";

export function WalletDids(props: { owner: string; relationships: readonly Relationship[] }) {
  return (
    <div data-testid="wallet-dids">
      <p>
        Hub owner DID: <code data-testid="owner-did">{props.owner}</code>
      </p>
      {props.relationships.length === 0 ? (
        <p className="muted">no relationship yet: connect to an agent</p>
      ) : (
        <table>
          <caption>Relationships (a pairwise DID each)</caption>
          <thead>
            <tr>
              <th scope="col">peer</th>
              <th scope="col">my DID for it</th>
              <th scope="col">since</th>
            </tr>
          </thead>
          <tbody>
            {props.relationships.map((r) => (
              <tr key={r.peer}>
                <td>
                  <code>{r.peer}</code>
                </td>
                <td>
                  <code>{r.did}</code>
                </td>
                <td>{r.createdAt.slice(0, 19).replace("T", " ")}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
