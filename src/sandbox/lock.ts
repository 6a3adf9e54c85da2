// One sandbox per data directory. A second `sandbox up` on the same directory would fight the first over its ports
// and then report the first one's agents as its own; the lock file <dataDir>/sandbox.lock makes it refuse at once,
// naming the process that holds it. A lock left by a process that is gone (kill -9, power cut) is taken over.
import { linkSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import { join } from "node:path";

export interface LockHolder {
  pid: number;
  /** When the holder took the lock (ISO 8601). */
  startedAt: string;
  command: string;
  /** Linux: the process start time from /proc/<pid>/stat, so a reused pid is not mistaken for the holder. */
  processStart?: string;
}

export class SandboxRunningError extends Error {
  override readonly name = "SandboxRunningError";
  readonly code = "SANDBOX_RUNNING";
  readonly holder: LockHolder;
  constructor(lockPath: string, holder: LockHolder) {
    super(
      `a sandbox already runs on this data directory: pid ${holder.pid}, started ${holder.startedAt}, ` +
        `command: ${holder.command} (lock ${lockPath}). Stop it (Ctrl-C in its terminal, or kill ${holder.pid}) ` +
        "or give another --data-dir",
    );
    this.holder = holder;
  }
}

export interface SandboxLock {
  readonly path: string;
  /** Removes the lock if it is still this process's. */
  release(): void;
}

/**
 * Takes <dataDir>/sandbox.lock for this process. Throws SandboxRunningError when a live process holds it; calls
 * `note` when it takes over a lock whose holder is gone.
 */
export function acquireSandboxLock(dataDir: string, note: (message: string) => void): SandboxLock {
  const path = join(dataDir, "sandbox.lock");
  const me: LockHolder = {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    command: process.argv.join(" "),
    ...optional("processStart", processStartTime(process.pid)),
  };
  // Written whole to a private file, then linked into place: link fails if the lock exists, and a reader never sees
  // a half-written lock.
  const draft = `${path}.${process.pid}`;
  writeFileSync(draft, `${JSON.stringify(me)}\n`, { mode: 0o600 });
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        linkSync(draft, path);
        break;
      } catch (error) {
        // Three rounds: another newcomer may take over the same stale lock between our unlink and link.
        if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt > 3) throw error;
      }
      const holder = readHolder(path);
      if (holder && isAlive(holder)) throw new SandboxRunningError(path, holder);
      note(
        holder
          ? `taking over ${path}: its holder (pid ${holder.pid}, started ${holder.startedAt}) is no longer running`
          : `taking over ${path}: it is unreadable`,
      );
      unlinkSync(path);
    }
  } finally {
    unlinkSync(draft);
  }
  return {
    path,
    release() {
      if (readHolder(path)?.pid === process.pid) unlinkSync(path);
    },
  };
}

function readHolder(path: string): LockHolder | undefined {
  try {
    const holder = JSON.parse(readFileSync(path, "utf8")) as Partial<LockHolder>;
    if (typeof holder.pid !== "number" || typeof holder.startedAt !== "string") return undefined;
    return { command: "", ...holder } as LockHolder;
  } catch {
    return undefined;
  }
}

/** The holder still runs: its pid exists and, where /proc tells, it is the same process that took the lock. */
export function isAlive(holder: LockHolder): boolean {
  try {
    process.kill(holder.pid, 0);
  } catch (error) {
    // EPERM: the pid exists but belongs to another user; it is alive.
    if ((error as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  if (!holder.processStart) return true;
  const now = processStartTime(holder.pid);
  return now === undefined || now === holder.processStart;
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks since boot); undefined where there is no /proc. */
function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its closing one.
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

function optional<K extends string, V>(key: K, value: V | undefined): Partial<Record<K, V>> {
  return value === undefined ? {} : ({ [key]: value } as Record<K, V>);
}
