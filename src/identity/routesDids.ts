// Routes of the organisation DIDs this agent hosts (/v1/identity/dids): create, list, resolve any did:ethr DID, and
// the key, endpoint and controller changes. A new or moved controller is bound to this member through membership's
// published directory, so it acts for the member on chain.
import { Type } from "@sinclair/typebox";
import {
  type ApiApp,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  writeErrors,
} from "../core/api/index.ts";
import type { DidService, HostedDid } from "../core/identity/did.ts";
import { normaliseDid, parseEthrDid } from "../core/identity/didEthr.ts";
import { IdentityError } from "../core/identity/errors.ts";
import type { DidResolver } from "../core/identity/resolver.ts";
import type { MembershipDirectory } from "../membership/published.ts";
import { keysetPage } from "./routesPaging.ts";
import { CreateDidBodySchema, DidParams, HostedDidSchema, ResolutionSchema, UrlSchema } from "./schemas.ts";

export interface DidRoutesDeps {
  dids: DidService;
  resolver: DidResolver;
  membership: Pick<MembershipDirectory, "bindAccount" | "rebindAccount">;
  /** Default service endpoint published in new DIDs. */
  publicUrl: string;
}

/** Codes a change to a hosted DID can answer beside the platform's. */
const DID_CHANGE_ERRORS = ["IDENTITY_INVALID_INPUT", "DID_NOT_HOSTED", "DID_NO_SIGNING_KEY", "KEY_RETIRED"];

const hostedView = (d: HostedDid) => ({ ...d });

export function registerDidRoutes(app: ApiApp, deps: DidRoutesDeps): void {
  const { dids, resolver, membership } = deps;
  /** The DID of a path parameter in the form this agent stores, or IDENTITY_INVALID_INPUT naming params.did. */
  const pathDid = (did: string) => normaliseDid(did, dids.chainId, "params.did");

  app.post(
    "/v1/identity/dids",
    {
      config: { auth: "admin" },
      schema: {
        summary: "Create an organisation DID: controller account and P-256 key are generated inside this agent",
        description:
          "Publishes the P-256 (ES256) verification key and the agent's service endpoint as ERC-1056 attributes, " +
          "and binds the DID's controller account to this member in the consortium registry.",
        tags: ["dids"],
        operationId: "createDid",
        body: CreateDidBodySchema,
        response: { 201: HostedDidSchema, ...writeErrors("IDENTITY_INVALID_INPUT") },
      },
    },
    async (request, reply) => {
      const created = await dids.createOrganisationDid({
        label: request.body.label,
        serviceEndpoint: request.body.serviceEndpoint ?? deps.publicUrl,
      });
      // Identity only: the controller names the member (e.g. for a roaming identity) but exercises none of its roles.
      await membership.bindAccount(created.controller, []);
      return reply.code(201).send(hostedView(created));
    },
  );

  app.get(
    "/v1/identity/dids",
    {
      schema: {
        summary: "DIDs hosted by this agent, oldest first",
        tags: ["dids"],
        operationId: "listDids",
        querystring: PageQuerySchema,
        response: { 200: pageOf(HostedDidSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query, ["string", "string"]);
      const rows = await dids.listPage(page);
      return pageOfRows(rows.map(hostedView), page.limit, (d) => [d.createdAt, d.did]);
    },
  );

  app.get(
    "/v1/identity/dids/:did",
    {
      schema: {
        summary: "Resolve any did:ethr DID on this ledger to its DID document (cached, invalidated by chain events)",
        tags: ["dids"],
        operationId: "resolveDid",
        description: "`noCache=true` (the DID Resolution option) reads the registry afresh and refreshes the cache.",
        params: DidParams,
        querystring: strictObject({ noCache: Type.Optional(Type.Boolean({ default: false })) }),
        response: { 200: ResolutionSchema, ...readErrors("IDENTITY_INVALID_INPUT", "DID_RESOLUTION_FAILED") },
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

  const didChange = (
    method: "POST" | "PUT" | "DELETE",
    path: string,
    operationId: string,
    summary: string,
    change: (did: string, body: { serviceEndpoint?: string }) => Promise<HostedDid>,
    body?: ReturnType<typeof strictObject>,
  ) =>
    app.route({
      method,
      url: `/v1/identity/dids/:did/${path}`,
      config: { auth: "admin" },
      schema: {
        summary,
        tags: ["dids"],
        operationId,
        params: DidParams,
        ...(body ? { body } : {}),
        response: { 200: HostedDidSchema, ...writeErrors(...DID_CHANGE_ERRORS) },
      },
      handler: async (request) => {
        const did = pathDid((request.params as { did: string }).did);
        return hostedView(await change(did, (request.body ?? {}) as { serviceEndpoint?: string }));
      },
    });

  didChange(
    "POST",
    "signing-key/rotate",
    "rotateDidSigningKey",
    "Publish a new P-256 signing key and revoke the old one",
    (did) => dids.rotateSigningKey(did),
  );
  didChange(
    "DELETE",
    "signing-key",
    "revokeDidSigningKey",
    "Revoke the DID's signing key (resolvers stop listing it)",
    (did) => dids.revokeSigningKey(did),
  );
  didChange(
    "PUT",
    "service-endpoint",
    "setDidServiceEndpoint",
    "Replace the DID's agent service endpoint",
    (did, body) => dids.setServiceEndpoint(did, body.serviceEndpoint ?? ""),
    strictObject({ serviceEndpoint: UrlSchema }),
  );
  didChange(
    "POST",
    "controller/rotate",
    "rotateDidController",
    "Move control of the DID to a new keystore account (bound to this member)",
    async (did) => {
      const previous = (await dids.get(did)).controller;
      const updated = await dids.changeController(did);
      await membership.rebindAccount(previous, updated.controller);
      return updated;
    },
  );
}
