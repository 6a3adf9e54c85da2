// A throwaway PostgreSQL for tests: a fresh database on TEST_DATABASE_URL's server, or else a private cluster started
// from the local PostgreSQL binaries on a free loopback port. Without PostgreSQL it fails loudly: tests never skip.
import { execFile, spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { releasePort, reservePort } from "./ports.ts";

const run = promisify(execFile);

export interface TestPostgres {
  /** postgres://... of an empty database only this caller uses. */
  url: string;
  stop(): Promise<void>;
}

export async function startTestPostgres(): Promise<TestPostgres> {
  const serverUrl = process.env.TEST_DATABASE_URL;
  return serverUrl ? createDatabaseOn(serverUrl) : startCluster();
}

async function createDatabaseOn(serverUrl: string): Promise<TestPostgres> {
  const name = `telco_test_${randomBytes(6).toString("hex")}`;
  await withClient(serverUrl, (client) => client.query(`CREATE DATABASE ${name}`));
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async stop() {
      await withClient(serverUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
    },
  };
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The directory holding initdb and pg_ctl: PATH first, then Debian's versioned dirs (newest first), /usr/local/bin. */
export function findPostgresBin(): string | undefined {
  const debian = existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql")
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
        .map((v) => `/usr/lib/postgresql/${v}/bin`)
    : [];
  const candidates = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...debian, "/usr/local/bin"];
  return candidates.find((dir) => existsSync(join(dir, "initdb")) && existsSync(join(dir, "pg_ctl")));
}

async function startCluster(): Promise<TestPostgres> {
  const bin = findPostgresBin();
  if (!bin) {
    throw new Error(
      "PostgreSQL is required by this test but initdb/pg_ctl were not found in PATH, /usr/lib/postgresql/*/bin or " +
        "/usr/local/bin: install it (Debian: apt-get install postgresql) or set TEST_DATABASE_URL to a server",
    );
  }
  const root = mkdtempSync(join(tmpdir(), "telco-pg-"));
  const dataDir = join(root, "data");
  const socketDir = join(root, "sock");
  mkdirSync(socketDir);
  const logFile = join(root, "postgres.log");
  // initdb refuses to run as root: run the binaries as the postgres user, which must own the directory.
  const asRoot = process.getuid?.() === 0;
  if (asRoot) {
    const owner = postgresUser();
    chownSync(root, owner.uid, owner.gid);
    chownSync(socketDir, owner.uid, owner.gid);
  }
  const exec = async (tool: string, args: string[]) => {
    const file = join(bin, tool);
    try {
      return asRoot ? await run("runuser", ["-u", "postgres", "--", file, ...args]) : await run(file, args);
    } catch (error) {
      const detail = (error as { stderr?: string }).stderr ?? "";
      const log = existsSync(logFile) ? readFileSync(logFile, "utf8").slice(-2000) : "";
      throw new Error(`${tool} failed: ${(error as Error).message}\n${detail}\n${log}`, { cause: error });
    }
  };

  await exec("initdb", ["-D", dataDir, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale", "--no-sync"]);
  const port = await reservePort();
  const serverOptions = `-c listen_addresses=127.0.0.1 -p ${port} -k ${socketDir} -c fsync=off -c full_page_writes=off`;
  const stopSync = () => {
    const args = ["-D", dataDir, "-m", "immediate", "-w", "stop"];
    const file = join(bin, "pg_ctl");
    if (asRoot) spawnSync("runuser", ["-u", "postgres", "--", file, ...args], { stdio: "ignore" });
    else spawnSync(file, args, { stdio: "ignore" });
  };
  // pg_ctl daemonises the server, so a test process that dies without stop() must still take it down.
  process.once("exit", stopSync);
  try {
    await exec("pg_ctl", ["-D", dataDir, "-l", logFile, "-o", serverOptions, "-w", "-t", "60", "start"]);
  } catch (error) {
    process.removeListener("exit", stopSync);
    rmSync(root, { recursive: true, force: true });
    throw error;
  }
  let stopped = false;
  return {
    url: `postgres://postgres@127.0.0.1:${port}/postgres`,
    async stop() {
      if (stopped) return;
      stopped = true;
      process.removeListener("exit", stopSync);
      await exec("pg_ctl", ["-D", dataDir, "-m", "fast", "-w", "stop"]).catch(stopSync);
      releasePort(port);
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function postgresUser(): { uid: number; gid: number } {
  const uid = spawnSync("id", ["-u", "postgres"], { encoding: "utf8" });
  const gid = spawnSync("id", ["-g", "postgres"], { encoding: "utf8" });
  if (uid.status !== 0 || gid.status !== 0) {
    throw new Error("running as root, but there is no 'postgres' user to run initdb as (initdb refuses root)");
  }
  return { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
}
