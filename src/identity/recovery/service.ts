// Social recovery as this member's agent sees it: a guardian (propose, approve), the person's operator (record a SIM
// swap of an enrolled number), anyone (execute), and a relay for what the person signs (enrolment, cancellation,
// handing the identity into the contract's custody). Rules live in contracts/identity/SocialRecovery.sol; this file
// only reads its views, sends through the outbox, and turns its named reverts into the identity error table's codes.
import { type Address, encodeFunctionData, encodePacked, type Hex, hexToSignature, keccak256, stringToHex } from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import { TxRevertedError } from "../../core/chain/errors.ts";
import type { Outbox } from "../../core/chain/index.ts";
import type { TxTicket } from "../../core/chain/types.ts";
import { IdentityError, type IdentityErrorCode, invalidInput } from "../../core/identity/errors.ts";
import { EthereumDIDRegistry, SocialRecovery } from "../../generated/contracts.ts";

export const SOCIAL_RECOVERY = "SocialRecovery";
/** How long the operator guardian's approvals are refused after it records a SIM swap (seconds). */
export const SIM_SWAP_COOL_DOWN_SECONDS = 7 * 86_400;
/** The shortest delay a person may choose between the threshold and execution (seconds). */
export const MIN_RECOVERY_DELAY_SECONDS = 3_600;

export interface RecoveryServiceOptions {
  chain: ChainClient;
  outbox: Outbox;
  memberAccount: Address;
  recovery: Address;
  didRegistry: Address;
}

export interface Guardianship {
  identity: Address;
  /** The key that controls the identity through the contract (zero when never enrolled). */
  controller: Address;
  guardians: Address[];
  threshold: number;
  delaySeconds: number;
  /** The operator guardian, or null. */
  operator: Address | null;
  round: string;
  /** Whether the contract is the identity's ERC-1056 owner (recoveries need it). */
  inCustody: boolean;
  /** ISO end of the operator's SIM-swap cool-down, or null when no swap was recorded. */
  coolDownEndsAt: string | null;
  /** Who signs the next enrolment or cancellation (the ERC-1056 owner, or the controller in custody), and its nonce. */
  signer: Address;
  signerNonce: string;
  /** The ERC-1056 registry and its nonce for the identity's owner: what a custody hand-over signature covers. */
  registry: Address;
  registryNonce: string;
}

export interface RecoveryView {
  recoveryId: Hex;
  identity: Address;
  newController: Address;
  /** Valid approvals now (an operator approval voided by a SIM swap does not count). */
  approvals: number;
  threshold: number;
  /** ISO time from which anyone may execute, or null while the threshold is not met. */
  readyAt: string | null;
  /** Open in the identity's current round (not cancelled, executed or replaced by a re-enrolment). */
  open: boolean;
}

export interface RecoveryReceipt {
  txHash: Hex;
}

const ZERO = "0x0000000000000000000000000000000000000000";
const iso = (seconds: bigint | number) => new Date(Number(seconds) * 1000).toISOString();

/** Contract errors with a code of their own; the rest answer the platform's CHAIN_REVERTED. */
const REVERT_CODES: Record<string, IdentityErrorCode> = {
  NotEnrolled: "RECOVERY_NOT_ENROLLED",
  NotInCustody: "RECOVERY_NOT_ENROLLED",
  NotGuardian: "RECOVERY_REFUSED",
  NotOperator: "RECOVERY_REFUSED",
  NotController: "RECOVERY_REFUSED",
  BadSignature: "RECOVERY_REFUSED",
  OperatorCoolingDown: "RECOVERY_OPERATOR_COOLING_DOWN",
  ThresholdNotMet: "RECOVERY_THRESHOLD_NOT_MET",
  RecoveryDelayRunning: "RECOVERY_DELAY_RUNNING",
  UnknownRecovery: "RECOVERY_UNKNOWN",
  RecoveryExists: "RECOVERY_CONFLICT",
  AlreadyApproved: "RECOVERY_CONFLICT",
};

export class RecoveryService {
  readonly #o: RecoveryServiceOptions;

  constructor(options: RecoveryServiceOptions) {
    this.#o = options;
  }

  get contract(): Address {
    return this.#o.recovery;
  }

  async guardianship(identity: Address): Promise<Guardianship> {
    const on = { address: this.#o.recovery, abi: SocialRecovery.abi } as const;
    const [controller, guardians, threshold, delay, operator, round] = await this.#o.chain.readContract({
      ...on,
      functionName: "guardianshipOf",
      args: [identity],
    });
    const owner = await this.#o.chain.readContract({
      address: this.#o.didRegistry,
      abi: EthereumDIDRegistry.abi,
      functionName: "identityOwner",
      args: [identity],
    });
    const inCustody = owner.toLowerCase() === this.#o.recovery.toLowerCase();
    const coolDownEnds = await this.#o.chain.readContract({ ...on, functionName: "coolDownEndsOf", args: [identity] });
    const signer = inCustody ? controller : owner;
    const signerNonce = await this.#o.chain.readContract({ ...on, functionName: "nonceOf", args: [signer] });
    const registryNonce = await this.#o.chain.readContract({
      address: this.#o.didRegistry,
      abi: EthereumDIDRegistry.abi,
      functionName: "nonce",
      args: [owner],
    });
    return {
      identity,
      controller,
      guardians: [...guardians],
      threshold,
      delaySeconds: delay,
      operator: operator === ZERO ? null : operator,
      round: round.toString(),
      inCustody,
      coolDownEndsAt: coolDownEnds === 0n ? null : iso(coolDownEnds),
      signer,
      signerNonce: signerNonce.toString(),
      registry: this.#o.didRegistry,
      registryNonce: registryNonce.toString(),
    };
  }

  async recovery(identity: Address, recoveryId: Hex): Promise<RecoveryView> {
    const on = { address: this.#o.recovery, abi: SocialRecovery.abi } as const;
    const r = await this.#o.chain.readContract({ ...on, functionName: "recoveryOf", args: [recoveryId] });
    if (r.identity.toLowerCase() !== identity.toLowerCase()) {
      throw new IdentityError("RECOVERY_UNKNOWN", `no recovery ${recoveryId} of ${identity}`);
    }
    const [approvals, readyAt] = await this.#o.chain.readContract({
      ...on,
      functionName: "statusOf",
      args: [recoveryId],
    });
    const g = await this.guardianship(identity);
    return {
      recoveryId,
      identity: r.identity,
      newController: r.newController,
      approvals,
      threshold: g.threshold,
      readyAt: readyAt === 0n ? null : iso(readyAt),
      open: r.round.toString() === g.round,
    };
  }

  /** Relays the person's EIP-712 signed enrolment (ISocialRecovery.enrolSigned). */
  async relayEnrolment(input: {
    identity: Address;
    guardians: Address[];
    threshold: number;
    delaySeconds: number;
    operator: Address | null;
    signer: Address;
    signature: Hex;
  }): Promise<RecoveryReceipt> {
    const args = [
      input.identity,
      input.guardians,
      input.threshold,
      input.delaySeconds,
      input.operator ?? ZERO,
      input.signer,
      input.signature,
    ] as const;
    return await this.#send("enrolSigned", args, `identity.recovery.enrol ${input.identity}`);
  }

  /** Relays the person's ERC-1056 signature handing the identity to the contract (changeOwnerSigned). */
  async relayCustody(identity: Address, signature: Hex): Promise<RecoveryReceipt> {
    let parts: ReturnType<typeof hexToSignature>;
    try {
      parts = hexToSignature(signature);
    } catch {
      throw invalidInput("body.signature", "is not a 65-byte signature (r, s and v 27 or 28)");
    }
    const { r, s, v, yParity } = parts;
    const data = encodeFunctionData({
      abi: EthereumDIDRegistry.abi,
      functionName: "changeOwnerSigned",
      args: [identity, Number(v ?? BigInt(yParity + 27)), r, s, this.#o.recovery],
    });
    return await this.#sendData(this.#o.didRegistry, data, `identity.recovery.custody ${identity}`);
  }

  /** Relays the controller's EIP-712 signed cancellation of every open recovery. */
  async relayCancellation(identity: Address, signer: Address, signature: Hex): Promise<RecoveryReceipt> {
    return await this.#send("cancelSigned", [identity, signer, signature], `identity.recovery.cancel ${identity}`);
  }

  /** This member, as a guardian, opens a recovery to `newController` (its approval counted). */
  async propose(identity: Address, newController: Address): Promise<RecoveryReceipt & { recoveryId: Hex }> {
    const receipt = await this.#send("propose", [identity, newController], `identity.recovery.propose ${identity}`);
    const recoveryId = await this.#o.chain.readContract({
      address: this.#o.recovery,
      abi: SocialRecovery.abi,
      functionName: "recoveryIdOf",
      args: [identity, newController],
    });
    return { ...receipt, recoveryId };
  }

  async approve(identity: Address, recoveryId: Hex): Promise<RecoveryReceipt> {
    return await this.#send("approve", [identity, recoveryId], `identity.recovery.approve ${recoveryId}`);
  }

  async execute(identity: Address, recoveryId: Hex): Promise<RecoveryReceipt> {
    return await this.#send("execute", [identity, recoveryId], `identity.recovery.execute ${recoveryId}`);
  }

  /** This member, as the identity's operator guardian, records a SIM swap of the number it knows is enrolled. */
  async recordSimSwap(identity: Address): Promise<RecoveryReceipt> {
    return await this.#send("recordSimSwap", [identity], `identity.recovery.simSwap ${identity}`);
  }

  /**
   * The same record as `recordSimSwap`, journalled and not waited for: the caller keeps the outbox ticket (so a restart
   * waits for the same transaction instead of sending another) and waits with `waitMined`.
   */
  async submitSimSwap(identity: Address, label: string): Promise<TxTicket> {
    const data = encodeFunctionData({ abi: SocialRecovery.abi, functionName: "recordSimSwap", args: [identity] });
    try {
      return await this.#o.outbox.submit({ from: this.#o.memberAccount, to: this.#o.recovery, data, label });
    } catch (error) {
      throw recoveryError(error);
    }
  }

  async waitMined(ticketId: string): Promise<Hex> {
    return (await this.#o.outbox.waitMined(ticketId)).transactionHash;
  }

  /** The chain's time (seconds): the latest block's timestamp. */
  async chainTime(): Promise<bigint> {
    return (await this.#o.chain.getBlock({ blockTag: "latest" })).timestamp;
  }

  /** When the identity's last SIM swap was recorded on chain (seconds; 0 when never). */
  async lastSimSwapAt(identity: Address): Promise<bigint> {
    const on = { address: this.#o.recovery, abi: SocialRecovery.abi } as const;
    const ends = await this.#o.chain.readContract({ ...on, functionName: "coolDownEndsOf", args: [identity] });
    if (ends === 0n) return 0n;
    const coolDown = await this.#o.chain.readContract({ ...on, functionName: "SIM_SWAP_COOL_DOWN" });
    return ends - BigInt(coolDown);
  }

  /** Whether this member is the identity's operator guardian now. */
  async isOperatorOf(identity: Address): Promise<boolean> {
    const g = await this.#o.chain.readContract({
      address: this.#o.recovery,
      abi: SocialRecovery.abi,
      functionName: "guardianshipOf",
      args: [identity],
    });
    return g[4].toLowerCase() === this.#o.memberAccount.toLowerCase();
  }

  async #send(functionName: string, args: readonly unknown[], label: string): Promise<RecoveryReceipt> {
    const data = encodeFunctionData({ abi: SocialRecovery.abi, functionName, args } as never);
    return await this.#sendData(this.#o.recovery, data, label);
  }

  async #sendData(to: Address, data: Hex, label: string): Promise<RecoveryReceipt> {
    try {
      const receipt = await this.#o.outbox.send({ from: this.#o.memberAccount, to, data, label });
      return { txHash: receipt.transactionHash };
    } catch (error) {
      throw recoveryError(error);
    }
  }
}

/** A named revert of the contract as the identity error table's code, with its arguments as facts. */
function recoveryError(error: unknown): unknown {
  if (!(error instanceof TxRevertedError) || !error.errorName) return error;
  const code = REVERT_CODES[error.errorName];
  if (!code) return error;
  const args = error.errorArgs.map((a) => (typeof a === "bigint" ? a.toString() : a));
  const details: Record<string, unknown> = { contractError: error.errorName, args };
  if (error.errorName === "OperatorCoolingDown") details.coolDownEndsAt = iso(error.errorArgs[2] as bigint);
  if (error.errorName === "RecoveryDelayRunning") details.readyAt = iso(error.errorArgs[1] as bigint);
  if (error.errorName === "ThresholdNotMet") {
    details.approvals = Number(error.errorArgs[1]);
    details.threshold = Number(error.errorArgs[2]);
  }
  return new IdentityError(code, `SocialRecovery refuses: ${error.message}`, { details, cause: error });
}

/** The ERC-1056 digest the owner signs to hand `identity` to `newOwner` (changeOwnerSigned). */
export function changeOwnerDigest(registry: Address, nonce: bigint, identity: Address, newOwner: Address): Hex {
  return keccak256(
    encodePacked(
      ["bytes1", "bytes1", "address", "uint256", "address", "bytes", "address"],
      ["0x19", "0x00", registry, nonce, identity, stringToHex("changeOwner"), newOwner],
    ),
  );
}

const domainOf = (contract: Address, chainId: number) =>
  ({ name: "SocialRecovery", version: "1", chainId, verifyingContract: contract }) as const;

/** The EIP-712 typed data a person signs to enrol guardians (ISocialRecovery.enrolSigned). */
export function enrolTypedData(
  contract: Address,
  chainId: number,
  request: {
    identity: Address;
    guardians: Address[];
    threshold: number;
    delaySeconds: number;
    operator: Address | null;
    nonce: bigint;
  },
) {
  return {
    domain: domainOf(contract, chainId),
    types: {
      Enrol: [
        { name: "identity", type: "address" },
        { name: "guardians", type: "address[]" },
        { name: "threshold", type: "uint8" },
        { name: "delay", type: "uint32" },
        { name: "operator", type: "address" },
        { name: "nonce", type: "uint256" },
      ],
    },
    primaryType: "Enrol",
    message: {
      identity: request.identity,
      guardians: request.guardians,
      threshold: request.threshold,
      delay: request.delaySeconds,
      operator: request.operator ?? ZERO,
      nonce: request.nonce,
    },
  } as const;
}

/** The EIP-712 typed data the controller signs to cancel every open recovery (ISocialRecovery.cancelSigned). */
export function cancelTypedData(contract: Address, chainId: number, request: { identity: Address; nonce: bigint }) {
  return {
    domain: domainOf(contract, chainId),
    types: {
      Cancel: [
        { name: "identity", type: "address" },
        { name: "nonce", type: "uint256" },
      ],
    },
    primaryType: "Cancel",
    message: { identity: request.identity, nonce: request.nonce },
  } as const;
}
