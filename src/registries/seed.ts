// Sandbox seeding: every agent gets the same consortium key (the consortium hands it to its members' agents; here
// the seed does), and mno-east reports one demo phone as lost so that `npm start` shows a blocked device at once;
// tnsp-beta requests the port of one demo number from tnsp-alpha, which concurs, so `npm start` shows a port.
// Idempotent: a consortium whose agents all hold one key keeps it; the demo report is made once.
import { randomBytes } from "node:crypto";
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent } from "../cli/agentClient.ts";

/** The sandbox's demo lost phone (a valid IMEI: 14 digits and its Luhn check digit). */
export const SANDBOX_LOST_IMEI = "356938035643809";
/** The sandbox's demo number port: tnsp-beta gains it from tnsp-alpha (concurred, not yet scheduled). */
export const SANDBOX_PORT_NUMBER = "13125550150";

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
  await seedPort(members, log);
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

async function seedPort(members: readonly SandboxMemberHandle[], log: (message: string) => void): Promise<void> {
  const gaining = members.find((m) => m.name === "tnsp-beta");
  const losing = members.find((m) => m.name === "tnsp-alpha");
  if (!gaining || !losing) return;
  const listed = await expectAgent<{ items: unknown[] }>(
    gaining,
    "GET",
    `/v1/registries/ports?number=${SANDBOX_PORT_NUMBER}`,
  );
  if (listed.items.length > 0) return;
  const requested = await expectAgent<{ port: { portId: string } }>(gaining, "POST", "/v1/registries/ports", {
    losing: losing.memberAccount,
    numbers: [SANDBOX_PORT_NUMBER],
  });
  await expectAgent(losing, "POST", `/v1/registries/ports/${requested.port.portId}/concur`);
  log(`registries: tnsp-beta requested the port of ${SANDBOX_PORT_NUMBER} from tnsp-alpha, which concurred`);
}
