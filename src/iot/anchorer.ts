// The anchoring timer: the agent anchors pending off-chain attestations by itself, so no attestation waits longer
// than a configured delay for its Merkle root (its own and the devices' peer attestations it relays, as separate
// batches, up to MAX_BATCH each per transaction). The pending tokens and their assigned batches are in the database,
// so after a restart (or a crash between storing a batch's proofs and sending it) the first checks anchor what
// waited and send again every batch the ledger does not hold, under the same root and batch id.
import type { Logger } from "pino";
import type { BatchKind } from "./repository.ts";
import { type IotService, MAX_BATCH } from "./service.ts";

export interface AnchorSettings {
  /** Longest wait of an off-chain attestation for its batch, in seconds; 0 switches the timer off. */
  maxDelaySeconds: number;
  /** How often the timer looks, in milliseconds. */
  checkMs: number;
  /** A batch assigned this long ago and not on the ledger is sent again (milliseconds). */
  strandedAfterMs: number;
}

const envNumber = (name: string, fallback: number) => {
  const value = process.env[name];
  const n = value === undefined || value === "" ? Number.NaN : Number(value);
  return Number.isInteger(n) && n >= 0 ? n : fallback;
};

/** From the environment, per agent process: TELCO_IOT_ANCHOR_MAX_DELAY (s, default 300), TELCO_IOT_ANCHOR_CHECK_MS. */
export function anchorSettings(): AnchorSettings {
  const maxDelaySeconds = envNumber("TELCO_IOT_ANCHOR_MAX_DELAY", 300);
  return {
    maxDelaySeconds,
    checkMs: Math.max(100, envNumber("TELCO_IOT_ANCHOR_CHECK_MS", Math.min(5_000, maxDelaySeconds * 500))),
    strandedAfterMs: envNumber("TELCO_IOT_ANCHOR_STRANDED_MS", 30_000),
  };
}

const KINDS: readonly BatchKind[] = ["own", "peer"];

/** One look: resend stranded batches, then anchor each kind whose oldest pending token waited `maxDelaySeconds`. */
export async function anchorDue(service: IotService, settings: AnchorSettings, now = Date.now()) {
  const anchored = [];
  for (const kind of KINDS) {
    if (kind === "peer" && !service.mayRelay) continue;
    anchored.push(...(await service.recoverStranded(kind, new Date(now - settings.strandedAfterMs).toISOString())));
    const oldest = await service.oldestPending(kind);
    if (oldest === undefined || Date.parse(oldest) > now - settings.maxDelaySeconds * 1000) continue;
    // A backlog above one batch is anchored in full batches, one transaction each.
    for (let full = true; full; ) {
      const batch = await service.anchor(MAX_BATCH, kind).catch((error: unknown) => {
        if ((error as { code?: string }).code === "IOT_NOTHING_TO_ANCHOR") return undefined;
        throw error;
      });
      if (batch) anchored.push(batch);
      full = batch?.count === MAX_BATCH;
    }
  }
  return anchored;
}

export function startAnchorer(
  service: IotService,
  settings: AnchorSettings,
  logger: Logger,
): { stop(): Promise<void> } {
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> = Promise.resolve();
  const tick = async () => {
    try {
      for (const batch of await anchorDue(service, settings)) {
        logger.info(
          { batchId: batch.batchId, count: batch.count, kind: batch.kind },
          "iot batch anchored by the timer",
        );
      }
    } catch (error) {
      // The next look tries again: the tokens stay pending (or assigned, and are sent again as stranded).
      logger.warn({ err: error }, "iot anchoring timer: this look failed");
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => {
      running = tick().finally(schedule);
    }, settings.checkMs);
  };
  if (settings.maxDelaySeconds > 0) schedule();
  return {
    async stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      await running;
    },
  };
}
