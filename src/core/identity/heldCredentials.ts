// The credentials other issuers gave to this agent's hosted DIDs: the member's wallet. Unlike the issued log, the JWT
// is kept: it is the holder's own and the holder presents it later. A credential is keyed by keccak256 of its JWT, so
// receiving the same one twice stores it once, and a credential without an id can be held too.
import type { Hex } from "viem";
import type { Queryable } from "../store/store.ts";

export interface HeldCredentialRecord {
  /** keccak256 of the JWT: the key of the wallet. */
  digest: Hex;
  /** The VC id, when the credential has one. */
  id: string | null;
  /** keccak256 of the id (the key of the status registry), when it has one. */
  credentialId: Hex | null;
  issuer: string;
  /** The hosted DID the credential was issued to. */
  subject: string;
  /** The types after "VerifiableCredential". */
  types: string[];
  /** The status method the credential names and this agent reads, or null (status unknown here). */
  statusMethod: string | null;
  validFrom: string | null;
  validUntil: string | null;
  receivedAt: string;
}

interface Row {
  digest: string;
  vc_id: string | null;
  credential_id: string | null;
  issuer: string;
  subject: string;
  types: string;
  status_method: string | null;
  valid_from: string | null;
  valid_until: string | null;
  received_at: string;
  jwt: string;
}

const recordOf = (row: Row): HeldCredentialRecord => ({
  digest: row.digest as Hex,
  id: row.vc_id,
  credentialId: row.credential_id as Hex | null,
  issuer: row.issuer,
  subject: row.subject,
  types: JSON.parse(row.types) as string[],
  statusMethod: row.status_method,
  validFrom: row.valid_from,
  validUntil: row.valid_until,
  receivedAt: row.received_at,
});

export class HeldCredentialStore {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Stores a credential; false when the wallet already holds this JWT (nothing is changed then). */
  async add(record: HeldCredentialRecord, jwt: string): Promise<boolean> {
    const { changes } = await this.#db.exec(
      `INSERT INTO identity_held_credentials
         (digest, vc_id, credential_id, issuer, subject, types, status_method, valid_from, valid_until, received_at, jwt)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
       ON CONFLICT (digest) DO NOTHING`,
      [
        record.digest,
        record.id,
        record.credentialId,
        record.issuer,
        record.subject,
        JSON.stringify(record.types),
        record.statusMethod,
        record.validFrom,
        record.validUntil,
        record.receivedAt,
        jwt,
      ],
    );
    return changes === 1;
  }

  async get(digest: Hex): Promise<(HeldCredentialRecord & { jwt: string }) | undefined> {
    const row = await this.#db.one<Row>("SELECT * FROM identity_held_credentials WHERE digest = $1", [digest]);
    return row ? { ...recordOf(row), jwt: row.jwt } : undefined;
  }

  /** Removes a credential from the wallet; false when it holds none with this digest. */
  async remove(digest: Hex): Promise<boolean> {
    const { changes } = await this.#db.exec("DELETE FROM identity_held_credentials WHERE digest = $1", [digest]);
    return changes === 1;
  }

  /**
   * One page, newest first: those before the key [receivedAt, digest] of the previous page's last one, up to
   * `limit + 1` of them (the extra one only says that another page exists).
   */
  async listPage(page: {
    limit: number;
    after: readonly [string, string] | undefined;
  }): Promise<HeldCredentialRecord[]> {
    const columns =
      "digest, vc_id, credential_id, issuer, subject, types, status_method, valid_from, valid_until, received_at";
    const rows = page.after
      ? await this.#db.query<Row>(
          `SELECT ${columns} FROM identity_held_credentials
           WHERE received_at < $1 OR (received_at = $1 AND digest < $2)
           ORDER BY received_at DESC, digest DESC LIMIT $3`,
          [page.after[0], page.after[1], page.limit + 1],
        )
      : await this.#db.query<Row>(
          `SELECT ${columns} FROM identity_held_credentials ORDER BY received_at DESC, digest DESC LIMIT $1`,
          [page.limit + 1],
        );
    return rows.map(recordOf);
  }
}
