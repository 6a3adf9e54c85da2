// TypeBox schemas of the data-usage API, the ODRL profile's schema included (odrl.ts describes its semantics). Shared
// identifiers (addresses, hashes, pages) come from src/core/api/schemas.ts.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";
import { DATAUSAGE_PROFILE } from "./odrl.ts";

const Text = (maxLength: number, description?: string) => Type.String({ minLength: 1, maxLength, description });
const Names = (description: string) => Type.Array(Text(128), { minItems: 1, maxItems: 32, description });
const Seconds = Type.Integer({ minimum: 0, maximum: 10 * 365 * 86_400 });

const ConstraintSchema = Type.Union([
  strictObject({
    leftOperand: Type.Literal("purpose"),
    operator: Type.Literal("isAnyOf"),
    rightOperand: Names("purposes"),
  }),
  strictObject({
    leftOperand: Type.Literal("recipient"),
    operator: Type.Literal("isAnyOf"),
    rightOperand: Type.Array(AddressSchema, { minItems: 1, maxItems: 16 }),
  }),
  strictObject({
    leftOperand: Type.Literal("dateTime"),
    operator: Type.Union([Type.Literal("gteq"), Type.Literal("lt")]),
    rightOperand: Text(40, "ISO 8601 date-time"),
  }),
  strictObject({
    leftOperand: Type.Literal("tl:hourOfDay"),
    operator: Type.Union([Type.Literal("gteq"), Type.Literal("lt")]),
    rightOperand: Type.Integer({ minimum: 0, maximum: 24 }),
  }),
  strictObject({ leftOperand: Type.Literal("delayPeriod"), operator: Type.Literal("gteq"), rightOperand: Seconds }),
]);

const DutySchema = Type.Union([
  strictObject({ action: Type.Literal("anonymize"), "tl:fields": Names("fields to pseudonymise") }),
  strictObject({
    action: Type.Literal("tl:truncate"),
    "tl:field": Text(128),
    "tl:length": Type.Integer({ minimum: 0, maximum: 1024 }),
  }),
  strictObject({ action: Type.Literal("aggregate"), "tl:bucket": Type.Integer({ minimum: 1, maximum: 1_000_000 }) }),
  strictObject({
    action: Type.Union([Type.Literal("delete"), Type.Literal("inform")]),
    "tl:when": Type.Literal("afterUse"),
    "tl:within": Seconds,
  }),
]);

const RuleSchema = strictObject({
  action: Type.Union([Type.Literal("use"), Type.Literal("transfer")]),
  constraint: Type.Optional(Type.Array(ConstraintSchema, { maxItems: 16 })),
  duty: Type.Optional(Type.Array(DutySchema, { maxItems: 8 })),
});

export const PolicySchema = strictObject(
  {
    "@context": Type.Optional(Type.Unknown()),
    "@type": Type.Union([Type.Literal("Agreement"), Type.Literal("Set")]),
    profile: Type.Literal(DATAUSAGE_PROFILE),
    permission: Type.Optional(Type.Array(RuleSchema, { maxItems: 16 })),
    prohibition: Type.Optional(Type.Array(RuleSchema, { maxItems: 16 })),
  },
  { description: "A W3C ODRL 2.2 policy in the data-usage profile (docs/datausage.md)" },
);

const DataSchema = Type.Record(
  Type.String({ maxLength: 64 }),
  Type.Union([Type.String({ maxLength: 1024 }), Type.Number()]),
  {
    description: "The data items: type -> value (kept off chain by the agent)",
    maxProperties: 32,
  },
);

export const IdParams = strictObject({ id: Bytes32Schema });

export const CreateBody = strictObject({
  subject: Text(256, "The subject's identifier at the controller (never on chain: salted per contract)"),
  data: DataSchema,
  policy: PolicySchema,
  purposes: Names("The purposes the consent notice names"),
  notice: Text(2048, "The notice the subject agreed to"),
  recipients: Type.Array(AddressSchema, { maxItems: 16, description: "Members the data may be transferred to" }),
  maxDepth: Type.Integer({ minimum: 0, maximum: 8, description: "How many processors deep the data may travel" }),
});

const ConsentRecordSchema = Type.Unknown({ description: "ISO/IEC TS 27560-shaped consent record" });
const ReceiptFields = {
  contractId: Bytes32Schema,
  chainId: Type.Integer({ minimum: 1 }),
  contract: AddressSchema,
  record: ConsentRecordSchema,
};
export const ReceiptSchema = strictObject(ReceiptFields);

export const CreatedSchema = strictObject({
  contractId: Bytes32Schema,
  txHash: TxHashSchema,
  revocationSecret: Bytes32Schema,
  receipt: ReceiptSchema,
});

export const ContractSchema = strictObject({
  id: Bytes32Schema,
  controller: AddressSchema,
  parent: Type.Union([Bytes32Schema, Type.Null()]),
  root: Bytes32Schema,
  depth: Type.Integer(),
  maxDepth: Type.Integer(),
  subjectFingerprint: Type.Union([Bytes32Schema, Type.Null()]),
  dataFingerprint: Bytes32Schema,
  policyFingerprint: Bytes32Schema,
  policyStructure: Type.Union([Bytes32Schema, Type.Null()]),
  consentHash: Type.Union([Bytes32Schema, Type.Null()]),
  createdAt: Type.Integer(),
  revokedAt: Type.Integer(),
  revokedAncestor: Type.Union([Bytes32Schema, Type.Null()]),
  active: Type.Boolean(),
  held: Type.Boolean(),
  blockNumber: Type.Integer(),
});

export const ContractsQuery = strictObject({
  ...PageQuerySchema.properties,
  controller: Type.Optional(AddressSchema),
});

export const UseBody = strictObject({
  purpose: Text(128),
  activity: Text(256, "What the data is used for, recorded in the consultation (never the data)"),
});

const DutyOut = Type.Unknown();
const ObligationSchema = strictObject({ action: Type.String(), dueAt: Type.Integer() });

export const UsedSchema = strictObject({
  contractId: Bytes32Schema,
  verdict: Type.Union([Type.Literal("allow"), Type.Literal("modify")]),
  reason: Type.String(),
  data: DataSchema,
  obligations: Type.Array(ObligationSchema, { maxItems: 8 }),
  leaf: Bytes32Schema,
});

export const DecideBody = strictObject({
  action: Type.Union([Type.Literal("use"), Type.Literal("transfer")]),
  purpose: Text(128),
  recipient: Type.Optional(AddressSchema),
});

export const DecisionSchema = strictObject({
  contractId: Bytes32Schema,
  verdict: Type.Union([Type.Literal("allow"), Type.Literal("modify"), Type.Literal("delay"), Type.Literal("deny")]),
  reason: Type.String(),
  modifications: Type.Array(DutyOut, { maxItems: 8 }),
  obligations: Type.Array(DutyOut, { maxItems: 8 }),
  notBefore: Type.Union([Type.Integer(), Type.Null()]),
});

export const TransferBody = strictObject({ processor: AddressSchema, purpose: Text(128) });

const SaltsSchema = strictObject({
  subject: Bytes32Schema,
  data: Bytes32Schema,
  policy: Bytes32Schema,
  consent: Bytes32Schema,
});
export const PackageSchema = strictObject({
  contractId: Bytes32Schema,
  parent: Bytes32Schema,
  policy: PolicySchema,
  data: DataSchema,
  salts: SaltsSchema,
});

export const TransferredSchema = strictObject({
  contractId: Bytes32Schema,
  parent: Bytes32Schema,
  verdict: Type.Union([Type.Literal("allow"), Type.Literal("modify")]),
  txHash: TxHashSchema,
  package: PackageSchema,
});

export const ImportedSchema = strictObject({
  contractId: Bytes32Schema,
  controller: AddressSchema,
  depth: Type.Integer(),
});

export const RevokeBody = strictObject({ contractId: Bytes32Schema, secret: Bytes32Schema });
export const RevokedSchema = strictObject({ contractId: Bytes32Schema, revoked: Type.Boolean(), txHash: TxHashSchema });

export const AnchoredSchema = strictObject({
  batchId: Bytes32Schema,
  root: Bytes32Schema,
  count: Type.Integer(),
  txHash: TxHashSchema,
  gasUsed: Type.Integer(),
});

export const ConsultationSchema = strictObject({
  leaf: Bytes32Schema,
  contractId: Bytes32Schema,
  dataFingerprint: Bytes32Schema,
  activity: Type.String(),
  purpose: Type.String(),
  verdict: Type.String(),
  at: Type.Integer(),
  batchId: Type.Union([Bytes32Schema, Type.Null()]),
  proof: Type.Union([Type.Array(Bytes32Schema, { maxItems: 64 }), Type.Null()]),
  onChain: Type.Boolean(),
});

export const ReceiptCheckSchema = strictObject({
  contractId: Bytes32Schema,
  valid: Type.Boolean(),
  reason: Type.String(),
  recordHash: Bytes32Schema,
  onChainHash: Type.Union([Bytes32Schema, Type.Null()]),
  active: Type.Boolean(),
});
