// The PKI domain (ITU SEM-002) as a platform plugin: the CertificateLedger contract and its deployment, the read
// model, the API (applications, HTTP-01 validation, endorsement, issuance, revocation, status, verification), the
// CLI and sandbox seeding.
import { keccak256, toBytes } from "viem";
import type { AgentContext, DomainPlugin } from "../agent/domain.ts";
import { CertificateLedger } from "../generated/contracts.ts";
import { registerPkiCommands } from "./cli.ts";
import { pkiDifferences } from "./consistency.ts";
import { PKI_ERRORS } from "./errors.ts";
import { Http01Validator } from "./http01.ts";
import { pkiMigrations } from "./migrations.ts";
import { CERTIFICATE_LEDGER, pkiProjection } from "./projection.ts";
import { PkiReadModel } from "./readModel.ts";
import { pkiApiModule } from "./routes.ts";
import { seedPkiSandbox } from "./seed.ts";
import { PkiService } from "./service.ts";

/** A consortium role id: keccak256 of its name (contracts/membership/Roles.sol). */
const role = (name: string) => keccak256(toBytes(name));

/** Who issues, who vouches, and how many must vouch: the consortium's PKI policy, fixed at deployment. */
export const PKI_POLICY = {
  issuerRole: "TRUST_AUTHORITY",
  vouchingRoles: ["KYC_VETTER", "NUMBERING_AUTHORITY", "TNSP"],
  thresholds: { dv: 2, ov: 1, ev: 2 },
} as const;

const services = new WeakMap<AgentContext, { service: PkiService; validator: Http01Validator }>();
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
    found = { service, validator };
    services.set(context, found);
  }
  return found;
}

export const pkiPlugin: DomainPlugin = {
  name: "pki",
  description:
    "Ledger-based PKI (SEM-002): DV/OV/EV X.509 certificates validated and endorsed by members, revocation, status",
  doc: "docs/pki.md",
  errors: PKI_ERRORS,
  contracts: { [CERTIFICATE_LEDGER]: CertificateLedger },
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
  ],
  migrations: pkiMigrations,
  projections: [pkiProjection],
  api: (context) => {
    const { service, validator } = runtime(context);
    return pkiApiModule(service, validator);
  },
  checkConsistency: (context, blockNumber) =>
    pkiDifferences(
      new PkiReadModel(context.store),
      context.chain,
      context.contractAddress(CERTIFICATE_LEDGER),
      blockNumber,
    ),
  registerCommands: registerPkiCommands,
  seedSandbox: seedPkiSandbox,
};
