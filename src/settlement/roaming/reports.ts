// The reconciliation report of a period through an operator's agent: the agreement's batches of the period with the
// records this agent holds, the period's invoice and its disputes, read after the indexer caught up, classed by
// periodReport.ts. Only the agreement's two operators read it. No HTTP, no SQL.
import type { Hex } from "viem";
import type { UsageRecord } from "../usage/record.ts";
import type { RoamingAgreements } from "./agreements.ts";
import { type HeldBatch, type PeriodReport, periodReport } from "./periodReport.ts";
import type { RoamingSettlementReadModel } from "./readModel.ts";
import type { RoamingSettlementRepository } from "./repository.ts";

export interface ReportOptions {
  agreements: RoamingAgreements;
  readModel: RoamingSettlementReadModel;
  repository: RoamingSettlementRepository;
  sync: () => Promise<unknown>;
}

export class RoamingReports {
  readonly #o: ReportOptions;

  constructor(options: ReportOptions) {
    this.#o = options;
  }

  async period(agreementId: Hex, period: number): Promise<PeriodReport> {
    await this.#o.sync();
    const agreement = await this.#o.agreements.get(agreementId); // a party of the agreement, or refused
    const rows = await this.#o.readModel.batchesOfPeriod(agreement.agreementId, period);
    const batches: HeldBatch[] = [];
    for (const row of rows) {
      const held = await this.#o.repository.batchRecords(row.batch_id);
      batches.push({
        row,
        held: held && {
          salt: held.salt as Hex,
          records: JSON.parse(held.records_json) as UsageRecord[],
          amounts: JSON.parse(held.amounts_json) as number[],
        },
      });
    }
    const invoice = await this.#o.readModel.invoiceOfPeriod(agreement.agreementId, period);
    const disputes = invoice ? await this.#o.readModel.disputesOfInvoice(invoice.invoice_id) : [];
    return periodReport(agreement.agreementId, period, invoice, batches, disputes);
  }
}
