// Log files bounded by size: a sandbox left running for a month must not fill the disk. The current file is
// <name>; when it passes maxBytes it becomes <name>.1, the previous <name>.1 becomes <name>.2, and so on, keeping
// `keep` old files.
import { closeSync, existsSync, fstatSync, openSync, renameSync, rmSync, writeSync } from "node:fs";

export interface LogLimits {
  /** Size at which the current file is rotated. Default 10 MiB. */
  maxBytes?: number;
  /** Rotated files kept. Default 3. */
  keep?: number;
}

const DEFAULT_MAX_BYTES = 10 * 2 ** 20;
const DEFAULT_KEEP = 3;

/** Shifts <path> to <path>.1 (and older copies one further), dropping the oldest beyond `keep`. */
export function rotateLog(path: string, keep = DEFAULT_KEEP): void {
  rmSync(`${path}.${keep}`, { force: true });
  for (let i = keep - 1; i >= 1; i--) {
    if (existsSync(`${path}.${i}`)) renameSync(`${path}.${i}`, `${path}.${i + 1}`);
  }
  if (existsSync(path)) renameSync(path, `${path}.1`);
}

/** Rotates <path> if it already passed the limit (a file another process appends to, checked at its start). */
export function rotateLogIfFull(path: string, limits: LogLimits = {}): void {
  if (!existsSync(path)) return;
  const fd = openSync(path, "r");
  try {
    if (fstatSync(fd).size < (limits.maxBytes ?? DEFAULT_MAX_BYTES)) return;
  } finally {
    closeSync(fd);
  }
  rotateLog(path, limits.keep ?? DEFAULT_KEEP);
}

export interface RotatingLog {
  write(chunk: Buffer | string): void;
  close(): void;
}

/** An append-only log this process writes (a child's output piped through it), rotated as it grows. */
export function openRotatingLog(path: string, limits: LogLimits = {}): RotatingLog {
  const maxBytes = limits.maxBytes ?? DEFAULT_MAX_BYTES;
  const keep = limits.keep ?? DEFAULT_KEEP;
  rotateLogIfFull(path, limits);
  let fd: number | undefined = openSync(path, "a");
  let size = fstatSync(fd).size;
  return {
    write(chunk) {
      if (fd === undefined) return;
      const bytes = typeof chunk === "string" ? Buffer.from(chunk) : chunk;
      if (size > 0 && size + bytes.length > maxBytes) {
        closeSync(fd);
        rotateLog(path, keep);
        fd = openSync(path, "a");
        size = 0;
      }
      writeSync(fd, bytes);
      size += bytes.length;
    },
    close() {
      if (fd !== undefined) closeSync(fd);
      fd = undefined;
    },
  };
}
