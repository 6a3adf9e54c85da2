// TypeBox schemas of the auditing evidence routes (routesEvidence.ts) with blind juries: a party shares evidence and
// anchors its digest; a drawn juror's host makes the juror's ticket proof; the party's agent answers a proof with an
// envelope sealed to that juror; the juror's host opens it against the anchored digests.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, strictObject, TxHashSchema } from "../core/api/index.ts";

export const EvidenceItemSchema = strictObject({
  kind: Type.Union(
    [
      Type.Literal("cdr-samples"),
      Type.Literal("kpi-log"),
      Type.Literal("measurements"),
      Type.Literal("report"),
      Type.Literal("other"),
    ],
    { description: "What the item is: call detail record samples, a KPI log, SLA measurements, a report" },
  ),
  content: Type.String({
    minLength: 1,
    maxLength: 16_000,
    description: "The item itself (kept by the party's agent, sealed to drawn jurors; never on chain)",
  }),
});
const Items = (minItems: number) => Type.Array(EvidenceItemSchema, { minItems, maxItems: 16 });
const Round = Type.Integer({ minimum: 0, maximum: 1, description: "0 the first jury, 1 the objection jury" });
const Attempt = Type.Integer({ minimum: 0, maximum: 255 });
const Digest = Type.String({
  pattern: "^0x[0-9a-f]{64}$",
  description: "keccak256 of the JCS canonical JSON of {caseId, items} (src/auditing/evidence.ts: evidenceDigest)",
});
const Uint64 = (description: string) => Type.String({ pattern: "^[0-9]{1,20}$", description });
const EnvelopeText = Type.String({
  minLength: 2,
  maxLength: 600_000,
  description: "A JWE in general JSON serialization sealed to one juror's evidence key",
});

export const ShareEvidenceBody = strictObject({ items: Items(1) });
export const EvidenceSharedSchema = strictObject({
  caseId: Bytes32Schema,
  evidenceHash: Digest,
  from: AddressSchema,
  txHash: TxHashSchema,
});

export const EvidenceSharesSchema = strictObject({
  caseId: Bytes32Schema,
  shares: Type.Array(
    strictObject({
      evidenceHash: Digest,
      items: Items(0),
      txHash: Type.Optional(TxHashSchema),
      sharedAt: Type.String({ description: "When this agent kept it (ISO 8601)" }),
    }),
    { maxItems: 64 },
  ),
  answered: Type.Array(
    strictObject({
      juror: AddressSchema,
      round: Round,
      attempt: Attempt,
      evidenceHash: Digest,
      answeredAt: Type.String({ description: "ISO 8601" }),
    }),
    { maxItems: 1024, description: "The drawn jurors this agent sealed evidence to (known only here)" },
  ),
});

export const TicketProofBody = strictObject({ juror: AddressSchema });
export const TicketProofSchema = strictObject({
  caseId: Bytes32Schema,
  juror: AddressSchema,
  round: Round,
  attempt: Attempt,
  epoch: Uint64("The lottery's epoch"),
  slot: Type.Integer({ minimum: 0, maximum: 255, description: "The lottery's slot in that epoch" }),
  secret: Bytes32Schema,
  proof: Type.Array(Bytes32Schema, { minItems: 8, maxItems: 8, description: "The secret's siblings, lowest first" }),
  ticket: Uint64("The juror's ticket: at most the threshold"),
  threshold: Uint64("The lottery's threshold"),
  commitEnd: Type.Integer({ description: "When the lottery's claims close (unix, chain time)" }),
});

export const EvidenceRequestBody = strictObject({
  juror: AddressSchema,
  secret: Bytes32Schema,
  proof: Type.Array(Bytes32Schema, { minItems: 8, maxItems: 8 }),
});
export const EvidenceAnswerSchema = strictObject({
  caseId: Bytes32Schema,
  juror: AddressSchema,
  round: Round,
  attempt: Attempt,
  from: AddressSchema,
  envelopes: Type.Array(strictObject({ evidenceHash: Digest, envelope: EnvelopeText }), {
    minItems: 1,
    maxItems: 64,
    description: "One envelope per share of the party, sealed to the juror only",
  }),
});

export const OpenEvidenceBody = strictObject({ juror: AddressSchema, envelope: EnvelopeText });
export const OpenedEvidenceSchema = strictObject({
  caseId: Bytes32Schema,
  juror: AddressSchema,
  round: Round,
  attempt: Attempt,
  evidenceHash: Digest,
  sharedBy: AddressSchema,
  items: Items(1),
});
