// REST API of identity: the organisation DIDs this agent hosts (keys stay in its keystore), DID resolution,
// verifiable credentials with on-chain status, and DID-Auth challenges.
import { Type } from "@sinclair/typebox";
import type { Address, Hex } from "viem";
import { type ApiModule, errorResponses, strictObject } from "../core/api/index.ts";
import type { CredentialStatusService } from "../core/identity/credentialStatus.ts";
import { statusReasons } from "../core/identity/credentialStatus.ts";
import type { CredentialService } from "../core/identity/credentials.ts";
import type { DidService, HostedDid } from "../core/identity/did.ts";
import type { DidAuth } from "../core/identity/didAuth.ts";
import { parseEthrDid } from "../core/identity/didEthr.ts";
import { IdentityError } from "../core/identity/errors.ts";
import type { DidResolver } from "../core/identity/resolver.ts";
import type { MembershipService } from "../membership/service.ts";

export interface IdentityApiDeps {
  dids: DidService;
  resolver: DidResolver;
  credentials: CredentialService;
  status: CredentialStatusService;
  didAuth: DidAuth;
  membership: Pick<MembershipService, "bindAccount">;
  /** Default service endpoint published in new DIDs. */
  publicUrl: string;
}

const DID_PATTERN = "^did:ethr:(0x[0-9a-fA-F]+:)?0x[0-9a-fA-F]{40}$";
const DidSchema = Type.String({
  pattern: DID_PATTERN,
  maxLength: 120,
  description: "did:ethr:<chain id hex>:<address>",
});
const AddressSchema = Type.String({ pattern: "^0x[0-9a-fA-F]{40}$" });
const CredentialIdSchema = Type.String({
  pattern: "^0x[0-9a-fA-F]{64}$",
  description: "keccak256 of the credential's id",
});
const UrlSchema = Type.String({ pattern: "^https?://[^\\s]+$", maxLength: 2048 });
const ReasonSchema = Type.Union(
  (Object.keys(statusReasons) as Array<keyof typeof statusReasons>).map((r) => Type.Literal(r)),
  { description: "Why the status changes" },
);
const StatusSchema = Type.Union([Type.Literal("active"), Type.Literal("suspended"), Type.Literal("revoked")]);
const StatusRecordSchema = strictObject({
  status: StatusSchema,
  reason: Type.String(),
  since: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const HostedDidSchema = strictObject({
  did: DidSchema,
  address: AddressSchema,
  label: Type.String(),
  controller: AddressSchema,
  signingKid: Type.Union([Type.String(), Type.Null()]),
  serviceEndpoint: Type.Union([Type.String(), Type.Null()]),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
const DidParams = strictObject({ did: DidSchema });
const CredentialParams = strictObject({ credentialId: CredentialIdSchema });

const readErrors = errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND");
const writeErrors = errorResponses(
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "CHAIN_REVERTED",
  "CHAIN_UNAVAILABLE",
);

const hostedView = (d: HostedDid) => ({ ...d });

export function identityApiModule(deps: IdentityApiDeps): ApiModule {
  const { dids, resolver, credentials, status, didAuth, membership } = deps;
  return {
    name: "identity",
    tags: [
      { name: "dids", description: "Organisation DIDs (did:ethr) hosted by this agent, and DID resolution" },
      { name: "credentials", description: "W3C verifiable credentials (JWT) with on-chain status" },
      { name: "did-auth", description: "Proving control of a DID" },
    ],
    register(app) {
      app.post(
        "/v1/dids",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Create an organisation DID: controller account and P-256 key are generated inside this agent",
            description:
              "Publishes the P-256 (ES256) verification key and the agent's service endpoint as ERC-1056 attributes, " +
              "and binds the DID's controller account to this member in the consortium registry.",
            tags: ["dids"],
            operationId: "createDid",
            body: strictObject({
              label: Type.String({ minLength: 1, maxLength: 200 }),
              serviceEndpoint: Type.Optional(UrlSchema),
            }),
            response: { 201: HostedDidSchema, ...writeErrors },
          },
        },
        async (request, reply) => {
          const created = await dids.createOrganisationDid({
            label: request.body.label,
            serviceEndpoint: request.body.serviceEndpoint ?? deps.publicUrl,
          });
          await membership.bindAccount(created.controller);
          return reply.code(201).send(hostedView(created));
        },
      );

      app.get(
        "/v1/dids",
        {
          schema: {
            summary: "DIDs hosted by this agent",
            tags: ["dids"],
            operationId: "listDids",
            response: { 200: strictObject({ items: Type.Array(HostedDidSchema) }), ...readErrors },
          },
        },
        async () => ({ items: (await dids.list()).map(hostedView) }),
      );

      app.get(
        "/v1/dids/:did",
        {
          schema: {
            summary:
              "Resolve any did:ethr DID on this ledger to its DID document (cached, invalidated by chain events)",
            tags: ["dids"],
            operationId: "resolveDid",
            description:
              "`noCache=true` (the DID Resolution option) reads the registry afresh and refreshes the cache.",
            params: DidParams,
            querystring: strictObject({ noCache: Type.Optional(Type.Boolean({ default: false })) }),
            response: {
              200: strictObject({
                didDocument: Type.Unknown(),
                didDocumentMetadata: Type.Unknown(),
                didResolutionMetadata: Type.Unknown(),
              }),
              ...readErrors,
            },
          },
        },
        async (request) => {
          if (request.query.noCache) resolver.invalidate(parseEthrDid(request.params.did, "params.did").address);
          const result = await resolver.resolve(request.params.did);
          if (!result.didDocument) {
            throw new IdentityError("DID_RESOLUTION_FAILED", `${request.params.did} did not resolve`, {
              details: { error: result.didResolutionMetadata?.error },
            });
          }
          return result;
        },
      );

      const didAction = (
        path: string,
        operationId: string,
        summary: string,
        run: (did: string, body: { serviceEndpoint?: string }) => Promise<HostedDid>,
        method: "POST" | "PUT" | "DELETE" = "POST",
        body?: ReturnType<typeof strictObject>,
      ) =>
        app.route({
          method,
          url: `/v1/dids/:did/${path}`,
          config: { auth: "admin" },
          schema: {
            summary,
            tags: ["dids"],
            operationId,
            params: DidParams,
            ...(body ? { body } : {}),
            response: { 200: HostedDidSchema, ...writeErrors },
          },
          handler: async (request) =>
            hostedView(
              await run((request.params as { did: string }).did, (request.body ?? {}) as { serviceEndpoint?: string }),
            ),
        });

      didAction(
        "signing-key/rotate",
        "rotateDidSigningKey",
        "Publish a new P-256 signing key and revoke the old one",
        (did) => dids.rotateSigningKey(did),
      );
      didAction(
        "signing-key",
        "revokeDidSigningKey",
        "Revoke the DID's signing key (resolvers stop listing it)",
        (did) => dids.revokeSigningKey(did),
        "DELETE",
      );
      didAction(
        "service-endpoint",
        "setDidServiceEndpoint",
        "Replace the DID's agent service endpoint",
        (did, body) => dids.setServiceEndpoint(did, body.serviceEndpoint ?? ""),
        "PUT",
        strictObject({ serviceEndpoint: UrlSchema }),
      );
      didAction(
        "controller/rotate",
        "rotateDidController",
        "Move control of the DID to a new keystore account",
        async (did) => {
          const updated = await dids.changeController(did);
          await membership.bindAccount(updated.controller);
          return updated;
        },
      );

      app.post(
        "/v1/credentials",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Issue a W3C verifiable credential (JWT, ES256) from a DID hosted here",
            tags: ["credentials"],
            operationId: "issueCredential",
            body: strictObject({
              issuer: DidSchema,
              type: Type.Union([
                Type.String({ pattern: "^[A-Za-z][A-Za-z0-9]{0,63}$" }),
                Type.Array(Type.String({ pattern: "^[A-Za-z][A-Za-z0-9]{0,63}$" }), { minItems: 1, maxItems: 8 }),
              ]),
              credentialSubject: Type.Record(Type.String({ maxLength: 64 }), Type.Unknown(), {
                minProperties: 1,
                maxProperties: 64,
              }),
              expirationDate: Type.Optional(Type.String({ format: "date-time" })),
            }),
            response: {
              201: strictObject({
                jwt: Type.String(),
                id: Type.String(),
                credentialId: CredentialIdSchema,
                kid: Type.String(),
              }),
              ...writeErrors,
            },
          },
        },
        async (request, reply) => {
          const { issuer, type, credentialSubject, expirationDate } = request.body;
          const issued = await credentials.issue({
            issuerDid: issuer,
            type,
            credentialSubject,
            ...(expirationDate ? { expirationDate: new Date(expirationDate) } : {}),
          });
          return reply.code(201).send(issued);
        },
      );

      app.post(
        "/v1/credentials/verify",
        {
          schema: {
            summary: "Verify a credential: signature through the issuer's DID, expiry, and on-chain status",
            description:
              "Answers 200 with verified false and the reason when the credential is invalid, revoked or suspended.",
            tags: ["credentials"],
            operationId: "verifyCredential",
            body: strictObject({ jwt: Type.String({ minLength: 1, maxLength: 65536 }) }),
            response: {
              200: strictObject({
                verified: Type.Boolean(),
                issuer: Type.Optional(DidSchema),
                id: Type.Optional(Type.String()),
                credentialId: Type.Optional(CredentialIdSchema),
                status: Type.Optional(StatusRecordSchema),
                payload: Type.Optional(Type.Unknown()),
                error: Type.Optional(strictObject({ code: Type.String(), message: Type.String() })),
              }),
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "CHAIN_UNAVAILABLE"),
            },
          },
        },
        async (request) => {
          try {
            const result = await credentials.verify(request.body.jwt);
            return {
              verified: true,
              issuer: result.issuer,
              id: result.id,
              credentialId: result.credentialId,
              status: statusView(result.status),
              payload: result.verified.payload,
            };
          } catch (error) {
            if (
              error instanceof IdentityError &&
              error.code.startsWith("CREDENTIAL_") &&
              error.code !== "CREDENTIAL_STATUS_UNAVAILABLE"
            ) {
              return { verified: false, error: { code: error.code, message: error.message } };
            }
            throw error;
          }
        },
      );

      for (const action of ["revoke", "suspend", "reinstate"] as const) {
        app.post(
          `/v1/credentials/:credentialId/${action}`,
          {
            config: { auth: "operator" },
            schema: {
              summary: `${action[0]?.toUpperCase()}${action.slice(1)} a credential this member issued (only its issuer can)`,
              tags: ["credentials"],
              operationId: `${action}Credential`,
              params: CredentialParams,
              body: strictObject({ issuer: DidSchema, reason: ReasonSchema }),
              response: { 200: StatusRecordSchema, ...writeErrors },
            },
          },
          async (request) => {
            const { issuer, reason } = request.body;
            const id = request.params.credentialId as Hex;
            return statusView(await status[action](issuer, id, reason));
          },
        );
      }

      app.get(
        "/v1/credentials/:credentialId/status",
        {
          schema: {
            summary: "Current status and full status history of any issuer's credential",
            tags: ["credentials"],
            operationId: "getCredentialStatus",
            params: CredentialParams,
            querystring: strictObject({ issuer: DidSchema }),
            response: {
              200: strictObject({
                ...StatusRecordSchema.properties,
                history: Type.Array(
                  strictObject({
                    status: StatusSchema,
                    reason: Type.String(),
                    at: Type.String({ format: "date-time" }),
                    blockNumber: Type.Integer(),
                  }),
                ),
              }),
              ...readErrors,
            },
          },
        },
        async (request) => {
          const id = request.params.credentialId as Hex;
          const [current, history] = await Promise.all([
            status.statusOf(request.query.issuer, id),
            status.statusHistory(request.query.issuer, id),
          ]);
          return {
            ...statusView(current),
            history: history.map((h) => ({
              status: h.status,
              reason: h.reason,
              at: h.at.toISOString(),
              blockNumber: Number(h.blockNumber),
            })),
          };
        },
      );

      app.post(
        "/v1/did-auth/challenges",
        {
          schema: {
            summary: "Open a DID-Auth challenge: the prover signs it with its DID's key",
            tags: ["did-auth"],
            operationId: "createDidAuthChallenge",
            response: {
              201: strictObject({
                challenge: Type.String(),
                audience: Type.String(),
                expiresAt: Type.String({ format: "date-time" }),
              }),
              ...errorResponses("UNAUTHENTICATED"),
            },
          },
        },
        async (_request, reply) => {
          const c = didAuth.createChallenge();
          return reply
            .code(201)
            .send({ challenge: c.challenge, audience: c.audience, expiresAt: c.expiresAt.toISOString() });
        },
      );

      app.post(
        "/v1/did-auth/responses",
        {
          schema: {
            summary: "Check a DID-Auth response (a JWT over the challenge); each challenge is accepted once",
            tags: ["did-auth"],
            operationId: "verifyDidAuthResponse",
            body: strictObject({ jwt: Type.String({ minLength: 1, maxLength: 16384 }) }),
            response: {
              200: strictObject({ did: DidSchema }),
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED"),
            },
          },
        },
        async (request) => didAuth.verifyResponse(request.body.jwt),
      );
    },
  };
}

function statusView(record: { status: "active" | "suspended" | "revoked"; reason: string; since: Date | null }) {
  return { status: record.status, reason: record.reason, since: record.since ? record.since.toISOString() : null };
}

export type { Address };
