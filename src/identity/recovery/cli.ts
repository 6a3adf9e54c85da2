// `telco-ledger did recovery ...` (social recovery through an agent's API; the person's own signatures are made here
// with the person's wallet keystore, never by the agent) and `telco-ledger did backup ...` (encrypted wallet backup).
// Heavy modules (viem, the keystore) load inside the actions that need them.
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import { callAgent, callAgentAllItems } from "../../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../../cli/common.ts";
import { CliError, printResult, progress } from "../../cli/output.ts";

const pretty = (r: unknown) => JSON.stringify(r, null, 2);

interface WalletOptions {
  keystore: string;
  passphraseEnv: string;
}

type GuardianshipView = {
  contract: `0x${string}`;
  chainId: number;
  signer: `0x${string}`;
  signerNonce: string;
  registry: `0x${string}`;
  registryNonce: string;
};

const withWallet = (command: Command) =>
  command
    .requiredOption("--keystore <dir>", "the person's wallet keystore (holds the identity's controller key)")
    .option("--passphrase-env <name>", "environment variable with the wallet passphrase", "TELCO_WALLET_PASSPHRASE");

function passphraseOf(name: string, what: string): string {
  const value = process.env[name];
  if (!value) throw new CliError(`set ${name} to the ${what}`);
  return value;
}

/** The wallet account that signs as `signer` (the agent says who must sign). */
async function walletAccount(o: WalletOptions, signer: `0x${string}`) {
  const { openKeystore } = await import("../../core/identity/keystore.ts");
  const keystore = await openKeystore({
    dir: o.keystore,
    passphrase: passphraseOf(o.passphraseEnv, "wallet passphrase"),
  });
  if (!keystore.list().some((k) => k.address?.toLowerCase() === signer.toLowerCase())) {
    throw new CliError(`the wallet at ${o.keystore} holds no key for ${signer}, who must sign`);
  }
  return keystore.account(signer);
}

export function registerRecoveryCommands(did: Command): void {
  const recovery = did.command("recovery").description("social recovery of a did:ethr identity by guardians");
  const path = (identity: string) => `/v1/identity/recovery/${identity}`;
  withClientOptions(recovery.command("show <identity>").description("guardians, threshold, delay, custody")).action(
    async (identity: string, o: ClientOptions) =>
      printResult(await callAgent(targetOf(o), "GET", path(identity)), o, pretty),
  );
  withWallet(
    withClientOptions(
      recovery.command("enrol <identity>").description("name guardians m of n (signed by the person, relayed)"),
    ),
  )
    .requiredOption("--guardians <addresses>", "comma-separated guardian addresses (members' accounts, friends' keys)")
    .requiredOption("--threshold <m>", "approvals needed (at least 2 when there are several guardians)", Number)
    .option("--delay <seconds>", "time the person has to cancel once m guardians approve", Number, 2 * 86_400)
    .option("--operator <address>", "the guardian that is the person's operator (SIM-swap cool-down applies)")
    .action(
      async (
        identity: `0x${string}`,
        o: ClientOptions & WalletOptions & { guardians: string; threshold: number; delay: number; operator?: string },
      ) => {
        const target = targetOf(o);
        const { enrolTypedData, changeOwnerDigest } = await import("./service.ts");
        const g = await callAgent<GuardianshipView & { inCustody: boolean }>(target, "GET", path(identity));
        const account = await walletAccount(o, g.signer);
        const guardians = o.guardians.split(",").map((a) => a.trim() as `0x${string}`);
        const operator = (o.operator ?? null) as `0x${string}` | null;
        const chainId = g.chainId;
        const request = {
          identity,
          guardians,
          threshold: o.threshold,
          delaySeconds: o.delay,
          operator,
          nonce: BigInt(g.signerNonce),
        };
        const signature = await account.signTypedData(enrolTypedData(g.contract, chainId, request));
        progress(o, "relaying the enrolment (waits until mined)");
        const body = {
          guardians,
          threshold: o.threshold,
          delaySeconds: o.delay,
          operator,
          signer: g.signer,
          signature,
        };
        const enrolled = await callAgent(target, "POST", `${path(identity)}/enrolment`, body);
        let custody: unknown = "already in custody";
        if (!g.inCustody) {
          const hash = changeOwnerDigest(g.registry, BigInt(g.registryNonce), identity, g.contract);
          progress(o, "handing the identity to the recovery contract (waits until mined)");
          custody = await callAgent(target, "POST", `${path(identity)}/custody`, {
            signature: await account.sign?.({ hash }),
          });
        }
        printResult({ enrolled, custody }, o, pretty);
      },
    );
  withWallet(
    withClientOptions(recovery.command("cancel <identity>").description("cancel every open recovery (the person)")),
  ).action(async (identity: `0x${string}`, o: ClientOptions & WalletOptions) => {
    const target = targetOf(o);
    const { cancelTypedData } = await import("./service.ts");
    const g = await callAgent<GuardianshipView>(target, "GET", path(identity));
    const account = await walletAccount(o, g.signer);
    const typed = cancelTypedData(g.contract, g.chainId, { identity, nonce: BigInt(g.signerNonce) });
    const signature = await account.signTypedData(typed);
    printResult(
      await callAgent(target, "POST", `${path(identity)}/cancellation`, { signer: g.signer, signature }),
      o,
      pretty,
    );
  });
  withClientOptions(
    recovery.command("propose <identity> <newController>").description("as a guardian, propose a new controller"),
  ).action(async (identity: string, newController: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "POST", `${path(identity)}/recoveries`, { newController }), o, pretty),
  );
  for (const [verb, suffix, description] of [
    ["approve", "approvals", "as a guardian, approve a recovery"],
    ["execute", "execution", "execute a recovery whose threshold is met and delay passed"],
  ] as const) {
    withClientOptions(recovery.command(`${verb} <identity> <recoveryId>`).description(description)).action(
      async (identity: string, recoveryId: string, o: ClientOptions) =>
        printResult(
          await callAgent(targetOf(o), "POST", `${path(identity)}/recoveries/${recoveryId}/${suffix}`),
          o,
          pretty,
        ),
    );
  }
  withClientOptions(
    recovery.command("status <identity> <recoveryId>").description("approvals, threshold, when it may execute"),
  ).action(async (identity: string, recoveryId: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "GET", `${path(identity)}/recoveries/${recoveryId}`), o, pretty),
  );
  withClientOptions(
    recovery.command("sim-swap <identity>").description("as the operator guardian, record a SIM swap of its number"),
  ).action(async (identity: string, o: ClientOptions) =>
    printResult(await callAgent(targetOf(o), "POST", `${path(identity)}/sim-swaps`), o, pretty),
  );

  registerRecoveryNumberCommands(recovery);

  const backup = did.command("backup").description("encrypted backup of a wallet keystore");
  backup
    .command("export")
    .description("seal every key of a wallet keystore into one backup file under a backup passphrase")
    .requiredOption("--keystore <dir>", "the wallet keystore")
    .requiredOption("--out <file>", "backup file to write")
    .option("--backup-passphrase-env <name>", "variable with the backup passphrase", "TELCO_BACKUP_PASSPHRASE")
    .action(async (o: { keystore: string; out: string; backupPassphraseEnv: string }) => {
      const { exportKeystoreBackup } = await import("../../core/identity/keystoreBackup.ts");
      const sealed = await exportKeystoreBackup(o.keystore, passphraseOf(o.backupPassphraseEnv, "backup passphrase"));
      writeFileSync(o.out, `${JSON.stringify(sealed, null, 2)}\n`, { mode: 0o600, flag: "wx" });
      console.log(`wrote ${o.out}`);
    });
  backup
    .command("import <file>")
    .description("restore a backup into a wallet keystore (proves the keys open first; never overwrites)")
    .requiredOption("--keystore <dir>", "the wallet keystore to restore into")
    .option("--passphrase-env <name>", "variable with the wallet passphrase", "TELCO_WALLET_PASSPHRASE")
    .option("--backup-passphrase-env <name>", "variable with the backup passphrase", "TELCO_BACKUP_PASSPHRASE")
    .action(async (file: string, o: { keystore: string; passphraseEnv: string; backupPassphraseEnv: string }) => {
      const { importKeystoreBackup } = await import("../../core/identity/keystoreBackup.ts");
      const kids = await importKeystoreBackup(
        JSON.parse(readFileSync(file, "utf8")),
        passphraseOf(o.backupPassphraseEnv, "backup passphrase"),
        o.keystore,
        passphraseOf(o.passphraseEnv, "wallet passphrase"),
      );
      console.log(`restored ${kids.length} key(s): ${kids.join(", ")}`);
    });
}

type EnrolledNumberView = { numberHash: string; identity: string; enrolledAt: string };
type TakenSimSwapView = {
  swapId: string;
  swappedAt: string;
  identity: string | null;
  state: string;
  txHash: string | null;
};

/** `did recovery number enrol|list|remove` and `did recovery sim-swaps`: the operator guardian's back office. */
function registerRecoveryNumberCommands(recovery: Command): void {
  const number = recovery
    .command("number")
    .description("as the operator guardian: subscribers' numbers whose SIM swaps are recorded for their recovery");
  const base = "/v1/identity/recovery/numbers";
  withClientOptions(
    number
      .command("enrol <number> <identity>")
      .description("enrol an E.164 number (without +) for the identity that names this member its operator guardian"),
  ).action(async (msisdn: string, identity: string, o: ClientOptions) =>
    printResult(
      await callAgent<EnrolledNumberView>(targetOf(o), "POST", base, { number: msisdn, identity }),
      o,
      (r: EnrolledNumberView) => `${msisdn} enrolled for ${r.identity} (kept as ${r.numberHash})`,
    ),
  );
  withClientOptions(number.command("list").description("enrolled numbers (by keyed hash) and their identities")).action(
    async (o: ClientOptions) =>
      printResult(
        await callAgentAllItems<EnrolledNumberView>(targetOf(o), base),
        o,
        (r: { items: EnrolledNumberView[] }) =>
          r.items.length === 0
            ? "no numbers enrolled"
            : r.items.map((n) => `${n.numberHash}  ${n.identity}  since ${n.enrolledAt}`).join("\n"),
      ),
  );
  withClientOptions(number.command("remove <number>").description("remove a number's enrolment")).action(
    async (msisdn: string, o: ClientOptions) => {
      await callAgent(targetOf(o), "DELETE", `${base}/${msisdn}`);
      printResult({ removed: msisdn }, o, () => `${msisdn} removed`);
    },
  );
  withClientOptions(
    recovery.command("sim-swaps").description("SIM swaps taken from the home register, and what was recorded"),
  ).action(async (o: ClientOptions) =>
    printResult(
      await callAgentAllItems<TakenSimSwapView>(targetOf(o), "/v1/identity/recovery/sim-swaps"),
      o,
      (r: { items: TakenSimSwapView[] }) =>
        r.items.length === 0
          ? "no SIM swaps taken"
          : r.items
              .map((s) => `${s.swappedAt}  ${s.state.padEnd(12)}  ${s.identity ?? "-"}  ${s.txHash ?? ""}`)
              .join("\n"),
    ),
  );
}
