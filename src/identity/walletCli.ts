import type { Command } from "commander";
import { CliError, printResult, readInputText, table } from "../cli/output.ts";
import { registerWalletAccessCommands } from "../useragent/accessCli.ts";
import { registerWalletIdentityCommands } from "./walletIdentityCli.ts";

export interface WalletCliOptions {
  keystore: string;
  passphraseEnv: string;
  json?: boolean;
}

const pretty = (r: unknown) => JSON.stringify(r, null, 2);

export const withWallet = (command: Command) =>
  command
    .requiredOption("--keystore <dir>", "the wallet's keystore directory on this device (created 0700)")
    .option("--passphrase-env <name>", "environment variable with the wallet passphrase", "TELCO_WALLET_PASSPHRASE")
    .option("--json", "print the raw JSON result");

export async function wallet(o: WalletCliOptions) {
  const passphrase = process.env[o.passphraseEnv];
  if (!passphrase) throw new CliError(`set ${o.passphraseEnv} to the wallet passphrase`);
  const { openWallet } = await import("../useragent/wallet.ts");
  return openWallet({ dir: o.keystore, passphrase });
}

/** A JSON file's content, or standard input for "-"; the error names the file. */
export function readInput(path: string, what: string): string {
  try {
    return readInputText(path).trim();
  } catch (error) {
    throw new CliError(`cannot read the ${what} from ${path}: ${(error as Error).message}`);
  }
}

export function readJson(path: string, what: string): unknown {
  const text = readInput(path, what);
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`the ${what} in ${path} is not JSON`);
  }
}

export function registerWalletCommands(program: Command): void {
  const cmd = program
    .command("wallet")
    .description("a person's user agent: pairwise DIDs, attestation messages with enterprise agents");
  withWallet(cmd.command("relationships").description("the pairwise DIDs this wallet holds, one per peer")).action(
    async (o: WalletCliOptions) =>
      printResult((await wallet(o)).relationships(), o, (r: Array<Record<string, unknown>>) =>
        table(r, ["peer", "did", "createdAt"]),
      ),
  );
  withWallet(
    cmd
      .command("connect <agentUrl>")
      .description("learn an enterprise agent's messaging DID and inbox; make (or find) the pairwise DID for it"),
  ).action(async (agentUrl: string, o: WalletCliOptions) =>
    printResult(await (await wallet(o)).connect(agentUrl), o, pretty),
  );
  withWallet(
    cmd
      .command("send <agentUrl> <messageFile>")
      .description(
        "seal an attestation message (JSON file, - for stdin) from the pairwise DID and post it to the agent's inbox",
      ),
  ).action(async (agentUrl: string, messageFile: string, o: WalletCliOptions) => {
    const message = readJson(messageFile, "message");
    const w = await wallet(o);
    const { validateMessage } = await import("../core/identity/messages/index.ts");
    const contact = await w.connect(agentUrl);
    printResult(await w.send(contact, validateMessage(message, "message")), o, pretty);
  });
  withWallet(
    cmd
      .command("open <peerDid> <tokenFile>")
      .description("open a message a peer sealed to this wallet's pairwise DID for it (file, - for stdin)"),
  ).action(async (peerDid: string, tokenFile: string, o: WalletCliOptions) => {
    const token = readInput(tokenFile, "message token");
    printResult(await (await wallet(o)).open(token, peerDid), o, pretty);
  });
  // The attestation flows (src/useragent/attestations.ts): each run is its own process, so the person's choice is
  // explicit (--ids) and the messages travel as files or stdin.
  const attestations = async (o: WalletCliOptions) => {
    const w = await wallet(o);
    const { WalletAttestations } = await import("../useragent/attestations.ts");
    return { w, atts: new WalletAttestations({ wallet: w, dir: o.keystore }) };
  };
  withWallet(cmd.command("held").description("the attestations this wallet holds (sealed in its directory)")).action(
    async (o: WalletCliOptions) => {
      const { atts } = await attestations(o);
      const held = (await atts.held()).map(({ token: _token, ...rest }) => rest);
      printResult(held, o, (r: Array<Record<string, unknown>>) =>
        table(
          r.map((h) => ({ ...h, types: (h.types as string[]).join(",") })),
          ["id", "types", "issuer", "subject", "state", "receivedAt"],
        ),
      );
    },
  );
  withWallet(
    cmd
      .command("keep <credentialFile>")
      .description("keep a credential (compact JWT, file or -) issued to one of this wallet's pairwise DIDs"),
  ).action(async (file: string, o: WalletCliOptions) => {
    const { atts } = await attestations(o);
    const { token: _token, ...held } = await atts.keep(readInput(file, "credential"));
    printResult(held, o, pretty);
  });
  withWallet(
    cmd
      .command("request <agentUrl> <attestationType>")
      .description("ask an enterprise agent for an attestation; it answers at --reply (signed into the request)")
      .requiredOption("--reply <url>", "where the agent's flows answer (the person's hub inbox or device endpoint)")
      .option("--description <text>", "what is requested, for people", "An attestation"),
  ).action(async (agentUrl: string, type: string, o: WalletCliOptions & { reply: string; description: string }) => {
    const { w, atts } = await attestations(o);
    const contact = await w.connect(agentUrl);
    const identifier = await atts.request(contact, {
      attestationType: type,
      description: o.description,
      reply: o.reply,
    });
    printResult({ identifier, agentDid: contact.agentDid, did: contact.did }, o, pretty);
  });
  withWallet(
    cmd
      .command("receive <peerDid> <tokenFile>")
      .description("open a message an agent sent (file, - for stdin) and apply it to the held attestations"),
  ).action(async (peerDid: string, tokenFile: string, o: WalletCliOptions) => {
    const { atts } = await attestations(o);
    const outcome = await atts.receive(readInput(tokenFile, "message token"), peerDid);
    const strip = (h: { token?: string } | undefined) => (h ? { ...h, token: undefined } : h);
    const shown =
      "held" in outcome
        ? {
            ...outcome,
            held: strip(outcome.held),
            ...("replaced" in outcome ? { replaced: strip(outcome.replaced) } : {}),
          }
        : outcome;
    printResult(shown, o, pretty);
  });
  withWallet(
    cmd
      .command("answer <agentUrl> <preconditionsFile>")
      .description("answer a PreconditionsAttestation (its JSON, file or -) by presenting the held attestations --ids")
      .requiredOption("--ids <ids>", "comma-separated ids of held attestations (wallet held), issued to one DID")
      .requiredOption("--reply <url>", "where the agent's flows answer"),
  ).action(async (agentUrl: string, file: string, o: WalletCliOptions & { ids: string; reply: string }) => {
    const { w, atts } = await attestations(o);
    const { validateMessage } = await import("../core/identity/messages/index.ts");
    const message = validateMessage(readJson(file, "preconditions"), "preconditions");
    if (message["@type"] !== "PreconditionsAttestation") {
      throw new CliError("the file must hold a PreconditionsAttestation message");
    }
    const contact = await w.connect(agentUrl);
    const chosen = await atts.present(contact, message, { ids: o.ids.split(","), reply: o.reply });
    printResult({ presented: chosen.map((h) => h.id) }, o, pretty);
  });
  withWallet(
    cmd
      .command("use-hub <agentUrl>")
      .description("name the agent hosting this person's identity hub: new pairwise DIDs are registered there"),
  ).action(async (agentUrl: string, o: WalletCliOptions) => {
    const w = await wallet(o);
    await w.useHub(agentUrl);
    printResult({ hub: w.hubUrl, owner: await w.hubOwner() }, o, pretty);
  });
  withWallet(
    cmd
      .command("link <url>")
      .description("flow 2.1: answer a site's link (https URL or telco-ledger://link deep link) with the pairwise DID"),
  ).action(async (url: string, o: WalletCliOptions) => printResult(await (await wallet(o)).link(url), o, pretty));
  withWallet(
    cmd
      .command("inbox")
      .description("read the person's hub: answer link challenges, show link codes (to type into the site)"),
  ).action(async (o: WalletCliOptions) =>
    printResult(
      await (await wallet(o)).inbox(),
      o,
      (entries: Array<Record<string, unknown>>) =>
        entries
          .map((e) =>
            e.kind === "link-code"
              ? `code ${String(e.code)} for ${String(e.label ?? e.linkId)} (from ${String(e.from)})`
              : e.kind === "link-challenge"
                ? `answered the link ${String(e.label ?? e.linkId)} as ${String(e.for)}`
                : e.kind === "refused"
                  ? `refused message ${String(e.seq)}: ${String(e.code)} ${String(e.reason)}`
                  : `message ${String(e.seq)} (${String(e.type)}) left waiting`,
          )
          .join("\n") || "no messages",
    ),
  );
  registerWalletIdentityCommands(cmd);
  registerWalletAccessCommands(cmd);
}
