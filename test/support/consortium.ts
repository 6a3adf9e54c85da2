// A real consortium for tests: a devnet (anvil) in a temp dir, the platform contracts deployed by the real
// deployer, and member agents created by the real agent code, each with its own keystore and database, listening on
// free loopback ports. Tests talk to the agents over HTTP exactly as a back office would.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type Agent, createAgent } from "../../src/agent/agent.ts";
import { ensureAdminKey } from "../../src/agent/bootstrap.ts";
import { initAgent } from "../../src/agent/init.ts";
import { requestAgent } from "../../src/cli/agentClient.ts";
import { type Devnet, startDevnet } from "../../src/core/chain/devnet/devnet.ts";
import { silentLogger } from "../../src/core/chain/logger.ts";
import { deployPlatform } from "../../src/ledger/deployer.ts";

export interface TestMember {
  name: string;
  roles: string[];
  /** PostgreSQL URL for this agent's store; SQLite when absent. */
  databaseUrl?: string;
}

export interface TestAgent {
  agent: Agent;
  url: string;
  adminKey: string;
  /** Calls the agent's API with this member's admin key unless another key is given. */
  call<T = Record<string, unknown>>(
    method: string,
    path: string,
    body?: unknown,
    key?: string,
  ): Promise<{ status: number; body: T }>;
}

export interface TestConsortium {
  devnet: Devnet;
  dir: string;
  manifestPath: string;
  agents: Record<string, TestAgent>;
  stop(): Promise<void>;
}

export interface TestConsortiumOptions {
  /** Interval mining (a block every N seconds) instead of a block per transaction. */
  blockTimeSeconds?: number;
}

export async function startTestConsortium(
  members: readonly TestMember[],
  options: TestConsortiumOptions = {},
): Promise<TestConsortium> {
  const dir = await mkdtemp(join(tmpdir(), "telco-consortium-"));
  const devnet = await startDevnet({
    dataDir: dir,
    logger: silentLogger,
    ...(options.blockTimeSeconds ? { blockTimeSeconds: options.blockTimeSeconds } : {}),
  });
  const manifestPath = join(dir, "deployment.json");
  const agents: Record<string, TestAgent> = {};
  const running: Agent[] = [];
  const stop = async () => {
    await Promise.allSettled(running.map((a) => a.stop()));
    await devnet.stop();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const homes = [];
    for (const member of members) {
      const { config } = await initAgent({
        home: join(dir, "agents", member.name),
        name: member.name,
        memberName: `${member.name} (test)`,
        port: 0,
        rpcUrl: devnet.rpcUrl,
        chainId: devnet.chainId,
        manifestPath,
        ...(member.databaseUrl ? { databaseUrl: member.databaseUrl } : {}),
      });
      homes.push({ member, config });
    }
    await deployPlatform({
      rpcUrl: devnet.rpcUrl,
      chainId: devnet.chainId,
      founders: homes.map(({ member, config }) => ({
        account: config.memberAccount,
        name: `${member.name} (test)`,
        roles: member.roles,
      })),
      manifestPath,
      deployerDir: join(dir, "deployer"),
      passphrase: "test-deployer-passphrase",
      logger: silentLogger,
    });
    for (const { member, config } of homes) {
      const adminKey = await ensureAdminKey(config);
      const agent = await createAgent(
        { ...config, logLevel: "fatal", chain: { ...config.chain, pollMs: 50 } },
        { logger: pino({ level: "silent" }) },
      );
      running.push(agent);
      const url = await agent.start();
      agents[member.name] = {
        agent,
        url,
        adminKey,
        call: (method, path, body, key = adminKey) => requestAgent({ url, apiKey: key }, method, path, body),
      };
    }
    return { devnet, dir, manifestPath, agents, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
