// The identity hub of a person (the seed's "DID Service"): a member's agent keeps, for each person it hosts a hub for,
// their items sealed by their own user agent (the hub stores and syncs ciphertext: a compact JWE to the owner's
// key-agreement key, which the person's devices share; it never holds a key that opens them), relays messages other
// agents send the person until a device collects them, and lets each of the person's devices catch up from the
// change feed. The owner DID (a P-256 did:key the person's first device made) adds and removes devices; a device signs
// its own requests with its own did:key, so a lost phone is removed without touching the others.
import { EventEmitter } from "node:events";
import type { Resolvable } from "did-resolver";
import { jweKid } from "../../core/identity/ecdhJwe.ts";
import { IdentityError, invalidInput } from "../../core/identity/errors.ts";
import type { ReplayGuard } from "../../core/identity/messages/index.ts";
import { HubError } from "./errors.ts";
import type { HubAlias, HubDevice, HubItem, HubMessage, HubRecord, HubStore } from "./repository.ts";
import { type RequestToVerify, verifyHubRequest } from "./requestAuth.ts";

/** Bounds that keep one person's hub from exhausting the member's database (the inbox is open to any sender). */
export const HUB_LIMITS = { devices: 16, aliases: 256, items: 10_000, inbox: 1_000, waitSeconds: 25 } as const;

export interface SignedRequest extends Omit<RequestToVerify, "owner"> {}

export class HubService {
  readonly #store: HubStore;
  readonly #resolver: Resolvable;
  readonly #replay: ReplayGuard;
  /** Wakes the devices waiting on an owner's inbox (in this process; another replica's wait ends by its timeout). */
  readonly #arrivals = new EventEmitter().setMaxListeners(0);

  constructor(store: HubStore, resolver: Resolvable, replay: ReplayGuard) {
    this.#store = store;
    this.#resolver = resolver;
    this.#replay = replay;
  }

  /** Hosts a hub for `owner` (the member decides whom it serves: an operator API key calls this). */
  async create(owner: string, createdBy: string): Promise<HubRecord> {
    await this.#resolvable(owner);
    const hub = { owner, createdAt: new Date().toISOString(), createdBy };
    if (!(await this.#store.create(hub)))
      throw new HubError("HUB_EXISTS", `this agent already hosts a hub for ${owner}`);
    return hub;
  }

  /** The hub and its devices, for its owner or a device. */
  async describe(owner: string, request: SignedRequest): Promise<HubRecord & { devices: HubDevice[] }> {
    const { hub } = await this.#authorise(owner, request, "any");
    return { ...hub, devices: await this.#store.devices(owner) };
  }

  async addDevice(owner: string, request: SignedRequest, device: string, label: string): Promise<HubDevice> {
    await this.#authorise(owner, request, "owner");
    if (device === owner) throw invalidDevice("the owner DID signs for itself; it is not added as a device");
    await this.#resolvable(device);
    if ((await this.#store.deviceCount(owner)) >= HUB_LIMITS.devices) {
      throw quota("devices", HUB_LIMITS.devices);
    }
    const added = { device, label, addedAt: new Date().toISOString() };
    await this.#store.addDevice(owner, added);
    return (await this.#store.devices(owner)).find((d) => d.device === device) ?? added;
  }

  async removeDevice(owner: string, request: SignedRequest, device: string): Promise<void> {
    await this.#authorise(owner, request, "owner");
    if (!(await this.#store.removeDevice(owner, device))) {
      throw new HubError("HUB_DEVICE_NOT_FOUND", `the hub of ${owner} lists no device ${device}`, {
        field: "params.device",
      });
    }
  }

  /**
   * Registers one of the person's pairwise DIDs as an alias of the hub (signed by the owner, like a device), so the
   * inbox also takes messages sealed or addressed to it. Idempotent: `added` is false when it was listed already.
   */
  async addAlias(owner: string, request: SignedRequest, alias: string): Promise<HubAlias & { added: boolean }> {
    await this.#authorise(owner, request, "owner");
    if (alias === owner) throw invalidInput("body.alias", "the owner DID is the hub itself; it is not an alias");
    await this.#resolvable(alias);
    const listed = (await this.#store.aliases(owner)).find((a) => a.alias === alias);
    if (listed) return { ...listed, added: false };
    if ((await this.#store.aliasCount(owner)) >= HUB_LIMITS.aliases) throw quota("aliases", HUB_LIMITS.aliases);
    const entry = { alias, addedAt: new Date().toISOString() };
    const added = await this.#store.addAlias(owner, entry);
    return { ...entry, added };
  }

  async removeAlias(owner: string, request: SignedRequest, alias: string): Promise<void> {
    await this.#authorise(owner, request, "owner");
    if (!(await this.#store.removeAlias(owner, alias))) {
      throw new HubError("HUB_ALIAS_NOT_FOUND", `the hub of ${owner} lists no alias ${alias}`, {
        field: "params.alias",
      });
    }
  }

  /** The hub's aliases (owner or device), oldest first. */
  async aliases(owner: string, request: SignedRequest): Promise<HubAlias[]> {
    await this.#authorise(owner, request, "any");
    return this.#store.aliases(owner);
  }

  /** Writes an item sealed to the owner; `baseSeq` (0: a new item) makes a concurrent change a conflict. */
  async putItem(
    owner: string,
    request: SignedRequest,
    item: { itemId: string; kind: string; jwe: string; baseSeq?: number },
  ): Promise<HubItem> {
    const { signer } = await this.#authorise(owner, request, "any");
    const kid = jweKid(item.jwe);
    if (item.jwe.split(".").length !== 5 || !kid?.startsWith(`${owner}#`)) {
      throw new HubError("HUB_ITEM_NOT_SEALED", `the item must be a compact JWE whose kid is a key of ${owner}`, {
        field: "body.jwe",
      });
    }
    const existing = await this.#store.item(owner, item.itemId);
    if (
      (existing === undefined || existing.jwe === null) &&
      (await this.#store.liveItemCount(owner)) >= HUB_LIMITS.items
    ) {
      throw quota("items", HUB_LIMITS.items);
    }
    return this.#write(owner, { itemId: item.itemId, kind: item.kind, jwe: item.jwe, by: signer }, item.baseSeq);
  }

  async deleteItem(owner: string, request: SignedRequest, itemId: string, baseSeq?: number): Promise<HubItem> {
    const { signer } = await this.#authorise(owner, request, "any");
    const existing = await this.#store.item(owner, itemId);
    if (!existing || existing.jwe === null) {
      throw new HubError("HUB_ITEM_NOT_FOUND", `the hub of ${owner} holds no item ${itemId}`, {
        field: "params.itemId",
      });
    }
    return this.#write(owner, { itemId, kind: existing.kind, jwe: null, by: signer }, baseSeq);
  }

  /** Changes after `afterSeq` (a device's sync point), oldest first; deletions are tombstones (jwe null). */
  async changes(owner: string, request: SignedRequest, afterSeq: number, limit: number): Promise<HubItem[]> {
    await this.#authorise(owner, request, "any");
    return this.#store.changes(owner, afterSeq, limit);
  }

  /**
   * Relays a message to the owner (any sender; no API key): a compact JWE to one of the owner's or an alias's keys,
   * or a JWS whose audience is the owner or an alias. The user agent opens and checks it fully (signature, expiry,
   * replay, schema); the hub checks only that it is addressed here, records for which DID, and bounds how many wait.
   */
  async relay(owner: string, message: string): Promise<{ seq: number; receivedAt: string; for: string }> {
    if (!(await this.#store.hub(owner))) throw notFound(owner);
    const candidates = addresseesOf(message);
    const recipient = candidates.includes(owner)
      ? owner
      : (
          await this.#store.aliasesAmong(
            owner,
            candidates.filter((did) => did.startsWith("did:key:")),
          )
        )[0];
    if (recipient === undefined) {
      throw new HubError("HUB_MESSAGE_NOT_FOR_OWNER", `the message is not addressed to ${owner} nor to its aliases`, {
        field: "body.message",
      });
    }
    if ((await this.#store.inboxCount(owner)) >= HUB_LIMITS.inbox) throw quota("inbox", HUB_LIMITS.inbox);
    const receivedAt = new Date().toISOString();
    const seq = await this.#store.enqueue(owner, message, receivedAt, recipient);
    this.#arrivals.emit(owner);
    return { seq, receivedAt, for: recipient };
  }

  /** Messages waiting after `afterSeq`; with `waitSeconds`, an empty inbox is held open until one arrives. */
  async inbox(
    owner: string,
    request: SignedRequest,
    afterSeq: number,
    limit: number,
    waitSeconds = 0,
  ): Promise<HubMessage[]> {
    await this.#authorise(owner, request, "any");
    const first = await this.#store.inbox(owner, afterSeq, limit);
    if (first.length > 0 || waitSeconds <= 0) return first;
    await new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.#arrivals.off(owner, done);
        resolve();
      };
      const timer = setTimeout(done, Math.min(waitSeconds, HUB_LIMITS.waitSeconds) * 1000);
      this.#arrivals.on(owner, done);
    });
    return this.#store.inbox(owner, afterSeq, limit);
  }

  /** A device took the message: it leaves the inbox for every device. */
  async acknowledge(owner: string, request: SignedRequest, seq: number): Promise<void> {
    await this.#authorise(owner, request, "any");
    if (!(await this.#store.acknowledge(owner, seq))) {
      throw new HubError("HUB_ITEM_NOT_FOUND", `no message ${seq} waits in the hub of ${owner}`, {
        field: "params.seq",
      });
    }
  }

  async #write(
    owner: string,
    change: { itemId: string; kind: string; jwe: string | null; by: string },
    baseSeq: number | undefined,
  ): Promise<HubItem> {
    const written = await this.#store.writeItem(owner, { ...change, at: new Date().toISOString() }, baseSeq);
    if (written.ok) return written.item;
    const current = written.current?.jwe === null ? 0 : (written.current?.seq ?? 0);
    throw new HubError(
      "HUB_ITEM_CONFLICT",
      `item ${change.itemId} is at revision ${current}, not ${baseSeq}: fetch the changes and merge`,
      { field: "body.baseSeq", details: { currentSeq: current } },
    );
  }

  /** For the hub's other parts (permissions.ts): a request signed by the owner or one of its devices. */
  async authorise(owner: string, request: SignedRequest): Promise<{ hub: HubRecord; signer: string }> {
    return this.#authorise(owner, request, "any");
  }

  /** The hub of `owner`, or HUB_NOT_FOUND. */
  async hubOf(owner: string): Promise<HubRecord> {
    const hub = await this.#store.hub(owner);
    if (!hub) throw notFound(owner);
    return hub;
  }

  /** Verifies the signed request and that its signer may act: the owner, or (for "any") one of its devices. */
  async #authorise(
    owner: string,
    request: SignedRequest,
    who: "owner" | "any",
  ): Promise<{ hub: HubRecord; signer: string }> {
    const hub = await this.#store.hub(owner);
    if (!hub) throw notFound(owner);
    const signer = await verifyHubRequest({ ...request, owner }, this.#resolver, this.#replay);
    if (signer === owner) return { hub, signer };
    if (who === "owner") throw new HubError("HUB_OWNER_ONLY", `only ${owner} itself may change the hub's devices`);
    if (!(await this.#store.hasDevice(owner, signer))) {
      throw new HubError("HUB_NOT_A_DEVICE", `${signer} is not a device of the hub of ${owner}`);
    }
    return { hub, signer };
  }

  async #resolvable(did: string): Promise<void> {
    const resolved = await this.#resolver.resolve(did);
    if (!resolved.didDocument) {
      throw new IdentityError(
        "DID_RESOLUTION_FAILED",
        `${did} does not resolve: ${resolved.didResolutionMetadata.error}`,
      );
    }
  }
}

/** The DIDs a message names as its recipient: the DID of a JWE's key id, or a JWS's audiences (at most 8). */
function addresseesOf(message: string): string[] {
  const parts = message.split(".");
  if (parts.length === 5) {
    const kid = jweKid(message);
    const hash = kid?.indexOf("#") ?? -1;
    return kid !== undefined && hash > 0 ? [kid.slice(0, hash)] : [];
  }
  if (parts.length !== 3) return [];
  try {
    const payload = JSON.parse(Buffer.from(parts[1] ?? "", "base64url").toString("utf8")) as { aud?: unknown };
    const auds = Array.isArray(payload.aud) ? payload.aud : [payload.aud];
    return auds.filter((a): a is string => typeof a === "string").slice(0, 8);
  } catch {
    return [];
  }
}

const notFound = (owner: string) =>
  new HubError("HUB_NOT_FOUND", `this agent hosts no identity hub for ${owner}`, { field: "params.did" });
const quota = (what: string, limit: number) =>
  new HubError("HUB_QUOTA_EXCEEDED", `the hub holds its limit of ${limit} ${what}`, { details: { what, limit } });
const invalidDevice = (problem: string) => invalidInput("body.device", problem);
