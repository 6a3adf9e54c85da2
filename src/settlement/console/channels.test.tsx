// The payment channels on the Settlement page: this member's side whichever it is, the newest co-signed balances,
// a closing channel's challenge end and closer, and the older state a close registered on chain shown beside it.
import { cleanup, render, screen, within } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { ChannelStates } from "./ChannelStates.tsx";
import { type Channel, channelRow } from "./channels.ts";

afterEach(cleanup);

const NORTH = "0x000000000000000000000000000000000000000a";
const SOUTH = "0x000000000000000000000000000000000000000b";
const channel = (over: Partial<Channel>): Channel => ({
  channelId: `0x${"1".repeat(64)}`,
  memberA: NORTH,
  memberB: SOUTH,
  side: "a",
  status: "open",
  depositA: "1000",
  depositB: "500",
  onChain: { version: 0, balanceA: "1000", balanceB: "500", closesAt: null, closer: null },
  payout: null,
  latest: { version: 7, balanceA: "780", balanceB: "720", depositA: "1000", depositB: "500", isFinal: false },
  ...over,
});

describe("payment channels", () => {
  it("reads balances from this member's side, whichever side it is", () => {
    expect(channelRow(channel({}))).toMatchObject({ counterparty: SOUTH, version: 7, ours: "780", theirs: "720" });
    expect(channelRow(channel({ side: "b" }))).toMatchObject({ counterparty: NORTH, ours: "720", theirs: "780" });
    expect(channelRow(channel({ latest: null }))).toMatchObject({ version: 0, ours: "1000", theirs: "500" });
  });

  it("shows a closing channel's challenge end, who closed it, and the older state registered on chain", () => {
    const closing = channel({
      status: "closing",
      onChain: { version: 3, balanceA: "900", balanceB: "600", closesAt: 1_796_100_000, closer: SOUTH },
    });
    const row = channelRow(closing);
    expect(row.closing).toEqual({ endsAt: new Date(1_796_100_000_000).toISOString(), byUs: false });
    expect(row.registered).toEqual({ version: 3, ours: "900", theirs: "600" });
    render(<ChannelStates channels={[closing]} decimals={2} nameOf={(a) => (a === SOUTH ? "south" : a)} />);
    const tr = within(screen.getByTestId("channel"));
    expect(tr.getByTestId("channel-status").className).toBe("tag warn");
    expect(tr.getByText("south")).toBeTruthy();
    expect(tr.getByText(/closed by them/)).toBeTruthy();
    expect(tr.getByTestId("channel-registered").textContent).toMatch(/version 3, ours 9\.00, theirs 6\.00/);
    expect(tr.getByText("7.80")).toBeTruthy();
    expect(tr.getByText("15.00")).toBeTruthy();
  });

  it("shows the payout of a closed channel and says when there is none", () => {
    const closed = channel({
      status: "closed",
      onChain: { version: 7, balanceA: "780", balanceB: "720", closesAt: null, closer: NORTH },
      payout: { a: "780", b: "720" },
    });
    expect(channelRow(closed).registered).toBeNull();
    render(<ChannelStates channels={[closed]} decimals={2} nameOf={(a) => a} />);
    expect(screen.getByText(/paid out: ours 7\.80, theirs 7\.20/)).toBeTruthy();
    cleanup();
    render(<ChannelStates channels={[]} decimals={2} nameOf={(a) => a} />);
    expect(screen.getByText("no payment channels")).toBeTruthy();
  });
});
