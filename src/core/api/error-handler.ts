// Turns every failure into the one error shape: our ApiErrors, Fastify's schema validation errors (one detail per
// field), body parsing errors, unknown routes, store conflicts, and anything unexpected (500, no stack leaked).
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { UniqueViolationError } from "../store/index.ts";
import { API_ERRORS, ApiError, type ApiErrorCode, type ErrorBody, type ErrorDetail } from "./errors.ts";
import type { ApiApp } from "./types.ts";

const VALIDATION_CONTEXT: Record<string, string> = {
  body: "body",
  querystring: "query",
  params: "params",
  headers: "headers",
};

const FASTIFY_CODES: Record<string, ApiErrorCode> = {
  FST_ERR_CTP_INVALID_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  FST_ERR_CTP_BODY_TOO_LARGE: "PAYLOAD_TOO_LARGE",
  FST_ERR_CTP_INVALID_JSON_BODY: "MALFORMED_REQUEST",
  FST_ERR_CTP_EMPTY_JSON_BODY: "MALFORMED_REQUEST",
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: "MALFORMED_REQUEST",
};

const STATUS_CODES: Record<number, ApiErrorCode> = {
  400: "MALFORMED_REQUEST",
  401: "UNAUTHENTICATED",
  403: "FORBIDDEN",
  404: "NOT_FOUND",
  409: "CONFLICT",
  413: "PAYLOAD_TOO_LARGE",
  415: "UNSUPPORTED_MEDIA_TYPE",
  429: "RATE_LIMITED",
};

interface AjvError {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/** `/allocations/0/tn` in context body -> `body.allocations[0].tn`. */
export function fieldPath(context: string, instancePath: string, child?: string): string {
  const segments = instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  if (child !== undefined) segments.push(child);
  let path = context;
  for (const segment of segments) path += /^\d+$/.test(segment) ? `[${segment}]` : `.${segment}`;
  return path;
}

export function validationDetails(context: string, errors: readonly AjvError[]): ErrorDetail[] {
  const details: ErrorDetail[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    let detail: ErrorDetail;
    if (error.keyword === "required") {
      detail = {
        field: fieldPath(context, error.instancePath, String(error.params.missingProperty)),
        message: "is required",
      };
    } else if (error.keyword === "additionalProperties") {
      detail = {
        field: fieldPath(context, error.instancePath, String(error.params.additionalProperty)),
        message: "is not allowed",
      };
    } else {
      detail = { field: fieldPath(context, error.instancePath), message: error.message ?? error.keyword };
    }
    const key = `${detail.field}\0${detail.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      details.push(detail);
    }
  }
  return details;
}

/** Maps a domain's typed error onto the API contract; undefined when it is not one the translator knows. */
export type ErrorTranslator = (error: unknown) => ApiError | undefined;

function toApiError(error: FastifyError | Error, translate?: ErrorTranslator): ApiError {
  if (error instanceof ApiError) return error;
  const translated = translate?.(error);
  if (translated) return translated;
  const fastifyError = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const context = VALIDATION_CONTEXT[fastifyError.validationContext ?? ""] ?? "request";
    const details = validationDetails(context, fastifyError.validation);
    const fields = [...new Set(details.map((d) => d.field))].join(", ");
    return new ApiError("VALIDATION_FAILED", `invalid ${fields}`, { details });
  }
  if (error instanceof UniqueViolationError) {
    return new ApiError("CONFLICT", "a record with the same identity already exists", { cause: error });
  }
  const mapped =
    FASTIFY_CODES[fastifyError.code ?? ""] ??
    (fastifyError.statusCode && fastifyError.statusCode < 500 ? STATUS_CODES[fastifyError.statusCode] : undefined);
  if (mapped) return new ApiError(mapped, error.message, { cause: error });
  return new ApiError("INTERNAL", "internal error; quote the requestId when reporting it", { cause: error });
}

function sendError(request: FastifyRequest, reply: FastifyReply, error: ApiError) {
  const body: ErrorBody = { code: error.code, message: error.message, requestId: request.id };
  if (error.details?.length) body.details = error.details;
  if (error.code === "UNAUTHENTICATED") reply.header("www-authenticate", 'Bearer realm="telco-ledger"');
  return reply.code(API_ERRORS[error.code].status).type("application/json; charset=utf-8").send(body);
}

export function installErrorHandling(app: ApiApp, translate?: ErrorTranslator): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const apiError = toApiError(error, translate);
    if (apiError.code === "INTERNAL") request.log.error({ err: error }, "request failed");
    else request.log.info({ code: apiError.code, message: apiError.message }, "request refused");
    return sendError(request, reply, apiError);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(request, reply, new ApiError("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`)),
  );
}
