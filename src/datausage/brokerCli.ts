// `telco-ledger datausage entrust|bundle|buy-bundle|bundle-show`: the broker's bundles through the member agents'
// APIs. `entrust` is the subscriber's: its wallet key signs here and the member's agent only submits. The buyer then
// fetches each insight of a bundle from its controller with `fetch <purchaseId> --from <controller>`.
import type { Command } from "commander";
import type { Hex } from "viem";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";
import { memberAccount } from "./cli.ts";
import { keyOf } from "./subscriberCli.ts";
import type { SigningDomain } from "./subscriberSigning.ts";

type Row = Record<string, unknown>;

export function registerBrokerCommands(du: Command): void {
  withClientOptions(
    du
      .command("entrust <insightId>")
      .description("as subscriber, entrust an insight you accepted to a broker with your share (signed here)"),
  )
    .requiredOption("--key-file <file>", "the subscriber's key file")
    .requiredOption("--broker <member>", "the broker (agent name or address)")
    .requiredOption("--share-bps <n>", "your share of the insight's portion of each bundle sale (10000 = 100%)")
    .option("--valid-for <seconds>", "how long the signed entrustment may wait to be submitted", "600")
    .action(
      async (
        insightId: string,
        o: ClientOptions & { keyFile: string; broker: string; shareBps: string; validFor: string },
      ) => {
        const target = targetOf(o);
        // Loaded here, not at the top: registering the commands must stay light (viem's accounts are heavy).
        const { subscriberWallet } = await import("./subscriberSigning.ts");
        const wallet = subscriberWallet(keyOf(o.keyFile));
        const broker = (await memberAccount(o.broker, o)) as Hex;
        const domain = await callAgent<SigningDomain>(target, "GET", "/v1/datausage/signing-domain");
        const deadline = Math.floor(Date.now() / 1000) + Number(o.validFor);
        const subscriberShareBps = Number(o.shareBps);
        const signature = await wallet.signEntrust(domain, {
          insightId: insightId as Hex,
          broker,
          subscriberShareBps,
          deadline: BigInt(deadline),
        });
        printResult(
          await callAgent(target, "POST", `/v1/datausage/insights/${insightId}/entrustments`, {
            broker,
            subscriberShareBps,
            deadline,
            signature,
          }),
          o,
          (r: Row) => `entrusted ${r.insightId} to ${r.broker} by ${r.subscriberKey}: ${r.subscriberShareBps} bps`,
        );
      },
    );

  withClientOptions(du.command("bundle").description("as broker, bundle insights entrusted to you at one price"))
    .requiredOption("--insights <ids>", "comma-separated insight ids")
    .requiredOption("--price <amount>", "the bundle's price in the settlement token's smallest unit")
    .action(async (o: ClientOptions & { insights: string; price: string }) => {
      const body = { insightIds: o.insights.split(",").map((s) => s.trim()), price: o.price };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/datausage/bundles", body),
        o,
        (r: Row) => `bundle ${r.bundleId} of ${(r.insightIds as string[]).length} insight(s) at ${r.price}`,
      );
    });

  withClientOptions(du.command("buy-bundle <bundleId>").description("buy a broker's bundle"))
    .requiredOption("--max-price <amount>", "the most this member pays")
    .action(async (bundleId: string, o: ClientOptions & { maxPrice: string }) => {
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/bundles/${bundleId}/purchases`, { maxPrice: o.maxPrice }),
        o,
        (r: Row) =>
          [
            `bundle purchase ${r.bundlePurchaseId}: paid ${r.price}, ${r.brokerAmount} of it to the broker`,
            ...(r.insights as Row[]).map(
              (i) =>
                `insight ${i.insightId}: ${i.subscriberAmount} to subscriber ${i.subscriberKey}; purchase ${i.purchaseId} at ${i.controller} ${i.link}`,
            ),
          ].join("\n"),
      );
    });

  withClientOptions(
    du.command("bundle-show <bundleId>").description("a bundle, its shares and what each subscriber was paid"),
  ).action(async (bundleId: string, o: ClientOptions) => {
    printResult(await callAgent(targetOf(o), "GET", `/v1/datausage/bundles/${bundleId}`), o, (r: Row) =>
      [
        `bundle ${r.bundleId} by broker ${r.broker} at ${r.price}`,
        ...(r.insights as Row[]).map(
          (i) =>
            `insight ${i.insightId}: subscriber ${i.subscriberKey} share ${i.subscriberShareBps} bps${Number(i.erasedAt) > 0 ? " ERASED" : ""}`,
        ),
        ...(r.purchases as Row[]).flatMap((p) => [
          `bought by ${p.buyer} for ${p.price}, broker kept ${p.brokerAmount}`,
          ...(p.subscriberPayments as Row[]).map((s) => `  paid ${s.amount} to subscriber ${s.subscriberKey}`),
        ]),
      ].join("\n"),
    );
  });
}
