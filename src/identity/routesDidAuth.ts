// Routes of DID-Auth (/v1/identity/did-auth): this agent opens a single-use challenge and checks the response, a JWT
// over the challenge signed by the key listed under `authentication` in the prover's DID document.
import { type ApiApp, DidSchema, errorResponses, principalOf, strictObject } from "../core/api/index.ts";
import type { DidAuth } from "../core/identity/didAuth.ts";
import { ChallengeSchema, JwtSchema } from "./schemas.ts";

export interface DidAuthRoutesDeps {
  didAuth: DidAuth;
}

export function registerDidAuthRoutes(app: ApiApp, deps: DidAuthRoutesDeps): void {
  const { didAuth } = deps;

  app.post(
    "/v1/identity/did-auth/challenges",
    {
      // Opening a challenge is a step of this member's own operations (authenticating a counterparty before acting
      // for it), and each open challenge holds agent memory until it expires: operator, not any read-only key.
      config: { auth: "operator" },
      schema: {
        summary: "Open a DID-Auth challenge: the prover signs it with its DID's key",
        tags: ["did-auth"],
        operationId: "createDidAuthChallenge",
        response: { 201: ChallengeSchema, ...errorResponses("UNAUTHENTICATED", "DID_AUTH_TOO_MANY_CHALLENGES") },
      },
    },
    async (request, reply) => {
      // Capped per API key (and for the agent): one key cannot hold the agent's memory, nor starve the others.
      const c = didAuth.createChallenge(principalOf(request).keyId);
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
          ),
        },
      },
    },
    async (request) => didAuth.verifyResponse(request.body.jwt),
  );
}
