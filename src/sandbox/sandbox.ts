// `telco-ledger sandbox up`: the devnet, the platform contracts and one member agent process per seeded member, all on
// loopback. Everything lives in the data directory, so running it again resumes the same chain, keys and databases.
// What scripts need (URLs, API keys, chain id, contract addresses) is written to <dataDir>/sandbox.json.
import { type ChildProcess, spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Address } from "viem";
import { ensureAdminKey } from "../agent/bootstrap.ts";
import { initAgent } from "../agent/init.ts";
import { expectAgent, requestAgent } from "../cli/agentClient.ts";
import { type Devnet, startDevnet } from "../core/chain/devnet/devnet.ts";
import type { ChainLogger } from "../core/chain/logger.ts";
import { openRotatingLog, type RotatingLog } from "../core/logFiles.ts";
import { DOMAINS } from "../domains.ts";
import { deployPlatform } from "../ledger/deployer.ts";
import { SANDBOX_MEMBERS } from "./consortium.ts";
import { acquireSandboxLock } from "./lock.ts";

export interface SandboxOptions {
  dataDir: string;
  rpcPort: number;
  basePort: number;
  chainId: number;
  blockTimeSeconds?: number;
  logger: ChainLogger;
  progress(message: string): void;
  /**
   * Called when the devnet supervisor gives up on a node that keeps dying: the sandbox must stop (or say so) rather
   * than serve agents without a chain.
   */
  onChainLost?: (reason: string) => void;
}

export interface SandboxAgentInfo {
  name: string;
  memberName: string;
  roles: string[];
  memberAccount: string;
  url: string;
  docsUrl: string;
  consoleUrl: string;
  apiKey: string;
  /** The member's own DID (DID-Auth, credentials it issues as a member). */
  did?: string;
  /**
   * The organisation accounts this agent hosts (EIDL): other DIDs, the ones that hold vetting, TN grants and sign
   * PASSporTs. `type` is the Annex A organisation type (0 KYC vetter ... 8 OSP).
   */
  organisationDids?: Array<{ name: string; did: string; type: number }>;
  logFile: string;
}

export interface SandboxFile {
  version: 1;
  startedAt: string;
  dataDir: string;
  chain: {
    rpcUrl: string;
    chainId: number;
    manifestPath: string;
    contracts: Record<string, { address: string; blockNumber: number }>;
  };
  agents: SandboxAgentInfo[];
}

export interface RunningSandbox {
  file: SandboxFile;
  stop(): Promise<void>;
}

interface AgentEntry {
  info: SandboxAgentInfo;
  configPath: string;
  /** Its output: agent.log, rotated at 10 MiB, three old files kept. */
  log: RotatingLog;
  process?: ChildProcess;
}

const binPath = fileURLToPath(new URL("../../bin/telco-ledger.mjs", import.meta.url));

export async function sandboxUp(options: SandboxOptions): Promise<RunningSandbox> {
  const { dataDir, progress } = options;
  await mkdir(dataDir, { recursive: true });
  const manifestPath = join(dataDir, "deployment.json");
  const sandboxPath = join(dataDir, "sandbox.json");
  const previous = readPreviousSandbox(sandboxPath);
  // Before anything binds a port: a second sandbox on this directory refuses here, naming the first.
  const lock = acquireSandboxLock(dataDir, progress);

  progress(`starting the devnet (data in ${join(dataDir, "devnet")})`);
  let devnet: Devnet;
  try {
    devnet = await startDevnet({
      dataDir,
      chainId: options.chainId,
      port: options.rpcPort,
      ...(options.blockTimeSeconds ? { blockTimeSeconds: options.blockTimeSeconds } : {}),
      logger: options.logger,
      ...(options.onChainLost ? { onGiveUp: options.onChainLost } : {}),
    });
  } catch (error) {
    lock.release();
    throw error;
  }
  const agents: AgentEntry[] = [];
  let stopping = false;
  const stop = async () => {
    stopping = true;
    await Promise.all(agents.map((a) => stopChild(a.process)));
    for (const agent of agents) agent.log.close();
    await devnet.stop();
    lock.release();
  };

  try {
    progress("preparing member agents (keystores, member accounts)");
    const homes = [];
    for (const [index, member] of SANDBOX_MEMBERS.entries()) {
      const port = options.basePort + index;
      const home = join(dataDir, "agents", member.name);
      const { configPath, config } = await initAgent({
        home,
        name: member.name,
        memberName: member.memberName,
        port,
        rpcUrl: devnet.rpcUrl,
        chainId: devnet.chainId,
        manifestPath,
        // Agents learn of new blocks from the node's new-head subscription. Without one (it dropped), they poll: every
        // 100 ms while blocks come (a roaming attach waits for two), backing off to 2 s while the chain is idle.
        pollMs: 100,
      });
      homes.push({ member, configPath, config, home });
    }

    progress("deploying the platform contracts (idempotent)");
    const deployerDir = join(dataDir, "deployer");
    const manifest = await deployPlatform({
      rpcUrl: devnet.rpcUrl,
      chainId: devnet.chainId,
      founders: homes.map(({ member, config }) => ({
        account: config.memberAccount,
        name: member.memberName,
        roles: member.roles,
      })),
      manifestPath,
      deployerDir,
      passphrase: await sandboxSecret(join(deployerDir, "keystore.passphrase")),
      logger: options.logger,
      onStep: (name, outcome, address) => progress(`  ${name} ${outcome} at ${address}`),
    });
    await devnet.checkpoint();

    progress(`starting ${homes.length} member agents`);
    for (const { member, configPath, config, home } of homes) {
      const apiKey = await ensureAdminKey(config, previous?.agents.find((a) => a.name === member.name)?.apiKey);
      const url = `http://${config.listen.host}:${config.listen.port}`;
      const info: SandboxAgentInfo = {
        name: member.name,
        memberName: member.memberName,
        roles: ["GOVERNOR", ...member.roles],
        memberAccount: config.memberAccount,
        url,
        docsUrl: `${url}/docs`,
        consoleUrl: `${url}/console/`,
        apiKey,
        logFile: join(home, "agent.log"),
      };
      const entry: AgentEntry = { info, configPath, log: openRotatingLog(info.logFile) };
      agents.push(entry);
      const launch = () => {
        entry.process = spawnAgent(configPath, entry.log);
        entry.process.once("exit", (code, signal) => {
          if (stopping) return;
          options.logger.warn({ agent: info.name, code, signal }, `agent ${info.name} exited; restarting in 1 s`);
          setTimeout(() => !stopping && launch(), 1000).unref();
        });
      };
      launch();
    }
    // Twelve agents start at once: on a busy 2-core machine that alone can take minutes (more than three at a load
    // average of 30 to 50, when several engineers' test runs share it). A start, not a rule: the wait is generous.
    await Promise.all(agents.map((a) => waitHealthy(a.info, 600_000)));

    progress("ensuring each member's organisation DID");
    for (const agent of agents) agent.info.did = await ensureOrganisationDid(agent.info);
    for (const domain of DOMAINS) {
      if (!domain.seedSandbox) continue;
      progress(`seeding ${domain.name}`);
      await domain.seedSandbox(
        agents.map(({ info }) => ({ ...info, memberAccount: info.memberAccount as Address })),
        (m) => progress(`  ${m}`),
      );
    }

    for (const agent of agents) agent.info.organisationDids = await organisationAccounts(agent.info);

    const file: SandboxFile = {
      version: 1,
      startedAt: new Date().toISOString(),
      dataDir,
      chain: {
        rpcUrl: devnet.rpcUrl,
        chainId: devnet.chainId,
        manifestPath,
        contracts: Object.fromEntries(
          Object.entries(manifest.contracts).map(([name, c]) => [
            name,
            { address: c.address, blockNumber: c.blockNumber },
          ]),
        ),
      },
      agents: agents.map((a) => a.info),
    };
    await writeFile(sandboxPath, `${JSON.stringify(file, null, 2)}\n`, { mode: 0o600 });
    return { file, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function readPreviousSandbox(path: string): SandboxFile | undefined {
  try {
    return JSON.parse(readFileSync(path, "utf8")) as SandboxFile;
  } catch {
    return undefined;
  }
}

/** A random secret kept in a 0600 file: the sandbox's stand-in for a passphrase from a secret manager. */
async function sandboxSecret(path: string): Promise<string> {
  if (existsSync(path)) return (await readFile(path, "utf8")).trim();
  await mkdir(join(path, ".."), { recursive: true, mode: 0o700 });
  const secret = randomBytes(32).toString("base64url");
  await writeFile(path, `${secret}\n`, { mode: 0o600 });
  return secret;
}

/** An agent process whose output goes, through this process, to its size-bounded log file. */
function spawnAgent(configPath: string, log: RotatingLog): ChildProcess {
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", binPath, "agent", "start", "--config", configPath],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  child.stdout?.on("data", (chunk: Buffer) => log.write(chunk));
  child.stderr?.on("data", (chunk: Buffer) => log.write(chunk));
  return child;
}

async function stopChild(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  const timer = setTimeout(() => child.kill("SIGKILL"), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitHealthy(agent: SandboxAgentInfo, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = "no answer";
  while (Date.now() < deadline) {
    try {
      const response = await fetch(`${agent.url}/health`);
      if (response.ok) return;
      last = `HTTP ${response.status}: ${await response.text()}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`agent ${agent.name} did not become healthy within ${timeoutMs} ms (${last}); see ${agent.logFile}`);
}

async function ensureOrganisationDid(agent: SandboxAgentInfo): Promise<string> {
  const list = await expectAgent<{ items: Array<{ did: string }> }>(agent, "GET", "/v1/identity/dids?limit=1");
  const first = list.items[0];
  if (first) return first.did;
  return (await expectAgent<{ did: string }>(agent, "POST", "/v1/identity/dids", { label: agent.memberName })).did;
}

/** The organisation accounts an agent hosts; none in a build without the EIDL domain (no such route). */
async function organisationAccounts(agent: SandboxAgentInfo): Promise<SandboxAgentInfo["organisationDids"]> {
  const answer = await requestAgent<{ items: Array<{ did: string; name: string; type: number }> }>(
    agent,
    "GET",
    "/v1/eidl/hosted-accounts?limit=100",
  );
  if (answer.status === 404) return [];
  if (answer.status !== 200) throw new Error(`${agent.name}: GET /v1/eidl/hosted-accounts answered ${answer.status}`);
  return answer.body.items.map(({ name, did, type }) => ({ name, did, type }));
}
