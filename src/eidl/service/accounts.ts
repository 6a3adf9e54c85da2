// Organisation accounts: an organisation hosted by this agent is created with its DID and keys here, bound to the
// member and registered on chain; any organisation on the ledger can be read by its DID.
import type { Address } from "viem";
import type { RoleName } from "../../membership/published.ts";
import { ROLE_FOR_TYPE } from "../enums.ts";
import { EidlError } from "../errors.ts";
import type { EidlLedger } from "../ledger.ts";
import type { PageAsk, PageSlice } from "../paging.ts";
import { mapSlice } from "../paging.ts";
import type { EidlLookup, OrgView } from "./lookup.ts";

export interface AccountView {
  did: string;
  name: string;
  type: number;
  publicKey: string;
  createdTS: number;
  updatedTS: number;
  hosted: boolean;
}

export interface AccountsOptions {
  lookup: EidlLookup;
  ledger: EidlLedger;
  /** Binds the organisation's controller within the one role its type needs to be created on chain. */
  bindAccount(account: Address, roles: readonly RoleName[]): Promise<unknown>;
  /** This agent's member's current roles (from membership's directory). */
  memberRoles(): Promise<string[]>;
  /** This agent's public URL: the service endpoint of new organisation DIDs. */
  publicUrl: string;
  sync(): Promise<unknown>;
}

export class Accounts {
  readonly #o: AccountsOptions;

  constructor(options: AccountsOptions) {
    this.#o = options;
  }

  /** Creates an organisation hosted by this agent: DID and keys in the keystore, bound to the member, on chain. */
  async create(input: { name: string; type: number }): Promise<AccountView> {
    // Checked before any key or transaction exists: the registry would reject the account after the DID was made.
    const role = ROLE_FOR_TYPE[input.type];
    if (role === undefined || !(await this.#o.memberRoles()).includes(role)) {
      throw new EidlError(
        "EIDL_ROLE_MISSING",
        `this member lacks the role ${role} an organisation of type ${input.type} needs`,
        { field: "body.type" },
      );
    }
    const dids = this.#o.lookup.dids;
    const hosted = await dids.createOrganisationDid({ label: input.name, serviceEndpoint: this.#o.publicUrl });
    await this.#o.bindAccount(hosted.controller, [role]);
    await this.#o.ledger.createAccount(hosted.controller, hosted.address, input.type, input.name);
    await this.#o.sync();
    return this.get(hosted.did, "body");
  }

  async get(didInput: string, field: "params.orgIdParam" | "body" = "params.orgIdParam"): Promise<AccountView> {
    return this.#view(await this.#o.lookup.org(didInput, field));
  }

  /** Organisations whose keys this agent holds, oldest first. */
  async hosted(page: PageAsk): Promise<PageSlice<AccountView>> {
    const { lookup } = this.#o;
    const mine = (await lookup.dids.list()).map((h) => h.address.toLowerCase());
    const rows = await lookup.readModel.organisationsAmong(mine, page);
    return mapSlice(rows, (r) => this.#view({ ...r, did: lookup.didOf(r.org) }));
  }

  /** Every organisation on the ledger, oldest first, with its latest vetting (the whole vetting tree, paged). */
  async all(page: PageAsk): Promise<PageSlice<AccountView & { vetter: string | null; result: number | null }>> {
    const { lookup } = this.#o;
    const rows = await lookup.readModel.organisationsWithVetting(page);
    return mapSlice(rows, async (r) => ({
      ...(await this.#view({ ...r, did: lookup.didOf(r.org) })),
      vetter: r.vetter === null ? null : lookup.didOf(r.vetter),
      result: r.result === null ? null : Number(r.result),
    }));
  }

  async #view(row: OrgView): Promise<AccountView> {
    return {
      did: row.did,
      name: row.name,
      type: Number(row.org_type),
      publicKey: `${row.did}#controller`,
      createdTS: Date.parse(row.created_at),
      updatedTS: Date.parse(row.updated_at),
      hosted: await this.#o.lookup.isHosted(row.did),
    };
  }
}
