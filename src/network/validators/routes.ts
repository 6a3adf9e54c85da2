// REST API of the network domain under /v1/network/: the validators governance decided, validator changes (propose,
// approve), and this agent's node's view of its signers. Schemas in schemas.ts; logic in the service.
import type { Address, Hex } from "viem";
import { type ApiModule, pageOf, pageOfRows, pageRequest, readErrors, writeErrors } from "../../core/api/index.ts";
import { invalidField } from "../../core/errors/index.ts";
import type { ValidatorReadModel } from "./readModel.ts";
import {
  ChangeCreatedSchema,
  ChangeIdParams,
  EngineSchema,
  PageQuerySchema,
  ProposeChangeBodySchema,
  TxResultSchema,
  ValidatorChangeSchema,
  ValidatorSchema,
} from "./schemas.ts";
import type { ValidatorService } from "./service.ts";

export function networkApiModule(service: ValidatorService, readModel: ValidatorReadModel): ApiModule {
  return {
    name: "network",
    tags: [{ name: "network", description: "The consortium's validators, changed by majority-of-governors decisions" }],
    register(app) {
      app.get(
        "/v1/network/validators",
        {
          schema: {
            summary: "Validators governance added (by signer address)",
            tags: ["network"],
            operationId: "listValidators",
            querystring: PageQuerySchema,
            response: { 200: pageOf(ValidatorSchema), ...readErrors() },
          },
        },
        async (request) => {
          const { limit, after } = pageRequest(request.query, 1);
          if (after && typeof after[0] !== "string") throw invalidField("query.cursor", "is not a cursor of this list");
          const rows = await readModel.validators(limit, after as [string] | undefined);
          return pageOfRows(rows, limit, (v) => [v.signer]);
        },
      );

      app.get(
        "/v1/network/validator-changes",
        {
          schema: {
            summary: "Validator changes, newest first",
            tags: ["network"],
            operationId: "listValidatorChanges",
            querystring: PageQuerySchema,
            response: { 200: pageOf(ValidatorChangeSchema), ...readErrors() },
          },
        },
        async (request) => {
          const { limit, after } = pageRequest(request.query, 2);
          if (after && (typeof after[0] !== "number" || typeof after[1] !== "string"))
            throw invalidField("query.cursor", "is not a cursor of this list");
          const rows = await readModel.changes(limit, after as [number, string] | undefined);
          return pageOfRows(rows, limit, (c) => [c.proposedBlock, c.id]);
        },
      );

      app.get(
        "/v1/network/validator-changes/:changeId",
        {
          schema: {
            summary: "One validator change",
            tags: ["network"],
            operationId: "getValidatorChange",
            params: ChangeIdParams,
            response: { 200: ValidatorChangeSchema, ...readErrors() },
          },
        },
        async (request) => service.getChange(request.params.changeId as Hex),
      );

      app.post(
        "/v1/network/validator-changes",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Propose adding or removing a validator (this member must be a governor; its approval counts)",
            description:
              "Executes on chain once a strict majority of the current governors approved it; then every validator's " +
              "agent votes it into its own node. Answers the change id, derived from its content and proposer.",
            tags: ["network"],
            operationId: "proposeValidatorChange",
            body: ProposeChangeBodySchema,
            response: { 201: ChangeCreatedSchema, ...writeErrors() },
          },
        },
        async (request, reply) => {
          const { operator, ...rest } = request.body;
          const created = await service.propose({
            ...rest,
            signer: rest.signer as Address,
            ...(operator ? { operator: operator as Address } : {}),
          });
          return reply.code(201).send(created);
        },
      );

      app.post(
        "/v1/network/validator-changes/:changeId/approve",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Approve a pending validator change (this member must be a governor)",
            tags: ["network"],
            operationId: "approveValidatorChange",
            params: ChangeIdParams,
            response: { 200: TxResultSchema, ...writeErrors() },
          },
        },
        async (request) => {
          await service.getChange(request.params.changeId as Hex);
          return service.approve(request.params.changeId as Hex);
        },
      );

      app.get(
        "/v1/network/engine",
        {
          schema: {
            summary: "This agent's node: its signer set and its own pending validator votes",
            tags: ["network"],
            operationId: "getEngine",
            response: { 200: EngineSchema, ...readErrors() },
          },
        },
        async () => service.engine(),
      );
    },
  };
}
