// The home operator's routes: its subscriber register (the built-in HLR/HSS adapter), the requests addressed to it,
// its answer policy; and the chain of events of a request, for either of its two operators.
import { Type } from "@sinclair/typebox";
import type { Address } from "viem";
import {
  type ApiApp,
  errorResponses,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  writeErrors,
} from "../core/api/index.ts";
import { RoamingError } from "./errors.ts";
import type { AnswerPolicy } from "./policy.ts";
import type { HomeRequestFilter } from "./readModel.ts";
import type { RoamingRuntime } from "./runtime.ts";
import {
  ChainOfEventsSchema,
  HomeRequestPageQuery,
  HomeRequestSchema,
  ImsiParams,
  keysetPage,
  MsisdnParams,
  PolicySchema,
  RequestIdParams,
  SimBindingResultSchema,
  SimBindingSchema,
  SubscriberSchema,
  SubscriberViewSchema,
} from "./schemas.ts";
import { parseSubscribersCsv } from "./subscribers/csv.ts";
import type { SubscriberInput } from "./subscribers/register.ts";
import { validateSubscriberItems } from "./subscribers/validation.ts";

const tags = ["roaming"];
const UpsertedSchema = strictObject({ upserted: Type.Integer() });

export function registerHomeRoutes(app: ApiApp, rt: RoamingRuntime, member: Address): void {
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
          ...readErrors(),
        },
      },
    },
    async (request) => {
      const { limit, after } = keysetPage(request.query, ["string"] as const);
      const rows = await rt.register.list({ limit: limit + 1, ...(after ? { after: after[0] } : {}) });
      return { ...pageOfRows(rows, limit, (s) => [s.imsi]), total: await rt.register.count() };
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
        response: { 200: UpsertedSchema, ...writeErrors("ROAMING_INVALID_INPUT") },
      },
    },
    async (request) => ({
      upserted: await rt.register.upsert(validateSubscriberItems(request.body.items as SubscriberInput[])),
    }),
  );

  app.post(
    "/v1/roaming/subscribers/import",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Import home subscribers from CSV (imsi,msisdn,status,roaming_allowed,voice,sms,data,volte,5g)",
        description: "All or nothing: a bad line is named (body.csv, with its line and column) and nothing is written.",
        tags,
        operationId: "importRoamingSubscribers",
        body: strictObject({ csv: Type.String({ minLength: 1, maxLength: 5_000_000 }) }),
        response: { 200: UpsertedSchema, ...writeErrors("ROAMING_INVALID_INPUT") },
      },
    },
    async (request) => ({ upserted: await rt.register.upsert(parseSubscribersCsv(request.body.csv)) }),
  );

  app.put(
    "/v1/roaming/subscribers/msisdn/:msisdn/sim",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Bind a number to a SIM: a SIM swap when the number moves from another SIM",
        description:
          "The number's subscription (status, roaming, services) moves onto the SIM `imsi` and the previous SIM " +
          "leaves the register, in one transaction that also journals the swap; the agent then publishes a " +
          "`sim-swap` fraud signal for the number in the background (it does not wait for the chain). Binding the " +
          "SIM the number is on already publishes nothing (it only drops any other SIM still holding the number).",
        tags,
        operationId: "bindRoamingSubscriberSim",
        params: MsisdnParams,
        body: SimBindingSchema,
        response: {
          200: SimBindingResultSchema,
          ...writeErrors("ROAMING_SUBSCRIBER_NOT_FOUND", "ROAMING_SIM_IN_USE"),
        },
      },
    },
    async (request) => {
      const { msisdn } = request.params;
      const { imsi } = request.body;
      const result = await rt.register.bindSim(msisdn, imsi);
      switch (result.outcome) {
        case "no-subscriber":
          throw new RoamingError("ROAMING_SUBSCRIBER_NOT_FOUND", `no SIM holds ${msisdn} in the home register`, {
            field: "params.msisdn",
          });
        case "sim-in-use":
          throw new RoamingError("ROAMING_SIM_IN_USE", `body.imsi ${imsi} holds another number in the register`, {
            field: "body.imsi",
          });
        case "unchanged":
          return { subscriber: result.subscriber, swapped: false, previousImsi: null, swapId: null, swappedAt: null };
        case "swapped":
          return {
            subscriber: result.subscriber,
            swapped: true,
            previousImsi: result.previousImsi,
            swapId: result.swapId,
            swappedAt: result.swappedAt,
          };
      }
    },
  );

  app.get(
    "/v1/roaming/subscribers/:imsi",
    {
      schema: {
        summary: "One home subscriber",
        tags,
        operationId: "getRoamingSubscriber",
        params: ImsiParams,
        response: { 200: SubscriberViewSchema, ...readErrors("ROAMING_SUBSCRIBER_NOT_FOUND") },
      },
    },
    async (request) => {
      const subscriber = await rt.register.lookup(request.params.imsi);
      if (!subscriber) throw subscriberNotFound(request.params.imsi);
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
        params: ImsiParams,
        response: {
          204: Type.Null(),
          ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "FORBIDDEN", "ROAMING_SUBSCRIBER_NOT_FOUND"),
        },
      },
    },
    async (request, reply) => {
      if (!(await rt.register.remove(request.params.imsi))) throw subscriberNotFound(request.params.imsi);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/v1/roaming/requests",
    {
      schema: {
        summary: "Requests addressed to this home operator, newest first (pending = not yet answered on the ledger)",
        tags,
        operationId: "listRoamingHomeRequests",
        querystring: HomeRequestPageQuery,
        response: { 200: pageOf(HomeRequestSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = keysetPage(request.query, ["number", "string"] as const);
      const state = (request.query.state ?? "pending") as HomeRequestFilter;
      const rows = await rt.readModel.homeRequests(member, state, { limit, after });
      return pageOfRows(rows, limit, (r) => [r.requestedBlock, r.requestId]);
    },
  );

  app.get(
    "/v1/roaming/requests/:requestId/events",
    {
      schema: {
        summary: "The chain of events of a request as the ledger recorded it: request, answer, activation or expiry",
        description: "Available to the two operators of the request only.",
        tags,
        operationId: "getRoamingChainOfEvents",
        params: RequestIdParams,
        response: { 200: ChainOfEventsSchema, ...readErrors("ROAMING_REQUEST_NOT_FOUND") },
      },
    },
    async (request) => {
      const id = request.params.requestId;
      const events = await rt.readModel.chainOfEvents(id, member);
      if (!events) throw new RoamingError("ROAMING_REQUEST_NOT_FOUND", `no request ${id} of ours on the ledger`);
      return events;
    },
  );

  app.get(
    "/v1/roaming/policy",
    {
      schema: {
        summary: "This home operator's answer policy",
        tags,
        operationId: "getRoamingPolicy",
        response: { 200: PolicySchema, ...readErrors() },
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
        response: { 200: PolicySchema, ...writeErrors("ROAMING_INVALID_INPUT") },
      },
    },
    async (request) => rt.policy.update(request.body as Partial<AnswerPolicy>),
  );
}

const subscriberNotFound = (imsi: string) =>
  new RoamingError("ROAMING_SUBSCRIBER_NOT_FOUND", `no subscriber ${imsi} in the home register`);
