// REST API of consortium membership: members, their history, and governance proposals of this member's governors.
import { Type } from "@sinclair/typebox";
import type { Address } from "viem";
import { ApiError, type ApiModule, errorResponses, strictObject } from "../core/api/index.ts";
import { PROPOSAL_KINDS } from "./projection.ts";
import { ROLE_NAMES } from "./roles.ts";
import type { MembershipService } from "./service.ts";

const AddressSchema = Type.String({ pattern: "^0x[0-9a-fA-F]{40}$", description: "Ethereum address" });
const TxHashSchema = Type.String({ pattern: "^0x[0-9a-f]{64}$" });
const RoleSchema = Type.String({
  pattern: `^(${ROLE_NAMES.join("|")}|0x[0-9a-fA-F]{64})$`,
  description: `A role name (${ROLE_NAMES.join(", ")}) or a 0x-prefixed 32-byte role id`,
});
const ProposalStateSchema = Type.Union([
  Type.Literal("pending"),
  Type.Literal("executed"),
  Type.Literal("canceled"),
  Type.Literal("expired"),
]);
const ProposalKindSchema = Type.Union(PROPOSAL_KINDS.map((k) => Type.Literal(k)));

const MemberSchema = strictObject({
  address: AddressSchema,
  name: Type.String(),
  active: Type.Boolean(),
  roles: Type.Array(Type.String()),
  admittedBlock: Type.Integer(),
  removedBlock: Type.Union([Type.Integer(), Type.Null()]),
  accounts: Type.Array(AddressSchema, { description: "Accounts bound to act for this member" }),
});

const HistoryEntrySchema = strictObject({
  kind: Type.String({
    description: "admitted | removed | roles-changed | account-bound | account-unbound | proposal-created",
  }),
  detail: Type.Record(Type.String(), Type.Unknown()),
  at: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "Block time of the change" }),
  blockNumber: Type.Integer(),
  txHash: TxHashSchema,
});

const ProposalSchema = strictObject({
  id: Type.Integer(),
  kind: ProposalKindSchema,
  proposer: AddressSchema,
  member: AddressSchema,
  deadline: Type.String({ format: "date-time" }),
  state: ProposalStateSchema,
  approvals: Type.Integer(),
  approvedBy: Type.Array(AddressSchema),
  createdBlock: Type.Integer(),
  closedBlock: Type.Union([Type.Integer(), Type.Null()]),
});
const ProposalDetailSchema = strictObject({
  ...ProposalSchema.properties,
  name: Type.String(),
  roles: Type.Array(Type.String()),
});

const ProposalIdParams = strictObject({ proposalId: Type.Integer({ minimum: 0 }) });
const MemberParams = strictObject({ address: AddressSchema });
const TxResult = strictObject({ txHash: TxHashSchema });
const writeErrors = errorResponses(
  "VALIDATION_FAILED",
  "UNAUTHENTICATED",
  "FORBIDDEN",
  "CHAIN_REVERTED",
  "CHAIN_UNAVAILABLE",
);

export function membershipApiModule(membership: MembershipService): ApiModule {
  return {
    name: "membership",
    tags: [{ name: "membership", description: "Consortium members, roles and governance proposals" }],
    register(app) {
      app.get(
        "/v1/members",
        {
          schema: {
            summary: "List consortium members (from the read model)",
            tags: ["membership"],
            operationId: "listMembers",
            querystring: strictObject({ role: Type.Optional(RoleSchema), active: Type.Optional(Type.Boolean()) }),
            response: {
              200: strictObject({ items: Type.Array(MemberSchema) }),
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED"),
            },
          },
        },
        async (request) => ({ items: await membership.listMembers(request.query) }),
      );

      app.get(
        "/v1/members/:address",
        {
          schema: {
            summary: "One member with its roles and bound accounts",
            tags: ["membership"],
            operationId: "getMember",
            params: MemberParams,
            response: { 200: MemberSchema, ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND") },
          },
        },
        async (request) => {
          const member = await membership.getMember(request.params.address as Address);
          if (!member) throw new ApiError("NOT_FOUND", `no member ${request.params.address}`);
          return member;
        },
      );

      app.get(
        "/v1/members/:address/history",
        {
          schema: {
            summary: "Everything that happened to a member, oldest first",
            tags: ["membership"],
            operationId: "getMemberHistory",
            params: MemberParams,
            response: {
              200: strictObject({ items: Type.Array(HistoryEntrySchema) }),
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND"),
            },
          },
        },
        async (request) => {
          const items = await membership.memberHistory(request.params.address as Address);
          if (items.length === 0) throw new ApiError("NOT_FOUND", `no member ${request.params.address}`);
          return { items };
        },
      );

      app.get(
        "/v1/proposals",
        {
          schema: {
            summary: "Governance proposals, newest first",
            tags: ["membership"],
            operationId: "listProposals",
            querystring: strictObject({ state: Type.Optional(ProposalStateSchema) }),
            response: {
              200: strictObject({ items: Type.Array(ProposalSchema) }),
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED"),
            },
          },
        },
        async (request) => ({ items: await membership.listProposals(request.query) }),
      );

      app.get(
        "/v1/proposals/:proposalId",
        {
          schema: {
            summary: "One proposal with the proposed name and roles",
            tags: ["membership"],
            operationId: "getProposal",
            params: ProposalIdParams,
            response: {
              200: ProposalDetailSchema,
              ...errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND"),
            },
          },
        },
        async (request) => {
          const proposal = await membership.getProposal(request.params.proposalId);
          if (!proposal) throw new ApiError("NOT_FOUND", `no proposal ${request.params.proposalId}`);
          return proposal;
        },
      );

      app.post(
        "/v1/proposals",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Propose to admit or remove a member or to replace its roles (this member must be a governor)",
            description:
              "Executes on chain once a strict majority of the current governors approved it before the deadline. " +
              "`name` and `roles` are required for admit, `roles` for set-roles, neither for remove.",
            tags: ["membership"],
            operationId: "createProposal",
            body: strictObject({
              kind: ProposalKindSchema,
              member: AddressSchema,
              name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
              roles: Type.Optional(Type.Array(RoleSchema, { maxItems: 32, uniqueItems: true })),
              votingPeriodSeconds: Type.Optional(Type.Integer({ minimum: 3600, maximum: 30 * 24 * 3600 })),
            }),
            response: { 201: strictObject({ proposalId: Type.Integer(), txHash: TxHashSchema }), ...writeErrors },
          },
        },
        async (request, reply) => {
          const body = request.body;
          if (body.kind === "admit" && !body.name) {
            throw new ApiError("VALIDATION_FAILED", "an admit proposal needs the member's name", {
              details: [{ field: "body.name", message: "is required when kind is admit" }],
            });
          }
          if (body.kind === "remove" && (body.name || body.roles)) {
            throw new ApiError("VALIDATION_FAILED", "a remove proposal takes neither name nor roles", {
              details: [
                { field: body.name ? "body.name" : "body.roles", message: "must be absent when kind is remove" },
              ],
            });
          }
          const created = await membership.propose({ ...body, member: body.member as Address });
          return reply.code(201).send(created);
        },
      );

      for (const [action, operationId, summary] of [
        ["approve", "approveProposal", "Approve a pending proposal; it executes when the majority is reached"],
        ["withdraw-approval", "withdrawProposalApproval", "Withdraw this governor's approval of a pending proposal"],
        ["cancel", "cancelProposal", "Cancel a pending proposal this member opened"],
      ] as const) {
        app.post(
          `/v1/proposals/:proposalId/${action}`,
          {
            config: { auth: "admin" },
            schema: {
              summary,
              tags: ["membership"],
              operationId,
              params: ProposalIdParams,
              response: { 200: TxResult, ...writeErrors },
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
        "/v1/member/accounts",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Bind an account of this agent's keystore to act for this member on chain",
            description:
              "The account consents with an EIP-712 signature made inside the agent; its key never leaves it.",
            tags: ["membership"],
            operationId: "bindMemberAccount",
            body: strictObject({ account: AddressSchema }),
            response: { 200: TxResult, ...writeErrors, ...errorResponses("NOT_FOUND") },
          },
        },
        async (request) => membership.bindAccount(request.body.account as Address),
      );
    },
  };
}
