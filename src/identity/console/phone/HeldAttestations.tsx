// The attestations the person holds: items of their hub, sealed on the device and opened here after a sync.
import type { HeldAttestation } from "./phoneWallet.ts";

export function HeldAttestations({ items }: { items: readonly HeldAttestation[] }) {
  if (items.length === 0) return <p className="muted">no attestation held yet (sync, or keep one from the inbox)</p>;
  return (
    <table data-testid="held-attestations">
      <thead>
        <tr>
          <th scope="col">attestation</th>
          <th scope="col">format</th>
          <th scope="col">from</th>
          <th scope="col">delivered</th>
          <th scope="col">hub revision</th>
        </tr>
      </thead>
      <tbody>
        {items.map((a) => (
          <tr key={a.itemId}>
            <td>
              {a.description}
              <br />
              <code title={a.payload}>{`${a.payload.slice(0, 24)}…`}</code>
            </td>
            <td>{a.format}</td>
            <td>
              <code>{a.from}</code>
            </td>
            <td>{new Date(a.deliveredAt * 1000).toISOString().slice(0, 19).replace("T", " ")}</td>
            <td>{a.seq}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
