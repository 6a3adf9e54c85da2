// Projects DeviceRegistry events into the device read model: each report (reporter, status, reason, digest) and each
// of its devices by position. Idempotent: a report's rows are keyed by report id and position, a clear or withdrawal
// sets a flag. The devices come whole from the event's packed bytes (the journal keeps only their size).
import type { Hex } from "viem";
import type { ChainEvent, Projection } from "../core/chain/indexer/indexer.ts";
import type { Queryable } from "../core/store/store.ts";

export const DEVICE_REGISTRY = "DeviceRegistry";
export const DEVICE_STATUSES = ["none", "stolen", "lost", "fraudulent", "blocked"] as const;
export type DeviceStatusName = Exclude<(typeof DEVICE_STATUSES)[number], "none">;

/** Rows per INSERT: one bound parameter a row plus the report id, far under both backends' limits. */
const ROWS_PER_STATEMENT = 2000;

/** The 32-byte keyed hashes packed in an event's bytes, lower-case 0x hex, in order. */
export function unpackDevices(packed: Hex): Hex[] {
  const body = packed.slice(2).toLowerCase();
  const out: Hex[] = [];
  for (let i = 0; i + 64 <= body.length; i += 64) out.push(`0x${body.slice(i, i + 64)}`);
  return out;
}

export function packDevices(devices: readonly Hex[]): Hex {
  return `0x${devices.map((d) => d.slice(2)).join("")}`;
}

async function insertEntries(tx: Queryable, reportId: string, devices: readonly Hex[]): Promise<void> {
  for (let from = 0; from < devices.length; from += ROWS_PER_STATEMENT) {
    const chunk = devices.slice(from, from + ROWS_PER_STATEMENT);
    const values = chunk.map((_, i) => `($1, ${from + i}, $${i + 2}, 0)`).join(", ");
    await tx.exec(
      `INSERT INTO registries_device_entries (report_id, position, device, cleared) VALUES ${values}
       ON CONFLICT (report_id, position) DO NOTHING`,
      [reportId, ...chunk],
    );
  }
}

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  const reportId = String(a.reportId).toLowerCase();
  switch (event.eventName) {
    case "DevicesReported": {
      const inserted = await tx.exec(
        `INSERT INTO registries_device_reports (report_id, reporter, status, reason, device_count, digest, withdrawn,
           reported_block, reported_at, reported_tx)
         VALUES ($1, $2, $3, $4, $5, $6, 0, $7, $8, $9) ON CONFLICT (report_id) DO NOTHING`,
        [
          reportId,
          String(a.reporter).toLowerCase(),
          DEVICE_STATUSES[Number(a.status)] ?? `status-${a.status}`,
          Number(a.reason),
          Number(a.count),
          String(a.digest).toLowerCase(),
          event.blockNumber,
          event.blockTimestamp,
          event.txHash,
        ],
      );
      if (inserted.changes > 0) await insertEntries(tx, reportId, unpackDevices(a.devices as Hex));
      return;
    }
    case "DevicesCleared": {
      const devices = unpackDevices(a.devices as Hex);
      for (let from = 0; from < devices.length; from += ROWS_PER_STATEMENT) {
        const chunk = devices.slice(from, from + ROWS_PER_STATEMENT);
        await tx.exec(
          `UPDATE registries_device_entries SET cleared = 1
           WHERE report_id = $1 AND cleared = 0 AND device IN (${chunk.map((_, i) => `$${i + 2}`).join(", ")})`,
          [reportId, ...chunk],
        );
      }
      return;
    }
    case "ReportWithdrawn":
      await tx.exec(`UPDATE registries_device_reports SET withdrawn = 1 WHERE report_id = $1`, [reportId]);
      return;
  }
}

export const registriesProjection: Projection = {
  name: "registries",
  tables: ["registries_device_reports", "registries_device_entries"],
  async handle(event, tx) {
    if (event.source === DEVICE_REGISTRY) await onEvent(event, tx);
  },
};
