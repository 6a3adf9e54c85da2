// The credentials this agent's hosted DIDs issued, recorded when they are signed, so a member can list them with their
// status (the status itself stays on chain, read when listed). The JWT is not kept: its claims belong to the holder,
// and the list needs only who issued what to whom, of which type, and when.
import type { Hex } from "viem";
import { valuesRows } from "../store/inList.ts";
import type { Queryable } from "../store/store.ts";

export interface IssuedCredentialRecord {
  /** keccak256 of the VC id: the key of the status registry. */
  credentialId: Hex;
  /** The VC id, a urn:uuid:. */
  id: string;
  issuer: string;
  /** The holder's DID (credentialSubject.id), when the credential names one. */
  subject: string | null;
  /** The types after "VerifiableCredential". */
  types: string[];
  issuedAt: string;
  expiresAt: string | null;
}

interface Row {
  credential_id: string;
  vc_id: string;
  issuer: string;
  subject: string | null;
  types: string;
  issued_at: string;
  expires_at: string | null;
}

const recordOf = (row: Row): IssuedCredentialRecord => ({
  credentialId: row.credential_id as Hex,
  id: row.vc_id,
  issuer: row.issuer,
  subject: row.subject,
  types: JSON.parse(row.types) as string[],
  issuedAt: row.issued_at,
  expiresAt: row.expires_at,
});

/** Rows per INSERT of recordMany: 7,000 parameters, inside SQLite's and PostgreSQL's limits. */
const RECORD_CHUNK = 1000;

export class IssuedCredentialLog {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  async record(credential: IssuedCredentialRecord): Promise<void> {
    await this.recordMany([credential]);
  }

  /** Records many in one statement (one commit), in chunks of RECORD_CHUNK rows. */
  async recordMany(credentials: readonly IssuedCredentialRecord[]): Promise<void> {
    for (let from = 0; from < credentials.length; from += RECORD_CHUNK) {
      const chunk = credentials.slice(from, from + RECORD_CHUNK);
      await this.#db.exec(
        `INSERT INTO identity_issued_credentials (credential_id, vc_id, issuer, subject, types, issued_at, expires_at)
         VALUES ${valuesRows(chunk.length, 7)}`,
        chunk.flatMap((c) => [
          c.credentialId,
          c.id,
          c.issuer,
          c.subject,
          JSON.stringify(c.types),
          c.issuedAt,
          c.expiresAt,
        ]),
      );
    }
  }

  /**
   * One page, newest first: those before the key [issuedAt, credentialId] of the previous page's last one, up to
   * `limit + 1` of them (the extra one only says that another page exists).
   */
  async listPage(page: {
    limit: number;
    after: readonly [string, string] | undefined;
  }): Promise<IssuedCredentialRecord[]> {
    const rows = page.after
      ? await this.#db.query<Row>(
          `SELECT * FROM identity_issued_credentials
           WHERE issued_at < $1 OR (issued_at = $1 AND credential_id < $2)
           ORDER BY issued_at DESC, credential_id DESC LIMIT $3`,
          [page.after[0], page.after[1], page.limit + 1],
        )
      : await this.#db.query<Row>(
          "SELECT * FROM identity_issued_credentials ORDER BY issued_at DESC, credential_id DESC LIMIT $1",
          [page.limit + 1],
        );
    return rows.map(recordOf);
  }
}
