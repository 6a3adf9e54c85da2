// IoT domain logic: schemas, vetting, devices, attestations on chain or off (signed tokens, batched under Merkle roots
// this agent anchors), imports of tokens other agents issued (checked against the ledger before they count),
// revocation, and relying-party decisions from the in-memory index. No HTTP, no SQL.
import { type Address, type Hex, isAddress, type LocalAccount, parseEventLogs, recoverMessageAddress } from "viem";
import { invalidField } from "../core/errors/index.ts";
import { IotAttestations } from "../generated/contracts.ts";
import { buildBatchTree, proofHolds } from "./batch.ts";
import {
  fingerprintOf,
  OEM_CERTIFICATE_SCHEMA,
  oemCertificateSchemaOf,
  parseChain,
  type TrustedChain,
  verifyChain,
} from "./certificates.ts";
import { EatError, signAttestation, verifyAttestation } from "./eat.ts";
import { IotError } from "./errors.ts";
import { compareVersions, documentSchemaOf, firmwareSchemaOf } from "./firmware.ts";
import type { AttestationIndex, IndexedAttestation } from "./index.ts";
import { ATTESTER_KINDS, type AttesterKindName, kindBits } from "./kinds.ts";
import { batchIdOf, type IotLedger, modelIdOf, peerBatchIdOf, schemaIdOf } from "./ledger.ts";
import { type AttestationPayload, deviceSubject, leafOfId, peerAttestationDigest } from "./payload.ts";
import type { Decision, NotCountedReason, Policy } from "./policy.ts";
import { heldToken, type IotReadModel } from "./readModel.ts";
import type { BatchKind, IotRepository, TokenRecord } from "./repository.ts";

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
  /** A device's peer attestation: the gateway operator whose peer batch carries it, and the device's signature. */
  relayer: Address | null;
  peerSignature: Hex | null;
}

export interface AnchoredBatch {
  batchId: Hex;
  root: Hex;
  count: number;
  txHash: Hex;
  kind: BatchKind;
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

  /**
   * Anchors this agent's pending off-chain attestations (up to MAX_BATCH) under one Merkle root: its own (`own`), or
   * the devices' peer attestations it relays (`peer`). One anchoring at a time per agent (the API and the timer).
   */
  anchor(max = MAX_BATCH, kind: BatchKind = "own"): Promise<AnchoredBatch> {
    return this.#exclusive(async () => {
      if (kind === "peer") this.#requireRelayer();
      const pending = await this.#o.repository.pending(this.#me, Math.min(max, MAX_BATCH), kind);
      if (pending.length === 0) {
        throw new IotError("IOT_NOTHING_TO_ANCHOR", `no ${kind === "peer" ? "peer" : "off-chain"} attestation waits`);
      }
      const tree = buildBatchTree(pending.map((t) => t.id));
      const batchId = this.#batchIdOf(kind, tree.root);
      // The proofs are stored before the transaction is sent: the batch id derives from the root, so a retry after a
      // crash anchors the same root under the same id (recoverStranded).
      await this.#o.repository.assignBatch(batchId, tree.proofs);
      return this.#sendBatch(kind, batchId, tree.root, pending);
    });
  }

  /** When the longest-waiting unanchored token of this kind arrived (ISO time), undefined when none waits. */
  oldestPending(kind: BatchKind): Promise<string | undefined> {
    return this.#o.repository.oldestPending(this.#me, kind);
  }

  /** Whether this member may relay peer attestations (vetted as OEM, operator or third party). */
  get mayRelay(): boolean {
    const kind = this.#o.index.attesterKind(this.#me);
    return kind !== 0 && kind !== ATTESTER_KINDS.peer;
  }

  /**
   * Sends again the batches this agent assigned before `before` (ISO time) that the ledger does not hold: the agent
   * stopped (or the send failed) between storing the proofs and the anchoring. The tree is rebuilt from the stored
   * tokens in the order it was built, so the root and the batch id are the ones already handed out. Looks once after
   * start and after a failed send, until no assigned batch is left unanchored (a recent one may still be mining).
   */
  recoverStranded(kind: BatchKind, before: string): Promise<AnchoredBatch[]> {
    return this.#exclusive(async () => {
      const sent: AnchoredBatch[] = [];
      if (!this.#mayBeStranded.has(kind)) return sent;
      await this.#o.sync();
      const unanchored = await this.#o.repository.unanchoredBatches(this.#me, kind);
      let waiting = 0;
      for (const { batchId, assignedAt } of unanchored) {
        if (await this.#o.ledger.batchExists(batchId, kind)) continue;
        if (assignedAt >= before) {
          waiting++;
          continue;
        }
        const tokens = await this.#o.repository.tokensOfBatch(batchId);
        const tree = buildBatchTree(tokens.map((t) => t.id));
        if (this.#batchIdOf(kind, tree.root) !== batchId.toLowerCase()) {
          throw new Error(`stranded batch ${batchId} does not rebuild to its root (its tokens changed)`);
        }
        sent.push(await this.#sendBatch(kind, batchId, tree.root, tokens));
      }
      if (waiting === 0) this.#mayBeStranded.delete(kind);
      return sent;
    });
  }

  /** Kinds of batch that may have been assigned and not anchored: both at start, and one whose send failed. */
  readonly #mayBeStranded = new Set<BatchKind>(["own", "peer"]);

  #batchIdOf(kind: BatchKind, root: Hex): Hex {
    return kind === "own" ? batchIdOf(this.#me, root) : peerBatchIdOf(this.#me, root);
  }

  async #sendBatch(kind: BatchKind, batchId: Hex, root: Hex, tokens: TokenRecord[]): Promise<AnchoredBatch> {
    let receipt: Awaited<ReturnType<IotLedger["anchorBatch"]>>;
    try {
      receipt =
        kind === "own"
          ? await this.#o.ledger.anchorBatch(root, tokens.length)
          : await this.#o.ledger.anchorPeerBatch(root, tokens.length);
    } catch (error) {
      this.#mayBeStranded.add(kind);
      throw error;
    }
    for (const t of tokens) this.#o.index.addToken({ ...heldToken(tokenRow(t)), batchId });
    await this.#o.sync();
    const eventName = kind === "own" ? "BatchAnchored" : "PeerBatchAnchored";
    const [anchored] = parseEventLogs({ abi: IotAttestations.abi, eventName, logs: receipt.logs });
    if (anchored && anchored.args.batchId.toLowerCase() !== batchId) {
      throw new Error(`${eventName} mined batch ${anchored.args.batchId}, not the computed ${batchId}`);
    }
    return { batchId, root, count: tokens.length, txHash: receipt.transactionHash, kind };
  }

  #anchoring: Promise<unknown> = Promise.resolve();

  #exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#anchoring.then(work, work);
    this.#anchoring = run.catch(() => undefined);
    return run;
  }

  /**
   * Accepts a device's peer attestation as its relayer (a gateway operator): the token must be signed by the owner of
   * the device's DID, the device registered (a peer attester), the schema accept peers, and `signature` be the
   * device's EIP-191 signature of peerAttestationDigest(id), which the contract checks for every leaf of a peer
   * batch. Held as PENDING_ANCHOR until this agent anchors its next peer batch.
   */
  async acceptPeer(input: { jwt: string; signature: Hex }): Promise<AttestationView> {
    this.#requireRelayer();
    const signed = await this.#verifyToken(input.jwt);
    const device = signed.payload.attester.toLowerCase() as Address;
    if (this.#o.index.attesterKind(device) !== ATTESTER_KINDS.peer) {
      throw new IotError("IOT_ATTESTER_NOT_VETTED", `attester ${device} is not a registered device`, {
        field: "body.jwt",
        details: { attester: device, needed: "peer" },
      });
    }
    const schema = this.#o.index.schema(signed.payload.schemaId);
    if (!schema)
      throw new IotError("IOT_UNKNOWN_SCHEMA", `no schema ${signed.payload.schemaId}`, { field: "body.jwt" });
    if ((schema.attesterKinds & ATTESTER_KINDS.peer) === 0) {
      throw new IotError("IOT_ATTESTER_NOT_VETTED", `schema ${signed.payload.schemaId} does not accept peers`, {
        field: "body.jwt",
        details: { attester: device, acceptedKinds: schema.attesterKinds },
      });
    }
    if (signed.payload.expiresAt !== 0 && signed.payload.expiresAt <= this.#now()) {
      throw new IotError("IOT_TOKEN_INVALID", "the attestation has expired", {
        field: "body.jwt",
        details: { reason: "EXPIRED" },
      });
    }
    await this.#requirePeerSignature(signed.id, device, input.signature);
    const record = this.#record(signed.jwt, signed.id, signed.payload, "offchain", signed.claims.iat, null, null, {
      relayer: this.#me,
      peerSignature: input.signature,
    });
    await this.#o.repository.putToken(record);
    return this.attestation(signed.id);
  }

  async #requirePeerSignature(id: Hex, device: Address, signature: Hex): Promise<void> {
    const signer = await recoverMessageAddress({ message: { raw: peerAttestationDigest(id) }, signature }).catch(
      () => undefined,
    );
    const owner = await this.#o.ledger.didOwner(device);
    if (signer?.toLowerCase() !== owner.toLowerCase()) {
      throw new IotError("IOT_TOKEN_INVALID", `the peer signature is not by the owner of ${device}'s DID`, {
        field: "body.signature",
        details: { reason: "BAD_PEER_SIGNATURE" },
      });
    }
  }

  #requireRelayer(): void {
    if (!this.mayRelay) {
      throw new IotError(
        "IOT_ATTESTER_NOT_VETTED",
        `this member (${this.#me}) is not vetted to relay peer attestations`,
        {
          details: { attester: this.#me, needed: "oem, operator or third-party" },
        },
      );
    }
  }

  async #verifyToken(jwt: string) {
    try {
      return await verifyAttestation(jwt, (attester) => this.#o.ledger.didOwner(attester));
    } catch (error) {
      if (!(error instanceof EatError)) throw error;
      throw new IotError("IOT_TOKEN_INVALID", error.message, { field: "body.jwt", details: { reason: error.reason } });
    }
  }

  /**
   * Imports a token another agent issued, as a relying party: its signature must recover the owner of the attester's
   * DID and its jti be its payload's id; an off-chain one needs a proof binding exactly that payload to an anchored
   * batch of that attester (IOT_PROOF_MISMATCH otherwise), an on-chain one an attestation with its id on the ledger.
   */
  async importToken(input: {
    jwt: string;
    batchId?: Hex;
    proof?: Hex[];
    peerSignature?: Hex;
  }): Promise<AttestationView> {
    const signed = await this.#verifyToken(input.jwt);
    const leaf = leafOfId(signed.id);
    if (input.peerSignature) return this.#importPeer(signed, input.batchId, input.proof ?? [], input.peerSignature);
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

  /** A device's peer attestation relayed by another agent: its signature, and its proof under that peer batch. */
  async #importPeer(
    signed: Awaited<ReturnType<typeof verifyAttestation>>,
    batchId: Hex | undefined,
    proof: Hex[],
    peerSignature: Hex,
  ): Promise<AttestationView> {
    if (!batchId) throw invalidField("body.batchId", "a peer attestation is imported with its peer batch");
    const batch =
      (await this.#o.readModel.peerBatch(batchId)) ??
      (await this.#o.sync().then(() => this.#o.readModel.peerBatch(batchId)));
    if (!batch) throw new IotError("IOT_UNKNOWN_BATCH", `no peer batch ${batchId}`, { field: "body.batchId" });
    const leaf = leafOfId(signed.id);
    if (!proofHolds(batch.root as Hex, leaf, proof)) {
      throw new IotError("IOT_PROOF_MISMATCH", "the proof does not bind this payload to the peer batch's root", {
        field: "body.proof",
        details: { batchId, leaf, reason: "PROOF_MISMATCH" },
      });
    }
    await this.#requirePeerSignature(signed.id, signed.payload.attester, peerSignature);
    const record = this.#record(
      signed.jwt,
      signed.id,
      signed.payload,
      "offchain",
      signed.claims.iat,
      batchId.toLowerCase() as Hex,
      proof,
      { relayer: batch.relayer as Address, peerSignature },
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

  /** What the attester of an off-chain attestation (a device) signs to have it revoked by any relay. */
  async revocationDigest(id: Hex) {
    const entry = this.#o.index.get(id);
    const token = await this.#o.repository.token(id);
    const attester = (token?.attester ?? entry?.attester)?.toLowerCase() as Address | undefined;
    if (!attester || (token?.form ?? entry?.form) !== "offchain") {
      throw new IotError("IOT_UNKNOWN_ATTESTATION", `no off-chain attestation ${id}`, { field: "params.id" });
    }
    const leaf = leafOfId(id);
    return {
      id: id.toLowerCase() as Hex,
      attester,
      leaf,
      digest: await this.#o.ledger.revocationDigest(attester, leaf),
    };
  }

  /**
   * Relays the attester's signed revocation of an off-chain attestation (a device revoking its peer attestation): the
   * same revocation by leaf as the attester's own, checked by the contract; refused here first when the signature is
   * not by the owner of the attester's DID.
   */
  async revokeSigned(id: Hex, signature: Hex) {
    const { attester, leaf, digest } = await this.revocationDigest(id);
    const signer = await recoverMessageAddress({ message: { raw: digest }, signature }).catch(() => undefined);
    const owner = await this.#o.ledger.didOwner(attester);
    if (signer?.toLowerCase() !== owner.toLowerCase()) {
      throw new IotError("IOT_NOT_ATTESTER", `the revocation is not signed by the owner of ${attester}'s DID`, {
        field: "body.signature",
        details: { attester, signer: signer?.toLowerCase() ?? null },
      });
    }
    const receipt = await this.#o.ledger.revokeOffchainSigned(attester, leaf, signature);
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

  /** As the OEM, attests its root or intermediate certificate on chain: subject its SHA-256 fingerprint. */
  async attestOemCertificate(input: { pem: string; expiresAt?: number }): Promise<AttestationView> {
    const [certificate] = parseChain([input.pem]);
    if (!certificate) throw invalidField("body.pem", "must be one PEM-encoded X.509 certificate");
    const sha256 = await fingerprintOf(certificate);
    // The OEM's own schema, registered on first use: only an OEM's own `oem-certificate` schema counts in a check.
    if (!this.#o.index.schema(oemCertificateSchemaOf(this.#me))) {
      this.#requireKind("oem");
      await this.registerSchema({ ...OEM_CERTIFICATE_SCHEMA, revocable: true, attesterKinds: ["oem"] });
    }
    return this.issue({
      schemaId: oemCertificateSchemaOf(this.#me),
      subject: sha256,
      data: { sha256, subjectName: certificate.subject },
      form: "onchain",
      ...(input.expiresAt !== undefined ? { expiresAt: input.expiresAt } : {}),
    });
  }

  /**
   * Whether a device's certificate chain (PEM, device certificate first) reaches a certificate its OEM attested on the
   * ledger (`oem-certificate`, subject the SHA-256 fingerprint), or IOT_CERT_CHAIN_INVALID naming the reason.
   */
  verifyCertificateChain(pems: readonly string[]): Promise<TrustedChain> {
    const now = this.#now();
    return verifyChain(
      parseChain(pems),
      (sha256) =>
        this.#o.index
          .ofSubject(sha256.toLowerCase() as Hex)
          .filter((e) => e.schemaId === oemCertificateSchemaOf(e.attester).toLowerCase())
          .map((e) => ({ id: e.id, oem: e.attester, invalidity: this.#o.index.invalidity(e, now) })),
      new Date(now * 1000),
    );
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
    peer?: { relayer: Address; peerSignature: Hex },
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
      relayer: (peer?.relayer.toLowerCase() as Address | undefined) ?? null,
      peerSignature: peer?.peerSignature ?? null,
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
    relayer: t.relayer,
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
    relayer: token?.relayer ?? null,
    peerSignature: token?.peerSignature ?? null,
  };
}
