// REST API of the broker's bundles under /v1/datausage/: the subscriber's signed entrustment of an insight to a broker,
// the broker's bundles and their purchases (each subscriber paid its share by the contract). Schemas in
// schemasBroker.ts; the logic in brokerService.ts.
import type { Address, Hex } from "viem";
import { type ApiApp, readErrors, writeErrors } from "../core/api/index.ts";
import type { BrokerService } from "./brokerService.ts";
import {
  BundleBody,
  BundledSchema,
  BundleParams,
  BundlePurchaseBody,
  BundlePurchasedSchema,
  BundleSchema,
  EntrustBody,
  EntrustedSchema,
} from "./schemasBroker.ts";
import { InsightParams } from "./schemasInsights.ts";

const tags = ["datausage"];

export function registerBrokerRoutes(app: ApiApp, service: BrokerService): void {
  app.post(
    "/v1/datausage/insights/:id/entrustments",
    {
      schema: {
        summary:
          "Submit a subscriber's signed entrustment of an insight it accepted to a broker, with its share of each bundle sale",
        tags,
        operationId: "datausageEntrustInsight",
        params: InsightParams,
        body: EntrustBody,
        response: {
          200: EntrustedSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_NOT_ACCEPTED",
            "DATAUSAGE_ALREADY_ENTRUSTED",
            "DATAUSAGE_SIGNATURE_EXPIRED",
            "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.entrust(request.params.id as Hex, {
        broker: request.body.broker as Address,
        subscriberShareBps: request.body.subscriberShareBps,
        deadline: request.body.deadline,
        signature: request.body.signature as Hex,
      }),
  );

  app.post(
    "/v1/datausage/bundles",
    {
      schema: {
        summary: "As broker, bundle insights the subscribers entrusted to this member, sold together at one price",
        tags,
        operationId: "datausageCreateBundle",
        body: BundleBody,
        response: {
          200: BundledSchema,
          ...writeErrors("DATAUSAGE_UNKNOWN_INSIGHT", "DATAUSAGE_INSIGHT_ERASED", "DATAUSAGE_NOT_ENTRUSTED"),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.createBundle({ insightIds: request.body.insightIds as Hex[], price: request.body.price }),
  );

  app.get(
    "/v1/datausage/bundles/:bundleId",
    {
      schema: {
        summary: "A bundle: its insights with each subscriber's share, its purchases and what each subscriber was paid",
        tags,
        operationId: "datausageGetBundle",
        params: BundleParams,
        response: { 200: BundleSchema, ...readErrors("DATAUSAGE_UNKNOWN_BUNDLE") },
      },
    },
    async (request) => service.bundle(request.params.bundleId as Hex),
  );

  app.post(
    "/v1/datausage/bundles/:bundleId/purchases",
    {
      schema: {
        summary:
          "Buy a bundle: the contract pays each subscriber its share and the broker the rest; answers each insight's link",
        tags,
        operationId: "datausagePurchaseBundle",
        params: BundleParams,
        body: BundlePurchaseBody,
        response: {
          200: BundlePurchasedSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_BUNDLE",
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_SELF_PURCHASE",
            "DATAUSAGE_PURCHASE_REPLAYED",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_PRICE_ABOVE_LIMIT",
            "DATAUSAGE_INSUFFICIENT_FUNDS",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) => service.purchaseBundle(request.params.bundleId as Hex, { maxPrice: request.body.maxPrice }),
  );
}
