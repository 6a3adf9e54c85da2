// REST routes for slice SLA measurements: a party signs and anchors its measurement of a period (a task); anyone checks
// a signed measurement against the chain. A breach claim is a complaint carrying the signed measurements (routes.ts).
import type { Hex } from "viem";
import { type ApiApp, writeErrors } from "../core/api/index.ts";
import type { Measurement } from "./measurements.ts";
import {
  MeasureBody,
  MeasuredSchema,
  MeasurementVerifiedSchema,
  SignedMeasurementSchema,
  TaskParams,
} from "./schemas.ts";
import type { AuditingService } from "./service.ts";

const tags = ["auditing"];

export function registerMeasurementRoutes(app: ApiApp, service: AuditingService): void {
  app.post(
    "/v1/auditing/tasks/:taskId/measurements",
    {
      config: { auth: "operator" as const },
      schema: {
        summary:
          "As a party of a slice period: sign this member's measurement (EIP-712) and anchor its digest (provider: completion; recipient: anchorMeasurement)",
        tags,
        operationId: "measureSlicePeriod",
        params: TaskParams,
        body: MeasureBody,
        response: {
          201: MeasuredSchema,
          ...writeErrors("AUDITING_UNKNOWN_TASK", "AUDITING_NOT_PARTY", "AUDITING_WRONG_STATUS"),
        },
      },
    },
    async (request, reply) =>
      reply
        .code(201)
        .send(
          await service.measure(
            (request.params as { taskId: Hex }).taskId,
            request.body as { latencyP95Ms: number; availabilityBps: number; throughputMbps: number },
          ),
        ),
  );
  app.post(
    "/v1/auditing/measurements/verify",
    {
      // Changes nothing: a check any caller may run.
      config: { auth: "read-only" as const },
      schema: {
        summary:
          "Check a signed slice measurement: signed by its side's party, and exactly the digest anchored for that side",
        tags,
        operationId: "verifySliceMeasurement",
        body: SignedMeasurementSchema,
        response: {
          200: MeasurementVerifiedSchema,
          ...writeErrors("AUDITING_UNKNOWN_TASK", "AUDITING_MEASUREMENT_WRONG_SIGNER", "AUDITING_MEASUREMENT_TAMPERED"),
        },
      },
    },
    async (request) => {
      const b = request.body as { measurement: Measurement; signature: Hex };
      return service.verifyMeasurement(b.measurement, b.signature);
    },
  );
}
