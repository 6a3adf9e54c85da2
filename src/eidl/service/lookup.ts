// What every part of the EIDL service resolves first: an organisation from a DID (named field on a bad or unknown
// one), whether this agent hosts it, a grant by id, a number or block from its text.
import type { Address } from "viem";
import { type FieldPath, invalidField, notFound } from "../../core/errors/index.ts";
import type { DidService, HostedDid } from "../../core/identity/did.ts";
import { formatDid, normaliseDid, parseEthrDid } from "../../core/identity/didEthr.ts";
import { IdentityError } from "../../core/identity/errors.ts";
import { EidlError } from "../errors.ts";
import { parsePrefix, TnFormatError } from "../prefix.ts";
import type { EidlReadModel, GrantWithCaller, OrgRow } from "../readModel.ts";

/** An organisation's row with its DID. */
export type OrgView = OrgRow & { did: string };

/** An organisation as Annex A's vetting records name it. */
export interface OrgRef {
  did: string;
  name: string;
  type: number;
  createdTS: string;
  updatedTS: string;
}

export type HostedDids = Pick<DidService, "createOrganisationDid" | "get" | "list">;

export const nowSeconds = () => Math.floor(Date.now() / 1000);
export const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

export class EidlLookup {
  readonly readModel: EidlReadModel;
  readonly dids: HostedDids;
  readonly #chainId: number;

  constructor(options: { readModel: EidlReadModel; dids: HostedDids; chainId: number }) {
    this.readModel = options.readModel;
    this.dids = options.dids;
    this.#chainId = options.chainId;
  }

  didOf(address: string): string {
    return formatDid(this.#chainId, address as Address);
  }

  /** The organisation a DID names; a malformed DID or one of another chain is a VALIDATION_FAILED on `field`. */
  async org(didInput: string, field: FieldPath): Promise<OrgView> {
    let address: string;
    try {
      address = parseEthrDid(normaliseDid(didInput, this.#chainId, field), field).address.toLowerCase();
    } catch (error) {
      if (error instanceof IdentityError) throw invalidField(field, error.message.replace(`${field}: `, ""));
      throw error;
    }
    const row = await this.readModel.organisation(address);
    if (!row) {
      throw new EidlError("EIDL_UNKNOWN_ORGANISATION", `no organisation account ${didInput} on the ledger`, { field });
    }
    return { ...row, did: this.didOf(row.org) };
  }

  /** The organisation's DID as this agent hosts it (its controller signs); another agent's is EIDL_NOT_HOSTED. */
  async hosted(org: OrgView, field: FieldPath): Promise<HostedDid> {
    try {
      return await this.dids.get(org.did);
    } catch (error) {
      if (error instanceof IdentityError && error.code === "DID_NOT_HOSTED") {
        throw new EidlError(
          "EIDL_NOT_HOSTED",
          `${org.did} is not hosted by this agent: only its own agent can act for it`,
          { field },
        );
      }
      throw error;
    }
  }

  async isHosted(did: string): Promise<boolean> {
    try {
      await this.dids.get(did);
      return true;
    } catch {
      return false;
    }
  }

  async grant(grantId: string): Promise<GrantWithCaller> {
    const row = await this.readModel.grant(grantId);
    if (!row) throw notFound(`no grant ${grantId}`);
    return row;
  }

  /** A number or block (its E.164 prefix, trailing X's allowed). */
  prefix(value: string, field: FieldPath): string {
    try {
      return parsePrefix(value, field);
    } catch (error) {
      if (error instanceof TnFormatError) throw invalidField(field, error.message.slice(field.length + 1));
      throw error;
    }
  }

  /** One number, not a block. */
  tn(value: string, field: FieldPath): string {
    const tn = this.prefix(value, field);
    if (/[xX]/.test(value)) throw invalidField(field, "must be one number, not a block");
    return tn;
  }

  orgRef(row: OrgView): OrgRef {
    return {
      did: row.did,
      name: row.name,
      type: Number(row.org_type),
      createdTS: row.created_at,
      updatedTS: row.updated_at,
    };
  }
}
