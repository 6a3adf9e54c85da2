// REST API of number-port clearing: the gaining provider requests, schedules, activates and cancels; the losing
// provider concurs, refuses, disputes and resolves; anyone with a key reads ports. Schemas in schemas.ts; no SQL.
import type { Address, Hex } from "viem";
import {
  type ApiApp,
  Bytes32Schema,
  invalidField,
  PageQuerySchema,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  strictObject,
  writeErrors,
} from "../../core/api/index.ts";
import type { RegistriesRuntime } from "../runtime.ts";
import type { PortView } from "./readModel.ts";
import {
  ActivateBodySchema,
  BatchActivateBodySchema,
  BatchOutcomeSchema,
  PortExecutionSchema,
  PortOutcomeSchema,
  PortPageQuery,
  PortRequestBodySchema,
  PortSchema,
  ReasonBodySchema,
  ScheduleBodySchema,
} from "./schemas.ts";
import { ACTIVATION_WINDOW, type PortStep } from "./service.ts";

const tags = ["registries"];
const PortIdParams = strictObject({ portId: Bytes32Schema });
const DEFAULT_ACTIVATION_WAIT_SECONDS = 30;

/** The current state's timer: when its step must happen by. */
function deadlineOf(port: PortView): number | null {
  if (port.state === "requested") return Date.parse(port.concurBy);
  if (port.state === "scheduled" && port.activateAt) return Date.parse(port.activateAt) + ACTIVATION_WINDOW * 1000;
  return null;
}

export function registerPortRoutes(app: ApiApp, rt: RegistriesRuntime): void {
  const nameOf = async (address: Address) => (await rt.members.getMember(address))?.name ?? null;
  const shown = async (port: PortView) => {
    const deadline = deadlineOf(port);
    return {
      ...port,
      gainingName: await nameOf(port.gaining),
      losingName: await nameOf(port.losing),
      deadline: deadline === null ? null : new Date(deadline).toISOString(),
      overdue: deadline !== null && Date.now() > deadline,
      eidlPorted: await rt.ports.eidlPorted(port),
    };
  };
  const outcome = async (o: { port: PortView; txHash: Hex }) => ({ port: await shown(o.port), txHash: o.txHash });

  app.post(
    "/v1/registries/ports",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Request a port of numbers (a list or a range) from the losing provider to this member (a TNSP)",
        tags,
        operationId: "requestPort",
        body: PortRequestBodySchema,
        response: { 201: PortOutcomeSchema, ...writeErrors("REGISTRIES_INVALID_INPUT") },
      },
    },
    async (request, reply) =>
      reply.code(201).send(
        await outcome(
          await rt.ports.request({
            losing: request.body.losing as Address,
            ...(request.body.numbers ? { numbers: request.body.numbers } : {}),
            ...(request.body.range
              ? {
                  range: {
                    start: request.body.range.start,
                    count: request.body.range.count,
                    step: request.body.range.step ?? 1,
                  },
                }
              : {}),
            ...(request.body.concurWindowSeconds !== undefined
              ? { concurWindowSeconds: request.body.concurWindowSeconds }
              : {}),
          }),
        ),
      ),
  );

  app.get(
    "/v1/registries/ports",
    {
      schema: {
        summary: "Ports on the ledger by id; of one provider, in one state, or holding one number",
        tags,
        operationId: "listPorts",
        querystring: PortPageQuery,
        response: { 200: pageOf(PortSchema), ...readErrors() },
      },
    },
    async (request) => {
      const { limit, after } = pageRequest(request.query, 1);
      if (after !== undefined && typeof after[0] !== "string") {
        throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
      }
      const { provider, state, number } = request.query;
      const rows = await rt.portReadModel.ports(
        { ...(provider ? { provider } : {}), ...(state ? { state } : {}), ...(number ? { number } : {}) },
        { limit, ...(after ? { after: String(after[0]) } : {}) },
      );
      const page = pageOfRows(rows, limit, (r) => [r.portId]);
      return { ...page, items: await Promise.all(page.items.map(shown)) };
    },
  );

  app.get(
    "/v1/registries/ports/:portId",
    {
      schema: {
        summary: "One port: providers, state, reason, numbers, timers, and whether the EIDL port is done",
        tags,
        operationId: "getPort",
        params: PortIdParams,
        response: { 200: PortSchema, ...readErrors("REGISTRIES_PORT_NOT_FOUND") },
      },
    },
    async (request) => shown(await rt.ports.port(request.params.portId)),
  );

  app.get(
    "/v1/registries/ports/:portId/executions",
    {
      schema: {
        summary: "The EIDL ports this agent executed for an activated port (on the Numbering Authority's agent)",
        tags,
        operationId: "getPortExecutions",
        params: PortIdParams,
        querystring: PageQuerySchema,
        response: { 200: pageOf(PortExecutionSchema), ...readErrors("REGISTRIES_PORT_NOT_FOUND") },
      },
    },
    async (request) => {
      await rt.ports.port(request.params.portId);
      await rt.portExecutor.settled();
      const { limit, after } = pageRequest(request.query, 1);
      if (after !== undefined && typeof after[0] !== "string") {
        throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
      }
      const rows = await rt.portReadModel.executionsOf(request.params.portId, {
        limit,
        ...(after ? { after: String(after[0]) } : {}),
      });
      return pageOfRows(rows, limit, (r) => [r.number]);
    },
  );

  const steps: Array<{ path: string; step: PortStep; who: string; id: string }> = [
    {
      path: "concur",
      step: "concur",
      who: "The losing provider concurs (before the concurrence deadline)",
      id: "concurPort",
    },
    { path: "cancel", step: "cancel", who: "The gaining provider cancels an open port", id: "cancelPort" },
    {
      path: "resolve",
      step: "resolveConflict",
      who: "The losing provider resolves its dispute",
      id: "resolvePortConflict",
    },
  ];
  for (const { path, step, who, id } of steps) {
    app.post(
      `/v1/registries/ports/:portId/${path}`,
      {
        config: { auth: "operator" },
        schema: {
          summary: who,
          tags,
          operationId: id,
          params: PortIdParams,
          response: { 200: PortOutcomeSchema, ...writeErrors("REGISTRIES_PORT_NOT_FOUND") },
        },
      },
      async (request) => outcome(await rt.ports.step(request.params.portId as Hex, step)),
    );
  }

  const reasoned = [
    {
      path: "refuse",
      step: "refuse",
      who: "The losing provider refuses a requested port with a reason",
      id: "refusePort",
    },
    {
      path: "conflict",
      step: "conflict",
      who: "The losing provider disputes a concurred or scheduled port",
      id: "disputePort",
    },
  ] as const;
  for (const { path, step, who, id } of reasoned) {
    app.post(
      `/v1/registries/ports/:portId/${path}`,
      {
        config: { auth: "operator" },
        schema: {
          summary: who,
          tags,
          operationId: id,
          params: PortIdParams,
          body: ReasonBodySchema,
          response: { 200: PortOutcomeSchema, ...writeErrors("REGISTRIES_PORT_NOT_FOUND") },
        },
      },
      async (request) => outcome(await rt.ports.withReason(request.params.portId as Hex, step, request.body.reason)),
    );
  }

  app.post(
    "/v1/registries/ports/:portId/schedule",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The gaining provider schedules a concurred port's activation",
        tags,
        operationId: "schedulePort",
        params: PortIdParams,
        body: ScheduleBodySchema,
        response: { 200: PortOutcomeSchema, ...writeErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_PORT_NOT_FOUND") },
      },
    },
    async (request) => outcome(await rt.ports.schedule(request.params.portId as Hex, request.body.activateAt)),
  );

  app.post(
    "/v1/registries/ports/:portId/activate",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The gaining provider activates a scheduled port; answers once the EIDL port shows (or the wait ends)",
        tags,
        operationId: "activatePort",
        params: PortIdParams,
        body: ActivateBodySchema,
        response: { 200: PortOutcomeSchema, ...writeErrors("REGISTRIES_PORT_NOT_FOUND") },
      },
    },
    async (request) => {
      const activated = await rt.ports.step(request.params.portId as Hex, "activate");
      await rt.ports.awaitEidlPort(activated.port.portId, request.body.waitSeconds ?? DEFAULT_ACTIVATION_WAIT_SECONDS);
      return outcome({ port: await rt.ports.port(activated.port.portId), txHash: activated.txHash });
    },
  );

  app.post(
    "/v1/registries/ports/activate",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "The gaining provider activates several scheduled ports in one transaction, all or nothing (a refused item is named by its index); answers once the EIDL ports show (or the wait ends)",
        tags,
        operationId: "activatePorts",
        body: BatchActivateBodySchema,
        response: {
          200: BatchOutcomeSchema,
          ...writeErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_PORT_NOT_FOUND"),
        },
      },
    },
    async (request) => {
      const activated = await rt.ports.activateBatch(request.body.portIds as Hex[]);
      const wait = request.body.waitSeconds ?? DEFAULT_ACTIVATION_WAIT_SECONDS;
      const until = Date.now() + wait * 1000;
      for (const port of activated.ports) {
        await rt.ports.awaitEidlPort(port.portId, Math.max(0, (until - Date.now()) / 1000));
      }
      const ports = await Promise.all(activated.ports.map((p) => rt.ports.port(p.portId)));
      return { ports: await Promise.all(ports.map(shown)), txHash: activated.txHash };
    },
  );
}
