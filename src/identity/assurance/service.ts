// Identity assurance logic: vouching for subscribers' ID files (IDM-002), checking a file against the ledger, KYC
// reuse with the subscriber's signed consent, and social attestations with their confidence (IDM-004). Writes go to
// IdentityAssurance through the outbox; reads come from the read model. No HTTP, no SQL.
import { type Address, encodeFunctionData, type Hex } from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import { TxRevertedError } from "../../core/chain/errors.ts";
import type { Outbox } from "../../core/chain/outbox/outbox.ts";
import type { FieldPath } from "../../core/errors/index.ts";
import { IdentityAssurance } from "../../generated/contracts.ts";
import { AssuranceError, type AssuranceErrorCode, invalidAssuranceInput } from "./errors.ts";
import { consentProblem, didEthrAddress, fingerprintOf, type IdFile, type ReuseConsent } from "./idFile.ts";
import type { AssuranceReadModel, AttestationView, VouchingView } from "./readModel.ts";

const abi = IdentityAssurance.abi;

/** Confidence points per standing attestation (the contract's PERSON_WEIGHT and ORGANISATION_WEIGHT). */
export const PERSON_WEIGHT = 15;
export const ORGANISATION_WEIGHT = 35;
export const CONFIDENCE_FORMULA = `min(100, ${PERSON_WEIGHT} x people + ${ORGANISATION_WEIGHT} x organisations)`;

export function confidenceOf(people: number, organisations: number): number {
  return Math.min(100, PERSON_WEIGHT * people + ORGANISATION_WEIGHT * organisations);
}

export interface AssuranceServiceOptions {
  outbox: Outbox;
  chain: ChainClient;
  readModel: AssuranceReadModel;
  /** The account this agent signs with. */
  memberAccount: Address;
  /** The member the account acts for (ConsortiumRegistry.memberOf). */
  member(): Promise<Address>;
  address: Address;
  sync(): Promise<unknown>;
  now?: () => number;
}

/** Contract errors and the codes the API answers for them. */
const REVERTS: Record<string, AssuranceErrorCode> = {
  AlreadyVouched: "ASSURANCE_ALREADY_VOUCHED",
  NotTheVoucher: "ASSURANCE_NOT_VOUCHER",
  AlreadyRevoked: "ASSURANCE_ALREADY_REVOKED",
  UnknownVouching: "ASSURANCE_VOUCHING_NOT_FOUND",
  SelfAttestation: "ASSURANCE_SELF_ATTESTATION",
  DuplicateAttester: "ASSURANCE_DUPLICATE_ATTESTER",
  BadSignature: "ASSURANCE_BAD_SIGNATURE",
  UnknownAttestation: "ASSURANCE_ATTESTATION_NOT_FOUND",
  NotTheAttester: "ASSURANCE_NOT_ATTESTER",
};

export interface FileCheck {
  fingerprint: Hex;
  /** True when at least one member's vouching stands. */
  valid: boolean;
  vouchings: VouchingView[];
}

export class AssuranceService {
  readonly #o: AssuranceServiceOptions;

  constructor(options: AssuranceServiceOptions) {
    this.#o = options;
  }

  /** The operator verified the file (its decision, taken by calling this): records the fingerprint on chain. */
  async vouch(file: IdFile): Promise<{ vouching: VouchingView; txHash: Hex }> {
    checkFile(file);
    const fingerprint = fingerprintOf(file);
    const member = await this.#o.member();
    const vouchId = (await this.#read("vouchIdOf", [member, fingerprint])) as Hex;
    const txHash = await this.#send("vouch", [fingerprint], vouchId, "body.file");
    return { vouching: await this.vouching(vouchId), txHash };
  }

  async revoke(vouchId: Hex): Promise<{ vouching: VouchingView; txHash: Hex }> {
    const found = await this.vouching(vouchId);
    if (found.member !== (await this.#o.member()).toLowerCase()) {
      throw new AssuranceError("ASSURANCE_NOT_VOUCHER", `vouching ${vouchId} is ${found.member}'s, not this member's`, {
        field: "params.vouchId",
      });
    }
    if (found.status === "revoked") {
      throw new AssuranceError("ASSURANCE_ALREADY_REVOKED", `vouching ${vouchId} is revoked already`, {
        field: "params.vouchId",
      });
    }
    const txHash = await this.#send("revokeVouching", [vouchId], vouchId, "params.vouchId");
    return { vouching: await this.vouching(vouchId), txHash };
  }

  async vouching(vouchId: string): Promise<VouchingView> {
    const found = await this.#o.readModel.vouching(vouchId);
    if (!found) {
      throw new AssuranceError("ASSURANCE_VOUCHING_NOT_FOUND", `no vouching ${vouchId} on the ledger`, {
        field: "params.vouchId",
      });
    }
    return found;
  }

  vouchingsOf(fingerprint: Hex, limit: number, after?: readonly [number, string]) {
    return this.#o.readModel.vouchingsOf(fingerprint, limit, after);
  }

  /** A visited operator or provider given the file: its fingerprint, who vouched, and whether any vouching stands. */
  async check(file: IdFile): Promise<FileCheck> {
    checkFile(file);
    const fingerprint = fingerprintOf(file);
    // A file has one vouching per member at most: the consortium's size bounds the list.
    const vouchings = await this.#o.readModel.vouchingsOf(fingerprint, 1000);
    return { fingerprint, valid: vouchings.some((v) => v.status === "standing"), vouchings };
  }

  /**
   * KYC reuse: this member relies on another member's vouching only with the holder's consent naming this member.
   * Answers the standing vouchings it may rely on; refuses with ASSURANCE_CONSENT_INVALID or ASSURANCE_NOT_VOUCHED.
   */
  async reuse(file: IdFile, consent: ReuseConsent): Promise<FileCheck & { relyingMember: Address; holder: string }> {
    checkFile(file);
    const relyingMember = await this.#o.member();
    const now = this.#o.now?.() ?? Math.floor(Date.now() / 1000);
    const problem = await consentProblem(consent, file, relyingMember, now);
    if (problem) {
      throw new AssuranceError("ASSURANCE_CONSENT_INVALID", `the consent does not hold: ${problem}`, {
        field: "body.consent",
        details: { problem },
      });
    }
    const checked = await this.check(file);
    if (!checked.valid) {
      throw new AssuranceError("ASSURANCE_NOT_VOUCHED", `no member vouches for file ${checked.fingerprint}`, {
        field: "body.file",
        details: { fingerprint: checked.fingerprint },
      });
    }
    const standing = checked.vouchings.filter((v) => v.status === "standing");
    return {
      ...checked,
      vouchings: standing,
      relyingMember: relyingMember.toLowerCase() as Address,
      holder: file.holder,
    };
  }

  /** This member attests `claim` about `subject` as an organisation. */
  async attest(subject: string, claim: Hex): Promise<{ attestation: AttestationView; txHash: Hex }> {
    const address = subjectAddress(subject, "body.subject");
    const member = await this.#o.member();
    const id = (await this.#read("attestationIdOf", [member, address, claim])) as Hex;
    const txHash = await this.#send("attest", [address, claim], id, "body.subject");
    return { attestation: await this.attestation(id), txHash };
  }

  /** Relays a person's attestation signed with their key (EIP-191 over `attestDigest`). */
  async relayAttestation(input: { attester: string; subject: string; claim: Hex; signature: Hex }) {
    const attester = subjectAddress(input.attester, "body.attester");
    const subject = subjectAddress(input.subject, "body.subject");
    const id = (await this.#read("attestationIdOf", [attester, subject, input.claim])) as Hex;
    const txHash = await this.#send(
      "attestFor",
      [attester, subject, input.claim, input.signature],
      id,
      "body.signature",
    );
    return { attestation: await this.attestation(id), txHash };
  }

  /** The digest a person signs to attest (so a wallet need not know the contract's encoding). */
  async attestDigest(attester: string, subject: string, claim: Hex): Promise<Hex> {
    const a = subjectAddress(attester, "query.attester");
    const s = subjectAddress(subject, "query.subject");
    return (await this.#read("attestDigest", [a, s, claim])) as Hex;
  }

  async withdrawDigest(attestationId: Hex): Promise<Hex> {
    await this.attestation(attestationId);
    return (await this.#read("withdrawDigest", [attestationId])) as Hex;
  }

  /** Withdraws this member's attestation, or relays a person's signed withdrawal. */
  async withdraw(attestationId: Hex, signature?: Hex) {
    const found = await this.attestation(attestationId);
    if (found.status === "withdrawn") {
      throw new AssuranceError("ASSURANCE_ALREADY_REVOKED", `attestation ${attestationId} is withdrawn already`, {
        field: "params.attestationId",
      });
    }
    const txHash = signature
      ? await this.#send("withdrawFor", [attestationId, signature], attestationId, "body.signature")
      : await this.#send("withdraw", [attestationId], attestationId, "params.attestationId");
    return { attestation: await this.attestation(attestationId), txHash };
  }

  async attestation(attestationId: string): Promise<AttestationView> {
    const found = await this.#o.readModel.attestation(attestationId);
    if (!found) {
      throw new AssuranceError("ASSURANCE_ATTESTATION_NOT_FOUND", `no attestation ${attestationId} on the ledger`, {
        field: "params.attestationId",
      });
    }
    return found;
  }

  attestationsOf(subject: string, claim: Hex | undefined, limit: number, after?: readonly [number, string]) {
    return this.#o.readModel.attestationsOf(subjectAddress(subject, "query.subject"), claim, limit, after);
  }

  /** The confidence of a claim about a subject, from the read model, by the documented formula. */
  async confidence(subject: string, claim: Hex) {
    const address = subjectAddress(subject, "query.subject");
    const { people, organisations } = await this.#o.readModel.tally(address, claim);
    return {
      subject: address,
      claim: claim.toLowerCase() as Hex,
      people,
      organisations,
      confidence: confidenceOf(people, organisations),
      formula: CONFIDENCE_FORMULA,
    };
  }

  #read(functionName: string, args: readonly unknown[]): Promise<unknown> {
    return this.#o.chain.readContract({ address: this.#o.address, abi, functionName, args } as never);
  }

  async #send(functionName: string, args: readonly unknown[], subject: string, field: FieldPath): Promise<Hex> {
    try {
      const receipt = await this.#o.outbox.send({
        from: this.#o.memberAccount,
        to: this.#o.address,
        data: encodeFunctionData({ abi, functionName, args } as never),
        label: `identity.${functionName} ${subject}`,
      });
      await this.#o.sync();
      return receipt.transactionHash;
    } catch (error) {
      const code = error instanceof TxRevertedError && error.errorName ? REVERTS[error.errorName] : undefined;
      if (code) {
        throw new AssuranceError(
          code,
          `the ledger refuses ${functionName}: ${error instanceof Error ? error.message : ""}`,
          {
            field,
          },
        );
      }
      throw error;
    }
  }
}

/** A subject or attester: a did:ethr or a bare address. */
function subjectAddress(value: string, field: FieldPath): Address {
  if (/^0x[0-9a-fA-F]{40}$/.test(value)) return value.toLowerCase() as Address;
  const address = didEthrAddress(value);
  if (!address) throw invalidAssuranceInput(field, "must be a did:ethr DID or a 0x address");
  return address;
}

function checkFile(file: IdFile): void {
  if (!didEthrAddress(file.holder)) throw invalidAssuranceInput("body.file.holder", "must be a did:ethr DID");
}
