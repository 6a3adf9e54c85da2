// The PKI domain (ITU SEM-002) as a platform plugin: the CertificateLedger contract and its deployment, the read
// model, the API (applications, HTTP-01 validation, endorsement, issuance, revocation, status, verification), the
// CLI and sandbox seeding.
import { keccak256, toBytes } from "viem";
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import {
  CertificateLedger,
  CertificateLog,
  DataOffers,
  FactTriggers,
  TimestampLedger,
} from "../generated/contracts.ts";
import { registerPkiCommands } from "./cli.ts";
import { pkiDifferences } from "./consistency.ts";
import { PKI_ERRORS } from "./errors.ts";
import { Http01Validator } from "./http01.ts";
import { TransparencyLog } from "./log/transparencyLog.ts";
import { pkiMigrations } from "./migrations.ts";
import { dataOfferDifferences } from "./offers/consistency.ts";
import { dataOffersProjection } from "./offers/projection.ts";
import { DataOffersReadModel } from "./offers/readModel.ts";
import { DataOfferService } from "./offers/service.ts";
import {
  CERTIFICATE_LEDGER,
  CERTIFICATE_LOG,
  DATA_OFFERS,
  FACT_TRIGGERS,
  pkiProjection,
  SETTLEMENT_TOKEN,
  TIMESTAMP_LEDGER,
} from "./projection.ts";
import { PkiLogReadModel, PkiReadModel } from "./readModel.ts";
import { pkiApiModule } from "./routes.ts";
import { seedPkiSandbox } from "./seed.ts";
import { PkiService } from "./service.ts";
import { triggerDifferences } from "./triggers/consistency.ts";
import { factTriggersProjection } from "./triggers/projection.ts";
import { TriggerReadModel } from "./triggers/readModel.ts";
import { TriggerService } from "./triggers/service.ts";
import { TimestampAnchoring } from "./tsa/anchoring.ts";
import { TimeStampAuthority } from "./tsa/authority.ts";
import { TimestampRepository } from "./tsa/repository.ts";

/** A consortium role id: keccak256 of its name (contracts/membership/Roles.sol). */
const role = (name: string) => keccak256(toBytes(name));

/** Who issues, who vouches, and how many must vouch: the consortium's PKI policy, fixed at deployment. */
export const PKI_POLICY = {
  issuerRole: "TRUST_AUTHORITY",
  vouchingRoles: ["KYC_VETTER", "NUMBERING_AUTHORITY", "TNSP"],
  thresholds: { dv: 2, ov: 1, ev: 2 },
  /** Co-signatures a log checkpoint needs from members holding a vouching role. */
  witnessThreshold: 2,
} as const;

interface PkiRuntime {
  service: PkiService;
  validator: Http01Validator;
  log: TransparencyLog;
  anchoring: TimestampAnchoring;
  tsa: TimeStampAuthority;
  triggers: TriggerService;
  dataOffers: DataOfferService;
}
const services = new WeakMap<AgentContext, PkiRuntime>();
function runtime(context: AgentContext) {
  let found = services.get(context);
  if (!found) {
    const validator = new Http01Validator();
    const readModel = new PkiReadModel(context.store);
    const service = new PkiService({
      outbox: context.outbox,
      chain: context.chain,
      keystore: context.keystore,
      readModel,
      validator,
      memberAccount: context.config.memberAccount,
      ledger: context.contractAddress(CERTIFICATE_LEDGER),
      chainId: context.config.chain.chainId,
      sync: () => context.indexer.syncOnce(),
    });
    const log = new TransparencyLog({
      logReadModel: new PkiLogReadModel(context.store),
      pkiReadModel: readModel,
      outbox: context.outbox,
      chain: context.chain,
      memberAccount: context.config.memberAccount,
      logAddress: context.contractAddress(CERTIFICATE_LOG),
      sync: () => context.indexer.syncOnce(),
    });
    const repository = new TimestampRepository(context.store);
    const anchoring = new TimestampAnchoring({
      outbox: context.outbox,
      chain: context.chain,
      memberAccount: context.config.memberAccount,
      ledger: context.contractAddress(TIMESTAMP_LEDGER),
      repository,
    });
    const tsa = new TimeStampAuthority({ keystore: context.keystore, readModel, repository, anchoring });
    const triggers = new TriggerService({
      outbox: context.outbox,
      chain: context.chain,
      memberAccount: context.config.memberAccount,
      address: context.contractAddress(FACT_TRIGGERS),
      readModel: new TriggerReadModel(context.store),
      sync: () => context.indexer.syncOnce(),
    });
    const dataOffers = new DataOfferService({
      outbox: context.outbox,
      chain: context.chain,
      memberAccount: context.config.memberAccount,
      signer: context.keystore.account(context.config.memberAccount),
      address: context.contractAddress(DATA_OFFERS),
      token: context.contractAddress(SETTLEMENT_TOKEN),
      chainId: context.config.chain.chainId,
      readModel: new DataOffersReadModel(context.store),
      anchoring,
      sync: () => context.indexer.syncOnce(),
    });
    found = { service, validator, log, anchoring, tsa, triggers, dataOffers };
    services.set(context, found);
  }
  return found;
}

export const pkiPlugin: DomainPlugin = {
  name: "pki",
  description:
    "Ledger-based PKI (SEM-002): DV/OV/EV X.509 certificates validated and endorsed by members, revocation, status; " +
    "proof of existence and RFC 3161 time-stamping (ENT-001)",
  doc: "docs/pki.md",
  errors: PKI_ERRORS,
  contracts: {
    [CERTIFICATE_LEDGER]: CertificateLedger,
    [CERTIFICATE_LOG]: CertificateLog,
    [TIMESTAMP_LEDGER]: TimestampLedger,
    [FACT_TRIGGERS]: FactTriggers,
    [DATA_OFFERS]: DataOffers,
  },
  deployment: [
    {
      name: CERTIFICATE_LEDGER,
      artifact: CertificateLedger,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the CertificateLedger");
        const { dv, ov, ev } = PKI_POLICY.thresholds;
        return [consortium.address, role(PKI_POLICY.issuerRole), PKI_POLICY.vouchingRoles.map(role), dv, ov, ev];
      },
    },
    {
      name: CERTIFICATE_LOG,
      artifact: CertificateLog,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the CertificateLog");
        const roles = PKI_POLICY.vouchingRoles.map(role);
        return [consortium.address, role(PKI_POLICY.issuerRole), roles, PKI_POLICY.witnessThreshold];
      },
    },
    {
      name: TIMESTAMP_LEDGER,
      artifact: TimestampLedger,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the TimestampLedger");
        return [consortium.address];
      },
    },
    {
      name: FACT_TRIGGERS,
      artifact: FactTriggers,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        if (!consortium) throw new Error("ConsortiumRegistry must be deployed before the FactTriggers");
        return [consortium.address];
      },
    },
    {
      // Paid data offers: roots anchored on the TimestampLedger above, payments in the settlement domain's token.
      name: DATA_OFFERS,
      artifact: DataOffers,
      args: (deployed) => {
        const consortium = deployed.ConsortiumRegistry;
        const timestamps = deployed[TIMESTAMP_LEDGER];
        const token = deployed[SETTLEMENT_TOKEN];
        if (!consortium || !timestamps || !token) {
          throw new Error("ConsortiumRegistry, TimestampLedger and SettlementToken must be deployed before DataOffers");
        }
        return [consortium.address, timestamps.address, token.address];
      },
    },
  ],
  migrations: pkiMigrations,
  projections: [pkiProjection, dataOffersProjection, factTriggersProjection],
  api: (context) => {
    const { service, validator, log, anchoring, tsa, triggers, dataOffers } = runtime(context);
    return pkiApiModule(service, validator, log, { anchoring, tsa, triggers, dataOffers });
  },
  checkConsistency: async (context, blockNumber) => [
    ...(await pkiDifferences(
      new PkiReadModel(context.store),
      context.chain,
      context.contractAddress(CERTIFICATE_LEDGER),
      blockNumber,
      { address: context.contractAddress(CERTIFICATE_LOG), readModel: new PkiLogReadModel(context.store) },
    )),
    ...(await dataOfferDifferences(
      new DataOffersReadModel(context.store),
      context.chain,
      context.contractAddress(DATA_OFFERS),
      blockNumber,
    )),
    ...(await triggerDifferences(
      new TriggerReadModel(context.store),
      context.chain,
      context.contractAddress(FACT_TRIGGERS),
      blockNumber,
    )),
  ],
  registerCommands: registerPkiCommands,
  seedSandbox: seedPkiSandbox,
};
