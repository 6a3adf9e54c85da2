// The roaming settlement API, mounted by the settlement module: agreements proposed by one operator's agent and
// approved by the other's, read by their parties. Schemas and a call into the service; no SQL, no logic.
import type { Hex } from "viem";
import { type ApiApp, PageQuerySchema, pageOf, readErrors, writeErrors } from "../../core/api/index.ts";
import { pageOfRows, pageRequest } from "../../core/paging.ts";
import type { RoamingAgreements, TermsInput } from "./agreements.ts";
import { AgreementParams, AgreementSchema, ApproveBody, ApproveResult, ProposeResult, TermsSchema } from "./schemas.ts";

const tags = ["settlement"];
type Params = { agreementId: Hex };

export function registerRoamingRoutes(app: ApiApp, agreements: RoamingAgreements): void {
  app.post(
    "/v1/settlement/agreements",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Propose a roaming agreement (this member is its visited or home operator); the terms stay off chain, their hash goes on chain",
        tags,
        operationId: "proposeSettlementAgreement",
        body: TermsSchema,
        response: {
          201: ProposeResult,
          ...writeErrors(
            "SETTLEMENT_NOT_OPERATOR",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_ALREADY_EXISTS",
          ),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await agreements.propose(request.body as TermsInput)),
  );
  app.post(
    "/v1/settlement/agreements/:agreementId/approve",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Approve an agreement the other operator proposed, given its terms (checked against the termsHash and id on chain)",
        tags,
        operationId: "approveSettlementAgreement",
        params: AgreementParams,
        body: ApproveBody,
        response: {
          200: ApproveResult,
          ...writeErrors(
            "SETTLEMENT_AGREEMENT_NOT_FOUND",
            "SETTLEMENT_NOT_OPERATOR",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_TERMS_MISMATCH",
          ),
        },
      },
    },
    async (request) =>
      agreements.approve((request.params as Params).agreementId, (request.body as { terms: TermsInput }).terms),
  );
  app.get(
    "/v1/settlement/agreements/:agreementId",
    {
      schema: {
        summary: "An agreement this member is a party to, with its terms when this agent holds them",
        tags,
        operationId: "getSettlementAgreement",
        params: AgreementParams,
        response: { 200: AgreementSchema, ...readErrors("SETTLEMENT_AGREEMENT_NOT_FOUND", "SETTLEMENT_NOT_PARTY") },
      },
    },
    async (request) => agreements.get((request.params as Params).agreementId),
  );
  app.get(
    "/v1/settlement/agreements",
    {
      schema: {
        summary: "The agreements this member is a party to, by id",
        tags,
        operationId: "listSettlementAgreements",
        querystring: PageQuerySchema,
        response: { 200: pageOf(AgreementSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query as { limit?: number; cursor?: string }, 1);
      const rows = await agreements.list({ limit, after: after === undefined ? undefined : String(after[0]) });
      return pageOfRows(rows, limit, (a) => [a.agreementId]);
    },
  );
}
