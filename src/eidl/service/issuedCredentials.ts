// Issued-credential bookkeeping: the EIDL credentials this agent's organisations signed are recorded when issued, so
// that a later decision (a new vetting, a revocation, a port) can change their status, which only their issuer can.
import type { Hex } from "viem";
import type { CredentialStatusService } from "../../core/identity/credentialStatus.ts";
import type { IssuedEidlCredential } from "../credentials.ts";
import type { GrantReason } from "../ledger.ts";
import type { VettingRow } from "../readModel.ts";
import type { IssuedCredentials, IssuedSubject } from "../repository.ts";

export class CredentialBookkeeping {
  readonly #issued: IssuedCredentials;
  readonly #status: CredentialStatusService;

  constructor(issued: IssuedCredentials, status: CredentialStatusService) {
    this.#issued = issued;
    this.#status = status;
  }

  remember(credential: IssuedEidlCredential, kind: IssuedSubject, ref: string, issuerDid: string) {
    return this.rememberMany([{ credential, ref }], kind, issuerDid);
  }

  /** Records many credentials of one issuer as `remember` does, in one statement per chunk (bulk numbering). */
  async rememberMany(
    items: readonly { credential: IssuedEidlCredential; ref: string }[],
    kind: IssuedSubject,
    issuerDid: string,
  ) {
    await this.#issued.rememberMany(
      items.map(({ credential, ref }) => ({
        credentialId: credential.credentialId,
        kind,
        subjectRef: ref,
        issuerDid,
        jwt: credential.jwt,
        document: JSON.stringify({ ...credential.document, credentialHash: credential.credentialHash }),
      })),
    );
  }

  /** Revokes the credential of the vetting a new decision supersedes, when this agent's vetter issued it. */
  async retirePreviousVetting(previous: VettingRow, reason: "Superseded" | "VettingWithdrawn") {
    const issued = await this.#issued.vetting(previous.credential_hash);
    if (!issued) return; // another agent's vetter issued it; only its issuer can revoke it
    const status = await this.#status.statusOf(issued.issuerDid, issued.credentialId as Hex);
    if (status.status !== "revoked") {
      await this.#status.revoke(issued.issuerDid, issued.credentialId as Hex, reason);
    }
  }

  /** Revokes a grant's credential with the grant's reason, when this agent's organisation issued it. */
  async revokeGrantCredential(grantId: string, reason: GrantReason) {
    const issued = await this.#issued.grant(grantId);
    if (!issued) return; // issued by another agent's organisation: only its issuer can revoke the credential
    await this.#status.revoke(issued.issuerDid, issued.credentialId as Hex, reason);
  }
}
