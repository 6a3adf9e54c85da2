// The member agent's configuration: one JSON file per agent (data/agents/<name>/agent.json in the sandbox),
// validated at start so a typo names the field instead of failing later. Secrets are never in this file:
// the keystore passphrase comes from an environment variable or a file beside it with mode 0600.
import { readFileSync } from "node:fs";
import { dirname, isAbsolute, resolve } from "node:path";
import { type Static, Type } from "@sinclair/typebox";
import { Value } from "@sinclair/typebox/value";

const Address = Type.Unsafe<`0x${string}`>(Type.String({ pattern: "^0x[0-9a-fA-F]{40}$" }));

export const AgentConfigSchema = Type.Object(
  {
    /** Short machine name of the member: "tnsp-alpha". */
    name: Type.String({ pattern: "^[a-z0-9][a-z0-9-]{1,62}$" }),
    /** Display name of the member organisation. */
    memberName: Type.String({ minLength: 1, maxLength: 200 }),
    /** The member's governance account (a key in this agent's keystore). */
    memberAccount: Address,
    /** Directory for the keystore, the SQLite database and logs; relative paths are relative to the config file. */
    dataDir: Type.String({ minLength: 1 }),
    listen: Type.Object(
      {
        host: Type.String({ default: "127.0.0.1" }),
        port: Type.Integer({ minimum: 0, maximum: 65535 }),
      },
      { additionalProperties: false },
    ),
    /** URL other members use to reach this agent; published as the DID service endpoint. */
    publicUrl: Type.String({ pattern: "^https?://" }),
    chain: Type.Object(
      {
        rpcUrl: Type.String({ pattern: "^(https?|wss?)://" }),
        chainId: Type.Integer({ minimum: 1 }),
        /** Deployment manifest written by `telco-ledger deploy`. */
        manifestPath: Type.String({ minLength: 1 }),
        /** Blocks to wait before indexing; 0 on an instant-finality network (QBFT, devnet). */
        confirmations: Type.Optional(Type.Integer({ minimum: 0, maximum: 64 })),
        /** Base poll interval while no new-head subscription is up (and after activity). */
        pollMs: Type.Optional(Type.Integer({ minimum: 20, maximum: 60000 })),
        /**
         * Funding policy on a network with fees (geth Clique: 1 wei per gas): each account this agent creates for a
         * new DID gets this many wei from the member account before its first transaction. Decimal string, at most
         * 1 ether (10^18). Absent: no funding (zero-fee networks: the devnet, Besu QBFT with min-gas-price 0).
         */
        fundNewAccountsWei: Type.Optional(Type.String({ pattern: "^(1000000000000000000|[1-9][0-9]{0,17})$" })),
        /**
         * When /health calls the chain node unhealthy (absent: not checked). A PoA network sets a head age of a few
         * block periods, the peers every node should see, and whether this member's node is a sealing validator.
         */
        health: Type.Optional(
          Type.Object(
            {
              maxHeadAgeSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 86400 })),
              minPeers: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000 })),
              expectSealing: Type.Optional(Type.Boolean()),
            },
            { additionalProperties: false },
          ),
        ),
        /**
         * This member's node is a validator: the agent votes every executed ValidatorSet decision into it
         * (clique_propose / clique_discard; the node must serve the clique API to the agent). docs/network.md.
         */
        voteValidators: Type.Optional(Type.Boolean()),
        /**
         * Fee bumping on a network with fees: a transaction unmined after afterMs is signed again at its nonce paying
         * percent more, at most maxBumps times and never above maxFeeWei (decimal string). Absent: 30 s, 25%, 5
         * bumps, no ceiling; false: never. Free networks never bump. src/core/chain/outbox/feeBump.ts.
         */
        feeBump: Type.Optional(
          Type.Union([
            Type.Literal(false),
            Type.Object(
              {
                afterMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 3_600_000 })),
                percent: Type.Optional(Type.Integer({ minimum: 10, maximum: 1000 })),
                maxBumps: Type.Optional(Type.Integer({ minimum: 0, maximum: 50 })),
                maxFeeWei: Type.Optional(Type.String({ pattern: "^[1-9][0-9]{0,30}$" })),
              },
              { additionalProperties: false },
            ),
          ]),
        ),
        /** WebSocket URL for new-head subscriptions; default: rpcUrl with ws(s):// (anvil serves both on one port). */
        wsUrl: Type.Optional(Type.String({ pattern: "^wss?://" })),
      },
      { additionalProperties: false },
    ),
    /** PostgreSQL URL; when absent the agent uses SQLite in dataDir. The DATABASE_URL environment variable wins. */
    databaseUrl: Type.Optional(Type.String({ pattern: "^postgres(ql)?://" })),
    /**
     * Several agent processes of this member share the PostgreSQL database (docs/scaling.md): one leads and writes to
     * the chain, the others follow. replicaId names this process (default: host name and process id).
     */
    replication: Type.Optional(
      Type.Object(
        { replicaId: Type.Optional(Type.String({ pattern: "^[A-Za-z0-9._-]{1,64}$" })) },
        { additionalProperties: false },
      ),
    ),
    keystore: Type.Object(
      {
        /** Environment variable holding the passphrase (production). */
        passphraseEnv: Type.Optional(Type.String()),
        /** File holding the passphrase (sandbox), mode 0600. */
        passphraseFile: Type.Optional(Type.String()),
      },
      { additionalProperties: false },
    ),
    logLevel: Type.Optional(
      Type.Union([
        Type.Literal("fatal"),
        Type.Literal("error"),
        Type.Literal("warn"),
        Type.Literal("info"),
        Type.Literal("debug"),
      ]),
    ),
    /** Access log: every answer >= 400, and one in N of the others (default 100; 1 logs every request). */
    accessLogSampleEvery: Type.Optional(Type.Integer({ minimum: 1, maximum: 1_000_000 })),
  },
  { additionalProperties: false },
);

export type AgentConfig = Static<typeof AgentConfigSchema>;

export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Reads and validates an agent config file; relative paths in it become absolute. */
export function loadAgentConfig(path: string): AgentConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, "utf8"));
  } catch (error) {
    throw new ConfigError(`cannot read agent config ${path}: ${(error as Error).message}`);
  }
  const config = parseAgentConfig(raw, path);
  const base = dirname(resolve(path));
  const abs = (p: string) => (isAbsolute(p) ? p : resolve(base, p));
  return {
    ...config,
    dataDir: abs(config.dataDir),
    chain: { ...config.chain, manifestPath: abs(config.chain.manifestPath) },
    keystore: {
      ...config.keystore,
      ...(config.keystore.passphraseFile ? { passphraseFile: abs(config.keystore.passphraseFile) } : {}),
    },
  };
}

export function parseAgentConfig(raw: unknown, source = "agent config"): AgentConfig {
  const withDefaults = Value.Default(AgentConfigSchema, structuredClone(raw));
  const errors = [...Value.Errors(AgentConfigSchema, withDefaults)];
  if (errors.length > 0) {
    const lines = errors.slice(0, 10).map((e) => `  ${e.path || "/"}: ${e.message}`);
    throw new ConfigError(`${source} is invalid:\n${lines.join("\n")}`);
  }
  return withDefaults as AgentConfig;
}

/** The keystore passphrase, from the environment variable or the file the config names. */
export function readKeystorePassphrase(config: AgentConfig): string {
  const { passphraseEnv, passphraseFile } = config.keystore;
  if (passphraseEnv) {
    const value = process.env[passphraseEnv];
    if (value) return value;
  }
  if (passphraseFile) return readFileSync(passphraseFile, "utf8").trim();
  throw new ConfigError(
    `no keystore passphrase: set ${passphraseEnv ?? "keystore.passphraseEnv"} or keystore.passphraseFile in the agent config`,
  );
}
