// The invoice and dispute routes of roaming settlement: the visited operator issues and answers, the home operator
// accepts and disputes records (the agent builds each record's Merkle proof), either finalises; read by the two
// operators. Schemas and a call into RoamingInvoices; no SQL, no logic.
import type { Hex } from "viem";
import { type ApiApp, PageQuerySchema, pageOf, readErrors, writeErrors } from "../../core/api/index.ts";
import { pageOfRows, pageRequest } from "../../core/paging.ts";
import type { DisputeReason, RoamingInvoices } from "./invoices.ts";
import {
  AcceptResult,
  AgreementParams,
  AnswerBody,
  AnswerResult,
  DisputeBody,
  DisputeParams,
  DisputeResult,
  DisputeSchema,
  FinalizeResult,
  InvoiceParams,
  InvoiceSchema,
  IssueBody,
  IssueResult,
} from "./schemas.ts";

const tags = ["settlement"];
type InvoiceId = { invoiceId: Hex };
type Page = { limit?: number; cursor?: string };
const after = (query: unknown) => {
  const page = pageRequest(query as Page, 1);
  return { limit: page.limit, after: page.after === undefined ? undefined : String(page.after[0]) };
};
const states = ["SETTLEMENT_NOT_OPERATOR", "SETTLEMENT_NOT_PARTY", "SETTLEMENT_WRONG_STATE", "SETTLEMENT_WINDOW"];

export function registerInvoiceRoutes(app: ApiApp, invoices: RoamingInvoices): void {
  app.post(
    "/v1/settlement/agreements/:agreementId/invoices",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The visited operator invoices a period over exactly its confirmed batches and their total",
        tags,
        operationId: "issueSettlementInvoice",
        params: AgreementParams,
        body: IssueBody,
        response: {
          201: IssueResult,
          ...writeErrors(
            "SETTLEMENT_AGREEMENT_NOT_FOUND",
            "SETTLEMENT_ALREADY_EXISTS",
            "SETTLEMENT_INVOICE_MISMATCH",
            ...states,
          ),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await invoices.issue(
            (request.params as { agreementId: Hex }).agreementId,
            (request.body as { period: number }).period,
          ),
        ),
  );
  app.get(
    "/v1/settlement/agreements/:agreementId/invoices",
    {
      schema: {
        summary: "An agreement's invoices, by id (for its two operators)",
        tags,
        operationId: "listSettlementInvoices",
        params: AgreementParams,
        querystring: PageQuerySchema,
        response: {
          200: pageOf(InvoiceSchema),
          ...readErrors("SETTLEMENT_AGREEMENT_NOT_FOUND", "SETTLEMENT_NOT_PARTY"),
        },
      },
    },
    async (request) => {
      const page = after(request.query);
      const rows = await invoices.list((request.params as { agreementId: Hex }).agreementId, page);
      return pageOfRows(rows, page.limit, (i) => [i.invoiceId]);
    },
  );
  app.get(
    "/v1/settlement/invoices/:invoiceId",
    {
      schema: {
        summary: "An invoice as the ledger holds it (for its two operators)",
        tags,
        operationId: "getSettlementInvoice",
        params: InvoiceParams,
        response: { 200: InvoiceSchema, ...readErrors("SETTLEMENT_INVOICE_NOT_FOUND", "SETTLEMENT_NOT_PARTY") },
      },
    },
    async (request) => invoices.get((request.params as InvoiceId).invoiceId),
  );
  app.post(
    "/v1/settlement/invoices/:invoiceId/accept",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The home operator accepts an invoice (disputes already open still need their answer)",
        tags,
        operationId: "acceptSettlementInvoice",
        params: InvoiceParams,
        response: { 200: AcceptResult, ...writeErrors("SETTLEMENT_INVOICE_NOT_FOUND", ...states) },
      },
    },
    async (request) => invoices.accept((request.params as InvoiceId).invoiceId),
  );
  app.post(
    "/v1/settlement/invoices/:invoiceId/disputes",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "The home operator disputes one record of the invoice by its ref; the agent sends the record's digest, amount and Merkle proof",
        tags,
        operationId: "disputeSettlementRecord",
        params: InvoiceParams,
        body: DisputeBody,
        response: {
          201: DisputeResult,
          ...writeErrors(
            "SETTLEMENT_INVOICE_NOT_FOUND",
            "SETTLEMENT_RECORDS_UNKNOWN",
            "SETTLEMENT_ALREADY_EXISTS",
            "SETTLEMENT_BATCH_MISMATCH",
            ...states,
          ),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await invoices.dispute(
            (request.params as InvoiceId).invoiceId,
            request.body as { batchId: Hex; recordRef: string; reason: DisputeReason },
          ),
        ),
  );
  app.get(
    "/v1/settlement/invoices/:invoiceId/disputes",
    {
      schema: {
        summary: "An invoice's disputes, by id (for its two operators)",
        tags,
        operationId: "listSettlementDisputes",
        params: InvoiceParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(DisputeSchema), ...readErrors("SETTLEMENT_INVOICE_NOT_FOUND", "SETTLEMENT_NOT_PARTY") },
      },
    },
    async (request) => {
      const page = after(request.query);
      const rows = await invoices.disputes((request.params as InvoiceId).invoiceId, page);
      return pageOfRows(rows, page.limit, (d) => [d.disputeId]);
    },
  );
  app.post(
    "/v1/settlement/disputes/:disputeId/answer",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The visited operator answers a dispute with a credit note, or 0 to uphold its charge",
        tags,
        operationId: "answerSettlementDispute",
        params: DisputeParams,
        body: AnswerBody,
        response: { 200: AnswerResult, ...writeErrors("SETTLEMENT_DISPUTE_NOT_FOUND", ...states) },
      },
    },
    async (request) =>
      invoices.answer((request.params as { disputeId: Hex }).disputeId, (request.body as { credit: string }).credit),
  );
  app.post(
    "/v1/settlement/disputes/:disputeId/escalate",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The home operator escalates a dispute whose charge was upheld: its amount is held out of settlement",
        tags,
        operationId: "escalateSettlementDispute",
        params: DisputeParams,
        response: { 200: AnswerResult, ...writeErrors("SETTLEMENT_DISPUTE_NOT_FOUND", ...states) },
      },
    },
    async (request) => invoices.escalate((request.params as { disputeId: Hex }).disputeId),
  );
  app.post(
    "/v1/settlement/disputes/:disputeId/credit-unanswered",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Either operator credits, by rule, the whole amount of a dispute the visited operator left unanswered for a " +
          "second dispute window",
        tags,
        operationId: "creditUnansweredSettlementDispute",
        params: DisputeParams,
        response: { 200: AnswerResult, ...writeErrors("SETTLEMENT_DISPUTE_NOT_FOUND", ...states) },
      },
    },
    async (request) => invoices.creditUnanswered((request.params as { disputeId: Hex }).disputeId),
  );
  app.post(
    "/v1/settlement/invoices/:invoiceId/finalize",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Either operator makes an invoice final once no dispute is open and it was accepted or its dispute window passed",
        tags,
        operationId: "finalizeSettlementInvoice",
        params: InvoiceParams,
        response: { 200: FinalizeResult, ...writeErrors("SETTLEMENT_INVOICE_NOT_FOUND", ...states) },
      },
    },
    async (request) => invoices.finalize((request.params as InvoiceId).invoiceId),
  );
}
