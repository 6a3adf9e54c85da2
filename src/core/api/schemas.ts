// TypeBox building blocks for route schemas: strict objects (additional properties rejected), the error body, and
// the pagination shapes every list endpoint uses.
import { type TObject, type TProperties, type TSchema, Type } from "@sinclair/typebox";
import { API_ERROR_CODES, API_ERRORS, type ApiErrorCode } from "./errors.ts";

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
    code: Type.Unsafe<ApiErrorCode>({ type: "string", enum: API_ERROR_CODES }),
    message: Type.String(),
    requestId: Type.String(),
    details: Type.Optional(Type.Array(ErrorDetailSchema)),
  },
  { description: "Error" },
);

/** Response schemas for the given error statuses, to spread into a route's `response`. */
export function errorResponses(...codes: ApiErrorCode[]): Record<number, TSchema> {
  const out: Record<number, TSchema> = {};
  for (const code of codes) {
    const status = API_ERRORS[code].status;
    const others = API_ERROR_CODES.filter((c) => API_ERRORS[c].status === status && codes.includes(c));
    out[status] = { ...ErrorBodySchema, description: others.join(" | ") };
  }
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
