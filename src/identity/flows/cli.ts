import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { CliError, printResult, readInputText, table } from "../../cli/output.ts";

const pretty = (r: unknown) => JSON.stringify(r, null, 2);

function jsonFile(path: string, what: string): unknown {
  try {
    return JSON.parse(readInputText(path));
  } catch (error) {
    throw new CliError(`cannot read the ${what} from ${path}: ${(error as Error).message}`);
  }
}

export function registerFlowCommands(identity: Command): void {
  const service = identity.command("service").description("attestation services this agent issues (flows 2.2/2.3)");
  withClientOptions(
    service
      .command("put <type> <serviceFile>")
      .description("define the service of an attestation type: issuer, preconditions, claims (JSON file or -)"),
  ).action(async (type: string, file: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "PUT", `/v1/identity/attestation-services/${type}`, jsonFile(file, "service")),
      o,
      pretty,
    ),
  );
  withClientOptions(service.command("show <type>").description("one attestation service")).action(
    async (type: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "GET", `/v1/identity/attestation-services/${type}`), o, pretty),
  );
  withClientOptions(service.command("list").description("the attestation services")).action(async (o: ClientOptions) =>
    printResult(
      await callAgentAllItems(targetOf(o), "/v1/identity/attestation-services"),
      o,
      (r: { items: Array<Record<string, unknown>> }) => table(r.items, ["type", "issuer", "description"]),
    ),
  );
  const attestation = identity.command("attestation").description("attestations this agent's flows issued");
  withClientOptions(attestation.command("list").description("issued attestations, newest first")).action(
    async (o: ClientOptions) =>
      printResult(
        await callAgentAllItems(targetOf(o), "/v1/identity/attestations"),
        o,
        (r: { items: Array<Record<string, unknown>> }) => table(r.items, ["type", "state", "holder", "credentialId"]),
      ),
  );
  withClientOptions(
    attestation
      .command("revoke <credentialId>")
      .description("revoke on chain and tell the holder (RevokeAttestation)")
      .requiredOption("--reason <crlReason>", "RFC 5280 CRLReason name, e.g. privilegeWithdrawn")
      .requiredOption("--purpose <text>", "what the holder is told"),
  ).action(async (id: string, o: ClientOptions & { reason: string; purpose: string }) =>
    printResult(
      await callAgent(targetOf(o), "POST", `/v1/identity/attestations/${id}/revoke`, {
        reason: o.reason,
        purpose: o.purpose,
      }),
      o,
      pretty,
    ),
  );
  withClientOptions(
    attestation
      .command("amend <credentialId> <claimsFile>")
      .description(
        "issue a replacement with changed claims (JSON file or -), the old one superseded (AmendAttestation)",
      )
      .requiredOption("--purpose <text>", "what the holder is told"),
  ).action(async (id: string, file: string, o: ClientOptions & { purpose: string }) =>
    printResult(
      await callAgent(targetOf(o), "POST", `/v1/identity/attestations/${id}/amend`, {
        claims: jsonFile(file, "claims"),
        purpose: o.purpose,
      }),
      o,
      pretty,
    ),
  );
}
