// REST routes for evidence to the drawn jurors only (under /v1/auditing/cases/{caseId}/evidence): a party shares
// evidence encrypted to the current jury, anyone reads the envelopes this member shared (ciphertext), and the host of a
// drawn juror opens one. Registered by routes.ts inside the auditing module.
import type { Address, Hex } from "viem";
import { type ApiApp, readErrors, writeErrors } from "../core/api/index.ts";
import type { EvidenceItem } from "./evidence.ts";
import type { AuditingEvidence } from "./evidenceService.ts";
import {
  CaseParams,
  EnvelopesSchema,
  EvidenceSharedSchema,
  OpenEvidenceBody,
  OpenedEvidenceSchema,
  ShareEvidenceBody,
} from "./schemas.ts";

const tags = ["auditing"];

export function registerEvidenceRoutes(app: ApiApp, evidence: AuditingEvidence): void {
  const write = { config: { auth: "operator" as const } };
  app.post(
    "/v1/auditing/cases/:caseId/evidence",
    {
      ...write,
      schema: {
        summary:
          "As a party, after the draw: encrypt evidence to the current jury's evidence keys (one JWE recipient per juror) and anchor its digest per juror",
        tags,
        operationId: "shareEvidence",
        params: CaseParams,
        body: ShareEvidenceBody,
        response: {
          201: EvidenceSharedSchema,
          ...writeErrors(
            "AUDITING_UNKNOWN_CASE",
            "AUDITING_NOT_PARTY",
            "AUDITING_WRONG_STATUS",
            "AUDITING_NO_EVIDENCE_KEY",
            "AUDITING_NOT_A_JUROR",
          ),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await evidence.share(
            (request.params as { caseId: Hex }).caseId,
            (request.body as { items: EvidenceItem[] }).items,
          ),
        ),
  );
  app.get(
    "/v1/auditing/cases/:caseId/evidence",
    {
      schema: {
        summary:
          "The evidence envelopes this member shared on a case (ciphertext: only the jurors named can open them)",
        tags,
        operationId: "listEvidence",
        params: CaseParams,
        response: { 200: EnvelopesSchema, ...readErrors() },
      },
    },
    async (request) => evidence.envelopes((request.params as { caseId: Hex }).caseId),
  );
  app.post(
    "/v1/auditing/cases/:caseId/evidence/open",
    {
      ...write,
      schema: {
        summary:
          "As host of a drawn juror: open an envelope a party anchored for it, with the juror's evidence key (ECDH in the keystore)",
        tags,
        operationId: "openEvidence",
        params: CaseParams,
        body: OpenEvidenceBody,
        response: {
          200: OpenedEvidenceSchema,
          ...writeErrors(
            "AUDITING_UNKNOWN_AUDITOR",
            "AUDITING_NO_EVIDENCE_KEY",
            "AUDITING_EVIDENCE_NOT_ANCHORED",
            "AUDITING_NOT_RECIPIENT",
            "AUDITING_EVIDENCE_UNREADABLE",
          ),
        },
      },
    },
    async (request) => {
      const b = request.body as { juror: Address; envelope: string };
      return evidence.open((request.params as { caseId: Hex }).caseId, b.juror, b.envelope);
    },
  );
}
