// REST routes for random audits agreed in a contract: a completed task whose agreement agreed an audit rate waits for
// a lottery drawn from the members' commit-reveal beacon; members take part in its round, and anyone draws it. A
// selected task becomes a court case (the escrow is its requester, with no stake) that runs like a complaint.
import type { Hex } from "viem";
import { type ApiApp, writeErrors } from "../core/api/index.ts";
import { AuditBeaconStepSchema, AuditDrawnSchema, TaskParams } from "./schemas.ts";
import type { AuditingService } from "./service.ts";

const tags = ["auditing"];

export function registerAuditRoutes(app: ApiApp, service: AuditingService): void {
  const step = (
    path: string,
    operationId: string,
    summary: string,
    codes: string[],
    run: (taskId: Hex) => Promise<unknown>,
    schema: typeof AuditBeaconStepSchema | typeof AuditDrawnSchema,
  ) =>
    app.post(
      `/v1/auditing/tasks/:taskId/audit/${path}`,
      {
        config: { auth: "operator" as const },
        schema: {
          summary,
          tags,
          operationId,
          params: TaskParams,
          response: { 201: schema, ...writeErrors("AUDITING_UNKNOWN_TASK", "AUDITING_WRONG_STATUS", ...codes) },
        },
      },
      async (request, reply) => reply.code(201).send((await run((request.params as { taskId: Hex }).taskId)) as never),
    );
  step(
    "beacon/commit",
    "auditBeaconCommit",
    "This member commits a fresh secret (kept in this agent) to the task's random-audit lottery round",
    ["AUDITING_BEACON_PHASE"],
    (id) => service.auditBeaconCommit(id),
    AuditBeaconStepSchema,
  );
  step(
    "beacon/reveal",
    "auditBeaconReveal",
    "This member reveals its kept secret to the task's random-audit lottery round",
    ["AUDITING_BEACON_PHASE"],
    (id) => service.auditBeaconReveal(id),
    AuditBeaconStepSchema,
  );
  step(
    "draw",
    "drawAudit",
    "Anyone: draw the task's random-audit lottery from the beacon's value; a selected task opens a case (no stake)",
    ["AUDITING_BEACON_NOT_READY"],
    (id) => service.drawAudit(id),
    AuditDrawnSchema,
  );
}
