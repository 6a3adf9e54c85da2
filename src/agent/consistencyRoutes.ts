// GET /v1/agent/consistency: compares this agent's read model with the chain, domain by domain, and names every
// difference. Operators run it after an incident (node restored, reorganisation, crash); the tests run it after every
// durability and network scenario.
import { Type } from "@sinclair/typebox";
import { type ApiModule, errorResponses, strictObject } from "../core/api/index.ts";
import type { ConsistencyReport } from "./consistency.ts";

const DifferenceSchema = strictObject({
  domain: Type.String(),
  table: Type.String(),
  key: Type.String(),
  readModel: Type.Unknown({ description: "What the read model holds; absent when the record is missing there" }),
  chain: Type.Unknown({ description: "What the chain says; absent when the chain has no such record" }),
});

export function consistencyModule(check: () => Promise<ConsistencyReport>): ApiModule {
  return {
    name: "agent",
    register(app) {
      app.get(
        "/v1/agent/consistency",
        {
          // Reads every record of every domain from the chain: not for a read-only key to run in a loop.
          config: { auth: "operator" },
          schema: {
            summary: "Compare the read model with the chain, domain by domain, and list every difference",
            tags: ["agent"],
            operationId: "checkConsistency",
            response: {
              200: strictObject({
                blockNumber: Type.Integer({ description: "The block the read model was compared at" }),
                consistent: Type.Boolean(),
                checked: Type.Array(Type.String(), { maxItems: 64 }),
                unchecked: Type.Array(Type.String(), { maxItems: 64 }),
                differences: Type.Array(DifferenceSchema, {
                  maxItems: 1000,
                  description: "At most 1,000; `truncated` says when there were more",
                }),
                differenceCount: Type.Integer(),
                truncated: Type.Boolean(),
              }),
              ...errorResponses("CHAIN_UNAVAILABLE"),
            },
          },
        },
        async () => {
          const report = await check();
          return {
            blockNumber: report.blockNumber,
            consistent: report.differences.length === 0,
            checked: report.checked,
            unchecked: report.unchecked,
            differences: report.differences
              .slice(0, 1000)
              .map((d) => ({ ...d, readModel: d.readModel ?? null, chain: d.chain ?? null })),
            differenceCount: report.differences.length,
            truncated: report.differences.length > 1000,
          };
        },
      );
    },
  };
}
