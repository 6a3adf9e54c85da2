// Sandbox seeding of signed calls: the trust-authority agent is the sandbox's STI-CA; the OSPs (osp, tnsp-alpha,
// tnsp-beta) get an STI key and a certificate with TNAuthList { SPC } served at their agent's public URL (the x5u);
// every agent trusts the CA and accepts x5u URLs on the OSP agents' origins. Idempotent: each step asks first.
import type { SandboxMemberHandle } from "../agent/domain.ts";
import { expectAgent, requestAgent } from "../cli/agentClient.ts";

export const STI_CA_MEMBER = "trust-authority";
export const STI_CA_NAME = "Sandbox STI-CA";
/** OSP members and their Service Provider Codes. */
export const SANDBOX_OSPS: ReadonlyArray<{ member: string; spc: string }> = [
  { member: "osp", spc: "OSP1" },
  { member: "tnsp-alpha", spc: "ALPHA" },
  { member: "tnsp-beta", spc: "BETA" },
];

const call = <T>(member: SandboxMemberHandle, method: string, path: string, body?: unknown) =>
  requestAgent<T>(member, method, path, body);
const ok = <T>(member: SandboxMemberHandle, method: string, path: string, body?: unknown): Promise<T> =>
  expectAgent<T>(member, method, path, body);

/** The x5u this OSP signs with now, or undefined when it has no STI certificate (probe: a harmless ATIS signing). */
async function currentX5u(member: SandboxMemberHandle): Promise<string | undefined> {
  const r = await call<{ signingResponse?: { identity: string } }>(member, "POST", "/stir/v1/signing", {
    signingRequest: {
      attest: "C",
      orig: { tn: "12025550000" },
      dest: { tn: ["12025550001"] },
      iat: Math.floor(Date.now() / 1000),
      origid: "00000000-0000-4000-8000-000000000000",
    },
  });
  if (r.status !== 200 || !r.body.signingResponse) return undefined;
  return /;info=<([^>]+)>/.exec(r.body.signingResponse.identity)?.[1];
}

export async function seedStirSandbox(members: readonly SandboxMemberHandle[], log: (m: string) => void) {
  const byName = new Map(members.map((m) => [m.name, m]));
  const ca = byName.get(STI_CA_MEMBER);
  if (!ca) throw new Error(`the sandbox has no member ${STI_CA_MEMBER}`);
  const { certificatePem: rootPem } = await ok<{ certificatePem: string }>(ca, "POST", "/v1/stir/ca", {
    commonName: STI_CA_NAME,
  });
  log(`stir: ${STI_CA_MEMBER} is the STI-CA (${STI_CA_NAME})`);

  const osps = SANDBOX_OSPS.flatMap((o) => {
    const m = byName.get(o.member);
    return m ? [{ ...o, agent: m }] : [];
  });
  for (const { agent, spc } of osps) {
    const x5u = await currentX5u(agent);
    if (x5u?.startsWith(`${agent.url.replace(/\/$/, "")}/`)) continue;
    const { publicKeyPem } = await ok<{ publicKeyPem: string }>(agent, "POST", "/v1/stir/sti/key", { spc });
    const { chainPem } = await ok<{ chainPem: string }>(ca, "POST", "/v1/stir/ca/certificates", { publicKeyPem, spc });
    await ok(agent, "PUT", "/v1/stir/sti/certificate", { chainPem });
  }
  log(`stir: STI certificates (TNAuthList SPC) for ${osps.map((o) => `${o.member} ${o.spc}`).join(", ")}`);

  const ospOrigins = osps.map((o) => new URL(o.agent.url).origin);
  await Promise.all(
    members.map(async (m) => {
      await ok(m, "POST", "/v1/stir/trust-roots", { pem: rootPem });
      const settings = await ok<{ x5uAllowedOrigins: string[] }>(m, "GET", "/v1/stir/settings");
      const missing = ospOrigins.filter((o) => !settings.x5uAllowedOrigins.includes(o));
      if (missing.length > 0) {
        await ok(m, "PUT", "/v1/stir/settings", { x5uAllowedOrigins: [...settings.x5uAllowedOrigins, ...missing] });
      }
    }),
  );
  log(`stir: every agent trusts the STI-CA and fetches x5u from ${ospOrigins.join(", ")}`);
}
