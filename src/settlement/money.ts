// Settlement money through a member's agent: a settlement bank mints the token against fiat it received and burns
// tokens handed back to it against fiat it paid out; anyone reads a balance. The agent refuses what the token would refuse (a caller without
// SETTLEMENT_BANK, a bank reference used before, a zero amount) before anything is sent, naming the field.
import { type Address, encodeFunctionData, type Hex, keccak256, stringToHex } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import type { Outbox } from "../core/chain/outbox/outbox.ts";
import { invalidField } from "../core/errors/index.ts";
import { SettlementToken } from "../generated/contracts.ts";
import type { MembershipDirectory } from "../membership/published.ts";
import { SettlementError } from "./errors.ts";

const BYTES32 = /^0x[0-9a-fA-F]{64}$/;
/** Domain separation of bank references given as text, so the same text means nothing to any other hash. */
const BANK_REF_DOMAIN = "telco-ledger/settlement/bank-ref/v1:";

/** A bank reference as the token keys it: 0x bytes32 as given, any other text keccak256 of its separated form. */
export function bankRefId(ref: string): Hex {
  return BYTES32.test(ref) ? (ref.toLowerCase() as Hex) : keccak256(stringToHex(`${BANK_REF_DOMAIN}${ref}`));
}

export interface MoneyMovement {
  to: Address;
  amount: string;
  bankRef: string;
}

export class SettlementMoney {
  readonly #outbox: Outbox;
  readonly #chain: ChainClient;
  readonly #me: Address;
  readonly #token: Address;
  readonly #membership: MembershipDirectory;
  readonly #currency: { code: string; decimals: number };

  constructor(options: {
    outbox: Outbox;
    chain: ChainClient;
    memberAccount: Address;
    token: Address;
    membership: MembershipDirectory;
    currency: { code: string; decimals: number };
  }) {
    this.#outbox = options.outbox;
    this.#chain = options.chain;
    this.#me = options.memberAccount;
    this.#token = options.token;
    this.#membership = options.membership;
    this.#currency = options.currency;
  }

  /** Mints `amount` minor units to `to` against fiat the bank received under `bankRef`. */
  mint(input: MoneyMovement) {
    return this.#move("mintOnFiatReceipt", input);
  }

  /**
   * Burns `amount` minor units the member handed back to the bank (the token burns from the bank's own balance) against
   * fiat the bank paid out to `to` under `bankRef`; answers the bank's balance after the burn.
   */
  async burn(input: MoneyMovement) {
    return this.#move("burnOnPayout", input, async (amount) => {
      const held = await this.#balanceOf(this.#me);
      if (held < amount) {
        throw new SettlementError(
          "SETTLEMENT_BALANCE_TOO_LOW",
          `the bank holds ${held} minor units, less than the ${amount} to burn: the member hands the tokens back first`,
          { field: "body.amount", details: { balance: held.toString() } },
        );
      }
    });
  }

  async balance(account: Address) {
    const balance = await this.#balanceOf(account);
    return { account, balance: balance.toString(), currency: this.#currency.code, decimals: this.#currency.decimals };
  }

  async #move(
    functionName: "mintOnFiatReceipt" | "burnOnPayout",
    input: MoneyMovement,
    precheck?: (amount: bigint) => Promise<void>,
  ) {
    const amount = BigInt(input.amount);
    if (amount === 0n) throw invalidField("body.amount", "must be more than 0 minor units");
    if (input.bankRef.trim() === "") throw invalidField("body.bankRef", "must not be empty");
    const roles = await this.#membership.ownRoles();
    if (!roles.includes("SETTLEMENT_BANK")) {
      throw new SettlementError("SETTLEMENT_NOT_BANK", `this member (${this.#me}) does not hold SETTLEMENT_BANK`, {
        details: { roles },
      });
    }
    const bankRef = bankRefId(input.bankRef);
    const used = await this.#chain.readContract({
      address: this.#token,
      abi: SettlementToken.abi,
      functionName: "referenceUsed",
      args: [bankRef],
    });
    if (used) {
      throw new SettlementError("SETTLEMENT_BANK_REF_USED", `bank reference ${input.bankRef} was used before`, {
        field: "body.bankRef",
        details: { bankRef },
      });
    }
    await precheck?.(amount);
    const data = encodeFunctionData({ abi: SettlementToken.abi, functionName, args: [input.to, amount, bankRef] });
    const receipt = await this.#outbox.send({
      from: this.#me,
      to: this.#token,
      data,
      label: `settlement.${functionName}`,
    });
    const holder = functionName === "burnOnPayout" ? this.#me : input.to;
    return { txHash: receipt.transactionHash, bankRef, ...(await this.balance(holder)) };
  }

  async #balanceOf(account: Address): Promise<bigint> {
    return this.#chain.readContract({
      address: this.#token,
      abi: SettlementToken.abi,
      functionName: "balanceOf",
      args: [account],
    });
  }
}
