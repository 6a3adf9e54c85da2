// REST API of roaming for both roles. Visited: attach, sessions and their chain of events. Home: subscribers (the
// SQL register), requests addressed to us, answer policy. Setup: network claims through governance, encryption keys.
import { Type } from "@sinclair/typebox";
import type { Address } from "viem";
import type { AgentContext } from "../agent/domain.ts";
import {
  ApiError,
  type ApiModule,
  decodeCursor,
  encodeCursor,
  errorResponses,
  PageQuerySchema,
  pageOf,
  strictObject,
} from "../core/api/index.ts";
import type { AnswerPolicy } from "./policy.ts";
import type { RoamingRuntime } from "./runtime.ts";
import {
  AttachSchema,
  Bytes32Schema,
  ChainOfEventsSchema,
  ClaimSchema,
  HomeRequestSchema,
  ImsiSchema,
  KeySchema,
  MsinRangeSchema,
  NetworkSchema,
  PlmnSchema,
  PolicySchema,
  SessionSchema,
  SessionStateSchema,
  SubscriberSchema,
  SubscriberViewSchema,
} from "./schemas.ts";
import { parseSubscribersCsv } from "./subscribers/csv.ts";
import type { SubscriberInput } from "./subscribers/register.ts";
import type { AttachInput, SessionState } from "./visited.ts";

const tags = ["roaming"];
const readErrors = errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED");
const writeErrors = errorResponses(
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "CONFLICT",
  "CHAIN_REVERTED",
  "CHAIN_UNAVAILABLE",
);
const RequestIdParams = strictObject({ requestId: Bytes32Schema });
const TxResult = strictObject({ txHash: Type.String() });

export function roamingApiModule(rt: RoamingRuntime, context: AgentContext): ApiModule {
  const me = context.config.memberAccount.toLowerCase();
  return {
    name: "roaming",
    tags: [{ name: "roaming", description: "Roaming subscriber authentication between operators (EEA use case 1A)" }],
    register(app) {
      // ---- visited role ----
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
            body: strictObject({
              ...AttachSchema.properties,
              waitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })),
            }),
            response: { 201: SessionSchema, ...writeErrors },
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
            body: strictObject({ items: Type.Array(AttachSchema, { minItems: 1, maxItems: 5000 }) }),
            response: { 202: strictObject({ items: Type.Array(SessionSchema) }), ...writeErrors },
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
            querystring: strictObject({ ...PageQuerySchema.properties, state: Type.Optional(SessionStateSchema) }),
            response: { 200: pageOf(SessionSchema), ...readErrors },
          },
        },
        async (request) => {
          const limit = request.query.limit ?? 50;
          const before = request.query.cursor ? (decodeCursor(request.query.cursor, 2) as [string, string]) : undefined;
          const items = await rt.visited.list({
            limit: limit + 1,
            ...(request.query.state ? { state: request.query.state as SessionState } : {}),
            ...(before ? { before } : {}),
          });
          const page = items.slice(0, limit);
          const last = page[page.length - 1];
          return {
            items: page,
            nextCursor: items.length > limit && last ? encodeCursor([last.times.attachedAt, last.requestId]) : null,
          };
        },
      );

      app.get(
        "/v1/roaming/sessions/stats",
        {
          schema: {
            summary: "How many sessions are in each state",
            tags,
            operationId: "roamingSessionStats",
            response: { 200: Type.Record(Type.String(), Type.Integer()), ...readErrors },
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
            querystring: strictObject({ waitMs: Type.Optional(Type.Integer({ minimum: 0, maximum: 120_000 })) }),
            response: { 200: SessionSchema, ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND") },
          },
        },
        async (request) => {
          const id = request.params.requestId;
          const session = request.query.waitMs
            ? await rt.visited.waitClosed(id, request.query.waitMs)
            : await rt.visited.get(id);
          if (!session) throw new ApiError("NOT_FOUND", `no roaming session ${id}`);
          return session;
        },
      );

      app.get(
        "/v1/roaming/requests/:requestId/events",
        {
          schema: {
            summary:
              "The chain of events of a request as the ledger recorded it: request, answer, activation or expiry",
            description: "Available to the two operators of the request only.",
            tags,
            operationId: "getRoamingChainOfEvents",
            params: RequestIdParams,
            response: {
              200: ChainOfEventsSchema,
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND"),
            },
          },
        },
        async (request) => {
          const id = request.params.requestId.toLowerCase();
          const row = await context.store.one<LedgerRow>(`SELECT * FROM roaming_requests WHERE request_id = $1`, [id]);
          if (!row || (row.vpmn !== me && row.hpmn !== me)) throw new ApiError("NOT_FOUND", `no request ${id} of ours`);
          return chainOfEvents(row);
        },
      );

      // ---- home role ----
      app.get(
        "/v1/roaming/subscribers",
        {
          schema: {
            summary: "Home subscribers in the register, by IMSI",
            tags,
            operationId: "listRoamingSubscribers",
            querystring: PageQuerySchema,
            response: {
              200: strictObject({ ...pageOf(SubscriberViewSchema).properties, total: Type.Integer() }),
              ...readErrors,
            },
          },
        },
        async (request) => {
          const limit = request.query.limit ?? 50;
          const after = request.query.cursor ? String(decodeCursor(request.query.cursor, 1)[0]) : undefined;
          const items = await rt.register.list({ limit: limit + 1, ...(after ? { after } : {}) });
          const page = items.slice(0, limit);
          const last = page[page.length - 1];
          return {
            items: page,
            nextCursor: items.length > limit && last ? encodeCursor([last.imsi]) : null,
            total: await rt.register.count(),
          };
        },
      );

      app.put(
        "/v1/roaming/subscribers",
        {
          config: { auth: "operator" },
          // 10,000 subscribers are about 2 MB of JSON: above the agent's default 1 MB body limit.
          bodyLimit: 4 * 1024 * 1024,
          schema: {
            summary: "Create or replace home subscribers (all or nothing)",
            tags,
            operationId: "upsertRoamingSubscribers",
            body: strictObject({ items: Type.Array(SubscriberSchema, { minItems: 1, maxItems: 10_000 }) }),
            response: { 200: strictObject({ upserted: Type.Integer() }), ...writeErrors },
          },
        },
        async (request) => ({ upserted: await rt.register.upsert(request.body.items as SubscriberInput[]) }),
      );

      app.post(
        "/v1/roaming/subscribers/import",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Import home subscribers from CSV (imsi,msisdn,status,roaming_allowed,voice,sms,data,volte,5g)",
            tags,
            operationId: "importRoamingSubscribers",
            body: strictObject({ csv: Type.String({ minLength: 1, maxLength: 5_000_000 }) }),
            response: { 200: strictObject({ upserted: Type.Integer() }), ...writeErrors },
          },
        },
        async (request) => ({ upserted: await rt.register.upsert(parseSubscribersCsv(request.body.csv)) }),
      );

      app.get(
        "/v1/roaming/subscribers/:imsi",
        {
          schema: {
            summary: "One home subscriber",
            tags,
            operationId: "getRoamingSubscriber",
            params: strictObject({ imsi: ImsiSchema }),
            response: {
              200: SubscriberViewSchema,
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND"),
            },
          },
        },
        async (request) => {
          const subscriber = await rt.register.lookup(request.params.imsi);
          if (!subscriber) throw new ApiError("NOT_FOUND", "no such subscriber");
          return subscriber;
        },
      );

      app.delete(
        "/v1/roaming/subscribers/:imsi",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Remove a home subscriber",
            tags,
            operationId: "deleteRoamingSubscriber",
            params: strictObject({ imsi: ImsiSchema }),
            response: {
              204: Type.Null(),
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "NOT_FOUND"),
            },
          },
        },
        async (request, reply) => {
          if (!(await rt.register.remove(request.params.imsi))) throw new ApiError("NOT_FOUND", "no such subscriber");
          return reply.code(204).send(null);
        },
      );

      app.get(
        "/v1/roaming/requests",
        {
          schema: {
            summary: "Requests addressed to this home operator (pending = not yet answered on the ledger)",
            tags,
            operationId: "listRoamingHomeRequests",
            querystring: strictObject({
              state: Type.Optional(
                Type.Union([Type.Literal("pending"), Type.Literal("answered"), Type.Literal("all")]),
              ),
              limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
            }),
            response: { 200: strictObject({ items: Type.Array(HomeRequestSchema) }), ...readErrors },
          },
        },
        async (request) => {
          const state = request.query.state ?? "pending";
          const rows = await context.store.query<HomeRow>(
            `SELECT r.request_id, r.vpmn, r.expires_at, r.state, h.outcome, h.imsi_masked, h.received_at, h.answered_at,
               h.answer_tx FROM roaming_requests r LEFT JOIN roaming_home_requests h ON h.request_id = r.request_id
             WHERE r.hpmn = $1 ${state === "pending" ? "AND r.state = 'pending'" : state === "answered" ? "AND r.state <> 'pending'" : ""}
             ORDER BY r.requested_block DESC, r.request_id LIMIT $2`,
            [me, request.query.limit ?? 100],
          );
          return { items: rows.map(homeRequestView) };
        },
      );

      app.get(
        "/v1/roaming/policy",
        {
          schema: {
            summary: "This home operator's answer policy",
            tags,
            operationId: "getRoamingPolicy",
            response: { 200: PolicySchema, ...readErrors },
          },
        },
        async () => rt.policy.get(),
      );

      app.put(
        "/v1/roaming/policy",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Change the answer policy (fields given replace the current ones)",
            tags,
            operationId: "setRoamingPolicy",
            body: Type.Partial(PolicySchema, { additionalProperties: false, minProperties: 1 }),
            response: { 200: PolicySchema, ...writeErrors },
          },
        },
        async (request) => rt.policy.update(request.body as Partial<AnswerPolicy>),
      );

      // ---- setup: networks and keys ----
      app.get(
        "/v1/roaming/networks",
        {
          schema: {
            summary: "Network codes and their home operators (from the ledger)",
            tags,
            operationId: "listRoamingNetworks",
            response: { 200: strictObject({ items: Type.Array(NetworkSchema) }), ...readErrors },
          },
        },
        async () => ({ items: await rt.directory.networks() }),
      );

      app.get(
        "/v1/roaming/claims",
        {
          schema: {
            summary: "Network proposals (claims, releases, transfers), newest first",
            tags,
            operationId: "listRoamingClaims",
            querystring: strictObject({
              state: Type.Optional(Type.String({ pattern: "^(pending|executed|canceled|expired)$" })),
            }),
            response: { 200: strictObject({ items: Type.Array(ClaimSchema) }), ...readErrors },
          },
        },
        async (request) => ({ items: await rt.claims.list(request.query.state) }),
      );

      app.post(
        "/v1/roaming/claims",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Claim a network code for this operator; it is assigned once a majority of governors approved",
            tags,
            operationId: "claimRoamingNetwork",
            body: strictObject({
              plmn: PlmnSchema,
              msinRanges: Type.Optional(Type.Array(MsinRangeSchema, { maxItems: 64 })),
              votingPeriodSeconds: Type.Optional(Type.Integer({ minimum: 3600, maximum: 30 * 86400 })),
            }),
            response: { 201: strictObject({ claimId: Type.Integer(), txHash: Type.String() }), ...writeErrors },
          },
        },
        async (request, reply) => reply.code(201).send(await rt.claims.claim(request.body)),
      );

      app.post(
        "/v1/roaming/claims/:claimId/approve",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Approve a network proposal as this governor; it executes at a strict majority",
            tags,
            operationId: "approveRoamingClaim",
            params: strictObject({ claimId: Type.Integer({ minimum: 1 }) }),
            response: { 200: TxResult, ...writeErrors },
          },
        },
        async (request) => rt.claims.approve(request.params.claimId),
      );

      app.get(
        "/v1/roaming/keys",
        {
          schema: {
            summary: "This operator's encryption keys (public facts; retired keys decrypt until usableUntil)",
            tags,
            operationId: "listRoamingKeys",
            response: { 200: strictObject({ items: Type.Array(KeySchema) }), ...readErrors },
          },
        },
        async () => ({ items: rt.keys.list() }),
      );

      for (const [action, summary] of [
        ["publish", "Publish the encryption key in the organisation DID and name that DID in the OperatorRegistry"],
        ["rotate", "Replace the encryption key; the previous one keeps decrypting requests in flight"],
      ] as const) {
        app.post(
          `/v1/roaming/keys/${action}`,
          {
            config: { auth: "admin" },
            schema: {
              summary,
              tags,
              operationId: action === "publish" ? "publishRoamingKey" : "rotateRoamingKey",
              body: Type.Optional(strictObject({ did: Type.Optional(Type.String({ maxLength: 120 })) })),
              response: {
                200: strictObject({ did: Type.String(), key: KeySchema }),
                ...writeErrors,
                ...errorResponses("NOT_FOUND"),
              },
            },
          },
          async (request) => {
            const did = request.body?.did;
            const result = action === "publish" ? await rt.keys.publish(did) : await rt.keys.rotate(did);
            return { did: result.did, key: result.key };
          },
        );
      }
    },
  };
}

interface LedgerRow {
  request_id: string;
  vpmn: string;
  hpmn: string;
  state: string;
  expires_at: number;
  skipped: string | null;
  requested_block: number;
  requested_tx: string;
  requested_seen_at: string;
  answered_block: number | null;
  answered_tx: string | null;
  answered_seen_at: string | null;
  closed_block: number | null;
  closed_tx: string | null;
  closed_seen_at: string | null;
}

function chainOfEvents(r: LedgerRow) {
  const events = [
    { kind: "request", blockNumber: Number(r.requested_block), txHash: r.requested_tx, seenAt: r.requested_seen_at },
  ];
  if (r.answered_tx) {
    events.push({
      kind: "answer",
      blockNumber: Number(r.answered_block),
      txHash: r.answered_tx,
      seenAt: r.answered_seen_at as string,
    });
  }
  if (r.closed_tx) {
    const kind = r.state === "expired" ? "expiry" : r.state === "refused" ? "refusal" : "activation";
    events.push({ kind, blockNumber: Number(r.closed_block), txHash: r.closed_tx, seenAt: r.closed_seen_at as string });
  }
  return {
    requestId: r.request_id,
    vpmn: r.vpmn as Address,
    hpmn: r.hpmn as Address,
    state: r.state,
    expiresAt: new Date(Number(r.expires_at) * 1000).toISOString(),
    skipped: r.skipped,
    events,
  };
}

interface HomeRow {
  request_id: string;
  vpmn: string;
  expires_at: number;
  state: string;
  outcome: string | null;
  imsi_masked: string | null;
  received_at: string | null;
  answered_at: string | null;
  answer_tx: string | null;
}

function homeRequestView(r: HomeRow) {
  return {
    requestId: r.request_id,
    visitedOperator: r.vpmn,
    expiresAt: new Date(Number(r.expires_at) * 1000).toISOString(),
    ledgerState: r.state,
    outcome: r.outcome as never,
    imsiMasked: r.imsi_masked,
    receivedAt: r.received_at,
    answeredAt: r.answered_at,
    answerTx: r.answer_tx,
  };
}
