// Sandbox seeding: North Mobile (controller) holds one demo subscriber's data under a contract that allows Origin
// Voice and the contact centre as processors, so `datausage list` shows the use case at once. Idempotent: skipped when
// North Mobile already controls a contract.
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent } from "../cli/agentClient.ts";
import { DATAUSAGE_PROFILE } from "./odrl.ts";

export async function seedDataUsageSandbox(
  members: readonly SandboxMemberHandle[],
  log: (message: string) => void,
): Promise<void> {
  const controller = members.find((m) => m.name === "mno-north");
  const processors = members.filter((m) => m.name === "osp" || m.name === "call-centre");
  if (!controller) return;
  const existing = await expectAgent<{ items: unknown[] }>(
    controller,
    "GET",
    `/v1/datausage/contracts?controller=${controller.memberAccount}&limit=1`,
  );
  if (existing.items.length > 0) return;
  const policy = {
    "@type": "Agreement",
    profile: DATAUSAGE_PROFILE,
    permission: [
      { action: "use", constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["billing"] }] },
      {
        action: "transfer",
        constraint: [{ leftOperand: "purpose", operator: "isAnyOf", rightOperand: ["customer-care"] }],
        duty: [{ action: "anonymize", "tl:fields": ["msisdn"] }],
      },
    ],
  };
  await expectAgent(controller, "POST", "/v1/datausage/contracts", {
    subject: "sandbox-subscriber-0001",
    data: { msisdn: "+447700900001", plan: "unlimited", monthlyMb: 42_000 },
    policy,
    purposes: ["billing", "customer-care"],
    notice: "North Mobile uses your plan and usage for billing; customer care may see it pseudonymised.",
    recipients: processors.map((p) => p.memberAccount),
    maxDepth: 2,
  });
  log("mno-north created a demo data usage contract (processors osp, call-centre)");
}
