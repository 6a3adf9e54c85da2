// TypeBox building blocks for route schemas: strict objects (additional properties rejected), the error body, and
// the pagination shapes every list endpoint uses.
import { type TObject, type TProperties, type TSchema, Type } from "@sinclair/typebox";
import { errorSpec } from "../errors/index.ts";

/** An object schema that rejects unknown properties: use it for every body, query and params schema. */
export function strictObject<T extends TProperties>(
  properties: T,
  options?: Parameters<typeof Type.Object>[1],
): TObject<T> {
  return Type.Object(properties, { ...options, additionalProperties: false });
}

export const ErrorDetailSchema = strictObject({
  field: Type.String({ description: "Path of the field, e.g. body.allocations[0].tn or params.orgId" }),
  message: Type.String(),
});

export const ErrorBodySchema = strictObject(
  {
    code: Type.String({
      pattern: "^[A-Z][A-Z0-9_]*$",
      description: "An API code or a domain's code: every code, with its status, is listed in docs/api-errors.md",
    }),
    message: Type.String(),
    requestId: Type.String(),
    details: Type.Optional(Type.Array(ErrorDetailSchema)),
    facts: Type.Optional(Type.Record(Type.String(), Type.Unknown(), { description: "Facts about a refusal" })),
  },
  { description: "Error" },
);

/**
 * Response schemas for the error codes a route can answer (API codes or any domain's declared codes), grouped by
 * status, each described by its codes. An undeclared code is a startup error: a route cannot promise what nobody
 * defined.
 */
export function errorResponses(...codes: string[]): Record<number, TSchema> {
  const byStatus = new Map<number, string[]>();
  for (const code of new Set(codes)) {
    const spec = errorSpec(code);
    if (!spec) throw new Error(`error code ${code} is not declared in any error table`);
    byStatus.set(spec.status, [...(byStatus.get(spec.status) ?? []), code]);
  }
  const out: Record<number, TSchema> = {};
  for (const [status, group] of byStatus) out[status] = { ...ErrorBodySchema, description: group.join(" | ") };
  return out;
}

export const PageQuerySchema = strictObject({
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100, default: 50, description: "Items per page" })),
  cursor: Type.Optional(
    Type.String({ maxLength: 512, description: "Opaque cursor: the nextCursor of the previous page" }),
  ),
});

/** `{ items, nextCursor }`: nextCursor is null on the last page. */
export function pageOf<T extends TSchema>(item: T) {
  return strictObject({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]) });
}

// Identifiers every domain uses, defined once.

export const ADDRESS_PATTERN = "^0x[0-9a-fA-F]{40}$";
export const DID_ETHR_PATTERN = "^did:ethr:(0x[0-9a-fA-F]+:)?0x[0-9a-fA-F]{40}$";

export const AddressSchema = Type.String({ pattern: ADDRESS_PATTERN, description: "Ethereum address" });
export const TxHashSchema = Type.String({ pattern: "^0x[0-9a-f]{64}$", description: "Transaction hash" });
export const Bytes32Schema = Type.String({ pattern: "^0x[0-9a-fA-F]{64}$", description: "32 bytes, 0x-prefixed hex" });
export const DidSchema = Type.String({
  pattern: DID_ETHR_PATTERN,
  maxLength: 120,
  description: "did:ethr:<chain id hex>:<address>",
});

/** Errors every read route can answer beside the conventions' defaults; spread into `response`. */
export const readErrors = (...domainCodes: string[]) =>
  errorResponses("VALIDATION_FAILED", "UNAUTHENTICATED", "NOT_FOUND", ...domainCodes);

/** Errors every route that writes to the chain can answer; spread into `response`. */
export const writeErrors = (...domainCodes: string[]) =>
  errorResponses(
    "VALIDATION_FAILED",
    "UNAUTHENTICATED",
    "FORBIDDEN",
    "NOT_FOUND",
    "CONFLICT",
    "CHAIN_REVERTED",
    "CHAIN_REJECTED",
    "CHAIN_UNAVAILABLE",
    ...domainCodes,
  );
