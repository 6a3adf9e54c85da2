// The EIDL domain inside one member agent: organisation accounts (DID + on-chain account), vetting decisions with
// their VettingStatus credentials, TN grants (allocation, assignment, delegation) with their TN Authorization
// credentials, revocation and port, and the reads (accounts, vetting, custody, who may use N at T). Writes are made
// from the acting organisation's DID controller through the outbox; the contract enforces every rule, the agent
// checks the inputs first so a mistake gets a named field instead of a revert.
import type { Address, Hex } from "viem";
import { ApiError, invalidField } from "../core/api/index.ts";
import { type CredentialStatusService, reasonNameOf } from "../core/identity/credentialStatus.ts";
import type { CredentialService } from "../core/identity/credentials.ts";
import type { DidService } from "../core/identity/did.ts";
import { formatDid, normaliseDid, parseEthrDid } from "../core/identity/didEthr.ts";
import { IdentityError } from "../core/identity/errors.ts";
import type { Queryable } from "../core/store/store.ts";
import { type IssuedEidlCredential, issueTnAuthorizationCredential, issueVettingCredential } from "./credentials.ts";
import { GRANT_KINDS, KYC_VETS, OrgType, ROLE_FOR_TYPE, TA_VETS, VettingResult } from "./enums.ts";
import type { EidlLedger, GrantReason, GrantTermsInput } from "./ledger.ts";
import { parsePrefix, TnFormatError } from "./prefix.ts";
import type { PrefixIndex } from "./prefixIndex.ts";
import { type GrantRow, grantStatusAt, type OrgRow, type PartyRow, partiesOf, type VettingRow } from "./readModel.ts";

export interface EidlServiceOptions {
  db: Queryable;
  dids: Pick<DidService, "createOrganisationDid" | "get" | "list">;
  credentials: CredentialService;
  credentialStatus: CredentialStatusService;
  bindAccount(account: Address): Promise<unknown>;
  /** This agent's member's current roles (from the membership read model). */
  memberRoles(): Promise<string[]>;
  ledger: EidlLedger;
  index: PrefixIndex;
  chainId: number;
  /** This agent's public URL: the service endpoint of new organisation DIDs. */
  publicUrl: string;
  /** Brings the read model (and so the index) up to the chain head. */
  sync(): Promise<unknown>;
}

export interface AccountView {
  did: string;
  name: string;
  type: number;
  publicKey: string;
  createdTS: number;
  updatedTS: number;
  hosted: boolean;
}

export interface OrgRef {
  did: string;
  name: string;
  type: number;
  createdTS: string;
  updatedTS: string;
}

/** An organisation named beside its DID, with the member hosting it (see PartySchema). */
export interface Party {
  did: string;
  name: string;
  memberAccount: string;
  memberName: string | null;
}

export interface VettingInput {
  status: number;
  result: number;
  vettedTS?: string;
  version?: number;
  brandName?: string;
}

export interface AllocationInput {
  tnId: string;
  tnIdType?: number;
  issuerId: string;
  subjectId: string;
  intendedUseOfAllocation?: string;
  callerName?: string;
  purpose?: string;
  allocationStartDate?: string;
  allocationEndDate?: string;
  allowRedelegation?: boolean;
}

export interface AllocationOutput extends AllocationInput {
  verifiableCredential: Record<string, unknown>;
  proof: { type: string; created: string; proofPurpose: string; verificationMethod: string; jws: string };
  grantId: string;
  parentGrantId: string | null;
  type: string;
  txHash: Hex;
}

const seconds = (iso: string) => Math.floor(new Date(iso).getTime() / 1000);

type OrgView = OrgRow & { did: string };

/** An allocation item whose fields passed the edge checks. */
interface CheckedItem {
  item: AllocationInput;
  field: string;
  prefix: string;
  issuer: OrgView;
  issuerType: number;
  holder: OrgView;
  controller: Address;
  /** 0: now (the contract stamps the block time). */
  validFrom: number;
  validUntil: number;
}

/** How far a client's vettedTS may be from the block time the ledger records (the contract stamps "now"). */
const VETTED_TS_TOLERANCE_SECONDS = 300;

export class EidlService {
  readonly #o: EidlServiceOptions;

  constructor(options: EidlServiceOptions) {
    this.#o = options;
  }

  get index(): PrefixIndex {
    return this.#o.index;
  }

  // ---- organisation accounts -------------------------------------------------------------------------------

  /** Creates an organisation hosted by this agent: DID and keys in the keystore, bound to the member, on chain. */
  async createAccount(input: { name: string; type: number }): Promise<AccountView> {
    // Checked before any key or transaction exists: the registry would reject the account after the DID was made.
    const role = ROLE_FOR_TYPE[input.type];
    if (role === undefined || !(await this.#o.memberRoles()).includes(role)) {
      throw new ApiError(
        "FORBIDDEN",
        `this member lacks the role ${role} an organisation of type ${input.type} needs`,
        {
          details: [{ field: "body.type", message: `needs the member role ${role}` }],
        },
      );
    }
    const hosted = await this.#o.dids.createOrganisationDid({ label: input.name, serviceEndpoint: this.#o.publicUrl });
    await this.#o.bindAccount(hosted.controller);
    await this.#o.ledger.createAccount(hosted.controller, hosted.address, input.type, input.name);
    await this.#o.sync();
    return this.getAccount(hosted.did, "body");
  }

  async getAccount(didInput: string, field = "params.orgIdParam"): Promise<AccountView> {
    const row = await this.#org(didInput, field);
    return this.#accountView(row);
  }

  /** Organisations whose keys this agent holds. */
  async hostedAccounts(): Promise<AccountView[]> {
    const hosted = await this.#o.dids.list();
    const rows = await this.#o.db.query<OrgRow>(`SELECT * FROM eidl_orgs ORDER BY created_block, org`);
    const mine = new Set(hosted.map((h) => h.address.toLowerCase()));
    return Promise.all(
      rows.filter((r) => mine.has(r.org)).map((r) => this.#accountView({ ...r, did: this.#didOf(r.org) })),
    );
  }

  // ---- vetting ---------------------------------------------------------------------------------------------

  /**
   * Records a vetting decision by a vetter hosted here and issues its VettingStatus credential. The credential of
   * the decision it supersedes is revoked (VettingWithdrawn when the new result is no longer Authorized).
   */
  async vet(orgDid: string, vetterDid: string, input: VettingInput) {
    const org = await this.#org(orgDid, "params.orgIdParam");
    const vetter = await this.#org(vetterDid, "params.vetterIdParam");
    const vetterHosted = await this.#hosted(vetter, "params.vetterIdParam");
    const allowed =
      Number(vetter.org_type) === OrgType.TrustAuthority
        ? TA_VETS
        : Number(vetter.org_type) === OrgType.KycVetter
          ? KYC_VETS
          : [];
    if (!allowed.includes(Number(org.org_type))) {
      throw new ApiError(
        "FORBIDDEN",
        `a ${vetter.org_type === OrgType.TrustAuthority ? "Trust Authority" : vetter.org_type === OrgType.KycVetter ? "KYC vetter" : "organisation of this type"} cannot vet an organisation of type ${org.org_type}`,
        { details: [{ field: "params.orgIdParam", message: "is not of a type this vetter may vet" }] },
      );
    }
    const previous = await this.#latestVetting(org.org);
    const version = previous ? Number(previous.version) + 1 : 1;
    if (input.version !== undefined && input.version !== version) {
      throw new ApiError("CONFLICT", `the next vetting version of ${org.did} is ${version}, not ${input.version}`, {
        details: [{ field: "body.version", message: `must be ${version} (the ledger numbers versions)` }],
      });
    }
    const now = Date.now();
    if (
      input.vettedTS !== undefined &&
      Math.abs(Date.parse(input.vettedTS) - now) > VETTED_TS_TOLERANCE_SECONDS * 1000
    ) {
      throw invalidField("body.vettedTS", "must be now (or omitted): the ledger records a decision when it is mined");
    }
    const vettedTS = new Date(now).toISOString();
    const credential = await issueVettingCredential(this.#o.credentials, {
      orgDid: org.did,
      orgName: org.name,
      orgType: Number(org.org_type),
      ...(input.brandName ? { brandName: input.brandName } : {}),
      vetterDid: vetter.did,
      vetterName: vetter.name,
      status: input.status,
      result: input.result,
      vettedTS,
      version,
    });
    const { txHash } = await this.#o.ledger.recordVetting(vetterHosted.controller, {
      organisation: org.org as Address,
      vetter: vetter.org as Address,
      status: input.status,
      result: input.result,
      credentialHash: credential.credentialHash,
    });
    await this.#remember(credential, "vetting", org.org, vetter.did);
    if (previous) {
      const reason = input.result === VettingResult.Authorized ? "Superseded" : "VettingWithdrawn";
      await this.#retirePreviousVetting(previous, reason);
    }
    await this.#o.sync();
    const current = await this.vetting(org.did, vetter.did, false);
    return { ...current, txHash, verifiableCredential: credential.document as unknown as Record<string, unknown> };
  }

  /** The current decision on an organisation (any vetter's latest), and its full history when asked. */
  async vetting(orgDid: string, vetterDid: string, withHistory: boolean) {
    const org = await this.#org(orgDid, "params.orgIdParam");
    normaliseDid(vetterDid, this.#o.chainId, "params.vetterIdParam");
    const rows = await this.#o.db.query<VettingRow>(
      `SELECT * FROM eidl_vettings WHERE org = $1 ORDER BY version, block_number`,
      [org.org],
    );
    const latest = rows.at(-1);
    if (!latest) throw new ApiError("NOT_FOUND", `${org.did} has no vetting record`);
    const record = async (row: VettingRow) => ({
      vetter: this.#orgRef(await this.#org(this.#didOf(row.vetter), "params.vetterIdParam")),
      status: Number(row.status),
      result: Number(row.result),
      vettedTS: row.vetted_at,
      version: Number(row.version),
      credentialHash: row.credential_hash as Hex,
      txHash: row.tx_hash as Hex,
    });
    const current = await record(latest);
    return {
      organization: this.#orgRef(org),
      ...current,
      authorized: this.#o.index.isAuthorized(org.org),
      ...(withHistory ? { history: await Promise.all(rows.map(record)) } : {}),
    };
  }

  // ---- TN grants -------------------------------------------------------------------------------------------

  /**
   * Makes each allocation / assignment / delegation in order. The step follows from the issuer: a Numbering
   * Authority allocates; otherwise the parent is the issuer's own valid grant covering the number (the longest,
   * newest), and the step assigns under an allocation or delegates under an assignment or delegation. Each step is
   * signed as a TN Authorization credential and recorded on chain with the credential's hash. Every item's fields
   * are checked before the first is made.
   */
  async allocate(items: AllocationInput[]): Promise<AllocationOutput[]> {
    const checked = [];
    for (const [i, item] of items.entries()) checked.push(await this.#checkItem(item, `body.tnAllocation[${i}]`));
    const out: AllocationOutput[] = [];
    for (const c of checked) {
      await this.#o.sync();
      const parent = c.issuerType === OrgType.NumberingAuthority ? null : this.#parentFor(c);
      const kind = parent === null ? 0 : parent.kind === 0 ? 1 : 2;
      out.push(await this.#makeGrant(c, kind, parent?.id ?? null));
    }
    await this.#o.sync();
    return out;
  }

  /**
   * Revokes a grant: by its grantor's organisation or the chain's Numbering Authority, hosted here. The grant's
   * credential is revoked with the same reason when this agent issued it; everything below stops being valid.
   */
  async revoke(grantId: string, reason: GrantReason) {
    const grant = await this.#grant(grantId);
    const actor = await this.#revoker(grant);
    const txHash = await this.#o.ledger.revoke(actor.controller, grantId, reason);
    await this.#revokeGrantCredential(grantId, reason);
    await this.#o.sync();
    return { ...(await this.grantView(grantId)), txHash };
  }

  /**
   * Number port by a Numbering Authority hosted here: one transaction ends the old chain for the number or block
   * (the allocation is revoked with NumberPort when it sits exactly on the prefix) and allocates it to the new TNSP,
   * with a new TN Authorization credential. History is kept.
   */
  async port(input: { tnId: string; issuerId: string; subjectId: string }) {
    const c = await this.#checkItem({ ...input, intendedUseOfAllocation: "Number Port" }, "body");
    if (c.issuerType !== OrgType.NumberingAuthority) {
      throw new ApiError("FORBIDDEN", `${c.issuer.did} is not a Numbering Authority: only one ports numbers`, {
        details: [{ field: "body.issuerId", message: "must be a Numbering Authority organisation" }],
      });
    }
    const credential = await this.#issueGrantCredential(c, 0, null);
    const { grantId, fromAllocationId, txHash } = await this.#o.ledger.port(c.controller, c.issuer.org as Address, {
      ...this.#terms(c, credential.credentialHash),
      validFrom: 0,
    });
    await this.#remember(credential, "grant", grantId, c.issuer.did);
    await this.#o.sync();
    const ended = await this.#grant(fromAllocationId);
    if (Number(ended.revoked_at) !== 0) await this.#revokeGrantCredential(fromAllocationId, "NumberPort");
    return {
      endedGrantId: fromAllocationId,
      endTxHash: txHash,
      allocation: this.#allocationOut(c, credential, grantId, null, 0, txHash),
    };
  }

  async grantView(grantId: string) {
    const row = await this.#grant(grantId);
    return this.#grantOut(row);
  }

  /** Grants held by an organisation (blocks and single numbers), newest first. */
  async holdings(holderDid: string) {
    const org = await this.#org(holderDid, "query.holder");
    const rows = await this.#o.db.query<GrantRow>(
      `SELECT * FROM eidl_grants WHERE holder = $1 ORDER BY created_block DESC, id DESC LIMIT 500`,
      [org.org],
    );
    return rows.map((r) => this.#grantOut(r));
  }

  /** Who may use `tn` at `at`, from the in-memory index over the read model; the holders named from it too. */
  async whoMayUse(tnInput: string, at?: string) {
    const tn = this.#tn(tnInput, "params.tn");
    const when = at ? seconds(at) : Math.floor(Date.now() / 1000);
    const chain = this.#o.index.holdingsOf(tn, when);
    return {
      tn,
      at: new Date(when * 1000).toISOString(),
      holders: chain.map((h) => this.#didOf(h.holder)),
      parties: await this.#parties(chain.map((h) => h.holder)),
      chain: chain.map((h) => ({
        grantId: h.grantId,
        tnId: h.prefix,
        type: GRANT_KINDS[h.kind] as string,
        issuerId: this.#didOf(h.issuer),
        subjectId: this.#didOf(h.holder),
      })),
      source: "read-model",
    };
  }

  /** The same question asked of the contract's whoMayUse view (for audits, and to check the read model). */
  async whoMayUseOnChain(tnInput: string, at?: string) {
    const tn = this.#tn(tnInput, "params.tn");
    const when = at ? seconds(at) : Math.floor(Date.now() / 1000);
    const { holders, grantIds } = await this.#o.ledger.whoMayUse(tn, when);
    const chain = [];
    for (const id of grantIds) {
      const row = await this.#o.db.one<GrantRow>(`SELECT * FROM eidl_grants WHERE id = $1`, [id]);
      if (row) {
        chain.push({
          grantId: id,
          tnId: row.prefix,
          type: GRANT_KINDS[Number(row.kind)] as string,
          issuerId: this.#didOf(row.issuer),
          subjectId: this.#didOf(row.holder),
        });
      }
    }
    return {
      tn,
      at: new Date(when * 1000).toISOString(),
      holders: holders.map((a) => this.#didOf(a)),
      parties: await this.#parties(holders),
      chain,
      source: "chain",
    };
  }

  /** Every grant that ever covered `tn` (its blocks and the number itself), with its events, oldest first. */
  async custody(tnInput: string) {
    const tn = this.#tn(tnInput, "params.tn");
    const prefixes = Array.from({ length: tn.length }, (_, i) => tn.slice(0, i + 1));
    const placeholders = prefixes.map((_, i) => `$${i + 1}`).join(", ");
    const rows = await this.#o.db.query<GrantRow>(
      `SELECT * FROM eidl_grants WHERE prefix IN (${placeholders})`,
      prefixes,
    );
    const history = await this.#o.db.query<{
      grant_id: string;
      kind: string;
      detail: string;
      block_number: number;
      tx_hash: string;
    }>(`SELECT * FROM eidl_grant_history WHERE prefix IN (${placeholders}) ORDER BY block_number, event_key`, prefixes);
    const byId = new Map(rows.map((r) => [String(r.id), r]));
    const parties = await partiesOf(
      this.#o.db,
      rows.flatMap((r) => [r.issuer, r.holder]),
    );
    const now = Math.floor(Date.now() / 1000);
    const entries = history.flatMap((h) => {
      const g = byId.get(String(h.grant_id));
      if (!g) return [];
      const detail = JSON.parse(h.detail) as { at: string; reason?: string | null };
      return [
        {
          grantId: String(g.id),
          tnId: g.prefix,
          event: h.kind,
          type: GRANT_KINDS[Number(g.kind)] as string,
          from: this.#didOf(g.issuer),
          to: this.#didOf(g.holder),
          fromParty: this.#party(g.issuer, parties.get(g.issuer)),
          toParty: this.#party(g.holder, parties.get(g.holder)),
          at: detail.at,
          credentialHash: g.credential_hash as Hex,
          reason: detail.reason ?? null,
          currentStatus: grantStatusAt(this.#o.index, g, now),
          blockNumber: Number(h.block_number),
          txHash: h.tx_hash as Hex,
        },
      ];
    });
    if (entries.length === 0) throw new ApiError("NOT_FOUND", `${tn} was never granted on this ledger`);
    return { tn, items: entries };
  }

  // ---- helpers ---------------------------------------------------------------------------------------------

  async #checkItem(item: AllocationInput, field: string): Promise<CheckedItem> {
    if (item.tnIdType !== undefined && item.tnIdType !== 0) {
      throw invalidField(`${field}.tnIdType`, "must be 0 (E.164): UUID, DID and VC identifiers are not supported");
    }
    const prefix = this.#prefix(item.tnId, `${field}.tnId`);
    const now = Math.floor(Date.now() / 1000);
    const start = item.allocationStartDate ? seconds(item.allocationStartDate) : 0;
    const validUntil = item.allocationEndDate ? seconds(item.allocationEndDate) : 0;
    if (validUntil !== 0 && validUntil <= Math.max(start, now)) {
      throw invalidField(`${field}.allocationEndDate`, "must be in the future and after allocationStartDate");
    }
    const issuer = await this.#org(item.issuerId, `${field}.issuerId`);
    const holder = await this.#org(item.subjectId, `${field}.subjectId`);
    const hosted = await this.#hosted(issuer, `${field}.issuerId`);
    return {
      item,
      field,
      prefix,
      issuer,
      issuerType: Number(issuer.org_type),
      holder,
      controller: hosted.controller,
      // A start in the past means now on chain; keep it so the credential says what the ledger records.
      validFrom: start > now ? start : 0,
      validUntil,
    };
  }

  #parentFor(c: CheckedItem) {
    const at = Math.max(c.validFrom, Math.floor(Date.now() / 1000));
    const parent = this.#o.index
      .grantsCovering(c.prefix)
      .filter((g) => g.holder === c.issuer.org && this.#o.index.isValid(g, at))
      .sort((a, b) => b.prefix.length - a.prefix.length || Number(b.id) - Number(a.id))[0];
    if (!parent) {
      throw new ApiError("FORBIDDEN", `${c.issuer.did} holds no valid grant covering ${c.prefix} to pass on`, {
        details: [{ field: `${c.field}.tnId`, message: "is not held by the issuer through a valid chain" }],
      });
    }
    return parent;
  }

  async #makeGrant(c: CheckedItem, kind: number, parentId: string | null) {
    const credential = await this.#issueGrantCredential(c, kind, parentId);
    const { grantId, txHash } = await this.#o.ledger.grant(c.controller, {
      kind,
      parentId,
      grantor: c.issuer.org as Address,
      terms: this.#terms(c, credential.credentialHash),
    });
    await this.#remember(credential, "grant", grantId, c.issuer.did);
    return this.#allocationOut(c, credential, grantId, parentId, kind, txHash);
  }

  #terms(c: CheckedItem, credentialHash: Hex): GrantTermsInput {
    return {
      holder: c.holder.org as Address,
      prefix: c.prefix,
      validFrom: c.validFrom,
      validUntil: c.validUntil,
      allowRedelegation: c.item.allowRedelegation ?? false,
      credentialHash,
      intendedUse: c.item.intendedUseOfAllocation ?? "",
      callerName: c.item.callerName ?? "",
      purpose: c.item.purpose ?? "",
    };
  }

  #issueGrantCredential(c: CheckedItem, kind: number, parentId: string | null) {
    return issueTnAuthorizationCredential(this.#o.credentials, {
      holderDid: c.holder.did,
      issuerDid: c.issuer.did,
      tn: c.prefix,
      kind,
      ...(c.item.callerName ? { callerName: c.item.callerName } : {}),
      ...(c.item.purpose ? { purpose: c.item.purpose } : {}),
      ...(c.item.intendedUseOfAllocation ? { intendedUse: c.item.intendedUseOfAllocation } : {}),
      validStart: new Date((c.validFrom || Math.floor(Date.now() / 1000)) * 1000).toISOString(),
      ...(c.validUntil ? { validEnd: new Date(c.validUntil * 1000).toISOString() } : {}),
      ...(parentId ? { parentGrantId: parentId } : {}),
    });
  }

  #allocationOut(
    c: CheckedItem,
    credential: IssuedEidlCredential,
    grantId: string,
    parentId: string | null,
    kind: number,
    txHash: Hex,
  ): AllocationOutput {
    const { jwt, ...proof } = credential.document.proof;
    return {
      ...c.item,
      verifiableCredential: credential.document as unknown as Record<string, unknown>,
      proof: { ...proof, jws: jwt },
      grantId,
      parentGrantId: parentId,
      type: GRANT_KINDS[kind] as string,
      txHash,
    };
  }

  /** The grantor's organisation, or the Numbering Authority at the root of the grant's chain, hosted here. */
  async #revoker(grant: GrantRow) {
    const grantor = await this.#org(this.#didOf(grant.issuer), "params.grantId");
    try {
      return await this.#hosted(grantor, "params.grantId");
    } catch (error) {
      let root: GrantRow = grant;
      for (let i = 0; root.parent_id !== null && i < 64; i++) root = await this.#grant(String(root.parent_id));
      if (root === grant) throw error;
      const authority = await this.#org(this.#didOf(root.issuer), "params.grantId");
      return await this.#hosted(authority, "params.grantId").catch(() => {
        throw error;
      });
    }
  }

  #prefix(value: string, field: string): string {
    try {
      return parsePrefix(value, field);
    } catch (error) {
      if (error instanceof TnFormatError) throw invalidField(field, error.message.slice(field.length + 1));
      throw error;
    }
  }

  #tn(value: string, field: string): string {
    const tn = this.#prefix(value, field);
    if (/[xX]/.test(value)) throw invalidField(field, "must be one number, not a block");
    return tn;
  }

  async #org(didInput: string, field: string): Promise<OrgView> {
    let address: string;
    try {
      address = parseEthrDid(normaliseDid(didInput, this.#o.chainId, field), field).address.toLowerCase();
    } catch (error) {
      if (error instanceof IdentityError) throw invalidField(field, error.message.replace(`${field}: `, ""));
      throw error;
    }
    const row = await this.#o.db.one<OrgRow>(`SELECT * FROM eidl_orgs WHERE org = $1`, [address]);
    if (!row) throw new ApiError("NOT_FOUND", `no organisation account ${didInput} on the ledger`);
    return { ...row, did: this.#didOf(row.org) };
  }

  async #hosted(org: OrgView, field: string) {
    try {
      return await this.#o.dids.get(org.did);
    } catch (error) {
      if (error instanceof IdentityError && error.code === "DID_NOT_HOSTED") {
        throw new ApiError("FORBIDDEN", `${org.did} is not hosted by this agent: only its own agent can act for it`, {
          details: [{ field, message: "is not an organisation of this member" }],
        });
      }
      throw error;
    }
  }

  async #grant(grantId: string): Promise<GrantRow> {
    const row = await this.#o.db.one<GrantRow>(`SELECT * FROM eidl_grants WHERE id = $1`, [grantId]);
    if (!row) throw new ApiError("NOT_FOUND", `no grant ${grantId}`);
    return row;
  }

  async #latestVetting(org: string): Promise<VettingRow | undefined> {
    return this.#o.db.one<VettingRow>(
      `SELECT * FROM eidl_vettings WHERE org = $1 ORDER BY version DESC, block_number DESC LIMIT 1`,
      [org],
    );
  }

  async #retirePreviousVetting(previous: VettingRow, reason: "Superseded" | "VettingWithdrawn") {
    const issued = await this.#o.db.one<{ credential_id: string; issuer_did: string }>(
      `SELECT credential_id, issuer_did FROM eidl_issued_credentials WHERE subject_kind = 'vetting' AND credential_id = $1`,
      [previous.credential_hash],
    );
    if (!issued) return; // another agent's vetter issued it; only its issuer can revoke it
    const status = await this.#o.credentialStatus.statusOf(issued.issuer_did, issued.credential_id as Hex);
    if (status.status !== "revoked") {
      await this.#o.credentialStatus.revoke(issued.issuer_did, issued.credential_id as Hex, reason);
    }
  }

  async #revokeGrantCredential(grantId: string, reason: GrantReason) {
    const issued = await this.#o.db.one<{ credential_id: string; issuer_did: string }>(
      `SELECT credential_id, issuer_did FROM eidl_issued_credentials WHERE subject_kind = 'grant' AND subject_ref = $1`,
      [grantId],
    );
    if (!issued) return; // issued by another agent's organisation: only its issuer can revoke the credential
    await this.#o.credentialStatus.revoke(issued.issuer_did, issued.credential_id as Hex, reason);
  }

  async #remember(credential: IssuedEidlCredential, kind: "vetting" | "grant", ref: string, issuerDid: string) {
    await this.#o.db.exec(
      `INSERT INTO eidl_issued_credentials (credential_id, subject_kind, subject_ref, issuer_did, jwt, document, created_at)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (credential_id) DO NOTHING`,
      [
        credential.credentialId,
        kind,
        ref,
        issuerDid,
        credential.jwt,
        JSON.stringify({ ...credential.document, credentialHash: credential.credentialHash }),
        new Date().toISOString(),
      ],
    );
  }

  #didOf(address: string): string {
    return formatDid(this.#o.chainId, address as Address);
  }

  async #parties(addresses: readonly string[]): Promise<Party[]> {
    const lower = addresses.map((a) => a.toLowerCase());
    const rows = await partiesOf(this.#o.db, lower);
    return lower.map((a) => this.#party(a, rows.get(a)));
  }

  /** A grant's issuer or holder always has an account (the contract requires one); the fallbacks never show. */
  #party(address: string, row: PartyRow | undefined): Party {
    return {
      did: this.#didOf(address),
      name: row?.name ?? "",
      memberAccount: row?.member ?? "",
      memberName: row?.member_name ?? null,
    };
  }

  #orgRef(row: OrgView): OrgRef {
    return {
      did: row.did,
      name: row.name,
      type: Number(row.org_type),
      createdTS: row.created_at,
      updatedTS: row.updated_at,
    };
  }

  async #accountView(row: OrgView): Promise<AccountView> {
    let hosted = true;
    try {
      await this.#o.dids.get(row.did);
    } catch {
      hosted = false;
    }
    return {
      did: row.did,
      name: row.name,
      type: Number(row.org_type),
      publicKey: `${row.did}#controller`,
      createdTS: Date.parse(row.created_at),
      updatedTS: Date.parse(row.updated_at),
      hosted,
    };
  }

  #grantOut(row: GrantRow) {
    return {
      grantId: String(row.id),
      parentGrantId: row.parent_id === null ? null : String(row.parent_id),
      tnId: row.prefix,
      type: GRANT_KINDS[Number(row.kind)] as string,
      issuerId: this.#didOf(row.issuer),
      subjectId: this.#didOf(row.holder),
      allocationStartDate: new Date(Number(row.valid_from) * 1000).toISOString(),
      allocationEndDate: Number(row.valid_until) === 0 ? null : new Date(Number(row.valid_until) * 1000).toISOString(),
      credentialHash: row.credential_hash as Hex,
      status: Number(row.revoked_at) === 0 ? "active" : "revoked",
      revokeReason: row.revoke_reason === null ? null : reasonNameOf(Number(row.revoke_reason)),
      callerName: row.caller_name,
      purpose: row.purpose,
      intendedUseOfAllocation: row.intended_use,
      txHash: row.tx_hash as Hex,
    };
  }
}
