// TypeBox schemas of the registries API. Shared identifiers (addresses, tx hashes, bytes32) come from the API core.
import { Type } from "@sinclair/typebox";
import { AddressSchema, Bytes32Schema, PageQuerySchema, strictObject, TxHashSchema } from "../core/api/index.ts";

/** Most devices one request may report: a bulk report of 100,000 is one call (five transactions). */
export const MAX_DEVICES_PER_REQUEST = 100_000;
/** Request bodies of a bulk report: 100,000 keyed hashes as hex are about 7 MB. */
export const BULK_BODY_LIMIT = 8 * 1024 * 1024;

export const ImeiSchema = Type.String({
  pattern: "^[0-9]{14,16}$",
  description: "IMEI: 14 digits (TAC + serial), 15 with the Luhn check digit, or a 16-digit IMEISV",
});
export const DeviceStatusSchema = Type.Union(
  [Type.Literal("stolen"), Type.Literal("lost"), Type.Literal("fraudulent"), Type.Literal("blocked")],
  { description: "Why the device is reported" },
);
const ReasonSchema = Type.Integer({ minimum: 0, maximum: 65535, description: "The operator's reason code" });

const devicesFields = {
  imeis: Type.Optional(Type.Array(ImeiSchema, { maxItems: MAX_DEVICES_PER_REQUEST })),
  devices: Type.Optional(
    Type.Array(Bytes32Schema, {
      maxItems: MAX_DEVICES_PER_REQUEST,
      description: "Keyed hashes (HMAC-SHA256 under the consortium key), for an EIR that hashes itself",
    }),
  ),
};

export const ReportBodySchema = strictObject({ status: DeviceStatusSchema, reason: ReasonSchema, ...devicesFields });
export const DevicesBodySchema = strictObject(devicesFields);

export const ReportResultSchema = strictObject({
  reports: Type.Array(strictObject({ reportId: Bytes32Schema, txHash: TxHashSchema, count: Type.Integer() }), {
    maxItems: 5,
    description: "One report per transaction of at most 20,000 devices",
  }),
});

export const ReportSchema = strictObject({
  reportId: Bytes32Schema,
  reporter: AddressSchema,
  reporterName: Type.Union([Type.String(), Type.Null()]),
  status: Type.String(),
  reason: Type.Integer(),
  count: Type.Integer(),
  cleared: Type.Integer(),
  withdrawn: Type.Boolean(),
  digest: Bytes32Schema,
  reportedBlock: Type.Integer(),
  reportedAt: Type.String({ format: "date-time" }),
  txHash: TxHashSchema,
});

export const ReportPageQuery = strictObject({
  ...PageQuerySchema.properties,
  reporter: Type.Optional(AddressSchema),
});

export const DeviceCheckSchema = strictObject({
  blocked: Type.Boolean(),
  device: Bytes32Schema,
  blockCount: Type.Integer({ description: "How many live reports hold the device" }),
  blocks: Type.Array(
    strictObject({
      reportId: Bytes32Schema,
      reporter: AddressSchema,
      reporterName: Type.Union([Type.String(), Type.Null()]),
      status: Type.String(),
      reason: Type.Integer(),
      reportedAt: Type.String({ format: "date-time" }),
    }),
    { maxItems: 20, description: "The oldest live reports holding the device (blockCount says how many in all)" },
  ),
});

export const KeyBodySchema = strictObject({
  key: Type.String({ pattern: "^0x[0-9a-fA-F]{64}$", description: "The consortium key: 32 bytes, 0x-prefixed hex" }),
});
export const KeyStateSchema = strictObject({
  fingerprint: Type.Union([Type.String(), Type.Null()], { description: "Public fingerprint; null: no key yet" }),
});
export const TxResultSchema = strictObject({ txHash: TxHashSchema });
