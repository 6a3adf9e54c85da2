// REST API of triggers from external data (FactTriggers): assets, triggers with a threshold of independent reporters
// and a dispute window, reports of an observed fact, dispute and execution. The contract enforces the rules.
import { randomBytes } from "node:crypto";
import { Type } from "@sinclair/typebox";
import type { ApiApp } from "../core/api/index.ts";
import {
  AddressSchema,
  Bytes32Schema,
  invalidField,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  strictObject,
  TxHashSchema,
  writeErrors,
} from "../core/api/index.ts";
import type { TriggerState } from "./triggers/readModel.ts";
import type { CreateTriggerInput, TriggerService } from "./triggers/service.ts";

const tags = ["pki"];
const MAX_REPORTERS = 16;
const Text = Type.String({ minLength: 1, maxLength: 200 });
const Id = strictObject({ id: Bytes32Schema });
const AssetSchema = strictObject({ assetId: Bytes32Schema, holder: AddressSchema, registrant: AddressSchema });
const TriggerSchema = strictObject({
  triggerId: Bytes32Schema,
  assetId: Bytes32Schema,
  state: Type.Union(["none", "open", "armed", "disputed", "executed"].map((s) => Type.Literal(s))),
  holder: AddressSchema,
  newHolder: AddressSchema,
  threshold: Type.Integer(),
  matching: Type.Integer(),
  disputeWindowSeconds: Type.Integer(),
  firesAt: Type.Integer({ description: "seconds since the epoch; 0 until armed" }),
  assetHolder: AddressSchema,
});
const Written = strictObject({ ...TriggerSchema.properties, txHash: TxHashSchema });
const salt = () => `0x${randomBytes(32).toString("hex")}` as const;

export function registerTriggerRoutes(app: ApiApp, triggers: TriggerService): void {
  app.post(
    "/v1/pki/assets",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Register an asset this member holds (its id derives from the member and a salt)",
        tags,
        operationId: "pkiAssetRegister",
        body: strictObject({}),
        response: {
          201: strictObject({ assetId: Bytes32Schema, holder: AddressSchema, txHash: TxHashSchema }),
          ...writeErrors(),
        },
      },
    },
    async (_request, reply) => reply.code(201).send(await triggers.registerAsset(salt())),
  );

  app.get(
    "/v1/pki/assets/:id",
    {
      schema: {
        summary: "An asset and its holder",
        tags,
        operationId: "pkiAsset",
        params: Id,
        response: { 200: AssetSchema, ...readErrors("PKI_TRIGGER_NOT_FOUND") },
      },
    },
    async (request) => triggers.asset(request.params.id as `0x${string}`),
  );

  app.post(
    "/v1/pki/triggers",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As the asset's holder: move it to newHolder once `threshold` reporters report the expected fact",
        tags,
        operationId: "pkiTriggerCreate",
        body: strictObject({
          assetId: Bytes32Schema,
          fact: Text,
          expectedValue: Text,
          newHolder: AddressSchema,
          reporters: Type.Array(AddressSchema, { minItems: 2, maxItems: MAX_REPORTERS }),
          threshold: Type.Integer({ minimum: 2, maximum: MAX_REPORTERS }),
          disputeWindowSeconds: Type.Integer({ minimum: 1, maximum: 30 * 86_400 }),
        }),
        response: { 201: Written, ...writeErrors("PKI_TRIGGER_NOT_FOUND") },
      },
    },
    async (request, reply) => reply.code(201).send(await triggers.create(request.body as CreateTriggerInput, salt())),
  );

  app.get(
    "/v1/pki/triggers",
    {
      schema: {
        summary: "Triggers on the ledger in ledger order (projected), optionally on one asset or in one state",
        tags,
        operationId: "pkiTriggers",
        querystring: strictObject({
          ...PageQuerySchema.properties,
          state: Type.Optional(Type.Union(["open", "armed", "disputed", "executed"].map((s) => Type.Literal(s)))),
          assetId: Type.Optional(Bytes32Schema),
        }),
        response: { 200: pageOf(TriggerSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 2);
      if (after && (typeof after[0] !== "number" || typeof after[1] !== "string")) {
        throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
      }
      const { state, assetId } = request.query;
      const filter = {
        ...(state ? { state: state as TriggerState } : {}),
        ...(assetId ? { assetId: assetId as `0x${string}` } : {}),
      };
      const rows = await triggers.list(filter, limit, after as [number, string] | undefined);
      const page = pageOfRows(rows, limit, (t) => [t.blockNumber, t.triggerId]);
      return { ...page, items: page.items.map(({ blockNumber: _, ...t }) => t) };
    },
  );

  app.get(
    "/v1/pki/triggers/:id",
    {
      schema: {
        summary: "A trigger: its state, agreeing reports, when it fires, and who holds the asset",
        tags,
        operationId: "pkiTrigger",
        params: Id,
        response: { 200: TriggerSchema, ...readErrors("PKI_TRIGGER_NOT_FOUND") },
      },
    },
    async (request) => triggers.trigger(request.params.id as `0x${string}`),
  );

  app.post(
    "/v1/pki/triggers/:id/report",
    {
      config: { auth: "operator" },
      schema: {
        summary: "As one of the trigger's reporters: report the fact's observed value (once)",
        tags,
        operationId: "pkiTriggerReport",
        params: Id,
        body: strictObject({ value: Text }),
        response: { 200: Written, ...writeErrors("PKI_TRIGGER_NOT_FOUND") },
      },
    },
    async (request) => triggers.report(request.params.id as `0x${string}`, request.body.value),
  );

  for (const action of ["dispute", "execute"] as const) {
    app.post(
      `/v1/pki/triggers/:id/${action}`,
      {
        config: { auth: "operator" },
        schema: {
          summary:
            action === "dispute"
              ? "As the holder or a reporter: stop an armed trigger inside its dispute window"
              : "Move the asset: the trigger is armed and its dispute window closed",
          tags,
          operationId: action === "dispute" ? "pkiTriggerDispute" : "pkiTriggerExecute",
          params: Id,
          body: strictObject({}),
          response: { 200: Written, ...writeErrors("PKI_TRIGGER_NOT_FOUND") },
        },
      },
      async (request) => triggers[action](request.params.id as `0x${string}`),
    );
  }
}
