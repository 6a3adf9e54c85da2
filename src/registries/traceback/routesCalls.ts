// REST API of this member's traceback call log: an operator records the calls its network carried (from its CDRs:
// the PASSporT's origid and iat, the numbers, and the carrier it received each call from, or null when it originated
// it); the agent keeps only each call's keyed digest and answers by itself the traces that ask about one. The answer
// the agent sent (or the contract's refusal) is readable per trace.
import { Type } from "@sinclair/typebox";
import type { Address } from "viem";
import {
  AddressSchema,
  type ApiApp,
  Bytes32Schema,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../../core/api/index.ts";
import { invalidRegistriesInput, RegistriesError } from "../errors.ts";
import type { RegistriesRuntime } from "../runtime.ts";
import { CallSchema } from "./schemas.ts";

const tags = ["registries"];
/** Most calls recorded in one request. */
export const MAX_CALLS_PER_REQUEST = 1000;

const NullableAddress = Type.Union([AddressSchema, Type.Null()]);
const CallRecordSchema = strictObject({
  callDigest: Bytes32Schema,
  upstream: NullableAddress,
  evidence: Bytes32Schema,
  recordedAt: Type.String({ format: "date-time" }),
});
const RecordCallsBodySchema = strictObject({
  calls: Type.Array(
    strictObject({
      call: CallSchema,
      upstream: Type.Union([AddressSchema, Type.Null()], {
        description: "The member this carrier received the call from; null: the call originated on its network",
      }),
    }),
    { minItems: 1, maxItems: MAX_CALLS_PER_REQUEST },
  ),
});
const TraceResponseSchema = strictObject({
  traceId: Bytes32Schema,
  callDigest: Bytes32Schema,
  upstream: NullableAddress,
  txHash: Type.Union([TxHashSchema, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()], { description: "Why the contract refused the answer" }),
  respondedAt: Type.String({ format: "date-time" }),
});

export function registerCallRoutes(app: ApiApp, rt: RegistriesRuntime, memberAccount: Address): void {
  app.post(
    "/v1/registries/calls",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Record calls this member carried, so its agent answers the traces that ask about them",
        tags,
        operationId: "recordCalls",
        body: RecordCallsBodySchema,
        response: {
          200: strictObject({ calls: Type.Array(CallRecordSchema) }),
          ...writeErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_NO_CONSORTIUM_KEY"),
        },
      },
    },
    async (request) => {
      const own = memberAccount.toLowerCase();
      const calls = request.body.calls.map((c, i) => {
        if (c.upstream?.toLowerCase() === own) {
          throw invalidRegistriesInput(`body.calls[${i}].upstream`, "names this member itself");
        }
        return { callDigest: rt.traceback.callDigest(c.call), upstream: c.upstream as Address | null };
      });
      const recorded = await rt.callLog.record(calls);
      rt.traceResponder.poke();
      return { calls: recorded };
    },
  );

  app.get(
    "/v1/registries/calls/:callDigest",
    {
      config: { auth: "operator" },
      schema: {
        summary: "A call in this member's call log, by its keyed digest",
        tags,
        operationId: "getCallRecord",
        params: strictObject({ callDigest: Bytes32Schema }),
        response: { 200: CallRecordSchema, ...readErrors("REGISTRIES_CALL_NOT_FOUND") },
      },
    },
    async (request) => {
      const record = await rt.callLog.get(request.params.callDigest);
      if (!record) {
        throw new RegistriesError("REGISTRIES_CALL_NOT_FOUND", `no call ${request.params.callDigest} in the log`, {
          field: "params.callDigest",
        });
      }
      return record;
    },
  );

  app.get(
    "/v1/registries/traces/:traceId/response",
    {
      schema: {
        summary: "The answer this member's agent sent by itself from its call log (or the contract's refusal)",
        tags,
        operationId: "getTraceResponse",
        params: strictObject({ traceId: Bytes32Schema }),
        response: { 200: TraceResponseSchema, ...readErrors("REGISTRIES_TRACE_NOT_FOUND") },
      },
    },
    async (request) => {
      const response = await rt.callLog.response(request.params.traceId);
      if (!response) {
        throw new RegistriesError(
          "REGISTRIES_TRACE_NOT_FOUND",
          `this agent sent no answer to trace ${request.params.traceId}`,
          { field: "params.traceId" },
        );
      }
      return response;
    },
  );
}
