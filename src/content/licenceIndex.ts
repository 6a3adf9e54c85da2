// The licence check a CDN or edge node asks before serving: an in-memory index over the read model's licences, so a
// check is a few map lookups (no SQL, no chain call). Rebuilt from the read model at start and after a rewind,
// updated per licence event after the indexer commits, and counting this agent's recorded, not yet anchored
// deliveries against the licence's access count.
import type { LicenceRow } from "./readModel.ts";
import { DISTRIBUTION_BIT, type Territory, territoryBit } from "./terms.ts";

export type CheckReason =
  | "allowed"
  | "unknown-licence"
  | "not-licensee"
  | "no-distribution-right"
  | "territory"
  | "not-started"
  | "expired"
  | "exhausted"
  | "revoked";

export interface CheckResult {
  allowed: boolean;
  reason: CheckReason;
  /** Accesses left after anchored, pending and sub-licensed ones (when the licence is known). */
  remaining?: number;
}

interface IndexedLicence {
  parentId: string | null;
  licensee: string;
  rights: number;
  territories: bigint;
  start: number;
  end: number;
  maxAccesses: number;
  delivered: number;
  reserved: number;
  revoked: boolean;
}

export class LicenceIndex {
  readonly #licences = new Map<string, IndexedLicence>();
  readonly #pending = new Map<string, number>();
  readonly #me: string;

  constructor(memberAccount: string) {
    this.#me = memberAccount.toLowerCase();
  }

  load(rows: readonly LicenceRow[], pending: ReadonlyArray<{ licence_id: string; pending: number }>): void {
    this.#licences.clear();
    for (const row of rows) this.put(row);
    this.#pending.clear();
    for (const { licence_id, pending: count } of pending) this.#pending.set(licence_id, Number(count));
  }

  put(row: LicenceRow): void {
    this.#licences.set(row.licence_id, {
      parentId: row.parent_id,
      licensee: row.licensee,
      rights: Number(row.rights),
      territories: BigInt(row.territories),
      start: Number(row.starts_at),
      end: Number(row.ends_at),
      maxAccesses: Number(row.max_accesses),
      delivered: Number(row.delivered),
      reserved: Number(row.reserved),
      revoked: Number(row.revoked) === 1,
    });
  }

  get size(): number {
    return this.#licences.size;
  }

  /** A delivery was recorded (it counts until anchored). */
  recorded(licenceId: string, count = 1): void {
    this.#pending.set(licenceId, (this.#pending.get(licenceId) ?? 0) + count);
  }

  /** Records were anchored: the licence's `delivered` (from the chain) now counts them instead. */
  anchored(licenceId: string, count: number): void {
    this.#pending.set(licenceId, Math.max(0, (this.#pending.get(licenceId) ?? 0) - count));
  }

  /** May this agent's member deliver under `licenceId` in `territory` at `nowSeconds`? */
  check(licenceId: string, territory: Territory, nowSeconds: number): CheckResult {
    const licence = this.#licences.get(licenceId);
    if (!licence) return { allowed: false, reason: "unknown-licence" };
    const remaining = Math.max(
      0,
      licence.maxAccesses - licence.delivered - licence.reserved - (this.#pending.get(licenceId) ?? 0),
    );
    const refuse = (reason: CheckReason): CheckResult => ({ allowed: false, reason, remaining });
    if (licence.licensee !== this.#me) return refuse("not-licensee");
    if ((licence.rights & DISTRIBUTION_BIT) === 0) return refuse("no-distribution-right");
    if ((licence.territories & territoryBit(territory)) === 0n) return refuse("territory");
    if (nowSeconds < licence.start) return refuse("not-started");
    if (nowSeconds >= licence.end) return refuse("expired");
    if (remaining === 0) return refuse("exhausted");
    // A revoked licence above this one ends it too; the contract caps the depth, so the walk is short.
    for (
      let up: IndexedLicence | undefined = licence;
      up;
      up = up.parentId ? this.#licences.get(up.parentId) : undefined
    ) {
      if (up.revoked) return refuse("revoked");
    }
    return { allowed: true, reason: "allowed", remaining };
  }
}
