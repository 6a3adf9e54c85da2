// `telco-ledger datausage register-friend-key|share|open-share`: sharing an insight with a friend. Both wallet keys
// live in local files and never leave this process: the subscriber's CLI opens its insight here, seals it to the
// friend's registered key here and signs the share; the friend's CLI opens the share here and checks it against the
// digests on chain. The member's agent only submits and stores envelopes it cannot open.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Address, Hex } from "viem";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError, printResult } from "../cli/output.ts";
import type { Envelope } from "./insightsCrypto.ts";
import { keyOf } from "./subscriberCli.ts";
import type { SigningDomain } from "./subscriberSigning.ts";

type Row = Record<string, unknown>;

// Loaded by every `telco-ledger` command: viem's accounts and the ECIES code load inside the actions.
const signing = () => import("./subscriberSigning.ts");

export function registerShareCommands(du: Command): void {
  withClientOptions(
    du
      .command("register-friend-key")
      .description(
        "as a friend, register your wallet key to receive shared insights (signed here, any --agent submits)",
      ),
  )
    .requiredOption("--key-file <file>", "the friend's key file (make one with new-subscriber-key)")
    .action(async (o: ClientOptions & { keyFile: string }) => {
      const target = targetOf(o);
      const { subscriberWallet } = await signing();
      const wallet = subscriberWallet(keyOf(o.keyFile));
      const domain = await callAgent<SigningDomain>(target, "GET", "/v1/datausage/signing-domain");
      const body = { publicKey: wallet.publicKey, signature: await wallet.signFriendKey(domain) };
      printResult(
        await callAgent(target, "POST", "/v1/datausage/friend-keys", body),
        o,
        (r: Row) => `friend key ${r.friendKey} registered`,
      );
    });

  withClientOptions(
    du
      .command("share <insightId>")
      .description(
        "as subscriber, share an accepted insight with a friend's key: read from the controller's store (--agent), re-sealed here to the friend, signed here, submitted by --agent",
      ),
  )
    .requiredOption("--key-file <file>", "the subscriber's key file")
    .requiredOption("--friend <address>", "the friend's registered key (its address)")
    .option("--envelope <file>", "your own copy of the insight's envelope (from your own store) instead of a reading")
    .option("--valid-for <seconds>", "how long the signed share may wait to be submitted", "600")
    .action(
      async (
        insightId: string,
        o: ClientOptions & { keyFile: string; friend: string; envelope?: string; validFor: string },
      ) => {
        const target = targetOf(o);
        const privateKey = keyOf(o.keyFile);
        const [{ subscriberWallet }, crypto, { shareIdOf }, { envelopeDigestOf }, { fingerprint }] = await Promise.all([
          signing(),
          import("./insightsCrypto.ts"),
          import("./insightsLedger.ts"),
          import("./shareService.ts"),
          import("./fingerprints.ts"),
        ]);
        const wallet = subscriberWallet(privateKey);
        const domain = await callAgent<SigningDomain>(target, "GET", "/v1/datausage/signing-domain");
        let own: Envelope;
        if (o.envelope) own = JSON.parse(readFileSync(o.envelope, "utf8")) as Envelope;
        else {
          const issuedAt = Math.floor(Date.now() / 1000);
          const signature = await wallet.signReading(domain, {
            insightId: insightId as Hex,
            issuedAt: BigInt(issuedAt),
          });
          own = await callAgent(target, "POST", `/v1/datausage/insights/${insightId}/readings`, {
            issuedAt,
            signature,
          });
        }
        const opened = crypto.openAsSubscriber(privateKey, insightId as Hex, own);
        const { payload, salt } = JSON.parse(opened) as { payload: unknown; salt: Hex };
        const insight = await callAgent<Row>(target, "GET", `/v1/datausage/insights/${insightId}`);
        if (fingerprint(salt, payload) !== insight.contentDigest)
          throw new CliError("the insight does not match its digest on chain: nothing shared");
        const friend = await callAgent<{ friendKey: Address; publicKey: Hex }>(
          target,
          "GET",
          `/v1/datausage/friend-keys/${o.friend}`,
        );
        const shareId = shareIdOf(insightId as Hex, friend.friendKey);
        const envelope = crypto.sealForFriend(friend.publicKey, shareId, opened);
        const deadline = Math.floor(Date.now() / 1000) + Number(o.validFor);
        const signature = await wallet.signShare(domain, {
          insightId: insightId as Hex,
          friendKey: friend.friendKey,
          envelopeDigest: envelopeDigestOf(envelope),
          deadline: BigInt(deadline),
        });
        printResult(
          await callAgent(target, "POST", `/v1/datausage/insights/${insightId}/shares`, {
            friendKey: friend.friendKey,
            envelope,
            deadline,
            signature,
          }),
          o,
          (r: Row) => `shared ${r.insightId} with ${r.friendKey} (share ${r.shareId})`,
        );
      },
    );

  withClientOptions(
    du
      .command("open-share <shareId>")
      .description("as the friend, fetch a share from the agent that stores it (--agent) and open it here"),
  )
    .requiredOption("--key-file <file>", "the friend's key file")
    .action(async (shareId: string, o: ClientOptions & { keyFile: string }) => {
      const target = targetOf(o);
      const privateKey = keyOf(o.keyFile);
      const [crypto, { envelopeDigestOf }, { fingerprint }] = await Promise.all([
        import("./insightsCrypto.ts"),
        import("./shareService.ts"),
        import("./fingerprints.ts"),
      ]);
      const share = await callAgent<Row & { envelope: Envelope | null }>(
        target,
        "GET",
        `/v1/datausage/shares/${shareId}`,
      );
      if (!share.envelope)
        throw new CliError(`share ${shareId} is on chain but its envelope is not kept by this agent`);
      if (envelopeDigestOf(share.envelope) !== share.envelopeDigest)
        throw new CliError("the envelope differs from the digest the subscriber signed on chain");
      const { payload, salt } = JSON.parse(crypto.openAsFriend(privateKey, shareId as Hex, share.envelope)) as {
        payload: unknown;
        salt: Hex;
      };
      const insight = await callAgent<Row>(target, "GET", `/v1/datausage/insights/${share.insightId}`);
      const digestMatches = fingerprint(salt, payload) === insight.contentDigest;
      printResult(
        { shareId, insightId: share.insightId, from: share.subscriberKey, payload, digestMatches },
        o,
        (r: Row) =>
          `${digestMatches ? "digest checked" : "DIGEST MISMATCH"}; shared by ${r.from}; ${JSON.stringify(r.payload)}`,
      );
    });
}
