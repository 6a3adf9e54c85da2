// TN grants: allocation, assignment and delegation of numbers and blocks, each signed as a TN Authorization
// credential and recorded on chain with the credential's hash; revocation; and number port. The contract enforces
// every rule; the inputs are checked first so that a mistake gets a named field instead of a revert.
import type { Address, Hex } from "viem";
import { type FieldPath, invalidField } from "../../core/errors/index.ts";
import type { CredentialService } from "../../core/identity/credentials.ts";
import type { HostedDid } from "../../core/identity/did.ts";
import { type IssuedEidlCredential, issueTnAuthorizationCredential } from "../credentials.ts";
import { GRANT_KINDS, OrgType } from "../enums.ts";
import { EidlError } from "../errors.ts";
import { callerHashOf, freshSalt } from "../grantIds.ts";
import { BatchItemRefusedError, type EidlLedger, type GrantReason, type GrantTermsInput } from "../ledger.ts";
import { chainOrder, type PrefixIndex } from "../prefixIndex.ts";
import type { GrantRow } from "../readModel.ts";
import { BULK_BASE_GAS, BULK_ITEM_GAS, inFlight } from "./bulkGrants.ts";
import type { CredentialBookkeeping } from "./issuedCredentials.ts";
import { type EidlLookup, nowSeconds, type OrgView, seconds } from "./lookup.ts";
import type { GrantReads } from "./reads.ts";

/** Credential status transactions of one bulk revocation in flight at once (the outbox takes their nonces in order). */
const CREDENTIAL_REVOCATIONS_IN_FLIGHT = 8;

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

/** On what authority a port happens (ITnAuthority.PortAuthority, in order). */
export const PORT_AUTHORITIES = ["BothProvidersConsented", "NumberingAuthorityOrder"] as const;

export interface PortInput {
  tnId: string;
  issuerId: string;
  subjectId: string;
  allocationStartDate?: string;
  portAuthority: (typeof PORT_AUTHORITIES)[number];
  /** Hash of the evidence held off chain: the signed letter of authorization and consents, or the order. */
  evidenceHash: string;
}

/** A port made: the allocation it ended (revoked when it sat exactly on the prefix) and the new one. */
export interface PortOutput {
  endedGrantId: string;
  endTxHash: Hex;
  allocation: AllocationOutput;
}

export interface AllocationOutput extends AllocationInput {
  verifiableCredential: Record<string, unknown>;
  proof: { type: string; created: string; proofPurpose: string; verificationMethod: string; jws: string };
  grantId: string;
  parentGrantId: string | null;
  type: string;
  txHash: Hex;
}

export interface GrantsOptions {
  lookup: EidlLookup;
  ledger: EidlLedger;
  credentials: CredentialService;
  bookkeeping: CredentialBookkeeping;
  index: PrefixIndex;
  reads: GrantReads;
  sync(): Promise<unknown>;
}

/** An allocation item whose fields passed the edge checks. */
interface CheckedItem {
  item: AllocationInput;
  field: FieldPath;
  prefix: string;
  issuer: OrgView;
  issuerType: number;
  holder: OrgView;
  controller: Address;
  /** 0: now (the contract stamps the block time). */
  validFrom: number;
  validUntil: number;
  /** Salts the hash of the caller name and purpose on chain; in the credential as `CallerSalt`. */
  callerSalt: Hex;
}

export class Grants {
  readonly #o: GrantsOptions;

  constructor(options: GrantsOptions) {
    this.#o = options;
  }

  /**
   * Makes each allocation / assignment / delegation in order. The step follows from the issuer: a Numbering
   * Authority allocates; otherwise the parent is the issuer's own valid grant covering the number (the longest,
   * newest), and the step assigns under an allocation or delegates under an assignment or delegation. Each step is
   * signed as a TN Authorization credential and recorded on chain with the credential's hash. Every item's fields
   * are checked before the first is made.
   */
  async allocate(items: AllocationInput[]): Promise<AllocationOutput[]> {
    const checked: CheckedItem[] = [];
    for (const [i, item] of items.entries()) {
      const c = await this.#checkItem(item, `body.tnAllocation[${i}]`);
      if (c.issuerType === OrgType.NumberingAuthority) await this.#requireInScope(c);
      checked.push(c);
    }
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
    const grant = await this.#o.lookup.grant(grantId);
    const actor = await this.#revoker(grant);
    const txHash = await this.#o.ledger.revoke(actor.controller, grantId, reason);
    await this.#o.bookkeeping.revokeGrantCredential(grantId, reason);
    await this.#o.sync();
    return { ...(await this.#o.reads.grant(grantId)), txHash };
  }

  /**
   * Bulk revocation (issue 12): revokes many grants with one reason, each by its own revoker (as `revoke` picks it),
   * in revokeBatch transactions of one revoker each, sized as bulk grants are. Every item is checked first, named
   * `${field}[i]` (unknown, repeated, already revoked, no revoker hosted here) before anything is sent. A batch the
   * ledger refuses records nothing and fails the request with EIDL_BULK_ITEM_REFUSED naming the item; batches before
   * it stay made. Each grant's credential issued here is then revoked with the same reason (one status transaction
   * each: the status registry has no batch call).
   */
  async revokeMany(
    grantIds: readonly string[],
    reason: GrantReason,
    batchSize: number,
    field: FieldPath = "body.grantIds",
  ): Promise<{ results: { index: number; grantId: string; txHash: Hex }[]; transactions: Hex[] }> {
    await this.#o.sync();
    const seen = new Set<string>();
    const byRevoker = new Map<Address, { index: number; grantId: string }[]>();
    for (const [index, grantId] of grantIds.entries()) {
      const at: FieldPath = `${field}[${index}]`;
      if (seen.has(grantId)) throw invalidField(at, `repeats grant ${grantId}`);
      seen.add(grantId);
      const grant = await this.#o.lookup.grant(grantId).catch((error: unknown) => {
        throw invalidField(at, error instanceof Error ? error.message : `no grant ${grantId}`);
      });
      if (Number(grant.revoked_at) !== 0) throw invalidField(at, `grant ${grantId} is already revoked`);
      const actor = await this.#revoker(grant, at);
      const items = byRevoker.get(actor.controller) ?? [];
      items.push({ index, grantId });
      byRevoker.set(actor.controller, items);
    }
    const results: { index: number; grantId: string; txHash: Hex }[] = [];
    const transactions: Hex[] = [];
    for (const [controller, items] of byRevoker) {
      for (let from = 0; from < items.length; from += batchSize) {
        const chunk = items.slice(from, from + batchSize);
        const gas = BULK_BASE_GAS + BigInt(chunk.length) * BULK_ITEM_GAS;
        let txHash: Hex;
        try {
          txHash = await this.#o.ledger.revokeBatch(
            controller,
            chunk.map((i) => i.grantId),
            reason,
            gas,
          );
        } catch (error) {
          if (!(error instanceof BatchItemRefusedError)) throw error;
          const item = chunk[error.index];
          throw new EidlError(
            "EIDL_BULK_ITEM_REFUSED",
            `the ledger refused revoking grant ${item?.grantId ?? "?"}: ${error.errorName ?? "out of gas"}; ` +
              "nothing of its batch is recorded, earlier batches stay made",
            { field: `${field}[${item?.index ?? error.index}]` },
          );
        }
        transactions.push(txHash);
        for (const item of chunk) results.push({ ...item, txHash });
      }
    }
    await inFlight(results, CREDENTIAL_REVOCATIONS_IN_FLIGHT, (r) =>
      this.#o.bookkeeping.revokeGrantCredential(r.grantId, reason),
    );
    await this.#o.sync();
    return { results: results.sort((a, b) => a.index - b.index), transactions };
  }

  /**
   * Number port by a Numbering Authority hosted here: one transaction ends the old chain for the number or block
   * (the allocation is revoked with NumberPort when it sits exactly on the prefix) and allocates it to the new TNSP,
   * with a new TN Authorization credential. History is kept.
   */
  async port(input: PortInput): Promise<PortOutput> {
    const [ported] = await this.#ports([input], "body", false);
    return ported as PortOutput;
  }

  /**
   * Many ports by one Numbering Authority hosted here in ONE transaction (ITnAuthority.portBatch), with the same
   * checks and bookkeeping per item as a single port: each gets a new TN Authorization credential, and the allocation
   * it ends is revoked with its credential. All or nothing: a refused item rejects with the ledger's
   * BatchItemRefusedError naming its index, and nothing of the batch is recorded. Fields are named under `field`
   * (`body` for one port, `${field}[i]` for a list).
   */
  portBatch(inputs: readonly PortInput[], field: FieldPath = "body.ports"): Promise<PortOutput[]> {
    return this.#ports(inputs, field, true);
  }

  /** One port through `port` (`batch` false: the contract's own error on a refusal), or many through `portBatch`. */
  async #ports(inputs: readonly PortInput[], field: FieldPath, batch: boolean): Promise<PortOutput[]> {
    const single = !batch;
    const checked: { c: CheckedItem; consent: { authority: number; evidenceHash: Hex } }[] = [];
    for (const [i, input] of inputs.entries()) {
      const at: FieldPath = single ? field : `${field}[${i}]`;
      const { portAuthority, evidenceHash, ...item } = input;
      const c = await this.#checkItem({ ...item, intendedUseOfAllocation: "Number Port" }, at);
      if (c.issuerType !== OrgType.NumberingAuthority) {
        throw new EidlError(
          "EIDL_NOT_NUMBERING_AUTHORITY",
          `${c.issuer.did} is not a Numbering Authority: only one ports numbers`,
          { field: `${at}.issuerId` },
        );
      }
      const first = checked[0]?.c;
      if (first && first.issuer.org !== c.issuer.org) {
        throw invalidField(`${at}.issuerId`, "every port of a batch is made by the same Numbering Authority");
      }
      await this.#requireInScope(c);
      if (/^0x0{64}$/.test(evidenceHash)) throw invalidField(`${at}.evidenceHash`, "must not be zero");
      checked.push({
        c,
        consent: { authority: PORT_AUTHORITIES.indexOf(portAuthority), evidenceHash: evidenceHash as Hex },
      });
    }
    const first = checked[0]?.c;
    if (!first) return [];
    const credentials = await Promise.all(checked.map(({ c }) => this.#issueGrantCredential(c, 0, null)));
    const items = checked.map(({ c, consent }, i) => ({
      terms: { ...this.#terms(c, (credentials[i] as IssuedEidlCredential).credentialHash), validFrom: 0 },
      consent,
    }));
    const authority = first.issuer.org as Address;
    const { ports, txHash } = batch
      ? await this.#o.ledger.portBatch(first.controller, authority, items)
      : await this.#o.ledger
          .port(
            first.controller,
            authority,
            (items[0] as (typeof items)[number]).terms,
            (items[0] as (typeof items)[number]).consent,
          )
          .then(({ grantId, fromAllocationId, txHash }) => ({ ports: [{ grantId, fromAllocationId }], txHash }));
    for (const [i, { grantId }] of ports.entries()) {
      await this.#o.bookkeeping.remember(credentials[i] as IssuedEidlCredential, "grant", grantId, first.issuer.did);
    }
    await this.#o.sync();
    const ended = new Set<string>();
    for (const { fromAllocationId } of ports) {
      if (ended.has(fromAllocationId)) continue;
      ended.add(fromAllocationId);
      const grant = await this.#o.lookup.grant(fromAllocationId);
      if (Number(grant.revoked_at) !== 0)
        await this.#o.bookkeeping.revokeGrantCredential(fromAllocationId, "NumberPort");
    }
    return ports.map(({ grantId, fromAllocationId }, i) => {
      const { c } = checked[i] as (typeof checked)[number];
      return {
        endedGrantId: fromAllocationId,
        endTxHash: txHash,
        allocation: this.#allocationOut(c, credentials[i] as IssuedEidlCredential, grantId, null, 0, txHash),
      };
    });
  }

  async #checkItem(item: AllocationInput, field: FieldPath): Promise<CheckedItem> {
    const { lookup } = this.#o;
    if (item.tnIdType !== undefined && item.tnIdType !== 0) {
      throw invalidField(`${field}.tnIdType`, "must be 0 (E.164): UUID, DID and VC identifiers are not supported");
    }
    const prefix = lookup.prefix(item.tnId, `${field}.tnId`);
    const now = nowSeconds();
    const start = item.allocationStartDate ? seconds(item.allocationStartDate) : 0;
    const validUntil = item.allocationEndDate ? seconds(item.allocationEndDate) : 0;
    if (validUntil !== 0 && validUntil <= Math.max(start, now)) {
      throw invalidField(`${field}.allocationEndDate`, "must be in the future and after allocationStartDate");
    }
    const issuer = await lookup.org(item.issuerId, `${field}.issuerId`);
    const holder = await lookup.org(item.subjectId, `${field}.subjectId`);
    const hosted = await lookup.hosted(issuer, `${field}.issuerId`);
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
      callerSalt: freshSalt(),
    };
  }

  /** A Numbering Authority allocates and ports only inside its numbering-plan scope (read from the chain). */
  async #requireInScope(c: CheckedItem) {
    if (await this.#o.ledger.inScope(c.issuer.org as Address, c.prefix)) return;
    throw new EidlError(
      "EIDL_OUTSIDE_NUMBERING_SCOPE",
      `${c.prefix} is outside the numbering-plan scope of ${c.issuer.did}`,
      { field: `${c.field}.tnId` },
    );
  }

  #parentFor(c: CheckedItem) {
    const { index } = this.#o;
    const at = Math.max(c.validFrom, nowSeconds());
    const parent = index
      .grantsCovering(c.prefix)
      .filter((g) => g.holder === c.issuer.org && index.isValid(g, at))
      .sort((a, b) => b.prefix.length - a.prefix.length || chainOrder(b, a))[0];
    if (!parent) {
      throw new EidlError("EIDL_TN_NOT_HELD", `${c.issuer.did} holds no valid grant covering ${c.prefix} to pass on`, {
        field: `${c.field}.tnId`,
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
    await this.#o.bookkeeping.remember(credential, "grant", grantId, c.issuer.did);
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
      callerHash: callerHashOf(c.callerSalt, c.item.callerName ?? "", c.item.purpose ?? ""),
      // A fresh salt per write (the API takes no idempotency key): the id is computed from it before sending.
      salt: freshSalt(),
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
      ...(c.item.callerName || c.item.purpose ? { callerSalt: c.callerSalt } : {}),
      ...(c.item.intendedUseOfAllocation ? { intendedUse: c.item.intendedUseOfAllocation } : {}),
      validStart: new Date((c.validFrom || nowSeconds()) * 1000).toISOString(),
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
  async #revoker(grant: GrantRow, field: FieldPath = "params.grantId"): Promise<HostedDid> {
    const { lookup } = this.#o;
    const grantor = await lookup.org(lookup.didOf(grant.issuer), field);
    try {
      return await lookup.hosted(grantor, field);
    } catch (error) {
      let root: GrantRow = grant;
      for (let i = 0; root.parent_id !== null && i < 64; i++) root = await lookup.grant(String(root.parent_id));
      if (root === grant) throw error;
      const authority = await lookup.org(lookup.didOf(root.issuer), field);
      return await lookup.hosted(authority, field).catch(() => {
        throw error;
      });
    }
  }
}
