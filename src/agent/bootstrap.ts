// The first admin API key of an agent, created offline (straight in the agent's database) because no key exists yet
// to call POST /v1/api-keys with. The sandbox keeps the key it was given, so a restart prints the same one.
import { join } from "node:path";
import { createApiKey, verifyApiKey } from "../core/api/api-keys.ts";
import type { AgentConfig } from "../core/config.ts";
import { openStore } from "../core/store/index.ts";
import { agentMigrations } from "./migrations.ts";

export async function ensureAdminKey(
  config: AgentConfig,
  existingKey?: string,
  userName = "sandbox-admin",
): Promise<string> {
  const store = await openAgentStore(config);
  try {
    const memberId = config.memberAccount.toLowerCase();
    if (existingKey) {
      const check = await verifyApiKey(store, memberId, existingKey);
      if (check.ok && check.principal.role === "admin") return existingKey;
    }
    return (await createApiKey(store, { memberId, userName, role: "admin" })).key;
  } finally {
    await store.close();
  }
}

export function openAgentStore(config: AgentConfig) {
  const databaseUrl = process.env.DATABASE_URL ?? config.databaseUrl;
  return openStore({
    ...(databaseUrl ? { databaseUrl } : { sqliteFile: join(config.dataDir, "agent.db") }),
    migrations: agentMigrations,
  });
}
