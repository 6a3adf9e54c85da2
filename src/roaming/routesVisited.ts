// The visited operator's routes: a device attached (one or a batch), its sessions and their outcomes.
import { Type } from "@sinclair/typebox";
import { type ApiApp, ApiError, pageOf, pageOfRows, readErrors, strictObject, writeErrors } from "../core/api/index.ts";
import { RoamingError } from "./errors.ts";
import type { RoamingRuntime } from "./runtime.ts";
import { AttachSchema, keysetPage, RequestIdParams, SessionPageQuery, SessionSchema, WaitMsSchema } from "./schemas.ts";
import type { AttachInput, SessionState } from "./visited/index.ts";

const tags = ["roaming"];
const ATTACH_ERRORS = ["ROAMING_INVALID_INPUT", "ROAMING_NOT_AN_OPERATOR", "ROAMING_NO_ENCRYPTION_KEY"];
/** Attaches one call takes: an airport's VLR front end aggregates about this many per second. */
const MAX_ATTACH_BATCH = 5000;

export function registerVisitedRoutes(app: ApiApp, rt: RoamingRuntime): void {
  app.post(
    "/v1/roaming/attach",
    {
      config: { auth: "operator" },
      schema: {
        summary: "A roaming device attached: authenticate it with its home operator through the ledger",
        description:
          "Records the session and queues the encrypted request (sent in the next batch). With waitMs, answers " +
          "once the session is decided (active, refused, timed out) or when waitMs elapsed.",
        tags,
        operationId: "roamingAttach",
        body: strictObject({ ...AttachSchema.properties, waitMs: Type.Optional(WaitMsSchema) }),
        response: { 201: SessionSchema, ...writeErrors(...ATTACH_ERRORS) },
      },
    },
    async (request, reply) => {
      const { waitMs, ...input } = request.body;
      const [session] = await rt.visited.attach([input as AttachInput]);
      if (!session) throw new ApiError("INTERNAL", "attach recorded no session");
      const result = waitMs ? ((await rt.visited.waitClosed(session.requestId, waitMs)) ?? session) : session;
      return reply.code(201).send(result);
    },
  );

  app.post(
    "/v1/roaming/attach/batch",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Many attaches at once (e.g. a VLR front end aggregating an airport's attaches)",
        tags,
        operationId: "roamingAttachBatch",
        body: strictObject({ items: Type.Array(AttachSchema, { minItems: 1, maxItems: MAX_ATTACH_BATCH }) }),
        response: {
          202: strictObject({ items: Type.Array(SessionSchema, { maxItems: MAX_ATTACH_BATCH }) }),
          ...writeErrors(...ATTACH_ERRORS),
        },
      },
    },
    async (request, reply) =>
      reply.code(202).send({ items: await rt.visited.attach(request.body.items as AttachInput[], "body.items") }),
  );

  app.get(
    "/v1/roaming/sessions",
    {
      schema: {
        summary: "Roaming sessions this visited operator started, newest first",
        tags,
        operationId: "listRoamingSessions",
        querystring: SessionPageQuery,
        response: { 200: pageOf(SessionSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = keysetPage(request.query, ["string", "string"] as const);
      const state = request.query.state as SessionState | undefined;
      const rows = await rt.visited.list(state ? { state } : {}, limit, after);
      return pageOfRows(rows, limit, (s) => [s.times.attachedAt, s.requestId]);
    },
  );

  app.get(
    "/v1/roaming/sessions/stats",
    {
      schema: {
        summary: "How many sessions are in each state",
        tags,
        operationId: "roamingSessionStats",
        response: { 200: Type.Record(Type.String(), Type.Integer()), ...readErrors() },
      },
    },
    async () => rt.visited.stats(),
  );

  app.get(
    "/v1/roaming/sessions/:requestId",
    {
      schema: {
        summary: "One session: state, outcome, granted and active services, times",
        tags,
        operationId: "getRoamingSession",
        params: RequestIdParams,
        querystring: strictObject({ waitMs: Type.Optional(WaitMsSchema) }),
        response: { 200: SessionSchema, ...readErrors("ROAMING_SESSION_NOT_FOUND") },
      },
    },
    async (request) => {
      const id = request.params.requestId;
      const session = request.query.waitMs
        ? await rt.visited.waitClosed(id, request.query.waitMs)
        : await rt.visited.get(id);
      if (!session) throw new RoamingError("ROAMING_SESSION_NOT_FOUND", `no roaming session ${id}`);
      return session;
    },
  );
}
