// Reads of TN grants: one grant, an organisation's holdings, who may use a number at a time (from the in-memory index,
// or the contract's view for audits) and a number's chain of custody.
import type { Hex } from "viem";
import { notFound } from "../../core/errors/index.ts";
import { reasonNameOf } from "../../core/identity/credentialStatus.ts";
import { GRANT_KINDS } from "../enums.ts";
import { EidlError } from "../errors.ts";
import type { EidlLedger } from "../ledger.ts";
import { mapSlice, type PageAsk } from "../paging.ts";
import type { PrefixIndex } from "../prefixIndex.ts";
import type { CustodyRow, GrantRow, GrantWithCaller } from "../readModel.ts";
import { type EidlLookup, nowSeconds, seconds } from "./lookup.ts";

/**
 * The most grants one "who may use N" answer carries. The contract bounds neither the depth of a chain nor the
 * delegations beside each other, but a number's real chain is a handful (allocation, assignment, a few delegations);
 * more is refused with EIDL_TOO_MANY_HOLDERS (the custody list pages through everything) rather than cut silently.
 */
export const MAX_HOLDINGS = 64;

/**
 * The caller name and purpose of a grant, from the TN Authorization credential this agent issued: the chain keeps
 * only their salted hash (issue 11, item 17), so an agent that did not issue the credential answers "".
 */
function callerOf(document: string | null): { callerName: string; purpose: string } {
  if (document === null) return { callerName: "", purpose: "" };
  const subject = (JSON.parse(document) as { credentialSubject?: Record<string, unknown> }).credentialSubject;
  const tnAuthorization = (subject?.["TN Authorization"] ?? {}) as { CallerName?: unknown; Purpose?: unknown };
  return {
    callerName: typeof tnAuthorization.CallerName === "string" ? tnAuthorization.CallerName : "",
    purpose: typeof tnAuthorization.Purpose === "string" ? tnAuthorization.Purpose : "",
  };
}

export interface HoldingView {
  grantId: string;
  tnId: string;
  type: string;
  issuerId: string;
  subjectId: string;
}

export interface GrantReadsOptions {
  lookup: EidlLookup;
  ledger: EidlLedger;
  index: PrefixIndex;
}

export class GrantReads {
  readonly #o: GrantReadsOptions;

  constructor(options: GrantReadsOptions) {
    this.#o = options;
  }

  async grant(grantId: string) {
    return this.#grantOut(await this.#o.lookup.grant(grantId));
  }

  /** Grants held by an organisation (blocks and single numbers), newest first, a page at a time. */
  async holdings(holderDid: string, page: PageAsk) {
    const org = await this.#o.lookup.org(holderDid, "query.holder");
    return mapSlice(await this.#o.lookup.readModel.grantsHeldBy(org.org, page), (r) => this.#grantOut(r));
  }

  /** Who may use `tn` at `at`, from the in-memory index over the read model. */
  whoMayUse(tnInput: string, at?: string) {
    const { lookup } = this.#o;
    const tn = lookup.tn(tnInput, "params.tn");
    const when = at ? seconds(at) : nowSeconds();
    const chain = this.#o.index.holdingsOf(tn, when);
    this.#bounded(tn, chain.length);
    return {
      tn,
      at: new Date(when * 1000).toISOString(),
      holders: chain.map((h) => lookup.didOf(h.holder)),
      chain: chain.map(
        (h): HoldingView => ({
          grantId: h.grantId,
          tnId: h.prefix,
          type: GRANT_KINDS[h.kind] as string,
          issuerId: lookup.didOf(h.issuer),
          subjectId: lookup.didOf(h.holder),
        }),
      ),
      source: "read-model",
    };
  }

  /** The same question asked of the contract's whoMayUse view (for audits, and to check the read model). */
  async whoMayUseOnChain(tnInput: string, at?: string) {
    const { lookup } = this.#o;
    const tn = lookup.tn(tnInput, "params.tn");
    const when = at ? seconds(at) : nowSeconds();
    const { holders, grantIds } = await this.#o.ledger.whoMayUse(tn, when);
    this.#bounded(tn, grantIds.length);
    const chain: HoldingView[] = [];
    for (const id of grantIds) {
      const row = await lookup.readModel.grant(id);
      if (row) {
        chain.push({
          grantId: id,
          tnId: row.prefix,
          type: GRANT_KINDS[Number(row.kind)] as string,
          issuerId: lookup.didOf(row.issuer),
          subjectId: lookup.didOf(row.holder),
        });
      }
    }
    return {
      tn,
      at: new Date(when * 1000).toISOString(),
      holders: holders.map((a) => lookup.didOf(a)),
      chain,
      source: "chain",
    };
  }

  /** Every event of every grant that ever covered `tn` (its blocks and the number itself), oldest first, paged. */
  async custody(tnInput: string, page: PageAsk) {
    const { lookup } = this.#o;
    const tn = lookup.tn(tnInput, "params.tn");
    const prefixes = Array.from({ length: tn.length }, (_, i) => tn.slice(0, i + 1));
    const rows = await lookup.readModel.custody(prefixes, page);
    if (rows.items.length === 0 && page.after === undefined) throw notFound(`${tn} was never granted on this ledger`);
    const now = nowSeconds();
    return { tn, ...(await mapSlice(rows, (row) => this.#custodyEntry(row, now))) };
  }

  #custodyEntry(row: CustodyRow, now: number) {
    const { lookup } = this.#o;
    const detail = JSON.parse(row.detail) as { at: string; reason?: string | null };
    return {
      grantId: String(row.id),
      tnId: row.prefix,
      event: row.event,
      type: GRANT_KINDS[Number(row.kind)] as string,
      from: lookup.didOf(row.issuer),
      to: lookup.didOf(row.holder),
      at: detail.at,
      credentialHash: row.credential_hash as Hex,
      reason: detail.reason ?? null,
      currentStatus: this.#statusAt(row, now),
      blockNumber: Number(row.block_number),
      txHash: row.event_tx_hash as Hex,
    };
  }

  /** A grant's status now, for the chain of custody. */
  #statusAt(g: Pick<GrantRow, "id" | "revoked_at" | "valid_from" | "valid_until">, at: number): string {
    if (Number(g.revoked_at) !== 0 && Number(g.revoked_at) <= at) return "revoked";
    if (at < Number(g.valid_from)) return "not-yet-valid";
    if (Number(g.valid_until) !== 0 && at >= Number(g.valid_until)) return "expired";
    const indexed = this.#o.index.grant(String(g.id));
    return indexed && this.#o.index.isValid(indexed, at) ? "valid" : "invalid";
  }

  #bounded(tn: string, count: number): void {
    if (count > MAX_HOLDINGS) {
      throw new EidlError(
        "EIDL_TOO_MANY_HOLDERS",
        `${count} grants let someone use ${tn}, more than the ${MAX_HOLDINGS} one answer carries: page through its custody`,
        { field: "params.tn", details: { grants: count, max: MAX_HOLDINGS } },
      );
    }
  }

  #grantOut(row: GrantWithCaller) {
    const { lookup } = this.#o;
    const caller = callerOf(row.credential_document);
    return {
      grantId: String(row.id),
      parentGrantId: row.parent_id === null ? null : String(row.parent_id),
      tnId: row.prefix,
      type: GRANT_KINDS[Number(row.kind)] as string,
      issuerId: lookup.didOf(row.issuer),
      subjectId: lookup.didOf(row.holder),
      allocationStartDate: new Date(Number(row.valid_from) * 1000).toISOString(),
      allocationEndDate: Number(row.valid_until) === 0 ? null : new Date(Number(row.valid_until) * 1000).toISOString(),
      credentialHash: row.credential_hash as Hex,
      status: Number(row.revoked_at) === 0 ? "active" : "revoked",
      revokeReason: row.revoke_reason === null ? null : reasonNameOf(Number(row.revoke_reason)),
      callerName: caller.callerName,
      purpose: caller.purpose,
      intendedUseOfAllocation: row.intended_use,
      txHash: row.tx_hash as Hex,
    };
  }
}
