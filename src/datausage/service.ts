// Domain logic of data usage contracts: create a subject's contract from fresh salts and a nonce, decide every use
// and transfer from the decision index (synced with the chain first, so a revocation mined before the request is
// seen), apply "modify" duties, journal consultations and obligations, anchor consultation batches, import a
// processor's package checked against the chain, relay a subject's revocation, and issue / check consent receipts.
import { randomUUID } from "node:crypto";
import { SimpleMerkleTree } from "@openzeppelin/merkle-tree";
import { type Address, encodeAbiParameters, type Hex, keccak256, stringToHex } from "viem";
import type { Decision } from "./compile.ts";
import type { DecisionIndex } from "./decisionIndex.ts";
import { DataUsageError } from "./errors.ts";
import {
  type ConsentRecord,
  consentRecord,
  documentHash,
  fingerprint,
  freshSalts,
  randomHex32,
  revocationCommitment,
  type Salts,
  structureHash,
} from "./fingerprints.ts";
import { batchIdOf, childIdOf, contractIdOf, type DataUsageLedger, type Terms } from "./ledger.ts";
import { applyModifications, type DataRecord } from "./modify.ts";
import type { OdrlPolicy, UsageAction } from "./odrl.ts";
import { checkPolicy } from "./policyCheck.ts";
import type { DataUsageReadModel } from "./readModel.ts";
import type { DataUsageRepository } from "./repository.ts";

const ZERO = `0x${"0".repeat(64)}` as Hex;
const VERDICT_CODE = { allow: 0, modify: 1, delay: 2, deny: 3 } as const;
/** A batch is one transaction whatever its size; this caps one anchoring call. */
export const MAX_BATCH = 10_000;

export interface DataUsageServiceOptions {
  ledger: DataUsageLedger;
  readModel: DataUsageReadModel;
  repository: DataUsageRepository;
  index: DecisionIndex;
  chainId: number;
  me: Address;
  memberName: (address: Address) => Promise<string | undefined>;
  sync: () => Promise<unknown>;
  now?: () => number;
}

/** The consent receipt a subject keeps: the record, and where its hash is on chain. */
export interface ConsentReceipt {
  contractId: Hex;
  chainId: number;
  contract: Address;
  record: ConsentRecord;
}

/** What a controller hands a processor after a transfer (over a channel of their choosing); the processor imports it. */
export interface TransferPackage {
  contractId: Hex;
  parent: Hex;
  policy: OdrlPolicy;
  data: DataRecord;
  salts: Salts;
}

/** The leaf of one consultation: what was decided for which data item and activity, never the data. */
export function consultationLeaf(c: {
  contractId: Hex;
  dataFingerprint: Hex;
  activity: string;
  verdict: keyof typeof VERDICT_CODE;
  at: number;
}): Hex {
  return keccak256(
    encodeAbiParameters(
      [{ type: "bytes32" }, { type: "bytes32" }, { type: "bytes32" }, { type: "uint8" }, { type: "uint64" }],
      [c.contractId, c.dataFingerprint, keccak256(stringToHex(c.activity)), VERDICT_CODE[c.verdict], BigInt(c.at)],
    ),
  );
}

export class DataUsageService {
  readonly #o: DataUsageServiceOptions;

  constructor(options: DataUsageServiceOptions) {
    this.#o = options;
  }

  #now(): number {
    return this.#o.now ? this.#o.now() : Math.floor(Date.now() / 1000);
  }

  async create(input: {
    subject: string;
    data: DataRecord;
    policy: OdrlPolicy;
    purposes: string[];
    notice: string;
    recipients: Address[];
    maxDepth: number;
  }) {
    checkPolicy(input.policy, "body.policy");
    const salts = freshSalts();
    const recipients = input.recipients.map((r) => r.toLowerCase() as Address);
    const subjectFingerprint = fingerprint(salts.subject, input.subject);
    const policyFingerprint = fingerprint(salts.policy, input.policy);
    const record = consentRecord({
      subjectPseudonym: subjectFingerprint,
      controller: { id: this.#o.me, name: (await this.#o.memberName(this.#o.me)) ?? this.#o.me },
      purposes: input.purposes,
      categories: Object.keys(input.data),
      processing: ["use", ...(recipients.length > 0 ? ["transfer"] : [])],
      recipients,
      policyFingerprint,
      notice: input.notice,
      salt: salts.consent,
      at: new Date(this.#now() * 1000),
    });
    const secret = randomHex32();
    const terms: Terms = {
      nonce: randomHex32(),
      subjectFingerprint,
      dataFingerprint: fingerprint(salts.data, input.data),
      policyFingerprint,
      policyStructure: structureHash(input.policy),
      consentHash: documentHash(record),
      revocationCommitment: revocationCommitment(secret),
    };
    const contractId = contractIdOf(this.#o.chainId, this.#o.ledger.address, this.#o.me, terms);
    const receipt = await this.#o.ledger.create(terms, input.maxDepth, recipients);
    await this.#o.repository.hold({ contractId, policy: input.policy, data: input.data, salts, consent: record });
    this.#o.index.setPolicy(contractId, input.policy);
    await this.#o.sync();
    const consent: ConsentReceipt = { contractId, chainId: this.#o.chainId, contract: this.#o.ledger.address, record };
    return { contractId, txHash: receipt.transactionHash, revocationSecret: secret, receipt: consent };
  }

  /** The decision for an action now, after syncing the read model with the chain (a mined revocation is seen). */
  async decide(anyCase: Hex, action: UsageAction, purpose: string, recipient?: Address): Promise<Decision> {
    const contractId = anyCase.toLowerCase();
    await this.#o.sync();
    if (!this.#o.index.known(contractId))
      throw new DataUsageError("DATAUSAGE_UNKNOWN_CONTRACT", `no data usage contract ${contractId}`, {
        field: "params.id",
      });
    const decision = this.#o.index.decide(contractId, {
      action,
      purpose,
      recipient: recipient?.toLowerCase(),
      at: this.#now(),
    });
    if (!decision)
      throw new DataUsageError("DATAUSAGE_NOT_HELD", `this agent holds no data under ${contractId}`, {
        field: "params.id",
      });
    return decision;
  }

  #refuse(contractId: Hex, decision: Decision): never {
    if (decision.verdict === "delay")
      throw new DataUsageError(
        "DATAUSAGE_DELAYED",
        `the policy of ${contractId} permits this from ${decision.notBefore}`,
        {
          field: "params.id",
          details: { notBefore: decision.notBefore, reason: decision.reason },
        },
      );
    throw new DataUsageError("DATAUSAGE_DENIED", `the policy of ${contractId} denies this: ${decision.reason}`, {
      field: "params.id",
      details: { reason: decision.reason },
    });
  }

  /** An internal use: decided, the data handed out as the policy says (modified where it says so), consultation journalled. */
  async use(anyCase: Hex, purpose: string, activity: string) {
    const contractId = anyCase.toLowerCase() as Hex;
    const decision = await this.decide(contractId, "use", purpose);
    if (decision.verdict === "deny" || decision.verdict === "delay") this.#refuse(contractId, decision);
    const holding = await this.#held(contractId);
    const data = applyModifications(holding.data, decision.modifications, holding.salts.data);
    const consultation = await this.#journal(contractId, holding, activity, purpose, decision);
    return {
      contractId,
      verdict: decision.verdict,
      reason: decision.reason,
      data,
      obligations: consultation.obligations,
      leaf: consultation.leaf,
    };
  }

  /** A transfer to a processor: decided by the policy (and again by the contract), creating the processor's contract. */
  async transfer(anyCase: Hex, processor: Address, purpose: string) {
    const contractId = anyCase.toLowerCase() as Hex;
    const decision = await this.decide(contractId, "transfer", purpose, processor);
    if (decision.verdict === "deny" || decision.verdict === "delay") this.#refuse(contractId, decision);
    const holding = await this.#held(contractId);
    const parent = await this.#o.readModel.contract(contractId);
    if (!parent || !(await this.#o.readModel.isAllowedRecipient(parent.root, processor)))
      throw new DataUsageError("DATAUSAGE_DENIED", `the subject's contract names no recipient ${processor}`, {
        field: "body.processor",
        details: { reason: `recipient ${processor.toLowerCase()} not allowed by the contract on chain` },
      });
    const data = applyModifications(holding.data, decision.modifications, holding.salts.data);
    const salts: Salts = { ...freshSalts(), subject: holding.salts.subject, consent: holding.salts.consent };
    const secret = randomHex32();
    const terms: Terms = {
      nonce: randomHex32(),
      subjectFingerprint: ZERO,
      dataFingerprint: fingerprint(salts.data, data),
      policyFingerprint: fingerprint(salts.policy, holding.policy),
      policyStructure: structureHash(holding.policy),
      consentHash: ZERO,
      revocationCommitment: revocationCommitment(secret),
    };
    const childId = childIdOf(this.#o.chainId, this.#o.ledger.address, this.#o.me, contractId, processor, terms);
    const receipt = await this.#o.ledger.transfer(contractId, processor, terms);
    await this.#o.repository.keepTransferSecret(childId, secret);
    await this.#journal(contractId, holding, `transfer to ${processor.toLowerCase()}`, purpose, decision);
    await this.#o.sync();
    const pkg: TransferPackage = { contractId: childId, parent: contractId, policy: holding.policy, data, salts };
    return {
      contractId: childId,
      parent: contractId,
      verdict: decision.verdict,
      txHash: receipt.transactionHash,
      package: pkg,
    };
  }

  /** A processor takes a transfer package: the contract must be on chain, addressed to it, with matching fingerprints. */
  async importPackage(pkg: TransferPackage) {
    await this.#o.sync();
    const row = await this.#o.readModel.contract(pkg.contractId);
    if (!row)
      throw new DataUsageError("DATAUSAGE_UNKNOWN_CONTRACT", `no data usage contract ${pkg.contractId}`, {
        field: "body.contractId",
      });
    const mismatch = (field: string, message: string) =>
      new DataUsageError("DATAUSAGE_PACKAGE_MISMATCH", message, { field: `body.${field}` });
    if (row.controller !== this.#o.me.toLowerCase())
      throw mismatch("contractId", `contract ${pkg.contractId} is ${row.controller}'s, not this member's`);
    if (row.parent !== pkg.parent.toLowerCase()) throw mismatch("parent", `the contract's parent is ${row.parent}`);
    if (fingerprint(pkg.salts.data, pkg.data) !== row.data_fingerprint)
      throw mismatch("data", "the data's fingerprint differs from the contract's on chain");
    if (fingerprint(pkg.salts.policy, pkg.policy) !== row.policy_fingerprint)
      throw mismatch("policy", "the policy's fingerprint differs from the contract's on chain");
    checkPolicy(pkg.policy, "body.policy");
    await this.#o.repository.hold({
      contractId: pkg.contractId,
      policy: pkg.policy,
      data: pkg.data,
      salts: pkg.salts,
      consent: null,
    });
    this.#o.index.setPolicy(pkg.contractId, pkg.policy);
    return { contractId: pkg.contractId, controller: row.controller, depth: Number(row.depth) };
  }

  /** Relays the subject's revocation: the secret is checked against the chain's commitment before anything is sent. */
  async revoke(contractId: Hex, secret: Hex) {
    const onChain = await this.#o.ledger.usageContract(contractId);
    if (onChain.controller === "0x0000000000000000000000000000000000000000")
      throw new DataUsageError("DATAUSAGE_UNKNOWN_CONTRACT", `no data usage contract ${contractId}`, {
        field: "body.contractId",
      });
    if (onChain.revokedAt !== 0n)
      throw new DataUsageError("DATAUSAGE_ALREADY_REVOKED", `contract ${contractId} was revoked already`, {
        field: "body.contractId",
      });
    if (revocationCommitment(secret) !== onChain.revocationCommitment)
      throw new DataUsageError(
        "DATAUSAGE_BAD_SECRET",
        "the secret does not open this contract's revocation commitment",
        {
          field: "body.secret",
        },
      );
    const receipt = await this.#o.ledger.revoke(contractId, secret);
    await this.#o.sync();
    return { contractId, revoked: true, txHash: receipt.transactionHash };
  }

  /** Anchors every pending consultation in one batch (one transaction, one root). */
  async anchor() {
    const pending = await this.#o.repository.pendingConsultations(MAX_BATCH);
    if (pending.length === 0)
      throw new DataUsageError("DATAUSAGE_NOTHING_TO_ANCHOR", "no consultation waits for a batch");
    const tree = SimpleMerkleTree.of(pending.map((c) => c.leaf));
    const root = tree.root as Hex;
    const batchId = batchIdOf(this.#o.me, root);
    const receipt = await this.#o.ledger.recordConsultations(root, pending.length);
    const proofs = new Map<Hex, Hex[]>();
    for (const c of pending) proofs.set(c.leaf, tree.getProof(c.leaf) as Hex[]);
    await this.#o.repository.markAnchored(batchId, proofs);
    await this.#o.sync();
    return { batchId, root, count: pending.length, txHash: receipt.transactionHash, gasUsed: Number(receipt.gasUsed) };
  }

  /** A journalled consultation with the chain's own verdict on its proof (true once anchored). */
  async consultations(contractId: Hex, limit: number, after?: string) {
    const rows = await this.#o.repository.consultationsOf(contractId, limit, after);
    return Promise.all(
      rows.map(async (c) => ({
        ...c,
        onChain:
          c.batchId !== null &&
          c.proof !== null &&
          (await this.#o.ledger.verifyConsultation(c.batchId, c.leaf, c.proof)),
      })),
    );
  }

  /** The subject's consent receipt, from the controller that issued it. */
  async receipt(contractId: Hex): Promise<ConsentReceipt> {
    const holding = await this.#held(contractId);
    if (!holding.consent)
      throw new DataUsageError("DATAUSAGE_NOT_HELD", `this agent issued no consent record for ${contractId}`, {
        field: "params.id",
      });
    return { contractId, chainId: this.#o.chainId, contract: this.#o.ledger.address, record: holding.consent };
  }

  /** Checks a receipt against the chain: its hash must be the contract's consentHash. Reports the contract's state. */
  async verifyReceipt(receipt: ConsentReceipt) {
    const onChain = await this.#o.ledger.usageContract(receipt.contractId);
    const hash = documentHash(receipt.record);
    const known = onChain.controller !== "0x0000000000000000000000000000000000000000";
    const matches = known && hash === onChain.consentHash;
    const active = matches && (await this.#o.ledger.isActive(receipt.contractId));
    return {
      contractId: receipt.contractId,
      valid: matches,
      reason: !known
        ? "no such contract on chain"
        : matches
          ? "the record's hash is the contract's consentHash"
          : "the record's hash differs from the contract's consentHash: the receipt was altered",
      recordHash: hash,
      onChainHash: known ? onChain.consentHash : null,
      active,
    };
  }

  async #held(contractId: Hex) {
    const holding = await this.#o.repository.holding(contractId);
    if (!holding)
      throw new DataUsageError("DATAUSAGE_NOT_HELD", `this agent holds no data under ${contractId}`, {
        field: "params.id",
      });
    return holding;
  }

  async #journal(
    contractId: Hex,
    holding: { salts: Salts; data: DataRecord },
    activity: string,
    purpose: string,
    decision: Decision,
  ) {
    const at = this.#now();
    const verdict = decision.verdict === "modify" ? "modify" : "allow";
    const dataFingerprint = fingerprint(holding.salts.data, holding.data);
    const leaf = consultationLeaf({ contractId, dataFingerprint, activity, verdict, at });
    await this.#o.repository.recordConsultation({ leaf, contractId, dataFingerprint, activity, purpose, verdict, at });
    const obligations = [];
    for (const duty of decision.obligations) {
      const obligation = {
        id: randomUUID(),
        contractId,
        action: duty.action,
        dueAt: at + duty["tl:within"],
        createdAt: at,
      };
      await this.#o.repository.addObligation(obligation);
      obligations.push({ action: duty.action, dueAt: obligation.dueAt });
    }
    return { leaf, obligations };
  }
}
