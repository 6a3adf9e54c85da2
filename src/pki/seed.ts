// Sandbox seeding: the trust authority sets up the consortium's issuing CA, and Acme Bank holds an EV certificate for
// www.acme-bank.example endorsed by the KYC vetter and the numbering authority (2 of the 3 endorsers). Idempotent: run
// again, it completes only what is missing. The demo key's private half is not kept: the certificate is for show.
import { webcrypto } from "node:crypto";
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent, expectAgentOnceIndexed } from "../cli/agentClient.ts";

export const SANDBOX_EV_NAME = "www.acme-bank.example";

type App = { id: string; kind: string; dnsName: string; state: string; endorsements: number };

export async function seedPkiSandbox(members: readonly SandboxMemberHandle[], log: (message: string) => void) {
  const byName = (name: string) => members.find((m) => m.name === name);
  const issuer = byName("trust-authority");
  const brand = byName("acme-brand");
  const endorsers = [byName("kyc-vetter"), byName("numbering-authority")];
  if (!issuer || !brand || endorsers.some((e) => !e)) return;
  await expectAgent(issuer, "POST", "/v1/pki/ca", {});
  const { items } = await expectAgent<{ items: App[] }>(brand, "GET", "/v1/pki/applications?limit=100");
  let app = items.find((a) => a.dnsName === SANDBOX_EV_NAME && a.kind === "EV");
  if (!app) {
    const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
    const spki = Buffer.from(await webcrypto.subtle.exportKey("spki", pair.publicKey)).toString("base64");
    const filed = await expectAgent<{ application: App }>(brand, "POST", "/v1/pki/applications", {
      kind: "EV",
      dnsName: SANDBOX_EV_NAME,
      identified: true,
      organization: "Acme Bank",
      publicKey: spki,
    });
    app = filed.application;
    log(`pki: Acme Bank applied for an EV certificate for ${SANDBOX_EV_NAME}`);
  }
  if (app.state !== "filed") return;
  const detail = await expectAgent<{ vouches: Array<{ member: string }> }>(
    brand,
    "GET",
    `/v1/pki/applications/${app.id}`,
  );
  const vouched = new Set(detail.vouches.map((v) => v.member.toLowerCase()));
  for (const endorser of endorsers) {
    if (endorser && !vouched.has(endorser.memberAccount.toLowerCase())) {
      // The endorser's read model may not have indexed Acme Bank's application yet.
      await expectAgentOnceIndexed(endorser, "POST", `/v1/pki/applications/${app.id}/endorse`, {}, [
        "PKI_APPLICATION_NOT_FOUND",
      ]);
    }
  }
  // The issuer's read model may not have indexed the application or the last endorsement yet.
  await expectAgentOnceIndexed(issuer, "POST", `/v1/pki/applications/${app.id}/issue`, {}, [
    "PKI_APPLICATION_NOT_FOUND",
    "PKI_THRESHOLD_NOT_MET",
  ]);
  log(`pki: EV certificate for ${SANDBOX_EV_NAME} issued by the trust authority`);
}
