// A consortium where the whole chain behind a signed call is EIDL, built through the agents' REST APIs only: the
// Trust Authority vets the TNSP, the KYC vetter and the OSP; the KYC vetter vets the TNR, the Brand and the BPO; the
// Numbering Authority allocates a block to the TNSP, which assigns a sub-block to the TNR, which delegates a number
// to the Brand, which delegates it to its BPO. The authority's agent also runs the sandbox's STI-CA; the OSP holds
// an STI certificate from it and trusts its root. Shared by the signed-calls, SIP and benchmark code.
import assert from "node:assert/strict";
import { startTestConsortium, type TestAgent, type TestConsortium } from "./consortium.ts";
import { eventually } from "./eventually.ts";

type Body = Record<string, unknown>;

export const BLOCK = "1215555";
export const SUB_BLOCK = "12155551";
/** The number the BPO calls from (delegated Brand -> BPO). */
export const CALLING_TN = "12155551212";
export const CALLED_TN = "12125551213";

export interface Org {
  did: string;
  name: string;
}

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

export async function ok(agent: TestAgent, method: string, path: string, body?: unknown, status = 200) {
  const r = await agent.call<Body>(method, path, body);
  assert.equal(r.status, status, `${method} ${path}: ${JSON.stringify(r.body)}`);
  return r.body;
}

export async function startSignedCallsConsortium(): Promise<SignedCallsConsortium> {
  const consortium = await startTestConsortium([
    { name: "ta", roles: ["TRUST_AUTHORITY"] },
    { name: "na", roles: ["NUMBERING_AUTHORITY"] },
    { name: "kyc", roles: ["KYC_VETTER"] },
    { name: "tnsp", roles: ["TNSP"] },
    { name: "tnr", roles: ["TNR"] },
    { name: "brand", roles: ["ENTERPRISE"] },
    { name: "bpo", roles: ["BPO"] },
    { name: "osp", roles: ["OSP"] },
  ]);
  try {
    const agents = consortium.agents as SignedCallsConsortium["agents"];
    const types = { ta: 6, na: 7, kyc: 0, tnsp: 4, tnr: 1, brand: 2, bpo: 3, osp: 8 } as const;
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
    const orgs = {} as SignedCallsConsortium["orgs"];
    await Promise.all(
      (Object.keys(types) as Array<keyof typeof types>).map(async (key) => {
        const created = await agents[key].call<Body>("POST", "/v1/accounts", { name: names[key], type: types[key] });
        if (created.status === 201) {
          orgs[key] = { did: created.body.did as string, name: names[key] };
          return;
        }
        // Under heavy load the EIDL agent may answer before its read model shows the mined account (404): the
        // account exists on chain, so wait for it in the agent's own list instead of creating a second one.
        assert.equal(created.status, 404, JSON.stringify(created.body));
        const listed = await eventually(async () => {
          const items = (await ok(agents[key], "GET", "/v1/accounts")).items as Array<{ did: string; name: string }>;
          const mine = items.find((i) => i.name === names[key]);
          assert.ok(mine, `${names[key]} not yet in the read model`);
          return mine;
        }, 30_000);
        orgs[key] = { did: listed.did, name: names[key] };
      }),
    );
    const vet = (key: "ta" | "kyc", subject: Org, brandName?: string) =>
      ok(
        agents[key],
        "POST",
        `/v1/vetterAuthorization/${subject.did}/vetter/${orgs[key].did}`,
        { status: 1, result: 0, ...(brandName ? { brandName } : {}) },
        201,
      );
    // Each agent sees the others' organisations only after its indexer caught up.
    await eventually(() => vet("ta", orgs.kyc));
    for (const o of [orgs.tnsp, orgs.osp]) await eventually(() => vet("ta", o));
    await eventually(() => vet("kyc", orgs.tnr));
    await vet("kyc", orgs.brand, names.brand);
    await vet("kyc", orgs.bpo);
    const grant = async (key: keyof typeof types, tnId: string, issuer: Org, subject: Org, extra: Body = {}) =>
      (
        (await eventually(() =>
          ok(
            agents[key],
            "POST",
            "/v1/tnallocation",
            { tnAllocation: [{ tnId, issuerId: issuer.did, subjectId: subject.did, ...extra }] },
            201,
          ),
        )) as { tnAllocationResponse: Array<{ grantId: string }> }
      ).tnAllocationResponse[0] as { grantId: string };
    await grant("na", `${BLOCK}XXXX`, orgs.na, orgs.tnsp);
    await grant("tnsp", SUB_BLOCK, orgs.tnsp, orgs.tnr);
    await grant("tnr", CALLING_TN, orgs.tnr, orgs.brand, { callerName: names.brand, purpose: "Customer service" });
    const { grantId } = await grant("brand", CALLING_TN, orgs.brand, orgs.bpo);
    // The BPO's tnauth names its grant's TN Authorization credential: issuer DID # credential hash.
    const view = await eventually(() => ok(agents.bpo, "GET", `/v1/tnallocation/${grantId}`));
    const delegation = { grantId, tnauth: `${view.issuerId}#${String(view.credentialHash).toLowerCase()}` };
    // The OSP's STI certificate from the STI-CA on the authority's agent; test agents listen on port 0, so the OSP
    // is told its real URL (x5u base, and the origin its own STI-VS may fetch from).
    const osp = agents.osp;
    await ok(osp, "PUT", "/stir/v1/settings", { x5uBaseUrl: osp.url, x5uAllowedOrigins: [osp.url] });
    const rootPem = (await ok(agents.ta, "POST", "/stir/v1/ca", { commonName: "Sandbox STI-CA" }))
      .certificatePem as string;
    const { publicKeyPem } = await ok(osp, "POST", "/stir/v1/sti/key", { spc: "1234" });
    const { chainPem } = await ok(agents.ta, "POST", "/stir/v1/ca/certificates", { publicKeyPem, spc: "1234" });
    await ok(osp, "PUT", "/stir/v1/sti/certificate", { chainPem });
    await ok(osp, "POST", "/stir/v1/trust-roots", { pem: rootPem }, 201);
    // The OSP's read model holds the whole chain before any call is placed.
    await eventually(async () => {
      const h = await ok(osp, "GET", `/v1/tn/${CALLING_TN}/holders`);
      assert.deepEqual(h.holders, [orgs.tnsp.did, orgs.tnr.did, orgs.brand.did, orgs.bpo.did]);
    });
    return { consortium, agents, orgs, delegation, rootPem, stop: () => consortium.stop() };
  } catch (error) {
    await consortium.stop();
    throw error;
  }
}
