// The watchtower of a member's agent: it follows ChannelClosing events of this member's channels and answers a close
// registered by the other member with an older state than its own newest co-signed one, by itself, with `challenge`.
// At start it also looks at the channels already closing against this member (events it missed while down).
import type { Hex } from "viem";
import type { ChainEvent, Indexer } from "../../core/chain/indexer/indexer.ts";
import { PAYMENT_CHANNELS_SOURCE } from "./projection.ts";
import type { ChannelService } from "./service.ts";

export interface WatchtowerOptions {
  channels: ChannelService;
  indexer: Indexer;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
}

export async function startWatchtower(o: WatchtowerOptions): Promise<{ stop(): Promise<void> }> {
  const me = o.channels.memberAccount.toLowerCase();
  const pending = new Set<Promise<unknown>>();
  let stopped = false;
  const answer = (channelId: Hex) => {
    if (stopped) return;
    const run = o.channels
      .answerStaleClose(channelId)
      .then((answered) => {
        if (answered) o.logger.info({ channelId, ...answered }, "watchtower answered a stale channel close");
      })
      .catch((error) => o.logger.warn({ channelId, err: error }, "watchtower could not answer a channel close"));
    pending.add(run);
    void run.finally(() => pending.delete(run));
  };
  const unsubscribe = o.indexer.onEvent((event: ChainEvent) => {
    if (event.source !== PAYMENT_CHANNELS_SOURCE || event.eventName !== "ChannelClosing") return;
    if (String(event.args.closer).toLowerCase() === me) return;
    answer(String(event.args.channelId).toLowerCase() as Hex);
  });
  for (const channelId of await o.channels.closingAgainstMe()) answer(channelId);
  return {
    async stop() {
      stopped = true;
      unsubscribe();
      await Promise.allSettled([...pending]);
    },
  };
}
