// Routes of flow 2.1's links (/v1/identity/links): the site (an operator API key) opens a link and polls it; the
// person's user agent posts its DID-Auth response to the public response route (its signature is the credential); the
// site posts the code the person typed (2FA variant).
import type { ApiApp } from "../../core/api/index.ts";
import { pageOfRows, principalOf, readErrors, writeErrors } from "../../core/api/index.ts";
import { keysetPage } from "../routesPaging.ts";
import {
  CreatedLinkSchema,
  CreateLinkBody,
  LinkCodeBody,
  LinkListQuery,
  LinkPage,
  LinkParams,
  LinkResponseBody,
  LinkSchema,
} from "./schemas.ts";
import type { CreateLinkInput, LinkService } from "./service.ts";

const tags = ["links"];

export const LINKS_TAG = {
  name: "links",
  description: "Flow 2.1: linking a person's pairwise DID to this member (DID-Auth by QR code, deep link, hub or code)",
};

export function registerLinkRoutes(app: ApiApp, links: LinkService): void {
  app.post(
    "/v1/identity/links",
    {
      // A link is the site's step (this member's operations) and holds a DID-Auth challenge until it expires.
      config: { auth: "operator" },
      schema: {
        summary:
          "Open a link: a QR code / deep link for the person's user agent, or a challenge or code sent to their hub",
        tags,
        operationId: "createLink",
        body: CreateLinkBody,
        response: {
          201: CreatedLinkSchema,
          ...writeErrors(
            "IDENTITY_INVALID_INPUT",
            "DID_AUTH_TOO_MANY_CHALLENGES",
            "DID_RESOLUTION_FAILED",
            "MESSAGE_RECIPIENT_NO_KEY",
            "MESSAGE_DELIVERY_FAILED",
            "MESSAGE_REFUSED",
          ),
        },
      },
    },
    async (request, reply) => {
      const body = request.body as CreateLinkInput;
      return reply.code(201).send(await links.create(body, principalOf(request).keyId));
    },
  );
  app.get(
    "/v1/identity/links",
    {
      schema: {
        summary: "The links this agent opened, newest first",
        tags,
        operationId: "listLinks",
        querystring: LinkListQuery,
        response: { 200: LinkPage, ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query as { limit?: number; cursor?: string }, [
        "string",
        "string",
      ]);
      const rows = await links.list(page.limit, page.after);
      const { items, nextCursor } = pageOfRows(rows, page.limit, (r) => [r.createdAt, r.linkId]);
      return { items: items.map((r) => links.view(r)), nextCursor };
    },
  );
  app.get(
    "/v1/identity/links/:linkId",
    {
      schema: {
        summary: "A link as the site polls it: pending, linked (with the DID proven), expired or locked",
        tags,
        operationId: "getLink",
        params: LinkParams,
        response: { 200: LinkSchema, ...readErrors("LINK_NOT_FOUND") },
      },
    },
    async (request) => links.get((request.params as { linkId: string }).linkId),
  );
  app.post(
    "/v1/identity/links/:linkId/response",
    {
      // The person's user agent answers with no API key: its DID-Auth signature over this link's challenge is the
      // credential, checked (single use, expiry, audience, authentication key) before anything is written.
      config: { auth: "public" },
      schema: {
        summary: "The user agent's DID-Auth response to the link's challenge (a JWT signed by its pairwise DID)",
        description:
          "The JWT is { iss: the DID, aud: the agent's URL, nonce: the challenge, exp, hub? }, signed by a key listed " +
          "under authentication in the DID's document. The challenge is consumed by the first answer, verified or not.",
        tags,
        operationId: "answerLink",
        params: LinkParams,
        body: LinkResponseBody,
        response: {
          200: LinkSchema,
          ...writeErrors(
            "LINK_NOT_FOUND",
            "LINK_EXPIRED",
            "LINK_USED",
            "LINK_MODE_MISMATCH",
            "IDENTITY_INVALID_INPUT",
            "DID_AUTH_INVALID",
            "DID_AUTH_CHALLENGE_UNKNOWN",
            "DID_AUTH_CHALLENGE_USED",
            "DID_AUTH_CHALLENGE_EXPIRED",
          ),
        },
      },
    },
    async (request) =>
      links.respond((request.params as { linkId: string }).linkId, (request.body as { jwt: string }).jwt),
  );
  app.post(
    "/v1/identity/links/:linkId/code",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The code the person typed into the site (2FA variant): single use, 5 wrong codes lock the link",
        tags,
        operationId: "enterLinkCode",
        params: LinkParams,
        body: LinkCodeBody,
        response: {
          200: LinkSchema,
          ...writeErrors(
            "LINK_NOT_FOUND",
            "LINK_EXPIRED",
            "LINK_USED",
            "LINK_MODE_MISMATCH",
            "LINK_CODE_WRONG",
            "LINK_CODE_ATTEMPTS",
          ),
        },
      },
    },
    async (request) =>
      links.enterCode((request.params as { linkId: string }).linkId, (request.body as { code: string }).code),
  );
}
