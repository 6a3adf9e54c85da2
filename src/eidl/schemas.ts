// TypeBox schemas of the EIDL API: Annex A's shapes (field names and integer enumerations as the seed writes them)
// and ours for what Annex A lacks (grants, custody, who may use).
import { Type } from "@sinclair/typebox";
import { Bytes32Schema, DidSchema, PageQuerySchema, pageOf, strictObject, TxHashSchema } from "../core/api/index.ts";
import { MAX_HOLDINGS } from "./service/reads.ts";

export const TnSchema = Type.String({
  pattern: "^\\+?[1-9][0-9]{0,14}$",
  description: "An E.164 number: digits only (an optional leading +), 1 to 15, not starting with 0",
});
export const TnOrBlockSchema = Type.String({
  pattern: "^\\+?[1-9][0-9]{0,14}[xX]*$",
  maxLength: 16,
  description:
    'An E.164 number or a block as its prefix: "12002001234" (one number), "1200200" or "1200200XXXX" (a thousand-block)',
});

export const OrgTypeSchema = Type.Integer({
  minimum: 0,
  maximum: 8,
  description:
    "Type of organisation: 0 KYC Vetter, 1 TNR, 2 Brand, 3 BPO, 4 TNSP, 5 CSP, 6 TA (Annex A); 7 Numbering Authority, 8 OSP (ours: the seed names them without a number)",
});
export const VettingStatusSchema = Type.Integer({ minimum: 0, maximum: 1, description: "0 In Progress, 1 Complete" });
export const VettingResultSchema = Type.Integer({
  minimum: 0,
  maximum: 2,
  description: "0 Authorized, 1 Not Authorized, 2 Blacklisted",
});
export const ReasonSchema = Type.Union(
  ["Canceled", "NumberPort", "Fraud", "Expired", "Superseded", "CessationOfOperation", "Unspecified"].map((r) =>
    Type.Literal(r),
  ),
  { description: "Why a grant ends (the credential's status reason)" },
);

export const AccountSchema = strictObject(
  {
    did: DidSchema,
    name: Type.String(),
    type: OrgTypeSchema,
    publicKey: Type.String({ description: "The DID URL of the organisation's current public key" }),
    createdTS: Type.Integer({ description: "UTC milliseconds since the epoch" }),
    updatedTS: Type.Integer({ description: "UTC milliseconds since the epoch" }),
    hosted: Type.Boolean({ description: "True when this agent holds the organisation's keys" }),
  },
  { description: "An account to represent a given organisation" },
);

export const CreateAccountBody = strictObject({
  did: Type.Optional(
    Type.String({ maxLength: 0, description: "Assigned by the ledger: leave blank or omit (Annex A)" }),
  ),
  name: Type.String({ minLength: 1, maxLength: 200 }),
  type: OrgTypeSchema,
  publicKey: Type.Optional(Type.String({ maxLength: 0, description: "Generated inside the agent: leave blank" })),
  createdTS: Type.Optional(Type.Integer({ description: "Ignored: set by the agent" })),
  updatedTS: Type.Optional(Type.Integer({ description: "Ignored: set by the agent" })),
});

const OrgRefSchema = strictObject({
  did: DidSchema,
  name: Type.String(),
  type: OrgTypeSchema,
  createdTS: Type.String({ format: "date-time" }),
  updatedTS: Type.String({ format: "date-time" }),
});

export const VettingBody = strictObject({
  status: VettingStatusSchema,
  result: VettingResultSchema,
  vettedTS: Type.Optional(
    Type.String({ format: "date-time", description: "When the decision takes effect; default now" }),
  ),
  version: Type.Optional(
    Type.Integer({ minimum: 1, description: "Must be the next version (current + 1); default: the next" }),
  ),
  brandName: Type.Optional(
    Type.String({ minLength: 1, maxLength: 200, description: "The brand name the vetter verified (Brand, BPO)" }),
  ),
});

export const VettingRecordSchema = strictObject({
  vetter: OrgRefSchema,
  status: VettingStatusSchema,
  result: VettingResultSchema,
  vettedTS: Type.String({ format: "date-time" }),
  version: Type.Integer(),
  credentialHash: Bytes32Schema,
  txHash: TxHashSchema,
});

export const VettingResponse = strictObject({
  organization: OrgRefSchema,
  vetter: OrgRefSchema,
  status: VettingStatusSchema,
  result: VettingResultSchema,
  vettedTS: Type.String({ format: "date-time" }),
  version: Type.Integer(),
  credentialHash: Bytes32Schema,
  txHash: TxHashSchema,
  authorized: Type.Boolean({
    description: "Whether the organisation is Authorized now (its vetter's standing included)",
  }),
  verifiableCredential: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  history: Type.Optional(
    Type.Array(VettingRecordSchema, {
      maxItems: 100,
      description: "With status=1: a page of the history, oldest first (?limit=&cursor=, then nextCursor)",
    }),
  ),
  nextCursor: Type.Optional(
    Type.Union([Type.String(), Type.Null()], { description: "With status=1: the cursor of the next history page" }),
  ),
});

/** Annex A's vetting read: status 0 Current or 1 History, and the history's page. */
export const VettingQuery = strictObject({
  status: Type.Optional(Type.Integer({ minimum: 0, maximum: 1, default: 0, description: "0 Current, 1 History" })),
  ...PageQuerySchema.properties,
});

export const VettingHistoryPage = pageOf(VettingRecordSchema);

export const AllocationItem = strictObject({
  tnId: TnOrBlockSchema,
  tnIdType: Type.Optional(
    Type.Integer({
      minimum: 0,
      maximum: 3,
      description: "0 E.164 (the only one supported), 1 UUID, 2 DID, 3 Verifiable Credential",
    }),
  ),
  issuerId: DidSchema,
  subjectId: DidSchema,
  intendedUseOfAllocation: Type.Optional(Type.String({ maxLength: 200 })),
  callerName: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  purpose: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
  allocationStartDate: Type.Optional(Type.String({ format: "date-time", description: "Default: now" })),
  allocationEndDate: Type.Optional(
    Type.String({ format: "date-time", description: "Must be after the start; none means no end date" }),
  ),
  allowRedelegation: Type.Optional(
    Type.Boolean({
      description: "Lets the holder delegate beyond the standard steps (Brand -> Brand, BPO -> BPO ...)",
    }),
  ),
});

/** Bulk numbering (issue 12): many numbers from one issuer to one subject, in batched transactions. */
export const BulkGrantBody = strictObject({
  issuerId: DidSchema,
  subjectId: DidSchema,
  numbers: Type.Optional(
    Type.Array(TnOrBlockSchema, {
      minItems: 1,
      maxItems: 10_000,
      description: "The numbers (or blocks) to pass on; give this or range",
    }),
  ),
  range: Type.Optional(
    strictObject(
      {
        start: TnSchema,
        count: Type.Integer({ minimum: 1, maximum: 10_000 }),
        step: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000, default: 1 })),
      },
      { description: "`count` numbers from `start`, `step` apart (all of start's length); give this or numbers" },
    ),
  ),
  intendedUseOfAllocation: Type.Optional(Type.String({ maxLength: 200 })),
  allocationStartDate: Type.Optional(Type.String({ format: "date-time", description: "Default: now" })),
  allocationEndDate: Type.Optional(
    Type.String({ format: "date-time", description: "Must be after the start; none means no end date" }),
  ),
  allowRedelegation: Type.Optional(Type.Boolean()),
});

export const BulkGrantResult = strictObject({
  results: Type.Array(
    strictObject({
      index: Type.Integer({ description: "The item's position in numbers (or in the range)" }),
      tnId: Type.String(),
      grantId: Type.String(),
      parentGrantId: Type.Union([Type.String(), Type.Null()]),
      type: Type.String({ description: "Allocation | Assignment | Delegation" }),
      credentialId: Type.String({ description: "The item's own TN Authorization credential (urn:uuid)" }),
      credentialHash: Bytes32Schema,
      txHash: TxHashSchema,
    }),
    { maxItems: 10_000, description: "One per item, by index" },
  ),
  transactions: Type.Array(TxHashSchema, { maxItems: 10_000, description: "The batch transactions, in order" }),
});

/** Bulk revocation (issue 12): many grants ended with one reason, in revokeBatch transactions. */
export const BulkRevocationBody = strictObject({
  grantIds: Type.Array(Type.String({ pattern: "^[0-9]{1,20}$" }), {
    minItems: 1,
    maxItems: 10_000,
    description:
      "The grants to revoke (each by its grantor, or the Numbering Authority at its chain's root, hosted here)",
  }),
  reason: ReasonSchema,
});

export const BulkRevocationResult = strictObject({
  results: Type.Array(
    strictObject({
      index: Type.Integer({ description: "The item's position in grantIds" }),
      grantId: Type.String(),
      txHash: TxHashSchema,
    }),
    { maxItems: 10_000, description: "One per item, by index" },
  ),
  transactions: Type.Array(TxHashSchema, { maxItems: 10_000, description: "The revokeBatch transactions, in order" }),
});

export const GrantSchema = strictObject({
  grantId: Type.String(),
  parentGrantId: Type.Union([Type.String(), Type.Null()]),
  tnId: Type.String({ description: "The number, or the block's prefix" }),
  type: Type.String({ description: "Allocation | Assignment | Delegation" }),
  issuerId: DidSchema,
  subjectId: DidSchema,
  allocationStartDate: Type.String({ format: "date-time" }),
  allocationEndDate: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
  credentialHash: Bytes32Schema,
  status: Type.String({ description: "active | revoked" }),
  revokeReason: Type.Union([Type.String(), Type.Null()]),
  callerName: Type.String({
    description:
      "Empty when none, or on an agent that did not issue the grant's credential: the chain keeps only a salted hash",
  }),
  purpose: Type.String({ description: "Empty when none, or on an agent that did not issue the grant's credential" }),
  intendedUseOfAllocation: Type.String({ description: "Empty when none" }),
  txHash: TxHashSchema,
});

export const AllocationResult = strictObject({
  verifiableCredential: Type.Record(Type.String(), Type.Unknown()),
  proof: strictObject({
    type: Type.String(),
    created: Type.String(),
    proofPurpose: Type.String(),
    verificationMethod: Type.String(),
    jws: Type.String({ description: "The compact JWT carrying the credential and its ES256 signature" }),
  }),
  ...AllocationItem.properties,
  grantId: Type.String(),
  parentGrantId: Type.Union([Type.String(), Type.Null()]),
  type: Type.String({ description: "Allocation | Assignment | Delegation" }),
  txHash: TxHashSchema,
});

export const CustodyEntrySchema = strictObject({
  grantId: Type.String(),
  tnId: Type.String(),
  event: Type.String({ description: "granted | revoked | ported" }),
  type: Type.String(),
  from: DidSchema,
  to: DidSchema,
  at: Type.String({ format: "date-time", description: "Block time" }),
  credentialHash: Bytes32Schema,
  reason: Type.Union([Type.String(), Type.Null()]),
  currentStatus: Type.String({
    description: "valid | revoked | expired | not-yet-valid | invalid (a link above fails)",
  }),
  blockNumber: Type.Integer(),
  txHash: TxHashSchema,
});

export const HoldersSchema = strictObject({
  tn: Type.String(),
  at: Type.String({ format: "date-time" }),
  holders: Type.Array(DidSchema, {
    maxItems: MAX_HOLDINGS,
    description: `Allocation holder first, the last delegate last (more than ${MAX_HOLDINGS}: EIDL_TOO_MANY_HOLDERS)`,
  }),
  chain: Type.Array(
    strictObject({
      grantId: Type.String(),
      tnId: Type.String(),
      type: Type.String(),
      issuerId: DidSchema,
      subjectId: DidSchema,
    }),
    { maxItems: MAX_HOLDINGS, description: "The valid grants behind holders, in the same order" },
  ),
  source: Type.String({ description: "read-model | chain" }),
});

export const GrantPage = pageOf(GrantSchema);
export const AccountPage = pageOf(AccountSchema);
export const VettedAccountPage = pageOf(
  strictObject({
    ...AccountSchema.properties,
    vetter: Type.Union([DidSchema, Type.Null()], {
      description: "The vetter of its latest vetting decision; null when never vetted (a root of the trust hierarchy)",
    }),
    result: Type.Union([Type.Integer({ minimum: 0 }), Type.Null()], {
      description: "That decision's result (0 Authorized); null when never vetted",
    }),
  }),
);
export const CustodyPage = strictObject({ tn: Type.String(), ...pageOf(CustodyEntrySchema).properties });
