// TypeBox schemas of the membership API: members, their bound accounts and history, and governance proposals.
// Shared identifiers (addresses, transaction hashes, pages) come from src/core/api/schemas.ts.
import { Type } from "@sinclair/typebox";
import { AddressSchema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";
import { PROPOSAL_KINDS } from "./projection.ts";
import { ROLE_NAMES } from "./roles.ts";

/**
 * The most roles one member holds through this API: a proposal sets at most this many (admit, set-roles). The contract
 * itself has no cap; a member given more by a direct contract call would be answered with all of them.
 */
export const MAX_ROLES = 32;

export const RoleSchema = Type.String({
  pattern: `^(${ROLE_NAMES.join("|")}|0x[0-9a-fA-F]{64})$`,
  description: `A role name (${ROLE_NAMES.join(", ")}) or a 0x-prefixed 32-byte role id`,
});
const RolesSchema = Type.Array(Type.String(), { maxItems: MAX_ROLES, description: "Role names (or 0x ids)" });

export const ProposalStateSchema = Type.Union([
  Type.Literal("pending"),
  Type.Literal("executed"),
  Type.Literal("canceled"),
  Type.Literal("expired"),
]);
export const ProposalKindSchema = Type.Union(PROPOSAL_KINDS.map((k) => Type.Literal(k)));

export const MemberSchema = strictObject({
  address: AddressSchema,
  name: Type.String(),
  active: Type.Boolean(),
  roles: RolesSchema,
  admittedBlock: Type.Integer(),
  removedBlock: Type.Union([Type.Integer(), Type.Null()]),
  accountCount: Type.Integer({ description: "Accounts bound to act for this member: GET .../accounts lists them" }),
});

export const MemberAccountSchema = strictObject({
  account: AddressSchema,
  boundBlock: Type.Integer(),
  roles: Type.Array(Type.String(), { description: "The binding's scope: the member roles this account may exercise" }),
});

export const HistoryEntrySchema = strictObject({
  kind: Type.String({
    description: "admitted | removed | roles-changed | account-bound | account-unbound | proposal-created",
  }),
  detail: Type.Record(Type.String(), Type.Unknown()),
  at: Type.Union([Type.String({ format: "date-time" }), Type.Null()], { description: "Block time of the change" }),
  blockNumber: Type.Integer(),
  txHash: TxHashSchema,
});

export const ProposalSchema = strictObject({
  id: Type.Integer({ description: "The registry's proposal counter at creation (see docs/membership.md, ids)" }),
  kind: ProposalKindSchema,
  proposer: AddressSchema,
  member: AddressSchema,
  deadline: Type.String({ format: "date-time" }),
  state: ProposalStateSchema,
  approvals: Type.Integer({ description: "Standing approvals: GET .../approvals lists the governors" }),
  createdBlock: Type.Integer(),
  closedBlock: Type.Union([Type.Integer(), Type.Null()]),
});
export const ProposalDetailSchema = strictObject({
  ...ProposalSchema.properties,
  name: Type.String(),
  roles: RolesSchema,
});
export const ApprovalSchema = strictObject({ governor: AddressSchema, blockNumber: Type.Integer() });

/** Mirrors ConsortiumRegistry.MAX_BINDING_ROLES. */
export const MAX_BINDING_ROLES = 8;
export const BindAccountBodySchema = strictObject({
  account: AddressSchema,
  roles: Type.Optional(
    Type.Array(RoleSchema, {
      maxItems: MAX_BINDING_ROLES,
      uniqueItems: true,
      description:
        "The member roles the account may exercise (never GOVERNOR); none by default: it then only identifies the member",
    }),
  ),
});
export const AccountParams = strictObject({ account: AddressSchema });

export const ProposeBodySchema = strictObject({
  kind: ProposalKindSchema,
  member: AddressSchema,
  name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  roles: Type.Optional(Type.Array(RoleSchema, { maxItems: MAX_ROLES, uniqueItems: true })),
  votingPeriodSeconds: Type.Optional(Type.Integer({ minimum: 3600, maximum: 30 * 24 * 3600 })),
});

export const MembersQuerySchema = strictObject({
  role: Type.Optional(RoleSchema),
  active: Type.Optional(Type.Boolean()),
  ...PageQuerySchema.properties,
});
export const ProposalsQuerySchema = strictObject({
  state: Type.Optional(ProposalStateSchema),
  ...PageQuerySchema.properties,
});

export const ProposalIdParams = strictObject({ proposalId: Type.Integer({ minimum: 0 }) });
export const MemberParams = strictObject({ address: AddressSchema });
export const TxResultSchema = strictObject({ txHash: TxHashSchema });
export const ProposalCreatedSchema = strictObject({ proposalId: Type.Integer(), txHash: TxHashSchema });
