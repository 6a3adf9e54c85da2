// On-chain credential status: revoke / suspend / reinstate a credential through the outbox (signed by the issuer
// DID's controller, the only account the registry accepts), and read its current status and history.
import { type Address, encodeFunctionData, type Hex, isHex, keccak256, type PublicClient, stringToHex } from "viem";
import { CredentialStatusRegistry } from "../../generated/contracts.ts";
import type { TxSender } from "../chain/types.ts";
import type { DidService } from "./did.ts";
import { parseEthrDid } from "./didEthr.ts";
import { invalidInput } from "./errors.ts";

const credentialStatusRegistryAbi = CredentialStatusRegistry.abi;

/** Why a status changed; the numbers are what the contract stores. */
export const statusReasons = {
  Unspecified: 0,
  KeyCompromise: 1,
  Superseded: 2,
  CessationOfOperation: 3,
  Fraud: 4,
  NumberPort: 5,
  Canceled: 6,
  Expired: 7,
  VettingWithdrawn: 8,
  /** Application-defined (the registry reserves 9-999): a single-use attestation was used (flow 2.4's discount). */
  Spent: 1000,
} as const;
export type StatusReason = keyof typeof statusReasons;
const reasonNames = Object.keys(statusReasons) as StatusReason[];
const reasonCodes = new Set<number>(Object.values(statusReasons));

/** Indexed by the contract's Status enum: Active 0, Suspended 1, Revoked 2. */
export const credentialStatuses = ["active", "suspended", "revoked"] as const;
export type CredentialStatusName = (typeof credentialStatuses)[number];

export interface CredentialStatusRecord {
  status: CredentialStatusName;
  reason: StatusReason;
  /** When the current status began (block time); null for a credential never touched (active by default). */
  since: Date | null;
}

export interface CredentialStatusChange {
  status: CredentialStatusName;
  reason: StatusReason;
  at: Date;
  blockNumber: bigint;
}

/** The registry key of a credential: keccak256 of its `id` (a urn:uuid:), UTF-8. */
export function credentialIdOf(vcId: string): Hex {
  if (typeof vcId !== "string" || vcId === "") throw invalidInput("id", "must be the credential's id");
  return keccak256(stringToHex(vcId));
}

export function reasonCodeOf(reason: StatusReason | number, field = "reason"): number {
  if (typeof reason === "number") {
    if (!Number.isInteger(reason) || !reasonCodes.has(reason)) {
      throw invalidInput(field, `must be a reason code: ${[...reasonCodes].join(", ")}`);
    }
    return reason;
  }
  const code = (statusReasons as Record<string, number>)[reason];
  if (code === undefined) throw invalidInput(field, `must be one of ${reasonNames.join(", ")}`);
  return code;
}

export function reasonNameOf(code: number): StatusReason {
  // A code this version does not know is still shown, never silently mapped to another reason.
  return reasonNames.find((name) => statusReasons[name] === code) ?? (`Unknown(${code})` as StatusReason);
}

function statusNameOf(code: number): CredentialStatusName {
  const name = credentialStatuses[code];
  if (!name) throw new Error(`registry returned unknown status ${code}`);
  return name;
}

function validCredentialId(value: unknown): Hex {
  if (typeof value !== "string" || !isHex(value) || value.length !== 66) {
    throw invalidInput("credentialId", "must be a 0x-prefixed 32-byte hex string");
  }
  return value.toLowerCase() as Hex;
}

export interface CredentialStatusServiceOptions {
  txSender: TxSender;
  publicClient: Pick<PublicClient, "readContract">;
  /** The CredentialStatusRegistry address. */
  registry: Address;
  /** Finds the controller that signs for a hosted issuer DID. */
  dids: Pick<DidService, "get">;
}

export class CredentialStatusService {
  readonly #tx: TxSender;
  readonly #client: Pick<PublicClient, "readContract">;
  readonly registry: Address;
  readonly #dids: Pick<DidService, "get">;

  constructor(options: CredentialStatusServiceOptions) {
    this.#tx = options.txSender;
    this.#client = options.publicClient;
    this.registry = options.registry;
    this.#dids = options.dids;
  }

  revoke(issuerDid: string, credentialId: Hex, reason: StatusReason | number): Promise<CredentialStatusRecord> {
    return this.#change("revoke", issuerDid, credentialId, reason);
  }

  suspend(issuerDid: string, credentialId: Hex, reason: StatusReason | number): Promise<CredentialStatusRecord> {
    return this.#change("suspend", issuerDid, credentialId, reason);
  }

  reinstate(issuerDid: string, credentialId: Hex, reason: StatusReason | number): Promise<CredentialStatusRecord> {
    return this.#change("reinstate", issuerDid, credentialId, reason);
  }

  /** Current status of any issuer's credential (the issuer need not be hosted here). */
  async statusOf(issuerDid: string, credentialId: Hex): Promise<CredentialStatusRecord> {
    const issuer = parseEthrDid(issuerDid, "issuerDid").address;
    const id = validCredentialId(credentialId);
    const [status, reason, since] = (await this.#client.readContract({
      address: this.registry,
      abi: credentialStatusRegistryAbi,
      functionName: "statusOf",
      args: [issuer, id],
    })) as readonly [number, number, bigint];
    return {
      status: statusNameOf(Number(status)),
      reason: reasonNameOf(Number(reason)),
      since: BigInt(since) === 0n ? null : new Date(Number(since) * 1000),
    };
  }

  /** Every status change, oldest first. */
  async statusHistory(issuerDid: string, credentialId: Hex): Promise<CredentialStatusChange[]> {
    const issuer = parseEthrDid(issuerDid, "issuerDid").address;
    const id = validCredentialId(credentialId);
    const history = (await this.#client.readContract({
      address: this.registry,
      abi: credentialStatusRegistryAbi,
      functionName: "historyOf",
      args: [issuer, id],
    })) as readonly { status: number; reason: number; at: bigint; blockNumber: bigint }[];
    return history.map((change) => ({
      status: statusNameOf(Number(change.status)),
      reason: reasonNameOf(Number(change.reason)),
      at: new Date(Number(change.at) * 1000),
      blockNumber: BigInt(change.blockNumber),
    }));
  }

  async #change(
    action: "revoke" | "suspend" | "reinstate",
    issuerDid: string,
    credentialId: Hex,
    reason: StatusReason | number,
  ): Promise<CredentialStatusRecord> {
    const id = validCredentialId(credentialId);
    const code = reasonCodeOf(reason);
    const hosted = await this.#dids.get(issuerDid);
    const label = `identity.${action}Credential ${id}`;
    const receipt = await this.#tx.send({
      from: hosted.controller,
      to: this.registry,
      data: encodeFunctionData({
        abi: credentialStatusRegistryAbi,
        functionName: action,
        args: [hosted.address, id, code],
      }),
      label,
    });
    if (receipt.status !== "success") throw new Error(`${label} reverted in ${receipt.transactionHash}`);
    return this.statusOf(hosted.did, id);
  }
}
