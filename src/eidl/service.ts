// The EIDL domain inside one member agent: organisation accounts (DID + on-chain account), vetting decisions with
// their VettingStatus credentials, TN grants (allocation, assignment, delegation) with their TN Authorization
// credentials, revocation and port, and the reads (accounts, vetting, custody, who may use N at T). One part per job
// (service/): writes go from the acting organisation's DID controller through the outbox; the contracts enforce
// every rule, the parts check the inputs first so a mistake gets a named field instead of a revert.
import type { Address } from "viem";
import type { CredentialStatusService } from "../core/identity/credentialStatus.ts";
import type { CredentialService } from "../core/identity/credentials.ts";
import type { RoleName } from "../membership/published.ts";
import type { EidlLedger } from "./ledger.ts";
import type { PrefixIndex } from "./prefixIndex.ts";
import type { EidlReadModel } from "./readModel.ts";
import type { IssuedCredentials } from "./repository.ts";
import { Accounts } from "./service/accounts.ts";
import { BulkGrants } from "./service/bulkGrants.ts";
import { Grants } from "./service/grants.ts";
import { CredentialBookkeeping } from "./service/issuedCredentials.ts";
import { EidlLookup, type HostedDids } from "./service/lookup.ts";
import { GrantReads } from "./service/reads.ts";
import { NumberingScopes } from "./service/scopes.ts";
import { Vetting } from "./service/vetting.ts";

export interface EidlServiceOptions {
  readModel: EidlReadModel;
  issued: IssuedCredentials;
  dids: HostedDids;
  credentials: CredentialService;
  credentialStatus: CredentialStatusService;
  bindAccount(account: Address, roles: readonly RoleName[]): Promise<unknown>;
  /** This agent's member's current roles (from membership's directory). */
  memberRoles(): Promise<string[]>;
  /** This member's governance account (numbering-plan scope proposals and approvals). */
  memberAccount: Address;
  ledger: EidlLedger;
  /** The agent's one prefix index (built by the plugin's publish()). */
  index: PrefixIndex;
  chainId: number;
  /** This agent's public URL: the service endpoint of new organisation DIDs. */
  publicUrl: string;
  /** Brings the read model (and so the index) up to the chain head. */
  sync(): Promise<unknown>;
  /** The node's block gas limit (bulk batches are sized from it). */
  blockGasLimit(): Promise<bigint | undefined>;
}

export class EidlService {
  readonly accounts: Accounts;
  readonly vetting: Vetting;
  readonly grants: Grants;
  readonly bulk: BulkGrants;
  readonly reads: GrantReads;
  readonly scopes: NumberingScopes;

  constructor(o: EidlServiceOptions) {
    const lookup = new EidlLookup({ readModel: o.readModel, dids: o.dids, chainId: o.chainId });
    const bookkeeping = new CredentialBookkeeping(o.issued, o.credentialStatus);
    const common = { lookup, ledger: o.ledger, sync: o.sync };
    this.accounts = new Accounts({
      ...common,
      bindAccount: o.bindAccount,
      memberRoles: o.memberRoles,
      publicUrl: o.publicUrl,
    });
    this.vetting = new Vetting({
      ...common,
      credentials: o.credentials,
      bookkeeping,
      index: o.index,
      chainId: o.chainId,
    });
    this.scopes = new NumberingScopes({ ...common, memberAccount: o.memberAccount, memberRoles: o.memberRoles });
    this.reads = new GrantReads({ lookup, ledger: o.ledger, index: o.index });
    this.grants = new Grants({
      ...common,
      credentials: o.credentials,
      bookkeeping,
      index: o.index,
      reads: this.reads,
    });
    this.bulk = new BulkGrants({
      ...common,
      credentials: o.credentials,
      bookkeeping,
      index: o.index,
      blockGasLimit: o.blockGasLimit,
      revokeMany: (grantIds, reason, batchSize) => this.grants.revokeMany(grantIds, reason, batchSize),
    });
  }
}
