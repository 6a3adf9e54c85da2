// REST API of consortium membership under /v1/membership/: members, their bound accounts and history, and the
// governance proposals of this member's governors. Schemas in schemas.ts; reads from the read model, writes through
// the service; errors are the platform's DomainErrors raised there (NOT_FOUND, VALIDATION_FAILED, CHAIN_REVERTED).
import type { Address } from "viem";
import {
  type ApiModule,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  writeErrors,
} from "../core/api/index.ts";
import { invalidField } from "../core/errors/index.ts";
import type { KeysetPage, MembershipReadModel } from "./readModel.ts";
import {
  AccountParams,
  ApprovalSchema,
  BindAccountBodySchema,
  HistoryEntrySchema,
  MemberAccountSchema,
  MemberParams,
  MemberSchema,
  MembersQuerySchema,
  ProposalCreatedSchema,
  ProposalDetailSchema,
  ProposalIdParams,
  ProposalSchema,
  ProposalsQuerySchema,
  ProposeBodySchema,
  TxResultSchema,
} from "./schemas.ts";
import type { MembershipService } from "./service.ts";

type KeyKind = "number" | "string";

/** Reads `?limit=&cursor=` for a list whose key has these parts; a cursor of another shape names query.cursor. */
function keysetPage<K extends (string | number)[]>(
  query: { limit?: number; cursor?: string },
  kinds: readonly KeyKind[],
): KeysetPage<K> {
  const { limit, after } = pageRequest(query, kinds.length);
  if (after?.some((part, i) => typeof part !== kinds[i])) {
    throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
  }
  return { limit, after: after as K | undefined };
}

export function membershipApiModule(membership: MembershipService, readModel: MembershipReadModel): ApiModule {
  return {
    name: "membership",
    tags: [{ name: "membership", description: "Consortium members, roles and governance proposals" }],
    register(app) {
      app.get(
        "/v1/membership/members",
        {
          schema: {
            summary: "List consortium members in admission order (from the read model)",
            tags: ["membership"],
            operationId: "listMembers",
            querystring: MembersQuerySchema,
            response: { 200: pageOf(MemberSchema), ...readErrors() },
          },
        },
        async (request) => {
          const { role, active, ...pageQuery } = request.query;
          const page = keysetPage<[number, string]>(pageQuery, ["number", "string"]);
          const filter = { ...(role === undefined ? {} : { role }), ...(active === undefined ? {} : { active }) };
          const rows = await membership.listMembers(filter, page);
          return pageOfRows(rows, page.limit, (m) => [m.admittedBlock, m.address.toLowerCase()]);
        },
      );

      app.get(
        "/v1/membership/members/:address",
        {
          schema: {
            summary: "One member with its roles",
            tags: ["membership"],
            operationId: "getMember",
            params: MemberParams,
            response: { 200: MemberSchema, ...readErrors() },
          },
        },
        async (request) => readModel.getMember(request.params.address as Address),
      );

      app.get(
        "/v1/membership/members/:address/accounts",
        {
          schema: {
            summary: "The accounts bound to act for a member (e.g. its organisation DIDs' controllers)",
            tags: ["membership"],
            operationId: "listMemberAccounts",
            params: MemberParams,
            querystring: PageQuerySchema,
            response: { 200: pageOf(MemberAccountSchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = keysetPage<[string]>(request.query, ["string"]);
          const rows = await readModel.memberAccounts(request.params.address as Address, page);
          return pageOfRows(rows, page.limit, (a) => [a.account.toLowerCase()]);
        },
      );

      app.get(
        "/v1/membership/members/:address/history",
        {
          schema: {
            summary: "Everything that happened to a member, oldest first",
            tags: ["membership"],
            operationId: "getMemberHistory",
            params: MemberParams,
            querystring: PageQuerySchema,
            response: { 200: pageOf(HistoryEntrySchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = keysetPage<[number, string]>(request.query, ["number", "string"]);
          const rows = await readModel.memberHistory(request.params.address as Address, page);
          const { items, nextCursor } = pageOfRows(rows, page.limit, (e) => [e.blockNumber, e.eventKey]);
          return { items: items.map(({ eventKey: _key, ...entry }) => entry), nextCursor };
        },
      );

      app.get(
        "/v1/membership/proposals",
        {
          schema: {
            summary: "Governance proposals, newest first",
            tags: ["membership"],
            operationId: "listProposals",
            querystring: ProposalsQuerySchema,
            response: { 200: pageOf(ProposalSchema), ...readErrors() },
          },
        },
        async (request) => {
          const { state, ...pageQuery } = request.query;
          const page = keysetPage<[number]>(pageQuery, ["number"]);
          const rows = await readModel.listProposals(state === undefined ? {} : { state }, page);
          return pageOfRows(rows, page.limit, (p) => [p.id]);
        },
      );

      app.get(
        "/v1/membership/proposals/:proposalId",
        {
          schema: {
            summary: "One proposal with the proposed name and roles",
            tags: ["membership"],
            operationId: "getProposal",
            params: ProposalIdParams,
            response: { 200: ProposalDetailSchema, ...readErrors() },
          },
        },
        async (request) => membership.getProposal(request.params.proposalId),
      );

      app.get(
        "/v1/membership/proposals/:proposalId/approvals",
        {
          schema: {
            summary: "The governors whose approval of a proposal stands, in the order they approved",
            tags: ["membership"],
            operationId: "listProposalApprovals",
            params: ProposalIdParams,
            querystring: PageQuerySchema,
            response: { 200: pageOf(ApprovalSchema), ...readErrors() },
          },
        },
        async (request) => {
          const page = keysetPage<[number, string]>(request.query, ["number", "string"]);
          const rows = await readModel.proposalApprovals(request.params.proposalId, page);
          return pageOfRows(rows, page.limit, (a) => [a.blockNumber, a.governor.toLowerCase()]);
        },
      );

      app.post(
        "/v1/membership/proposals",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Propose to admit or remove a member or to replace its roles (this member must be a governor)",
            description:
              "Executes on chain once a strict majority of the current governors approved it before the deadline. " +
              "`name` and `roles` are required for admit, `roles` for set-roles, neither for remove.",
            tags: ["membership"],
            operationId: "createProposal",
            body: ProposeBodySchema,
            response: { 201: ProposalCreatedSchema, ...writeErrors() },
          },
        },
        async (request, reply) => {
          const created = await membership.propose({ ...request.body, member: request.body.member as Address });
          return reply.code(201).send(created);
        },
      );

      for (const [action, operationId, summary] of [
        ["approve", "approveProposal", "Approve a pending proposal; it executes when the majority is reached"],
        ["withdraw-approval", "withdrawProposalApproval", "Withdraw this governor's approval of a pending proposal"],
        ["cancel", "cancelProposal", "Cancel a pending proposal this member opened"],
      ] as const) {
        app.post(
          `/v1/membership/proposals/:proposalId/${action}`,
          {
            config: { auth: "admin" },
            schema: {
              summary,
              tags: ["membership"],
              operationId,
              params: ProposalIdParams,
              response: { 200: TxResultSchema, ...writeErrors() },
            },
          },
          async (request) => {
            const id = request.params.proposalId;
            if (action === "approve") return membership.approve(id);
            if (action === "withdraw-approval") return membership.withdrawApproval(id);
            return membership.cancel(id);
          },
        );
      }

      app.post(
        "/v1/membership/accounts",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Bind an account of this agent's keystore to act for this member on chain, within a role scope",
            description:
              "The account consents with an EIP-712 signature made inside the agent; its key never leaves it. It may " +
              "exercise only the member roles named in `roles` (never GOVERNOR); with none it only identifies the " +
              "member, e.g. as a DID controller.",
            tags: ["membership"],
            operationId: "bindMemberAccount",
            body: BindAccountBodySchema,
            response: { 200: TxResultSchema, ...writeErrors() },
          },
        },
        // Lower case: the schema admits any hex address, and viem refuses a mixed-case one whose checksum is wrong.
        async (request) =>
          membership.bindAccount(request.body.account.toLowerCase() as Address, request.body.roles ?? []),
      );

      app.delete(
        "/v1/membership/accounts/:account",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Unbind an account from this member (e.g. a retired DID controller key)",
            tags: ["membership"],
            operationId: "unbindMemberAccount",
            params: AccountParams,
            response: { 200: TxResultSchema, ...writeErrors("NOT_FOUND") },
          },
        },
        async (request) => membership.unbindAccount(request.params.account.toLowerCase() as Address),
      );
    },
  };
}
