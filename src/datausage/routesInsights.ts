// REST API of the insights market under /v1/datausage/: offers, broker listings, purchases, deliveries sealed to the
// buyer's key and their opening, erasures and their certificates. Schemas in schemasInsights.ts.
import type { Address, Hex } from "viem";
import { type ApiApp, pageOf, pageOfRows, pageRequest, readErrors, writeErrors } from "../core/api/index.ts";
import { DataUsageError } from "./errors.ts";
import type { InsightsService, Payload } from "./insightsService.ts";
import type { InsightRow, InsightsReadModel } from "./readModelInsights.ts";
import {
  ConsentParams,
  DeliverySchema,
  EnvelopeBody,
  EraseBody,
  ErasedSchema,
  ErasureSchema,
  InsightPageQuery,
  InsightParams,
  InsightSchema,
  InsightsQuery,
  ListBody,
  ListedSchema,
  ListingSchema,
  OfferBody,
  OfferedSchema,
  OpenedSchema,
  PurchaseBody,
  PurchasedSchema,
  PurchaseParams,
  PurchaseSchema,
} from "./schemasInsights.ts";

const tags = ["datausage"];

export function registerInsightRoutes(app: ApiApp, service: InsightsService, readModel: InsightsReadModel): void {
  const view = (r: InsightRow) => ({
    id: r.id,
    controller: r.controller,
    consentId: r.consent_id,
    contentDigest: r.content_digest,
    price: r.price,
    offeredAt: Number(r.offered_at),
    erasedAt: Number(r.erased_at),
    erasureDigest: r.erasure_digest,
  });
  const known = async (id: string) => {
    const row = await readModel.insight(id);
    if (!row) throw new DataUsageError("DATAUSAGE_UNKNOWN_INSIGHT", `no insight ${id}`, { field: "params.id" });
    return row;
  };

  app.post(
    "/v1/datausage/insights",
    {
      schema: {
        summary: "Offer an insight drawn from a subject's data under a live contract whose policy permits insights",
        tags,
        operationId: "datausageOfferInsight",
        body: OfferBody,
        response: {
          200: OfferedSchema,
          ...writeErrors("DATAUSAGE_UNKNOWN_CONTRACT", "DATAUSAGE_NOT_HELD", "DATAUSAGE_DENIED", "DATAUSAGE_DELAYED"),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.offer({
        consentId: request.body.consentId as Hex,
        payload: request.body.payload as Payload,
        price: request.body.price,
      }),
  );

  app.get(
    "/v1/datausage/insights",
    {
      schema: {
        summary: "Insights on the ledger in id order, optionally one controller's (digests and prices, never content)",
        tags,
        operationId: "datausageListInsights",
        querystring: InsightsQuery,
        response: { 200: pageOf(InsightSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = pageRequest(request.query, 1);
      const after = page.after?.[0] === undefined ? undefined : String(page.after[0]);
      const rows = await readModel.insights(page.limit, after, request.query.controller);
      const result = pageOfRows(rows, page.limit, (r) => [r.id]);
      return { items: result.items.map(view), nextCursor: result.nextCursor };
    },
  );

  app.get(
    "/v1/datausage/insights/:id",
    {
      schema: {
        summary: "One insight: digest, price, broker listings, purchases and erasure",
        tags,
        operationId: "datausageGetInsight",
        params: InsightParams,
        response: { 200: InsightSchema, ...readErrors("DATAUSAGE_UNKNOWN_INSIGHT") },
      },
    },
    async (request) => view(await known(request.params.id)),
  );

  app.get(
    "/v1/datausage/insights/:id/listings",
    {
      schema: {
        summary: "An insight's broker listings in broker order: price and the broker's share",
        tags,
        operationId: "datausageInsightListings",
        params: InsightParams,
        querystring: InsightPageQuery,
        response: { 200: pageOf(ListingSchema), ...readErrors("DATAUSAGE_UNKNOWN_INSIGHT") },
      },
    },
    async (request) => {
      await known(request.params.id);
      const page = pageRequest(request.query, 1);
      const after = page.after?.[0] === undefined ? undefined : String(page.after[0]);
      const rows = await readModel.listings(request.params.id, page.limit, after);
      const result = pageOfRows(rows, page.limit, (r) => [r.broker]);
      return {
        items: result.items.map((l) => ({ broker: l.broker, price: l.price, brokerShareBps: Number(l.share_bps) })),
        nextCursor: result.nextCursor,
      };
    },
  );

  app.get(
    "/v1/datausage/insights/:id/purchases",
    {
      schema: {
        summary: "An insight's purchases in id order: buyer, broker, price and the broker's amount",
        tags,
        operationId: "datausageInsightPurchases",
        params: InsightParams,
        querystring: InsightPageQuery,
        response: { 200: pageOf(PurchaseSchema), ...readErrors("DATAUSAGE_UNKNOWN_INSIGHT") },
      },
    },
    async (request) => {
      await known(request.params.id);
      const page = pageRequest(request.query, 1);
      const after = page.after?.[0] === undefined ? undefined : String(page.after[0]);
      const rows = await readModel.purchases(request.params.id, page.limit, after);
      const result = pageOfRows(rows, page.limit, (r) => [r.purchase_id]);
      return {
        items: result.items.map((p) => ({
          purchaseId: p.purchase_id,
          buyer: p.buyer,
          broker: p.broker,
          price: p.price,
          brokerAmount: p.broker_amount,
          purchasedAt: Number(p.purchased_at),
          txHash: p.tx_hash,
        })),
        nextCursor: result.nextCursor,
      };
    },
  );

  app.post(
    "/v1/datausage/insights/:id/listings",
    {
      schema: {
        summary: "As controller, list an insight with a broker at a price and the broker's share",
        tags,
        operationId: "datausageListInsight",
        params: InsightParams,
        body: ListBody,
        response: {
          200: ListedSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_NOT_INSIGHT_CONTROLLER",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_NOT_LISTED",
            "DATAUSAGE_INSIGHT_DECLINED",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.list(request.params.id as Hex, { ...request.body, broker: request.body.broker as Address }),
  );

  app.post(
    "/v1/datausage/insights/:id/purchases",
    {
      schema: {
        summary:
          "Buy an insight (directly or through a listed broker) in the settlement token, with a fresh delivery key",
        tags,
        operationId: "datausagePurchaseInsight",
        params: InsightParams,
        body: PurchaseBody,
        response: {
          200: PurchasedSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_PURCHASE_REPLAYED",
            "DATAUSAGE_NOT_LISTED",
            "DATAUSAGE_INSIGHT_DECLINED",
            "DATAUSAGE_PRICE_ABOVE_LIMIT",
            "DATAUSAGE_INSUFFICIENT_FUNDS",
            "DATAUSAGE_SELF_PURCHASE",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.purchase(request.params.id as Hex, {
        broker: request.body.broker as Address | undefined,
        maxPrice: request.body.maxPrice,
      }),
  );

  app.post(
    "/v1/datausage/purchases/:purchaseId/delivery",
    {
      schema: {
        summary: "As controller, the insight sealed to the buyer's delivery key on chain (only the buyer opens it)",
        tags,
        operationId: "datausageDeliverInsight",
        params: PurchaseParams,
        response: {
          200: DeliverySchema,
          ...readErrors(
            "DATAUSAGE_UNKNOWN_PURCHASE",
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_NOT_INSIGHT_CONTROLLER",
            "DATAUSAGE_INSIGHT_ERASED",
          ),
        },
      },
      config: { auth: "read-only" },
    },
    async (request) => service.deliver(request.params.purchaseId as Hex),
  );

  app.post(
    "/v1/datausage/purchases/:purchaseId/opening",
    {
      schema: {
        summary: "As buyer, open a delivery with this purchase's key and check it against the digest on chain",
        tags,
        operationId: "datausageOpenInsight",
        params: PurchaseParams,
        body: EnvelopeBody,
        response: {
          200: OpenedSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_PURCHASE",
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_NOT_BUYER",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_DELIVERY_MISMATCH",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.open(request.params.purchaseId as Hex, {
        ephemeralPublicKey: request.body.ephemeralPublicKey as Hex,
        iv: request.body.iv as Hex,
        ciphertext: request.body.ciphertext as Hex,
        tag: request.body.tag as Hex,
      }),
  );

  app.post(
    "/v1/datausage/erasures",
    {
      schema: {
        summary:
          "As controller, on the subject's request: destroy the subject's key and insights, record the erasure on chain",
        tags,
        operationId: "datausageErase",
        body: EraseBody,
        response: { 200: ErasedSchema, ...writeErrors("DATAUSAGE_NOTHING_TO_ERASE") },
      },
      config: { auth: "operator" },
    },
    async (request) => service.erase(request.body.consentId as Hex),
  );

  app.get(
    "/v1/datausage/erasures/:consentId",
    {
      schema: {
        summary: "An erasure certificate, checked against the erasure records on chain",
        tags,
        operationId: "datausageGetErasure",
        params: ConsentParams,
        response: { 200: ErasureSchema, ...readErrors("DATAUSAGE_NOTHING_TO_ERASE") },
      },
    },
    async (request) => service.erasure(request.params.consentId as Hex),
  );
}
