// The m-of-n attestation of a subject key's erasure. The controller names the key's custodians (members, each holding
// the key or a copy of it) and a threshold; on the subject's erasure request the controller shreds its key and opens
// the erasure on chain; each custodian's agent then destroys what it holds of the key (its copy, or its Shamir share:
// keyShares.ts) by itself, keeps a record of the destruction and attests it on chain with the record's digest. At
// `threshold` distinct custodians the erasure is `Attested`; anyone reads when and by whom. Restart-safe: the work list comes from the read model (requested, not yet
// attested by this member) and the destruction record is kept before the attestation is sent, so a restarted agent
// attests the same record.
import type { Address, Hex } from "viem";
import { DataUsageError } from "./errors.ts";
import { documentHash } from "./fingerprints.ts";
import type { InsightsLedger } from "./insightsLedger.ts";
import type { InsightsReadModel } from "./readModelInsights.ts";
import type { InsightsRepository } from "./repositoryInsights.ts";

/** InsightsMarket.MAX_CUSTODIANS. */
export const MAX_CUSTODIANS = 16;

export interface CustodyServiceOptions {
  ledger: InsightsLedger;
  readModel: InsightsReadModel;
  repository: InsightsRepository;
  me: Address;
  /** The consent's controller in the data-usage read model (lower case): undefined when unknown. */
  consentController: (consentId: Hex) => Promise<string | undefined>;
  /** Whether the account is an active member holding the consortium's KEY_CUSTODIAN role (granted by governance). */
  isApprovedCustodian: (account: Address) => Promise<boolean>;
  sync: () => Promise<unknown>;
  now?: () => number;
}

export type KeyErasureStatus = "none" | "requested" | "attested";

export class CustodyService {
  readonly #o: CustodyServiceOptions;

  constructor(options: CustodyServiceOptions) {
    this.#o = options;
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Math.floor(Date.now() / 1000);
  }

  /** As the consent's controller: names its key's custodians and threshold on chain (once), checked here first. */
  async nameCustodians(anyCase: Hex, input: { custodians: readonly Address[]; threshold: number }) {
    const consentId = anyCase.toLowerCase() as Hex;
    await this.#o.sync();
    const controller = await this.#o.consentController(consentId);
    if (controller === undefined)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_CONTRACT", `no data usage contract ${consentId}`, {
        field: "params.id",
      });
    if (controller !== this.#o.me)
      throw new DataUsageError("DATAUSAGE_NOT_HELD", `contract ${consentId} is ${controller}'s, not this member's`, {
        field: "params.id",
      });
    if (await this.#o.readModel.custody(consentId))
      throw new DataUsageError("DATAUSAGE_CUSTODIANS_EXIST", `contract ${consentId} has custodians already`, {
        field: "params.id",
      });
    const custodians = [...new Set(input.custodians.map((c) => c.toLowerCase() as Address))].sort();
    if (custodians.length !== input.custodians.length)
      throw new DataUsageError("DATAUSAGE_BAD_CUSTODY", "a custodian is named twice", { field: "body.custodians" });
    if (input.threshold < 1 || input.threshold > custodians.length || custodians.length > MAX_CUSTODIANS)
      throw new DataUsageError(
        "DATAUSAGE_BAD_CUSTODY",
        `threshold ${input.threshold} of ${custodians.length} custodians is out of bounds (1 <= m <= n <= ${MAX_CUSTODIANS})`,
        { field: "body.threshold" },
      );
    for (const [index, custodian] of input.custodians.entries())
      if (!(await this.#o.isApprovedCustodian(custodian)))
        throw new DataUsageError(
          "DATAUSAGE_BAD_CUSTODY",
          `custodian ${custodian} is not a member the consortium approved as a key custodian (role KEY_CUSTODIAN)`,
          { field: `body.custodians[${index}]` },
        );
    const receipt = await this.#o.ledger.nameCustodians(consentId, custodians, input.threshold);
    await this.#o.sync();
    return { consentId, custodians, threshold: input.threshold, txHash: receipt.transactionHash };
  }

  /**
   * After the controller's own erasure (its key shredded): opens the erasure on chain for the custodians, when the
   * consent has custodians and none was opened. Answers whether it is open now, and the transaction that opened it.
   */
  async requestAfterErasure(consentId: Hex): Promise<{ status: KeyErasureStatus; txHash: Hex | null }> {
    await this.#o.sync();
    const custody = await this.#o.readModel.custody(consentId);
    if (!custody || custody.controller !== this.#o.me) return { status: "none", txHash: null };
    const open = await this.#o.readModel.keyErasure(consentId);
    if (open) return { status: Number(open.attested_at) !== 0 ? "attested" : "requested", txHash: null };
    const receipt = await this.#o.ledger.requestErasure(consentId);
    await this.#o.sync();
    return { status: "requested", txHash: receipt.transactionHash };
  }

  /**
   * As custodian: for every erasure requested of a consent this member guards and has not attested yet, destroys what
   * it holds of the key, keeps the record and attests it on chain. Answers the consents attested in this pass.
   */
  async attestPending(): Promise<Hex[]> {
    await this.#o.sync();
    const attested: Hex[] = [];
    for (const row of await this.#o.readModel.erasuresAwaiting(this.#o.me)) {
      const custodians = JSON.parse(row.custodians) as string[];
      if (!custodians.includes(this.#o.me)) continue;
      const consentId = row.consent_id as Hex;
      let kept = await this.#o.repository.custodyDestruction(consentId);
      if (!kept) {
        const wholeKey = (await this.#o.repository.subjectKey(consentId)) !== undefined;
        const share = await this.#o.repository.keyShare(consentId);
        const heldKey = wholeKey || share !== undefined;
        const record = {
          type: "telco-ledger subject key destruction",
          consentId,
          custodian: this.#o.me,
          heldKey,
          ...(share ? { share: { splitId: share.split_id, index: Number(share.share_index) } } : {}),
          destroyedAt: new Date(this.#now() * 1000).toISOString(),
          method: wholeKey
            ? "AES-256-GCM subject key deleted with every payload sealed under it"
            : share
              ? `Shamir share ${share.share_index} of the subject key (threshold ${share.threshold}) deleted`
              : "no copy or share of the key held here at the request (shredded before, or never received)",
        };
        await this.#o.repository.destroyCustody(consentId, documentHash(record), record);
        kept = await this.#o.repository.custodyDestruction(consentId);
      }
      const digest = kept?.digest as Hex;
      const receipt = await this.#o.ledger.attestErasure(consentId, digest);
      await this.#o.repository.custodyAttested(consentId, receipt.transactionHash);
      attested.push(consentId);
    }
    // A share of a key whose erasure completed before this custodian attested is destroyed all the same.
    await this.#o.repository.shredErasedShares();
    if (attested.length > 0) await this.#o.sync();
    return attested;
  }

  /** The key erasure of a consent as a subject or regulator reads it: custodians, threshold, who attested when. */
  async keyErasure(anyCase: Hex) {
    const consentId = anyCase.toLowerCase() as Hex;
    const custody = await this.#o.readModel.custody(consentId);
    if (!custody)
      throw new DataUsageError("DATAUSAGE_NO_CUSTODIANS", `contract ${consentId} has no custodians`, {
        field: "params.consentId",
      });
    const erasure = await this.#o.readModel.keyErasure(consentId);
    const attestations = await this.#o.readModel.attestations(consentId);
    const status: KeyErasureStatus = !erasure ? "none" : Number(erasure.attested_at) !== 0 ? "attested" : "requested";
    return {
      consentId,
      controller: custody.controller,
      custodians: JSON.parse(custody.custodians) as string[],
      threshold: Number(custody.threshold),
      status,
      requestedAt: erasure ? Number(erasure.requested_at) : null,
      attestedAt: erasure && Number(erasure.attested_at) !== 0 ? Number(erasure.attested_at) : null,
      attestations: attestations.map((a) => ({
        custodian: a.custodian,
        destructionDigest: a.destruction_digest,
        attestedAt: Number(a.attested_at),
        txHash: a.tx_hash,
      })),
    };
  }
}

/**
 * Runs `attestPending` once at start (a restarted agent picks up what it left) and again after each indexed
 * `ErasureRequested`; a failed pass is logged and retried every `intervalMs` until it succeeds.
 */
export function startCustodian(
  service: CustodyService,
  onEvent: (listener: (event: { source: string; eventName: string }) => void) => () => void,
  log: { warn(object: unknown, message: string): void; info(object: unknown, message: string): void },
  intervalMs = 1_000,
): { stop(): Promise<void> } {
  let pending = true;
  let running: Promise<void> | undefined;
  let stopped = false;
  const unsubscribe = onEvent((event) => {
    if (event.eventName === "ErasureRequested") pending = true;
  });
  const pass = async () => {
    pending = false;
    try {
      const attested = await service.attestPending();
      if (attested.length > 0) log.info({ attested }, "datausage: attested the destruction of subject keys");
    } catch (error) {
      pending = true;
      log.warn({ err: error }, "datausage: custodian attestation failed; retrying");
    }
  };
  const timer = setInterval(() => {
    if (stopped || running || !pending) return;
    running = pass().finally(() => {
      running = undefined;
    });
  }, intervalMs);
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      unsubscribe();
      await running;
    },
  };
}
