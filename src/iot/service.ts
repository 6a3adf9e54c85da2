// IoT domain logic: schemas, vetting, devices, attestations on chain or off (signed tokens, batched under Merkle roots
// this agent anchors), imports of tokens other agents issued (checked against the ledger before they count),
// revocation, and relying-party decisions from the in-memory index. No HTTP, no SQL.
import { type Address, type Hex, isAddress, type LocalAccount, parseEventLogs } from "viem";
import { invalidField } from "../core/errors/index.ts";
import { IotAttestations } from "../generated/contracts.ts";
import { buildBatchTree, proofHolds } from "./batch.ts";
import { EatError, signAttestation, verifyAttestation } from "./eat.ts";
import { IotError } from "./errors.ts";
import { compareVersions, documentSchemaOf, firmwareSchemaOf } from "./firmware.ts";
import type { AttestationIndex, IndexedAttestation } from "./index.ts";
import { ATTESTER_KINDS, type AttesterKindName, kindBits } from "./kinds.ts";
import { batchIdOf, type IotLedger, modelIdOf, schemaIdOf } from "./ledger.ts";
import { type AttestationPayload, deviceSubject, leafOfId } from "./payload.ts";
import type { Decision, NotCountedReason, Policy } from "./policy.ts";
import { heldToken, type IotReadModel } from "./readModel.ts";
import type { IotRepository, TokenRecord } from "./repository.ts";

/** The most off-chain attestations one anchoring transaction covers: 1,000,000 attestations take 50 transactions. */
export const MAX_BATCH = 20_000;

export interface IotServiceOptions {
  ledger: IotLedger;
  repository: IotRepository;
  readModel: IotReadModel;
  index: AttestationIndex;
  /** The member account: this agent's attester DID (did:ethr:<account>) and the key that signs its tokens. */
  account: LocalAccount;
  memberRoles: () => Promise<string[]>;
  /** Brings the read model and the index up to the chain head (after a write). */
  sync: () => Promise<unknown>;
  now?: () => number;
}

export interface IssueInput {
  schemaId: Hex;
  subject: string;
  data: Record<string, unknown>;
  expiresAt?: number;
  form: "onchain" | "offchain";
  oemid?: string;
  hwmodel?: string;
}

export interface AttestationView {
  id: Hex;
  form: "onchain" | "offchain";
  schemaId: Hex;
  subject: Hex;
  attester: Address;
  expiresAt: number;
  issuedAt: number;
  revokedAt: number;
  /** "valid", or why not: REVOKED, EXPIRED, ATTESTER_NOT_VETTED; PENDING_ANCHOR while a held token awaits its batch. */
  status: "valid" | NotCountedReason | "PENDING_ANCHOR";
  data: Record<string, unknown> | null;
  jwt: string | null;
  leaf: Hex | null;
  batchId: Hex | null;
  proof: Hex[] | null;
}

/** A subject given as a device address (left-padded) or as 32 bytes (a model id). */
export function subjectOf(input: string, field: string): Hex {
  if (isAddress(input, { strict: false })) return deviceSubject(input);
  if (/^0x[0-9a-fA-F]{64}$/.test(input)) return input.toLowerCase() as Hex;
  throw invalidField(field as `body.${string}`, "must be a device address or a 32-byte subject");
}

export class IotService {
  readonly #o: IotServiceOptions;
  readonly #me: Address;

  constructor(options: IotServiceOptions) {
    this.#o = options;
    this.#me = options.account.address.toLowerCase() as Address;
  }

  get attester(): Address {
    return this.#me;
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Math.floor(Date.now() / 1000);
  }

  async registerSchema(input: {
    name: string;
    definition: string;
    revocable: boolean;
    attesterKinds: AttesterKindName[];
  }) {
    const kinds = kindBits(input.attesterKinds);
    const schemaId = schemaIdOf(this.#me, input.name, input.definition, input.revocable, kinds);
    if (this.#o.index.schema(schemaId)) return { schemaId, txHash: null };
    const receipt = await this.#o.ledger.registerSchema(input.name, input.definition, input.revocable, kinds);
    await this.#o.sync();
    return { schemaId, txHash: receipt.transactionHash };
  }

  async vetAttester(attester: Address, kind: AttesterKindName) {
    if (!(await this.#o.memberRoles()).includes("TRUST_AUTHORITY")) {
      throw new IotError("IOT_NOT_TRUST_AUTHORITY", "this member holds no TRUST_AUTHORITY role");
    }
    const receipt = await this.#o.ledger.vetAttester(attester, ATTESTER_KINDS[kind]);
    await this.#o.sync();
    return { attester: attester.toLowerCase(), kind, txHash: receipt.transactionHash };
  }

  /** What a device signs to be registered under this OEM (the simulator signs it with the device key). */
  async bindingDigest(device: Address, make: string, model: string) {
    const modelId = modelIdOf(this.#me, make, model);
    return { oem: this.#me, modelId, digest: await this.#o.ledger.deviceBindingDigest(device, modelId) };
  }

  async registerDevice(input: { device: Address; make: string; model: string; signature: Hex }) {
    this.#requireKind("oem");
    const receipt = await this.#o.ledger.registerDevice(input.device, input.make, input.model, input.signature);
    await this.#o.sync();
    return {
      device: input.device.toLowerCase(),
      modelId: modelIdOf(this.#me, input.make, input.model),
      txHash: receipt.transactionHash,
    };
  }

  async attestSimKeyBinding(device: Address) {
    this.#requireKind("operator");
    if (!(await this.#o.readModel.device(device))) {
      throw new IotError("IOT_UNKNOWN_DEVICE", `no device ${device} on the ledger`, { field: "params.device" });
    }
    const receipt = await this.#o.ledger.attestSimKeyBinding(device);
    await this.#o.sync();
    return { device: device.toLowerCase(), operator: this.#me, txHash: receipt.transactionHash };
  }

  async issue(input: IssueInput): Promise<AttestationView> {
    const schema = this.#o.index.schema(input.schemaId);
    if (!schema) {
      throw new IotError("IOT_UNKNOWN_SCHEMA", `no schema ${input.schemaId}`, { field: "body.schemaId" });
    }
    const kind = this.#o.index.attesterKind(this.#me);
    if ((kind & schema.attesterKinds) === 0) {
      throw new IotError(
        "IOT_ATTESTER_NOT_VETTED",
        `attester ${this.#me} (kind ${kind}) is not accepted by the schema`,
        {
          details: { attester: this.#me, kind, acceptedKinds: schema.attesterKinds },
        },
      );
    }
    const now = this.#now();
    const expiresAt = input.expiresAt ?? 0;
    if (expiresAt !== 0 && expiresAt <= now) throw invalidField("body.expiresAt", "must be in the future");
    const signed = await signAttestation(
      this.#o.account,
      {
        schemaId: input.schemaId.toLowerCase() as Hex,
        subject: subjectOf(input.subject, "body.subject"),
        attester: this.#me,
        expiresAt,
      },
      input.data,
      {
        issuedAt: now,
        ...(input.oemid ? { oemid: input.oemid } : {}),
        ...(input.hwmodel ? { hwmodel: input.hwmodel } : {}),
      },
    );
    const record = this.#record(signed.jwt, signed.id, signed.payload, input.form, now, null, null);
    await this.#o.repository.putToken(record);
    this.#o.index.addToken(heldToken(tokenRow(record)));
    if (input.form === "onchain") {
      await this.#o.ledger.attest(signed.payload);
      await this.#o.sync();
    }
    return this.attestation(signed.id);
  }

  /** Anchors this agent's pending off-chain attestations (up to MAX_BATCH) under one Merkle root. */
  async anchor(max = MAX_BATCH) {
    const pending = await this.#o.repository.pending(this.#me, Math.min(max, MAX_BATCH));
    if (pending.length === 0) throw new IotError("IOT_NOTHING_TO_ANCHOR", "no off-chain attestation is waiting");
    const tree = buildBatchTree(pending.map((t) => t.id));
    const batchId = batchIdOf(this.#me, tree.root);
    // The proofs are stored before the transaction is sent: the batch id derives from the root, so a retry after a
    // crash anchors the same root under the same id.
    await this.#o.repository.assignBatch(batchId, tree.proofs);
    const receipt = await this.#o.ledger.anchorBatch(tree.root, pending.length);
    for (const t of pending) this.#o.index.addToken({ ...heldToken(tokenRow(t)), batchId });
    await this.#o.sync();
    const [anchored] = parseEventLogs({ abi: IotAttestations.abi, eventName: "BatchAnchored", logs: receipt.logs });
    if (anchored && anchored.args.batchId.toLowerCase() !== batchId) {
      throw new Error(`anchorBatch mined batch ${anchored.args.batchId}, not the computed ${batchId}`);
    }
    return { batchId, root: tree.root, count: pending.length, txHash: receipt.transactionHash };
  }

  /**
   * Imports a token another agent issued, as a relying party: its signature must recover the owner of the attester's
   * DID and its jti be its payload's id; an off-chain one needs a proof binding exactly that payload to an anchored
   * batch of that attester (IOT_PROOF_MISMATCH otherwise), an on-chain one an attestation with its id on the ledger.
   */
  async importToken(input: { jwt: string; batchId?: Hex; proof?: Hex[] }): Promise<AttestationView> {
    let signed: Awaited<ReturnType<typeof verifyAttestation>>;
    try {
      signed = await verifyAttestation(input.jwt, (attester) => this.#o.ledger.didOwner(attester));
    } catch (error) {
      if (!(error instanceof EatError)) throw error;
      throw new IotError("IOT_TOKEN_INVALID", error.message, { field: "body.jwt", details: { reason: error.reason } });
    }
    const leaf = leafOfId(signed.id);
    if (input.batchId) {
      // The attester's agent answered once its own node mined the batch; this agent may not have indexed it yet.
      const batch =
        (await this.#o.readModel.batch(input.batchId)) ??
        (await this.#o.sync().then(() => this.#o.readModel.batch(input.batchId as Hex)));
      if (!batch) throw new IotError("IOT_UNKNOWN_BATCH", `no batch ${input.batchId}`, { field: "body.batchId" });
      const ownBatch = batch.attester === signed.payload.attester.toLowerCase();
      if (!ownBatch || !proofHolds(batch.root as Hex, leaf, input.proof ?? [])) {
        throw new IotError("IOT_PROOF_MISMATCH", "the proof does not bind this payload to the batch's root", {
          field: "body.proof",
          details: { batchId: input.batchId, leaf, reason: ownBatch ? "PROOF_MISMATCH" : "OTHER_ATTESTERS_BATCH" },
        });
      }
    } else if (
      !(await this.#o.readModel.onchain(signed.id)) &&
      !(await this.#o.sync().then(() => this.#o.readModel.onchain(signed.id)))
    ) {
      throw new IotError("IOT_NOT_ON_CHAIN", `no on-chain attestation ${signed.id}`, { field: "body.jwt" });
    }
    const form = input.batchId ? "offchain" : "onchain";
    const record = this.#record(
      signed.jwt,
      signed.id,
      signed.payload,
      form,
      signed.claims.iat,
      input.batchId?.toLowerCase() as Hex | undefined,
      input.proof ?? null,
    );
    await this.#o.repository.putToken(record);
    this.#o.index.addToken(heldToken(tokenRow(record)));
    return this.attestation(signed.id);
  }

  async revoke(id: Hex) {
    const token = await this.#o.repository.token(id);
    const entry = this.#o.index.get(id);
    const attester = (token?.attester ?? entry?.attester)?.toLowerCase();
    if (!attester) throw new IotError("IOT_UNKNOWN_ATTESTATION", `no attestation ${id}`, { field: "params.id" });
    if (attester !== this.#me) {
      throw new IotError("IOT_NOT_ATTESTER", `attestation ${id} is ${attester}'s, not this member's`);
    }
    const form = token?.form ?? entry?.form;
    const receipt =
      form === "onchain" ? await this.#o.ledger.revoke(id) : await this.#o.ledger.revokeOffchain(leafOfId(id));
    await this.#o.sync();
    return { id: id.toLowerCase(), txHash: receipt.transactionHash };
  }

  async attestation(id: Hex): Promise<AttestationView> {
    const token = await this.#o.repository.token(id);
    const entry = this.#o.index.get(id);
    if (!entry && !token) throw new IotError("IOT_UNKNOWN_ATTESTATION", `no attestation ${id}`, { field: "params.id" });
    return view(entry, token, entry ? (this.#o.index.invalidity(entry, this.#now()) ?? "valid") : "PENDING_ANCHOR");
  }

  /** The subject's attestations this agent can judge, in id order, after `after`. */
  attestationsOf(subject: Hex, limit: number, after?: string): AttestationView[] {
    const now = this.#now();
    return this.#o.index
      .ofSubject(subject)
      .filter((e) => after === undefined || e.id > after)
      .slice(0, limit + 1)
      .map((e) => view(e, undefined, this.#o.index.invalidity(e, now) ?? "valid"));
  }

  /** Publishes a firmware release of one of this OEM's models: a leaf of its log once the next batch is anchored. */
  publishFirmware(input: { make: string; model: string; version: string; sha256: Hex; signature: Hex }) {
    const { make, model, ...data } = input;
    return this.issue({
      schemaId: firmwareSchemaOf(this.#me),
      subject: modelIdOf(this.#me, make, model),
      data,
      form: "offchain",
      hwmodel: model,
    });
  }

  /** Publishes a document (a manual) of one of this OEM's models, like a firmware release. */
  publishDocument(input: { make: string; model: string; kind: string; title: string; sha256: Hex; url: string }) {
    const { make, model, ...data } = input;
    return this.issue({
      schemaId: documentSchemaOf(this.#me),
      subject: modelIdOf(this.#me, make, model),
      data,
      form: "offchain",
      hwmodel: model,
    });
  }

  /**
   * What a gateway offers a device: its OEM's valid, anchored firmware releases for its model newer than `version`
   * (newest first), and the model's documents, each with the batch and inclusion proof that put it in the OEM's log.
   */
  async updatesFor(device: Address, version: string) {
    const row = await this.#o.readModel.device(device);
    if (!row) throw new IotError("IOT_UNKNOWN_DEVICE", `no device ${device}`, { field: "params.device" });
    const oem = row.oem as Address;
    const published = await this.#published(row.model_id as Hex, oem);
    const firmware = published
      .filter((a) => a.schemaId === firmwareSchemaOf(oem).toLowerCase())
      .filter((a) => compareVersions(String(a.data?.version), version) > 0)
      .sort((a, b) => compareVersions(String(b.data?.version), String(a.data?.version)));
    const documents = published.filter((a) => a.schemaId === documentSchemaOf(oem).toLowerCase());
    return { device: device.toLowerCase(), oem, modelId: row.model_id, current: version, firmware, documents };
  }

  /** Whether an image's hash is a release in the device's OEM log for its model: the release, or a named refusal. */
  async checkFirmware(device: Address, sha256: Hex) {
    const row = await this.#o.readModel.device(device);
    if (!row) throw new IotError("IOT_UNKNOWN_DEVICE", `no device ${device}`, { field: "body.device" });
    const oem = row.oem as Address;
    const release = (await this.#published(row.model_id as Hex, oem)).find(
      (a) =>
        a.schemaId === firmwareSchemaOf(oem).toLowerCase() &&
        String(a.data?.sha256).toLowerCase() === sha256.toLowerCase(),
    );
    if (!release) {
      throw new IotError("IOT_FIRMWARE_NOT_IN_LOG", `firmware ${sha256} is not in ${oem}'s log for this model`, {
        field: "body.sha256",
        details: { device: device.toLowerCase(), oem, modelId: row.model_id, sha256 },
      });
    }
    return release;
  }

  /** The OEM's valid, anchored attestations about a model, with tokens and proofs. */
  async #published(modelId: Hex, oem: Address): Promise<AttestationView[]> {
    const now = this.#now();
    const views: AttestationView[] = [];
    for (const entry of this.#o.index.ofSubject(modelId)) {
      if (entry.attester !== oem.toLowerCase() || this.#o.index.invalidity(entry, now)) continue;
      views.push(await this.attestation(entry.id));
    }
    return views;
  }

  async putPolicy(policy: Policy): Promise<Policy> {
    for (const [i, c] of policy.criteria.entries()) {
      if (!this.#o.index.schema(c.schemaId)) {
        throw new IotError("IOT_UNKNOWN_SCHEMA", `no schema ${c.schemaId}`, {
          field: `body.criteria[${i}].schemaId`,
        });
      }
      if (c.max !== undefined && c.max < (c.min ?? 1)) {
        throw invalidField(`body.criteria[${i}].max`, "must not be below min");
      }
    }
    if (!(await this.#o.repository.putPolicy(policy))) {
      throw new IotError("IOT_POLICY_VERSION_EXISTS", `policy ${policy.policyId} version ${policy.version} exists`, {
        field: "body.version",
      });
    }
    return policy;
  }

  async policy(policyId: string, version?: number): Promise<Policy> {
    const policy = await this.#o.repository.policy(policyId, version);
    if (!policy) {
      throw new IotError("IOT_UNKNOWN_POLICY", `no policy ${policyId}${version ? ` version ${version}` : ""}`, {
        field: "params.policyId",
      });
    }
    return policy;
  }

  async decide(subject: Hex, policyId: string, version?: number): Promise<Decision> {
    return this.#o.index.decide(subject, await this.policy(policyId, version), this.#now());
  }

  #requireKind(kind: AttesterKindName): void {
    if (this.#o.index.attesterKind(this.#me) !== ATTESTER_KINDS[kind]) {
      throw new IotError("IOT_ATTESTER_NOT_VETTED", `this member (${this.#me}) is not vetted as ${kind}`, {
        details: { attester: this.#me, needed: kind },
      });
    }
  }

  #record(
    jwt: string,
    id: Hex,
    p: AttestationPayload,
    form: "onchain" | "offchain",
    issuedAt: number,
    batchId: Hex | null | undefined,
    proof: Hex[] | null,
  ): TokenRecord {
    return {
      id,
      form,
      jwt,
      schemaId: p.schemaId,
      subject: p.subject,
      attester: p.attester.toLowerCase() as Address,
      dataHash: p.dataHash,
      expiresAt: p.expiresAt,
      issuedAt,
      leaf: leafOfId(id),
      batchId: batchId ?? null,
      proof,
    };
  }
}

function tokenRow(t: TokenRecord) {
  return {
    id: t.id,
    form: t.form,
    jwt: t.jwt,
    schema_id: t.schemaId,
    subject: t.subject,
    attester: t.attester,
    expires_at: t.expiresAt,
    issued_at: t.issuedAt,
    leaf: t.leaf,
    batch_id: t.batchId,
  };
}

function view(
  entry: IndexedAttestation | undefined,
  token: TokenRecord | undefined,
  status: AttestationView["status"],
): AttestationView {
  const source = entry ?? token;
  if (!source) throw new Error("view of nothing");
  return {
    id: source.id,
    form: source.form,
    schemaId: source.schemaId,
    subject: source.subject,
    attester: source.attester,
    expiresAt: source.expiresAt,
    issuedAt: source.issuedAt,
    revokedAt: entry?.revokedAt ?? 0,
    status,
    data: entry?.data ?? null,
    jwt: token?.jwt ?? null,
    leaf: entry?.leaf && entry.leaf !== "0x" ? entry.leaf : (token?.leaf ?? null),
    batchId: token?.batchId ?? entry?.batchId ?? null,
    proof: token?.proof ?? null,
  };
}
