// A real consortium for tests: a devnet (anvil) in a temp dir, the platform contracts deployed by the real
// deployer, and member agents with their own keystore and database, listening on loopback ports. The agents run in
// the test process (tests may reach into them) or, with `agentProcesses: true`, each as its own
// `telco-ledger agent start` process as an operator runs it (benchmarks measure that deployment shape).
// Either way tests talk to the agents over HTTP exactly as a back office would. With TELCO_TEST_NETWORK=geth the
// consortium runs on a four-signer geth network instead of anvil (testkit/testNetwork.ts), each member's agent on the
// next node, funded by the network's faucet.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import { type Agent, createAgent } from "../src/agent/agent.ts";
import { ensureAdminKey } from "../src/agent/bootstrap.ts";
import { initAgent } from "../src/agent/init.ts";
import { requestAgent } from "../src/cli/agentClient.ts";
import { type Devnet, startDevnet } from "../src/core/chain/devnet/devnet.ts";
import { silentLogger } from "../src/core/chain/logger.ts";
import { deployPlatform } from "../src/ledger/deployer.ts";
import { AgentProcessSet } from "./agentProcesses.ts";
import { startMembersOnNetwork } from "./networkMembers.ts";
import { releasePort, reservePort } from "./ports.ts";
import {
  networkAsDevnet,
  onNetwork,
  TEST_FUND_NEW_ACCOUNTS_WEI,
  type TestNetwork,
  testNetworkForConsortium,
} from "./testNetwork.ts";

export interface TestMember {
  name: string;
  roles: string[];
  /** PostgreSQL URL for this agent's store; SQLite when absent. */
  databaseUrl?: string;
}

/** What every test agent offers, in process or not: its API. */
export interface TestAgentEndpoint {
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

/** An agent running inside the test process: tests may also use its store, chain client and services. */
export interface TestAgent extends TestAgentEndpoint {
  agent: Agent;
}

/** An agent running as its own process: only its API, config and log file are reachable. */
export interface TestAgentProcess extends TestAgentEndpoint {
  pid: number;
  configPath: string;
  /** The child's stdout and stderr. */
  logFile: string;
}

export interface TestConsortium<A extends TestAgentEndpoint = TestAgent> {
  /** The chain: the anvil devnet, or on a network (TELCO_TEST_NETWORK) node 1 of it, where anvil's hooks fail. */
  devnet: Devnet;
  /** The geth network when TELCO_TEST_NETWORK=geth, else undefined. */
  network?: TestNetwork;
  dir: string;
  manifestPath: string;
  agents: Record<string, A>;
  /** Agent processes only: SIGKILL the member's agent (no clean shutdown) and wait for it to be gone. */
  killAgent(name: string): Promise<void>;
  /** Agent processes only: starts the member's agent again from its config; resolves once it answers healthy. */
  startAgent(name: string): Promise<void>;
  stop(): Promise<void>;
}

export interface TestConsortiumOptions {
  /** Interval mining (a block every N seconds) instead of a block per transaction. */
  blockTimeSeconds?: number;
  /** Each member's agent as a child process started by the real CLI, instead of inside the test process. */
  agentProcesses?: boolean;
  /** Every agent's log level (default "fatal"); benchmarks set "info", an agent's default, to measure its logging. */
  logLevel?: "fatal" | "error" | "warn" | "info" | "debug";
}

export { TestConsortiumError } from "./agentProcesses.ts";

/** Settings both agent shapes get in their agent.json: quiet logs, an indexer that notices a block within 50 ms. */
const TEST_AGENT_SETTINGS = { logLevel: "fatal", pollMs: 50 } as const;

export function startTestConsortium(
  members: readonly TestMember[],
  options?: TestConsortiumOptions & { agentProcesses?: false },
): Promise<TestConsortium<TestAgent>>;
export function startTestConsortium(
  members: readonly TestMember[],
  options: TestConsortiumOptions & { agentProcesses: true },
): Promise<TestConsortium<TestAgentProcess>>;
export function startTestConsortium(
  members: readonly TestMember[],
  options?: TestConsortiumOptions,
): Promise<TestConsortium<TestAgent | TestAgentProcess>>;
export async function startTestConsortium(
  members: readonly TestMember[],
  options: TestConsortiumOptions = {},
): Promise<TestConsortium<TestAgent | TestAgentProcess>> {
  if (onNetwork()) return startConsortiumOnNetwork(members, options);
  const dir = await mkdtemp(join(tmpdir(), "telco-consortium-"));
  const ports: number[] = [];
  const reserve = async () => {
    const port = await reservePort();
    ports.push(port);
    return port;
  };
  const devnet = await startDevnet({
    dataDir: dir,
    port: await reserve(),
    logger: silentLogger,
    ...(options.blockTimeSeconds ? { blockTimeSeconds: options.blockTimeSeconds } : {}),
  });
  const manifestPath = join(dir, "deployment.json");
  const agents: Record<string, TestAgent | TestAgentProcess> = {};
  const running: Agent[] = [];
  const processes = new AgentProcessSet();
  const killAgent = (name: string) => processes.kill(name);
  const startAgent = async (name: string) => {
    const child = await processes.restart(name);
    (agents[name] as TestAgentProcess).pid = child.pid ?? 0;
  };
  const stop = async () => {
    await Promise.allSettled([...running.map((a) => a.stop()), processes.stopAll()]);
    await devnet.stop();
    for (const port of ports) releasePort(port);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const homes = [];
    for (const member of members) {
      const home = join(dir, "agents", member.name);
      // A child must know its port before it starts (reserved: see testkit/ports.ts); in process, the agent listens
      // on port 0 and reports the port it got.
      const port = options.agentProcesses ? await reserve() : 0;
      const { config, configPath } = await initAgent({
        home,
        name: member.name,
        memberName: `${member.name} (test)`,
        port,
        rpcUrl: devnet.rpcUrl,
        chainId: devnet.chainId,
        manifestPath,
        ...(member.databaseUrl ? { databaseUrl: member.databaseUrl } : {}),
        ...TEST_AGENT_SETTINGS,
        ...(options.logLevel ? { logLevel: options.logLevel } : {}),
      });
      homes.push({ member, home, config, configPath });
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
    if (options.agentProcesses) {
      // Started together, waited for together: each process boots on its own.
      const started = await Promise.all(
        homes.map(async ({ member, home, config, configPath }) => {
          const adminKey = await ensureAdminKey(config);
          const logFile = join(home, "agent.log");
          const url = `http://127.0.0.1:${config.listen.port}`;
          const child = await processes.launch(member.name, url, configPath, logFile);
          return { member, child, url, adminKey, configPath, logFile };
        }),
      );
      for (const { member, child, url, adminKey, configPath, logFile } of started) {
        agents[member.name] = { pid: child.pid ?? 0, configPath, logFile, ...endpoint(url, adminKey) };
      }
    } else {
      for (const { member, config } of homes) {
        const adminKey = await ensureAdminKey(config);
        const agent = await createAgent(config, { logger: pino({ level: "silent" }) });
        running.push(agent);
        const url = await agent.start();
        agents[member.name] = { agent, ...endpoint(url, adminKey) };
      }
    }
    return { devnet, dir, manifestPath, agents, killAgent, startAgent, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

/**
 * The same consortium on a fresh geth network, or on the external one (its period replaces blockTimeSeconds); stop()
 * stops the agents and a network it started.
 */
async function startConsortiumOnNetwork(
  members: readonly TestMember[],
  options: TestConsortiumOptions,
): Promise<TestConsortium<TestAgent | TestAgentProcess>> {
  const network = await testNetworkForConsortium();
  try {
    const started = await startMembersOnNetwork(network, members, {
      confirmations: network.confirmations,
      fundNewAccountsWei: TEST_FUND_NEW_ACCOUNTS_WEI,
      agentProcesses: options.agentProcesses ?? false,
      pollMs: TEST_AGENT_SETTINGS.pollMs,
    });
    return {
      devnet: networkAsDevnet(network),
      network,
      dir: started.dir,
      manifestPath: started.manifestPath,
      agents: started.agents,
      killAgent: started.killAgent,
      startAgent: started.startAgent,
      stop: async () => {
        await started.stop();
        await network.stop();
      },
    };
  } catch (error) {
    await network.stop();
    throw error;
  }
}

export function endpoint(url: string, adminKey: string): TestAgentEndpoint {
  return {
    url,
    adminKey,
    call: (method, path, body, key = adminKey) => requestAgent({ url, apiKey: key }, method, path, body),
  };
}
