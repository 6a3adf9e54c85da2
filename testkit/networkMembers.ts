// Member agents on an external network (a kit network's geth nodes, not the testkit's own anvil): each agent is
// initialised like `agent init` does, pointed at its own node, its member account and the deployer funded from the
// network's faucet (no anvil_setBalance on a real network), the platform deployed by the real deployer, and the
// agents run in the test process, or (`agentProcesses`, all or the named ones) as child processes of the real CLI that
// a test can kill -9. Tests talk to them over HTTP as startTestConsortium's agents (and reach into the in-process ones).
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pino from "pino";
import type { Address } from "viem";
import { type Agent, createAgent } from "../src/agent/agent.ts";
import { ensureAdminKey } from "../src/agent/bootstrap.ts";
import { initAgent } from "../src/agent/init.ts";
import { silentLogger } from "../src/core/chain/logger.ts";
import { openKeystore } from "../src/core/identity/keystore.ts";
import { deployPlatform } from "../src/ledger/deployer.ts";
import { AgentProcessSet } from "./agentProcesses.ts";
import { endpoint, type TestAgent, type TestAgentProcess, type TestMember } from "./consortium.ts";
import { releasePort, reservePort } from "./ports.ts";

export interface ExternalNetwork {
  chainId: number;
  /** The JSON-RPC URL the member at this index uses (members may spread over the network's nodes). */
  rpcUrlFor(index: number): string;
  /** Pays each address enough for its transactions (the network's faucet). */
  fund(addresses: readonly Address[]): Promise<void>;
}

export interface NetworkMembersOptions {
  /** The indexer's confirmation depth: above 0 on a network that reorganises (Clique). */
  confirmations: number;
  /** The agents' funding policy for the accounts they create (agent.json chain.fundNewAccountsWei). */
  fundNewAccountsWei?: string;
  /** Each agent votes governance's validator decisions into its node (agent.json chain.voteValidators). */
  voteValidators?: boolean;
  /**
   * Each agent (true) or the named members' agents a child process of the real CLI (killable); the others run inside
   * the test process.
   */
  agentProcesses?: boolean | readonly string[];
  /** The indexer's poll interval (agent.json); 100 ms unless given. */
  pollMs?: number;
}

export interface NetworkMembers {
  dir: string;
  manifestPath: string;
  agents: Record<string, TestAgent | TestAgentProcess>;
  /** Agent processes only: SIGKILL the member's agent and wait for it to be gone. */
  killAgent(name: string): Promise<void>;
  /** Agent processes only: start the member's agent again; resolves once it answers healthy. */
  startAgent(name: string): Promise<void>;
  stop(): Promise<void>;
}

const DEPLOYER_PASSPHRASE = "test-deployer-passphrase";

export async function startMembersOnNetwork(
  network: ExternalNetwork,
  members: readonly TestMember[],
  options: NetworkMembersOptions,
): Promise<NetworkMembers> {
  const dir = await mkdtemp(join(tmpdir(), "telco-network-members-"));
  const manifestPath = join(dir, "deployment.json");
  const running: Agent[] = [];
  const agents: Record<string, TestAgent | TestAgentProcess> = {};
  const processes = new AgentProcessSet();
  const ports: number[] = [];
  const asProcess = (name: string) =>
    options.agentProcesses === true || (Array.isArray(options.agentProcesses) && options.agentProcesses.includes(name));
  const killAgent = (name: string) => processes.kill(name);
  const startAgent = async (name: string) => {
    const child = await processes.restart(name);
    (agents[name] as TestAgentProcess).pid = child.pid ?? 0;
  };
  const stop = async () => {
    await Promise.allSettled([...running.map((a) => a.stop()), processes.stopAll()]);
    for (const port of ports) releasePort(port);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const homes = [];
    for (const [index, member] of members.entries()) {
      // A child must know its port before it starts (reserved: testkit/ports.ts); in process, port 0 is reported back.
      const port = asProcess(member.name) ? await reservePort() : 0;
      if (port) ports.push(port);
      const home = join(dir, "agents", member.name);
      const { config, configPath } = await initAgent({
        home,
        name: member.name,
        memberName: `${member.name} (test)`,
        port,
        rpcUrl: network.rpcUrlFor(index),
        chainId: network.chainId,
        manifestPath,
        confirmations: options.confirmations,
        ...(member.databaseUrl ? { databaseUrl: member.databaseUrl } : {}),
        ...(options.fundNewAccountsWei ? { fundNewAccountsWei: options.fundNewAccountsWei } : {}),
        ...(options.voteValidators ? { voteValidators: true } : {}),
        logLevel: "fatal",
        pollMs: options.pollMs ?? 100,
      });
      homes.push({ member, config, home, configPath });
    }
    // The deployer key is made here, as deployPlatform would, so that the faucet can pay it before it deploys.
    const deployerDir = join(dir, "deployer");
    const keystore = await openKeystore({ dir: join(deployerDir, "keystore"), passphrase: DEPLOYER_PASSPHRASE });
    const deployer = await keystore.create({ kind: "secp256k1", label: "deployer" });
    await network.fund([deployer.address as Address, ...homes.map((h) => h.config.memberAccount)]);
    await deployPlatform({
      rpcUrl: network.rpcUrlFor(0),
      chainId: network.chainId,
      founders: homes.map(({ member, config }) => ({
        account: config.memberAccount,
        name: `${member.name} (test)`,
        roles: member.roles,
      })),
      manifestPath,
      deployerDir,
      passphrase: DEPLOYER_PASSPHRASE,
      logger: silentLogger,
    });
    // The processes boot together (each on its own); the in-process agents start one after the other meanwhile.
    const launched = Promise.all(
      homes
        .filter(({ member }) => asProcess(member.name))
        .map(async ({ member, config, home, configPath }) => {
          const adminKey = await ensureAdminKey(config);
          const logFile = join(home, "agent.log");
          const url = `http://127.0.0.1:${config.listen.port}`;
          const child = await processes.launch(member.name, url, configPath, logFile);
          agents[member.name] = { pid: child.pid ?? 0, configPath, logFile, ...endpoint(url, adminKey) };
        }),
    );
    try {
      for (const { member, config } of homes.filter(({ member }) => !asProcess(member.name))) {
        const adminKey = await ensureAdminKey(config);
        const agent = await createAgent(config, { logger: pino({ level: "silent" }) });
        running.push(agent);
        agents[member.name] = { agent, ...endpoint(await agent.start(), adminKey) };
      }
    } finally {
      await launched;
    }
    return { dir, manifestPath, agents, killAgent, startAgent, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
