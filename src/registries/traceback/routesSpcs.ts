// REST API of the SPC register: an operator registers the Service Provider Code its STI certificates carry, so a
// trace opened from a PASSporT names its originating provider on chain; anyone with a key reads who holds an SPC.
import type { Address } from "viem";
import { type ApiApp, readErrors, strictObject, writeErrors } from "../../core/api/index.ts";
import { RegistriesError } from "../errors.ts";
import type { RegistriesRuntime } from "../runtime.ts";
import { SpcBodySchema, SpcOutcomeSchema, SpcSchema } from "./schemas.ts";

const tags = ["registries"];

export function registerSpcRoutes(
  app: ApiApp,
  rt: RegistriesRuntime,
  nameOf: (address: Address | null) => Promise<string | null>,
): void {
  app.post(
    "/v1/registries/spcs",
    {
      config: { auth: "operator" },
      schema: {
        summary: "Register this member's Service Provider Code (first come; its own again changes nothing)",
        tags,
        operationId: "registerSpc",
        body: SpcBodySchema,
        response: { 200: SpcOutcomeSchema, ...writeErrors("REGISTRIES_INVALID_INPUT") },
      },
    },
    async (request) => rt.traceback.registerSpc(request.body.spc),
  );

  app.get(
    "/v1/registries/spcs/:spc",
    {
      schema: {
        summary: "The member that registered a Service Provider Code",
        tags,
        operationId: "getSpc",
        params: strictObject({ spc: SpcBodySchema.properties.spc }),
        response: { 200: SpcSchema, ...readErrors("REGISTRIES_SPC_NOT_FOUND") },
      },
    },
    async (request) => {
      const spc = await rt.tracebackReadModel.spc(request.params.spc);
      if (!spc) {
        throw new RegistriesError("REGISTRIES_SPC_NOT_FOUND", `no member registered SPC ${request.params.spc}`, {
          field: "params.spc",
        });
      }
      return { ...spc, memberName: await nameOf(spc.member) };
    },
  );
}
