// Failures before a request reaches a route, answered in the same error shape as everything else: a URL the router
// cannot decode (bad percent-encoding), and HTTP the server cannot parse at all (malformed request line, headers over
// Node's 16 KiB limit such as an over-long URL, a request that never finished arriving). Fastify and Node answer
// these with bodies of their own unless told otherwise.
import { randomUUID } from "node:crypto";
import { STATUS_CODES } from "node:http";
import type { Socket } from "node:net";
import type { FastifyError, FastifyReply, FastifyRequest } from "fastify";
import { API_ERRORS, type ApiErrorCode, type ErrorBody } from "./errors.ts";

const ROUTER_ERRORS: Record<string, { code: ApiErrorCode; message: string }> = {
  FST_ERR_BAD_URL: { code: "MALFORMED_REQUEST", message: "the URL is not valid percent-encoding" },
  // Unreachable while maxParamLength exceeds the 16 KiB header limit (server.ts); kept so the shape holds if not.
  FST_ERR_MAX_PARAM_LENGTH: { code: "VALIDATION_FAILED", message: "a path parameter is too long" },
};

/** Fastify's `frameworkErrors`: router failures, answered like any other error (the request id included). */
export function answerRouterError(error: FastifyError, request: FastifyRequest, reply: FastifyReply) {
  const known = ROUTER_ERRORS[error.code];
  const code = known?.code ?? "INTERNAL";
  const body: ErrorBody = { code, message: known?.message ?? "internal error", requestId: request.id };
  if (code === "VALIDATION_FAILED") body.details = [{ field: "params", message: "is too long" }];
  request.log.info({ code: error.code }, "request refused by the router");
  return reply
    .code(API_ERRORS[code].status)
    .header("x-request-id", request.id)
    .type("application/json; charset=utf-8")
    .send(body);
}

const CLIENT_ERRORS: Record<string, { code: ApiErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: {
    code: "HEADERS_TOO_LARGE",
    message: "the request line and headers exceed 16 KiB: shorten the URL or the headers",
  },
  ERR_HTTP_REQUEST_TIMEOUT: { code: "REQUEST_TIMEOUT", message: "the request did not arrive in time" },
};

/**
 * The HTTP server's `clientError`: the request could not be parsed, so there is no request object; the answer is
 * written on the socket, which is then closed (Node's own behaviour, with our body).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === "ECONNRESET" || socket.destroyed) return;
  const known = CLIENT_ERRORS[error.code ?? ""];
  const code = known?.code ?? "MALFORMED_REQUEST";
  const requestId = randomUUID();
  const body: ErrorBody = { code, message: known?.message ?? "the request is not valid HTTP", requestId };
  const json = JSON.stringify(body);
  const status = API_ERRORS[code].status;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? "Error"}\r\n` +
        "Content-Type: application/json; charset=utf-8\r\n" +
        `Content-Length: ${Buffer.byteLength(json)}\r\n` +
        `x-request-id: ${requestId}\r\nConnection: close\r\n\r\n${json}`,
    );
  }
  socket.destroy(error);
}
