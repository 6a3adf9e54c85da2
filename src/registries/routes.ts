// REST API of the device register: the consortium key (admin), reports (operator writes, anyone with a key reads),
// and "is this device blocked?" by IMEI or keyed hash; and number-port clearing (ports/routes.ts). Schemas in
// schemas.ts and ports/schemas.ts; no SQL, no rules here.
import type { Address, Hex } from "viem";
import {
  type ApiModule,
  Bytes32Schema,
  invalidField,
  pageOf,
  pageOfRows,
  pageRequest,
  readErrors,
  strictObject,
  writeErrors,
} from "../core/api/index.ts";
import { registerPortRoutes } from "./ports/routes.ts";
import type { RegistriesRuntime } from "./runtime.ts";
import {
  BULK_BODY_LIMIT,
  DeviceCheckSchema,
  DevicesBodySchema,
  ImeiSchema,
  KeyBodySchema,
  KeyStateSchema,
  ReportBodySchema,
  ReportPageQuery,
  ReportResultSchema,
  ReportSchema,
  TxResultSchema,
} from "./schemas.ts";
import { registerTracebackRoutes } from "./traceback/routes.ts";

const tags = ["registries"];
const ReportIdParams = strictObject({ reportId: Bytes32Schema });

export function registriesApiModule(rt: RegistriesRuntime): ApiModule {
  const nameOf = async (address: Address) => (await rt.members.getMember(address))?.name ?? null;
  const named = async <T extends { reporter: Address }>(item: T) => ({
    ...item,
    reporterName: await nameOf(item.reporter),
  });
  const requireDevices = (body: { imeis?: string[]; devices?: string[] }) => {
    if (!body.imeis?.length && !body.devices?.length)
      throw invalidField("body.imeis", "or body.devices must list a device");
  };

  return {
    name: "registries",
    tags: [
      { name: "registries", description: "Shared telecom registries: stolen, lost and blocked devices; number ports" },
    ],
    register(app) {
      registerPortRoutes(app, rt);
      registerTracebackRoutes(app, rt);
      app.get(
        "/v1/registries/key",
        {
          schema: {
            summary: "The fingerprint of the consortium key this agent keyed-hashes IMEIs with (never the key)",
            tags,
            operationId: "getRegistriesKey",
            response: { 200: KeyStateSchema, ...readErrors() },
          },
        },
        async () => ({ fingerprint: rt.key.fingerprint }),
      );

      app.put(
        "/v1/registries/key",
        {
          config: { auth: "admin" },
          schema: {
            summary: "Set the consortium key (32 bytes, the same in every member's agent)",
            tags,
            operationId: "setRegistriesKey",
            body: KeyBodySchema,
            response: { 200: KeyStateSchema, ...writeErrors() },
          },
        },
        async (request) => ({ fingerprint: await rt.key.set(request.body.key) }),
      );

      app.post(
        "/v1/registries/devices/reports",
        {
          config: { auth: "operator" },
          bodyLimit: BULK_BODY_LIMIT,
          schema: {
            summary: "Report devices as stolen, lost, fraudulent or blocked (bulk: one report per 20,000 devices)",
            tags,
            operationId: "reportDevices",
            body: ReportBodySchema,
            response: {
              201: ReportResultSchema,
              ...writeErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_NO_CONSORTIUM_KEY"),
            },
          },
        },
        async (request, reply) => {
          requireDevices(request.body);
          const reports = await rt.devices.report({
            status: request.body.status,
            reason: request.body.reason,
            ...(request.body.imeis ? { imeis: request.body.imeis } : {}),
            ...(request.body.devices ? { devices: request.body.devices as Hex[] } : {}),
          });
          return reply.code(201).send({ reports });
        },
      );

      app.get(
        "/v1/registries/devices/reports",
        {
          schema: {
            summary: "Device reports on the ledger, by report id; optionally of one reporter",
            tags,
            operationId: "listDeviceReports",
            querystring: ReportPageQuery,
            response: { 200: pageOf(ReportSchema), ...readErrors() },
          },
        },
        async (request) => {
          const { limit, after } = pageRequest(request.query, 1);
          if (after !== undefined && typeof after[0] !== "string") {
            throw invalidField("query.cursor", "is not a cursor returned by this endpoint");
          }
          const rows = await rt.readModel.reports(request.query.reporter ? { reporter: request.query.reporter } : {}, {
            limit,
            ...(after ? { after: String(after[0]) } : {}),
          });
          const page = pageOfRows(rows, limit, (r) => [r.reportId]);
          return { ...page, items: await Promise.all(page.items.map(named)) };
        },
      );

      app.get(
        "/v1/registries/devices/reports/:reportId",
        {
          schema: {
            summary: "One device report: reporter, status, reason, how many devices, how many cleared",
            tags,
            operationId: "getDeviceReport",
            params: ReportIdParams,
            response: { 200: ReportSchema, ...readErrors("REGISTRIES_REPORT_NOT_FOUND") },
          },
        },
        async (request) => named(await rt.report(request.params.reportId)),
      );

      app.post(
        "/v1/registries/devices/reports/:reportId/clear",
        {
          config: { auth: "operator" },
          bodyLimit: BULK_BODY_LIMIT,
          schema: {
            summary: "Clear devices of this member's report (recovered); another operator's report is refused",
            tags,
            operationId: "clearReportedDevices",
            params: ReportIdParams,
            body: DevicesBodySchema,
            response: {
              200: TxResultSchema,
              ...writeErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_NO_CONSORTIUM_KEY", "REGISTRIES_REPORT_NOT_FOUND"),
            },
          },
        },
        async (request) => {
          requireDevices(request.body);
          return rt.devices.clear(request.params.reportId as Hex, {
            ...(request.body.imeis ? { imeis: request.body.imeis } : {}),
            ...(request.body.devices ? { devices: request.body.devices as Hex[] } : {}),
          });
        },
      );

      app.post(
        "/v1/registries/devices/reports/:reportId/withdraw",
        {
          config: { auth: "operator" },
          schema: {
            summary: "Withdraw this member's whole report; another operator's report is refused",
            tags,
            operationId: "withdrawDeviceReport",
            params: ReportIdParams,
            response: { 200: TxResultSchema, ...writeErrors("REGISTRIES_REPORT_NOT_FOUND") },
          },
        },
        async (request) => rt.devices.withdraw(request.params.reportId as Hex),
      );

      app.get(
        "/v1/registries/devices/imei/:imei",
        {
          schema: {
            summary: "Is this IMEI blocked anywhere in the consortium? (keyed-hashed here, answered from memory)",
            tags,
            operationId: "checkDeviceByImei",
            params: strictObject({ imei: ImeiSchema }),
            response: {
              200: DeviceCheckSchema,
              ...readErrors("REGISTRIES_INVALID_INPUT", "REGISTRIES_NO_CONSORTIUM_KEY"),
            },
          },
        },
        async (request) => withNames(await rt.devices.checkImei(request.params.imei, "params.imei")),
      );

      app.get(
        "/v1/registries/devices/hash/:device",
        {
          schema: {
            summary: "Is the device with this keyed hash blocked anywhere in the consortium?",
            tags,
            operationId: "checkDeviceByHash",
            params: strictObject({ device: Bytes32Schema }),
            response: { 200: DeviceCheckSchema, ...readErrors() },
          },
        },
        async (request) => withNames(await rt.devices.check(request.params.device as Hex)),
      );

      async function withNames(check: Awaited<ReturnType<typeof rt.devices.check>>) {
        return { ...check, blocks: await Promise.all(check.blocks.map(named)) };
      }
    },
  };
}
