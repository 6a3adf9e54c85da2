// The home operator's RAP file for a period: every record it disputed on the period's invoice, returned to the visited
// operator as a RAP 1.5 severe return (tap/rapWriter.ts) with the RAP error code of the dispute's reason. The records
// are the home agent's own copies of the batches it confirmed, tied to the disputes by their salted digest as the
// contract knows them. Only the agreement's home operator writes it. No HTTP, no SQL.
import type { Hex } from "viem";
import { SettlementError } from "../errors.ts";
import { RETURN_REASONS, type ReturnReason } from "../tap/rapCodes.ts";
import { collect, exportRap, type RapReturn, tapTimeUtc } from "../tap/rapWriter.ts";
import { recordDigest } from "../usage/canonical.ts";
import type { UsageRecord } from "../usage/record.ts";
import type { RoamingAgreements } from "./agreements.ts";
import type { RoamingSettlementReadModel } from "./readModel.ts";
import type { RoamingSettlementRepository } from "./repository.ts";

export interface ReturnsOptions {
  agreements: RoamingAgreements;
  readModel: RoamingSettlementReadModel;
  repository: RoamingSettlementRepository;
  sync: () => Promise<unknown>;
  memberAccount: string;
  now?: () => Date;
}

export interface PeriodRap {
  /** The BER file. */
  file: Uint8Array;
  fileName: string;
  returns: number;
  /** Sum of the returned records' TAP charges, in the records' decimals. */
  totalSevereReturnValue: number;
}

export class RoamingReturns {
  readonly #o: ReturnsOptions;

  constructor(options: ReturnsOptions) {
    this.#o = options;
  }

  /** The RAP file of the period's disputed records; `sequence` is the RAP file sequence number (5 digits). */
  async periodRap(agreementId: Hex, period: number, sequence?: string): Promise<PeriodRap> {
    await this.#o.sync();
    const agreement = await this.#o.agreements.get(agreementId); // a party of the agreement, or refused
    if (agreement.home.toLowerCase() !== this.#o.memberAccount.toLowerCase()) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `only the home operator of ${agreementId} returns its records (RAP); this member is its visited operator`,
      );
    }
    const invoice = await this.#o.readModel.invoiceOfPeriod(agreement.agreementId, period);
    const disputes = invoice ? await this.#o.readModel.disputesOfInvoice(invoice.invoice_id) : [];
    if (disputes.length === 0) {
      throw new SettlementError(
        "SETTLEMENT_NO_RETURNS",
        invoice
          ? `the invoice of period ${period} has no disputed record to return`
          : `period ${period} of ${agreementId} has no invoice, so no disputed record`,
        { field: "params.period" },
      );
    }
    const returns: RapReturn[] = [];
    const held = new Map<string, { salt: Hex; records: UsageRecord[] } | undefined>();
    for (const dispute of disputes) {
      if (!held.has(dispute.batch_id)) {
        const row = await this.#o.repository.batchRecords(dispute.batch_id);
        held.set(
          dispute.batch_id,
          row && { salt: row.salt as Hex, records: JSON.parse(row.records_json) as UsageRecord[] },
        );
      }
      const batch = held.get(dispute.batch_id);
      const record = batch?.records.find((r) => recordDigest(r, batch.salt) === dispute.record_digest);
      if (!record) {
        throw new SettlementError(
          "SETTLEMENT_RECORDS_UNKNOWN",
          `this agent does not hold the record disputed by ${dispute.dispute_id} (batch ${dispute.batch_id})`,
        );
      }
      returns.push({
        record,
        reason: reasonName(dispute.reason),
        notes: [
          `dispute:${dispute.dispute_id}`,
          `status:${dispute.status}`,
          `amount:${dispute.amount}`,
          `credit:${dispute.credit}`,
        ],
      });
    }
    const first = (returns[0] as RapReturn).record;
    const created = tapTimeUtc(this.#o.now?.() ?? new Date());
    const rapFileSequenceNumber = sequence ?? String((period % 99_999) + 1).padStart(5, "0");
    const file = await collect(
      exportRap(returns, {
        sender: first.recipient,
        recipient: first.sender,
        rapFileSequenceNumber,
        createdLocal: created.local,
        createdOffset: created.offset,
        tapDecimalPlaces: first.chargeDecimals,
        tapCurrency: first.currency,
      }),
    );
    return {
      file,
      fileName: `RC${first.recipient}${first.sender}${rapFileSequenceNumber}`,
      returns: returns.length,
      totalSevereReturnValue: returns.reduce((s, r) => s + r.record.charge, 0),
    };
  }
}

/** The read model keeps the reason as the contract's enum name. */
function reasonName(reason: string): ReturnReason {
  if ((RETURN_REASONS as readonly string[]).includes(reason)) return reason as ReturnReason;
  return "Other";
}
