// Sandbox seeding: the trust authority vets the sandbox's IoT attesters (Acme as the OEM of the demo devices, North
// Mobile as the network operator, the KYC vetting company as the certification alliance, South Mobile as a security
// operator reporting malicious activity) and each registers the schemas it attests under. Idempotent: a vetted
// attester is skipped, and a schema's id derives from its content and creator, so registering again changes nothing.
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent } from "../cli/agentClient.ts";
import type { AttesterKindName } from "./kinds.ts";

export const SANDBOX_ATTESTERS: Record<string, AttesterKindName> = {
  "acme-brand": "oem",
  "mno-north": "operator",
  "kyc-vetter": "third-party",
  "mno-south": "operator",
};

/** The schemas of the walkthroughs, by their creator. */
export const SANDBOX_SCHEMAS: Record<string, { name: string; definition: string; kinds: AttesterKindName[] }[]> = {
  "acme-brand": [
    { name: "verified-boot", definition: "bool verifiedBoot,string rootOfTrust", kinds: ["oem"] },
    { name: "firmware-release", definition: "string version,bytes32 sha256,bytes signature", kinds: ["oem"] },
    { name: "document", definition: "string kind,string title,bytes32 sha256,string url", kinds: ["oem"] },
  ],
  "kyc-vetter": [{ name: "certification", definition: "string program,string level", kinds: ["third-party"] }],
  "mno-north": [
    { name: "security-assessment", definition: "uint8 level,uint32 lifetimeDays", kinds: ["operator"] },
    { name: "malicious-activity", definition: "string kind,string evidence", kinds: ["operator", "third-party"] },
    { name: "peer-reading", definition: "string quantity,string range", kinds: ["peer"] },
  ],
};

export async function seedIotSandbox(
  members: readonly SandboxMemberHandle[],
  log: (message: string) => void,
): Promise<void> {
  const authority = members.find((m) => m.roles.includes("TRUST_AUTHORITY"));
  if (!authority) return;
  for (const [name, kind] of Object.entries(SANDBOX_ATTESTERS)) {
    const member = members.find((m) => m.name === name);
    if (!member) continue;
    const current = await expectAgent<{ kind: string | null }>(
      authority,
      "GET",
      `/v1/iot/attesters/${member.memberAccount}`,
    );
    if (current.kind === null) {
      await expectAgent(authority, "POST", "/v1/iot/attesters", { attester: member.memberAccount, kind });
      log(`trust-authority vetted ${name} as IoT ${kind} attester`);
    }
  }
  for (const [name, schemas] of Object.entries(SANDBOX_SCHEMAS)) {
    const member = members.find((m) => m.name === name);
    if (!member) continue;
    for (const s of schemas) {
      const body = { name: s.name, definition: s.definition, revocable: true, attesterKinds: s.kinds };
      const { txHash } = await expectAgent<{ txHash: string | null }>(member, "POST", "/v1/iot/schemas", body);
      if (txHash) log(`${name} registered IoT schema ${s.name}`);
    }
  }
}
