// Reads of the device read model (the tables registriesProjection writes): reports, their devices, and which live
// reports hold a device. The only SQL reader of those tables; lists are keyset-paginated.
import type { Address, Hex } from "viem";
import { queryIn } from "../core/store/index.ts";
import type { Queryable } from "../core/store/store.ts";

export interface DeviceReportView {
  reportId: Hex;
  reporter: Address;
  status: string;
  reason: number;
  count: number;
  cleared: number;
  withdrawn: boolean;
  digest: Hex;
  reportedBlock: number;
  /** Block time of the report, ISO 8601. */
  reportedAt: string;
  txHash: Hex;
}

interface ReportRow {
  report_id: string;
  reporter: string;
  status: string;
  reason: number;
  device_count: number;
  cleared: number;
  withdrawn: number;
  digest: string;
  reported_block: number;
  reported_at: number;
  reported_tx: string;
}

const REPORT_COLUMNS = `r.report_id, r.reporter, r.status, r.reason, r.device_count, r.digest, r.withdrawn,
  r.reported_block, r.reported_at, r.reported_tx,
  (SELECT COUNT(*) FROM registries_device_entries e WHERE e.report_id = r.report_id AND e.cleared = 1) AS cleared`;

const view = (r: ReportRow): DeviceReportView => ({
  reportId: r.report_id as Hex,
  reporter: r.reporter as Address,
  status: r.status,
  reason: Number(r.reason),
  count: Number(r.device_count),
  cleared: Number(r.cleared),
  withdrawn: Number(r.withdrawn) === 1,
  digest: r.digest as Hex,
  reportedBlock: Number(r.reported_block),
  reportedAt: new Date(Number(r.reported_at) * 1000).toISOString(),
  txHash: r.reported_tx as Hex,
});

/** One live block of a device: the report holding it, not withdrawn, the device not cleared. */
export interface DeviceBlockView {
  reportId: Hex;
  reporter: Address;
  status: string;
  reason: number;
  reportedAt: string;
}

export class DeviceReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async report(reportId: string): Promise<DeviceReportView | undefined> {
    const row = await this.#db.one<ReportRow>(
      `SELECT ${REPORT_COLUMNS} FROM registries_device_reports r WHERE r.report_id = $1`,
      [reportId.toLowerCase()],
    );
    return row ? view(row) : undefined;
  }

  /** Reports by report id, optionally of one reporter; `after` is the last report id of the previous page. */
  async reports(filter: { reporter?: string }, page: { limit: number; after?: string }): Promise<DeviceReportView[]> {
    const params: string[] = [];
    const where: string[] = [];
    if (filter.reporter) {
      params.push(filter.reporter.toLowerCase());
      where.push(`r.reporter = $${params.length}`);
    }
    if (page.after) {
      params.push(page.after);
      where.push(`r.report_id > $${params.length}`);
    }
    const rows = await this.#db.query<ReportRow>(
      `SELECT ${REPORT_COLUMNS} FROM registries_device_reports r
       ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY r.report_id LIMIT ${page.limit + 1}`,
      params,
    );
    return rows.map(view);
  }

  /** The first `limit` live blocks of `device` (keyed hash), oldest first, and how many there are in all. */
  async blocksOf(device: Hex, limit: number): Promise<{ blocks: DeviceBlockView[]; total: number }> {
    const total = await this.#db.one<{ n: number }>(
      `SELECT COUNT(DISTINCT e.report_id) AS n
       FROM registries_device_entries e JOIN registries_device_reports r ON r.report_id = e.report_id
       WHERE e.device = $1 AND e.cleared = 0 AND r.withdrawn = 0`,
      [device.toLowerCase()],
    );
    const rows = await this.#db.query<ReportRow>(
      `SELECT DISTINCT r.report_id, r.reporter, r.status, r.reason, r.reported_at, r.reported_block
       FROM registries_device_entries e JOIN registries_device_reports r ON r.report_id = e.report_id
       WHERE e.device = $1 AND e.cleared = 0 AND r.withdrawn = 0 ORDER BY r.reported_block, r.report_id
       LIMIT ${limit}`,
      [device.toLowerCase()],
    );
    const blocks = rows.map((r) => ({
      reportId: r.report_id as Hex,
      reporter: r.reporter as Address,
      status: r.status,
      reason: Number(r.reason),
      reportedAt: new Date(Number(r.reported_at) * 1000).toISOString(),
    }));
    return { blocks, total: Number(total?.n ?? 0) };
  }

  /** Of `devices`, those some live report holds. */
  async blockedAmong(devices: readonly Hex[]): Promise<Set<Hex>> {
    const rows = await queryIn<{ device: string }>(
      this.#db,
      (list) =>
        `SELECT DISTINCT e.device FROM registries_device_entries e
         JOIN registries_device_reports r ON r.report_id = e.report_id
         WHERE e.cleared = 0 AND r.withdrawn = 0 AND e.device IN (${list})`,
      devices.map((d) => d.toLowerCase()),
    );
    return new Set(rows.map((r) => r.device as Hex));
  }

  /** The devices of a report, by position. */
  async devicesOf(reportId: string): Promise<Array<{ device: Hex; cleared: boolean }>> {
    const rows = await this.#db.query<{ device: string; cleared: number }>(
      `SELECT device, cleared FROM registries_device_entries WHERE report_id = $1 ORDER BY position`,
      [reportId.toLowerCase()],
    );
    return rows.map((r) => ({ device: r.device as Hex, cleared: Number(r.cleared) === 1 }));
  }

  /**
   * Every blocked device, a page at a time in (report, position) order, for loading the in-memory index: `after` is
   * the last row's key. Devices several reports hold come once per report.
   */
  async liveDevices(
    limit: number,
    after?: { reportId: string; position: number },
  ): Promise<Array<{ reportId: string; position: number; device: Hex }>> {
    const rows = await this.#db.query<{ report_id: string; position: number; device: string }>(
      `SELECT e.report_id, e.position, e.device FROM registries_device_entries e
       JOIN registries_device_reports r ON r.report_id = e.report_id
       WHERE e.cleared = 0 AND r.withdrawn = 0
         ${after ? "AND (e.report_id > $1 OR (e.report_id = $1 AND e.position > $2))" : ""}
       ORDER BY e.report_id, e.position LIMIT ${limit}`,
      after ? [after.reportId, after.position] : [],
    );
    return rows.map((r) => ({ reportId: r.report_id, position: Number(r.position), device: r.device as Hex }));
  }
}
