// The home operator's RAP file of a period (returns.ts): the records it disputed on the period's invoice, returned to
// the visited operator as a GSMA TD.32 RAP 1.5 ReturnBatch in BER. Schemas and a call into RoamingReturns.
import { Type } from "@sinclair/typebox";
import type { Hex } from "viem";
import { type ApiApp, Bytes32Schema, readErrors, strictObject } from "../../core/api/index.ts";
import type { RoamingReturns } from "./returns.ts";

const tags = ["settlement"];

const RapParams = strictObject({
  agreementId: Bytes32Schema,
  period: Type.Integer({ minimum: 0, maximum: 1_000_000, description: "Settlement period index from validFrom" }),
});
const RapQuery = strictObject({
  sequence: Type.Optional(
    Type.String({
      pattern: "^[0-9]{5}$",
      description: "The RAP file sequence number (5 digits); the period plus one when absent",
    }),
  ),
});

export function registerReturnRoutes(app: ApiApp, returns: RoamingReturns): void {
  app.get(
    "/v1/settlement/agreements/:agreementId/periods/:period/rap",
    {
      schema: {
        summary:
          "The home operator's RAP file of a period: each record it disputed, returned as a RAP 1.5 severe return with the RAP error code of its reason (BER)",
        description:
          "Content-Type application/octet-stream, a GSMA TD.32 ReturnBatch; Content-Disposition names the file " +
          "RC<sender><recipient><sequence>. Only the agreement's home operator returns records.",
        tags,
        operationId: "getSettlementPeriodRap",
        params: RapParams,
        querystring: RapQuery,
        response: {
          200: {
            description: "The RAP file (BER)",
            content: { "application/octet-stream": { schema: { type: "string", format: "binary" } } },
          },
          ...readErrors(
            "SETTLEMENT_AGREEMENT_NOT_FOUND",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_NO_RETURNS",
            "SETTLEMENT_RECORDS_UNKNOWN",
          ),
        },
      },
    },
    async (request, reply) => {
      const { agreementId, period } = request.params as { agreementId: Hex; period: number };
      const { sequence } = request.query as { sequence?: string };
      const rap = await returns.periodRap(agreementId, period, sequence);
      return reply
        .type("application/octet-stream")
        .header("content-disposition", `attachment; filename="${rap.fileName}"`)
        .header("x-rap-returns", String(rap.returns))
        .send(Buffer.from(rap.file));
    },
  );
}
