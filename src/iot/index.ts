// The in-memory index relying-party decisions are evaluated from: every attestation this agent can judge (on-chain
// ones from the read model, off-chain ones it holds with a proof under an anchored root) by subject, with what the
// ledger says of their attesters (vetted kind, registered devices as peers) and schemas (revocable or not). It is
// loaded from the read model and kept current from the indexer's committed events and the tokens the agent stores,
// so a decision reads no database: one map lookup and a scan of the subject's attestations.
import type { Address, Hex } from "viem";
import type { ChainEvent } from "../core/chain/indexer/indexer.ts";
import { ATTESTER_KINDS, kindBits } from "./kinds.ts";
import type { Criterion, CriterionResult, Decision, NotCountedReason, Policy } from "./policy.ts";

export interface IndexedAttestation {
  id: Hex;
  form: "onchain" | "offchain";
  schemaId: Hex;
  subject: Hex;
  attester: Address;
  expiresAt: number;
  /** Unix seconds; 0 while valid. */
  revokedAt: number;
  /** Unix seconds: the token's iat, or the block time of an on-chain attestation whose token this agent lacks. */
  issuedAt: number;
  /** The attested claims, when this agent holds the token; undefined for an on-chain attestation seen only on chain. */
  data?: Record<string, unknown>;
  leaf: Hex;
  batchId?: Hex;
}

/** A token this agent holds, as the index needs it. */
export interface HeldToken {
  id: Hex;
  form: "onchain" | "offchain";
  schemaId: Hex;
  subject: Hex;
  attester: Address;
  expiresAt: number;
  issuedAt: number;
  data: Record<string, unknown>;
  leaf: Hex;
  batchId: Hex | null;
  /** For a device's peer attestation: the gateway operator whose peer batch carries it (null otherwise). */
  relayer: Address | null;
}

export interface IndexSource {
  schemas: { schemaId: Hex; revocable: boolean; attesterKinds: number }[];
  attesters: { attester: Address; kind: number }[];
  devices: Address[];
  onchain: {
    id: Hex;
    schemaId: Hex;
    subject: Hex;
    attester: Address;
    expiresAt: number;
    revokedAt: number;
    blockTime: number;
  }[];
  batches: { batchId: Hex; attester: Address }[];
  peerBatches: { batchId: Hex; relayer: Address }[];
  offchainRevocations: { attester: Address; leaf: Hex; revokedAt: number }[];
  tokens: HeldToken[];
}

const lower = <T extends string>(value: unknown) => String(value).toLowerCase() as T;
const DAY = 86_400;

export class AttestationIndex {
  readonly #schemas = new Map<Hex, { revocable: boolean; attesterKinds: number }>();
  readonly #attesterKinds = new Map<Address, number>();
  readonly #devices = new Set<Address>();
  readonly #bySubject = new Map<Hex, IndexedAttestation[]>();
  readonly #byId = new Map<Hex, IndexedAttestation>();
  /** Anchored batches by id (their attester). */
  readonly #batches = new Map<Hex, Address>();
  /** Anchored peer batches by id (their relayer). */
  readonly #peerBatches = new Map<Hex, Address>();
  /** Off-chain tokens whose batch is not anchored (indexed) yet, by batch id. */
  readonly #awaitingBatch = new Map<Hex, HeldToken[]>();
  /** Tokens of on-chain attestations whose Attested event is not indexed yet, by id. */
  readonly #awaitingChain = new Map<Hex, HeldToken>();
  /** Indexed off-chain attestations by `${attester}:${leaf}`. */
  readonly #offchainByLeaf = new Map<string, IndexedAttestation>();
  /** Off-chain revocations by `${attester}:${leaf}`, kept even before the token arrives. */
  readonly #offchainRevocations = new Map<string, number>();

  load(source: IndexSource): void {
    this.#clear();
    for (const s of source.schemas) this.#schemas.set(lower(s.schemaId), s);
    for (const a of source.attesters) this.#attesterKinds.set(lower(a.attester), a.kind);
    for (const d of source.devices) this.#devices.add(lower(d));
    for (const b of source.batches) this.#batches.set(lower(b.batchId), lower(b.attester));
    for (const b of source.peerBatches) this.#peerBatches.set(lower(b.batchId), lower(b.relayer));
    for (const r of source.offchainRevocations) {
      this.#offchainRevocations.set(`${lower(r.attester)}:${lower(r.leaf)}`, r.revokedAt);
    }
    const tokens = new Map(source.tokens.map((t) => [lower<Hex>(t.id), t]));
    for (const o of source.onchain) {
      const token = tokens.get(lower(o.id));
      this.#add({
        id: lower(o.id),
        form: "onchain",
        schemaId: lower(o.schemaId),
        subject: lower(o.subject),
        attester: lower(o.attester),
        expiresAt: o.expiresAt,
        revokedAt: o.revokedAt,
        issuedAt: token?.issuedAt ?? o.blockTime,
        ...(token ? { data: token.data } : {}),
        leaf: token?.leaf ?? ("0x" as Hex),
      });
    }
    for (const token of source.tokens) this.addToken(token);
  }

  /** A token this agent stored (issued or imported): indexed once the ledger has its attestation or its batch. */
  addToken(token: HeldToken): void {
    const id = lower<Hex>(token.id);
    const existing = this.#byId.get(id);
    if (existing) {
      // An on-chain attestation seen on chain first: its data arrives with the token.
      existing.data ??= token.data;
      existing.issuedAt = token.issuedAt;
      if (existing.leaf === "0x") existing.leaf = lower(token.leaf);
      return;
    }
    if (token.form === "onchain") {
      this.#awaitingChain.set(id, token);
      return;
    }
    if (!token.batchId) return;
    const batchId = lower<Hex>(token.batchId);
    // An attester's own token counts under its own batch; a device's peer token under its relayer's peer batch
    // (the device's signature was checked when the token was accepted or imported).
    const anchoredBy = token.relayer ? this.#peerBatches.get(batchId) : this.#batches.get(batchId);
    if (anchoredBy === undefined) {
      const waiting = this.#awaitingBatch.get(batchId) ?? [];
      waiting.push(token);
      this.#awaitingBatch.set(batchId, waiting);
      return;
    }
    if (anchoredBy !== lower(token.relayer ?? token.attester)) return;
    const leaf = lower<Hex>(token.leaf);
    this.#add({
      id,
      form: "offchain",
      schemaId: lower(token.schemaId),
      subject: lower(token.subject),
      attester: lower(token.attester),
      expiresAt: token.expiresAt,
      revokedAt: this.#offchainRevocations.get(`${lower(token.attester)}:${leaf}`) ?? 0,
      issuedAt: token.issuedAt,
      data: token.data,
      leaf,
      batchId,
    });
  }

  /** Applies a committed chain event of the IoT contracts. */
  apply(event: ChainEvent): void {
    const a = event.args;
    switch (event.eventName) {
      case "SchemaRegistered":
        this.#schemas.set(lower(a.schemaId), {
          revocable: Boolean(a.revocable),
          attesterKinds: Number(a.attesterKinds),
        });
        return;
      case "AttesterVetted":
        this.#attesterKinds.set(lower(a.attester), Number(a.kind));
        return;
      case "AttesterUnvetted":
        this.#attesterKinds.delete(lower(a.attester));
        return;
      case "DeviceRegistered":
        this.#devices.add(lower(a.device));
        return;
      case "Attested": {
        const id = lower<Hex>(a.id);
        if (this.#byId.has(id)) return;
        const token = this.#awaitingChain.get(id);
        this.#awaitingChain.delete(id);
        this.#add({
          id,
          form: "onchain",
          schemaId: lower(a.schemaId),
          subject: lower(a.subject),
          attester: lower(a.attester),
          expiresAt: Number(a.expiresAt),
          revokedAt: 0,
          issuedAt: token?.issuedAt ?? event.blockTimestamp,
          ...(token ? { data: token.data } : {}),
          leaf: token ? lower(token.leaf) : "0x",
        });
        return;
      }
      case "Revoked": {
        const entry = this.#byId.get(lower(a.id));
        if (entry && entry.form === "onchain") entry.revokedAt = Number(a.at);
        return;
      }
      case "BatchAnchored":
      case "PeerBatchAnchored": {
        const batchId = lower<Hex>(a.batchId);
        if (event.eventName === "BatchAnchored") this.#batches.set(batchId, lower(a.attester));
        else this.#peerBatches.set(batchId, lower(a.relayer));
        const waiting = this.#awaitingBatch.get(batchId) ?? [];
        this.#awaitingBatch.delete(batchId);
        for (const token of waiting) this.addToken(token);
        return;
      }
      case "OffchainRevoked": {
        const key = `${lower(a.attester)}:${lower(a.leaf)}`;
        this.#offchainRevocations.set(key, Number(a.at));
        const entry = this.#offchainByLeaf.get(key);
        if (entry) entry.revokedAt = Number(a.at);
        return;
      }
    }
  }

  get(id: Hex): IndexedAttestation | undefined {
    return this.#byId.get(lower(id));
  }

  /** The subject's attestations, in id order. */
  ofSubject(subject: Hex): readonly IndexedAttestation[] {
    return this.#bySubject.get(lower(subject)) ?? [];
  }

  get size(): number {
    return this.#byId.size;
  }

  /** The attester's kind bit now: its vetted kind, peer for a registered device, 0 for neither. */
  attesterKind(attester: Address): number {
    const address = lower<Address>(attester);
    return this.#attesterKinds.get(address) ?? (this.#devices.has(address) ? ATTESTER_KINDS.peer : 0);
  }

  schema(schemaId: Hex): { revocable: boolean; attesterKinds: number } | undefined {
    return this.#schemas.get(lower(schemaId));
  }

  /** Why the attestation is not valid now, or undefined when it is (revocation, expiry, attester still accepted). */
  invalidity(entry: IndexedAttestation, now: number): NotCountedReason | undefined {
    const schema = this.#schemas.get(entry.schemaId);
    if (entry.revokedAt !== 0 && (entry.form === "onchain" || schema?.revocable)) return "REVOKED";
    if (entry.expiresAt !== 0 && entry.expiresAt <= now) return "EXPIRED";
    if (!schema || (this.attesterKind(entry.attester) & schema.attesterKinds) === 0) return "ATTESTER_NOT_VETTED";
    return undefined;
  }

  /** Evaluates a policy for one subject at `now` (unix seconds). */
  decide(subject: Hex, policy: Policy, now: number): Decision {
    const attestations = this.ofSubject(subject);
    const criteria = policy.criteria.map((c) => this.#criterion(c, attestations, now));
    return {
      subject: lower(subject),
      policyId: policy.policyId,
      version: policy.version,
      allowed: criteria.every((c) => c.satisfied),
      at: now,
      criteria,
    };
  }

  #criterion(c: Criterion, attestations: readonly IndexedAttestation[], now: number): CriterionResult {
    const schemaId = lower<Hex>(c.schemaId);
    const kinds = c.attesterKinds ? kindBits(c.attesterKinds) : 0xff;
    const listed = c.attesters ? new Set(c.attesters.map((a) => lower<Address>(a))) : undefined;
    const counted: Hex[] = [];
    const notCounted: { id: Hex; reason: NotCountedReason }[] = [];
    const attesters = new Set<Address>();
    for (const entry of attestations) {
      if (entry.schemaId !== schemaId) continue;
      const reason = this.invalidity(entry, now) ?? this.#mismatch(c, entry, kinds, listed, now);
      if (reason) {
        notCounted.push({ id: entry.id, reason });
      } else {
        counted.push(entry.id);
        attesters.add(entry.attester);
      }
    }
    const min = c.min ?? 1;
    const max = c.max ?? null;
    return {
      name: c.name,
      satisfied: attesters.size >= min && (max === null || attesters.size <= max),
      attesters: attesters.size,
      min,
      max,
      counted,
      notCounted,
    };
  }

  #mismatch(
    c: Criterion,
    entry: IndexedAttestation,
    kinds: number,
    listed: Set<Address> | undefined,
    now: number,
  ): NotCountedReason | undefined {
    if ((this.attesterKind(entry.attester) & kinds) === 0) return "ATTESTER_KIND_NOT_ACCEPTED";
    if (listed && !listed.has(entry.attester)) return "ATTESTER_NOT_LISTED";
    if (c.withinDays !== undefined && entry.issuedAt < now - c.withinDays * DAY) return "OUTSIDE_WINDOW";
    if (c.match) {
      if (!entry.data) return "DATA_UNKNOWN";
      for (const [field, value] of Object.entries(c.match)) {
        if (entry.data[field] !== value) return "DATA_MISMATCH";
      }
    }
    return undefined;
  }

  #add(entry: IndexedAttestation): void {
    if (this.#byId.has(entry.id)) return;
    this.#byId.set(entry.id, entry);
    if (entry.form === "offchain") this.#offchainByLeaf.set(`${entry.attester}:${entry.leaf}`, entry);
    const list = this.#bySubject.get(entry.subject);
    if (!list) {
      this.#bySubject.set(entry.subject, [entry]);
      return;
    }
    // Keep id order, so listing pages by id cursor.
    let i = list.length;
    while (i > 0 && (list[i - 1] as IndexedAttestation).id > entry.id) i--;
    list.splice(i, 0, entry);
  }

  #clear(): void {
    this.#schemas.clear();
    this.#attesterKinds.clear();
    this.#devices.clear();
    this.#bySubject.clear();
    this.#byId.clear();
    this.#offchainByLeaf.clear();
    this.#batches.clear();
    this.#peerBatches.clear();
    this.#awaitingBatch.clear();
    this.#awaitingChain.clear();
    this.#offchainRevocations.clear();
  }
}
