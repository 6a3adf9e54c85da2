// REST API of the subscriber's own part in the insights market under /v1/datausage/: the signing domain, the
// registration of the subscriber's key, its signed accept or decline of an insight, and its signed readings. The
// subscriber reaches a member's agent through that member's front end; the agent only submits what the subscriber
// signed. Schemas in schemasSubscriber.ts.
import type { Hex } from "viem";
import { type ApiApp, pageOf, pageOfRows, pageRequest, readErrors, writeErrors } from "../core/api/index.ts";
import { DataUsageError } from "./errors.ts";
import type { InsightsReadModel } from "./readModelInsights.ts";
import { ConsentParams, InsightParams } from "./schemasInsights.ts";
import {
  AnswerBody,
  AnsweredSchema,
  AnswerSchema,
  ReadingBody,
  ReadingSchema,
  ReadingsQuery,
  ReadSchema,
  RegisteredKeySchema,
  RegisterKeyBody,
  SigningDomainSchema,
  SubscriberKeySchema,
} from "./schemasSubscriber.ts";
import type { SubscriberService } from "./subscriberService.ts";
import { AGENT_STORE } from "./subscriberSigning.ts";

const tags = ["datausage"];

export function registerSubscriberRoutes(app: ApiApp, service: SubscriberService, readModel: InsightsReadModel): void {
  app.get(
    "/v1/datausage/signing-domain",
    {
      schema: {
        summary: "The EIP-712 domain a subscriber signs its key registration, answers and reading requests under",
        tags,
        operationId: "datausageSigningDomain",
        response: { 200: SigningDomainSchema, ...readErrors() },
      },
    },
    async () => service.domain(),
  );

  app.post(
    "/v1/datausage/subscriber-keys",
    {
      schema: {
        summary: "Submit a subscriber's registration of its key for a contract (signed by that key; once per contract)",
        tags,
        operationId: "datausageRegisterSubscriberKey",
        body: RegisterKeyBody,
        response: {
          200: RegisteredKeySchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_CONTRACT",
            "DATAUSAGE_DENIED",
            "DATAUSAGE_SUBSCRIBER_KEY_EXISTS",
            "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.registerKey({
        consentId: request.body.consentId as Hex,
        publicKey: request.body.publicKey as Hex,
        signature: request.body.signature as Hex,
      }),
  );

  app.get(
    "/v1/datausage/subscriber-keys/:consentId",
    {
      schema: {
        summary: "The subscriber key registered for a contract",
        tags,
        operationId: "datausageGetSubscriberKey",
        params: ConsentParams,
        response: { 200: SubscriberKeySchema, ...readErrors("DATAUSAGE_NO_SUBSCRIBER_KEY") },
      },
    },
    async (request) => service.subscriberKey(request.params.consentId as Hex),
  );

  app.post(
    "/v1/datausage/insights/:id/answers",
    {
      schema: {
        summary:
          "As controller, submit the subscriber's signed accept or decline; an accepted insight is sealed to its key and stored where it named",
        tags,
        operationId: "datausageAnswerInsight",
        params: InsightParams,
        body: AnswerBody,
        response: {
          200: AnsweredSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_NOT_INSIGHT_CONTROLLER",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_NO_SUBSCRIBER_KEY",
            "DATAUSAGE_ALREADY_ANSWERED",
            "DATAUSAGE_SIGNATURE_EXPIRED",
            "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.answer(request.params.id as Hex, {
        accepted: request.body.accepted,
        location: request.body.location ?? AGENT_STORE,
        deadline: request.body.deadline,
        signature: request.body.signature as Hex,
      }),
  );

  app.get(
    "/v1/datausage/insights/:id/answer",
    {
      schema: {
        summary: "The subscriber's answer to an insight (accepted or declined, when, and the location's digest)",
        tags,
        operationId: "datausageGetInsightAnswer",
        params: InsightParams,
        response: { 200: AnswerSchema, ...readErrors("DATAUSAGE_NOT_ANSWERED") },
      },
    },
    async (request) => service.answerOf(request.params.id as Hex),
  );

  app.post(
    "/v1/datausage/insights/:id/readings",
    {
      schema: {
        summary:
          "As controller, serve an accepted insight from this agent's store to its subscriber (signed request) and record the reading on chain",
        tags,
        operationId: "datausageReadInsight",
        params: InsightParams,
        body: ReadingBody,
        response: {
          200: ReadSchema,
          ...writeErrors(
            "DATAUSAGE_UNKNOWN_INSIGHT",
            "DATAUSAGE_NOT_INSIGHT_CONTROLLER",
            "DATAUSAGE_INSIGHT_ERASED",
            "DATAUSAGE_NOT_ACCEPTED",
            "DATAUSAGE_SIGNATURE_EXPIRED",
            "DATAUSAGE_BAD_SUBSCRIBER_SIGNATURE",
            "DATAUSAGE_NOT_STORED_HERE",
          ),
        },
      },
      config: { auth: "operator" },
    },
    async (request) =>
      service.read(request.params.id as Hex, {
        issuedAt: request.body.issuedAt,
        signature: request.body.signature as Hex,
      }),
  );

  app.get(
    "/v1/datausage/insights/:id/readings",
    {
      schema: {
        summary: "An insight's recorded readings: reader fingerprint, recorder and time (never content)",
        tags,
        operationId: "datausageInsightReadings",
        params: InsightParams,
        querystring: ReadingsQuery,
        response: { 200: pageOf(ReadingSchema), ...readErrors("DATAUSAGE_UNKNOWN_INSIGHT") },
      },
    },
    async (request) => {
      if (!(await readModel.insight(request.params.id)))
        throw new DataUsageError("DATAUSAGE_UNKNOWN_INSIGHT", `no insight ${request.params.id}`, {
          field: "params.id",
        });
      const page = pageRequest(request.query, 2);
      const after =
        page.after?.[0] === undefined ? undefined : { txHash: String(page.after[0]), position: Number(page.after[1]) };
      const rows = await readModel.readings(request.params.id, page.limit, after);
      const result = pageOfRows(rows, page.limit, (r) => [r.tx_hash, Number(r.log_position)]);
      return {
        items: result.items.map((r) => ({
          readerFingerprint: r.reader_fingerprint,
          recordedBy: r.recorded_by,
          readAt: Number(r.read_at),
          txHash: r.tx_hash,
        })),
        nextCursor: result.nextCursor,
      };
    },
  );
}
