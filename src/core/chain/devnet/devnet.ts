// A supervised local anvil node whose chain survives restarts: the embedded default ledger and the test network.
// Zero base fee and gas price, like a Besu QBFT consortium network, so accounts transact without funding.
import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import { join } from "node:path";
import { rotateLogIfFull } from "../../logFiles.ts";
import { DevnetConfigError, DevnetStartError, DevnetStateUnrecoverableError } from "../errors.ts";
import { EVM_VERSION } from "../evm.ts";
import { type ChainLogger, stderrLogger } from "../logger.ts";
import { anvilBinaryPath } from "./anvil-binary.ts";
import { type DevnetConfig, readDevnetConfig, validateSeconds, writeDevnetConfig } from "./config.ts";
import { rpc } from "./rpc.ts";
import { prepareState, rotateGoodCopy, statePaths } from "./state-files.ts";

export interface StartDevnetOptions {
  dataDir: string;
  /** Fixed at creation; a later start with another chain id is refused. Default 31_337_001. */
  chainId?: number;
  /** Default: a free loopback port, kept across supervised restarts. */
  port?: number;
  /** Interval mining; omitted = automine (a block per transaction). */
  blockTimeSeconds?: number;
  /** Block gas limit. Default 150M: a batch of 1,000 roaming authentications is ~64M gas (docs/ledger.md). */
  gasLimit?: number;
  /** How often anvil dumps its state to state.json. Default 1. */
  stateIntervalSeconds?: number;
  /** How often a validated state file is copied into the good-copy rotation. Default max(5 s, 2 state intervals). */
  goodCopyIntervalMs?: number;
  /** Start an empty chain when the state is unusable and no good copy exists (all on-chain data is lost). */
  allowFreshChain?: boolean;
  /** Supervised restarts allowed within one minute before giving up. Default 5. */
  maxRestartsPerMinute?: number;
  /**
   * Called once when the supervisor gives up (the node keeps dying): whoever serves on top of this chain must stop
   * or say so, not go on answering without a ledger. The reason names the node's log.
   */
  onGiveUp?: (reason: string) => void;
  logger?: ChainLogger;
}

export interface Devnet {
  readonly rpcUrl: string;
  readonly chainId: number;
  readonly stateFile: string;
  /** Latest block number of the running node. */
  headBlock(): Promise<number>;
  /** Copies the current state file into the good-copy rotation now; returns its block number. */
  checkpoint(): Promise<number | undefined>;
  /** Stops anvil (it dumps its state on exit) and keeps that state as a good copy. */
  stop(): Promise<void>;
  /** stop + start, through the same state validation as a first start. */
  restart(): Promise<void>;
  /** Test hook: SIGKILL the node. The supervisor restarts it unless `superviseRestart` is false. */
  kill9ForTest(options?: { superviseRestart?: boolean }): Promise<void>;
}

const DEFAULT_CHAIN_ID = 31_337_001;
const DEFAULT_GAS_LIMIT = 150_000_000;

export async function startDevnet(options: StartDevnetOptions): Promise<Devnet> {
  const logger = options.logger ?? stderrLogger;
  validateSeconds("chainId", options.chainId, 1);
  validateSeconds("port", options.port, 1);
  validateSeconds("blockTimeSeconds", options.blockTimeSeconds, 1);
  validateSeconds("stateIntervalSeconds", options.stateIntervalSeconds, 1);
  const dir = join(options.dataDir, "devnet");
  await mkdir(dir, { recursive: true });
  const configPath = join(dir, "devnet.json");
  const saved = await readDevnetConfig(configPath);
  if (saved && options.chainId !== undefined && options.chainId !== saved.chainId) {
    throw new DevnetConfigError(
      "chainId",
      `is ${options.chainId} but the devnet in ${dir} was created with chain id ${saved.chainId}; use another dataDir`,
    );
  }
  const config: DevnetConfig = {
    chainId: saved?.chainId ?? options.chainId ?? DEFAULT_CHAIN_ID,
    blockTimeSeconds: options.blockTimeSeconds ?? saved?.blockTimeSeconds,
    stateIntervalSeconds: options.stateIntervalSeconds ?? saved?.stateIntervalSeconds ?? 1,
    createdAt: saved?.createdAt ?? new Date().toISOString(),
    persisted: saved?.persisted ?? false,
  };
  await writeDevnetConfig(configPath, config);

  const paths = statePaths(dir);
  const port = options.port ?? (await freePort());
  const rpcUrl = `http://127.0.0.1:${port}`;
  const goodCopyIntervalMs = options.goodCopyIntervalMs ?? Math.max(5000, 2000 * config.stateIntervalSeconds);
  const maxRestarts = options.maxRestartsPerMinute ?? 5;

  let child: ChildProcess | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopping = false;
  let superviseNextExit = true;
  let restartTimes: number[] = [];
  let goodCopyTimer: NodeJS.Timeout | undefined;
  let restarted: (() => void) | undefined;

  // One checkpoint at a time: the timer's and stop()'s would otherwise rotate the same files at once.
  let checkpointing: Promise<unknown> = Promise.resolve();
  const checkpoint = (): Promise<number | undefined> => {
    const run = checkpointing.then(async () => {
      const block = await rotateGoodCopy(paths);
      if (block !== undefined && !config.persisted) {
        config.persisted = true;
        await writeDevnetConfig(configPath, config);
      }
      return block;
    });
    checkpointing = run.catch(() => undefined);
    return run;
  };

  const launch = async (): Promise<void> => {
    const prepared = await prepareState(paths, logger, options.allowFreshChain === true || !config.persisted);
    if (prepared.kind === "refused") throw new DevnetStateUnrecoverableError(prepared.problem);
    // biome-ignore format: flag/value pairs read best one pair per line
    const args = [
      "--host", "127.0.0.1",
      "--port", String(port),
      "--chain-id", String(config.chainId),
      // The EVM the contracts are compiled for (evm.ts): code that only a later fork runs fails here as on Clique.
      "--hardfork", EVM_VERSION,
      "--base-fee", "0",
      "--gas-price", "0",
      "--disable-min-priority-fee",
      "--state", paths.state,
      "--state-interval", String(config.stateIntervalSeconds),
      "--gas-limit", String(options.gasLimit ?? DEFAULT_GAS_LIMIT),
      "--color", "never",
      // Without it anvil logs every RPC method it serves: 300 KiB a minute from an idle sandbox's agents. Fatal
      // errors (a taken port) are still printed.
      "--quiet",
    ];
    if (config.blockTimeSeconds !== undefined) args.push("--block-time", String(config.blockTimeSeconds));
    rotateLogIfFull(join(dir, "anvil.log"));
    const log = openSync(join(dir, "anvil.log"), "a");
    const proc = spawn(anvilBinaryPath(), args, { stdio: ["ignore", log, log] });
    closeSync(log);
    child = proc;
    exited = new Promise((resolve) => proc.once("exit", () => resolve()));
    proc.once("exit", (code, signal) => onExit(proc, code, signal));
    try {
      await waitReady(rpcUrl, config.chainId, proc);
    } catch (error) {
      proc.kill("SIGKILL");
      throw error;
    }
    logger.info(
      { rpcUrl, chainId: config.chainId, pid: proc.pid, state: prepared.kind },
      `devnet listening on ${rpcUrl} (chain id ${config.chainId}, ${prepared.kind === "fresh" ? "new chain" : `state from block ${prepared.blockNumber}`})`,
    );
  };

  const onExit = (proc: ChildProcess, code: number | null, signal: NodeJS.Signals | null) => {
    if (proc !== child) return;
    child = undefined;
    if (stopping) return;
    if (!superviseNextExit) {
      superviseNextExit = true;
      logger.warn({ code, signal }, "devnet node stopped; not restarting (restart() brings it back)");
      return;
    }
    const now = Date.now();
    restartTimes = restartTimes.filter((t) => now - t < 60_000);
    if (restartTimes.length >= maxRestarts) {
      const reason = `devnet node died again (code ${code}, signal ${signal}) after ${restartTimes.length} restarts in a minute; giving up — see ${join(dir, "anvil.log")}`;
      logger.error({ code, signal, restarts: restartTimes.length }, reason);
      options.onGiveUp?.(reason);
      return;
    }
    restartTimes.push(now);
    const delay = Math.min(5000, 200 * 2 ** (restartTimes.length - 1));
    logger.error(
      { code, signal, restartInMs: delay, attempt: restartTimes.length },
      `devnet node exited unexpectedly (code ${code}, signal ${signal}); restarting in ${delay} ms`,
    );
    setTimeout(() => {
      if (stopping) return;
      launch().then(
        () => restarted?.(),
        (error) => logger.error({ error: String(error) }, `devnet restart failed: ${(error as Error).message}`),
      );
    }, delay);
  };

  const stopProcess = async () => {
    const proc = child;
    if (!proc) return;
    stopping = true;
    proc.kill("SIGTERM");
    const timeout = setTimeout(() => proc.kill("SIGKILL"), 10_000);
    await exited;
    clearTimeout(timeout);
    stopping = false;
  };

  const startTimer = () => {
    goodCopyTimer = setInterval(() => {
      checkpoint().catch((error) => logger.warn({ error: String(error) }, "could not copy the devnet state"));
    }, goodCopyIntervalMs);
    goodCopyTimer.unref();
  };

  await launch();
  startTimer();

  return {
    rpcUrl,
    chainId: config.chainId,
    stateFile: paths.state,
    async headBlock() {
      return Number(await rpc<string>(rpcUrl, "eth_blockNumber", []));
    },
    checkpoint,
    async stop() {
      clearInterval(goodCopyTimer);
      stopping = true;
      await stopProcess();
      stopping = true;
      await checkpoint();
      logger.info({ rpcUrl }, "devnet stopped; state saved");
    },
    async restart() {
      clearInterval(goodCopyTimer);
      await stopProcess();
      await checkpoint();
      stopping = false;
      await launch();
      startTimer();
    },
    async kill9ForTest(killOptions) {
      const proc = child;
      if (!proc) return;
      const supervise = killOptions?.superviseRestart !== false;
      superviseNextExit = supervise;
      if (!supervise) clearInterval(goodCopyTimer);
      const back = new Promise<void>((resolve) => {
        restarted = resolve;
      });
      proc.kill("SIGKILL");
      await exited;
      if (supervise) await back;
    },
  };
}

async function waitReady(rpcUrl: string, chainId: number, proc: ChildProcess): Promise<void> {
  let exitCode: number | null | undefined;
  proc.once("exit", (code) => {
    exitCode = code;
  });
  const deadline = Date.now() + 30_000;
  while (Date.now() < deadline) {
    if (exitCode !== undefined) throw new DevnetStartError(`anvil exited with code ${exitCode} while starting`);
    try {
      const answered = Number(await rpc<string>(rpcUrl, "eth_chainId", []));
      if (answered !== chainId) throw new DevnetStartError(`node on ${rpcUrl} answers chain id ${answered}`);
      return;
    } catch (error) {
      if (error instanceof DevnetStartError) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
  throw new DevnetStartError(`anvil did not answer on ${rpcUrl} within 30 s`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() =>
        typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port")),
      );
    });
  });
}
