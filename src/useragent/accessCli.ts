// `telco-ledger wallet access ...` and `wallet present`: the user agent's access permissions (useragent/access.ts) on
// the command line. A RequestAccess or RequestAttestation token is what an agent's outbox posted to the person's
// endpoint (a file, - for stdin); each run opens it afresh (the replay guard lasts one run). Grants and retractions
// are signed with the wallet's hub owner key; the messages with the pairwise DID for the agent. Heavy modules load
// inside the actions.
import type { Command } from "commander";
import { CliError, printResult, table } from "../cli/output.ts";
import { readInput, type WalletCliOptions, wallet, withWallet } from "../identity/walletCli.ts";

const pretty = (r: unknown) => JSON.stringify(r, null, 2);

interface GrantOptions extends WalletCliOptions {
  hub: string;
  copy: string[];
  bind?: string;
  expiresAt?: string;
}

async function accessOf(o: WalletCliOptions) {
  const w = await wallet(o);
  const { WalletAccess } = await import("./access.ts");
  return { w, access: new WalletAccess(w) };
}

/** Reads `type=file` pairs: the attestation type and the file holding the credential (a compact JWT). */
function copiesOf(specs: string[]): { attestationType: string; credential: string }[] {
  if (specs.length === 0) throw new CliError("name at least one --copy <type>=<credential file>");
  return specs.map((spec) => {
    const at = spec.indexOf("=");
    if (at < 1) throw new CliError(`--copy ${spec}: expected <type>=<credential file>`);
    return { attestationType: spec.slice(0, at), credential: readInput(spec.slice(at + 1), "credential") };
  });
}

export function registerWalletAccessCommands(wallet: Command): void {
  const cmd = wallet
    .command("access")
    .description("access permissions: open an agent's RequestAccess, grant, deny, retract, list at the hub");
  withWallet(
    cmd
      .command("requests <tokenFile>")
      .description("open the RequestAccess tokens an agent posted to this person (one per line; - for stdin)"),
  ).action(async (tokenFile: string, o: WalletCliOptions) => {
    const { access } = await accessOf(o);
    const tokens = readInput(tokenFile, "message tokens").split(/\s+/).filter(Boolean);
    const rows = [];
    for (const token of tokens) {
      const { agentDid, request } = await access.openRequest(token);
      rows.push({
        agent: agentDid,
        request: request.identifier,
        permission: request.object.id ?? null,
        attestationTypes: request.object.attestationTypes,
        expiresAt: request.object.expiresAt ?? null,
        purpose: request.purpose,
      });
    }
    printResult(rows, o, (r: Array<Record<string, unknown>>) =>
      table(r, ["agent", "permission", "attestationTypes", "expiresAt", "purpose"]),
    );
  });
  withWallet(
    cmd
      .command("grant <agentUrl> <tokenFile>")
      .description(
        "grant an agent's RequestAccess: copies sealed here to the agent, the permission posted to the hub, GrantAccess sent",
      )
      .requiredOption("--hub <agentUrl>", "the agent hosting this person's identity hub")
      .option("--copy <type=file>", "an attestation to grant: its type and credential file (repeat)", collect, [])
      .option(
        "--bind <issuerAgentUrl>",
        "copy as holder-bound presentations signed by the pairwise DID for this issuer's agent (flow 2.4)",
      )
      .option("--expires-at <unixSeconds>", "end the permission earlier than the agent asked"),
  ).action(async (agentUrl: string, tokenFile: string, o: GrantOptions) => {
    const { w, access } = await accessOf(o);
    const copies = copiesOf(o.copy);
    const { request } = await access.openRequest(readInput(tokenFile, "RequestAccess token"));
    const contact = await w.connect(agentUrl);
    const holderPeer = o.bind ? (await w.connect(o.bind)).agentDid : undefined;
    const contents = await Promise.all(
      copies.map(async ({ attestationType, credential }) =>
        holderPeer
          ? {
              attestationType,
              ...(await access.presentation({
                holderPeer,
                credentials: [credential],
                audience: request.object.grantee,
                nonce: request.identifier,
              })),
            }
          : { attestationType, format: "jwt_vc" as const, payload: credential },
      ),
    );
    const expiresAt = o.expiresAt === undefined ? undefined : Number(o.expiresAt);
    if (expiresAt !== undefined && !Number.isInteger(expiresAt)) throw new CliError("--expires-at: Unix seconds");
    const { permission } = await access.grant({
      hubUrl: o.hub,
      contact,
      request,
      copies: contents,
      ...(expiresAt === undefined ? {} : { expiresAt }),
    });
    printResult(permission, o, pretty);
  });
  withWallet(
    cmd
      .command("deny <agentUrl> <tokenFile>")
      .description("deny an agent's RequestAccess (a DenyAccess; nothing stored at the hub)")
      .option("--purpose <text>", "why, for the agent"),
  ).action(async (agentUrl: string, tokenFile: string, o: WalletCliOptions & { purpose?: string }) => {
    const { w, access } = await accessOf(o);
    const { request } = await access.openRequest(readInput(tokenFile, "RequestAccess token"));
    const contact = await w.connect(agentUrl);
    await access.deny({ contact, request, ...(o.purpose === undefined ? {} : { purpose: o.purpose }) });
    printResult({ denied: request.object.id ?? request.identifier }, o, pretty);
  });
  withWallet(
    cmd
      .command("retract <agentUrl> <permissionId>")
      .description("retract a permission at the hub (immediate), then send the agent a RetractAccess notice")
      .requiredOption("--hub <agentUrl>", "the agent hosting this person's identity hub")
      .option("--purpose <text>", "why, for the agent"),
  ).action(async (agentUrl: string, permissionId: string, o: WalletCliOptions & { hub: string; purpose?: string }) => {
    const { w, access } = await accessOf(o);
    const contact = await w.connect(agentUrl);
    const { permission } = await access.retract({
      hubUrl: o.hub,
      contact,
      permissionId,
      ...(o.purpose === undefined ? {} : { purpose: o.purpose }),
    });
    printResult(permission, o, pretty);
  });
  withWallet(
    cmd
      .command("list")
      .description("the permissions at this person's hub, newest first")
      .requiredOption("--hub <agentUrl>", "the agent hosting this person's identity hub"),
  ).action(async (o: WalletCliOptions & { hub: string }) => {
    const { access } = await accessOf(o);
    printResult(await access.list(o.hub), o, (r: Array<Record<string, unknown>>) =>
      table(r, ["id", "grantee", "attestationTypes", "expiresAt", "retractedAt", "retrievedCount"]),
    );
  });
  withWallet(
    wallet
      .command("present <agentUrl> <tokenFile> <credentialFiles...>")
      .description(
        "answer an agent's RequestAttestation (token file) with a holder-bound presentation of held credentials",
      ),
  ).action(async (agentUrl: string, tokenFile: string, credentialFiles: string[], o: WalletCliOptions) => {
    const { w, access } = await accessOf(o);
    const contact = await w.connect(agentUrl);
    const opened = await w.open(readInput(tokenFile, "RequestAttestation token"), contact.agentDid);
    if (opened.message["@type"] !== "RequestAttestation") {
      throw new CliError(`the token carries a ${opened.message["@type"]}, not a RequestAttestation`);
    }
    const { identifier } = await access.present({
      contact,
      request: opened.message,
      credentials: credentialFiles.map((f) => readInput(f, "credential")),
    });
    printResult({ presented: identifier }, o, pretty);
  });
}

function collect(value: string, previous: string[]): string[] {
  return [...previous, value];
}
