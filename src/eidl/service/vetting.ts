// Vetting: a decision by a vetter hosted here is recorded on chain with its VettingStatus credential, and the
// credential of the decision it supersedes is revoked; reads give the current decision and the history.
import type { Address, Hex } from "viem";
import { invalidField } from "../../core/errors/index.ts";
import type { CredentialService } from "../../core/identity/credentials.ts";
import { normaliseDid } from "../../core/identity/didEthr.ts";
import { issueVettingCredential } from "../credentials.ts";
import { KYC_VETS, OrgType, TA_VETS, VettingResult } from "../enums.ts";
import { EidlError } from "../errors.ts";
import type { EidlLedger } from "../ledger.ts";
import { mapSlice, type PageAsk, type PageSlice } from "../paging.ts";
import type { PrefixIndex } from "../prefixIndex.ts";
import type { VettingRow } from "../readModel.ts";
import type { CredentialBookkeeping } from "./issuedCredentials.ts";
import type { EidlLookup, OrgRef, OrgView } from "./lookup.ts";

/** VettingStatus.InProgress in IOrganisationRegistry. */
const VETTING_IN_PROGRESS = 0;

export interface VettingInput {
  status: number;
  result: number;
  vettedTS?: string;
  version?: number;
  brandName?: string;
}

export interface VettingRecord {
  vetter: OrgRef;
  status: number;
  result: number;
  vettedTS: string;
  version: number;
  credentialHash: Hex;
  txHash: Hex;
}

export interface VettingOptions {
  lookup: EidlLookup;
  ledger: EidlLedger;
  credentials: CredentialService;
  bookkeeping: CredentialBookkeeping;
  index: PrefixIndex;
  chainId: number;
  sync(): Promise<unknown>;
}

/** How far a client's vettedTS may be from the block time the ledger records (the contract stamps "now"). */
const VETTED_TS_TOLERANCE_SECONDS = 300;

const typeName = (type: number) =>
  type === OrgType.TrustAuthority
    ? "Trust Authority"
    : type === OrgType.KycVetter
      ? "KYC vetter"
      : "organisation of this type";

export class Vetting {
  readonly #o: VettingOptions;

  constructor(options: VettingOptions) {
    this.#o = options;
  }

  /**
   * Records a vetting decision by a vetter hosted here and issues its VettingStatus credential. The credential of
   * the decision it supersedes is revoked (VettingWithdrawn when the new result is no longer Authorized).
   */
  async vet(orgDid: string, vetterDid: string, input: VettingInput) {
    const { lookup } = this.#o;
    const org = await lookup.org(orgDid, "params.orgIdParam");
    const vetter = await lookup.org(vetterDid, "params.vetterIdParam");
    const vetterHosted = await lookup.hosted(vetter, "params.vetterIdParam");
    const vetterType = Number(vetter.org_type);
    const allowed = vetterType === OrgType.TrustAuthority ? TA_VETS : vetterType === OrgType.KycVetter ? KYC_VETS : [];
    if (!allowed.includes(Number(org.org_type))) {
      throw new EidlError(
        "EIDL_VETTING_NOT_ALLOWED",
        `a ${typeName(vetterType)} cannot vet an organisation of type ${org.org_type}`,
        { field: "params.orgIdParam" },
      );
    }
    const previous = await lookup.readModel.latestVetting(org.org);
    // The registry replaces a trailing In Progress record (same version) instead of adding one after it.
    const version = !previous
      ? 1
      : Number(previous.status) === VETTING_IN_PROGRESS
        ? Number(previous.version)
        : Number(previous.version) + 1;
    if (input.version !== undefined && input.version !== version) {
      throw new EidlError(
        "EIDL_VETTING_VERSION",
        `the next vetting version of ${org.did} is ${version}, not ${input.version}`,
        { field: "body.version", details: { nextVersion: version } },
      );
    }
    const now = Date.now();
    if (
      input.vettedTS !== undefined &&
      Math.abs(Date.parse(input.vettedTS) - now) > VETTED_TS_TOLERANCE_SECONDS * 1000
    ) {
      throw invalidField("body.vettedTS", "must be now (or omitted): the ledger records a decision when it is mined");
    }
    const credential = await issueVettingCredential(this.#o.credentials, {
      orgDid: org.did,
      orgName: org.name,
      orgType: Number(org.org_type),
      ...(input.brandName ? { brandName: input.brandName } : {}),
      vetterDid: vetter.did,
      vetterName: vetter.name,
      status: input.status,
      result: input.result,
      vettedTS: new Date(now).toISOString(),
      version,
    });
    const { txHash } = await this.#o.ledger.recordVetting(vetterHosted.controller, {
      organisation: org.org as Address,
      vetter: vetter.org as Address,
      status: input.status,
      result: input.result,
      credentialHash: credential.credentialHash,
    });
    await this.#o.bookkeeping.remember(credential, "vetting", org.org, vetter.did);
    if (previous) {
      const reason = input.result === VettingResult.Authorized ? "Superseded" : "VettingWithdrawn";
      await this.#o.bookkeeping.retirePreviousVetting(previous, reason);
    }
    await this.#o.sync();
    const current = await this.current(org.did, vetter.did);
    return { ...current, txHash, verifiableCredential: credential.document as unknown as Record<string, unknown> };
  }

  /** The current decision on an organisation (any vetter's latest), and whether it stands now. */
  async current(orgDid: string, vetterDid: string) {
    const { lookup } = this.#o;
    const org = await lookup.org(orgDid, "params.orgIdParam");
    normaliseDid(vetterDid, this.#o.chainId, "params.vetterIdParam");
    const latest = await lookup.readModel.latestVetting(org.org);
    if (!latest) throw new EidlError("EIDL_NOT_VETTED", `${org.did} has no vetting record`);
    return {
      organization: lookup.orgRef(org),
      ...(await this.#record(latest)),
      authorized: this.#o.index.isAuthorized(org.org),
    };
  }

  /** The organisation's vetting decisions, oldest first, a page at a time. */
  async history(orgDid: string, page: PageAsk): Promise<PageSlice<VettingRecord>> {
    const org: OrgView = await this.#o.lookup.org(orgDid, "params.orgIdParam");
    return mapSlice(await this.#o.lookup.readModel.vettings(org.org, page), (row) => this.#record(row));
  }

  async #record(row: VettingRow): Promise<VettingRecord> {
    const { lookup } = this.#o;
    return {
      vetter: lookup.orgRef(await lookup.org(lookup.didOf(row.vetter), "params.vetterIdParam")),
      status: Number(row.status),
      result: Number(row.result),
      vettedTS: row.vetted_at,
      version: Number(row.version),
      credentialHash: row.credential_hash as Hex,
      txHash: row.tx_hash as Hex,
    };
  }
}
