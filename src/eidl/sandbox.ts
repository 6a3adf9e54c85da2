// Sandbox seeding of the EIDL use case: the organisation accounts of the seeded members, the vetting chain, the
// Numbering Authority's numbering-plan scope (by the governors), and a demo block allocated, assigned and a number delegated, so the use case can be tried right after `npm start`.
// Idempotent: every step first asks the agents whether it is already done.

import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent, requestAgent } from "../cli/agentClient.ts";

interface Account {
  did: string;
  name: string;
  type: number;
}

export const DEMO_BLOCK = "1202555";
export const DEMO_SUB_BLOCK = "12025551";
export const DEMO_TN = "12025551000";
/** The Sandbox Numbering Authority's numbering-plan scope: the NANP. */
export const DEMO_SCOPE = "1";

const ORGS: Array<{ member: string; name: string; type: number }> = [
  { member: "trust-authority", name: "Sandbox Trust Authority", type: 6 },
  { member: "numbering-authority", name: "Sandbox Numbering Authority", type: 7 },
  { member: "kyc-vetter", name: "Sandbox KYC Vetting Co", type: 0 },
  { member: "tnsp-alpha", name: "Alpha Telecom", type: 4 },
  { member: "tnsp-beta", name: "Beta Networks", type: 4 },
  { member: "tn-reseller", name: "Numbers Resold Inc", type: 1 },
  { member: "acme-brand", name: "Acme Bank", type: 2 },
  { member: "call-centre", name: "Contact Centre Ltd", type: 3 },
  { member: "osp", name: "Origin Voice", type: 8 },
];

const call = <T>(member: SandboxMemberHandle, method: string, path: string, body?: unknown) =>
  requestAgent<T>(member, method, path, body);
const ok = <T>(member: SandboxMemberHandle, method: string, path: string, body?: unknown): Promise<T> =>
  expectAgent<T>(member, method, path, body);

export async function seedEidlSandbox(members: readonly SandboxMemberHandle[], log: (m: string) => void) {
  const byName = new Map(members.map((m) => [m.name, m]));
  const agent = (name: string) => {
    const m = byName.get(name);
    if (!m) throw new Error(`the sandbox has no member ${name}`);
    return m;
  };
  const org: Record<string, Account> = {};
  // Each member's agent creates its own organisation: in parallel, one agent per organisation.
  await Promise.all(
    ORGS.map(async (spec) => {
      const m = byName.get(spec.member);
      if (!m) return;
      const hosted = await ok<{ items: Account[] }>(m, "GET", "/v1/eidl/hosted-accounts?limit=100");
      org[spec.member] =
        hosted.items.find((a) => a.name === spec.name && a.type === spec.type) ??
        (await ok<Account>(m, "POST", "/v1/accounts", { name: spec.name, type: spec.type }));
    }),
  );
  log(`eidl: ${Object.keys(org).length} organisation accounts`);

  const vet = async (vetter: string, subject: string, brandName?: string) => {
    const s = org[subject];
    const v = org[vetter];
    if (!s || !v) return;
    const current = await call(agent(vetter), "GET", `/v1/vetterAuthorization/${s.did}/vetter/${v.did}`);
    if (current.status === 200) return;
    await waitForAccount(agent(vetter), s.did);
    await ok(agent(vetter), "POST", `/v1/vetterAuthorization/${s.did}/vetter/${v.did}`, {
      status: 1,
      result: 0,
      ...(brandName ? { brandName } : {}),
    });
  };
  for (const s of ["tnsp-alpha", "tnsp-beta", "kyc-vetter", "osp"]) await vet("trust-authority", s);
  for (const s of ["tn-reseller", "call-centre"]) await vet("kyc-vetter", s);
  await vet("kyc-vetter", "acme-brand", "Acme Bank");
  log("eidl: vetting chain recorded (TA -> TNSPs, KYC vetter, OSP; KYC vetter -> TNR, Brand, BPO)");

  await seedScope(members, agent("numbering-authority"), org["numbering-authority"]);
  log(`eidl: the governors gave the Numbering Authority the numbering-plan scope ${DEMO_SCOPE}`);

  const grant = async (issuer: string, subject: string, tnId: string, extra: Record<string, string> = {}) => {
    const i = org[issuer];
    const s = org[subject];
    if (!i || !s) return;
    const who = await ok<{ holders: string[] }>(agent(issuer), "GET", `/v1/eidl/tn/${DEMO_TN}/holders`);
    if (who.holders.includes(s.did)) return;
    await waitForAccount(agent(issuer), s.did);
    await ok(agent(issuer), "POST", "/v1/tnallocation", {
      tnAllocation: [{ tnId, issuerId: i.did, subjectId: s.did, ...extra }],
    });
  };
  await grant("numbering-authority", "tnsp-alpha", `${DEMO_BLOCK}XXXX`);
  await grant("tnsp-alpha", "tn-reseller", `${DEMO_SUB_BLOCK}XXX`);
  await grant("tn-reseller", "acme-brand", DEMO_TN, { callerName: "Acme Bank", purpose: "Customer service" });
  await grant("acme-brand", "call-centre", DEMO_TN, { callerName: "Acme Bank", purpose: "Customer service" });
  log(`eidl: block ${DEMO_BLOCK}XXXX allocated to Alpha Telecom; ${DEMO_TN} delegated to Acme Bank and its BPO`);
}

/**
 * The Numbering Authority's scope by governance: its own agent proposes (its member governs, like every founder),
 * the other members' agents approve until a strict majority set it.
 */
async function seedScope(members: readonly SandboxMemberHandle[], proposer: SandboxMemberHandle, na?: Account) {
  if (!na) return;
  const current = await ok<{ prefixes: string[] }>(proposer, "GET", `/v1/eidl/numbering-scopes/${na.did}`);
  if (current.prefixes.includes(DEMO_SCOPE)) return;
  let outcome = await ok<{ proposalId: number; executed: boolean }>(proposer, "POST", "/v1/eidl/numbering-scopes", {
    numberingAuthorityId: na.did,
    prefixes: [DEMO_SCOPE],
  });
  for (const member of members) {
    if (outcome.executed) return;
    if (member === proposer) continue;
    const approved = await call<typeof outcome>(
      member,
      "POST",
      `/v1/eidl/numbering-scopes/${outcome.proposalId}/approve`,
    );
    // A member that is not a governor cannot approve: ask the next one.
    if (approved.status === 200) outcome = approved.body;
  }
  if (!outcome.executed) throw new Error(`scope proposal #${outcome.proposalId} found no majority`);
}

/** Another agent's account becomes readable once its indexer has seen the creation. */
async function waitForAccount(member: SandboxMemberHandle, did: string) {
  for (let i = 0; i < 100; i++) {
    if ((await call(member, "GET", `/v1/accounts/${did}`)).status === 200) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${member.name} never saw the account ${did}`);
}
