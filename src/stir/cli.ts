// `telco-ledger stir ...`: signed calls through a member agent's API (sign an Enterprise PASSporT, ask the OSP for an
// attestation, verify an Identity header, manage the STI-VS trust roots).
import { readFile } from "node:fs/promises";
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError, printResult, table } from "../cli/output.ts";

type Items = { items: Array<Record<string, unknown>> };
type Decision = { attest: string; origid: string; reasons: string[]; identity: string; callerDid?: string | null };
type Verification = {
  verificationResponse: { verstat: string; attest?: string; reasonCode?: number; reason?: string };
};

type Diverted = {
  verstat: string;
  attest?: string;
  reasonCode?: number;
  reason?: string;
  steps: Array<{ ppt: string; div?: string; dest: string[]; divertingDid?: string; passed: boolean; reason?: string }>;
};

const list = (value: string) =>
  value
    .split(",")
    .map((tn) => tn.trim())
    .filter((tn) => tn !== "");

/** The PEM given inline or, when it names a file, that file's text. */
async function pemOf(value: string): Promise<string> {
  if (value.includes("-----BEGIN")) return value;
  try {
    return await readFile(value, "utf8");
  } catch {
    throw new CliError(`pem: ${value} is neither a PEM nor a readable file`);
  }
}

export function registerStirCommands(program: Command): void {
  const stir = program.command("stir").description("signed calls: Enterprise PASSporTs, OSP attestation, STI-VS");

  withClientOptions(
    stir
      .command("sign <did> <orig> <dest>")
      .description("sign an Enterprise PASSporT for a hosted DID (dest: TN list)"),
  )
    .requiredOption("--tnauth <ref>", "TN authorization reference <issuer DID>#<credentialHash>")
    .option("--name <nam>", "caller name: rcd PASSporT")
    .action(async (did: string, orig: string, dest: string, o: ClientOptions & { tnauth: string; name?: string }) => {
      const body = {
        did,
        orig: { tn: orig },
        dest: { tn: list(dest) },
        tnauth: o.tnauth,
        ...(o.name !== undefined ? { rcd: { nam: o.name } } : {}),
      };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/stir/enterprise/passports", body),
        o,
        (r: { identity: string }) => r.identity,
      );
    });

  withClientOptions(
    stir.command("attest <orig> <dest>").description("ask this agent (the OSP) to attest a call and sign it SHAKEN"),
  )
    .option("--identity <header>", "the enterprise's Identity header")
    .option("--direct-customer", "the caller is a customer this OSP authenticated", false)
    .action(async (orig: string, dest: string, o: ClientOptions & { identity?: string; directCustomer: boolean }) => {
      const body = {
        orig: { tn: orig },
        dest: { tn: list(dest) },
        directCustomer: o.directCustomer,
        ...(o.identity !== undefined ? { identity: o.identity } : {}),
      };
      printResult(await callAgent(targetOf(o), "POST", "/v1/stir/osp/attestations", body), o, (r: Decision) =>
        [
          `attest ${r.attest} (origid ${r.origid})${r.reasons.length ? `: ${r.reasons.join(", ")}` : ""}`,
          r.identity,
        ].join("\n"),
      );
    });

  withClientOptions(
    stir
      .command("divert <identity> <div> <dest>")
      .description("ask this agent (the OSP) to sign a div PASSporT: the call to <div> is forwarded to <dest>"),
  )
    .requiredOption("--diverting-did <did>", "the organisation forwarding the call (this OSP's customer)")
    .action(async (identity: string, div: string, dest: string, o: ClientOptions & { divertingDid: string }) => {
      const body = { identity, div: { tn: div }, dest: { tn: list(dest) }, divertingDid: o.divertingDid };
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/stir/osp/diversions", body),
        o,
        (r: { identity: string }) => r.identity,
      );
    });

  withClientOptions(
    stir
      .command("verify <from> <to> <identity...>")
      .description("verify a call's Identity headers (STI-VS): one SHAKEN, or SHAKEN and div PASSporTs"),
  )
    .option("--time <seconds>", "verify as at this Unix time", (v) => Number(v))
    .action(async (from: string, to: string, identities: string[], o: ClientOptions & { time?: number }) => {
      if (identities.length > 1) {
        const body = {
          from: { tn: from },
          to: { tn: list(to) },
          identities,
          ...(o.time !== undefined ? { time: o.time } : {}),
        };
        printResult(await callAgent(targetOf(o), "POST", "/v1/stir/verifications", body), o, (r: Diverted) =>
          [
            r.reasonCode
              ? `${r.verstat}: ${r.reasonCode} ${r.reason ?? ""}`.trim()
              : `${r.verstat} (attest ${r.attest})`,
            ...r.steps.map(
              (s) =>
                `  ${s.ppt}${s.div ? ` from ${s.div}` : ""} -> ${s.dest.join(",")}${s.divertingDid ? ` by ${s.divertingDid}` : ""}: ${s.passed ? "ok" : s.reason}`,
            ),
          ].join("\n"),
        );
        return;
      }
      const identity = identities[0] as string;
      const body = {
        verificationRequest: {
          from: { tn: from },
          to: { tn: list(to) },
          identity,
          ...(o.time !== undefined ? { time: o.time } : {}),
        },
      };
      printResult(await callAgent(targetOf(o), "POST", "/stir/v1/verification", body), o, (r: Verification) => {
        const v = r.verificationResponse;
        return v.reasonCode
          ? `${v.verstat}: ${v.reasonCode} ${v.reason ?? ""}`.trim()
          : `${v.verstat}${v.attest ? ` (attest ${v.attest})` : ""}`;
      });
    });

  const roots = stir.command("trust-root").description("trusted STI-CA roots of this agent's STI-VS");
  withClientOptions(roots.command("list").description("list the trusted roots")).action(async (o: ClientOptions) => {
    // Every page: a root left out would look untrusted to whoever reads the list.
    const { items } = await callAgentAllItems(targetOf(o), "/v1/stir/trust-roots");
    printResult({ items }, o, (r: Items) => table(r.items, ["fingerprint", "subject", "notAfter", "source"]));
  });
  withClientOptions(roots.command("add <pem>").description("trust a root (PEM text or a PEM file)")).action(
    async (pem: string, o: ClientOptions) => {
      const body = { pem: await pemOf(pem) };
      printResult(await callAgent<Items>(targetOf(o), "POST", "/v1/stir/trust-roots", body), o, (r: Items) =>
        table(r.items, ["fingerprint", "subject", "notAfter"]),
      );
    },
  );
  withClientOptions(roots.command("remove <fingerprint>").description("stop trusting a root")).action(
    async (fingerprint: string, o: ClientOptions) => {
      await callAgent(targetOf(o), "DELETE", `/v1/stir/trust-roots/${encodeURIComponent(fingerprint)}`);
      printResult({ removed: fingerprint }, o, () => `removed ${fingerprint}`);
    },
  );
}
