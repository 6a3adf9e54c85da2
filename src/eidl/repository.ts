// The credentials this agent's organisations issued (vetting decisions and TN grants): the JWTs live only with their
// issuer, the chain holds their hash. Only the issuer can change a credential's status, so revoking one starts here.
import { valuesRows } from "../core/store/inList.ts";
import type { Queryable } from "../core/store/store.ts";

/** Rows per INSERT of rememberMany: 7,000 parameters, inside SQLite's and PostgreSQL's limits. */
const REMEMBER_CHUNK = 1000;

export type IssuedSubject = "vetting" | "grant";

export interface IssuedRecord {
  credentialId: string;
  issuerDid: string;
}

export interface NewIssuedCredential {
  credentialId: string;
  kind: IssuedSubject;
  /** The grant id for a grant; the organisation's address for a vetting. */
  subjectRef: string;
  issuerDid: string;
  jwt: string;
  /** The credential document as JSON. */
  document: string;
}

export class IssuedCredentials {
  readonly #db: Queryable;

  constructor(db: Queryable) {
    this.#db = db;
  }

  /** Records an issued credential once (a retry of the same credential id changes nothing). */
  remember(c: NewIssuedCredential): Promise<void> {
    return this.rememberMany([c]);
  }

  /** Records many as `remember` does, in one statement (one commit) per REMEMBER_CHUNK of them. */
  async rememberMany(credentials: readonly NewIssuedCredential[]): Promise<void> {
    const at = new Date().toISOString();
    for (let from = 0; from < credentials.length; from += REMEMBER_CHUNK) {
      const chunk = credentials.slice(from, from + REMEMBER_CHUNK);
      await this.#db.exec(
        `INSERT INTO eidl_issued_credentials (credential_id, subject_kind, subject_ref, issuer_did, jwt, document, created_at)
         VALUES ${valuesRows(chunk.length, 7)} ON CONFLICT (credential_id) DO NOTHING`,
        chunk.flatMap((c) => [c.credentialId, c.kind, c.subjectRef, c.issuerDid, c.jwt, c.document, at]),
      );
    }
  }

  /** The vetting credential with this id, when this agent issued it. */
  async vetting(credentialId: string): Promise<IssuedRecord | undefined> {
    return this.#record(
      `SELECT credential_id, issuer_did FROM eidl_issued_credentials WHERE subject_kind = 'vetting' AND credential_id = $1`,
      credentialId,
    );
  }

  /** The credential of a grant, when this agent issued it. */
  async grant(grantId: string): Promise<IssuedRecord | undefined> {
    return this.#record(
      `SELECT credential_id, issuer_did FROM eidl_issued_credentials WHERE subject_kind = 'grant' AND subject_ref = $1`,
      grantId,
    );
  }

  async #record(sql: string, key: string): Promise<IssuedRecord | undefined> {
    const row = await this.#db.one<{ credential_id: string; issuer_did: string }>(sql, [key]);
    return row ? { credentialId: row.credential_id, issuerDid: row.issuer_did } : undefined;
  }
}
