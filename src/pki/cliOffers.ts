// `telco-ledger pki offers ...`: paid data offers (ENT-001) through a member agent's API. A provider's file is read
// here and sent to its own agent, which keeps it and time-stamps it; a client's agent fetches the data from the
// provider's agent (named like --agent, or a URL) and checks it against the chain before it is written out.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent, resolveAgentTarget } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, table } from "../cli/output.ts";

type Offer = { offerId: string; provider: string; price: string; dataRoot: string; paid: boolean; access: unknown };
type Request = {
  requestId: string;
  state: string;
  client: string;
  dataset: null | { provider: string };
  payment: null | { offerId: string; price: string };
  offers?: Offer[];
};
type Added = { digest: string; stamp: { root: string; blockNumber: number } };

const requestLine = (r: Request) =>
  `request ${r.requestId}: ${r.state}` +
  (r.state === "served" ? `, served at once by free data of ${r.dataset?.provider}` : "") +
  (r.payment ? `, paid ${r.payment.price} to offer ${r.payment.offerId}` : "") +
  (r.state === "open" ? ": a call for offers" : "");
const offerLine = (o: Offer) =>
  `offer ${o.offerId}: ${o.price} by ${o.provider}${o.paid ? ", paid" : ""}${o.access ? ", access granted" : ""}`;

/** Sends a file to this member's agent, which keeps it and anchors its SHA-256: the proof travels with the data. */
async function addFile(o: ClientOptions, file: string, mediaType: string): Promise<Added> {
  const content = readFileSync(file).toString("base64");
  return callAgent<Added>(targetOf(o), "POST", "/v1/pki/data-offers/files", { content, mediaType });
}

export function registerOfferCommands(pki: Command): void {
  const offers = pki.command("offers").description("paid data offers: requests, offers, payment, access, the data");
  const media = "--media-type <type>";
  const mediaHelp = "the data's media type";

  withClientOptions(
    offers.command("request <query>").description("client: request data on a query (public text)"),
  ).action(async (query: string, o: ClientOptions) => {
    const r = await callAgent<{ request: Request }>(targetOf(o), "POST", "/v1/pki/data-offers/requests", { query });
    printResult(r, o, () => requestLine(r.request));
  });

  withClientOptions(
    offers.command("offer <requestId> <file>").description("provider: offer a file (time-stamped now) at a price"),
  )
    .requiredOption("--price <minor>", "settlement-token minor units (1250 = 12.50 EUR)")
    .option(media, mediaHelp, "application/octet-stream")
    .action(async (requestId: string, file: string, o: ClientOptions & { price: string; mediaType: string }) => {
      const added = await addFile(o, file, o.mediaType);
      const body = { price: o.price, digest: added.digest, dataRoot: added.stamp.root };
      const r = await callAgent<{ offer: Offer }>(
        targetOf(o),
        "POST",
        `/v1/pki/data-offers/requests/${requestId}/offers`,
        body,
      );
      printResult(r, o, () => `${offerLine(r.offer)}; data time-stamped under root ${r.offer.dataRoot}`);
    });

  withClientOptions(
    offers.command("publish <query> <file>").description("provider: publish a file (time-stamped now) as free data"),
  )
    .option(media, mediaHelp, "application/octet-stream")
    .action(async (query: string, file: string, o: ClientOptions & { mediaType: string }) => {
      const added = await addFile(o, file, o.mediaType);
      const body = { query, digest: added.digest, dataRoot: added.stamp.root };
      const r = await callAgent<{ datasetId: string }>(targetOf(o), "POST", "/v1/pki/data-offers/datasets", body);
      printResult(r, o, () => `free dataset ${r.datasetId} published for "${query}"`);
    });

  withClientOptions(offers.command("show <requestId>").description("a request, its offers, payment and grants")).action(
    async (requestId: string, o: ClientOptions) => {
      const r = await callAgent<Request>(targetOf(o), "GET", `/v1/pki/data-offers/requests/${requestId}`);
      printResult(r, o, () => [requestLine(r), ...(r.offers ?? []).map(offerLine)].join("\n"));
    },
  );

  withClientOptions(offers.command("requests").description("data requests on the ledger"))
    .option("--state <state>", "open | served | paid")
    .action(async (o: ClientOptions & { state?: string }) => {
      const r = await callAgent<{ items: Request[] }>(
        targetOf(o),
        "GET",
        `/v1/pki/data-offers/requests${o.state ? `?state=${encodeURIComponent(o.state)}` : ""}`,
      );
      printResult(r, o, () => table(r.items, ["requestId", "client", "state"]));
    });

  withClientOptions(offers.command("pay <offerId>").description("client: pay an offer in the settlement token")).action(
    async (offerId: string, o: ClientOptions) => {
      const r = await callAgent<{ price: string; provider: string; balance: string }>(
        targetOf(o),
        "POST",
        `/v1/pki/data-offers/offers/${offerId}/pay`,
        {},
      );
      printResult(r, o, () => `paid ${r.price} to ${r.provider}; balance now ${r.balance}`);
    },
  );

  withClientOptions(
    offers.command("grant <offerId>").description("provider: record the access granted (after payment)"),
  ).action(async (offerId: string, o: ClientOptions) => {
    const r = await callAgent<{ offer: Offer }>(targetOf(o), "POST", `/v1/pki/data-offers/offers/${offerId}/grant`, {});
    printResult(r, o, () => offerLine(r.offer));
  });

  withClientOptions(
    offers
      .command("fetch <requestId>")
      .description("client: fetch the data from the provider's agent and check its proof against the chain"),
  )
    .requiredOption("--provider <agent|url>", "the provider's agent: a sandbox agent name or its base URL")
    .option("--out <file>", "write the data here")
    .action(async (requestId: string, o: ClientOptions & { provider: string; out?: string }) => {
      const providerUrl = /^https?:\/\//.test(o.provider)
        ? o.provider
        : resolveAgentTarget({ agent: o.provider, ...(o.dataDir ? { dataDir: o.dataDir } : {}) }).url;
      const r = await callAgent<{
        content: string;
        digest: string;
        stamp: { leafIndex: number; treeSize: number; root: string };
        anchor: { anchoredAt: number; blockNumber: number };
      }>(targetOf(o), "POST", `/v1/pki/data-offers/requests/${requestId}/fetch`, { providerUrl });
      const bytes = Buffer.from(r.content, "base64");
      if (o.out) writeFileSync(o.out, bytes);
      printResult(r, o, () =>
        [
          `verified: ${bytes.length} bytes, SHA-256 ${r.digest}, leaf ${r.stamp.leafIndex} of ${r.stamp.treeSize}`,
          `under root ${r.stamp.root} anchored ${new Date(r.anchor.anchoredAt * 1000).toISOString()} in block ${r.anchor.blockNumber}`,
          o.out ? `written to ${o.out}` : bytes.toString("utf8"),
        ].join("\n"),
      );
    });
}
