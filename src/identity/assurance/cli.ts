// `telco-ledger assurance ...`: identity as a service (vouch for, check and reuse subscribers' ID files) and social
// attestations through a member agent's API. Light: only CLI helpers are imported.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { printResult, table } from "../../cli/output.ts";

const pretty = (r: unknown) => JSON.stringify(r, null, 2);
const json = (path: string): unknown => JSON.parse(readFileSync(path, "utf8"));
type Vouchings = { fingerprint: string; valid: boolean; vouchings: Array<Record<string, unknown>> };
const vouchingTable = (r: Vouchings) =>
  `fingerprint ${r.fingerprint}: ${r.valid ? "VALID" : "NOT VOUCHED"}\n${table(r.vouchings, [
    "memberName",
    "member",
    "status",
    "vouchId",
  ])}`;

export function registerAssuranceCommands(program: Command): void {
  const a = program
    .command("assurance")
    .description("identity as a service (IDM-002: vouch for ID files, KYC reuse) and social attestations (IDM-004)");
  withClientOptions(
    a.command("vouch <idFile>").description("vouch for a verified ID file (JSON): fingerprint on chain"),
  ).action(async (path: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/identity/assurance/vouchings", {
        file: json(path),
        decision: "verified",
      }),
      o,
      pretty,
    ),
  );
  withClientOptions(
    a.command("check <idFile>").description("check an ID file: valid or revoked, and who vouched"),
  ).action(async (path: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/identity/assurance/check", { file: json(path) }),
      o,
      vouchingTable,
    ),
  );
  withClientOptions(
    a.command("reuse <idFile> <consentFile>").description("reuse another member's vouching with the holder's consent"),
  ).action(async (path: string, consent: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/identity/assurance/reuse", {
        file: json(path),
        consent: json(consent),
      }),
      o,
      vouchingTable,
    ),
  );
  withClientOptions(a.command("revoke <vouchId>").description("revoke this member's vouching (final)")).action(
    async (id: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "POST", `/v1/identity/assurance/vouchings/${id}/revoke`, {}), o, pretty),
  );
  withClientOptions(
    a
      .command("attest <subject> <claim>")
      .description("attest a claim (0x + 64 hex) about a person's DID as this member"),
  ).action(async (subject: string, claim: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/identity/assurance/attestations", { subject, claim }),
      o,
      pretty,
    ),
  );
  withClientOptions(
    a
      .command("digest <attester> <subject> <claim>")
      .description("the digest a person signs (EIP-191, e.g. `wallet sign-digest`) to attest a claim about a subject"),
  ).action(async (attester: string, subject: string, claim: string, o: ClientOptions) =>
    printResult(
      await callAgent(
        targetOf(o),
        "GET",
        `/v1/identity/assurance/attestations/digest?attester=${attester}&subject=${subject}&claim=${claim}`,
      ),
      o,
      (r: { digest: string }) => r.digest,
    ),
  );
  withClientOptions(
    a
      .command("relay <attester> <subject> <claim> <signature>")
      .description("relay a person's signed attestation to the ledger (this member pays; the person is the attester)"),
  ).action(async (attester: string, subject: string, claim: string, signature: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/identity/assurance/attestations/relay", {
        attester,
        subject,
        claim,
        signature,
      }),
      o,
      pretty,
    ),
  );
  withClientOptions(a.command("withdraw <attestationId>").description("withdraw this member's attestation")).action(
    async (id: string, o: ClientOptions) =>
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/identity/assurance/attestations/${id}/withdraw`, {}),
        o,
        pretty,
      ),
  );
  withClientOptions(
    a.command("attestations <subject>").description("attestations about a person's DID, and who made them"),
  ).action(async (subject: string, o: ClientOptions) =>
    printResult(
      await callAgentAllItems(targetOf(o), `/v1/identity/assurance/attestations?subject=${subject}`),
      o,
      (r: { items: Array<Record<string, unknown>> }) =>
        table(r.items, ["claim", "attester", "organisation", "status", "attestationId"]),
    ),
  );
  withClientOptions(
    a.command("confidence <subject> <claim>").description("the confidence of a claim and how it is derived"),
  ).action(async (subject: string, claim: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "GET", `/v1/identity/assurance/confidence?subject=${subject}&claim=${claim}`),
      o,
      (r: { people: number; organisations: number; confidence: number; formula: string }) =>
        `confidence ${r.confidence}/100 = ${r.formula} (people ${r.people}, organisations ${r.organisations})`,
    ),
  );
}
