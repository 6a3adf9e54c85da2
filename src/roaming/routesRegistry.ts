// Setup routes: network codes and the proposals that assign them (OperatorRegistry governance), and this operator's
// encryption keys (published in its organisation DID).
import { Type } from "@sinclair/typebox";
import {
  type ApiApp,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../core/api/index.ts";
import type { RoamingRuntime } from "./runtime.ts";
import {
  ClaimPageQuery,
  ClaimSchema,
  KeySchema,
  keysetPage,
  MAX_MSIN_RANGES,
  MsinRangeSchema,
  NetworkSchema,
  PlmnSchema,
  TxResultSchema,
} from "./schemas.ts";

const tags = ["roaming"];

export function registerRegistryRoutes(app: ApiApp, rt: RoamingRuntime): void {
  app.get(
    "/v1/roaming/networks",
    {
      schema: {
        summary: "Network codes and their home operators (from the ledger), by PLMN",
        tags,
        operationId: "listRoamingNetworks",
        querystring: PageQuerySchema,
        response: { 200: pageOf(NetworkSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = keysetPage(request.query, ["string"] as const);
      return pageOfRows(await rt.readModel.networks({ limit, after }), limit, (n) => [n.plmn]);
    },
  );

  app.get(
    "/v1/roaming/claims",
    {
      schema: {
        summary: "Network proposals (claims, releases, transfers), newest first",
        tags,
        operationId: "listRoamingClaims",
        querystring: ClaimPageQuery,
        response: { 200: pageOf(ClaimSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = keysetPage(request.query, ["number"] as const);
      const filter = {
        nowSeconds: Math.floor(Date.now() / 1000),
        ...(request.query.state ? { state: request.query.state as never } : {}),
      };
      return pageOfRows(await rt.readModel.claims(filter, { limit, after }), limit, (c) => [c.id]);
    },
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
          msinRanges: Type.Optional(Type.Array(MsinRangeSchema, { maxItems: MAX_MSIN_RANGES })),
          votingPeriodSeconds: Type.Optional(Type.Integer({ minimum: 3600, maximum: 30 * 86400 })),
        }),
        response: {
          201: strictObject({
            claimId: Type.Integer({ description: "The OperatorRegistry's proposal counter at mining time" }),
            txHash: TxHashSchema,
          }),
          ...writeErrors("ROAMING_INVALID_INPUT"),
        },
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
        response: { 200: TxResultSchema, ...writeErrors() },
      },
    },
    async (request) => rt.claims.approve(request.params.claimId),
  );

  app.get(
    "/v1/roaming/keys",
    {
      schema: {
        summary: "This operator's encryption keys, oldest first (public facts; retired keys decrypt until usableUntil)",
        tags,
        operationId: "listRoamingKeys",
        querystring: PageQuerySchema,
        response: { 200: pageOf(KeySchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = keysetPage(request.query, ["string", "string"] as const);
      return pageOfRows(rt.keys.page(limit, after), limit, (k) => [k.createdAt, k.kid]);
    },
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
            ...writeErrors("ROAMING_CONFLICT"),
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
}
