// `telco-ledger wallet did|idfile|consent|sign-digest`: the person's public identity on their device (IDM-002 ID files
// and KYC-reuse consents, IDM-004 attestations a person signs). The files are written with mode 0600: an ID file holds
// the person's data and the salt that keeps its fingerprint unguessable.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { CliError, printResult } from "../cli/output.ts";
import { readJson, type WalletCliOptions, wallet, withWallet } from "./walletCli.ts";

const SANDBOX_CHAIN_ID = 31_337_001;

interface ChainOptions extends WalletCliOptions {
  chainId: number;
}

const chainId = (value: string): number => {
  const n = Number(value);
  if (!Number.isSafeInteger(n) || n <= 0) throw new CliError(`--chain-id must be a positive integer, not ${value}`);
  return n;
};

/** `key=value` pairs of --data, each once. */
function dataOf(pairs: string[]): Record<string, string> {
  const data: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at <= 0) throw new CliError(`--data takes key=value, not ${pair}`);
    const key = pair.slice(0, at);
    if (key in data) throw new CliError(`--data names ${key} twice`);
    data[key] = pair.slice(at + 1);
  }
  return data;
}

/** `kind:mediaType:path` of --document: the scan's bytes read from the device. */
function documentOf(spec: string) {
  const [kind, mediaType, ...rest] = spec.split(":");
  const path = rest.join(":");
  if (!kind || !mediaType || !path) throw new CliError(`--document takes kind:mediaType:path, not ${spec}`);
  try {
    return { kind, mediaType, content: readFileSync(path).toString("base64") };
  } catch (error) {
    throw new CliError(`cannot read the document ${path}: ${(error as Error).message}`);
  }
}

function writePrivate(path: string, value: unknown): void {
  writeFileSync(path, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
}

const collect = (value: string, previous: string[]) => [...previous, value];

export function registerWalletIdentityCommands(cmd: Command): void {
  const withChain = (c: Command) =>
    withWallet(c).option(
      "--chain-id <id>",
      "the ledger's chain id (the sandbox's by default)",
      chainId,
      SANDBOX_CHAIN_ID,
    );
  withChain(
    cmd.command("did").description("the person's public did:ethr (made on first use; pairwise DIDs stay apart)"),
  ).action(async (o: ChainOptions) => {
    const personal = (await wallet(o)).personal();
    printResult(
      { did: await personal.did(o.chainId), address: await personal.address() },
      o,
      (r: { did: string }) => r.did,
    );
  });
  withChain(
    cmd
      .command("idfile <out>")
      .description("prepare an ID file on this device (IDM-002): data, document scans and a fresh salt; written 0600")
      .option("--data <key=value>", "a structured field (repeat)", collect, [])
      .option("--document <kind:mediaType:path>", "a document scan (repeat)", collect, []),
  ).action(async (out: string, o: ChainOptions & { data: string[]; document: string[] }) => {
    const data = dataOf(o.data);
    if (Object.keys(data).length === 0) throw new CliError("an ID file needs at least one --data field");
    const file = await (await wallet(o)).personal().idFile(o.chainId, data, o.document.map(documentOf));
    writePrivate(out, file);
    const { fingerprintOf } = await import("./assurance/idFile.ts");
    printResult(
      { file: out, holder: file.holder, fingerprint: fingerprintOf(file) },
      o,
      (r: { file: string; holder: string; fingerprint: string }) =>
        `ID file ${r.file} (holder ${r.holder}, fingerprint ${r.fingerprint})`,
    );
  });
  withWallet(
    cmd
      .command("consent <idFile> <relyingMember> <out>")
      .description("sign the person's consent that a member (its account address) may reuse the file's vouchings")
      .option("--ttl <seconds>", "how long the consent holds", (v) => Number(v), 600),
  ).action(async (idFile: string, relyingMember: string, out: string, o: WalletCliOptions & { ttl: number }) => {
    if (!/^0x[0-9a-fA-F]{40}$/.test(relyingMember)) throw new CliError("relyingMember must be a 0x account address");
    const file = readJson(idFile, "ID file") as import("./assurance/idFile.ts").IdFile;
    const consent = await (await wallet(o))
      .personal()
      .consent(file, relyingMember as `0x${string}`, o.ttl, Math.floor(Date.now() / 1000));
    writePrivate(out, consent);
    printResult(
      consent,
      o,
      (r: { relyingMember: string; expiresAt: number }) =>
        `consent for ${r.relyingMember} until ${new Date(r.expiresAt * 1000).toISOString()}`,
    );
  });
  withWallet(
    cmd
      .command("sign-digest <digest>")
      .description("sign a digest an agent gave (a person's attestation or its withdrawal) with the public key"),
  ).action(async (digest: string, o: WalletCliOptions) => {
    const signature = await (await wallet(o)).personal().signDigest(digest as `0x${string}`);
    printResult({ signature }, o, (r: { signature: string }) => r.signature);
  });
}
