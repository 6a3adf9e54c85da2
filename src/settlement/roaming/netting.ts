// Multilateral netting and payment through the operators' agents. Any operator opens the round for a period over final
// invoices in the settlement token (the agent checks each is final first, naming the one that is not); each net
// debtor's agent approves the token for exactly its net debt and pays it in one transfer; each net creditor's agent
// claims once the round is funded. Positions come from the read model projected from NetPosition events. The contract
// refuses a second payment or claim (AlreadySettled), and so does the agent before sending. No HTTP, no SQL.
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, keccak256 } from "viem";
import { invalidField } from "../../core/errors/index.ts";
import { RoamingSettlement, SettlementToken } from "../../generated/contracts.ts";
import { SettlementError } from "../errors.ts";
import { settlementRevert } from "./reverts.ts";

import { readAfterSync, type SettlementLedger } from "./write.ts";

export interface NettingOptions extends SettlementLedger {
  token: Address;
}

export class RoamingNetting {
  readonly #o: NettingOptions;
  readonly #me: Address;

  constructor(options: NettingOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase() as Address;
  }

  async open(period: number, invoiceIds: Hex[]) {
    await this.#o.sync();
    for (const [i, id] of invoiceIds.entries()) {
      const invoice = await this.#o.readModel.invoice(id);
      if (!invoice) throw invalidField(`body.invoiceIds[${i}]`, `is no invoice (${id})`);
      if (invoice.status !== "final") throw invalidField(`body.invoiceIds[${i}]`, `is ${invoice.status}, not final`);
      if (Number(invoice.period) > period) {
        throw invalidField(`body.invoiceIds[${i}]`, `is of period ${invoice.period}, after the round's ${period}`);
      }
    }
    const ids = invoiceIds.map((id) => id.toLowerCase() as Hex);
    const roundId = keccak256(
      encodeAbiParameters(
        [{ type: "address" }, { type: "uint64" }, { type: "bytes32[]" }],
        [this.#o.token, BigInt(period), ids],
      ),
    );
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({
        abi: RoamingSettlement.abi,
        functionName: "openNetting",
        args: [this.#o.token, BigInt(period), ids],
      }),
      `settlement.openNetting ${roundId}`,
    );
    await this.#o.sync();
    return { ...(await this.get(roundId)), txHash: receipt.transactionHash };
  }

  /** This member pays its whole net debt in the round: approve exactly that amount, then payNet. */
  async pay(roundId: Hex) {
    const net = await this.#position(roundId, "pay");
    if (net >= 0n) {
      throw new SettlementError(
        "SETTLEMENT_WRONG_STATE",
        `this member's net position in ${roundId} is ${net}: nothing to pay`,
      );
    }
    const amount = -net;
    await this.#send(
      this.#o.token,
      encodeFunctionData({ abi: SettlementToken.abi, functionName: "approve", args: [this.#o.address, amount] }),
      `settlement.approve ${roundId}`,
    );
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({ abi: RoamingSettlement.abi, functionName: "payNet", args: [roundId] }),
      `settlement.payNet ${roundId}`,
    );
    await this.#o.sync();
    return { roundId, amount: amount.toString(), txHash: receipt.transactionHash };
  }

  /** This member claims its whole net credit once every debtor has paid. */
  async claim(roundId: Hex) {
    const net = await this.#position(roundId, "claim");
    if (net <= 0n) {
      throw new SettlementError(
        "SETTLEMENT_WRONG_STATE",
        `this member's net position in ${roundId} is ${net}: nothing to claim`,
      );
    }
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({ abi: RoamingSettlement.abi, functionName: "claimNet", args: [roundId] }),
      `settlement.claimNet ${roundId}`,
    );
    await this.#o.sync();
    return { roundId, amount: net.toString(), txHash: receipt.transactionHash };
  }

  async get(roundId: Hex) {
    const round = await readAfterSync(
      () => this.#o.readModel.round(roundId),
      () => this.#o.sync(),
    );
    if (!round) {
      throw new SettlementError("SETTLEMENT_ROUND_NOT_FOUND", `no netting round ${roundId}`, {
        field: "params.roundId",
      });
    }
    const positions = await this.#o.readModel.positions(round.round_id);
    return {
      roundId: round.round_id as Hex,
      token: round.token as Address,
      period: Number(round.period),
      invoices: Number(round.invoices),
      positions: positions.map((p) => ({ member: p.member as Address, net: p.net, settled: p.settled })),
    };
  }

  async #position(roundId: Hex, step: "pay" | "claim"): Promise<bigint> {
    const round = await this.get(roundId);
    const own = round.positions.find((p) => p.member === this.#me);
    if (!own) {
      throw new SettlementError(
        "SETTLEMENT_NOT_PARTY",
        `this member has no position in ${roundId}: nothing to ${step}`,
      );
    }
    if (own.settled) {
      throw new SettlementError("SETTLEMENT_ALREADY_SETTLED", `this member ${own.settled} its position in ${roundId}`);
    }
    return BigInt(own.net);
  }

  async #send(to: Address, data: Hex, label: string) {
    try {
      return await this.#o.outbox.send({ from: this.#o.memberAccount, to, data, label });
    } catch (error) {
      throw settlementRevert(error);
    }
  }
}
