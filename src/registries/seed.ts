// Sandbox seeding: every agent gets the same consortium key (the consortium hands it to its members' agents; here
// the seed does), and mno-east reports one demo phone as lost so that `npm start` shows a blocked device at once.
// Idempotent: a consortium whose agents all hold one key keeps it; the demo report is made once.
import { randomBytes } from "node:crypto";
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent } from "../cli/agentClient.ts";

/** The sandbox's demo lost phone (a valid IMEI: 14 digits and its Luhn check digit). */
export const SANDBOX_LOST_IMEI = "356938035643809";

export async function seedRegistriesSandbox(
  members: readonly SandboxMemberHandle[],
  log: (message: string) => void,
): Promise<void> {
  const fingerprints = await Promise.all(
    members.map(
      async (m) => (await expectAgent<{ fingerprint: string | null }>(m, "GET", "/v1/registries/key")).fingerprint,
    ),
  );
  if (fingerprints[0] === null || fingerprints.some((f) => f !== fingerprints[0])) {
    const key = `0x${randomBytes(32).toString("hex")}`;
    for (const member of members) await expectAgent(member, "PUT", "/v1/registries/key", { key });
    log(`registries: consortium key set in ${members.length} agents`);
  }
  const reporter = members.find((m) => m.name === "mno-east");
  if (!reporter) return;
  const check = await expectAgent<{ blocked: boolean }>(
    reporter,
    "GET",
    `/v1/registries/devices/imei/${SANDBOX_LOST_IMEI}`,
  );
  if (!check.blocked) {
    await expectAgent(reporter, "POST", "/v1/registries/devices/reports", {
      status: "lost",
      reason: 1,
      imeis: [SANDBOX_LOST_IMEI],
    });
    log(`registries: mno-east reported IMEI ${SANDBOX_LOST_IMEI} as lost`);
  }
}
