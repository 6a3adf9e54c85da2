// The settlement API: a settlement bank mints against fiat received and burns against fiat paid out; anyone reads an
// account's balance; operators drive roaming settlement (roaming/routes.ts). Schemas and a call into the services.
import { Type } from "@sinclair/typebox";
import type { Address } from "viem";
import {
  AddressSchema,
  type ApiModule,
  Bytes32Schema,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../core/api/index.ts";
import { registerChannelRoutes } from "./channels/routes.ts";
import type { ChannelService } from "./channels/service.ts";
import type { SettlementMoney } from "./money.ts";
import type { RoamingAgreements } from "./roaming/agreements.ts";
import type { RoamingBatches } from "./roaming/batches.ts";
import type { BatchDelivery } from "./roaming/delivery.ts";
import type { RoamingInvoices } from "./roaming/invoices.ts";
import type { RoamingNetting } from "./roaming/netting.ts";
import type { RoamingReports } from "./roaming/reports.ts";
import type { RoamingReturns } from "./roaming/returns.ts";
import { registerRoamingRoutes } from "./roaming/routes.ts";
import { registerDeliveryRoutes } from "./roaming/routesDelivery.ts";
import { registerInvoiceRoutes } from "./roaming/routesInvoices.ts";
import { registerNettingRoutes } from "./roaming/routesNetting.ts";
import { registerReportRoutes } from "./roaming/routesReports.ts";
import { registerReturnRoutes } from "./roaming/routesReturns.ts";

const tags = ["settlement"];

const AmountSchema = Type.String({
  pattern: "^[0-9]{1,30}$",
  description: "Settlement-token minor units, a decimal string (1250 = 12.50 EUR)",
});
const MovementBody = strictObject({
  to: AddressSchema,
  amount: AmountSchema,
  bankRef: Type.String({
    minLength: 1,
    maxLength: 128,
    description: "The bank's reference of the fiat movement: 0x bytes32, or text hashed with a domain separator",
  }),
});
const BalanceSchema = strictObject({
  account: AddressSchema,
  balance: AmountSchema,
  currency: Type.String({ description: "ISO 4217 code" }),
  decimals: Type.Integer({ description: "Minor units of the currency" }),
});
const MovementResult = strictObject({
  txHash: TxHashSchema,
  bankRef: Bytes32Schema,
  account: AddressSchema,
  balance: AmountSchema,
  currency: Type.String(),
  decimals: Type.Integer(),
});
const movementErrors = writeErrors("SETTLEMENT_NOT_BANK", "SETTLEMENT_BANK_REF_USED");

export function settlementApiModule(
  money: SettlementMoney,
  roaming: {
    agreements: RoamingAgreements;
    batches: RoamingBatches;
    delivery: BatchDelivery;
    invoices: RoamingInvoices;
    netting: RoamingNetting;
    reports: RoamingReports;
    returns: RoamingReturns;
  },
  channels: ChannelService,
): ApiModule {
  return {
    name: "settlement",
    tags: [
      {
        name: "settlement",
        description: "Settlement money minted and burned by settlement banks; roaming settlement between operators",
      },
    ],
    register(app) {
      registerRoamingRoutes(app, roaming.agreements, roaming.batches);
      registerDeliveryRoutes(app, roaming.delivery);
      registerInvoiceRoutes(app, roaming.invoices);
      registerNettingRoutes(app, roaming.netting);
      registerReportRoutes(app, roaming.reports);
      registerReturnRoutes(app, roaming.returns);
      registerChannelRoutes(app, channels);
      app.post(
        "/v1/settlement/mint",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Mint settlement money to a member against fiat received (this member must be SETTLEMENT_BANK)",
            tags,
            operationId: "mintSettlement",
            body: MovementBody,
            response: { 201: MovementResult, ...movementErrors },
          },
        },
        async (request, reply) => reply.code(201).send(await money.mint(request.body as never)),
      );
      app.post(
        "/v1/settlement/burn",
        {
          config: { auth: "operator" },
          schema: {
            summary:
              "Burn tokens handed back to this bank against fiat paid out to `to` (this member must be SETTLEMENT_BANK)",
            tags,
            operationId: "burnSettlement",
            body: MovementBody,
            response: {
              201: MovementResult,
              ...writeErrors("SETTLEMENT_NOT_BANK", "SETTLEMENT_BANK_REF_USED", "SETTLEMENT_BALANCE_TOO_LOW"),
            },
          },
        },
        async (request, reply) => reply.code(201).send(await money.burn(request.body as never)),
      );
      app.get(
        "/v1/settlement/balances/:account",
        {
          schema: {
            summary: "An account's settlement-money balance, in minor units",
            tags,
            operationId: "getSettlementBalance",
            params: strictObject({ account: AddressSchema }),
            response: { 200: BalanceSchema, ...readErrors() },
          },
        },
        async (request) => money.balance((request.params as { account: Address }).account),
      );
    },
  };
}
