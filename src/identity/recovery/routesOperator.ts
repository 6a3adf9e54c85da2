// Routes of the operator guardian's back office: enrol a subscriber's number for the recovery identity that names
// this member as its operator guardian, list and remove enrolments (numbers are shown only as keyed hashes), and
// list the SIM swaps taken from the home register's journal with what became of each (recorded on chain or not).
import { Type } from "@sinclair/typebox";
import type { Address, Hex } from "viem";
import {
  AddressSchema,
  type ApiApp,
  Bytes32Schema,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../../core/api/index.ts";
import { keysetPage } from "../routesPaging.ts";
import type { OperatorGuardian } from "./operatorGuardian.ts";
import type { OperatorGuardianRepository } from "./repositoryOperator.ts";

export interface OperatorGuardianRoutesDeps {
  operatorGuardian: OperatorGuardian;
  simSwaps: Pick<OperatorGuardianRepository, "swaps">;
}

const NumberSchema = Type.String({ pattern: "^[1-9][0-9]{6,14}$", description: "E.164 without +" });
const EnrolledNumberSchema = strictObject({
  numberHash: Bytes32Schema,
  identity: AddressSchema,
  enrolledAt: Type.String({ format: "date-time" }),
});
const EnrolBodySchema = strictObject({ number: NumberSchema, identity: AddressSchema });
const NumberParams = strictObject({ number: NumberSchema });
const TakenSimSwapSchema = strictObject({
  swapId: Bytes32Schema,
  swappedAt: Type.String({ format: "date-time" }),
  identity: Type.Union([AddressSchema, Type.Null()], { description: "null: the number was not enrolled" }),
  state: Type.Union([
    Type.Literal("pending"),
    Type.Literal("recorded"),
    Type.Literal("not-enrolled"),
    Type.Literal("refused"),
  ]),
  attempts: Type.Integer(),
  txHash: Type.Union([TxHashSchema, Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  takenAt: Type.String({ format: "date-time" }),
  doneAt: Type.Union([Type.String({ format: "date-time" }), Type.Null()]),
});

const tags = ["recovery"];
const CODES = ["RECOVERY_NOT_OPERATOR_GUARDIAN", "RECOVERY_NUMBER_TAKEN"];

export function registerOperatorGuardianRoutes(app: ApiApp, deps: OperatorGuardianRoutesDeps): void {
  const { operatorGuardian } = deps;
  app.post(
    "/v1/identity/recovery/numbers",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As the operator guardian, enrol a subscriber's number for their recovery identity",
        description:
          "The identity must name this member as its operator guardian. The number is kept as a keyed hash under " +
          "this agent's key, never bare; each SIM swap of it is then recorded on chain (recordSimSwap) by itself. " +
          "201 when enrolled, 200 when this pair was enrolled already.",
        tags,
        operationId: "enrolRecoveryNumber",
        body: EnrolBodySchema,
        response: { 200: EnrolledNumberSchema, 201: EnrolledNumberSchema, ...writeErrors(...CODES) },
      },
    },
    async (request, reply) => {
      const { enrolled, created } = await operatorGuardian.enrol(request.body.number, request.body.identity as Address);
      return reply.code(created ? 201 : 200).send(enrolled);
    },
  );

  app.get(
    "/v1/identity/recovery/numbers",
    {
      schema: {
        summary: "Numbers enrolled with this operator for recovery, by keyed hash",
        tags,
        operationId: "listRecoveryNumbers",
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(EnrolledNumberSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string]>(request.query, ["string"]);
      const rows = await operatorGuardian.list(page.limit + 1, page.after?.[0]);
      return pageOfRows(rows, page.limit, (n) => [n.numberHash]);
    },
  );

  app.delete(
    "/v1/identity/recovery/numbers/:number",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Remove a number's recovery enrolment: its SIM swaps are no longer recorded",
        tags,
        operationId: "removeRecoveryNumber",
        params: NumberParams,
        response: { 204: Type.Null(), ...writeErrors("RECOVERY_NUMBER_NOT_ENROLLED") },
      },
    },
    async (request, reply) => {
      await operatorGuardian.remove(request.params.number);
      return reply.code(204).send(null);
    },
  );

  app.get(
    "/v1/identity/recovery/sim-swaps",
    {
      schema: {
        summary: "SIM swaps of the home register taken by the operator guardian, newest first, with their outcome",
        description:
          "recorded: recordSimSwap mined for the enrolled identity; not-enrolled: nothing to record; refused: the " +
          "identity no longer names this member as its operator; pending: waiting or retrying (lastError).",
        tags,
        operationId: "listRecoverySimSwaps",
        querystring: strictObject({ ...PageQuerySchema.properties }),
        response: { 200: pageOf(TakenSimSwapSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = keysetPage<[string, string]>(request.query, ["string", "string"]);
      const rows = await deps.simSwaps.swaps(page.limit + 1, page.after);
      const { items, nextCursor } = pageOfRows(rows, page.limit, (s) => [s.swappedAt, s.swapId]);
      return {
        items: items.map(({ attemptFrom: _a, txId: _t, ...s }) => ({ ...s, swapId: s.swapId as Hex })),
        nextCursor,
      };
    },
  );
}
