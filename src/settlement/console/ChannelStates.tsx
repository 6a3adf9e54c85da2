// The payment channels of this member, one row each: the counterparty, the status (a closing channel says when its
// challenge period ends and who closed), the newest co-signed balances this agent holds, and, when a close registered
// an older state on chain, that state too (the watchtower answers it with the newer one).
import { formatAmount } from "./balances.ts";
import { type Channel, channelRow } from "./channels.ts";

const BADGE = { open: "tag ok", closing: "tag warn", closed: "tag" } as const;
const short = (id: string) => `${id.slice(0, 10)}…`;

export function ChannelStates(props: { channels: readonly Channel[]; decimals: number; nameOf(a: string): string }) {
  const { decimals, nameOf } = props;
  if (props.channels.length === 0) return <p className="muted">no payment channels</p>;
  const money = (v: string) => formatAmount(v, decimals);
  return (
    <table aria-label="Payment channels">
      <thead>
        <tr>
          <th scope="col">channel</th>
          <th scope="col">with</th>
          <th scope="col">status</th>
          <th scope="col">version</th>
          <th scope="col">ours</th>
          <th scope="col">theirs</th>
          <th scope="col">deposited</th>
        </tr>
      </thead>
      <tbody>
        {props.channels.map(channelRow).map((r) => (
          <tr key={r.channelId} data-testid="channel">
            <td>
              <code title={r.channelId}>{short(r.channelId)}</code>
            </td>
            <td>{nameOf(r.counterparty)}</td>
            <td>
              <span className={BADGE[r.status]} data-testid="channel-status">
                {r.status}
              </span>
              {r.closing ? (
                <small>
                  {" "}
                  challenge until {r.closing.endsAt} ({r.closing.byUs ? "closed by us" : "closed by them"})
                </small>
              ) : null}
              {r.registered ? (
                <small data-testid="channel-registered">
                  {" "}
                  on chain: version {r.registered.version}, ours {money(r.registered.ours)}, theirs{" "}
                  {money(r.registered.theirs)}
                </small>
              ) : null}
              {r.payout ? (
                <small>
                  {" "}
                  paid out: ours {money(r.payout.ours)}, theirs {money(r.payout.theirs)}
                </small>
              ) : null}
            </td>
            <td>{r.version}</td>
            <td>{money(r.ours)}</td>
            <td>{money(r.theirs)}</td>
            <td>{money(r.deposited)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
