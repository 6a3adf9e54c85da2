// The operator guardian's enrolment of numbers: a subscriber who names this member as the operator guardian of their
// recovery identity is enrolled by the operator's back office, number -> identity address, so that a SIM swap of
// that number records itself on chain (simSwapRecorder.ts). The number is kept only as a keyed hash
// (HMAC-SHA256(key, "tn:" + number), as the registries name numbers), under a key of this agent's own: a number is
// low entropy, a bare hash would be reversed by enumeration.
import { createHmac } from "node:crypto";
import type { Address, Hex } from "viem";
import { IdentityError } from "../../core/identity/errors.ts";
import type { EnrolledNumber, OperatorGuardianRepository } from "./repositoryOperator.ts";

export interface OperatorGuardianOptions {
  repository: OperatorGuardianRepository;
  /** Whether this member is the identity's operator guardian on chain now. */
  isOperatorOf(identity: Address): Promise<boolean>;
}

export class OperatorGuardian {
  readonly #o: OperatorGuardianOptions;
  #key: Promise<Buffer> | undefined;

  constructor(options: OperatorGuardianOptions) {
    this.#o = options;
  }

  /** The keyed hash of an E.164 number (without +) under this agent's key. */
  async hashNumber(number: string): Promise<Hex> {
    this.#key ??= this.#o.repository.numberKey().catch((error: unknown) => {
      this.#key = undefined;
      throw error;
    });
    return `0x${createHmac("sha256", await this.#key)
      .update(`tn:${number}`)
      .digest("hex")}`;
  }

  /**
   * Enrols `number` for `identity`, which must name this member as its operator guardian. Enrolling the same pair
   * again changes nothing (`created: false`); a number enrolled for another identity is RECOVERY_NUMBER_TAKEN.
   */
  async enrol(number: string, identity: Address): Promise<{ enrolled: EnrolledNumber; created: boolean }> {
    if (!(await this.#o.isOperatorOf(identity))) {
      throw new IdentityError(
        "RECOVERY_NOT_OPERATOR_GUARDIAN",
        `${identity} does not name this member as its operator guardian (the person enrols guardians first)`,
        { field: "body.identity" },
      );
    }
    const numberHash = await this.hashNumber(number);
    const out = await this.#o.repository.enrol(numberHash, identity);
    if (out.enrolled.identity.toLowerCase() !== identity.toLowerCase()) {
      throw new IdentityError("RECOVERY_NUMBER_TAKEN", "the number is enrolled for another identity", {
        field: "body.number",
        details: { identity: out.enrolled.identity },
      });
    }
    return out;
  }

  /** The enrolment of `number` (its identity and since when), if any. */
  async enrolmentOf(number: string): Promise<EnrolledNumber | undefined> {
    return await this.#o.repository.numberOf(await this.hashNumber(number));
  }

  async list(limit: number, after?: string): Promise<EnrolledNumber[]> {
    return await this.#o.repository.numbers(limit, after);
  }

  async remove(number: string): Promise<void> {
    if (!(await this.#o.repository.remove(await this.hashNumber(number)))) {
      throw new IdentityError("RECOVERY_NUMBER_NOT_ENROLLED", "the number is not enrolled for recovery here", {
        field: "params.number",
      });
    }
  }
}
