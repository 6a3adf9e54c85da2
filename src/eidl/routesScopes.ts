// REST API of numbering-plan scopes (issue 11, item 2): a governor proposes a Numbering Authority's whole scope, the
// other governors approve through their own agents, the scope is in force at a strict majority. Admin: these act as
// the member's governance account.
import { Type } from "@sinclair/typebox";
import { type ApiApp, DidSchema, readErrors, strictObject, TxHashSchema, writeErrors } from "../core/api/index.ts";
import { TnOrBlockSchema } from "./schemas.ts";
import { MAX_SCOPE_PREFIXES } from "./service/scopes.ts";
import type { EidlService } from "./service.ts";

const TAG = "eidl";

const ScopeOutcome = strictObject({
  proposalId: Type.Integer({ minimum: 1, description: "The TnAuthority's scope proposal counter" }),
  executed: Type.Boolean({ description: "True once a strict majority of governors approved: the scope is in force" }),
  txHash: TxHashSchema,
});

export function registerScopeRoutes(app: ApiApp, eidl: EidlService): void {
  app.post(
    "/v1/eidl/numbering-scopes",
    {
      config: { auth: "admin" },
      schema: {
        summary: "Propose a Numbering Authority's numbering-plan scope (country codes or longer prefixes)",
        description:
          "The whole scope: it replaces the authority's current one once a strict majority of the consortium's " +
          "governors approved; empty withdraws it. This member must be a governor; its approval counts. A Numbering " +
          "Authority allocates and ports only inside its scope, and without one nothing.",
        tags: [TAG],
        operationId: "proposeNumberingScope",
        body: strictObject({
          numberingAuthorityId: DidSchema,
          prefixes: Type.Array(TnOrBlockSchema, { maxItems: MAX_SCOPE_PREFIXES }),
        }),
        response: {
          201: ScopeOutcome,
          ...writeErrors("EIDL_UNKNOWN_ORGANISATION", "EIDL_NOT_NUMBERING_AUTHORITY", "EIDL_NOT_GOVERNOR"),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await eidl.scopes.propose(request.body)),
  );

  app.post(
    "/v1/eidl/numbering-scopes/:proposalId/approve",
    {
      config: { auth: "admin" },
      schema: {
        summary: "Approve a numbering-plan scope proposal as this governor; at a strict majority it is in force",
        tags: [TAG],
        operationId: "approveNumberingScope",
        params: strictObject({ proposalId: Type.Integer({ minimum: 1 }) }),
        response: { 200: ScopeOutcome, ...writeErrors("EIDL_NOT_GOVERNOR") },
      },
    },
    async (request) => eidl.scopes.approve(request.params.proposalId),
  );

  app.get(
    "/v1/eidl/numbering-scopes/:numberingAuthorityId",
    {
      schema: {
        summary: "A Numbering Authority's numbering-plan scope in force (read from the chain)",
        tags: [TAG],
        operationId: "getNumberingScope",
        params: strictObject({ numberingAuthorityId: DidSchema }),
        response: {
          200: strictObject({
            numberingAuthorityId: DidSchema,
            prefixes: Type.Array(Type.String(), { maxItems: MAX_SCOPE_PREFIXES }),
          }),
          ...readErrors("EIDL_UNKNOWN_ORGANISATION", "EIDL_NOT_NUMBERING_AUTHORITY"),
        },
      },
    },
    async (request) => eidl.scopes.scopeOf(request.params.numberingAuthorityId),
  );
}
