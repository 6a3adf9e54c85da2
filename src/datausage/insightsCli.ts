// `telco-ledger datausage offer|insight|broker-list|buy|fetch|erase|erasure`: the insights market through the member
// agents' APIs. `fetch` is the one command that talks to two agents: the controller's (the delivery sealed to the
// purchase's key) and this member's (which opens it).
import type { Command } from "commander";
import { callAgent, callAgentAllItems, resolveAgentTarget } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";
import { dataOf, memberAccount } from "./cli.ts";

type Row = Record<string, unknown>;

export function registerInsightCommands(du: Command): void {
  withClientOptions(
    du.command("offer <consentId>").description("as controller, offer an insight drawn from a contract"),
  )
    .requiredOption(
      "--payload <pairs>",
      "the insight: key=value,key=value (sealed off chain, a salted digest on chain)",
    )
    .requiredOption("--price <amount>", "the direct price in the settlement token's smallest unit")
    .action(async (consentId: string, o: ClientOptions & { payload: string; price: string }) => {
      const body = { consentId, payload: dataOf(o.payload), price: o.price };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/datausage/insights", body),
        o,
        (r: Row) => `insight ${r.insightId} offered at ${r.price}; digest ${r.contentDigest}`,
      );
    });

  withClientOptions(du.command("insight <id>").description("one insight: price, listings, purchases, erasure")).action(
    async (id: string, o: ClientOptions) => {
      const target = targetOf(o);
      const insight = await callAgent<Row>(target, "GET", `/v1/datausage/insights/${id}`);
      const listings = (await callAgentAllItems<Row>(target, `/v1/datausage/insights/${id}/listings`)).items;
      const purchases = (await callAgentAllItems<Row>(target, `/v1/datausage/insights/${id}/purchases`)).items;
      printResult({ ...insight, listings, purchases }, o, (r: Row) =>
        [
          `insight ${r.id} controller ${r.controller} price ${r.price} ${Number(r.erasedAt) > 0 ? `ERASED at ${r.erasedAt} (digest ${r.erasureDigest})` : "available"}`,
          ...listings.map((l) => `listed with ${l.broker} at ${l.price}, broker share ${l.brokerShareBps} bps`),
          ...purchases.map(
            (p) =>
              `bought by ${p.buyer} for ${p.price}${p.broker ? ` through ${p.broker} (${p.brokerAmount} to it)` : ""}`,
          ),
        ].join("\n"),
      );
    },
  );

  withClientOptions(du.command("broker-list <id>").description("as controller, list an insight with a broker"))
    .requiredOption("--broker <member>", "the broker (agent name or address)")
    .requiredOption("--price <amount>", "what a buyer pays through the broker")
    .requiredOption("--share-bps <n>", "the broker's share of that price in basis points (10000 = 100%)")
    .action(async (id: string, o: ClientOptions & { broker: string; price: string; shareBps: string }) => {
      const body = { broker: await memberAccount(o.broker, o), price: o.price, brokerShareBps: Number(o.shareBps) };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/insights/${id}/listings`, body),
        o,
        (r: Row) => `listed with ${r.broker} at ${r.price}, broker share ${r.brokerShareBps} bps`,
      );
    });

  withClientOptions(
    du.command("buy <id>").description("buy an insight in the settlement token (directly or through a broker)"),
  )
    .requiredOption("--max-price <amount>", "the most this member pays")
    .option("--broker <member>", "buy through this listed broker (agent name or address)")
    .action(async (id: string, o: ClientOptions & { maxPrice: string; broker?: string }) => {
      const body = { maxPrice: o.maxPrice, ...(o.broker ? { broker: await memberAccount(o.broker, o) } : {}) };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/insights/${id}/purchases`, body),
        o,
        (r: Row) =>
          `purchase ${r.purchaseId}: paid ${r.price}${r.broker ? `, ${r.brokerAmount} of it to broker ${r.broker}` : ""}`,
      );
    });

  withClientOptions(
    du.command("fetch <purchaseId>").description("fetch a bought insight from its controller and open it here"),
  )
    .requiredOption("--from <agent>", "the controller's sandbox agent name")
    .action(async (purchaseId: string, o: ClientOptions & { from: string }) => {
      const controller = resolveAgentTarget({ agent: o.from, dataDir: o.dataDir });
      const delivery = await callAgent<Row>(controller, "POST", `/v1/datausage/purchases/${purchaseId}/delivery`);
      const { ephemeralPublicKey, iv, ciphertext, tag } = delivery;
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/datausage/purchases/${purchaseId}/opening`, {
          ephemeralPublicKey,
          iv,
          ciphertext,
          tag,
        }),
        o,
        (r: Row) => `insight ${r.insightId} (digest checked ${r.contentDigest}): ${JSON.stringify(r.payload)}`,
      );
    });

  withClientOptions(
    du
      .command("erase <consentId>")
      .description("as controller, on the subject's request: shred and record the erasure"),
  ).action(async (consentId: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/datausage/erasures", { consentId }),
      o,
      (r: Row) =>
        `erased ${(r.erased as string[]).length} insight(s): key destroyed; erasure digest ${r.erasureDigest} on chain`,
    );
  });

  withClientOptions(
    du.command("erasure <consentId>").description("the erasure certificate, checked against the chain"),
  ).action(async (consentId: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "GET", `/v1/datausage/erasures/${consentId}`),
      o,
      (r: Row) =>
        `${r.valid ? "valid" : "INVALID"} erasure certificate ${r.erasureDigest}; subject key ${r.subjectKeyHeld ? "STILL HELD" : "destroyed"}; ${r.erasedOnChain} of ${r.insights} insight(s) erased on chain with its digest`,
    );
  });
}
