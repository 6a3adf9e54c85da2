// Bulk numbering (issue 12): one request passes on thousands of numbers (a list, or a range with a step) from one
// issuer to one subject. Every item gets its own TN Authorization credential, signed here off chain; the grants go in
// batched transactions (ITnAuthority.allocateBatch / assignBatch / delegateBatch) through the outbox, each batch as
// large as half the node's block gas limit allows. Each batch is all or nothing on chain; the items are checked here
// first so that a mistake names its field (body.numbers[i]) before anything is sent.
import type { Address, Hex } from "viem";
import { type FieldPath, invalidField } from "../../core/errors/index.ts";
import type { CredentialService } from "../../core/identity/credentials.ts";
import { type IssuedEidlCredential, issueTnAuthorizationCredentials } from "../credentials.ts";
import { GRANT_KINDS, OrgType } from "../enums.ts";
import { EidlError } from "../errors.ts";
import { callerHashOf, freshSalt } from "../grantIds.ts";
import { BatchItemRefusedError, type EidlLedger, type GrantReason, type GrantTermsInput } from "../ledger.ts";
import { chainOrder, type PrefixIndex } from "../prefixIndex.ts";
import type { CredentialBookkeeping } from "./issuedCredentials.ts";
import { type EidlLookup, nowSeconds, type OrgView, seconds } from "./lookup.ts";

/** Most numbers one request may carry. */
export const MAX_BULK_NUMBERS = 10_000;
/**
 * Gas bound of one item inside a batch (the gas snapshot measures a delegation at about 90k, whole transaction) with
 * headroom for longer prefixes, allocations' walk up the path and an intended use; and of the batch itself.
 */
export const BULK_ITEM_GAS = 130_000n;
export const BULK_BASE_GAS = 100_000n;
/** Most items per batch transaction whatever the block allows (ITnAuthority.MAX_BATCH_ITEMS). */
export const MAX_BATCH_ITEMS = 1000;

export interface BulkInput {
  issuerId: string;
  subjectId: string;
  numbers?: string[];
  range?: { start: string; count: number; step?: number };
  intendedUseOfAllocation?: string;
  allocationStartDate?: string;
  allocationEndDate?: string;
  allowRedelegation?: boolean;
}

export interface BulkItemResult {
  index: number;
  tnId: string;
  grantId: string;
  parentGrantId: string | null;
  type: string;
  credentialId: string;
  credentialHash: Hex;
  txHash: Hex;
}

export interface BulkGrantsOptions {
  lookup: EidlLookup;
  ledger: EidlLedger;
  credentials: CredentialService;
  bookkeeping: CredentialBookkeeping;
  index: PrefixIndex;
  /** The node's block gas limit, read from the chain (undefined when the node does not say: MAX_BATCH_ITEMS). */
  blockGasLimit(): Promise<bigint | undefined>;
  /** Grants.revokeMany: bulk revocation, in batches of `batchSize`. */
  revokeMany(
    grantIds: readonly string[],
    reason: GrantReason,
    batchSize: number,
  ): Promise<{ results: { index: number; grantId: string; txHash: Hex }[]; transactions: Hex[] }>;
  sync(): Promise<unknown>;
}

/** Where the items came from: a range (named as a whole) or a list (each item named by its index). */
type ItemsField = "body.range" | "body.numbers";
const itemField = (field: ItemsField, index: number): FieldPath =>
  field === "body.range" ? field : `body.numbers[${index}]`;

/** Items of one batch: the same kind under the same parent. */
interface Group {
  kind: number;
  parentId: string | null;
  items: { index: number; prefix: string }[];
}

/**
 * Batches of one request in flight at once: while one waits to be mined, the next one's credentials are signed and its
 * transaction journalled (the outbox takes the sender's nonces in order).
 */
export const BATCHES_IN_FLIGHT = 3;

/**
 * Runs `work` over `items`, at most `limit` at once, results in the items' order. After a failure no more start; the
 * running ones finish, and the failure of the earliest item is thrown.
 */
export async function inFlight<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  const failures = new Map<number, unknown>();
  let next = 0;
  const lane = async () => {
    while (next < items.length && failures.size === 0) {
      const i = next++;
      try {
        results[i] = await work(items[i] as T);
      } catch (error) {
        failures.set(i, error);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
  if (failures.size > 0) throw failures.get(Math.min(...failures.keys()));
  return results;
}

/** The batch size a block of `blockGasLimit` takes, at half the block (other writers keep the rest). */
export function bulkBatchSize(blockGasLimit: bigint | undefined): number {
  if (blockGasLimit === undefined) return MAX_BATCH_ITEMS;
  const fits = (blockGasLimit / 2n - BULK_BASE_GAS) / BULK_ITEM_GAS;
  return Math.max(1, Math.min(MAX_BATCH_ITEMS, Number(fits)));
}

/** The numbers of a range: `count` numbers from `start`, `step` apart, all of `start`'s length. */
export function expandRange(range: { start: string; count: number; step?: number }, field: FieldPath): string[] {
  const start = range.start.replace(/^\+/, "");
  const step = BigInt(range.step ?? 1);
  const first = BigInt(start);
  const out: string[] = [];
  for (let i = 0n; i < BigInt(range.count); i++) {
    const tn = (first + i * step).toString();
    if (tn.length !== start.length) {
      throw invalidField(`${field}.count`, `the range leaves the ${start.length}-digit numbers at item ${i}`);
    }
    out.push(tn);
  }
  return out;
}

export class BulkGrants {
  readonly #o: BulkGrantsOptions;
  #batchSize: Promise<number> | undefined;

  constructor(options: BulkGrantsOptions) {
    this.#o = options;
  }

  /** Bulk revocation (Grants.revokeMany), in batches sized as bulk grants are. */
  async revoke(input: { grantIds: readonly string[]; reason: GrantReason }) {
    return this.#o.revokeMany(input.grantIds, input.reason, await this.#size());
  }

  #size(): Promise<number> {
    this.#batchSize ??= this.#o.blockGasLimit().then(bulkBatchSize);
    return this.#batchSize;
  }

  async grant(input: BulkInput): Promise<{ results: BulkItemResult[]; transactions: Hex[] }> {
    const { lookup } = this.#o;
    const numbers = this.#numbers(input);
    const issuer = await lookup.org(input.issuerId, "body.issuerId");
    const holder = await lookup.org(input.subjectId, "body.subjectId");
    const hosted = await lookup.hosted(issuer, "body.issuerId");
    const window = this.#window(input);
    const field: ItemsField = input.range ? "body.range" : "body.numbers";
    const prefixes = numbers.map((tn, i) => lookup.prefix(tn, itemField(field, i)));
    const seen = new Set<string>();
    const duplicate = prefixes.findIndex((p) => seen.size === seen.add(p).size);
    if (duplicate >= 0) throw invalidField(itemField(field, duplicate), `repeats ${prefixes[duplicate]}`);
    await this.#o.sync();
    const groups = this.#group(issuer, prefixes, window.validFrom, field);

    const size = await this.#size();
    const batches = groups.flatMap((group) =>
      Array.from({ length: Math.ceil(group.items.length / size) }, (_, b) => ({
        group,
        chunk: group.items.slice(b * size, (b + 1) * size),
      })),
    );
    const made = await inFlight(batches, BATCHES_IN_FLIGHT, ({ group, chunk }) =>
      this.#batch(input, issuer, holder, hosted.controller, group, chunk, window, field),
    );
    await this.#o.sync();
    return {
      results: made.flat().sort((a, b) => a.index - b.index),
      transactions: made.flatMap((m) => (m[0] ? [m[0].txHash] : [])),
    };
  }

  #numbers(input: BulkInput): string[] {
    if ((input.numbers === undefined) === (input.range === undefined)) {
      throw invalidField("body", "give either numbers or range, not both and not neither");
    }
    const numbers = input.numbers ?? expandRange(input.range as NonNullable<BulkInput["range"]>, "body.range");
    if (numbers.length > MAX_BULK_NUMBERS) {
      throw invalidField(input.range ? "body.range.count" : "body.numbers", `at most ${MAX_BULK_NUMBERS} numbers`);
    }
    return numbers;
  }

  #window(input: BulkInput) {
    const now = nowSeconds();
    const start = input.allocationStartDate ? seconds(input.allocationStartDate) : 0;
    const validUntil = input.allocationEndDate ? seconds(input.allocationEndDate) : 0;
    if (validUntil !== 0 && validUntil <= Math.max(start, now)) {
      throw invalidField("body.allocationEndDate", "must be in the future and after allocationStartDate");
    }
    return { validFrom: start > now ? start : 0, validUntil };
  }

  /** Each item's step and parent, as a single allocation request picks them; grouped by parent, in order. */
  #group(issuer: OrgView, prefixes: string[], validFrom: number, field: ItemsField): Group[] {
    const { index } = this.#o;
    if (Number(issuer.org_type) === OrgType.NumberingAuthority) {
      return [{ kind: 0, parentId: null, items: prefixes.map((prefix, i) => ({ index: i, prefix })) }];
    }
    const at = Math.max(validFrom, nowSeconds());
    const groups = new Map<string, Group>();
    for (const [i, prefix] of prefixes.entries()) {
      const parent = index
        .grantsCovering(prefix)
        .filter((g) => g.holder === issuer.org && index.isValid(g, at))
        .sort((a, b) => b.prefix.length - a.prefix.length || chainOrder(b, a))[0];
      if (!parent) {
        throw new EidlError("EIDL_TN_NOT_HELD", `${issuer.did} holds no valid grant covering ${prefix} to pass on`, {
          field: itemField(field, i),
        });
      }
      const group = groups.get(parent.id) ?? { kind: parent.kind === 0 ? 1 : 2, parentId: parent.id, items: [] };
      group.items.push({ index: i, prefix });
      groups.set(parent.id, group);
    }
    return [...groups.values()];
  }

  async #batch(
    input: BulkInput,
    issuer: OrgView,
    holder: OrgView,
    controller: Address,
    group: Group,
    chunk: Group["items"],
    window: { validFrom: number; validUntil: number },
    field: ItemsField,
  ): Promise<BulkItemResult[]> {
    const validStart = new Date((window.validFrom || nowSeconds()) * 1000).toISOString();
    const credentials = await issueTnAuthorizationCredentials(
      this.#o.credentials,
      chunk.map((item) => ({
        holderDid: holder.did,
        issuerDid: issuer.did,
        tn: item.prefix,
        kind: group.kind,
        ...(input.intendedUseOfAllocation ? { intendedUse: input.intendedUseOfAllocation } : {}),
        validStart,
        ...(window.validUntil ? { validEnd: new Date(window.validUntil * 1000).toISOString() } : {}),
        ...(group.parentId ? { parentGrantId: group.parentId } : {}),
      })),
    );
    const terms: GrantTermsInput[] = chunk.map((item, i) => ({
      holder: holder.org as Address,
      prefix: item.prefix,
      validFrom: window.validFrom,
      validUntil: window.validUntil,
      allowRedelegation: input.allowRedelegation ?? false,
      credentialHash: (credentials[i] as IssuedEidlCredential).credentialHash,
      intendedUse: input.intendedUseOfAllocation ?? "",
      callerHash: callerHashOf(freshSalt(), "", ""),
      salt: freshSalt(),
    }));
    let made: { grantIds: string[]; txHash: Hex };
    try {
      made = await this.#o.ledger.grantBatch(controller, {
        kind: group.kind,
        parentId: group.parentId,
        grantor: issuer.org as Address,
        terms,
        // Passing a number on costs a bounded amount (BULK_ITEM_GAS covers the walk up a 15-digit path), so the batch
        // gets its bound without the node's estimate; an allocation's cost depends on how many blocks above it are
        // fresh, so the node estimates it.
        ...(group.kind === 0 ? {} : { gas: BULK_BASE_GAS + BigInt(chunk.length) * BULK_ITEM_GAS }),
      });
    } catch (error) {
      if (!(error instanceof BatchItemRefusedError)) throw error;
      const item = chunk[error.index];
      const at = itemField(field, item?.index ?? error.index);
      throw new EidlError(
        "EIDL_BULK_ITEM_REFUSED",
        `the ledger refused ${item?.prefix ?? "an item"}: ${error.errorName ?? "out of gas"}; nothing of its batch is recorded, other batches of the request may be`,
        { field: at },
      );
    }
    await this.#o.bookkeeping.rememberMany(
      chunk.map((_, i) => ({ credential: credentials[i] as IssuedEidlCredential, ref: made.grantIds[i] as string })),
      "grant",
      issuer.did,
    );
    const results: BulkItemResult[] = [];
    for (const [i, item] of chunk.entries()) {
      const credential = credentials[i] as IssuedEidlCredential;
      const grantId = made.grantIds[i] as string;
      results.push({
        index: item.index,
        tnId: item.prefix,
        grantId,
        parentGrantId: group.parentId,
        type: GRANT_KINDS[group.kind] as string,
        credentialId: credential.credentialId,
        credentialHash: credential.credentialHash,
        txHash: made.txHash,
      });
    }
    return results;
  }
}
