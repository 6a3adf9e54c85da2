// Routes of DID-Auth (/v1/identity/did-auth): this agent opens a single-use challenge (kept in its store, so it
// survives a restart) and checks the response, a JWT over the challenge signed by the key listed under
// `authentication` in the prover's DID document.
import { type ApiApp, DidSchema, errorResponses, principalOf, strictObject } from "../core/api/index.ts";
import type { DidAuth } from "../core/identity/didAuth.ts";
import { ChallengeQuerySchema, ChallengeSchema, JwtSchema } from "./schemas.ts";

export interface DidAuthRoutesDeps {
  didAuth: DidAuth;
}

export function registerDidAuthRoutes(app: ApiApp, deps: DidAuthRoutesDeps): void {
  const { didAuth } = deps;

  app.post(
    "/v1/identity/did-auth/challenges",
    {
      // Opening a challenge is a step of this member's own operations (authenticating a counterparty before acting
      // for it), and each open challenge holds a row of the agent's store until it expires: operator, not any
      // read-only key.
      config: { auth: "operator" },
      schema: {
        summary: "Open a DID-Auth challenge: the prover signs it with its DID's key",
        tags: ["did-auth"],
        operationId: "createDidAuthChallenge",
        querystring: ChallengeQuerySchema,
        response: {
          201: ChallengeSchema,
          ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "DID_AUTH_TOO_MANY_CHALLENGES"),
        },
      },
    },
    async (request, reply) => {
      // Capped per API key (and for the agent): one key cannot fill the agent's table, nor starve the others.
      const { ttlSeconds } = request.query;
      const c = await didAuth.createChallenge(
        principalOf(request).keyId,
        ttlSeconds === undefined ? undefined : ttlSeconds * 1000,
      );
      return reply
        .code(201)
        .send({ challenge: c.challenge, audience: c.audience, expiresAt: c.expiresAt.toISOString() });
    },
  );

  app.post(
    "/v1/identity/did-auth/responses",
    {
      // Checking a response consumes its challenge (single use): the same operators who open challenges answer them.
      config: { auth: "operator" },
      schema: {
        summary: "Check a DID-Auth response (a JWT over the challenge); each challenge is accepted once",
        description:
          "The challenge is consumed by the first answer, verified or not. A second answer is refused with " +
          "DID_AUTH_CHALLENGE_USED, a late one with DID_AUTH_CHALLENGE_EXPIRED.",
        tags: ["did-auth"],
        operationId: "verifyDidAuthResponse",
        body: strictObject({ jwt: JwtSchema(16384) }),
        response: {
          200: strictObject({ did: DidSchema }),
          ...errorResponses(
            "VALIDATION_FAILED",
            "IDENTITY_INVALID_INPUT",
            "UNAUTHENTICATED",
            "DID_AUTH_INVALID",
            "DID_AUTH_CHALLENGE_UNKNOWN",
            "DID_AUTH_CHALLENGE_USED",
            "DID_AUTH_CHALLENGE_EXPIRED",
          ),
        },
      },
    },
    async (request) => didAuth.verifyResponse(request.body.jwt),
  );
}
