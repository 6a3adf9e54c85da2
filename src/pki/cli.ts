// `telco-ledger pki ...`: apply for, validate, endorse, issue, revoke, check and verify certificates through a member
// agent's API.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, table } from "../cli/output.ts";
import { registerLogCommands } from "./cliLog.ts";
import { registerOfferCommands } from "./cliOffers.ts";
import { registerTimestampCommands } from "./cliTimestamps.ts";
import { registerTriggerCommands } from "./cliTriggers.ts";

type App = Record<string, unknown> & { id: string; state: string; kind: string; dnsName: string };
type Written = { application: App; txHash: string; certificate?: string };
const json = (r: object) => JSON.stringify(r, null, 2);
const line = (a: App) =>
  `${a.id} ${a.kind} ${a.dnsName}: ${a.state} (attestations ${a.domainAttestations}, endorsements ${a.endorsements})`;

export function registerPkiCommands(program: Command): void {
  const pki = program.command("pki").description("ledger-based PKI: DV/OV/EV certificates, revocation, verification");
  registerLogCommands(pki);
  registerTimestampCommands(pki);
  registerTriggerCommands(pki);
  registerOfferCommands(pki);

  const ca = pki.command("ca").description("the consortium's issuing CA");
  withClientOptions(ca.command("setup").description("issuing member: create the CA key and register the CA"))
    .option("--common-name <cn>", "the CA's common name")
    .action(async (o: ClientOptions & { commonName?: string }) => {
      const body = o.commonName ? { commonName: o.commonName } : {};
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/pki/ca", body),
        o,
        (r: { caHash: string; created: boolean }) =>
          `issuing CA ${r.caHash} (${r.created ? "created" : "already held"})`,
      );
    });
  withClientOptions(ca.command("show").description("the current issuing CA certificate (PEM)"))
    .option("--out <file>", "write the PEM to this file")
    .action(async (o: ClientOptions & { out?: string }) => {
      const r = await callAgent<{ certificate: string; caHash: string; issuer: string }>(
        targetOf(o),
        "GET",
        "/v1/pki/ca",
      );
      if (o.out) writeFileSync(o.out, r.certificate);
      printResult(r, o, () => (o.out ? `issuing CA ${r.caHash} of ${r.issuer} written to ${o.out}` : r.certificate));
    });

  withClientOptions(pki.command("apply").description("apply for a certificate by a ledger transaction"))
    .requiredOption("--kind <kind>", "DV | OV | EV")
    .requiredOption("--dns-name <name>", "the DNS name to certify")
    .requiredOption("--public-key <file>", "the key to certify: a P-256 public key, PEM")
    .option("--organization <name>", "the organisation an identified certificate names")
    .option("--anonymous", "an anonymous applicant: the certificate names no organisation")
    .action(
      async (
        o: ClientOptions & {
          kind: string;
          dnsName: string;
          publicKey: string;
          organization?: string;
          anonymous?: boolean;
        },
      ) => {
        const body = {
          kind: o.kind.toUpperCase(),
          dnsName: o.dnsName,
          identified: !o.anonymous,
          ...(o.organization ? { organization: o.organization } : {}),
          publicKey: readFileSync(o.publicKey, "utf8"),
        };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/pki/applications", body),
          o,
          (r: { application: App; challenge: { url: string; keyAuthorization: string } | null }) =>
            [
              `filed ${line(r.application)}`,
              ...(r.challenge ? [`HTTP-01: serve ${r.challenge.keyAuthorization} at ${r.challenge.url}`] : []),
            ].join("\n"),
        );
      },
    );

  withClientOptions(pki.command("challenge <id>").description("the HTTP-01 challenge of a DV application")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/pki/applications/${id}/challenge`), o, json);
    },
  );

  for (const [verb, what] of [
    ["validate", "validator: check the HTTP-01 answer and attest on chain"],
    ["endorse", "endorser: vouch for an OV/EV applicant on chain"],
  ] as const) {
    withClientOptions(pki.command(`${verb} <id>`).description(what)).action(async (id: string, o: ClientOptions) => {
      printResult(
        await callAgent<Written>(targetOf(o), "POST", `/v1/pki/applications/${id}/${verb}`, {}),
        o,
        (r: Written) => `${verb}d: ${line(r.application)}`,
      );
    });
  }

  withClientOptions(pki.command("issue <id>").description("issuing member: issue the certificate of an application"))
    .option("--out <file>", "write the certificate (PEM) to this file")
    .action(async (id: string, o: ClientOptions & { out?: string }) => {
      const r = await callAgent<Written>(targetOf(o), "POST", `/v1/pki/applications/${id}/issue`, {});
      if (o.out && r.certificate) writeFileSync(o.out, r.certificate);
      const cert = r.application.certificate as { serial: string } | null;
      printResult(r, o, () => `issued serial ${cert?.serial}: ${line(r.application)}${o.out ? ` -> ${o.out}` : ""}`);
    });

  withClientOptions(pki.command("revoke <id>").description("revoke a certificate (its issuer or applicant)"))
    .option("--reason <reason>", "RFC 5280 reason, e.g. keyCompromise, superseded", "unspecified")
    .action(async (id: string, o: ClientOptions & { reason: string }) => {
      printResult(
        await callAgent<Written>(targetOf(o), "POST", `/v1/pki/applications/${id}/revoke`, { reason: o.reason }),
        o,
        (r: Written) => `revoked: ${line(r.application)}`,
      );
    });

  withClientOptions(pki.command("status <serial>").description("OCSP-style status of a certificate by serial")).action(
    async (serial: string, o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "GET", `/v1/pki/status/${serial}`),
        o,
        (r: { serial: string; status: string; revocationReason: string | null }) =>
          `serial ${r.serial}: ${r.status}${r.revocationReason ? ` (${r.revocationReason})` : ""}`,
      );
    },
  );

  withClientOptions(
    pki
      .command("verify <certificate>")
      .description("verify a certificate (PEM file) against the ledger; exit 3 if invalid"),
  ).action(async (file: string, o: ClientOptions) => {
    const r = await callAgent<{
      valid: boolean;
      problems: string[];
      kind: string | null;
      issuer: string | null;
      validators: string[];
      endorsers: string[];
    }>(targetOf(o), "POST", "/v1/pki/verify", { certificate: readFileSync(file, "utf8") });
    printResult(r, o, () =>
      r.valid
        ? `valid ${r.kind} certificate, issued by ${r.issuer}; validators: ${r.validators.join(",") || "-"}; endorsers: ${r.endorsers.join(",") || "-"}`
        : `INVALID: ${r.problems.join(", ")}`,
    );
    if (!r.valid) process.exitCode = 3;
  });

  withClientOptions(pki.command("applications").description("certificate applications on the ledger"))
    .option("--state <state>", "filed | issued | revoked")
    .option("--limit <n>", "how many", (v) => Number(v), 50)
    .action(async (o: ClientOptions & { state?: string; limit: number }) => {
      const q = new URLSearchParams({ limit: String(o.limit), ...(o.state ? { state: o.state } : {}) });
      printResult(
        await callAgent<{ items: App[] }>(targetOf(o), "GET", `/v1/pki/applications?${q}`),
        o,
        (r: { items: App[] }) =>
          table(r.items, ["id", "kind", "dnsName", "state", "domainAttestations", "endorsements"]),
      );
    });

  withClientOptions(pki.command("show <id>").description("one application, its certificate and vouchers")).action(
    async (id: string, o: ClientOptions) => {
      printResult(await callAgent(targetOf(o), "GET", `/v1/pki/applications/${id}`), o, json);
    },
  );

  withClientOptions(
    pki.command("pin <dnsName> <target>").description("validator: the name's HTTP-01 server is host:port"),
  ).action(async (dnsName: string, target: string, o: ClientOptions) => {
    printResult(await callAgent(targetOf(o), "PUT", "/v1/pki/http01/pins", { dnsName, target }), o, json);
  });
}
