// REST API of vetter flags: the requester or origin of a completed trace flags a number of the campaign to its
// holder's vetter (found through EIDL's published facts); the vetter lists the flags addressed to it and acknowledges
// them. The contract decides who may flag and acknowledge.
import type { Address, Hex } from "viem";
import {
  type ApiApp,
  Bytes32Schema,
  pageOf,
  pageOfRows,
  readErrors,
  strictObject,
  writeErrors,
} from "../../core/api/index.ts";
import { formatDid, parseEthrDid } from "../../core/identity/didEthr.ts";
import type { RegistriesRuntime } from "../runtime.ts";
import type { VetterFlagView } from "./readModelFlags.ts";
import { FlagBodySchema, FlagOutcomeSchema, FlagPageQuery, VetterFlagSchema } from "./schemasFlags.ts";

const tags = ["registries"];
const TraceIdParams = strictObject({ traceId: Bytes32Schema });
const FlagIdParams = strictObject({ flagId: Bytes32Schema });

export function registerFlagRoutes(
  app: ApiApp,
  rt: RegistriesRuntime,
  afterOf: (query: { limit?: number; cursor?: string }) => { limit: number; after?: string },
): void {
  const nameOf = async (address: Address) => (await rt.members.getMember(address))?.name ?? null;
  const shown = async (f: VetterFlagView) => ({
    ...f,
    flaggerName: await nameOf(f.flagger),
    holderDid: formatDid(rt.chainId, f.holder),
    vetterDid: formatDid(rt.chainId, f.vetter),
    vetterMemberName: await nameOf(f.vetterMember),
    acknowledged: f.acknowledgedAt !== null,
  });

  app.post(
    "/v1/registries/traces/:traceId/flags",
    {
      config: { auth: "operator" },
      schema: {
        summary:
          "Flag a number of a completed trace (a confirmed robocall campaign) to its holder's vetter in EIDL (the trace's requester or origin)",
        tags,
        operationId: "flagToVetter",
        params: TraceIdParams,
        body: FlagBodySchema,
        response: {
          201: FlagOutcomeSchema,
          ...writeErrors(
            "REGISTRIES_TRACE_NOT_FOUND",
            "REGISTRIES_NUMBER_NOT_HELD",
            "REGISTRIES_NO_VETTER",
            "REGISTRIES_NO_CONSORTIUM_KEY",
          ),
        },
      },
    },
    async (request, reply) => {
      const { number, evidence } = request.body;
      const out = await rt.vetterFlags.flag(request.params.traceId as Hex, number, evidence as Hex | undefined);
      return reply.code(201).send({ flag: await shown(out.flag), txHash: out.txHash, number });
    },
  );

  app.get(
    "/v1/registries/vetter-flags",
    {
      schema: {
        summary: "Vetter flags by id: addressed to one vetter (member, organisation or DID), of one trace",
        tags,
        operationId: "listVetterFlags",
        querystring: FlagPageQuery,
        response: { 200: pageOf(VetterFlagSchema), ...readErrors() },
      },
    },
    async (request) => {
      const page = afterOf(request.query);
      const { vetter, traceId, acknowledged } = request.query;
      const vetterAddress = vetter?.startsWith("did:") ? parseEthrDid(vetter, "query.vetter").address : vetter;
      const rows = await rt.vetterFlagReadModel.flags(
        {
          ...(vetterAddress ? { vetter: vetterAddress } : {}),
          ...(traceId ? { traceId } : {}),
          ...(acknowledged === undefined ? {} : { acknowledged }),
        },
        page,
      );
      const result = pageOfRows(rows, page.limit, (r) => [r.flagId]);
      return { ...result, items: await Promise.all(result.items.map(shown)) };
    },
  );

  app.get(
    "/v1/registries/vetter-flags/:flagId",
    {
      schema: {
        summary: "One vetter flag",
        tags,
        operationId: "getVetterFlag",
        params: FlagIdParams,
        response: { 200: VetterFlagSchema, ...readErrors("REGISTRIES_FLAG_NOT_FOUND") },
      },
    },
    async (request) => shown(await rt.vetterFlags.flagView(request.params.flagId)),
  );

  app.post(
    "/v1/registries/vetter-flags/:flagId/acknowledge",
    {
      config: { auth: "operator" },
      schema: {
        summary: "The vetter's member acknowledges a flag addressed to it",
        tags,
        operationId: "acknowledgeVetterFlag",
        params: FlagIdParams,
        response: { 200: FlagOutcomeSchema, ...writeErrors("REGISTRIES_FLAG_NOT_FOUND") },
      },
    },
    async (request) => {
      const out = await rt.vetterFlags.acknowledge(request.params.flagId as Hex);
      return { flag: await shown(out.flag), txHash: out.txHash };
    },
  );
}
