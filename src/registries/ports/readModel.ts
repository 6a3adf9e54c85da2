// Reads of the port read model (the tables portsProjection writes) and the record of EIDL ports this agent executed
// for activated ports (off chain, written by executor.ts through `recordExecution`). Lists are keyset-paginated.
import type { Address, Hex } from "viem";
import type { Queryable } from "../../core/store/store.ts";

export interface PortView {
  portId: Hex;
  gaining: Address;
  losing: Address;
  state: string;
  /** The losing provider's refusal or conflict reason; 0 when none. */
  reason: number;
  count: number;
  numbers: string[];
  digest: Hex;
  requestedAt: string;
  /** The losing provider must concur or refuse by then (the contract refuses a later concurrence). */
  concurBy: string;
  /** Scheduled activation time; null before scheduling. */
  activateAt: string | null;
  activatedAt: string | null;
  requestedBlock: number;
  txHash: Hex;
  updatedBlock: number;
  updatedTx: Hex;
}

interface PortRow {
  port_id: string;
  gaining: string;
  losing: string;
  state: string;
  reason: number;
  number_count: number;
  digest: string;
  requested_at: number;
  concur_by: number;
  activate_at: number;
  activated_at: number;
  requested_block: number;
  requested_tx: string;
  updated_block: number;
  updated_tx: string;
}

const iso = (seconds: number) => new Date(Number(seconds) * 1000).toISOString();
const isoOrNull = (seconds: number) => (Number(seconds) === 0 ? null : iso(seconds));

const view = (r: PortRow, numbers: string[]): PortView => ({
  portId: r.port_id as Hex,
  gaining: r.gaining as Address,
  losing: r.losing as Address,
  state: r.state,
  reason: Number(r.reason),
  count: Number(r.number_count),
  numbers,
  digest: r.digest as Hex,
  requestedAt: iso(r.requested_at),
  concurBy: iso(r.concur_by),
  activateAt: isoOrNull(r.activate_at),
  activatedAt: isoOrNull(r.activated_at),
  requestedBlock: Number(r.requested_block),
  txHash: r.requested_tx as Hex,
  updatedBlock: Number(r.updated_block),
  updatedTx: r.updated_tx as Hex,
});

/** One EIDL port this agent executed (or tried) for a number of an activated port. */
export interface PortExecution {
  portId: Hex;
  number: string;
  grantId: string | null;
  txHash: Hex | null;
  error: string | null;
  executedAt: string;
}

export class PortReadModel {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async port(portId: string): Promise<PortView | undefined> {
    const row = await this.#db.one<PortRow>(`SELECT * FROM registries_ports WHERE port_id = $1`, [
      portId.toLowerCase(),
    ]);
    return row ? view(row, await this.numbersOf(row.port_id)) : undefined;
  }

  async numbersOf(portId: string): Promise<string[]> {
    const rows = await this.#db.query<{ number: string }>(
      `SELECT number FROM registries_port_numbers WHERE port_id = $1 ORDER BY position`,
      [portId.toLowerCase()],
    );
    return rows.map((r) => r.number);
  }

  /**
   * Ports by id: of one provider (gaining or losing), in one state, holding one number; `after` is the last port id
   * of the previous page. Each with its numbers.
   */
  async ports(
    filter: { provider?: string; state?: string; number?: string },
    page: { limit: number; after?: string },
  ): Promise<PortView[]> {
    const params: Array<string | number> = [];
    const where: string[] = [];
    const param = (value: string | number) => {
      params.push(value);
      return `$${params.length}`;
    };
    if (filter.provider) {
      const p = param(filter.provider.toLowerCase());
      where.push(`(p.gaining = ${p} OR p.losing = ${p})`);
    }
    if (filter.state) where.push(`p.state = ${param(filter.state)}`);
    if (filter.number) {
      where.push(
        `p.port_id IN (SELECT n.port_id FROM registries_port_numbers n WHERE n.number = ${param(filter.number)})`,
      );
    }
    if (page.after) where.push(`p.port_id > ${param(page.after.toLowerCase())}`);
    const rows = await this.#db.query<PortRow>(
      `SELECT p.* FROM registries_ports p ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
       ORDER BY p.port_id LIMIT ${page.limit + 1}`,
      params,
    );
    return Promise.all(rows.map(async (r) => view(r, await this.numbersOf(r.port_id))));
  }

  /** Activated ports, oldest first, that have a number without an execution record here. */
  async activatedUnexecuted(limit: number): Promise<PortView[]> {
    const rows = await this.#db.query<PortRow>(
      `SELECT p.* FROM registries_ports p WHERE p.state = 'activated' AND EXISTS (
         SELECT 1 FROM registries_port_numbers n WHERE n.port_id = p.port_id AND NOT EXISTS (
           SELECT 1 FROM registries_port_executions x WHERE x.port_id = n.port_id AND x.number = n.number))
       ORDER BY p.activated_at, p.port_id LIMIT ${limit}`,
    );
    return Promise.all(rows.map(async (r) => view(r, await this.numbersOf(r.port_id))));
  }

  /** The numbers of a port this agent has an execution record for. */
  async executedNumbers(portId: string): Promise<Set<string>> {
    const rows = await this.#db.query<{ number: string }>(
      `SELECT number FROM registries_port_executions WHERE port_id = $1`,
      [portId.toLowerCase()],
    );
    return new Set(rows.map((r) => r.number));
  }

  /** A port's execution records by number; `after` is the last number of the previous page. */
  async executionsOf(portId: string, page: { limit: number; after?: string }): Promise<PortExecution[]> {
    const rows = await this.#db.query<{
      port_id: string;
      number: string;
      grant_id: string | null;
      tx_hash: string | null;
      error: string | null;
      executed_at: string;
    }>(
      `SELECT * FROM registries_port_executions WHERE port_id = $1 ${page.after ? "AND number > $2" : ""}
       ORDER BY number LIMIT ${page.limit + 1}`,
      page.after ? [portId.toLowerCase(), page.after] : [portId.toLowerCase()],
    );
    return rows.map((r) => ({
      portId: r.port_id as Hex,
      number: r.number,
      grantId: r.grant_id,
      txHash: r.tx_hash as Hex | null,
      error: r.error,
      executedAt: r.executed_at,
    }));
  }

  /** One outcome for several numbers of a port (a whole block ported as one EIDL prefix grant). */
  async recordExecutions(
    portId: string,
    numbers: readonly string[],
    e: Pick<PortExecution, "grantId" | "txHash" | "error">,
  ): Promise<void> {
    const at = new Date().toISOString();
    for (let from = 0; from < numbers.length; from += 200) {
      const chunk = numbers.slice(from, from + 200);
      const values = chunk.map((_, i) => `($1, $${i + 6}, $2, $3, $4, $5)`).join(", ");
      await this.#db.exec(
        `INSERT INTO registries_port_executions (port_id, number, grant_id, tx_hash, error, executed_at)
         VALUES ${values} ON CONFLICT (port_id, number) DO NOTHING`,
        [portId.toLowerCase(), e.grantId, e.txHash, e.error, at, ...chunk],
      );
    }
  }

  /** Activated ports `member` lost, oldest first, with a number this agent has not yet published a port-out for. */
  async lostWithoutPortOut(member: string, limit: number): Promise<PortView[]> {
    const rows = await this.#db.query<PortRow>(
      `SELECT p.* FROM registries_ports p WHERE p.state = 'activated' AND p.losing = $1 AND EXISTS (
         SELECT 1 FROM registries_port_numbers n WHERE n.port_id = p.port_id AND NOT EXISTS (
           SELECT 1 FROM registries_port_out_signals s WHERE s.port_id = n.port_id AND s.number = n.number))
       ORDER BY p.activated_at, p.port_id LIMIT ${limit}`,
      [member.toLowerCase()],
    );
    return Promise.all(rows.map(async (r) => view(r, await this.numbersOf(r.port_id))));
  }

  /** The numbers of a port this agent published a port-out signal for (or tried). */
  async portOutNumbers(portId: string): Promise<Set<string>> {
    const rows = await this.#db.query<{ number: string }>(
      `SELECT number FROM registries_port_out_signals WHERE port_id = $1`,
      [portId.toLowerCase()],
    );
    return new Set(rows.map((r) => r.number));
  }

  async recordPortOut(portId: string, number: string, signalId: string | null, error: string | null): Promise<void> {
    await this.#db.exec(
      `INSERT INTO registries_port_out_signals (port_id, number, signal_id, error, published_at)
       VALUES ($1, $2, $3, $4, $5) ON CONFLICT (port_id, number) DO NOTHING`,
      [portId.toLowerCase(), number, signalId, error, new Date().toISOString()],
    );
  }
}
