// Evidence for blind juries, for one member's agent. Nobody learns from the chain who sits on a jury until a drawn
// auditor claims its seat, in the same call that binds its vote, so evidence cannot be sealed "to the jury" after the
// draw. Instead:
//
// - As a party (the case's provider or recipient), the agent keeps its evidence items and anchors their digest
//   (evidence.ts: evidenceDigest) with `court.shareEvidence`, any time before the case closes. The chain learns the
//   digest only.
// - As host of an auditor drawn in the case's current lottery, the agent makes the auditor's ticket proof (its secret
//   for the lottery's slot and the secret's Merkle proof, tickets.ts), which the auditor shows a party's agent.
// - The party's agent answers a ticket proof only after checking it on chain: the ticket verifies against the root the
//   auditor committed (AuditorTickets.verify), it is drawn (at most the threshold), the lottery's claims are still
//   open, the auditor is not affiliated with either party (as the court's _affiliationWith decides) and, for an
//   objection jury, did not sit on the first. It then seals each of its shares to the auditor's evidence key and
//   records, off chain, whom it answered. Nothing goes on chain, so other jurors and observers learn nothing.
//   What it reveals: showing its secret tells that party the auditor is drawn (the party learns the jurors that ask
//   it for evidence, before they claim; other jurors and observers do not). The secret is on chain anyway once the
//   auditor claims its seat.
// - The juror's host opens an envelope with the juror's key (the keystore's ECDH) and accepts it only if it was sealed
//   to this juror for the case's current jury and the plaintext's digest is one a party of the case anchored
//   (EvidenceShared from the provider, the recipient or the complainant, which includes the complaint's evidenceHash).
import type { Address, Hex } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import { OutcomeCourt } from "../generated/contracts.ts";
import { AuditingError } from "./errors.ts";
import { type EvidenceItem, evidenceDigest, openEvidence, sealEvidence } from "./evidence.ts";
import type { AuditingLedger } from "./ledger.ts";
import type { AuditingRepository } from "./repository.ts";
import { refusalOf } from "./reverts.ts";
import { type DigestSigner, epochSeedOf, ticketOf, ticketProof, ticketRoot } from "./tickets.ts";

/** IOutcomeCourt.CaseStatus, by value. */
const VOTING = 2;
const CLOSED = 4;
const ZERO = "0x0000000000000000000000000000000000000000";

export interface AuditingEvidenceOptions {
  ledger: AuditingLedger;
  repository: AuditingRepository;
  chain: ChainClient;
  me: Address;
  /** The keystore's ECDH between one of its P-256 keys and a peer key (the private key stays in the keystore). */
  sharedSecret(kid: string, peer: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown }): Uint8Array;
  /** The keystore's signer of 32-byte digests with a hosted auditor's key (its ticket seeds come from it). */
  digestSigner(account: Address): Promise<DigestSigner>;
  /** The consortium member an account acts for (ConsortiumRegistry.memberOf; zero when none). */
  memberOf(account: Address): Promise<Address>;
}

interface ChainCase {
  requester: Address;
  status: number;
  round: number;
  attempt: number;
}

interface ChainPanel {
  commitEnd: bigint;
  epoch: bigint;
  slot: number;
  threshold: bigint;
  seed: Hex;
}

interface ChainParties {
  provider: Address;
  recipient: Address;
  providerMember: Address;
  recipientMember: Address;
}

export interface TicketClaim {
  juror: Address;
  secret: Hex;
  proof: readonly Hex[];
}

const lower = (a: string) => a.toLowerCase() as Address;

export class AuditingEvidence {
  readonly #o: AuditingEvidenceOptions;

  constructor(options: AuditingEvidenceOptions) {
    this.#o = options;
  }

  /** As a party: keeps the items and anchors their digest on chain (shareEvidence), while the case is not closed. */
  async share(caseId: Hex, items: readonly EvidenceItem[]) {
    const c = await this.#case(caseId);
    await this.#asParty(caseId);
    if (c.status === CLOSED) {
      throw new AuditingError("AUDITING_WRONG_STATUS", `case ${caseId} is closed: no more evidence`, {
        details: { revert: "WrongCaseStatus" },
      });
    }
    const id = lower(caseId) as Hex;
    const kept = items.map((i) => ({ kind: i.kind, content: i.content }));
    const evidenceHash = evidenceDigest(id, kept);
    // Kept before its digest is anchored, so an anchored digest always has its items here to seal.
    await this.#o.repository.saveShare(id, evidenceHash, JSON.stringify(kept));
    const label = `share evidence ${caseId.slice(0, 10)}`;
    let txHash: Hex;
    try {
      txHash = (await this.#o.ledger.send(this.#o.me, "court", "shareEvidence", [caseId, evidenceHash], label))
        .transactionHash;
    } catch (error) {
      throw refusalOf(error, label);
    }
    await this.#o.repository.markShareAnchored(id, evidenceHash, txHash);
    return { caseId: id, evidenceHash, from: this.#o.me, txHash };
  }

  /** For this member's operator: the evidence it shared on a case and the drawn jurors it sealed it to. */
  async shares(caseId: Hex) {
    const [shares, answers] = await Promise.all([
      this.#o.repository.shares(caseId),
      this.#o.repository.answers(caseId),
    ]);
    return {
      caseId: lower(caseId) as Hex,
      shares: shares.map((s) => ({
        evidenceHash: s.evidence_hash,
        items: JSON.parse(s.items) as EvidenceItem[],
        ...(s.tx_hash ? { txHash: s.tx_hash } : {}),
        sharedAt: s.created_at,
      })),
      answered: answers.map((a) => ({
        juror: a.juror,
        round: Number(a.round),
        attempt: Number(a.attempt),
        evidenceHash: a.evidence_hash,
        answeredAt: a.answered_at,
      })),
    };
  }

  /**
   * As host of `juror`: its ticket in the case's current lottery with the proof a party's agent checks. Refused when
   * the ticket is above the threshold (AUDITING_NOT_DRAWN) or the lottery's claims are over. Whoever receives it
   * learns that the juror is drawn: give it only to the parties whose evidence the juror asks for.
   */
  async ticket(caseId: Hex, juror: Address) {
    if (!(await this.#o.repository.hostedAuditor(juror))) {
      throw new AuditingError("AUDITING_UNKNOWN_AUDITOR", `${juror} is not an auditor account of this agent`);
    }
    const c = await this.#case(caseId);
    const panel = await this.#openLottery(caseId, c);
    const epochSeed = epochSeedOf(await this.#o.digestSigner(juror), panel.epoch);
    const root = await this.#o.ledger.read<Hex>("tickets", "rootOf", [juror, panel.epoch]);
    if (root.toLowerCase() !== ticketRoot(epochSeed)) {
      throw new AuditingError(
        "AUDITING_INVALID_TICKET",
        `${juror} committed no ticket root of this agent for epoch ${panel.epoch} (it did not signal for it)`,
        { details: { juror, epoch: panel.epoch.toString() } },
      );
    }
    const { secret, proof } = ticketProof(epochSeed, panel.slot);
    const ticket = ticketOf(secret, panel.seed);
    if (ticket > panel.threshold) {
      throw new AuditingError(
        "AUDITING_NOT_DRAWN",
        `${juror} was not drawn in case ${caseId}'s lottery (round ${c.round}, attempt ${c.attempt})`,
        { details: { juror, threshold: panel.threshold.toString() } },
      );
    }
    return {
      caseId: lower(caseId) as Hex,
      juror: lower(juror),
      round: c.round,
      attempt: c.attempt,
      epoch: panel.epoch.toString(),
      slot: panel.slot,
      secret,
      proof,
      ticket: ticket.toString(),
      threshold: panel.threshold.toString(),
      commitEnd: Number(panel.commitEnd),
    };
  }

  /**
   * As a party: answers a drawn juror's ticket proof with this member's evidence sealed to the juror's evidence key,
   * one envelope per share, after checking on chain that the ticket is valid and drawn in the current lottery, that
   * its claims are open and that the juror may sit. Records whom it answered (off chain).
   */
  async answer(caseId: Hex, claim: TicketClaim) {
    const c = await this.#case(caseId);
    const parties = await this.#asParty(caseId);
    const panel = await this.#openLottery(caseId, c);
    const juror = lower(claim.juror);
    const valid = await this.#o.ledger.read<boolean>("tickets", "verify", [
      juror,
      panel.epoch,
      BigInt(panel.slot),
      claim.secret,
      claim.proof,
    ]);
    if (!valid) {
      throw new AuditingError(
        "AUDITING_INVALID_TICKET",
        `the secret and proof are not ${juror}'s ticket for case ${caseId}'s lottery`,
        { field: "body.proof", problem: "does not verify against the juror's committed root", details: { juror } },
      );
    }
    const member = await this.#affiliation(parties, juror);
    if (member !== undefined) {
      throw new AuditingError("AUDITING_AFFILIATED_JUROR", `${juror} is affiliated with party member ${member}`, {
        details: { juror, member },
      });
    }
    if (c.round === 1) {
      const first = await this.#o.ledger.read<{ seated: boolean }>("court", "ballot", [caseId, 0, juror]);
      if (first.seated) {
        throw new AuditingError("AUDITING_ON_FIRST_JURY", `${juror} sat on case ${caseId}'s first jury`, {
          details: { juror },
        });
      }
    }
    if (ticketOf(claim.secret, panel.seed) > panel.threshold) {
      throw new AuditingError("AUDITING_NOT_DRAWN", `${juror} was not drawn in case ${caseId}'s current lottery`, {
        details: { juror, threshold: panel.threshold.toString() },
      });
    }
    const shares = await this.#o.repository.shares(caseId);
    if (shares.length === 0) {
      throw new AuditingError("AUDITING_NO_EVIDENCE_SHARED", `${this.#o.me} shared no evidence on case ${caseId}`);
    }
    const au = await this.#o.ledger.read<{ encryptionKey: Hex }>("court", "auditor", [juror]);
    const id = lower(caseId) as Hex;
    const envelopes = [];
    for (const share of shares) {
      const items = JSON.parse(share.items) as EvidenceItem[];
      const envelope = await sealEvidence([{ juror, keyX: au.encryptionKey }], {
        caseId: id,
        round: c.round,
        attempt: c.attempt,
        items,
      });
      envelopes.push({ evidenceHash: share.evidence_hash as Hex, envelope });
    }
    for (const e of envelopes) {
      await this.#o.repository.saveAnswer({
        case_id: id,
        round: c.round,
        attempt: c.attempt,
        juror,
        evidence_hash: e.evidenceHash,
      });
    }
    return { caseId: id, juror, round: c.round, attempt: c.attempt, from: this.#o.me, envelopes };
  }

  /**
   * As host of a drawn juror: opens an envelope a party sealed to it for the case's current jury, and accepts it only
   * if the plaintext's digest is one a party of the case anchored on chain.
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
    const c = await this.#case(caseId);
    const payload = openEvidence(envelope, juror, (epk) => this.#o.sharedSecret(kid, epk));
    if (payload.caseId.toLowerCase() !== caseId.toLowerCase()) {
      throw new AuditingError("AUDITING_EVIDENCE_UNREADABLE", `the envelope is evidence for case ${payload.caseId}`);
    }
    if (payload.round !== c.round || payload.attempt !== c.attempt) {
      throw new AuditingError(
        "AUDITING_EVIDENCE_OTHER_JURY",
        `the envelope was sealed for round ${payload.round} attempt ${payload.attempt}; case ${caseId} is at round ${c.round} attempt ${c.attempt}`,
        { details: { round: payload.round, attempt: payload.attempt } },
      );
    }
    const evidenceHash = evidenceDigest(caseId, payload.items);
    const parties = await this.#o.ledger.read<ChainParties>("court", "parties", [caseId]);
    const anchoredBy = new Set([parties.provider, parties.recipient, c.requester].map(lower));
    const anchors = await this.#o.chain.getContractEvents({
      address: this.#o.ledger.court,
      abi: OutcomeCourt.abi,
      eventName: "EvidenceShared",
      args: { caseId },
      fromBlock: 0n,
    });
    const anchor = anchors
      .map((log) => log.args as { envelopeHash?: Hex; from?: Address })
      .find((a) => a.envelopeHash?.toLowerCase() === evidenceHash && a.from && anchoredBy.has(lower(a.from)));
    if (!anchor) {
      throw new AuditingError(
        "AUDITING_EVIDENCE_NOT_ANCHORED",
        `no party of case ${caseId} anchored the digest ${evidenceHash} of this evidence`,
        {
          field: "body.envelope",
          problem: "its plaintext's digest is not anchored by a party",
          details: { evidenceHash },
        },
      );
    }
    return {
      caseId: lower(caseId) as Hex,
      juror: lower(juror),
      round: payload.round,
      attempt: payload.attempt,
      evidenceHash,
      sharedBy: lower(String(anchor.from)),
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

  /** The case's parties, refusing unless this member is one of them. */
  async #asParty(caseId: Hex): Promise<ChainParties> {
    const parties = await this.#o.ledger.read<ChainParties>("court", "parties", [caseId]);
    const me = lower(this.#o.me);
    if (lower(parties.provider) !== me && lower(parties.recipient) !== me) {
      throw new AuditingError("AUDITING_NOT_PARTY", `${me} is not a party of case ${caseId}`, {
        details: { revert: "NotParty" },
      });
    }
    return parties;
  }

  /** The case's current lottery, refusing unless one is drawn and its claims are open (chain time). */
  async #openLottery(caseId: Hex, c: ChainCase): Promise<ChainPanel> {
    if (c.status !== VOTING) {
      throw new AuditingError("AUDITING_WRONG_STATUS", `case ${caseId} has no lottery open: no jury is being drawn`, {
        details: { revert: "WrongCaseStatus" },
      });
    }
    const panel = await this.#o.ledger.read<ChainPanel>("court", "panel", [caseId, c.round]);
    const now = (await this.#o.chain.getBlock({ blockTag: "latest" })).timestamp;
    if (now >= panel.commitEnd) {
      throw new AuditingError("AUDITING_COMMIT_CLOSED", `case ${caseId}'s lottery closed its claims`, {
        details: { revert: "CommitClosed", closedAt: Number(panel.commitEnd) },
      });
    }
    return panel;
  }

  /** The party member the juror is affiliated with, as OutcomeCourt._affiliationWith decides; undefined if none. */
  async #affiliation(p: ChainParties, juror: Address): Promise<Address | undefined> {
    if (juror === lower(p.provider)) return lower(p.providerMember);
    if (juror === lower(p.recipient)) return lower(p.recipientMember);
    const members = new Set([lower(p.providerMember), lower(p.recipientMember)]);
    const declared = lower(
      (await this.#o.ledger.read<{ affiliation: Address }>("court", "auditor", [juror])).affiliation,
    );
    if (declared !== ZERO && members.has(declared)) return declared;
    const bound = lower(await this.#o.memberOf(juror));
    if (bound !== ZERO && members.has(bound)) return bound;
    return undefined;
  }
}
