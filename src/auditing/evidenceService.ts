// Evidence to the drawn jurors only, for one member's agent. As a party, the agent encrypts the evidence (CDR samples,
// KPI logs, measurements) after the draw to the evidence keys the current jury's auditors registered with their
// signals, keeps the envelope, and anchors its digest on chain once per juror (`shareEvidence`: only a party, only for
// a seated juror). As host of a drawn juror, the agent opens an envelope however it arrived (the party's agent answers
// its envelopes to anyone: they are ciphertext) only if a party anchored exactly its digest for that juror, with the
// juror's key, through the keystore's ECDH.
import { type Address, type Hex, keccak256, toHex } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import { OutcomeCourt } from "../generated/contracts.ts";
import { AuditingError } from "./errors.ts";
import { type EvidenceItem, openEvidence, sealEvidence } from "./evidence.ts";
import type { AuditingLedger } from "./ledger.ts";
import type { AuditingRepository } from "./repository.ts";
import { refusalOf } from "./reverts.ts";

const VOTING = 2;

export interface AuditingEvidenceOptions {
  ledger: AuditingLedger;
  repository: AuditingRepository;
  chain: ChainClient;
  me: Address;
  /** The keystore's ECDH between one of its P-256 keys and a peer key (the private key stays in the keystore). */
  sharedSecret(kid: string, peer: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown }): Uint8Array;
}

interface ChainCase {
  status: number;
  round: number;
  attempt: number;
}

export class AuditingEvidence {
  readonly #o: AuditingEvidenceOptions;

  constructor(options: AuditingEvidenceOptions) {
    this.#o = options;
  }

  /** As a party: encrypts the evidence to the case's current jury and anchors the envelope's digest per juror. */
  async share(caseId: Hex, items: readonly EvidenceItem[]) {
    const c = await this.#case(caseId);
    const parties = await this.#o.ledger.read<{ provider: Address; recipient: Address }>("court", "parties", [caseId]);
    const me = this.#o.me.toLowerCase();
    if (parties.provider.toLowerCase() !== me && parties.recipient.toLowerCase() !== me) {
      throw new AuditingError("AUDITING_NOT_PARTY", `${me} is not a party of case ${caseId}`, {
        details: { revert: "NotParty" },
      });
    }
    if (c.status !== VOTING) {
      throw new AuditingError("AUDITING_WRONG_STATUS", `case ${caseId} has no jury seated: evidence follows the draw`, {
        details: { revert: "WrongCaseStatus" },
      });
    }
    const jurors = (await this.#o.ledger.read<Address[]>("court", "jurors", [caseId, c.round])).map(
      (j) => j.toLowerCase() as Address,
    );
    const recipients = [];
    for (const juror of jurors) {
      const au = await this.#o.ledger.read<{ encryptionKey: Hex }>("court", "auditor", [juror]);
      recipients.push({ juror, keyX: au.encryptionKey });
    }
    const envelope = await sealEvidence(recipients, {
      caseId: caseId.toLowerCase() as Hex,
      round: c.round,
      attempt: c.attempt,
      items: [...items],
    });
    const envelopeHash = keccak256(toHex(envelope));
    // Kept before anything is anchored, so an anchored digest always has its envelope here to answer.
    await this.#o.repository.saveEnvelope({
      envelope_hash: envelopeHash,
      case_id: caseId,
      round: c.round,
      attempt: c.attempt,
      jurors: jurors.join(","),
      envelope,
    });
    const txHashes: Hex[] = [];
    for (const juror of jurors) {
      const label = `share evidence ${caseId.slice(0, 10)} with ${juror.slice(0, 10)}`;
      try {
        const receipt = await this.#o.ledger.send(
          this.#o.me,
          "court",
          "shareEvidence",
          [caseId, juror, envelopeHash],
          label,
        );
        txHashes.push(receipt.transactionHash);
      } catch (error) {
        throw refusalOf(error, label);
      }
    }
    return { caseId, round: c.round, attempt: c.attempt, envelopeHash, jurors, txHashes };
  }

  /** The envelopes this member shared on a case: ciphertext, readable only by the jurors they name. */
  async envelopes(caseId: Hex) {
    const rows = await this.#o.repository.envelopes(caseId);
    return {
      caseId,
      envelopes: rows.map((r) => ({
        envelopeHash: r.envelope_hash,
        round: Number(r.round),
        attempt: Number(r.attempt),
        jurors: r.jurors.split(","),
        envelope: r.envelope,
      })),
    };
  }

  /**
   * As host of a drawn juror: opens an envelope whose digest a party anchored for that juror on this case. An auditor
   * that was not drawn has no entry in any envelope and no anchor: it reads nothing.
   */
  async open(caseId: Hex, juror: Address, envelope: string) {
    if (!(await this.#o.repository.hostedAuditor(juror))) {
      throw new AuditingError("AUDITING_UNKNOWN_AUDITOR", `${juror} is not an auditor account of this agent`);
    }
    const kid = await this.#o.repository.evidenceKey(juror);
    if (!kid) {
      throw new AuditingError("AUDITING_NO_EVIDENCE_KEY", `${juror} registered no evidence key from this agent`, {
        details: { juror },
      });
    }
    const envelopeHash = keccak256(toHex(envelope));
    const anchors = await this.#o.chain.getContractEvents({
      address: this.#o.ledger.court,
      abi: OutcomeCourt.abi,
      eventName: "EvidenceShared",
      args: { caseId, juror },
      fromBlock: 0n,
    });
    const anchor = anchors
      .map((log) => log.args as { envelopeHash?: Hex; from?: Address })
      .find((a) => a.envelopeHash?.toLowerCase() === envelopeHash);
    if (!anchor) {
      throw new AuditingError(
        "AUDITING_EVIDENCE_NOT_ANCHORED",
        `no party anchored envelope ${envelopeHash} for juror ${juror} on case ${caseId}`,
        { field: "body.envelope", problem: "its digest is not anchored for this juror", details: { envelopeHash } },
      );
    }
    const payload = openEvidence(envelope, juror, (epk) => this.#o.sharedSecret(kid, epk));
    if (payload.caseId.toLowerCase() !== caseId.toLowerCase()) {
      throw new AuditingError("AUDITING_EVIDENCE_UNREADABLE", `the envelope is evidence for case ${payload.caseId}`);
    }
    return {
      caseId,
      juror: juror.toLowerCase(),
      round: payload.round,
      attempt: payload.attempt,
      envelopeHash,
      sharedBy: String(anchor.from).toLowerCase(),
      items: payload.items,
    };
  }

  async #case(caseId: Hex): Promise<ChainCase> {
    const c = await this.#o.ledger.read<ChainCase>("court", "getCase", [caseId]);
    if (c.status === 0) {
      throw new AuditingError("AUDITING_UNKNOWN_CASE", `no case ${caseId} on the ledger`, {
        field: "params.caseId",
        problem: "no such case",
      });
    }
    return c;
  }
}
