// Routes of attestation messages (/v1/identity/messages, /v1/identity/conversations): the agent's messaging DID, its
// inbox (public: the sender's signature is the credential), its outbox (operator), and the conversations they make.
import { Type } from "@sinclair/typebox";
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
import { MESSAGE_TYPES } from "../core/identity/messages/index.ts";
import {
  type AttestationMessaging,
  conversationKey,
  MAX_SEALED_MESSAGE_CHARS,
  MESSAGE_INBOX_PATH,
  messageKey,
} from "./messaging.ts";
import { keysetPage } from "./routesPaging.ts";

export interface MessageRoutesDeps {
  messaging: AttestationMessaging;
}

const tags = ["messages"];
const AnyDid = Type.String({ pattern: "^did:[a-z0-9]+:[A-Za-z0-9._:%-]+$", maxLength: 256, description: "A DID" });
const ThreadId = Type.String({ pattern: "^[A-Za-z0-9._:-]{8,128}$", description: "A conversation's id" });
const MessageObject = Type.Object(
  {
    "@context": Type.String({ maxLength: 200 }),
    "@type": Type.Union(MESSAGE_TYPES.map((t) => Type.Literal(t))),
    identifier: Type.String({ maxLength: 128 }),
  },
  {
    additionalProperties: true,
    description: "An attestation message object; checked against its type's schema (MESSAGE_INVALID names the field)",
  },
);
const StoredMessageSchema = strictObject({
  direction: Type.Union([Type.Literal("in"), Type.Literal("out")]),
  sender: AnyDid,
  recipient: AnyDid,
  jti: Type.String(),
  identifier: Type.String(),
  replyTo: Type.Union([Type.String(), Type.Null()]),
  threadId: Type.String(),
  type: Type.String(),
  encrypted: Type.Boolean(),
  at: Type.String({ format: "date-time" }),
  message: Type.Object({}, { additionalProperties: true }),
});
const ConversationSchema = strictObject({
  threadId: Type.String(),
  peer: AnyDid,
  messages: Type.Integer(),
  lastAt: Type.String({ format: "date-time" }),
  lastType: Type.String(),
});
const ENVELOPE_ERRORS = [
  "MESSAGE_INVALID",
  "MESSAGE_UNDECRYPTABLE",
  "MESSAGE_SIGNATURE_INVALID",
  "MESSAGE_WRONG_RECIPIENT",
  "MESSAGE_EXPIRED",
  "MESSAGE_NOT_ENCRYPTED",
  "MESSAGE_REPLAYED",
  "DID_RESOLUTION_FAILED",
] as const;

export function registerMessageRoutes(app: ApiApp, deps: MessageRoutesDeps): void {
  const { messaging } = deps;

  app.get(
    "/v1/identity/messages/did",
    {
      // Public: a user agent learns whom to seal its messages to before it holds any key of this member.
      config: { auth: "public" },
      schema: {
        summary: "This agent's messaging DID (a did:key): messages to its inbox are addressed and encrypted to it",
        tags,
        operationId: "getMessagingDid",
        response: {
          200: strictObject({ did: AnyDid, kid: Type.String(), inbox: Type.String() }),
          ...errorResponses(),
        },
      },
    },
    async () => {
      const { did, kid } = await messaging.identity();
      return { did, kid, inbox: MESSAGE_INBOX_PATH };
    },
  );

  app.post(
    MESSAGE_INBOX_PATH,
    {
      // No API key: the message is a JWS by its sender's DID (in a JWE to this agent when it carries personal data),
      // checked before anything is stored.
      config: { auth: "public" },
      bodyLimit: MAX_SEALED_MESSAGE_CHARS + 1024,
      schema: {
        summary:
          "Inbox: an attestation message from another agent or a user agent, opened and checked (signature by the sender's DID, addressed to this agent, unexpired, schema, personal data encrypted, first use), then kept in its conversation",
        tags,
        operationId: "receiveAttestationMessage",
        body: strictObject({
          message: Type.String({
            minLength: 1,
            maxLength: MAX_SEALED_MESSAGE_CHARS,
            description: "Compact JWS, or JWE of one",
          }),
        }),
        response: { 201: StoredMessageSchema, ...errorResponses("VALIDATION_FAILED", ...ENVELOPE_ERRORS) },
      },
    },
    async (request, reply) => reply.code(201).send(await messaging.receive(request.body.message)),
  );

  app.post(
    "/v1/identity/messages/outbox",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Outbox: seal an attestation message as this agent (encrypted to the recipient when it carries personal data) and post it to the recipient's endpoint",
        tags,
        operationId: "sendAttestationMessage",
        body: strictObject({
          to: AnyDid,
          endpoint: Type.String({ minLength: 8, maxLength: 2048, description: "The recipient's inbox URL" }),
          message: MessageObject,
          ttlSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600 })),
        }),
        response: {
          201: strictObject({ sent: StoredMessageSchema, answer: Type.Unknown() }),
          ...writeErrors(
            "IDENTITY_INVALID_INPUT",
            "MESSAGE_INVALID",
            "MESSAGE_RECIPIENT_NO_KEY",
            "MESSAGE_DELIVERY_FAILED",
            "MESSAGE_REFUSED",
            "DID_RESOLUTION_FAILED",
          ),
        },
      },
    },
    async (request, reply) => {
      const { to, endpoint, message, ttlSeconds } = request.body;
      const result = await messaging.send({
        to,
        endpoint,
        message: message as never,
        ...(ttlSeconds === undefined ? {} : { ttlSeconds }),
      });
      return reply.code(201).send(result);
    },
  );

  app.get(
    "/v1/identity/conversations",
    {
      schema: {
        summary: "Conversations of attestation messages, the most recently active first",
        tags,
        operationId: "listConversations",
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(ConversationSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query, ["string", "string"]);
      return pageOfRows(await messaging.conversations(page), page.limit, conversationKey);
    },
  );

  app.get(
    "/v1/identity/conversations/:threadId",
    {
      schema: {
        summary: "The messages of one conversation, oldest first",
        tags,
        operationId: "listConversationMessages",
        params: strictObject({ threadId: ThreadId }),
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(StoredMessageSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query, ["string", "string"]);
      return pageOfRows(await messaging.thread(request.params.threadId, page), page.limit, messageKey);
    },
  );
}
