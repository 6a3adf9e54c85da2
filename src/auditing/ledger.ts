// The auditing contracts as the agent uses them: their deployment (the members' beacon, then the court, which deploys
// the one escrow that answers to it), the ids the contracts derive (computed before sending), and calls sent through
// the outbox from any account of this agent's keystore (the member account, or an auditor account bound to it). A
// revert reaches the service as TxRevertedError with the contract's custom error, before anything is journalled.
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, keccak256 } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { DeploymentStep } from "../core/chain/deploy.ts";
import type { ContractArtifact, TxSender } from "../core/chain/types.ts";
import {
  AuditorTickets,
  CourtGovernance,
  MemberBeacon,
  OutcomeCourt,
  ServiceEscrow,
  SettlementToken,
} from "../generated/contracts.ts";

export const MEMBER_BEACON = "MemberBeacon";
export const OUTCOME_COURT = "OutcomeCourt";

export const AUDITING_CONTRACTS: Record<string, ContractArtifact> = {
  [MEMBER_BEACON]: MemberBeacon,
  [OUTCOME_COURT]: OutcomeCourt,
};

/**
 * The platform's deployment values, chosen so that a sandbox case runs in minutes of devnet time: one-hour epochs,
 * ten-minute beacon phases and ten-minute commit and reveal periods. A production consortium deploys with 30-day epochs
 * and one-day periods (the Solidity tests' values); governance changes every parameter but the epoch length.
 */
export const EPOCH_SECONDS = 3_600n;
export const BEACON_PHASE_SECONDS = 600n;
export const BEACON_MIN_REVEALS = 1;

export function initialParams(slashSink: Address) {
  return {
    commitSeconds: 600n,
    revealSeconds: 600n,
    minAuditorStake: 100_00n,
    jurorDeposit: 10_00n,
    complaintStakeBps: 1_000,
    validationFeeBps: 2_000,
    objectionStakeBps: 2_000,
    objectorShareBps: 5_000,
    firstJurySize: 3,
    objectionJurySize: 5,
    maxAttempts: 3,
    ticketsPerSeat: 2,
    vetQuorum: 1,
    maxSignalEpochs: 6,
    slashSink,
  };
}

export const auditingDeployment: DeploymentStep[] = [
  {
    name: MEMBER_BEACON,
    artifact: MemberBeacon,
    args: (d) => {
      const consortium = d.ConsortiumRegistry;
      if (!consortium) throw new Error("ConsortiumRegistry must be deployed before MemberBeacon");
      return [consortium.address, BEACON_PHASE_SECONDS, BEACON_MIN_REVEALS];
    },
  },
  {
    name: OUTCOME_COURT,
    artifact: OutcomeCourt,
    args: (d) => {
      const consortium = d.ConsortiumRegistry;
      const token = d.SettlementToken;
      const beacon = d[MEMBER_BEACON];
      if (!consortium || !token || !beacon) {
        throw new Error("ConsortiumRegistry, SettlementToken and MemberBeacon must be deployed before OutcomeCourt");
      }
      // The deployment knows no bank account: slashed deposits go to the token contract's address, out of
      // circulation (not burned) until governance names the bank (proposeParams). docs/auditing.md, "Not done".
      return [consortium.address, token.address, beacon.address, EPOCH_SECONDS, initialParams(token.address)];
    },
  },
];

const encode = (types: readonly string[], values: readonly unknown[]) =>
  keccak256(encodeAbiParameters(types.map((type) => ({ type })) as never, values as never));

/** ServiceEscrow's agreement id. */
export function agreementIdOf(
  chainId: number,
  escrow: Address,
  recipient: Address,
  terms: {
    provider: Address;
    fee: bigint;
    upfrontBps: number;
    escrowSeconds: number;
    auditBps: number;
    termsHash: Hex;
    salt: Hex;
  },
): Hex {
  return encode(
    ["uint256", "address", "address", "address", "uint128", "uint16", "uint32", "uint16", "bytes32", "bytes32"],
    [
      BigInt(chainId),
      escrow,
      recipient,
      terms.provider,
      terms.fee,
      terms.upfrontBps,
      terms.escrowSeconds,
      terms.auditBps,
      terms.termsHash,
      terms.salt,
    ],
  );
}

export const taskIdOf = (agreementId: Hex, taskRef: Hex): Hex => encode(["bytes32", "bytes32"], [agreementId, taskRef]);
export const caseIdOf = (taskId: Hex, requester: Address): Hex => encode(["bytes32", "address"], [taskId, requester]);

/** The vote commitment OutcomeCourt.revealVote opens. */
export const voteCommitmentOf = (
  caseId: Hex,
  round: number,
  attempt: number,
  juror: Address,
  vote: number,
  salt: Hex,
) => encode(["bytes32", "uint8", "uint8", "address", "uint8", "bytes32"], [caseId, round, attempt, juror, vote, salt]);

/** The beacon commitment MemberBeacon.reveal opens. */
export const beaconCommitmentOf = (key: Hex, member: Address, secret: Hex) =>
  encode(["bytes32", "address", "bytes32"], [key, member, secret]);

export interface AuditingLedgerOptions {
  chain: ChainClient;
  sender: TxSender;
  court: Address;
  beacon: Address;
  token: Address;
}

type Target = "court" | "escrow" | "beacon" | "token" | "tickets" | "governance";

export class AuditingLedger {
  readonly #o: AuditingLedgerOptions;
  #escrow: Promise<Address> | undefined;
  #tickets: Promise<Address> | undefined;
  #governance: Promise<Address> | undefined;

  constructor(options: AuditingLedgerOptions) {
    this.#o = options;
  }

  get court(): Address {
    return this.#o.court;
  }

  get token(): Address {
    return this.#o.token;
  }

  /** The escrow the court deployed in its constructor (not in the manifest: read from the court once). */
  escrow(): Promise<Address> {
    this.#escrow ??= this.#o.chain.readContract({
      address: this.#o.court,
      abi: OutcomeCourt.abi,
      functionName: "escrow",
    }) as Promise<Address>;
    return this.#escrow;
  }

  /** The auditors' ticket registry the court deployed in its constructor (read from the court once). */
  tickets(): Promise<Address> {
    this.#tickets ??= this.#courtAddress("tickets");
    return this.#tickets;
  }

  /** The court's parameter governance, deployed by the court (read from the court once). */
  governance(): Promise<Address> {
    this.#governance ??= this.#courtAddress("governance");
    return this.#governance;
  }

  #courtAddress(functionName: "tickets" | "governance"): Promise<Address> {
    return this.#o.chain.readContract({
      address: this.#o.court,
      abi: OutcomeCourt.abi,
      functionName,
    }) as Promise<Address>;
  }

  async send(from: Address, target: Target, functionName: string, args: readonly unknown[], label: string) {
    const { address, abi } = await this.#contract(target);
    const data = encodeFunctionData({ abi, functionName, args } as never);
    return this.#o.sender.send({ from, to: address, data, label });
  }

  async read<T>(target: Target, functionName: string, args: readonly unknown[] = [], blockNumber?: bigint): Promise<T> {
    const { address, abi } = await this.#contract(target);
    return (await this.#o.chain.readContract({
      address,
      abi,
      functionName,
      args,
      ...(blockNumber === undefined ? {} : { blockNumber }),
    } as never)) as T;
  }

  balanceOf(account: Address): Promise<bigint> {
    return this.read<bigint>("token", "balanceOf", [account]);
  }

  async #contract(target: Target): Promise<{ address: Address; abi: readonly unknown[] }> {
    switch (target) {
      case "court":
        return { address: this.#o.court, abi: OutcomeCourt.abi };
      case "escrow":
        return { address: await this.escrow(), abi: ServiceEscrow.abi };
      case "beacon":
        return { address: this.#o.beacon, abi: MemberBeacon.abi };
      case "token":
        return { address: this.#o.token, abi: SettlementToken.abi };
      case "tickets":
        return { address: await this.tickets(), abi: AuditorTickets.abi };
      case "governance":
        return { address: await this.governance(), abi: CourtGovernance.abi };
    }
  }
}
