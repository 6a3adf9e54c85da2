// Roaming agreements through a member's agent. Proposing: the agent checks the terms (parties are operators, this
// member is one of them, validity ordered, tariff sound and in the settlement token's currency, the replaced version
// active between the same parties), keeps them off chain under their hash, computes the agreement id as the contract
// derives it and sends the proposal through the outbox. Approving: the other operator's agent is handed the terms by
// its caller and approves only if they hash to the termsHash on chain and, with the proposer, derive the agreement's
// id (so validity, period, window, token and previous on chain are the ones in the terms). No HTTP, no SQL.
import { type Address, type Hex, parseEventLogs } from "viem";
import { invalidField } from "../../core/errors/index.ts";
import { RoamingSettlement } from "../../generated/contracts.ts";
import type { MembershipDirectory } from "../../membership/published.ts";
import { SettlementError } from "../errors.ts";
import { checkTariff, type Tariff } from "../rating/tariff.ts";
import type { AgreementRow } from "./readModel.ts";
import type { RoamingSettlementRepository } from "./repository.ts";
import { type AgreementTerms, agreementIdOf, normalTerms, termsHashOf, ZERO_ID } from "./terms.ts";

/** The terms as the API takes them: the token is the agent's settlement token, `previous` optional. */
import { readAfterSync, type SettlementLedger, sendSettlement } from "./write.ts";

export interface TermsInput {
  visited: Address;
  home: Address;
  validFrom: number;
  validTo: number;
  periodSeconds: number;
  disputeWindowSeconds: number;
  previous?: Hex | undefined;
  tariff: Tariff;
}

export interface AgreementView {
  agreementId: Hex;
  visited: Address;
  home: Address;
  termsHash: Hex;
  previous: Hex;
  proposer: Address;
  approver: Address | null;
  status: AgreementRow["status"];
  supersededBy: Hex | null;
  proposedBlock: number;
  proposedAt: number;
  /** The off-chain terms, when this agent holds them (it proposed or approved the agreement). */
  terms: AgreementTerms | null;
}

export interface AgreementOptions extends SettlementLedger {
  token: Address;
  currency: { code: string; decimals: number };
  membership: MembershipDirectory;
  repository: RoamingSettlementRepository;
}

export class RoamingAgreements {
  readonly #o: AgreementOptions;
  readonly #me: Address;

  constructor(options: AgreementOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase() as Address;
  }

  async propose(input: TermsInput) {
    const terms = await this.#checkTerms(input, "body");
    if (this.#me !== terms.visited && this.#me !== terms.home) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `this member (${this.#me}) is neither body.visited nor body.home: an agreement is proposed by one of its parties`,
      );
    }
    await this.#checkPrevious(terms);
    const termsHash = termsHashOf(terms);
    const agreementId = agreementIdOf(terms, termsHash, this.#me);
    const known = await this.#o.readModel.agreement(agreementId);
    if (known) {
      throw new SettlementError("SETTLEMENT_ALREADY_EXISTS", `agreement ${agreementId} was proposed before`, {
        details: { agreementId, status: known.status },
      });
    }
    // Kept before sending: once the proposal is mined, this agent must be able to show its terms.
    await this.#o.repository.keepTerms(termsHash, JSON.stringify(terms));
    const receipt = await sendSettlement(
      this.#o,
      "proposeAgreement",
      [
        terms.visited,
        terms.home,
        terms.token,
        termsHash,
        BigInt(terms.validFrom),
        BigInt(terms.validTo),
        terms.periodSeconds,
        terms.disputeWindowSeconds,
        terms.previous,
      ],
      `settlement.proposeAgreement ${agreementId}`,
    );
    const [event] = parseEventLogs({ abi: RoamingSettlement.abi, eventName: "AgreementProposed", logs: receipt.logs });
    if (event?.args.id.toLowerCase() !== agreementId) {
      throw new Error(`proposeAgreement mined in ${receipt.transactionHash} without AgreementProposed(${agreementId})`);
    }
    await this.#o.sync();
    return { agreementId, termsHash, txHash: receipt.transactionHash, status: "proposed" as const };
  }

  /** The other party approves the agreement whose terms its caller hands over (checked against the chain). */
  async approve(agreementId: Hex, input: TermsInput) {
    const row = await this.#row(agreementId);
    const other = row.proposer === row.visited ? row.home : row.visited;
    if (this.#me !== other) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `only ${other}, the party that did not propose agreement ${row.agreement_id}, approves it (this member is ${this.#me})`,
      );
    }
    if (row.status !== "proposed") {
      throw new SettlementError("SETTLEMENT_WRONG_STATE", `agreement ${row.agreement_id} is ${row.status}`, {
        details: { status: row.status },
      });
    }
    const terms = await this.#checkTerms(input, "body.terms");
    const termsHash = termsHashOf(terms);
    if (termsHash !== row.terms_hash) {
      throw new SettlementError(
        "SETTLEMENT_TERMS_MISMATCH",
        `the terms given hash to ${termsHash}, not to the agreement's termsHash ${row.terms_hash}`,
        { field: "body.terms", details: { termsHash, onChain: row.terms_hash } },
      );
    }
    if (agreementIdOf(terms, termsHash, row.proposer as Address) !== row.agreement_id) {
      throw new SettlementError(
        "SETTLEMENT_TERMS_MISMATCH",
        `the terms' parties, validity, period, dispute window or previous version are not those of agreement ${row.agreement_id} on chain`,
        { field: "body.terms" },
      );
    }
    await this.#o.repository.keepTerms(termsHash, JSON.stringify(terms));
    const receipt = await sendSettlement(
      this.#o,
      "approveAgreement",
      [row.agreement_id],
      `settlement.approveAgreement ${row.agreement_id}`,
    );
    await this.#o.sync();
    return { agreementId: row.agreement_id as Hex, txHash: receipt.transactionHash, status: "active" as const };
  }

  async get(agreementId: Hex): Promise<AgreementView> {
    const row = await this.#row(agreementId);
    if (this.#me !== row.visited && this.#me !== row.home) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `this member is not a party of agreement ${row.agreement_id}: only its two operators read it`,
      );
    }
    return this.#view(row);
  }

  /** The agreements this member is a party to, keyset-paged by id. */
  async list(page: { limit: number; after?: string | undefined }) {
    const rows = await this.#o.readModel.agreementsOf(this.#me, page);
    return Promise.all(rows.map((row) => this.#view(row)));
  }

  /** An agreement's off-chain terms, or undefined when this agent does not hold them. */
  async termsOf(row: AgreementRow): Promise<AgreementTerms | undefined> {
    const json = await this.#o.repository.termsJson(row.terms_hash);
    return json === undefined ? undefined : (JSON.parse(json) as AgreementTerms);
  }

  async row(agreementId: Hex): Promise<AgreementRow> {
    return this.#row(agreementId);
  }

  async #view(row: AgreementRow): Promise<AgreementView> {
    return {
      agreementId: row.agreement_id as Hex,
      visited: row.visited as Address,
      home: row.home as Address,
      termsHash: row.terms_hash as Hex,
      previous: row.previous as Hex,
      proposer: row.proposer as Address,
      approver: row.approver as Address | null,
      status: row.status,
      supersededBy: row.superseded_by as Hex | null,
      proposedBlock: Number(row.proposed_block),
      proposedAt: Number(row.proposed_at),
      terms: (await this.termsOf(row)) ?? null,
    };
  }

  async #row(agreementId: Hex): Promise<AgreementRow> {
    // Proposed a moment ago through another agent: catch up once before answering that it does not exist.
    const row = await readAfterSync(
      () => this.#o.readModel.agreement(agreementId),
      () => this.#o.sync(),
    );
    if (!row) {
      throw new SettlementError("SETTLEMENT_AGREEMENT_NOT_FOUND", `no agreement ${agreementId}`, {
        field: "params.agreementId",
      });
    }
    return row;
  }

  async #checkTerms(input: TermsInput, path: "body" | "body.terms"): Promise<AgreementTerms> {
    const terms = normalTerms({ ...input, token: this.#o.token, previous: input.previous ?? ZERO_ID });
    if (terms.visited === terms.home) throw invalidField(`${path}.home`, "must differ from the visited operator");
    if (terms.validTo <= terms.validFrom) throw invalidField(`${path}.validTo`, "must be after validFrom");
    try {
      checkTariff(input.tariff, `${path}.tariff`);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const field = (message.split(" ")[0] ?? `${path}.tariff`).replace(/:$/, "") as `body${string}`;
      throw invalidField(field, message.slice(field.length).trim());
    }
    const { code, decimals } = this.#o.currency;
    if (input.tariff.currency !== code) {
      throw invalidField(`${path}.tariff.currency`, `must be ${code}, the currency of the settlement token`);
    }
    if (input.tariff.decimals !== decimals) {
      throw invalidField(`${path}.tariff.decimals`, `must be ${decimals}, the minor units of the settlement token`);
    }
    for (const [field, party] of [
      ["visited", terms.visited],
      ["home", terms.home],
    ] as const) {
      const member = await this.#o.membership.getMember(party);
      if (!member?.active || !member.roles.includes("MOBILE_OPERATOR")) {
        throw new SettlementError("SETTLEMENT_NOT_OPERATOR", `${party} is not a member holding MOBILE_OPERATOR`, {
          field: `${path}.${field}`,
        });
      }
    }
    return terms;
  }

  async #checkPrevious(terms: AgreementTerms): Promise<void> {
    if (terms.previous === ZERO_ID) return;
    const prior = await this.#o.readModel.agreement(terms.previous);
    if (!prior) throw invalidField("body.previous", `is no agreement this agent knows (${terms.previous})`);
    if (prior.visited !== terms.visited || prior.home !== terms.home) {
      throw invalidField("body.previous", "is an agreement between other parties or with the roles swapped");
    }
    if (prior.status !== "active") {
      throw new SettlementError(
        "SETTLEMENT_WRONG_STATE",
        `the previous version ${prior.agreement_id} is ${prior.status}`,
        {
          field: "body.previous",
          details: { status: prior.status },
        },
      );
    }
  }
}
