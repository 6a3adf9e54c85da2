// Projects PortClearing events into the port read model: each port (providers, state, reason, timers) and its
// numbers by position, learnt from the request's event (a list, or a range expanded here): the chain stores only
// their digest. Idempotent: a request's rows are keyed by port id and position; every later step sets the
// port's state and timers to what the event says, so applying an event again changes nothing.
import type { ChainEvent, Projection } from "../../core/chain/indexer/indexer.ts";
import type { Queryable } from "../../core/store/store.ts";
import { expandRange, numbersDigestOf } from "./numbers.ts";

export const PORT_CLEARING = "PortClearing";

/** IPortClearing.PortState by index, as the API names them. */
export const PORT_STATES = [
  "none",
  "requested",
  "concurred",
  "refused",
  "scheduled",
  "activated",
  "cancelled",
  "conflict",
] as const;
export type PortStateName = Exclude<(typeof PORT_STATES)[number], "none">;

/** Rows per INSERT (a request carries at most 1,000 numbers). */
const ROWS_PER_STATEMENT = 500;

async function insertNumbers(tx: Queryable, portId: string, numbers: readonly string[]): Promise<void> {
  for (let from = 0; from < numbers.length; from += ROWS_PER_STATEMENT) {
    const chunk = numbers.slice(from, from + ROWS_PER_STATEMENT);
    const values = chunk.map((_, i) => `($1, ${from + i}, $${i + 2})`).join(", ");
    await tx.exec(
      `INSERT INTO registries_port_numbers (port_id, position, number) VALUES ${values}
       ON CONFLICT (port_id, position) DO NOTHING`,
      [portId, ...chunk],
    );
  }
}

/** The state (and the columns that change with it) each step event sets. */
function stepOf(event: ChainEvent): { state: PortStateName; set: Record<string, number> } | undefined {
  const a = event.args;
  switch (event.eventName) {
    case "PortConcurred":
      return { state: "concurred", set: {} };
    case "PortRefused":
      return { state: "refused", set: { reason: Number(a.reason) } };
    case "PortScheduled":
      return { state: "scheduled", set: { activate_at: Number(a.activateAt) } };
    case "PortActivated":
      return { state: "activated", set: { activated_at: event.blockTimestamp } };
    case "PortCancelled":
      return { state: "cancelled", set: {} };
    case "PortConflict":
      return { state: "conflict", set: { reason: Number(a.reason) } };
    case "PortConflictResolved":
      return { state: "concurred", set: { activate_at: 0 } };
    default:
      return undefined;
  }
}

async function onEvent(event: ChainEvent, tx: Queryable): Promise<void> {
  const a = event.args;
  const portId = String(a.portId).toLowerCase();
  if (event.eventName === "PortRequested" || event.eventName === "PortRangeRequested") {
    const numbers =
      event.eventName === "PortRequested"
        ? (a.numbers as readonly bigint[]).map(String)
        : expandRange({ start: String(a.start), count: Number(a.count), step: Number(a.step) });
    const inserted = await tx.exec(
      `INSERT INTO registries_ports (port_id, gaining, losing, state, reason, number_count, digest, requested_at,
         concur_by, activate_at, activated_at, requested_block, requested_tx, updated_block, updated_tx)
       VALUES ($1, $2, $3, 'requested', 0, $4, $5, $6, $7, 0, 0, $8, $9, $8, $9) ON CONFLICT (port_id) DO NOTHING`,
      [
        portId,
        String(a.gaining).toLowerCase(),
        String(a.losing).toLowerCase(),
        numbers.length,
        numbersDigestOf(numbers),
        event.blockTimestamp,
        Number(a.concurBy),
        event.blockNumber,
        event.txHash,
      ],
    );
    if (inserted.changes > 0) await insertNumbers(tx, portId, numbers);
    return;
  }
  const step = stepOf(event);
  if (!step) return;
  const columns = Object.keys(step.set);
  await tx.exec(
    `UPDATE registries_ports SET state = $2, updated_block = $3, updated_tx = $4
       ${columns.map((c, i) => `, ${c} = $${i + 5}`).join("")}
     WHERE port_id = $1`,
    [portId, step.state, event.blockNumber, event.txHash, ...columns.map((c) => step.set[c] as number)],
  );
}

export const portsProjection: Projection = {
  name: "registries-ports",
  tables: ["registries_ports", "registries_port_numbers"],
  async handle(event, tx) {
    if (event.source === PORT_CLEARING) await onEvent(event, tx);
  },
};
