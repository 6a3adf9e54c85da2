// Usage record batches through the operators' agents. The visited operator's agent checks the records (field by
// field, inside the agreement's validity and one period), rates them with the agreement's tariff, builds the salted
// Merkle tree (usage/canonical.ts), keeps records, salt and amounts off chain and anchors root, count and total. The
// home operator's agent confirms a batch only after rating the records it was handed with its own copy of the terms
// and recomputing the root, count and total: a tampered, missing or re-rated record is refused and never confirmed.
// The records reach the home agent either sealed agent to agent (delivery.ts) or handed over by the API caller
// (`.../confirm`); both end in confirm() here, with the same checks.
import { type Address, encodeAbiParameters, type Hex, keccak256 } from "viem";
import { type FieldPath, invalidField } from "../../core/errors/index.ts";
import { SettlementError } from "../errors.ts";
import { Rater } from "../rating/rate.ts";
import { buildBatch, newBatchSalt } from "../usage/canonical.ts";
import type { UsageRecord } from "../usage/record.ts";
import { toRecord, UsageRecordError } from "../usage/validate.ts";
import type { RoamingAgreements } from "./agreements.ts";
import type { AgreementRow, BatchRow } from "./readModel.ts";
import type { RoamingSettlementRepository } from "./repository.ts";
import type { AgreementTerms } from "./terms.ts";

import { readAfterSync, type SettlementLedger, sendSettlement } from "./write.ts";

export interface BatchView {
  batchId: Hex;
  agreementId: Hex;
  period: number;
  merkleRoot: Hex;
  count: number;
  total: string;
  status: BatchRow["status"];
  /** The channel and co-signed state version that paid the batch (status channel-paid). */
  paidByChannel: { channelId: Hex; version: number } | null;
  anchoredBlock: number;
  anchoredAt: number;
  receivedAt: number | null;
  /** Whether this agent holds the batch's records and salt. */
  recordsHeld: boolean;
}

export interface BatchOptions extends SettlementLedger {
  agreements: RoamingAgreements;
  repository: RoamingSettlementRepository;
  /**
   * Called once this agent (the home operator) has confirmed a batch on chain: the visited operator and the total
   * it rated with its own copy of the tariff (the payment channel's usage-driven update; its errors are its own).
   */
  onConfirmed?: (batch: { batchId: Hex; visited: Address; total: bigint }) => Promise<unknown>;
}

/** RoamingSettlement.anchorBatch's id: keccak256(abi.encode(agreement, root, count, total, visited member)). */
export function batchIdOf(agreementId: Hex, root: Hex, count: number, total: bigint, visited: Address): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }, { type: "uint32" }, { type: "uint256" }, { type: "address" }],
      [agreementId, root, count, total, visited],
    ),
  );
}

export class RoamingBatches {
  readonly #o: BatchOptions;
  readonly #me: Address;

  constructor(options: BatchOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase() as Address;
  }

  /** The visited operator anchors a batch of records under an active agreement. */
  async anchor(agreementId: Hex, input: Array<Record<string, unknown>>) {
    const agreement = await this.#o.agreements.row(agreementId);
    this.#requireParty(agreement, "visited", "anchors batches");
    if (agreement.status !== "active") {
      throw new SettlementError(
        "SETTLEMENT_WRONG_STATE",
        `agreement ${agreement.agreement_id} is ${agreement.status}`,
        {
          field: "params.agreementId",
          details: { status: agreement.status },
        },
      );
    }
    const terms = await this.#terms(agreement);
    const records = checkedRecords(input, "body.records");
    const period = checkPeriod(records, terms);
    const amounts = rate(records, terms);
    const salt = newBatchSalt();
    const batch = buildBatch(records, amounts, salt);
    const batchId = batchIdOf(agreement.agreement_id as Hex, batch.root, batch.count, batch.total, this.#me);
    // Kept before sending: once anchored, this agent must be able to hand the records over.
    await this.#o.repository.keepBatchRecords(batchId, salt, JSON.stringify(records), JSON.stringify(amounts));
    const receipt = await sendSettlement(
      this.#o,
      "anchorBatch",
      [
        agreement.agreement_id,
        batch.root,
        batch.count,
        batch.total,
        BigInt(batch.firstEventAt),
        BigInt(batch.lastEventAt),
      ],
      `settlement.anchorBatch ${batchId}`,
    );
    await this.#o.sync();
    return {
      batchId,
      agreementId: agreement.agreement_id as Hex,
      period,
      merkleRoot: batch.root,
      count: batch.count,
      total: batch.total.toString(),
      txHash: receipt.transactionHash,
    };
  }

  /** The records and salt of a batch, for its two operators only (the visited hands them to the home operator). */
  async records(batchId: Hex) {
    const { batch, agreement } = await this.#batch(batchId);
    if (this.#me !== agreement.visited && this.#me !== agreement.home) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `only the two operators of batch ${batch.batch_id} see its records`,
      );
    }
    const held = await this.#o.repository.batchRecords(batch.batch_id);
    if (!held) {
      throw new SettlementError(
        "SETTLEMENT_RECORDS_UNKNOWN",
        `this agent does not hold the records of ${batch.batch_id}`,
      );
    }
    return {
      batchId: batch.batch_id as Hex,
      agreementId: batch.agreement_id as Hex,
      salt: held.salt as Hex,
      records: JSON.parse(held.records_json) as Array<Record<string, string | number | null>>,
      amounts: (JSON.parse(held.amounts_json) as number[]).map(String),
    };
  }

  /** A batch's two operators and state: who may deliver it to whom (delivery.ts). */
  async partiesOf(batchId: Hex) {
    const { batch, agreement } = await this.#batch(batchId);
    return {
      batchId: batch.batch_id as Hex,
      agreementId: batch.agreement_id as Hex,
      visited: agreement.visited as Address,
      home: agreement.home as Address,
      status: batch.status,
    };
  }

  /**
   * The home operator confirms receipt once the records it was handed give the anchored root, count and total.
   * `records` names where the records came from in errors: the request body, or a delivered envelope's message.
   */
  async confirm(
    batchId: Hex,
    input: { salt: Hex; records: Array<Record<string, unknown>> },
    records: FieldPath = "body.records",
  ) {
    const { batch, agreement } = await this.#batch(batchId);
    this.#requireParty(agreement, "home", "confirms receipt of a batch");
    if (batch.status !== "anchored") {
      throw new SettlementError("SETTLEMENT_WRONG_STATE", `batch ${batch.batch_id} is ${batch.status}`, {
        details: { status: batch.status },
      });
    }
    const terms = await this.#terms(agreement);
    const checked = checkedRecords(input.records, records);
    // Rated here with this operator's own copy of the agreed tariff: the visited side's amounts are not trusted.
    const amounts = rate(checked, terms);
    const rebuilt = buildBatch(checked, amounts, input.salt);
    const differs = [
      rebuilt.count !== Number(batch.record_count) ? `count ${rebuilt.count} (anchored ${batch.record_count})` : "",
      rebuilt.total.toString() !== batch.total ? `total ${rebuilt.total} (anchored ${batch.total})` : "",
      rebuilt.root.toLowerCase() !== batch.merkle_root
        ? `Merkle root ${rebuilt.root} (anchored ${batch.merkle_root})`
        : "",
    ].filter(Boolean);
    if (differs.length > 0) {
      throw new SettlementError(
        "SETTLEMENT_BATCH_MISMATCH",
        `the records handed over give ${differs.join(", ")}: batch ${batch.batch_id} is not confirmed`,
        { field: records, details: { differs } },
      );
    }
    // Kept before sending: they give the anchored root, so they are the batch's records whatever happens next.
    await this.#o.repository.keepBatchRecords(
      batch.batch_id,
      input.salt,
      JSON.stringify(checked),
      JSON.stringify(amounts),
    );
    const receipt = await sendSettlement(
      this.#o,
      "confirmBatch",
      [batch.batch_id],
      `settlement.confirmBatch ${batch.batch_id}`,
    );
    await this.#o.sync();
    await this.#o.onConfirmed?.({
      batchId: batch.batch_id as Hex,
      visited: agreement.visited as Address,
      total: rebuilt.total,
    });
    return { batchId: batch.batch_id as Hex, txHash: receipt.transactionHash, status: "received" as const };
  }

  async get(batchId: Hex): Promise<BatchView> {
    const { batch, agreement } = await this.#batch(batchId);
    if (this.#me !== agreement.visited && this.#me !== agreement.home) {
      throw new SettlementError("SETTLEMENT_NOT_PARTY", `only the two operators of batch ${batch.batch_id} read it`);
    }
    return this.#view(batch);
  }

  async list(agreementId: Hex, page: { limit: number; after?: string | undefined }): Promise<BatchView[]> {
    await this.#o.agreements.get(agreementId); // a party of the agreement, or refused
    const rows = await this.#o.readModel.batchesOf(agreementId, page);
    return Promise.all(rows.map((row) => this.#view(row)));
  }

  async #view(row: BatchRow): Promise<BatchView> {
    return {
      batchId: row.batch_id as Hex,
      agreementId: row.agreement_id as Hex,
      period: Number(row.period),
      merkleRoot: row.merkle_root as Hex,
      count: Number(row.record_count),
      total: row.total,
      status: row.status,
      paidByChannel:
        row.paid_channel && row.paid_version !== null
          ? { channelId: row.paid_channel as Hex, version: Number(row.paid_version) }
          : null,
      anchoredBlock: Number(row.anchored_block),
      anchoredAt: Number(row.anchored_at),
      receivedAt: row.received_at === null ? null : Number(row.received_at),
      recordsHeld: (await this.#o.repository.batchRecords(row.batch_id)) !== undefined,
    };
  }

  async #batch(batchId: Hex): Promise<{ batch: BatchRow; agreement: AgreementRow }> {
    // Anchored a moment ago through the other operator's agent: catch up once before answering it does not exist.
    const batch = await readAfterSync(
      () => this.#o.readModel.batch(batchId),
      () => this.#o.sync(),
    );
    if (!batch) {
      throw new SettlementError("SETTLEMENT_BATCH_NOT_FOUND", `no batch ${batchId}`, { field: "params.batchId" });
    }
    return { batch, agreement: await this.#o.agreements.row(batch.agreement_id as Hex) };
  }

  async #terms(agreement: AgreementRow): Promise<AgreementTerms> {
    const terms = await this.#o.agreements.termsOf(agreement);
    if (!terms) {
      throw new SettlementError(
        "SETTLEMENT_TERMS_UNKNOWN",
        `this agent does not hold the terms of agreement ${agreement.agreement_id}: approve it here with its terms first`,
      );
    }
    return terms;
  }

  #requireParty(agreement: AgreementRow, side: "visited" | "home", what: string): void {
    if (this.#me !== agreement[side]) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `only the ${side} operator ${agreement[side]} of agreement ${agreement.agreement_id} ${what} (this member is ${this.#me})`,
      );
    }
  }
}

/** The records checked field by field; the first fault names <where>[i].<field>, nothing half-accepted. */
function checkedRecords(input: Array<Record<string, unknown>>, where: FieldPath): UsageRecord[] {
  return input.map((raw, i) => {
    try {
      return toRecord(raw, `${where}[${i}]`);
    } catch (error) {
      if (!(error instanceof UsageRecordError)) throw error;
      throw invalidField(`${where}[${i}].${error.field}`, error.message.replace(/^.*?: /, ""));
    }
  });
}

/** The period all records fall in; a record outside the validity or in another period is named. */
function checkPeriod(records: UsageRecord[], terms: AgreementTerms): number {
  let period: number | undefined;
  records.forEach((record, i) => {
    const at = Date.parse(record.startUtc) / 1000;
    if (at < terms.validFrom || at >= terms.validTo) {
      throw new SettlementError(
        "SETTLEMENT_OUTSIDE_AGREEMENT",
        `record ${record.ref} starts at ${record.startUtc}, outside the agreement's validity`,
        { field: `body.records[${i}].startUtc` },
      );
    }
    const own = Math.floor((at - terms.validFrom) / terms.periodSeconds);
    if (period !== undefined && own !== period) {
      throw new SettlementError(
        "SETTLEMENT_OUTSIDE_AGREEMENT",
        `record ${record.ref} falls in settlement period ${own}, the batch's earlier records in ${period}: one batch per period`,
        { field: `body.records[${i}].startUtc` },
      );
    }
    period = own;
  });
  return period ?? 0;
}

function rate(records: UsageRecord[], terms: AgreementTerms): number[] {
  const rater = new Rater(terms.tariff);
  return records.map((record) => rater.rate(record).amount);
}
