// The reconciliation report of a period (periodReport.ts) for an agreement's two operators: JSON with the totals per
// outcome and a line per record, or the records as CSV (`?format=csv`). Schemas and a call into RoamingReports.
import { Type } from "@sinclair/typebox";
import type { Hex } from "viem";
import { type ApiApp, Bytes32Schema, readErrors, strictObject } from "../../core/api/index.ts";
import { periodReportCsv } from "./periodReport.ts";
import type { RoamingReports } from "./reports.ts";

/** The JSON report lists at most this many records (a period can hold many batches); the CSV form lists them all. */
const REPORT_JSON_RECORDS = 10_000;

const tags = ["settlement"];
const Amount = Type.String({ pattern: "^[0-9]{1,78}$", description: "Minor units of the settlement token" });
const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) => Type.Union([schema, Type.Null()]);
const ClassTotal = strictObject({ records: Type.Integer(), amount: Amount });

const ReportParams = strictObject({
  agreementId: Bytes32Schema,
  period: Type.Integer({ minimum: 0, maximum: 1_000_000, description: "Settlement period index from validFrom" }),
});
const ReportQuery = strictObject({
  format: Type.Optional(
    Type.Union([Type.Literal("json"), Type.Literal("csv")], { description: "json (default) or csv" }),
  ),
});
const Outcome = Type.Union(
  ["matched", "disputed", "adjusted", "paid by channel", "uninvoiced"].map((o) => Type.Literal(o)),
  {
    description:
      "matched: invoiced, never disputed; disputed: dispute open, upheld or escalated; adjusted: credited; paid by channel: its batch was paid through the operators' payment channel (not due on the invoice); uninvoiced: its batch is not in the invoice",
  },
);
export const PeriodReportSchema = strictObject({
  agreementId: Bytes32Schema,
  period: Type.Integer(),
  invoice: Nullable(
    strictObject({
      invoiceId: Bytes32Schema,
      status: Type.String(),
      amount: Amount,
      amountDue: Nullable(Amount),
      nettingRound: Nullable(Bytes32Schema),
    }),
  ),
  batches: strictObject({
    total: Type.Integer(),
    recordsHeld: Type.Integer({ description: "Batches whose records this agent holds (only those are reported)" }),
    invoiced: Type.Integer(),
    paidByChannel: Type.Integer({ description: "Batches paid through the operators' payment channel" }),
  }),
  totals: strictObject({
    records: Type.Integer(),
    amount: Amount,
    matched: ClassTotal,
    disputed: ClassTotal,
    adjusted: strictObject({ records: Type.Integer(), amount: Amount, credited: Amount }),
    paidByChannel: ClassTotal,
    uninvoiced: ClassTotal,
    escalated: Object.assign({}, Amount, { description: "Held out of settlement by escalated disputes" }),
    due: Object.assign({}, Amount, { description: "Invoiced amounts less credits and escalations" }),
  }),
  recordsListed: Type.Integer({ description: "How many records `records` lists (totals.records counts them all)" }),
  records: Type.Array(
    strictObject({
      batchId: Bytes32Schema,
      ref: Type.String(),
      kind: Type.String(),
      startUtc: Type.String(),
      amount: Amount,
      outcome: Outcome,
      reason: Nullable(Type.String()),
      disputeStatus: Nullable(Type.String()),
      credit: Amount,
      due: Amount,
    }),
    {
      maxItems: REPORT_JSON_RECORDS,
      description: `One per record of the period's batches this agent holds, the first ${REPORT_JSON_RECORDS} (recordsListed); ?format=csv lists them all`,
    },
  ),
});

export function registerReportRoutes(app: ApiApp, reports: RoamingReports): void {
  app.get(
    "/v1/settlement/agreements/:agreementId/periods/:period/report",
    {
      schema: {
        summary:
          "The reconciliation report of a period: each record this agent holds as matched, disputed, adjusted, paid by channel or uninvoiced, with totals (JSON, or CSV with ?format=csv)",
        tags,
        operationId: "getSettlementPeriodReport",
        params: ReportParams,
        querystring: ReportQuery,
        response: {
          200: PeriodReportSchema,
          ...readErrors("SETTLEMENT_AGREEMENT_NOT_FOUND", "SETTLEMENT_NOT_PARTY"),
        },
      },
    },
    async (request, reply) => {
      const { agreementId, period } = request.params as { agreementId: Hex; period: number };
      const report = await reports.period(agreementId, period);
      if ((request.query as { format?: string }).format !== "csv") {
        const records = report.records.slice(0, REPORT_JSON_RECORDS);
        return { ...report, recordsListed: records.length, records };
      }
      // The CSV form is text, outside the JSON response schema (the serializer passes a string with its own type).
      return reply.type("text/csv; charset=utf-8").send(periodReportCsv(report) as never);
    },
  );
}
