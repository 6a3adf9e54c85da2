// `telco-ledger did ...` and `telco-ledger vc ...`: DIDs and verifiable credentials through a member agent's API.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult, progress, table } from "../cli/output.ts";
import { registerAssuranceCommands } from "./assurance/cli.ts";
import { registerFlowCommands } from "./flows/cli.ts";
import { registerHubCommands } from "./hub/cli.ts";
import { registerLinkCommands } from "./links/cli.ts";
import { registerRecoveryCommands } from "./recovery/cli.ts";
import { registerWalletCommands } from "./walletCli.ts";

const pretty = (r: unknown) => JSON.stringify(r, null, 2);

type Items = { items: Array<Record<string, unknown>> };

export function registerIdentityCommands(program: Command): void {
  registerAssuranceCommands(program);
  registerWalletCommands(program);
  const identity = program.command("identity").description("identity flows through an agent (links, hubs)");
  registerLinkCommands(identity);
  registerHubCommands(identity);
  registerFlowCommands(identity);
  const did = program.command("did").description("organisation DIDs (did:ethr) hosted by an agent");
  withClientOptions(did.command("list").description("DIDs this agent hosts")).action(async (o: ClientOptions) => {
    printResult(await callAgentAllItems(targetOf(o), "/v1/identity/dids"), o, (r: Items) =>
      table(r.items, ["label", "did", "controller", "serviceEndpoint"]),
    );
  });
  withClientOptions(
    did.command("create <label>").description("create an organisation DID (keys generated in the agent)"),
  )
    .option("--service-endpoint <url>", "agent URL to publish (default: the agent's public URL)")
    .action(async (label: string, o: ClientOptions & { serviceEndpoint?: string }) => {
      progress(o, "creating the DID and publishing its key and endpoint (waits until mined)");
      const body = { label, ...(o.serviceEndpoint ? { serviceEndpoint: o.serviceEndpoint } : {}) };
      printResult(await callAgent(targetOf(o), "POST", "/v1/identity/dids", body), o, pretty);
    });
  withClientOptions(did.command("resolve <did>").description("resolve any DID to its DID document")).action(
    async (value: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "GET", `/v1/identity/dids/${value}`), o, pretty),
  );
  withClientOptions(
    did.command("rotate-key <did>").description("publish a new P-256 signing key, revoke the old"),
  ).action(async (value: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "POST", `/v1/identity/dids/${value}/signing-key/rotate`), o, pretty),
  );
  withClientOptions(did.command("revoke-key <did>").description("revoke the DID's signing key")).action(
    async (value: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "DELETE", `/v1/identity/dids/${value}/signing-key`), o, pretty),
  );
  withClientOptions(
    did.command("set-endpoint <did> <url>").description("replace the DID's agent service endpoint"),
  ).action(async (value: string, url: string, o: ClientOptions) =>
    printResult(
      await callAgent(targetOf(o), "PUT", `/v1/identity/dids/${value}/service-endpoint`, { serviceEndpoint: url }),
      o,
      pretty,
    ),
  );
  withClientOptions(
    did.command("rotate-controller <did>").description("move control of the DID to a new account"),
  ).action(async (value: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "POST", `/v1/identity/dids/${value}/controller/rotate`), o, pretty),
  );
  registerRecoveryCommands(did);

  const vc = program.command("vc").description("W3C verifiable credentials (JWT) with on-chain status");
  withClientOptions(vc.command("issue").description("issue a credential from a DID this agent hosts"))
    .requiredOption("--issuer <did>", "issuer DID (hosted by this agent)")
    .requiredOption("--type <types>", "comma-separated credential types, e.g. VettingStatus")
    .requiredOption("--subject <json>", "credentialSubject as JSON, or @file.json")
    .option("--expires <date>", "expirationDate (ISO 8601)")
    .option("--format <format>", "jwt-vc-1.1 (default) or vc+jwt-2.0 (VC Data Model 2.0 secured as JOSE)")
    .action(
      async (
        o: ClientOptions & { issuer: string; type: string; subject: string; expires?: string; format?: string },
      ) => {
        const subject = JSON.parse(o.subject.startsWith("@") ? readFileSync(o.subject.slice(1), "utf8") : o.subject);
        const body = {
          issuer: o.issuer,
          type: o.type.split(",").map((t) => t.trim()),
          credentialSubject: subject,
          ...(o.expires ? { expirationDate: o.expires } : {}),
          ...(o.format ? { format: o.format } : {}),
        };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/identity/credentials", body),
          o,
          (r: { jwt: string; credentialId: string }) => `credentialId ${r.credentialId}\n${r.jwt}`,
        );
      },
    );
  withClientOptions(
    vc.command("issue-sd-jwt").description("issue an SD-JWT VC of identity attributes, each selectively disclosable"),
  )
    .requiredOption("--issuer <did>", "issuer DID (hosted by this agent)")
    .requiredOption("--holder <did>", "holder DID (the credential is bound to its P-256 key)")
    .requiredOption("--claims <json>", "identity attributes as JSON (given_name, birthdate, address...), or @file.json")
    .option("--vct <type>", "credential type (default urn:telco-ledger:vct:identity:1)")
    .option("--expires <date>", "expirationDate (ISO 8601)")
    .action(
      async (o: ClientOptions & { issuer: string; holder: string; claims: string; vct?: string; expires?: string }) => {
        const claims = JSON.parse(o.claims.startsWith("@") ? readFileSync(o.claims.slice(1), "utf8") : o.claims);
        const body = {
          issuer: o.issuer,
          holder: o.holder,
          claims,
          ...(o.vct ? { vct: o.vct } : {}),
          ...(o.expires ? { expirationDate: o.expires } : {}),
        };
        printResult(
          await callAgent(targetOf(o), "POST", "/v1/identity/credentials/sd-jwt", body),
          o,
          (r: { sdJwt: string; credentialId: string }) => `credentialId ${r.credentialId}\n${r.sdJwt}`,
        );
      },
    );
  withClientOptions(
    vc.command("present <digest>").description("present a held SD-JWT VC: only the chosen claims, key-bound"),
  )
    .requiredOption(
      "--disclose <claims>",
      "comma-separated claims to show, e.g. given_name,age_over_18,address.locality",
    )
    .requiredOption("--nonce <nonce>", "the verifier's nonce")
    .requiredOption("--audience <aud>", "the verifier's identifier (DID or URL)")
    .action(async (digest: string, o: ClientOptions & { disclose: string; nonce: string; audience: string }) => {
      const body = { disclose: o.disclose.split(",").map((c) => c.trim()), nonce: o.nonce, audience: o.audience };
      printResult(
        await callAgent(targetOf(o), "POST", `/v1/identity/credentials/held/${digest}/present`, body),
        o,
        (r: { presentation: string }) => r.presentation,
      );
    });
  withClientOptions(
    vc
      .command("verify-sd-jwt <presentation>")
      .description("verify an SD-JWT VC presentation: issuer, disclosures, key binding, status"),
  )
    .requiredOption("--nonce <nonce>", "the nonce the verifier gave the holder")
    .requiredOption("--audience <aud>", "the verifier's identifier the holder bound to")
    .action(async (presentation: string, o: ClientOptions & { nonce: string; audience: string }) => {
      const value = presentation.startsWith("@") ? readFileSync(presentation.slice(1), "utf8").trim() : presentation;
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/identity/credentials/verify-sd-jwt", {
          presentation: value,
          nonce: o.nonce,
          audience: o.audience,
        }),
        o,
        pretty,
      );
    });
  withClientOptions(
    vc.command("list").description("credentials this agent's DIDs issued, newest first, with their status now"),
  ).action(async (o: ClientOptions) => {
    printResult(await callAgentAllItems(targetOf(o), "/v1/identity/credentials?role=issued"), o, (r: Items) =>
      table(r.items, ["credentialId", "types", "subject", "issuedAt", "status", "reason"]),
    );
  });
  withClientOptions(
    vc
      .command("receive <jwt>")
      .description("keep a credential (JWT or SD-JWT VC) issued to a DID hosted here (verified first)"),
  ).action(async (jwt: string, o: ClientOptions) => {
    const credential = jwt.startsWith("@") ? readFileSync(jwt.slice(1), "utf8").trim() : jwt;
    printResult(
      await callAgent(targetOf(o), "POST", "/v1/identity/credentials/held", { jwt: credential }),
      o,
      (r: { stored: boolean; credential: { digest: string; status: string } }) =>
        `${r.stored ? "held" : "already held"} ${r.credential.digest} (${r.credential.status})`,
    );
  });
  withClientOptions(
    vc.command("held").description("credentials this agent's DIDs hold, newest received first, with their status now"),
  ).action(async (o: ClientOptions) => {
    printResult(await callAgentAllItems(targetOf(o), "/v1/identity/credentials/held"), o, (r: Items) =>
      table(r.items, ["digest", "types", "issuer", "subject", "receivedAt", "status"]),
    );
  });
  withClientOptions(
    vc.command("verify <jwt>").description("verify any W3C JWT credential: signature, validity period, status"),
  ).action(async (jwt: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "POST", "/v1/identity/credentials/verify", { jwt }), o, pretty),
  );
  for (const action of ["revoke", "suspend", "reinstate"] as const) {
    withClientOptions(vc.command(`${action} <credentialId>`).description(`${action} a credential this member issued`))
      .requiredOption("--issuer <did>", "issuer DID")
      .option(
        "--reason <reason>",
        "Unspecified | KeyCompromise | Superseded | CessationOfOperation | Fraud | NumberPort | Canceled | Expired | VettingWithdrawn",
        "Unspecified",
      )
      .action(async (id: string, o: ClientOptions & { issuer: string; reason: string }) => {
        progress(o, `${action} (waits until mined)`);
        printResult(
          await callAgent(targetOf(o), "POST", `/v1/identity/credentials/${id}/${action}`, {
            issuer: o.issuer,
            reason: o.reason,
          }),
          o,
          pretty,
        );
      });
  }
  withClientOptions(vc.command("status <credentialId>").description("current status and history of a credential"))
    .requiredOption("--issuer <did>", "issuer DID")
    .action(async (id: string, o: ClientOptions & { issuer: string }) => {
      const issuer = encodeURIComponent(o.issuer);
      const target = targetOf(o);
      const current = await callAgent<object>(target, "GET", `/v1/identity/credentials/${id}/status?issuer=${issuer}`);
      const history = await callAgentAllItems(target, `/v1/identity/credentials/${id}/status/history?issuer=${issuer}`);
      printResult({ ...current, history: history.items }, o, pretty);
    });
}
