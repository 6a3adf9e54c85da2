// `telco-ledger wallet ...`: the user agent (src/useragent/wallet.ts) as a command line, for a person's device or a
// demo. Keys are generated and kept in the wallet's own encrypted keystore (--keystore, passphrase from an environment
// variable); the commands talk to any enterprise agent over HTTP with no API key: the messages carry the pairwise
// DID's signature. Heavy modules (the keystore, crypto) load inside the actions.
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { CliError, printResult, table } from "../cli/output.ts";
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
function readInput(path: string, what: string): string {
  try {
    return readFileSync(path === "-" ? 0 : path, "utf8").trim();
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
  registerWalletIdentityCommands(cmd);
}
