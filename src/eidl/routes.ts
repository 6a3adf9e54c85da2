// REST API of the EIDL domain. Annex A's endpoints first, with its paths (under the API's /v1), field names and
// integer enumerations; then ours for what Annex A lacks: revocation, port, grants, chain of custody, who may use.
import { Type } from "@sinclair/typebox";
import { type ApiModule, errorResponses, strictObject } from "../core/api/index.ts";
import type { GrantReason } from "./ledger.ts";
import {
  AccountSchema,
  AllocationItem,
  AllocationResult,
  CreateAccountBody,
  CustodyEntrySchema,
  DidSchema,
  GrantSchema,
  HoldersSchema,
  ReasonSchema,
  TnOrBlockSchema,
  TnSchema,
  TxHashSchema,
  VettingBody,
  VettingResponse,
} from "./schemas.ts";
import type { EidlService } from "./service.ts";

const TAG = "eidl";
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
const OrgParams = strictObject({ orgIdParam: DidSchema });
const VetterParams = strictObject({ orgIdParam: DidSchema, vetterIdParam: DidSchema });
const GrantParams = strictObject({
  grantId: Type.String({ pattern: "^[0-9]{1,78}$", description: "On-chain grant id" }),
});
const TnParams = strictObject({ tn: TnSchema });

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
            response: { 201: AccountSchema, ...writeErrors },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await eidl.createAccount({ name: request.body.name, type: request.body.type })),
      );

      app.get(
        "/v1/accounts",
        {
          schema: {
            summary: "The organisation accounts this agent hosts",
            tags: [TAG],
            operationId: "listHostedAccounts",
            response: { 200: strictObject({ items: Type.Array(AccountSchema) }), ...readErrors },
          },
        },
        async () => ({ items: await eidl.hostedAccounts() }),
      );

      app.get(
        "/v1/accounts/:orgIdParam",
        {
          schema: {
            summary: "getAccount: any organisation account on the ledger, by its DID (Annex A)",
            tags: [TAG],
            operationId: "getAccount",
            params: OrgParams,
            response: { 200: AccountSchema, ...readErrors },
          },
        },
        async (request) => eidl.getAccount(request.params.orgIdParam),
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
            response: { 201: VettingResponse, ...writeErrors },
          },
        },
        async (request, reply) =>
          reply.code(201).send(await eidl.vet(request.params.orgIdParam, request.params.vetterIdParam, request.body)),
      );

      app.get(
        "/v1/vetterAuthorization/:orgIdParam/vetter/:vetterIdParam",
        {
          schema: {
            summary: "getVettedOrganisationAuthorization: current vetting status, or its history with status=1",
            description:
              "Annex A's read takes `status` (0 Current, 1 History) in a GET body; a GET has no body, so it is a " +
              "query parameter here. The current record is the organisation's latest decision by any vetter.",
            tags: [TAG],
            operationId: "getVettedOrganisationAuthorization",
            params: VetterParams,
            querystring: strictObject({
              status: Type.Optional(
                Type.Integer({ minimum: 0, maximum: 1, default: 0, description: "0 Current, 1 History" }),
              ),
            }),
            response: { 200: VettingResponse, ...readErrors },
          },
        },
        async (request) =>
          eidl.vetting(request.params.orgIdParam, request.params.vetterIdParam, request.query.status === 1),
      );

      app.get(
        "/v1/vetterAuthorization/:orgIdParam/history",
        {
          schema: {
            summary: "The full vetting history of an organisation, oldest first",
            tags: [TAG],
            operationId: "getVettingHistory",
            params: OrgParams,
            response: { 200: VettingResponse, ...readErrors },
          },
        },
        async (request) => eidl.vetting(request.params.orgIdParam, request.params.orgIdParam, true),
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
              "`callerName` and `purpose` come from the seed's delegation credential. Items are made in order; an item " +
              "that fails stops the batch, the ones before it stay made (each is its own transaction).",
            tags: [TAG],
            operationId: "createTnAllocation",
            body: strictObject({ tnAllocation: Type.Array(AllocationItem, { minItems: 1, maxItems: 100 }) }),
            response: { 201: strictObject({ tnAllocationResponse: Type.Array(AllocationResult) }), ...writeErrors },
          },
        },
        async (request, reply) =>
          reply.code(201).send({ tnAllocationResponse: await eidl.allocate(request.body.tnAllocation) }),
      );

      app.get(
        "/v1/tnallocation/:grantId",
        {
          schema: {
            summary: "One grant (allocation, assignment or delegation) from the read model",
            tags: [TAG],
            operationId: "getTnGrant",
            params: GrantParams,
            response: { 200: GrantSchema, ...readErrors },
          },
        },
        async (request) => eidl.grantView(request.params.grantId),
      );

      app.get(
        "/v1/tnallocations",
        {
          schema: {
            summary: "Grants held by an organisation (blocks and numbers), newest first",
            tags: [TAG],
            operationId: "listTnGrants",
            querystring: strictObject({ holder: DidSchema }),
            response: { 200: strictObject({ items: Type.Array(GrantSchema) }), ...readErrors },
          },
        },
        async (request) => ({ items: await eidl.holdings(request.query.holder) }),
      );

      app.post(
        "/v1/tnallocation/:grantId/revoke",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Revoke (cancel) a grant with a reason; its credential is revoked and every step below it ends",
            tags: [TAG],
            operationId: "revokeTnGrant",
            params: GrantParams,
            body: strictObject({ reason: ReasonSchema }),
            response: { 200: strictObject({ ...GrantSchema.properties, txHash: TxHashSchema }), ...writeErrors },
          },
        },
        async (request) => eidl.revoke(request.params.grantId, request.body.reason as GrantReason),
      );

      app.post(
        "/v1/tnport",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Number port: the Numbering Authority moves a number or block to another TNSP",
            description:
              "Ends the allocation covering exactly this number or block (reason NumberPort, credential revoked, every " +
              "step below it ends) and allocates it to the new TNSP with a new credential. The history is kept.",
            tags: [TAG],
            operationId: "portTn",
            body: strictObject({
              tnId: TnOrBlockSchema,
              issuerId: DidSchema,
              subjectId: DidSchema,
              allocationStartDate: Type.Optional(Type.String({ format: "date-time" })),
            }),
            response: {
              201: strictObject({ endedGrantId: Type.String(), endTxHash: TxHashSchema, allocation: AllocationResult }),
              ...writeErrors,
            },
          },
        },
        async (request, reply) => reply.code(201).send(await eidl.port(request.body)),
      );

      app.get(
        "/v1/tn/:tn/custody",
        {
          schema: {
            summary: "Chain of custody of a number: who held it, from whom, when, with which credential, status now",
            tags: [TAG],
            operationId: "getTnCustody",
            params: TnParams,
            response: {
              200: strictObject({ tn: Type.String(), items: Type.Array(CustodyEntrySchema) }),
              ...readErrors,
            },
          },
        },
        async (request) => eidl.custody(request.params.tn),
      );

      app.get(
        "/v1/tn/:tn/holders",
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
            response: { 200: HoldersSchema, ...readErrors },
          },
        },
        async (request) =>
          request.query.source === "chain"
            ? eidl.whoMayUseOnChain(request.params.tn, request.query.at)
            : eidl.whoMayUse(request.params.tn, request.query.at),
      );
    },
  };
}
