// The EIDL contracts as the agent uses them: deployment steps, and typed calls that go through the outbox from the
// acting organisation's DID controller (the contracts check that it controls the organisation and acts for its
// member). A revert reaches the caller as TxRevertedError with the contract's custom error, before anything is
// journalled. A new grant's id is computed before its transaction is sent (grantIds.ts): the salt is in the signed
// calldata the outbox journals, so a replay after a restore or reorganisation re-sends the same salt and the grant
// gets the same id; the id on chain is checked against it once mined.
import { type Address, decodeErrorResult, encodeFunctionData, type Hex, parseEventLogs, toHex } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { DeploymentStep } from "../core/chain/deploy.ts";
import { TxRevertedError } from "../core/chain/errors.ts";
import { mergeErrorAbis, revertFromError } from "../core/chain/outbox/revert.ts";
import type { ContractArtifact, TxSender } from "../core/chain/types.ts";
import { type StatusReason, statusReasons } from "../core/identity/credentialStatus.ts";
import { OrganisationRegistry, TnAuthority } from "../generated/contracts.ts";
import { freshSalt, grantIdOf } from "./grantIds.ts";

export type GrantReason = StatusReason;

export const EIDL_CONTRACTS: Record<string, ContractArtifact> = { OrganisationRegistry, TnAuthority };

export const eidlDeployment: DeploymentStep[] = [
  {
    name: "OrganisationRegistry",
    artifact: OrganisationRegistry,
    args: (deployed) => [deployed.ConsortiumRegistry?.address, deployed.EthereumDIDRegistry?.address],
  },
  {
    name: "TnAuthority",
    artifact: TnAuthority,
    args: (deployed) => [deployed.ConsortiumRegistry?.address, deployed.OrganisationRegistry?.address],
  },
];

export interface GrantTermsInput {
  holder: Address;
  prefix: string;
  validFrom: number;
  validUntil: number;
  allowRedelegation: boolean;
  credentialHash: Hex;
  intendedUse: string;
  /** callerHashOf(callerSalt, callerName, purpose): the chain never sees the text. */
  callerHash: Hex;
  /** The salt the grant's id derives from; a fresh random one when omitted. */
  salt?: Hex;
}

export interface EidlLedger {
  createAccount(from: Address, identity: Address, orgType: number, name: string): Promise<Hex>;
  recordVetting(
    from: Address,
    v: { vetter: Address; organisation: Address; status: number; result: number; credentialHash: Hex },
  ): Promise<{ txHash: Hex; version: number }>;
  /** kind 0: allocate by `grantor` (a Numbering Authority); 1: assign under `parentId`; 2: delegate under it. */
  grant(
    from: Address,
    step: { kind: number; parentId: string | null; grantor: Address; terms: GrantTermsInput },
  ): Promise<{ grantId: string; txHash: Hex }>;
  /**
   * Many grants of one kind under one parent (or, kind 0, from one Numbering Authority) in one transaction
   * (ITnAuthority.allocateBatch / assignBatch / delegateBatch): all or nothing; a refused item rejects with
   * BatchItemRefusedError naming its index in `terms`. `gas` bounds the transaction (no node estimate).
   */
  grantBatch(
    from: Address,
    step: { kind: number; parentId: string | null; grantor: Address; terms: readonly GrantTermsInput[]; gas?: bigint },
  ): Promise<{ grantIds: string[]; txHash: Hex }>;
  port(
    from: Address,
    numberingAuthority: Address,
    terms: GrantTermsInput,
    consent: PortConsentInput,
  ): Promise<{ grantId: string; fromAllocationId: string; txHash: Hex }>;
  /**
   * Many ports by one Numbering Authority in one transaction (ITnAuthority.portBatch), item i on the authority of
   * its own consent: all or nothing; a refused item rejects with BatchItemRefusedError naming its index.
   */
  portBatch(
    from: Address,
    numberingAuthority: Address,
    items: readonly { terms: GrantTermsInput; consent: PortConsentInput }[],
  ): Promise<{ ports: { grantId: string; fromAllocationId: string }[]; txHash: Hex }>;
  /** Whether `prefix` lies inside the Numbering Authority's numbering-plan scope (ITnAuthority.inScope). */
  inScope(numberingAuthority: Address, prefix: string): Promise<boolean>;
  /** The Numbering Authority's numbering-plan scope (ITnAuthority.scopeOf). */
  scopeOf(numberingAuthority: Address): Promise<string[]>;
  /** Proposes a whole scope as governor `from` (its approval counts); `executed` when that already made a majority. */
  proposeScope(
    from: Address,
    numberingAuthority: Address,
    prefixes: readonly string[],
  ): Promise<{ proposalId: number; executed: boolean; txHash: Hex }>;
  /** Approves scope proposal `proposalId` as governor `from`; `executed` when this approval set the scope. */
  approveScope(from: Address, proposalId: number): Promise<{ executed: boolean; txHash: Hex }>;
  revoke(from: Address, grantId: string, reason: GrantReason): Promise<Hex>;
  /**
   * Revokes many grants of one revoker in ONE transaction (ITnAuthority.revokeBatch): all or nothing; a refused item
   * rejects with BatchItemRefusedError naming its index. `gas` bounds the transaction (one eth_call pre-flight instead
   * of the node's estimate).
   */
  revokeBatch(from: Address, grantIds: readonly string[], reason: GrantReason, gas?: bigint): Promise<Hex>;
  whoMayUse(tn: string, at: number): Promise<{ holders: Address[]; grantIds: string[] }>;
}

/** On what authority a port happens (ITnAuthority.PortAuthority) and the hash of the evidence held off chain. */
export interface PortConsentInput {
  /** 0 both providers consented, 1 the Numbering Authority ordered it. */
  authority: number;
  evidenceHash: Hex;
}

const termsOf = (t: GrantTermsInput, salt: Hex) => ({
  holder: t.holder,
  prefix: t.prefix,
  validFrom: BigInt(t.validFrom),
  validUntil: BigInt(t.validUntil),
  allowRedelegation: t.allowRedelegation,
  credentialHash: t.credentialHash,
  salt,
  constraints: { intendedUse: t.intendedUse, callerHash: t.callerHash },
});

/** The errors a batch's eth_call may return: the TnAuthority's and the registry's it calls. */
const BATCH_ERRORS = mergeErrorAbis([TnAuthority.abi, OrganisationRegistry.abi]);

/** A batch refused by the contract (ITnAuthority.BatchItemRefused): item `index`, with the single call's error. */
export class BatchItemRefusedError extends Error {
  readonly index: number;
  /** The item's decoded custom error ("PrefixNotCovered"), or undefined when it ran out of gas or is unknown. */
  readonly errorName: string | undefined;
  readonly errorArgs: readonly unknown[];
  constructor(label: string, index: number, errorName: string | undefined, errorArgs: readonly unknown[]) {
    super(`${label}: item ${index} refused: ${errorName ?? "out of gas or undecodable"}(${errorArgs.join(", ")})`);
    this.name = "BatchItemRefusedError";
    this.index = index;
    this.errorName = errorName;
    this.errorArgs = errorArgs;
  }
}

/** Turns a batch's BatchItemRefused revert into BatchItemRefusedError; anything else is rethrown as it is. */
export function batchRefusal(error: unknown, label: string): unknown {
  if (!(error instanceof TxRevertedError) || error.errorName !== "BatchItemRefused") return error;
  const [index, reason] = error.errorArgs as [bigint, Hex];
  try {
    const inner = decodeErrorResult({ abi: TnAuthority.abi, data: reason });
    return new BatchItemRefusedError(label, Number(index), inner.errorName, inner.args ?? []);
  } catch {
    return new BatchItemRefusedError(label, Number(index), undefined, []);
  }
}

/** Thrown when a mined grant carries another id than the one computed before sending: the formulas disagree. */
export class GrantIdMismatchError extends Error {
  constructor(label: string, expected: string, actual: string, txHash: Hex) {
    super(`${label}: computed grant id ${expected}, but ${txHash} recorded ${actual}`);
    this.name = "GrantIdMismatchError";
  }
}

export class EidlChainLedger implements EidlLedger {
  readonly #chain: ChainClient;
  readonly #sender: TxSender;
  readonly #organisations: Address;
  readonly #tnAuthority: Address;

  constructor(options: { chain: ChainClient; sender: TxSender; organisations: Address; tnAuthority: Address }) {
    this.#chain = options.chain;
    this.#sender = options.sender;
    this.#organisations = options.organisations;
    this.#tnAuthority = options.tnAuthority;
  }

  async createAccount(from: Address, identity: Address, orgType: number, name: string): Promise<Hex> {
    const data = encodeFunctionData({
      abi: OrganisationRegistry.abi,
      functionName: "createAccount",
      args: [identity, orgType, name],
    });
    const receipt = await this.#sender.send({
      from,
      to: this.#organisations,
      data,
      label: `eidl.createAccount ${identity}`,
    });
    return receipt.transactionHash;
  }

  async recordVetting(
    from: Address,
    v: { vetter: Address; organisation: Address; status: number; result: number; credentialHash: Hex },
  ) {
    const data = encodeFunctionData({
      abi: OrganisationRegistry.abi,
      functionName: "recordVetting",
      args: [v.vetter, v.organisation, v.status, v.result, v.credentialHash],
    });
    const receipt = await this.#sender.send({
      from,
      to: this.#organisations,
      data,
      label: `eidl.recordVetting ${v.organisation} by ${v.vetter}`,
    });
    const [event] = parseEventLogs({ abi: OrganisationRegistry.abi, logs: receipt.logs, eventName: "VettingRecorded" });
    if (!event) throw new Error(`recordVetting ${receipt.transactionHash} emitted no VettingRecorded`);
    return { txHash: receipt.transactionHash, version: Number(event.args.version) };
  }

  /** The id a grant by `from` with `salt` gets (ITnAuthority.grantIdOf). */
  #idOf(from: Address, salt: Hex, kind: number, parentId: string | null, t: GrantTermsInput): string {
    return grantIdOf({
      chainId: this.#chain.chain.id,
      tnAuthority: this.#tnAuthority,
      caller: from,
      salt,
      kind,
      parentId,
      prefix: t.prefix,
      holder: t.holder,
    });
  }

  async grant(
    from: Address,
    step: { kind: number; parentId: string | null; grantor: Address; terms: GrantTermsInput },
  ) {
    const salt = step.terms.salt ?? freshSalt();
    const grantId = this.#idOf(from, salt, step.kind, step.parentId, step.terms);
    const terms = termsOf(step.terms, salt);
    const data =
      step.kind === 0
        ? encodeFunctionData({ abi: TnAuthority.abi, functionName: "allocate", args: [step.grantor, terms] })
        : encodeFunctionData({
            abi: TnAuthority.abi,
            functionName: step.kind === 1 ? "assign" : "delegate",
            args: [BigInt(step.parentId ?? 0), terms],
          });
    const verb = ["allocate", "assign", "delegate"][step.kind];
    const label = `eidl.${verb} #${grantId} ${step.terms.prefix} to ${step.terms.holder}`;
    const receipt = await this.#sender.send({ from, to: this.#tnAuthority, data, label });
    const [event] = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "GrantRecorded" });
    if (!event) throw new Error(`${label}: ${receipt.transactionHash} emitted no GrantRecorded`);
    const recorded = event.args.grantId.toString();
    if (recorded !== grantId) throw new GrantIdMismatchError(label, grantId, recorded, receipt.transactionHash);
    return { grantId, txHash: receipt.transactionHash };
  }

  async grantBatch(
    from: Address,
    step: { kind: number; parentId: string | null; grantor: Address; terms: readonly GrantTermsInput[]; gas?: bigint },
  ) {
    const salted = step.terms.map((t) => ({ t, salt: t.salt ?? freshSalt() }));
    const grantIds = salted.map(({ t, salt }) => this.#idOf(from, salt, step.kind, step.parentId, t));
    const list = salted.map(({ t, salt }) => termsOf(t, salt));
    const data =
      step.kind === 0
        ? encodeFunctionData({ abi: TnAuthority.abi, functionName: "allocateBatch", args: [step.grantor, list] })
        : encodeFunctionData({
            abi: TnAuthority.abi,
            functionName: step.kind === 1 ? "assignBatch" : "delegateBatch",
            args: [BigInt(step.parentId ?? 0), list],
          });
    const verb = ["allocateBatch", "assignBatch", "delegateBatch"][step.kind];
    const first = step.terms[0]?.prefix ?? "";
    const label = `eidl.${verb} x${list.length} from ${first} under #${step.parentId ?? step.grantor}`;
    if (step.gas) await this.#preflight(from, data, step.gas, label);
    const receipt = await this.#sender
      .send({ from, to: this.#tnAuthority, data, label, ...(step.gas ? { gas: step.gas } : {}) })
      .catch((error: unknown) => {
        throw batchRefusal(error, label);
      });
    const recorded = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "GrantRecorded" }).map(
      (event) => event.args.grantId.toString(),
    );
    for (const [i, id] of grantIds.entries()) {
      if (recorded[i] !== id) {
        throw new GrantIdMismatchError(`${label} item ${i}`, id, recorded[i] ?? "none", receipt.transactionHash);
      }
    }
    return { grantIds, txHash: receipt.transactionHash };
  }

  /**
   * A batch with its own gas bound skips the node's estimate (a binary search that runs a large batch some twenty
   * times): one eth_call at that bound on the pending state finds a refusal instead, decoded as the outbox decodes one.
   */
  async #preflight(from: Address, data: Hex, gas: bigint, label: string) {
    try {
      await this.#chain.request({
        method: "eth_call",
        params: [{ from, to: this.#tnAuthority, data, gas: toHex(gas) }, "pending"],
      } as never);
    } catch (error) {
      throw batchRefusal(revertFromError(error, BATCH_ERRORS, label) ?? error, label);
    }
  }

  async port(from: Address, numberingAuthority: Address, t: GrantTermsInput, consent: PortConsentInput) {
    const salt = t.salt ?? freshSalt();
    const grantId = this.#idOf(from, salt, 0, null, t);
    const data = encodeFunctionData({
      abi: TnAuthority.abi,
      functionName: "port",
      args: [numberingAuthority, termsOf(t, salt), consent],
    });
    const label = `eidl.port #${grantId} ${t.prefix} to ${t.holder}`;
    const receipt = await this.#sender.send({ from, to: this.#tnAuthority, data, label });
    const [event] = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "NumberPorted" });
    if (!event) throw new Error(`${label}: ${receipt.transactionHash} emitted no NumberPorted`);
    const recorded = event.args.newAllocationId.toString();
    if (recorded !== grantId) throw new GrantIdMismatchError(label, grantId, recorded, receipt.transactionHash);
    return {
      grantId,
      fromAllocationId: event.args.fromAllocationId.toString(),
      txHash: receipt.transactionHash,
    };
  }

  async portBatch(
    from: Address,
    numberingAuthority: Address,
    items: readonly { terms: GrantTermsInput; consent: PortConsentInput }[],
  ) {
    const salted = items.map(({ terms, consent }) => ({ terms, consent, salt: terms.salt ?? freshSalt() }));
    const grantIds = salted.map(({ terms, salt }) => this.#idOf(from, salt, 0, null, terms));
    const data = encodeFunctionData({
      abi: TnAuthority.abi,
      functionName: "portBatch",
      args: [
        numberingAuthority,
        salted.map(({ terms, salt }) => termsOf(terms, salt)),
        salted.map(({ consent }) => consent),
      ],
    });
    const label = `eidl.portBatch x${items.length} from ${items[0]?.terms.prefix ?? ""}`;
    const receipt = await this.#sender.send({ from, to: this.#tnAuthority, data, label }).catch((error: unknown) => {
      throw batchRefusal(error, label);
    });
    const ported = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "NumberPorted" });
    const ports = grantIds.map((grantId, i) => {
      const event = ported[i];
      const recorded = event?.args.newAllocationId.toString() ?? "none";
      if (recorded !== grantId) {
        throw new GrantIdMismatchError(`${label} item ${i}`, grantId, recorded, receipt.transactionHash);
      }
      return { grantId, fromAllocationId: (event?.args.fromAllocationId ?? 0n).toString() };
    });
    return { ports, txHash: receipt.transactionHash };
  }

  async revoke(from: Address, grantId: string, reason: GrantReason): Promise<Hex> {
    const data = encodeFunctionData({
      abi: TnAuthority.abi,
      functionName: "revoke",
      args: [BigInt(grantId), statusReasons[reason]],
    });
    const receipt = await this.#sender.send({ from, to: this.#tnAuthority, data, label: `eidl.revoke #${grantId}` });
    return receipt.transactionHash;
  }

  async revokeBatch(from: Address, grantIds: readonly string[], reason: GrantReason, gas?: bigint): Promise<Hex> {
    const data = encodeFunctionData({
      abi: TnAuthority.abi,
      functionName: "revokeBatch",
      args: [grantIds.map(BigInt), statusReasons[reason]],
    });
    const label = `eidl.revokeBatch x${grantIds.length} from #${grantIds[0] ?? ""}`;
    if (gas) await this.#preflight(from, data, gas, label);
    const receipt = await this.#sender
      .send({ from, to: this.#tnAuthority, data, label, ...(gas ? { gas } : {}) })
      .catch((error: unknown) => {
        throw batchRefusal(error, label);
      });
    return receipt.transactionHash;
  }

  async whoMayUse(tn: string, at: number) {
    const [holders, grantIds] = await this.#chain.readContract({
      address: this.#tnAuthority,
      abi: TnAuthority.abi,
      functionName: "whoMayUse",
      args: [tn, BigInt(at)],
    });
    return { holders: [...holders], grantIds: grantIds.map((id) => id.toString()) };
  }

  async inScope(numberingAuthority: Address, prefix: string): Promise<boolean> {
    return this.#chain.readContract({
      address: this.#tnAuthority,
      abi: TnAuthority.abi,
      functionName: "inScope",
      args: [numberingAuthority, prefix],
    });
  }

  async scopeOf(numberingAuthority: Address): Promise<string[]> {
    const prefixes = await this.#chain.readContract({
      address: this.#tnAuthority,
      abi: TnAuthority.abi,
      functionName: "scopeOf",
      args: [numberingAuthority],
    });
    return [...prefixes];
  }

  async proposeScope(from: Address, numberingAuthority: Address, prefixes: readonly string[]) {
    const data = encodeFunctionData({
      abi: TnAuthority.abi,
      functionName: "proposeScope",
      args: [numberingAuthority, [...prefixes]],
    });
    const label = `eidl.proposeScope ${numberingAuthority} ${prefixes.join(",")}`;
    const receipt = await this.#sender.send({ from, to: this.#tnAuthority, data, label });
    const [proposed] = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "ScopeProposed" });
    if (!proposed) throw new Error(`${label}: ${receipt.transactionHash} emitted no ScopeProposed`);
    const set = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "NumberingScopeSet" });
    return { proposalId: Number(proposed.args.proposalId), executed: set.length > 0, txHash: receipt.transactionHash };
  }

  async approveScope(from: Address, proposalId: number) {
    const data = encodeFunctionData({ abi: TnAuthority.abi, functionName: "approveScope", args: [BigInt(proposalId)] });
    const receipt = await this.#sender.send({
      from,
      to: this.#tnAuthority,
      data,
      label: `eidl.approveScope #${proposalId}`,
    });
    const set = parseEventLogs({ abi: TnAuthority.abi, logs: receipt.logs, eventName: "NumberingScopeSet" });
    return { executed: set.length > 0, txHash: receipt.transactionHash };
  }
}
