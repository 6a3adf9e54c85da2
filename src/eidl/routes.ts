// REST API of the EIDL domain. Annex A's endpoints keep its paths (under the API's /v1), field names and integer
// enumerations: /v1/accounts, /v1/vetterAuthorization/..., /v1/tnallocation. What Annex A lacks is ours, under
// /v1/eidl/: hosted accounts, grants and their revocation, port, chain of custody, who may use a number.
import { Type } from "@sinclair/typebox";
import {
  type ApiModule,
  DidSchema,
  encodeCursor,
  PageQuerySchema,
  pageRequest,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../core/api/index.ts";
import type { GrantReason } from "./ledger.ts";
import type { PageSlice } from "./paging.ts";
import { registerScopeRoutes } from "./routesScopes.ts";
import {
  AccountPage,
  AccountSchema,
  AllocationItem,
  AllocationResult,
  BulkGrantBody,
  BulkGrantResult,
  BulkRevocationBody,
  BulkRevocationResult,
  CreateAccountBody,
  CustodyPage,
  GrantPage,
  GrantSchema,
  HoldersSchema,
  ReasonSchema,
  TnOrBlockSchema,
  TnSchema,
  VettedAccountPage,
  VettingBody,
  VettingHistoryPage,
  VettingQuery,
  VettingResponse,
} from "./schemas.ts";
import type { EidlService } from "./service.ts";

const TAG = "eidl";
/** Every list here is keyset-paged on a two-part key. */
const KEY_PARTS = 2;
const ORG_ERRORS = ["EIDL_UNKNOWN_ORGANISATION"];
const ACTING_ERRORS = [...ORG_ERRORS, "EIDL_NOT_HOSTED"];

const OrgParams = strictObject({ orgIdParam: DidSchema });
const VetterParams = strictObject({ orgIdParam: DidSchema, vetterIdParam: DidSchema });
const GrantParams = strictObject({
  grantId: Type.String({ pattern: "^[0-9]{1,78}$", description: "On-chain grant id" }),
});
const TnParams = strictObject({ tn: TnSchema });

/** A read model page as the API answers it: the key of its last item becomes the opaque cursor. */
function toPage<T>(slice: PageSlice<T>) {
  return { items: slice.items, nextCursor: slice.nextKey === null ? null : encodeCursor(slice.nextKey) };
}

export function eidlApiModule(eidl: EidlService): ApiModule {
  return {
    name: "eidl",
    tags: [
      {
        name: TAG,
        description:
          "Enterprise identity and TN authority (ATIS EIDL, Annex A): organisation accounts, vetting, TN allocation, " +
          "assignment and delegation with W3C credentials, revocation, port, chain of custody, who may use a number",
      },
    ],
    register(app) {
      app.post(
        "/v1/accounts",
        {
          config: { auth: "operator" },
          schema: {
            summary: "createAccount: create an organisation account hosted by this agent (Annex A)",
            description:
              "Generates the organisation's DID (did:ethr) with its controller and P-256 key pair inside this agent, " +
              "binds the controller to this member and registers the account on the ledger. `did`, `publicKey`, " +
              "`createdTS` and `updatedTS` are assigned here (Annex A lists them in the request: leave them blank). " +
              "Errors answer `{code, message}` plus `requestId` and `details` (Annex A's `code` is an integer; ours " +
              "is a stable string).",
            tags: [TAG],
            operationId: "createAccount",
            body: CreateAccountBody,
            response: { 201: AccountSchema, ...writeErrors("EIDL_ROLE_MISSING") },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await eidl.accounts.create({ name: request.body.name, type: request.body.type })),
      );

      app.get(
        "/v1/accounts/:orgIdParam",
        {
          schema: {
            summary: "getAccount: any organisation account on the ledger, by its DID (Annex A)",
            tags: [TAG],
            operationId: "getAccount",
            params: OrgParams,
            response: { 200: AccountSchema, ...readErrors(...ORG_ERRORS) },
          },
        },
        async (request) => eidl.accounts.get(request.params.orgIdParam),
      );

      app.get(
        "/v1/eidl/hosted-accounts",
        {
          schema: {
            summary: "The organisation accounts this agent hosts, oldest first",
            tags: [TAG],
            operationId: "listHostedAccounts",
            querystring: PageQuerySchema,
            response: { 200: AccountPage, ...readErrors() },
          },
        },
        async (request) => toPage(await eidl.accounts.hosted(pageRequest(request.query, KEY_PARTS))),
      );

      app.get(
        "/v1/eidl/organisations",
        {
          schema: {
            summary: "Every organisation account on the ledger, oldest first, with its latest vetting decision",
            description:
              "The whole vetting tree a page at a time: each organisation's vetter (the parent in the tree) and " +
              "result; the Trust Authority and other never-vetted organisations have null (the roots).",
            tags: [TAG],
            operationId: "listOrganisations",
            querystring: PageQuerySchema,
            response: { 200: VettedAccountPage, ...readErrors() },
          },
        },
        async (request) => toPage(await eidl.accounts.all(pageRequest(request.query, KEY_PARTS))),
      );

      app.post(
        "/v1/vetterAuthorization/:orgIdParam/vetter/:vetterIdParam",
        {
          config: { auth: "operator" },
          schema: {
            summary: "createVettedOrganisationOnDLT: record a vetting decision and issue its VettingStatus credential",
            description:
              "The vetter must be hosted by this agent. The Trust Authority vets TNSPs, KYC vetters and OSPs; a KYC " +
              "vetter that is itself Authorized vets TNRs, Brands and BPOs (enforced on chain). The decision is " +
              "signed as the seed's `VettingStatus` W3C credential (brand name included) whose status lives in the " +
              "credential-status registry; the credential of the decision it supersedes is revoked (reason " +
              "VettingWithdrawn when the new result is not Authorized). Annex A answers 201 with a null body but " +
              "documents the record: we return the record with the credential. Annex A spells the path " +
              "`vetterAUthorization` in one place and `vetterAuthorization` in another: we use the latter.",
            tags: [TAG],
            operationId: "createVettedOrganisationOnDLT",
            params: VetterParams,
            body: VettingBody,
            response: {
              201: VettingResponse,
              ...writeErrors(...ACTING_ERRORS, "EIDL_VETTING_NOT_ALLOWED", "EIDL_VETTING_VERSION"),
            },
          },
        },
        async (request, reply) =>
          reply
            .code(201)
            .send(await eidl.vetting.vet(request.params.orgIdParam, request.params.vetterIdParam, request.body)),
      );

      app.get(
        "/v1/vetterAuthorization/:orgIdParam/vetter/:vetterIdParam",
        {
          schema: {
            summary: "getVettedOrganisationAuthorization: current vetting status, or with status=1 a page of history",
            description:
              "Annex A's read takes `status` (0 Current, 1 History) in a GET body; a GET has no body, so it is a " +
              "query parameter here. The current record is the organisation's latest decision by any vetter. With " +
              "status=1, `history` is one page (`limit`, `cursor`; `nextCursor` for the next).",
            tags: [TAG],
            operationId: "getVettedOrganisationAuthorization",
            params: VetterParams,
            querystring: VettingQuery,
            response: { 200: VettingResponse, ...readErrors(...ORG_ERRORS, "EIDL_NOT_VETTED") },
          },
        },
        async (request) => {
          const { orgIdParam, vetterIdParam } = request.params;
          const current = await eidl.vetting.current(orgIdParam, vetterIdParam);
          if (request.query.status !== 1) return current;
          const page = toPage(await eidl.vetting.history(orgIdParam, pageRequest(request.query, KEY_PARTS)));
          return { ...current, history: page.items, nextCursor: page.nextCursor };
        },
      );

      app.get(
        "/v1/vetterAuthorization/:orgIdParam/history",
        {
          schema: {
            summary: "The vetting history of an organisation, oldest first (Annex A's sample path)",
            tags: [TAG],
            operationId: "getVettingHistory",
            params: OrgParams,
            querystring: PageQuerySchema,
            response: { 200: VettingHistoryPage, ...readErrors(...ORG_ERRORS) },
          },
        },
        async (request) =>
          toPage(await eidl.vetting.history(request.params.orgIdParam, pageRequest(request.query, KEY_PARTS))),
      );

      app.post(
        "/v1/tnallocation",
        {
          config: { auth: "operator" },
          schema: {
            summary: "TNAllocation: allocate, assign or delegate numbers or blocks; returns the verifiable credentials",
            description:
              "Each issuer must be hosted by this agent. The step's type follows from the issuer: a Numbering " +
              "Authority allocates (to a TNSP), a TNSP assigns, others delegate. The issuer must hold the number " +
              "through a valid chain; the recipient must be Authorized; both are enforced on chain. `tnId` is a number " +
              'or a block given as its E.164 prefix ("1200200" = 1-200-200-XXXX). Annex A lists ' +
              "`allocatedByOrganisationId`, `allocatedToOrganisationId`, `validStartDate` and `validEndDate` as required " +
              "but defines `issuerId`, `subjectId`, `allocationStartDate` and `allocationEndDate`: we use the defined " +
              "fields, with the start defaulting to now (Annex A says it must be in the future) and no end meaning none. " +
              "`callerName` and `purpose` come from the seed's delegation credential; they go into the TN Authorization " +
              "credential only, the chain gets their salted hash. `grantId` is computed before the transaction is sent " +
              "and equals the id on chain whatever order transactions are mined in. Items are made in order; an item " +
              "that fails stops the batch, the ones before it stay made (each is its own transaction).",
            tags: [TAG],
            operationId: "createTnAllocation",
            body: strictObject({ tnAllocation: Type.Array(AllocationItem, { minItems: 1, maxItems: 100 }) }),
            response: {
              201: strictObject({
                tnAllocationResponse: Type.Array(AllocationResult, { maxItems: 100, description: "One per item" }),
              }),
              ...writeErrors(...ACTING_ERRORS, "EIDL_TN_NOT_HELD", "EIDL_OUTSIDE_NUMBERING_SCOPE"),
            },
          },
        },
        async (request, reply) =>
          reply.code(201).send({ tnAllocationResponse: await eidl.grants.allocate(request.body.tnAllocation) }),
      );

      app.post(
        "/v1/eidl/grants/bulk",
        {
          config: { auth: "operator" },
          bodyLimit: 4 * 1024 * 1024,
          schema: {
            summary:
              "Bulk numbering: pass on up to 10,000 numbers (a list or a range with a step) in batched transactions",
            description:
              "The issuer (hosted here) allocates, assigns or delegates each number to the subject, the step and parent " +
              "chosen per number as for /v1/tnallocation. Each number gets its own TN Authorization credential, signed " +
              "here; the grants go in batch transactions (allocateBatch / assignBatch / delegateBatch) sized from the " +
              "node's block gas limit. Every item is checked first (a bad one is named as body.numbers[i] and nothing " +
              "is sent). A batch the ledger refuses records nothing and the request fails with EIDL_BULK_ITEM_REFUSED " +
              "naming the item; batches before it stay made. Results are per item, by index.",
            tags: [TAG],
            operationId: "createTnGrantsInBulk",
            body: BulkGrantBody,
            response: {
              201: BulkGrantResult,
              ...writeErrors(...ACTING_ERRORS, "EIDL_TN_NOT_HELD", "EIDL_BULK_ITEM_REFUSED"),
            },
          },
        },
        async (request, reply) => reply.code(201).send(await eidl.bulk.grant(request.body)),
      );

      app.post(
        "/v1/eidl/grants/revocations",
        {
          config: { auth: "operator" },
          bodyLimit: 1024 * 1024,
          schema: {
            summary: "Bulk revocation: end up to 10,000 grants with one reason in batched transactions",
            description:
              "Each grant is revoked by its grantor's organisation, or the Numbering Authority at its chain's root, " +
              "hosted here (as POST /v1/eidl/grants/{grantId}/revoke picks it), in revokeBatch transactions of one " +
              "revoker each, sized from the node's block gas limit. Every item is checked first (unknown, repeated, " +
              "already revoked or with no revoker hosted here: named as body.grantIds[i], nothing sent). A batch the " +
              "ledger refuses records nothing and the request fails with EIDL_BULK_ITEM_REFUSED naming the item; " +
              "batches before it stay made. The credentials this agent issued for the grants are revoked with the " +
              "same reason. Results are per item, by index.",
            tags: [TAG],
            operationId: "revokeTnGrantsInBulk",
            body: BulkRevocationBody,
            response: {
              200: BulkRevocationResult,
              ...writeErrors(...ACTING_ERRORS, "EIDL_BULK_ITEM_REFUSED"),
            },
          },
        },
        async (request) =>
          eidl.bulk.revoke({ grantIds: request.body.grantIds, reason: request.body.reason as GrantReason }),
      );

      app.get(
        "/v1/eidl/grants/:grantId",
        {
          schema: {
            summary: "One grant (allocation, assignment or delegation) from the read model",
            tags: [TAG],
            operationId: "getTnGrant",
            params: GrantParams,
            response: { 200: GrantSchema, ...readErrors() },
          },
        },
        async (request) => eidl.reads.grant(request.params.grantId),
      );

      app.get(
        "/v1/eidl/grants",
        {
          schema: {
            summary: "Grants held by an organisation (blocks and numbers), newest first",
            tags: [TAG],
            operationId: "listTnGrants",
            querystring: strictObject({ holder: DidSchema, ...PageQuerySchema.properties }),
            response: { 200: GrantPage, ...readErrors(...ORG_ERRORS) },
          },
        },
        async (request) =>
          toPage(await eidl.reads.holdings(request.query.holder, pageRequest(request.query, KEY_PARTS))),
      );

      app.post(
        "/v1/eidl/grants/:grantId/revoke",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Revoke (cancel) a grant with a reason; its credential is revoked and every step below it ends",
            tags: [TAG],
            operationId: "revokeTnGrant",
            params: GrantParams,
            body: strictObject({ reason: ReasonSchema }),
            response: {
              200: strictObject({ ...GrantSchema.properties, txHash: TxHashSchema }),
              ...writeErrors(...ACTING_ERRORS),
            },
          },
        },
        async (request) => eidl.grants.revoke(request.params.grantId, request.body.reason as GrantReason),
      );

      app.post(
        "/v1/eidl/ports",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Number port: the Numbering Authority moves a number or block to another TNSP",
            description:
              "Ends the allocation covering exactly this number or block (reason NumberPort, credential revoked, every " +
              "step below it ends) and allocates it to the new TNSP with a new credential. The history is kept. Only " +
              "inside the Numbering Authority's numbering-plan scope; the port records its authority and evidence hash.",
            tags: [TAG],
            operationId: "portTn",
            body: strictObject({
              tnId: TnOrBlockSchema,
              issuerId: DidSchema,
              subjectId: DidSchema,
              allocationStartDate: Type.Optional(Type.String({ format: "date-time" })),
              portAuthority: Type.Union(
                [Type.Literal("BothProvidersConsented"), Type.Literal("NumberingAuthorityOrder")],
                { description: "On what authority: both providers' consent, or the Numbering Authority's order" },
              ),
              evidenceHash: Type.String({
                pattern: "^0x[0-9a-fA-F]{64}$",
                description:
                  "Hash of the evidence held off chain (the signed letter of authorization and the losing provider's " +
                  "confirmation, or the order); recorded in NumberPorted. Not zero.",
              }),
            }),
            response: {
              201: strictObject({ endedGrantId: Type.String(), endTxHash: TxHashSchema, allocation: AllocationResult }),
              ...writeErrors(...ACTING_ERRORS, "EIDL_NOT_NUMBERING_AUTHORITY", "EIDL_OUTSIDE_NUMBERING_SCOPE"),
            },
          },
        },
        async (request, reply) => reply.code(201).send(await eidl.grants.port(request.body)),
      );

      app.get(
        "/v1/eidl/tn/:tn/custody",
        {
          schema: {
            summary: "Chain of custody of a number: who held it, from whom, when, with which credential, status now",
            tags: [TAG],
            operationId: "getTnCustody",
            params: TnParams,
            querystring: PageQuerySchema,
            response: { 200: CustodyPage, ...readErrors() },
          },
        },
        async (request) => {
          const { tn, ...slice } = await eidl.reads.custody(request.params.tn, pageRequest(request.query, KEY_PARTS));
          return { tn, ...toPage(slice) };
        },
      );

      app.get(
        "/v1/eidl/tn/:tn/holders",
        {
          schema: {
            summary: "Who may use number N at time T (default now): from the read model, or the chain's view",
            tags: [TAG],
            operationId: "whoMayUseTn",
            params: TnParams,
            querystring: strictObject({
              at: Type.Optional(Type.String({ format: "date-time" })),
              source: Type.Optional(
                Type.Union([Type.Literal("read-model"), Type.Literal("chain")], { default: "read-model" }),
              ),
            }),
            response: { 200: HoldersSchema, ...readErrors("EIDL_TOO_MANY_HOLDERS") },
          },
        },
        async (request) =>
          request.query.source === "chain"
            ? eidl.reads.whoMayUseOnChain(request.params.tn, request.query.at)
            : eidl.reads.whoMayUse(request.params.tn, request.query.at),
      );

      registerScopeRoutes(app, eidl);
    },
  };
}
