// GET /v1/agent: who this agent is (member, accounts, hosted keys' public info) and which ledger it runs on.
import { Type } from "@sinclair/typebox";
import { type ApiModule, errorResponses, strictObject } from "../core/api/index.ts";
import type { DeploymentManifest } from "../core/chain/manifest.ts";
import type { AgentConfig } from "../core/config.ts";
import type { Keystore } from "../core/identity/keystore.ts";
import { AGENT_VERSION_TEXT } from "./version.ts";

export function agentInfoModule(deps: {
  config: AgentConfig;
  manifest: DeploymentManifest;
  keystore: Keystore;
}): ApiModule {
  const { config, manifest, keystore } = deps;
  return {
    name: "agent",
    tags: [{ name: "agent", description: "This member agent and the ledger it runs on" }],
    register(app) {
      app.get(
        "/v1/agent",
        {
          schema: {
            summary: "This agent: member, chain, contracts, and the public part of its keys",
            tags: ["agent"],
            operationId: "getAgent",
            response: {
              200: strictObject({
                name: Type.String(),
                memberName: Type.String(),
                memberAccount: Type.String(),
                publicUrl: Type.String(),
                version: Type.String(),
                chain: strictObject({
                  chainId: Type.Integer(),
                  contracts: Type.Record(
                    Type.String(),
                    strictObject({ address: Type.String(), blockNumber: Type.Integer() }),
                  ),
                }),
                keys: Type.Array(
                  strictObject({
                    kid: Type.String(),
                    kind: Type.String(),
                    label: Type.String(),
                    address: Type.Optional(Type.String()),
                    createdAt: Type.String(),
                    retiredAt: Type.Union([Type.String(), Type.Null()]),
                  }),
                ),
              }),
              ...errorResponses("UNAUTHENTICATED"),
            },
          },
        },
        async () => ({
          name: config.name,
          memberName: config.memberName,
          memberAccount: config.memberAccount,
          publicUrl: config.publicUrl,
          version: AGENT_VERSION_TEXT,
          chain: {
            chainId: manifest.chainId,
            contracts: Object.fromEntries(
              Object.entries(manifest.contracts).map(([name, c]) => [
                name,
                { address: c.address, blockNumber: c.blockNumber },
              ]),
            ),
          },
          keys: keystore.list().map((k) => ({
            kid: k.kid,
            kind: k.kind,
            label: k.label,
            ...(k.address ? { address: k.address } : {}),
            createdAt: k.createdAt,
            retiredAt: k.retiredAt ?? null,
          })),
        }),
      );
    },
  };
}
