// Member agents on an external network (a kit network's geth nodes, not the testkit's own anvil): each agent is
// initialised like `agent init` does, pointed at its own node, its member account and the deployer funded from the
// network's faucet (no anvil_setBalance on a real network), the platform deployed by the real deployer, and the
// agents run in the test process, or (`agentProcesses`) as child processes of the real CLI that a test can kill -9.
// Tests talk to them over HTTP as startTestConsortium's agents.
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
import { endpoint, type TestAgentEndpoint, type TestMember } from "./consortium.ts";
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
  /** Each agent a child process of the real CLI (killable), instead of inside the test process. */
  agentProcesses?: boolean;
}

export interface NetworkMembers {
  dir: string;
  manifestPath: string;
  agents: Record<string, TestAgentEndpoint>;
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
  const agents: Record<string, TestAgentEndpoint> = {};
  const processes = new AgentProcessSet();
  const ports: number[] = [];
  const killAgent = (name: string) => processes.kill(name);
  const startAgent = async (name: string) => {
    await processes.restart(name);
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
      const port = options.agentProcesses ? await reservePort() : 0;
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
        ...(options.fundNewAccountsWei ? { fundNewAccountsWei: options.fundNewAccountsWei } : {}),
        ...(options.voteValidators ? { voteValidators: true } : {}),
        logLevel: "fatal",
        pollMs: 100,
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
    for (const { member, config, home, configPath } of homes) {
      const adminKey = await ensureAdminKey(config);
      if (options.agentProcesses) {
        const logFile = join(home, "agent.log");
        const url = `http://127.0.0.1:${config.listen.port}`;
        await processes.launch(member.name, url, configPath, logFile);
        agents[member.name] = endpoint(url, adminKey);
        continue;
      }
      const agent = await createAgent(config, { logger: pino({ level: "silent" }) });
      running.push(agent);
      agents[member.name] = endpoint(await agent.start(), adminKey);
    }
    return { dir, manifestPath, agents, killAgent, startAgent, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
