// The roaming settlement API, mounted by the settlement module: agreements proposed by one operator's agent and
// approved by the other's; usage record batches anchored by the visited operator and confirmed by the home operator
// once the records it was handed give the anchored root; read by their parties. Schemas and a call into the service.
import type { Hex } from "viem";
import { type ApiApp, PageQuerySchema, pageOf, readErrors, writeErrors } from "../../core/api/index.ts";
import { pageOfRows, pageRequest } from "../../core/paging.ts";
import type { RoamingAgreements, TermsInput } from "./agreements.ts";
import type { RoamingBatches } from "./batches.ts";
import {
  AgreementParams,
  AgreementSchema,
  AnchorBody,
  AnchorResult,
  ApproveBody,
  ApproveResult,
  BatchParams,
  BatchRecordsSchema,
  BatchSchema,
  ConfirmBody,
  ConfirmResult,
  ProposeResult,
  TermsSchema,
} from "./schemas.ts";

const tags = ["settlement"];
type Params = { agreementId: Hex };
type RecordsBody = { records: Array<Record<string, unknown>> };

export function registerRoamingRoutes(app: ApiApp, agreements: RoamingAgreements, batches: RoamingBatches): void {
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
  app.post(
    "/v1/settlement/agreements/:agreementId/batches",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "The visited operator anchors a batch of usage records: rated with the agreement's tariff, salted Merkle root, count and total on chain, records kept off chain",
        tags,
        operationId: "anchorSettlementBatch",
        params: AgreementParams,
        body: AnchorBody,
        response: {
          201: AnchorResult,
          ...writeErrors(
            "SETTLEMENT_AGREEMENT_NOT_FOUND",
            "SETTLEMENT_NOT_OPERATOR",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_TERMS_UNKNOWN",
            "SETTLEMENT_OUTSIDE_AGREEMENT",
          ),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(await batches.anchor((request.params as Params).agreementId, (request.body as RecordsBody).records)),
  );
  app.get(
    "/v1/settlement/agreements/:agreementId/batches",
    {
      schema: {
        summary: "An agreement's batches, by id (for its two operators)",
        tags,
        operationId: "listSettlementBatches",
        params: AgreementParams,
        querystring: PageQuerySchema,
        response: {
          200: pageOf(BatchSchema),
          ...readErrors("SETTLEMENT_AGREEMENT_NOT_FOUND", "SETTLEMENT_NOT_PARTY"),
        },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query as { limit?: number; cursor?: string }, 1);
      const rows = await batches.list((request.params as Params).agreementId, {
        limit,
        after: after === undefined ? undefined : String(after[0]),
      });
      return pageOfRows(rows, limit, (b) => [b.batchId]);
    },
  );
  app.get(
    "/v1/settlement/batches/:batchId",
    {
      schema: {
        summary: "A batch as anchored on chain (for its two operators)",
        tags,
        operationId: "getSettlementBatch",
        params: BatchParams,
        response: { 200: BatchSchema, ...readErrors("SETTLEMENT_BATCH_NOT_FOUND", "SETTLEMENT_NOT_PARTY") },
      },
    },
    async (request) => batches.get((request.params as { batchId: Hex }).batchId),
  );
  app.get(
    "/v1/settlement/batches/:batchId/records",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "A batch's usage records, salt and rated amounts, as this agent holds them: what the visited operator hands to the home operator",
        tags,
        operationId: "getSettlementBatchRecords",
        params: BatchParams,
        response: {
          200: BatchRecordsSchema,
          ...readErrors("SETTLEMENT_BATCH_NOT_FOUND", "SETTLEMENT_NOT_PARTY", "SETTLEMENT_RECORDS_UNKNOWN"),
        },
      },
    },
    async (request) => batches.records((request.params as { batchId: Hex }).batchId),
  );
  app.post(
    "/v1/settlement/batches/:batchId/confirm",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "The home operator confirms receipt of a batch, given its records and salt: rated with its own copy of the tariff, the root, count and total must be the anchored ones",
        tags,
        operationId: "confirmSettlementBatch",
        params: BatchParams,
        body: ConfirmBody,
        response: {
          200: ConfirmResult,
          ...writeErrors(
            "SETTLEMENT_BATCH_NOT_FOUND",
            "SETTLEMENT_NOT_OPERATOR",
            "SETTLEMENT_NOT_PARTY",
            "SETTLEMENT_WRONG_STATE",
            "SETTLEMENT_TERMS_UNKNOWN",
            "SETTLEMENT_BATCH_MISMATCH",
          ),
        },
      },
    },
    async (request) =>
      batches.confirm(
        (request.params as { batchId: Hex }).batchId,
        request.body as { salt: Hex; records: Array<Record<string, unknown>> },
      ),
  );
}
