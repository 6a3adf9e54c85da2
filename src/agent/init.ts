// Creates a member agent's home: its config file, a keystore passphrase file (sandbox only; production passes the
// passphrase in an environment variable) and the member's governance account in the encrypted keystore.
// Running it again on an existing home changes nothing and returns what is there.
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Address } from "viem";
import { createChain } from "../core/chain/client.ts";
import { ChainIdMismatchError } from "../core/chain/errors.ts";
import { defaultConfirmations, detectEngine } from "../core/chain/finality.ts";
import { type AgentConfig, loadAgentConfig, readKeystorePassphrase } from "../core/config.ts";
import { openKeystore } from "../core/identity/keystore.ts";

export interface InitAgentInput {
  /** The agent's home directory; its config is <home>/agent.json. */
  home: string;
  name: string;
  memberName: string;
  port: number;
  host?: string;
  publicUrl?: string;
  rpcUrl: string;
  chainId: number;
  manifestPath: string;
  /** When set, the passphrase comes from this variable and no passphrase file is written. */
  passphraseEnv?: string;
  databaseUrl?: string;
  /** How often the indexer looks for new blocks (default 500 ms): each look is one cheap eth_blockNumber. */
  pollMs?: number;
  /** Blocks the indexer waits before it trusts a block: 0 on instant finality (QBFT, devnet); more on Clique. */
  confirmations?: number;
  /** Wei the member account gives each new DID account (networks with fees: docs/network.md). */
  fundNewAccountsWei?: string;
  /** This member's node is a validator: the agent votes governance's validator decisions into it. */
  voteValidators?: boolean;
  /** Default "info". */
  logLevel?: AgentConfig["logLevel"];
}

export const MEMBER_KEY_LABEL = "member";

export async function initAgent(input: InitAgentInput): Promise<{ configPath: string; config: AgentConfig }> {
  const configPath = join(input.home, "agent.json");
  if (existsSync(configPath)) return { configPath, config: loadAgentConfig(configPath) };
  await mkdir(input.home, { recursive: true, mode: 0o700 });
  const passphraseFile = join(input.home, "keystore.passphrase");
  if (!input.passphraseEnv && !existsSync(passphraseFile)) {
    await writeFile(passphraseFile, `${randomBytes(32).toString("base64url")}\n`, { mode: 0o600 });
  }
  const draft = {
    name: input.name,
    memberName: input.memberName,
    memberAccount: "0x0000000000000000000000000000000000000000" as Address,
    dataDir: ".",
    listen: { host: input.host ?? "127.0.0.1", port: input.port },
    publicUrl: input.publicUrl ?? `http://${input.host ?? "127.0.0.1"}:${input.port}`,
    chain: {
      rpcUrl: input.rpcUrl,
      chainId: input.chainId,
      manifestPath: input.manifestPath,
      confirmations: input.confirmations ?? 0,
      ...(input.pollMs ? { pollMs: input.pollMs } : {}),
      ...(input.fundNewAccountsWei ? { fundNewAccountsWei: input.fundNewAccountsWei } : {}),
      ...(input.voteValidators ? { voteValidators: true } : {}),
    },
    ...(input.databaseUrl ? { databaseUrl: input.databaseUrl } : {}),
    ...(input.logLevel ? { logLevel: input.logLevel } : {}),
    keystore: input.passphraseEnv ? { passphraseEnv: input.passphraseEnv } : { passphraseFile: "keystore.passphrase" },
  };
  const keystore = await openKeystore({
    dir: join(input.home, "keystore"),
    passphrase: readKeystorePassphrase({
      ...draft,
      keystore: { ...draft.keystore, ...(draft.keystore.passphraseFile ? { passphraseFile } : {}) },
    } as AgentConfig),
  });
  const existing = keystore.list().find((k) => k.kind === "secp256k1" && k.label === MEMBER_KEY_LABEL && !k.retiredAt);
  const member = existing ?? (await keystore.create({ kind: "secp256k1", label: MEMBER_KEY_LABEL }));
  if (!member.address) throw new Error("the member key has no address");
  draft.memberAccount = member.address;
  await writeFile(configPath, `${JSON.stringify(draft, null, 2)}\n`, { mode: 0o600 });
  return { configPath, config: loadAgentConfig(configPath) };
}

/**
 * Confirmations for a new agent from its node's consensus engine (src/core/chain/finality.ts). A node that does not
 * answer yet gets 0, the value for instant-finality networks; the operator sees it in the init output.
 */
export async function confirmationsForNode(rpcUrl: string, chainId: number): Promise<number> {
  try {
    return defaultConfirmations(await detectEngine(await createChain({ rpcUrl, chainId })));
  } catch (error) {
    if (error instanceof ChainIdMismatchError) throw error;
    return 0;
  }
}
