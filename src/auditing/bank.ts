// The governed side of auditing for one member's agent: the court's parameters (on the court's CourtGovernance, which
// the court deployed: a governor proposes a full parameter set, changed from the current one; other governors approve;
// a majority of governors executes it), and the
// multi-signature settlement bank (contracts/auditing/BankMultisig.sol): a member deploys it with its signers, the
// governors admit it as a member holding SETTLEMENT_BANK (an ordinary membership Admit proposal) and name it the
// court's slashSink, and its signers approve mints and burns; the threshold-th approval executes. Slashed deposits
// land in the bank's own balance, so a burn of that balance (burnOnPayout burns the bank's own tokens) takes them out
// of existence.
import type { Static } from "@sinclair/typebox";
import { type Address, encodeDeployData, encodeFunctionData, type Hex, keccak256, parseEventLogs, toHex } from "viem";
import type { TxSender } from "../core/chain/types.ts";
import { BankMultisig, CourtGovernance } from "../generated/contracts.ts";
import { AuditingError } from "./errors.ts";
import type { AuditingLedger } from "./ledger.ts";
import { refusalOf } from "./reverts.ts";
import type { ParamsSchema } from "./schemas.ts";

export const PARAM_FIELDS = [
  "commitSeconds",
  "revealSeconds",
  "minAuditorStake",
  "jurorDeposit",
  "complaintStakeBps",
  "validationFeeBps",
  "objectionStakeBps",
  "objectorShareBps",
  "firstJurySize",
  "objectionJurySize",
  "maxAttempts",
  "ticketsPerSeat",
  "vetQuorum",
  "maxSignalEpochs",
  "slashSink",
] as const;
export type ParamField = (typeof PARAM_FIELDS)[number];
type ChainParams = Record<ParamField, bigint | number | string>;
const BIG = new Set<ParamField>(["commitSeconds", "revealSeconds", "minAuditorStake", "jurorDeposit"]);

/** Parameters as the API shows them: amounts and periods as decimal strings, small counts as numbers. */
export function paramsView(p: ChainParams): Static<typeof ParamsSchema> {
  return Object.fromEntries(
    PARAM_FIELDS.map((f) => [
      f,
      BIG.has(f) ? String(p[f]) : f === "slashSink" ? String(p[f]).toLowerCase() : Number(p[f]),
    ]),
  ) as Static<typeof ParamsSchema>;
}

const KINDS = { mint: 0, burn: 1 } as const;
export type BankOperation = keyof typeof KINDS;

export interface AuditingGovernanceOptions {
  ledger: AuditingLedger;
  sender: TxSender;
  me: Address;
  /** Reads a deployed bank's view function. */
  readBank<T>(bank: Address, functionName: string, args?: readonly unknown[]): Promise<T>;
}

export class AuditingGovernance {
  readonly #o: AuditingGovernanceOptions;

  constructor(options: AuditingGovernanceOptions) {
    this.#o = options;
  }

  async params() {
    return paramsView(await this.#o.ledger.read<ChainParams>("court", "params"));
  }

  /** As governor: proposes the current parameters with `changes` applied (this governor's approval counts). */
  async proposeParams(changes: Partial<Record<ParamField, string | number>>) {
    const current = await this.#o.ledger.read<ChainParams>("court", "params");
    const proposed = Object.fromEntries(
      PARAM_FIELDS.map((f) => {
        const value = changes[f] ?? current[f];
        return [f, BIG.has(f) ? BigInt(value) : f === "slashSink" ? (String(value) as Address) : Number(value)];
      }),
    );
    const receipt = await this.#send(
      { to: await this.#o.ledger.governance(), data: this.#governanceCall("proposeParams", [proposed]) },
      "propose auditing params",
    );
    const [event] = parseEventLogs({ abi: CourtGovernance.abi, logs: receipt.logs, eventName: "ParamsProposed" });
    if (!event) throw new Error(`proposeParams ${receipt.transactionHash} emitted no ParamsProposed`);
    const proposalId = event.args.id;
    return {
      proposalId,
      params: paramsView(proposed as ChainParams),
      txHash: receipt.transactionHash,
      ...(await this.#executed()),
    };
  }

  /** As governor: approves a parameter proposal; the majority's approval executes it. */
  async approveParams(proposalId: Hex) {
    const receipt = await this.#send(
      { to: await this.#o.ledger.governance(), data: this.#governanceCall("approveParams", [proposalId]) },
      `approve auditing params ${proposalId.slice(0, 10)}`,
    );
    return { proposalId, txHash: receipt.transactionHash, ...(await this.#executed()) };
  }

  /** Deploys a multi-signature bank for the settlement token with these signers (member accounts) and threshold. */
  async deployBank(signers: readonly Address[], threshold: number) {
    const data = encodeDeployData({
      abi: BankMultisig.abi,
      bytecode: BankMultisig.bytecode as Hex,
      args: [this.#o.ledger.token, signers, BigInt(threshold)],
    } as never);
    const receipt = await this.#send({ data }, "deploy BankMultisig");
    if (!receipt.contractAddress) throw new Error(`deployment ${receipt.transactionHash} created no contract`);
    return {
      bank: receipt.contractAddress.toLowerCase(),
      signers: signers.map((s) => s.toLowerCase()),
      threshold,
      txHash: receipt.transactionHash,
    };
  }

  /** As a signer of `bank`: approves a mint or burn; the threshold-th distinct approval executes it. */
  async approve(bank: Address, kind: BankOperation, member: Address, amount: bigint, bankRef: string) {
    await this.#bankOf(bank);
    const ref = keccak256(toHex(bankRef));
    const fn = kind === "mint" ? "approveMint" : "approveBurn";
    const operationId = await this.#o.readBank<Hex>(bank, "operationId", [
      KINDS[kind],
      member,
      amount,
      ref,
      `0x${"0".repeat(64)}`,
    ]);
    const receipt = await this.#send(
      { to: bank, data: encodeFunctionData({ abi: BankMultisig.abi, functionName: fn, args: [member, amount, ref] }) },
      `bank ${kind} ${amount} for ${member.slice(0, 10)}`,
    );
    const approvals = Number(await this.#o.readBank<bigint>(bank, "approvals", [operationId]));
    const threshold = Number(await this.#o.readBank<bigint>(bank, "threshold"));
    return {
      bank: bank.toLowerCase(),
      operationId,
      kind,
      member: member.toLowerCase(),
      amount: amount.toString(),
      bankRef: ref,
      approvals,
      threshold,
      executed: approvals >= threshold,
      txHash: receipt.transactionHash,
    };
  }

  /** A bank's signers, threshold and token balance (what slashes sent it and it has not burned yet). */
  async bank(bank: Address) {
    await this.#bankOf(bank);
    const signers = await this.#o.readBank<Address[]>(bank, "signers");
    return {
      bank: bank.toLowerCase(),
      signers: signers.map((s) => s.toLowerCase()),
      threshold: Number(await this.#o.readBank<bigint>(bank, "threshold")),
      balance: (await this.#o.ledger.balanceOf(bank)).toString(),
      isSlashSink:
        String((await this.#o.ledger.read<ChainParams>("court", "params")).slashSink).toLowerCase() ===
        bank.toLowerCase(),
    };
  }

  async #bankOf(bank: Address): Promise<void> {
    try {
      await this.#o.readBank<bigint>(bank, "threshold");
    } catch {
      throw new AuditingError("AUDITING_UNKNOWN_BANK", `no multi-signature bank at ${bank}`, {
        field: "params.bank",
        problem: "no BankMultisig at this address",
      });
    }
  }

  async #executed() {
    return { current: await this.params() };
  }

  #governanceCall(functionName: string, args: readonly unknown[]): Hex {
    return encodeFunctionData({ abi: CourtGovernance.abi, functionName, args } as never);
  }

  async #send(request: { to?: Address; data: Hex }, label: string) {
    try {
      return await this.#o.sender.send({ from: this.#o.me, ...request, label });
    } catch (error) {
      throw refusalOf(error, label);
    }
  }
}
