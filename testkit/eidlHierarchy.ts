// The EIDL trust hierarchy through the agents' REST APIs, as tests and benchmarks set it up before their own steps:
// organisation accounts, then vettings (the Trust Authority vets the TNSPs, the KYC vetter and OSPs; the KYC vetter
// vets TNRs, brands and BPOs), then TN grants down the chain. An agent sees another agent's organisation only once
// its indexer caught up, so each cross-agent step waits for that instead of failing.
import assert from "node:assert/strict";
import type { Hex } from "viem";
import type { TestAgentEndpoint } from "./consortium.ts";
import { eventually } from "./eventually.ts";

/** Organisation types of the OrganisationRegistry contract. */
export const ORG_TYPE = {
  KYC_VETTER: 0,
  TNR: 1,
  ENTERPRISE: 2,
  BPO: 3,
  TNSP: 4,
  TRUST_AUTHORITY: 6,
  NUMBERING_AUTHORITY: 7,
  OSP: 8,
} as const;

/** The member role of each EIDL party a set-up names; the agent of party `x` is the consortium member `x`. */
export const EIDL_PARTY_ROLE = {
  ta: "TRUST_AUTHORITY",
  na: "NUMBERING_AUTHORITY",
  kyc: "KYC_VETTER",
  tnsp: "TNSP",
  tnr: "TNR",
  brand: "ENTERPRISE",
  bpo: "BPO",
  osp: "OSP",
} as const;
export type EidlParty = keyof typeof EIDL_PARTY_ROLE;

/** Consortium members (for startTestConsortium) for these EIDL parties, one member each. */
export const eidlMembers = (...parties: EidlParty[]) =>
  parties.map((name) => ({ name, roles: [EIDL_PARTY_ROLE[name]] }));

export interface Org {
  did: string;
  name: string;
}

type Body = Record<string, unknown>;

/** Calls the agent and asserts the status; returns the body. */
export async function ok<T = Body>(
  agent: TestAgentEndpoint,
  method: string,
  path: string,
  body?: unknown,
  status = 200,
): Promise<T> {
  const r = await agent.call<T>(method, path, body);
  assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/** Creates an organisation account hosted by `agent`. */
export async function createOrg(agent: TestAgentEndpoint, name: string, type: number): Promise<Org> {
  const created = await agent.call<Body>("POST", "/v1/accounts", { name, type });
  if (created.status === 201) return { did: created.body.did as string, name };
  // Under heavy load the agent may answer before its read model shows the mined account (404): the account exists on
  // chain, so wait for it in the agent's own list instead of creating a second one.
  assert.equal(created.status, 404, JSON.stringify(created.body));
  const listed = await eventually(async () => {
    const items = (await ok<{ items: Org[] }>(agent, "GET", "/v1/eidl/hosted-accounts")).items;
    const mine = items.find((i) => i.name === name);
    assert.ok(mine, `${name} not yet in the read model`);
    return mine;
  }, 30_000);
  return { did: listed.did, name };
}

/** Records `vetter`'s vetting of `subject` (vetted, no adverse result) through the vetter's agent. */
export async function vet(
  agent: TestAgentEndpoint,
  subject: Org,
  vetter: Org,
  brandName?: string,
): Promise<{ txHash: Hex }> {
  return eventually(() =>
    ok<{ txHash: Hex }>(
      agent,
      "POST",
      `/v1/vetterAuthorization/${subject.did}/vetter/${vetter.did}`,
      { status: 1, result: 0, ...(brandName ? { brandName } : {}) },
      201,
    ),
  );
}

export interface GrantItem {
  tnId: string;
  issuer: Org;
  subject: Org;
  callerName?: string;
  purpose?: string;
}

/** TN grants (allocation, assignment or delegation, by the issuer's position) in one call; one result per item. */
export async function grant(
  agent: TestAgentEndpoint,
  items: readonly GrantItem[],
): Promise<Array<{ grantId: string; txHash: Hex }>> {
  const tnAllocation = items.map(({ tnId, issuer, subject, ...extra }) => ({
    tnId,
    issuerId: issuer.did,
    subjectId: subject.did,
    ...extra,
  }));
  const body = await eventually(() =>
    ok<{ tnAllocationResponse: Array<{ grantId: string; txHash: Hex }> }>(
      agent,
      "POST",
      "/v1/tnallocation",
      { tnAllocation },
      201,
    ),
  );
  return body.tnAllocationResponse;
}

/**
 * Sets Numbering Authority `na`'s numbering-plan scope by governance through the agents: the first governor's agent
 * proposes (its approval counts), the next ones approve until a strict majority set it. Every test member is a
 * founder, so every agent here is a governor's. Returns the proposal id.
 */
export async function setNumberingScope(
  governors: readonly TestAgentEndpoint[],
  na: Org,
  prefixes: readonly string[],
): Promise<number> {
  const [proposer, ...others] = governors;
  assert.ok(proposer, "setNumberingScope needs at least one governor's agent");
  // The proposer's agent must have indexed the authority's account first.
  let outcome = await eventually(() =>
    ok<{ proposalId: number; executed: boolean }>(
      proposer,
      "POST",
      "/v1/eidl/numbering-scopes",
      { numberingAuthorityId: na.did, prefixes },
      201,
    ),
  );
  for (const governor of others) {
    if (outcome.executed) break;
    outcome = await ok(governor, "POST", `/v1/eidl/numbering-scopes/${outcome.proposalId}/approve`);
  }
  assert.ok(outcome.executed, `scope proposal #${outcome.proposalId} found no majority among ${governors.length}`);
  return outcome.proposalId;
}
