// Off-chain records of the roaming domain that are not per session or per request: the home operator's answer policy
// (one row) and which member this agent speaks for (roaming_self, read by the projection to keep only the exchanges
// that member is a party to). SQL only, no rules: policy.ts validates, runtime.ts decides when to write.
import type { Queryable } from "../core/store/store.ts";

export class PolicyRepository {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** The stored policy document (JSON), or undefined before the first change. */
  async load(): Promise<unknown> {
    const row = await this.#db.one<{ policy: string }>(`SELECT policy FROM roaming_answer_policy WHERE id = 1`);
    return row ? JSON.parse(row.policy) : undefined;
  }

  async save(policy: object, at: string): Promise<void> {
    await this.#db.exec(
      `INSERT INTO roaming_answer_policy (id, policy, updated_at) VALUES (1, $1, $2)
       ON CONFLICT (id) DO UPDATE SET policy = $1, updated_at = $2`,
      [JSON.stringify(policy), at],
    );
  }
}

/** Records the member this agent speaks for (idempotent): from now on the projection keeps only its exchanges. */
export async function rememberSelf(db: Queryable, member: string): Promise<void> {
  await db.exec(
    "INSERT INTO roaming_self (member) SELECT CAST($1 AS TEXT) WHERE NOT EXISTS (SELECT 1 FROM roaming_self WHERE member = $1)",
    [member.toLowerCase()],
  );
}
