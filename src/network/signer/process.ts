// The signer process beside each node (main.ts): started before its geth, since geth dials the signer once at start
// and refuses to run without it; stopped after it. Like the node, it is detached with a pid file and a log in the
// node's directory, and a pid file is trusted only while that pid is this node's signer.
import { spawn } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";
import { readFile, rm, writeFile } from "node:fs/promises";
import { createConnection } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";
import { NetworkError } from "../errors.ts";
import { type NetworkNode, signerLogFile, signerPidFile, signerSocket } from "../layout.ts";

const entry = fileURLToPath(new URL("./main.ts", import.meta.url));
// The keystore's scrypt (N=2^17) takes about a second on a busy machine; a loaded CI machine needs more.
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 10_000;

export async function runningSignerPid(node: NetworkNode): Promise<number | undefined> {
  let pid: number;
  try {
    pid = Number((await readFile(signerPidFile(node), "utf8")).trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    return cmdline.includes(entry) && cmdline.includes(signerSocket(node.dir)) ? pid : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Starts the node's signer unless it runs; resolves once its socket answers, with whether it had to start it. No-op
 * (false) for a node without one.
 */
export async function ensureSigner(node: NetworkNode): Promise<boolean> {
  const keystore = node.validatorKeystore;
  if (!keystore || (await runningSignerPid(node))) return false;
  const socket = signerSocket(node.dir);
  const log = openSync(signerLogFile(node), "a");
  const child = spawn(
    process.execPath,
    ["--disable-warning=ExperimentalWarning", entry, keystore.dir, keystore.passphraseFile, node.signer, socket],
    { stdio: ["ignore", log, log], detached: true },
  );
  closeSync(log);
  if (child.pid === undefined) throw new NetworkError("NODE_START_FAILED", `${node.name}: the signer did not start`);
  child.unref();
  await writeFile(signerPidFile(node), `${child.pid}\n`);
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await answers(socket))) {
    if (child.exitCode !== null || !(await runningSignerPid(node))) {
      throw new NetworkError("NODE_START_FAILED", `${node.name}: the signer exited: ${tail(signerLogFile(node))}`);
    }
    if (Date.now() > deadline) {
      throw new NetworkError("NODE_START_FAILED", `${node.name}: the signer's socket ${socket} did not answer in time`);
    }
    await sleep(100);
  }
  return true;
}

export async function stopSigner(node: NetworkNode): Promise<void> {
  const pid = await runningSignerPid(node);
  if (pid) {
    process.kill(pid, "SIGTERM");
    const deadline = Date.now() + STOP_GRACE_MS;
    while (Date.now() < deadline && (await runningSignerPid(node))) await sleep(100);
    if (await runningSignerPid(node)) process.kill(pid, "SIGKILL");
  }
  await rm(signerPidFile(node), { force: true });
}

function answers(socket: string): Promise<boolean> {
  if (!existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const connection = createConnection(socket);
    connection.once("connect", () => {
      connection.destroy();
      resolve(true);
    });
    connection.once("error", () => resolve(false));
  });
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-3).join(" | ");
  } catch {
    return "no log";
  }
}
