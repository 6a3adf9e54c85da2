// Sandbox seeding: each mobile operator claims a network code (approved by the other governors through their own
// agents' APIs), publishes its encryption key and imports demo subscribers. Idempotent: run it again and it only
// completes what is missing.
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent } from "../cli/agentClient.ts";
import { SERVICES } from "./subscribers/register.ts";

/** The sandbox's network codes: MCC 001 is the ITU test country code. */
export const SANDBOX_NETWORKS: Record<string, string> = {
  "mno-north": "00101",
  "mno-south": "00102",
  "mno-east": "001030",
};

const call = <T>(member: SandboxMemberHandle, method: string, path: string, body?: unknown): Promise<T> =>
  expectAgent<T>(member, method, path, body);

/** Demo subscribers of a network: mostly active with all services, and one of each refusal case. */
export function demoSubscribers(plmn: string, count = 20) {
  const msinDigits = 15 - plmn.length;
  return Array.from({ length: count }, (_, i) => {
    const imsi = `${plmn}${String(i + 1).padStart(msinDigits, "0")}`;
    const status = i === count - 1 ? "barred" : i === count - 2 ? "suspended" : "active";
    return {
      imsi,
      msisdn: `99${plmn}${String(i + 1).padStart(4, "0")}`.slice(0, 15),
      status,
      roamingAllowed: i !== count - 3,
      services: Object.fromEntries(SERVICES.map((s) => [s, s === "5g" ? i % 2 === 0 : true])),
    };
  });
}

export async function seedRoamingSandbox(
  members: readonly SandboxMemberHandle[],
  log: (message: string) => void,
): Promise<void> {
  const operators = members.filter((m) => SANDBOX_NETWORKS[m.name]);
  const governors = members.filter((m) => m.roles.includes("GOVERNOR"));
  for (const operator of operators) {
    const plmn = SANDBOX_NETWORKS[operator.name] as string;
    const { items: networks } = await call<{ items: Array<{ plmn: string; operator: string }> }>(
      operator,
      "GET",
      "/v1/roaming/networks",
    );
    if (!networks.some((n) => n.plmn === plmn && n.operator === operator.memberAccount.toLowerCase())) {
      const { items: claims } = await call<{ items: Array<{ id: number; plmn: string; operator: string }> }>(
        operator,
        "GET",
        "/v1/roaming/claims?state=pending",
      );
      const pending = claims.find((c) => c.plmn === plmn && c.operator === operator.memberAccount.toLowerCase());
      const claimId =
        pending?.id ?? (await call<{ claimId: number }>(operator, "POST", "/v1/roaming/claims", { plmn })).claimId;
      log(`${operator.name} claims network ${plmn} (claim #${claimId})`);
      // Each governor approves on chain until the claim is executed. The chain answers whether it is still pending:
      // a governor's read model may not have indexed the claim yet (asking it stopped this loop too early once).
      for (const governor of governors) {
        if (governor.name === operator.name) continue;
        const executed = await call(governor, "POST", `/v1/roaming/claims/${claimId}/approve`).then(
          () => false,
          (error: Error) => {
            if (/ClaimNotPending/.test(error.message)) return true; // a majority already executed it
            if (/AlreadyApproved/.test(error.message)) return false; // approved in an earlier run
            throw error;
          },
        );
        if (executed) break;
      }
    }
    const { items: keys } = await call<{ items: unknown[] }>(operator, "GET", "/v1/roaming/keys");
    if (keys.length === 0) {
      const { key } = await call<{ key: { kid: string } }>(operator, "POST", "/v1/roaming/keys/publish", {});
      log(`${operator.name} published encryption key ${key.kid}`);
    }
    const { upserted } = await call<{ upserted: number }>(operator, "PUT", "/v1/roaming/subscribers", {
      items: demoSubscribers(plmn),
    });
    log(`${operator.name} has ${upserted} demo subscribers in ${plmn}`);
  }
}
