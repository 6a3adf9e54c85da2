// The geth binary the kit runs: v1.13.15, the last geth that seals Clique blocks. Built once from the Go module proxy
// into the project's cache (.cache/geth/bin) and reused; TELCO_LEDGER_GETH names a binary to use instead (a user
// without Go downloads the geth 1.13.15 release archive from geth.ethereum.org and points it there).
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { NetworkError } from "./errors.ts";

const run = promisify(execFile);

export const GETH_VERSION = "1.13.15";
const GETH_MODULE = `github.com/ethereum/go-ethereum/cmd/geth@v${GETH_VERSION}`;
const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "../..");
const GO_CANDIDATES = ["go", "/usr/local/go/bin/go"];
/** A cold build downloads about 400 MB of modules and compiles for minutes on a loaded machine. */
const BUILD_TIMEOUT_MS = 30 * 60_000;

export interface GethBinary {
  path: string;
  /** Seconds spent building it now; 0 when it was already there. */
  buildSeconds: number;
}

export function gethCacheDir(): string {
  return process.env.TELCO_LEDGER_GETH_CACHE ?? join(PROJECT_ROOT, ".cache", "geth");
}

/** The path of a usable geth, building it with Go when it is not there yet. */
export async function ensureGeth(onProgress: (message: string) => void = () => {}): Promise<GethBinary> {
  const configured = process.env.TELCO_LEDGER_GETH;
  if (configured) {
    await checkVersion(configured);
    return { path: configured, buildSeconds: 0 };
  }
  const cached = join(gethCacheDir(), "bin", "geth");
  if (existsSync(cached)) {
    await checkVersion(cached);
    return { path: cached, buildSeconds: 0 };
  }
  const go = await findGo();
  if (!go) {
    throw new NetworkError(
      "GETH_UNAVAILABLE",
      `no geth at ${cached} and no Go toolchain to build it: install Go (1.20 or later) and run again, or download ` +
        `the geth ${GETH_VERSION} release for your platform and set TELCO_LEDGER_GETH to its path (docs/network.md)`,
    );
  }
  onProgress(`building geth ${GETH_VERSION} with ${go.path} (go${go.version}) into ${dirname(cached)}`);
  const started = Date.now();
  // Go 1.23 and later refuse geth 1.13's linkname into the runtime (github.com/fjl/memsize) unless told not to check.
  const ldflags = go.minor >= 23 ? ["-ldflags=-checklinkname=0"] : [];
  try {
    await run(go.path, ["install", ...ldflags, GETH_MODULE], {
      env: { ...process.env, GOBIN: dirname(cached) },
      timeout: BUILD_TIMEOUT_MS,
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const stderr = String((error as { stderr?: unknown }).stderr ?? "").trim();
    throw new NetworkError("GETH_UNAVAILABLE", `building geth ${GETH_VERSION} failed: ${stderr.slice(-2000)}`, {
      cause: error,
    });
  }
  await checkVersion(cached);
  return { path: cached, buildSeconds: Math.round((Date.now() - started) / 100) / 10 };
}

/** Go on the PATH or in its default install place, with its version; undefined when there is none. */
export async function findGo(): Promise<{ path: string; version: string; minor: number } | undefined> {
  for (const candidate of process.env.GO ? [process.env.GO] : GO_CANDIDATES) {
    try {
      const { stdout } = await run(candidate, ["version"]);
      const match = /go(\d+)\.(\d+)(\.\d+)?/.exec(stdout);
      if (match) return { path: candidate, version: match[0].slice(2), minor: Number(match[2]) };
    } catch {
      // Not this one: try the next.
    }
  }
  return undefined;
}

async function checkVersion(path: string): Promise<void> {
  let stdout: string;
  try {
    ({ stdout } = await run(path, ["version"]));
  } catch (error) {
    throw new NetworkError("GETH_UNAVAILABLE", `${path} does not run: ${(error as Error).message}`, { cause: error });
  }
  if (!stdout.includes(`Version: ${GETH_VERSION}`)) {
    throw new NetworkError(
      "GETH_UNAVAILABLE",
      `${path} is not geth ${GETH_VERSION} (the last release that seals Clique blocks): ${stdout.split("\n")[1] ?? stdout}`,
    );
  }
}
