// Turns every failure into the one error shape: our ApiErrors, the domains' DomainErrors (status from the error table
// that declares the code), chain failures, Fastify's schema validation errors (one detail per field), body parsing
// errors, unknown routes, store conflicts, and anything unexpected (500, no stack leaked).
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { DomainError } from "../errors/index.ts";
import { UniqueViolationError } from "../store/index.ts";
import { chainApiError } from "./chain-errors.ts";
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

/** What the client is sent: the code (an API code or a domain's), its status and the body. */
interface Answer {
  status: number;
  body: Omit<ErrorBody, "requestId">;
  /** Unexpected failures are logged with their stack; refusals are not. */
  internal: boolean;
  /** The SIP response a proxy should send, for domain errors that declare one (x-sip-status header). */
  sip?: { code: number; reason: string };
}

function domainAnswer(error: DomainError): Answer {
  const spec = error.spec;
  if (!spec) return answer(new ApiError("INTERNAL", "internal error; quote the requestId when reporting it"));
  const body: Answer["body"] = { code: error.code, message: error.message };
  if (error.field) body.details = [{ field: error.field, message: error.problem }];
  if (Object.keys(error.details).length) body.facts = error.details;
  return { status: spec.status, body, internal: spec.status >= 500 && spec.status !== 503, sip: spec.sip };
}

function answer(error: ApiError): Answer {
  const body: Answer["body"] = { code: error.code, message: error.message };
  if (error.details?.length) body.details = error.details;
  return { status: API_ERRORS[error.code].status, body, internal: error.code === "INTERNAL" };
}

function toAnswer(error: FastifyError | Error): Answer {
  if (error instanceof DomainError) return domainAnswer(error);
  return answer(toApiError(error));
}

function toApiError(error: FastifyError | Error): ApiError {
  if (error instanceof ApiError) return error;
  const chain = chainApiError(error);
  if (chain) return chain;
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

function sendError(request: FastifyRequest, reply: FastifyReply, answer: Answer) {
  const body: ErrorBody = { ...answer.body, requestId: request.id };
  if (body.code === "UNAUTHENTICATED") reply.header("www-authenticate", 'Bearer realm="telco-ledger"');
  if (answer.sip) reply.header("x-sip-status", `${answer.sip.code} ${answer.sip.reason}`);
  return reply.code(answer.status).type("application/json; charset=utf-8").send(body);
}

export function installErrorHandling(app: ApiApp): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    const result = toAnswer(error);
    if (result.internal) request.log.error({ err: error }, "request failed");
    else request.log.info({ code: result.body.code, message: result.body.message }, "request refused");
    return sendError(request, reply, result);
  });
  app.setNotFoundHandler((request, reply) =>
    sendError(
      request,
      reply,
      answer(new ApiError("NOT_FOUND", `no route ${request.method} ${request.url.split("?")[0]}`)),
    ),
  );
}
