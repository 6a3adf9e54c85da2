// What the Settlement page shows of a payment channel (GET /v1/settlement/channels): this member's side and the
// counterparty's, the newest co-signed balances this agent holds against what the chain has registered, and what a
// closing channel is waiting for.

export interface ChannelState {
  version: number;
  balanceA: string;
  balanceB: string;
  depositA: string;
  depositB: string;
  isFinal: boolean;
}

export interface Channel {
  channelId: string;
  memberA: string;
  memberB: string;
  side: "a" | "b";
  status: "open" | "closing" | "closed";
  depositA: string;
  depositB: string;
  onChain: { version: number; balanceA: string; balanceB: string; closesAt: number | null; closer: string | null };
  payout: { a: string; b: string } | null;
  latest: ChannelState | null;
}

export interface ChannelRow {
  channelId: string;
  counterparty: string;
  status: Channel["status"];
  /** The newest co-signed state's version this agent holds (0 before the first payment). */
  version: number;
  ours: string;
  theirs: string;
  deposited: string;
  /** What the chain holds when it differs from the newest co-signed state: a close registered an older version. */
  registered: { version: number; ours: string; theirs: string } | null;
  /** For a closing channel: when its challenge period ends (ISO), and whether this member started the close. */
  closing: { endsAt: string; byUs: boolean } | null;
  payout: { ours: string; theirs: string } | null;
}

export function channelRow(c: Channel): ChannelRow {
  const weAreA = c.side === "a";
  const us = weAreA ? c.memberA : c.memberB;
  const pick = (a: string, b: string) => (weAreA ? { ours: a, theirs: b } : { ours: b, theirs: a });
  const latest = c.latest ?? {
    version: 0,
    balanceA: c.depositA,
    balanceB: c.depositB,
    depositA: c.depositA,
    depositB: c.depositB,
    isFinal: false,
  };
  const newest = pick(latest.balanceA, latest.balanceB);
  const stale = c.status !== "open" && c.onChain.version !== latest.version;
  return {
    channelId: c.channelId,
    counterparty: weAreA ? c.memberB : c.memberA,
    status: c.status,
    version: latest.version,
    ...newest,
    deposited: (BigInt(c.depositA) + BigInt(c.depositB)).toString(),
    registered: stale ? { version: c.onChain.version, ...pick(c.onChain.balanceA, c.onChain.balanceB) } : null,
    closing:
      c.status === "closing" && c.onChain.closesAt !== null
        ? {
            endsAt: new Date(c.onChain.closesAt * 1000).toISOString(),
            byUs: c.onChain.closer?.toLowerCase() === us.toLowerCase(),
          }
        : null,
    payout: c.payout ? pick(c.payout.a, c.payout.b) : null,
  };
}
