// The netting routes of roaming settlement: an operator opens a round over final invoices, net debtors pay once, net
// creditors claim once. Schemas and a call into RoamingNetting; no SQL, no logic.
import type { Hex } from "viem";
import { type ApiApp, readErrors, writeErrors } from "../../core/api/index.ts";
import type { RoamingNetting } from "./netting.ts";
import { NetMoveResult, OpenNettingBody, RoundParams, RoundResult, RoundSchema } from "./schemas.ts";

const tags = ["settlement"];
type RoundId = { roundId: Hex };

export function registerNettingRoutes(app: ApiApp, netting: RoamingNetting): void {
  app.post(
    "/v1/settlement/netting",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Open the netting round of a period over final invoices in the settlement token (one per period)",
        tags,
        operationId: "openSettlementNetting",
        body: OpenNettingBody,
        response: {
          201: RoundResult,
          ...writeErrors("SETTLEMENT_NOT_OPERATOR", "SETTLEMENT_WRONG_STATE", "SETTLEMENT_ALREADY_EXISTS"),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as { period: number; invoiceIds: Hex[] };
      return reply.code(201).send(await netting.open(body.period, body.invoiceIds));
    },
  );
  app.get(
    "/v1/settlement/netting/:roundId",
    {
      schema: {
        summary: "A netting round with every member's net position (positive: receives) and whether it settled",
        tags,
        operationId: "getSettlementNetting",
        params: RoundParams,
        response: { 200: RoundSchema, ...readErrors("SETTLEMENT_ROUND_NOT_FOUND") },
      },
    },
    async (request) => netting.get((request.params as RoundId).roundId),
  );
  app.post(
    "/v1/settlement/netting/:roundId/pay",
    {
      config: { auth: "operator" },
      schema: {
        summary: "This member, a net debtor, pays its whole net position in one transfer of the settlement token",
        tags,
        operationId: "paySettlementNet",
        params: RoundParams,
        response: {
          200: NetMoveResult,
          ...writeErrors(
            "SETTLEMENT_ROUND_NOT_FOUND",
            "SETTLEMENT_NOT_OPERATOR",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_ALREADY_SETTLED",
          ),
        },
      },
    },
    async (request) => netting.pay((request.params as RoundId).roundId),
  );
  app.post(
    "/v1/settlement/netting/:roundId/claim",
    {
      config: { auth: "operator" },
      schema: {
        summary: "This member, a net creditor, claims its whole net position once every debtor has paid",
        tags,
        operationId: "claimSettlementNet",
        params: RoundParams,
        response: {
          200: NetMoveResult,
          ...writeErrors(
            "SETTLEMENT_ROUND_NOT_FOUND",
            "SETTLEMENT_NOT_OPERATOR",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_ALREADY_SETTLED",
            "SETTLEMENT_ROUND_NOT_FUNDED",
          ),
        },
      },
    },
    async (request) => netting.claim((request.params as RoundId).roundId),
  );
}
