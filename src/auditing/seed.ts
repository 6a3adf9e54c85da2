// Sandbox seeding: one auditing case and one random-audit lottery, so `npm start` shows the domain at work. The TN
// reseller buys a SIP trunk activation from the OSP (200.00 EUR, half at completion, half escrowed for a week),
// complains about it (stake 20.00) and the KYC vetter commits to the case's beacon round: the case waits for its draw.
// A second agreement agrees that every fourth completed task is audited at random; its one task is completed and its
// lottery waits for the beacon. Both parties are members no other walkthrough pays, and the seed moves no clock.
// Idempotent: a sandbox that has any auditing case is left as it is.
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent } from "../cli/agentClient.ts";

const RECIPIENT = "tn-reseller";
const PROVIDER = "osp";
const BEACON_MEMBER = "kyc-vetter";

export async function seedAuditingSandbox(
  members: readonly SandboxMemberHandle[],
  log: (message: string) => void,
): Promise<void> {
  const named = (name: string) => members.find((m) => m.name === name);
  const recipient = named(RECIPIENT);
  const provider = named(PROVIDER);
  const beaconMember = named(BEACON_MEMBER);
  const bank = members.find((m) => m.roles.includes("SETTLEMENT_BANK"));
  if (!recipient || !provider || !beaconMember || !bank) return;
  const cases = await expectAgent<{ items: unknown[] }>(recipient, "GET", "/v1/auditing/cases?limit=1");
  if (cases.items.length > 0) return;
  await expectAgent(bank, "POST", "/v1/settlement/mint", {
    to: recipient.memberAccount,
    amount: "32000",
    bankRef: "auditing sandbox seed",
  });
  const task = async (fee: string, auditBps: number, terms: string, reference: string) => {
    const { agreementId } = await expectAgent<{ agreementId: string }>(recipient, "POST", "/v1/auditing/agreements", {
      provider: provider.memberAccount,
      fee,
      upfrontBps: 5000,
      escrowSeconds: 7 * 86_400,
      auditBps,
      terms,
    });
    await expectAgent(provider, "POST", `/v1/auditing/agreements/${agreementId}/accept`);
    const { taskId } = await expectAgent<{ taskId: string }>(recipient, "POST", "/v1/auditing/tasks", {
      agreementId,
      reference,
    });
    await expectAgent(provider, "POST", `/v1/auditing/tasks/${taskId}/completion`, { report: `${reference}: done` });
    return taskId;
  };
  const disputed = await task("20000", 0, "SIP trunk activation: 30 channels live within 2 days", "trunk T-9");
  const { caseId } = await expectAgent<{ caseId: string }>(
    recipient,
    "POST",
    `/v1/auditing/tasks/${disputed}/complaints`,
    { evidence: "trunk T-9 drops a third of calls at the evening peak" },
  );
  await expectAgent(beaconMember, "POST", `/v1/auditing/cases/${caseId}/beacon/commit`);
  log(`${RECIPIENT} complained about ${PROVIDER}'s task: auditing case ${caseId} waits for its jury draw`);
  const audited = await task("10000", 2500, "number porting batch: 25% of batches audited at random", "port batch 1");
  await expectAgent(beaconMember, "POST", `/v1/auditing/tasks/${audited}/audit/beacon/commit`);
  log(`${PROVIDER} completed task ${audited}: its random-audit lottery (25%) waits for the members' beacon`);
}
