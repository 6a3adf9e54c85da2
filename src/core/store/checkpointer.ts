// WAL checkpoints off the event loop. SQLite copies the write-ahead log into the database file from inside a commit
// once the log passes `wal_autocheckpoint` pages, and node:sqlite runs that commit on the agent's only thread: under
// roaming load one commit in ten took over 10 ms, most of the time agents spent committing. A worker thread with its
// own connection checkpoints passively (never waiting for readers or writers) several times a second instead; the
// agent's connection keeps a high autocheckpoint only as a safety net.
import { Worker } from "node:worker_threads";

// Plain CommonJS: eval'd workers are not type-stripped modules.
const SOURCE = `
const { workerData, parentPort } = require("node:worker_threads");
process.removeAllListeners("warning");
process.on("warning", () => {});
const { DatabaseSync } = require("node:sqlite");
const db = new DatabaseSync(workerData.file);
db.exec("PRAGMA busy_timeout = 1000");
// data_version changes when another connection commits: an idle agent's log has nothing to copy, so skip it.
const version = db.prepare("PRAGMA data_version");
let seen;
const timer = setInterval(() => {
  try {
    const now = version.get().data_version;
    if (now === seen) return;
    seen = now;
    db.exec("PRAGMA wal_checkpoint(PASSIVE)");
  } catch {}
}, workerData.intervalMs);
parentPort.once("message", () => {
  clearInterval(timer);
  db.close();
  parentPort.close();
});
`;

export interface Checkpointer {
  stop(): Promise<void>;
}

export function startCheckpointer(file: string, intervalMs = 250): Checkpointer {
  const worker = new Worker(SOURCE, { eval: true, workerData: { file, intervalMs } });
  worker.unref();
  // A failing checkpointer leaves the connection's own autocheckpoint in charge: nothing is lost.
  worker.on("error", () => {});
  const exited = new Promise<void>((resolve) => worker.once("exit", () => resolve()));
  return {
    async stop() {
      worker.postMessage("stop");
      const timeout = setTimeout(() => void worker.terminate(), 2000);
      await exited;
      clearTimeout(timeout);
    },
  };
}
