// A consortium where the whole chain behind a signed call is EIDL, built through the agents' REST APIs only: the
// Trust Authority vets the TNSP, the KYC vetter and the OSP; the KYC vetter vets the TNR, the Brand and the BPO; the
// governors give the Numbering Authority the scope "1"; it allocates a block to the TNSP, which assigns a sub-block
// to the TNR, which delegates a number to the Brand, which delegates it to its BPO. The authority's agent also runs
// the sandbox's STI-CA; the OSP holds an STI certificate from it and trusts its root. Shared by the signed-calls, SIP
// and benchmark code.
import assert from "node:assert/strict";
import {
  startTestConsortium,
  type TestAgent,
  type TestAgentEndpoint,
  type TestAgentProcess,
  type TestConsortium,
  type TestConsortiumOptions,
} from "./consortium.ts";
import { createOrg, eidlMembers, grant, ORG_TYPE, type Org, ok, setNumberingScope, vet } from "./eidlHierarchy.ts";
import { eventually } from "./eventually.ts";

export { type Org, ok } from "./eidlHierarchy.ts";

export const BLOCK = "1215555";
export const SUB_BLOCK = "12155551";
/** The number the BPO calls from (delegated Brand -> BPO). */
export const CALLING_TN = "12155551212";
export const CALLED_TN = "12125551213";

export interface SignedCallsConsortium {
  consortium: TestConsortium;
  agents: Record<"ta" | "na" | "kyc" | "tnsp" | "tnr" | "brand" | "bpo" | "osp", TestAgent>;
  orgs: Record<"ta" | "na" | "kyc" | "tnsp" | "tnr" | "brand" | "bpo" | "osp", Org>;
  /** The Brand -> BPO delegation of CALLING_TN and its `tnauth` reference. */
  delegation: { grantId: string; tnauth: string };
  /** The STI-CA root the OSP's certificate chains to. */
  rootPem: string;
  stop(): Promise<void>;
}

export type SignedCallsParty = "ta" | "na" | "kyc" | "tnsp" | "tnr" | "brand" | "bpo" | "osp";
export const SIGNED_CALLS_MEMBERS = eidlMembers("ta", "na", "kyc", "tnsp", "tnr", "brand", "bpo", "osp");

export async function startSignedCallsConsortium(): Promise<SignedCallsConsortium> {
  const consortium = await startTestConsortium(SIGNED_CALLS_MEMBERS);
  try {
    const agents = consortium.agents as SignedCallsConsortium["agents"];
    const ready = await setUpSignedCalls(agents);
    return { consortium, agents, ...ready, stop: () => consortium.stop() };
  } catch (error) {
    await consortium.stop();
    throw error;
  }
}

/**
 * The same consortium with each member's agent in its own process (the real CLI), e.g. for HTTP benchmarks.
 * `databaseUrls` puts the named parties' agents on PostgreSQL (e.g. to run replicas of the OSP beside it).
 */
export async function startSignedCallsProcesses(
  options: Omit<TestConsortiumOptions, "agentProcesses"> & {
    databaseUrls?: Partial<Record<SignedCallsParty, string>>;
  } = {},
): Promise<
  Omit<SignedCallsConsortium, "consortium" | "agents"> & {
    consortium: TestConsortium<TestAgentProcess>;
    agents: Record<SignedCallsParty, TestAgentProcess>;
  }
> {
  const { databaseUrls = {}, ...consortiumOptions } = options;
  const members = SIGNED_CALLS_MEMBERS.map((m) => {
    const databaseUrl = databaseUrls[m.name as SignedCallsParty];
    return databaseUrl ? { ...m, databaseUrl } : m;
  });
  const consortium = await startTestConsortium(members, { ...consortiumOptions, agentProcesses: true });
  try {
    const agents = consortium.agents as Record<SignedCallsParty, TestAgentProcess>;
    const ready = await setUpSignedCalls(agents);
    return { consortium, agents, ...ready, stop: () => consortium.stop() };
  } catch (error) {
    await consortium.stop();
    throw error;
  }
}

/** The EIDL chain behind a signed call and the OSP's STI certificate, built through the parties' agents' APIs. */
export async function setUpSignedCalls(
  agents: Record<SignedCallsParty, TestAgentEndpoint>,
): Promise<Pick<SignedCallsConsortium, "orgs" | "delegation" | "rootPem">> {
  const types = {
    ta: ORG_TYPE.TRUST_AUTHORITY,
    na: ORG_TYPE.NUMBERING_AUTHORITY,
    kyc: ORG_TYPE.KYC_VETTER,
    tnsp: ORG_TYPE.TNSP,
    tnr: ORG_TYPE.TNR,
    brand: ORG_TYPE.ENTERPRISE,
    bpo: ORG_TYPE.BPO,
    osp: ORG_TYPE.OSP,
  } as const;
  const names = {
    ta: "Trust Authority",
    na: "Numbering Authority",
    kyc: "KYC Vetter",
    tnsp: "Alpha Telecom",
    tnr: "Numbers Resold",
    brand: "Acme Bank",
    bpo: "Contact Centre",
    osp: "Origin Networks",
  };
  const keys = Object.keys(types) as Array<keyof typeof types>;
  const created = await Promise.all(keys.map((key) => createOrg(agents[key], names[key], types[key])));
  const orgs = Object.fromEntries(keys.map((key, i) => [key, created[i]])) as SignedCallsConsortium["orgs"];
  await vet(agents.ta, orgs.kyc, orgs.ta);
  for (const o of [orgs.tnsp, orgs.osp]) await vet(agents.ta, o, orgs.ta);
  await vet(agents.kyc, orgs.tnr, orgs.kyc);
  await vet(agents.kyc, orgs.brand, orgs.kyc, names.brand);
  await vet(agents.kyc, orgs.bpo, orgs.kyc);
  // The governors (every member) give the Numbering Authority the NANP (country code 1) as its scope.
  await setNumberingScope(Object.values(agents), orgs.na, ["1"]);
  await grant(agents.na, [{ tnId: `${BLOCK}XXXX`, issuer: orgs.na, subject: orgs.tnsp }]);
  await grant(agents.tnsp, [{ tnId: SUB_BLOCK, issuer: orgs.tnsp, subject: orgs.tnr }]);
  await grant(agents.tnr, [
    { tnId: CALLING_TN, issuer: orgs.tnr, subject: orgs.brand, callerName: names.brand, purpose: "Customer service" },
  ]);
  const [delegated] = await grant(agents.brand, [{ tnId: CALLING_TN, issuer: orgs.brand, subject: orgs.bpo }]);
  const grantId = delegated!.grantId;
  // The BPO's tnauth names its grant's TN Authorization credential: issuer DID # credential hash.
  const view = await eventually(() => ok(agents.bpo, "GET", `/v1/eidl/grants/${grantId}`));
  const delegation = { grantId, tnauth: `${view.issuerId}#${String(view.credentialHash).toLowerCase()}` };
  // The OSP's STI certificate from the STI-CA on the authority's agent; test agents listen on port 0, so the OSP
  // is told its real URL (x5u base, and the origin its own STI-VS may fetch from).
  const osp = agents.osp;
  await ok(osp, "PUT", "/v1/stir/settings", { x5uBaseUrl: osp.url, x5uAllowedOrigins: [osp.url] });
  const rootPem = (await ok(agents.ta, "POST", "/v1/stir/ca", { commonName: "Sandbox STI-CA" }))
    .certificatePem as string;
  const { publicKeyPem } = await ok(osp, "POST", "/v1/stir/sti/key", { spc: "1234" });
  const { chainPem } = await ok(agents.ta, "POST", "/v1/stir/ca/certificates", { publicKeyPem, spc: "1234" });
  await ok(osp, "PUT", "/v1/stir/sti/certificate", { chainPem });
  await ok(osp, "POST", "/v1/stir/trust-roots", { pem: rootPem }, 201);
  // The OSP's read model holds the whole chain before any call is placed.
  await eventually(async () => {
    const h = await ok(osp, "GET", `/v1/eidl/tn/${CALLING_TN}/holders`);
    assert.deepEqual(h.holders, [orgs.tnsp.did, orgs.tnr.did, orgs.brand.did, orgs.bpo.did]);
  });
  return { orgs, delegation, rootPem };
}

/**
 * `count` bodies of POST /v1/stir/osp/attestations for the OSP, each carrying its own Enterprise PASSporT signed by
 * the BPO's agent for CALLING_TN -> CALLED_TN (a direct customer): for load generators.
 */
export async function enterpriseAttestationBodies(
  s: { agents: Record<"bpo", TestAgentEndpoint>; orgs: Record<"bpo", Org>; delegation: { tnauth: string } },
  count: number,
): Promise<string[]> {
  const bodies: string[] = [];
  for (let i = 0; i < count; i++) {
    const r = await ok(s.agents.bpo, "POST", "/v1/stir/enterprise/passports", {
      did: s.orgs.bpo.did,
      orig: { tn: CALLING_TN },
      dest: { tn: [CALLED_TN] },
      tnauth: s.delegation.tnauth,
    });
    bodies.push(
      JSON.stringify({
        orig: { tn: CALLING_TN },
        dest: { tn: [CALLED_TN] },
        identity: r.identity,
        directCustomer: true,
      }),
    );
  }
  return bodies;
}
