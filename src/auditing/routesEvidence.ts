// REST routes for evidence with blind juries (under /v1/auditing/cases/{caseId}/evidence), see evidenceService.ts: a
// party shares evidence and anchors its digest; its operator lists what it shared and whom it gave it to; a drawn
// juror's host makes the juror's ticket proof; the party's agent answers a ticket proof (public: the proof is the
// credential) with envelopes sealed to the juror; the juror's host opens one. Registered by routes.ts.
import type { Address, Hex } from "viem";
import { type ApiApp, readErrors, writeErrors } from "../core/api/index.ts";
import type { EvidenceItem } from "./evidence.ts";
import type { AuditingEvidence } from "./evidenceService.ts";
import { CaseParams } from "./schemas.ts";
import {
  EvidenceAnswerSchema,
  EvidenceRequestBody,
  EvidenceSharedSchema,
  EvidenceSharesSchema,
  OpenEvidenceBody,
  OpenedEvidenceSchema,
  ShareEvidenceBody,
  TicketProofBody,
  TicketProofSchema,
} from "./schemasEvidence.ts";

const tags = ["auditing"];
const caseIdOf = (request: { params: unknown }) => (request.params as { caseId: Hex }).caseId;

export function registerEvidenceRoutes(app: ApiApp, evidence: AuditingEvidence): void {
  const operator = { config: { auth: "operator" as const } };
  app.post(
    "/v1/auditing/cases/:caseId/evidence",
    {
      ...operator,
      schema: {
        summary:
          "As a party, while the case is open: keep evidence in this agent and anchor its digest on chain (shareEvidence); drawn jurors ask for it with their tickets",
        tags,
        operationId: "shareEvidence",
        params: CaseParams,
        body: ShareEvidenceBody,
        response: {
          201: EvidenceSharedSchema,
          ...writeErrors("AUDITING_UNKNOWN_CASE", "AUDITING_NOT_PARTY", "AUDITING_WRONG_STATUS"),
        },
      },
    },
    async (request, reply) =>
      reply.code(201).send(await evidence.share(caseIdOf(request), (request.body as { items: EvidenceItem[] }).items)),
  );
  app.get(
    "/v1/auditing/cases/:caseId/evidence",
    {
      ...operator,
      schema: {
        summary:
          "For this member's operator: the evidence it shared on a case (plaintext, its own) and the drawn jurors it sealed it to",
        tags,
        operationId: "listEvidence",
        params: CaseParams,
        response: { 200: EvidenceSharesSchema, ...readErrors() },
      },
    },
    async (request) => evidence.shares(caseIdOf(request)),
  );
  app.post(
    "/v1/auditing/cases/:caseId/evidence/ticket",
    {
      ...operator,
      schema: {
        summary:
          "As host of a drawn juror: its ticket proof for the case's current lottery, to show the parties it asks for evidence (they learn it is drawn)",
        tags,
        operationId: "evidenceTicket",
        params: CaseParams,
        body: TicketProofBody,
        response: {
          200: TicketProofSchema,
          ...readErrors(
            "AUDITING_UNKNOWN_AUDITOR",
            "AUDITING_UNKNOWN_CASE",
            "AUDITING_WRONG_STATUS",
            "AUDITING_COMMIT_CLOSED",
            "AUDITING_INVALID_TICKET",
            "AUDITING_NOT_DRAWN",
          ),
        },
      },
    },
    async (request) => evidence.ticket(caseIdOf(request), (request.body as { juror: Address }).juror),
  );
  app.post(
    "/v1/auditing/cases/:caseId/evidence/requests",
    {
      config: { auth: "public" as const },
      schema: {
        summary:
          "As a party: answer a drawn juror's ticket proof, checked on chain (valid, drawn, claims open, not affiliated, not on the first jury), with this member's evidence sealed to the juror's evidence key",
        tags,
        operationId: "requestEvidence",
        params: CaseParams,
        body: EvidenceRequestBody,
        response: {
          200: EvidenceAnswerSchema,
          ...readErrors(
            "AUDITING_UNKNOWN_CASE",
            "AUDITING_NOT_PARTY",
            "AUDITING_WRONG_STATUS",
            "AUDITING_COMMIT_CLOSED",
            "AUDITING_INVALID_TICKET",
            "AUDITING_AFFILIATED_JUROR",
            "AUDITING_ON_FIRST_JURY",
            "AUDITING_NOT_DRAWN",
            "AUDITING_NO_EVIDENCE_SHARED",
            "AUDITING_NO_EVIDENCE_KEY",
          ),
        },
      },
    },
    async (request) =>
      evidence.answer(caseIdOf(request), request.body as { juror: Address; secret: Hex; proof: Hex[] }),
  );
  app.post(
    "/v1/auditing/cases/:caseId/evidence/open",
    {
      ...operator,
      schema: {
        summary:
          "As host of a drawn juror: open an envelope a party sealed to it (ECDH in the keystore), accepted only if its plaintext's digest is anchored on chain by a party",
        tags,
        operationId: "openEvidence",
        params: CaseParams,
        body: OpenEvidenceBody,
        response: {
          200: OpenedEvidenceSchema,
          ...readErrors(
            "AUDITING_UNKNOWN_AUDITOR",
            "AUDITING_UNKNOWN_CASE",
            "AUDITING_NO_EVIDENCE_KEY",
            "AUDITING_NOT_RECIPIENT",
            "AUDITING_EVIDENCE_UNREADABLE",
            "AUDITING_EVIDENCE_OTHER_JURY",
            "AUDITING_EVIDENCE_NOT_ANCHORED",
          ),
        },
      },
    },
    async (request) => {
      const b = request.body as { juror: Address; envelope: string };
      return evidence.open(caseIdOf(request), b.juror, b.envelope);
    },
  );
}
