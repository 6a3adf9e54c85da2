// Fraud-signal logic (FraudSignals): an operator reports a signal about a number (named on chain by its keyed hash),
// the number holder's operator challenges it, its reporter clears it; every agent answers "is this number flagged?"
// from its read model. Writes go through the outbox (simulated first: a refusal is the contract's named error, e.g.
// NotAnOperator or NotSignalReporter, and nothing is journalled). A signal id is computed before sending from content
// and reporter and checked against the mined event.
import { randomBytes } from "node:crypto";
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseEventLogs,
  zeroAddress,
} from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import type { TxSender } from "../../core/chain/types.ts";
import { FraudSignals } from "../../generated/contracts.ts";
import { RegistriesError } from "../errors.ts";
import type { ConsortiumKey } from "../keys.ts";
import { SIGNAL_KINDS, type SignalKindName } from "./projection.ts";
import type { SignalView, TracebackReadModel } from "./readModel.ts";

/** FraudSignals.MAX_TTL, the shortest life the API accepts, and the default. */
export const MAX_SIGNAL_TTL = 365 * 24 * 3600;
export const MIN_SIGNAL_TTL = 60;
export const DEFAULT_SIGNAL_TTL = 30 * 24 * 3600;
/** How many live signals a number check lists. */
const CHECK_LIMIT = 20;

export interface SignalServiceOptions {
  sender: TxSender;
  chain: ChainClient;
  signals: Address;
  memberAccount: Address;
  chainId: number;
  readModel: TracebackReadModel;
  key: ConsortiumKey;
  sync(): Promise<unknown>;
}

export interface SignalOutcome {
  signal: SignalView;
  txHash: Hex;
}

export interface NumberCheck {
  number: string;
  subject: Hex;
  flagged: boolean;
  signals: SignalView[];
}

export class SignalService {
  readonly #o: SignalServiceOptions;

  constructor(options: SignalServiceOptions) {
    this.#o = options;
  }

  /** Reports a signal about `number` for this member (an operator). */
  async report(input: {
    number: string;
    kind: SignalKindName;
    confidence: number;
    evidence: Hex;
    expiresInSeconds?: number;
    holder?: Address;
    /**
     * The id's salt; random when absent. A caller that must not report twice (a journalled SIM swap) passes a
     * salt of its own: a second report of the same signal then reverts `SignalIdTaken` instead of adding one.
     */
    salt?: Hex;
  }): Promise<SignalOutcome> {
    const subject = this.#o.key.hashNumber(input.number);
    const kind = SIGNAL_KINDS.indexOf(input.kind);
    const salt = input.salt ?? (`0x${randomBytes(32).toString("hex")}` as Hex);
    const signalId = this.signalIdOf(subject, kind, input.evidence, salt);
    const chainNow = Number((await this.#o.chain.getBlock({ blockTag: "latest" })).timestamp);
    const expiresAt =
      Math.max(chainNow, Math.floor(Date.now() / 1000)) + (input.expiresInSeconds ?? DEFAULT_SIGNAL_TTL);
    const receipt = await this.#send(
      "report",
      [subject, kind, input.confidence, input.evidence, BigInt(expiresAt), input.holder ?? zeroAddress, salt],
      `registries.signal report ${input.kind}`,
    );
    const [event] = parseEventLogs({ abi: FraudSignals.abi, eventName: "SignalReported", logs: receipt.logs });
    if (event?.args.signalId.toLowerCase() !== signalId.toLowerCase()) {
      throw new Error(`${receipt.transactionHash} mined without SignalReported for signal ${signalId}`);
    }
    return { signal: await this.#synced(signalId), txHash: receipt.transactionHash };
  }

  /** The number holder's operator (this member) disputes a signal with its own evidence. */
  async challenge(signalId: Hex, evidence: Hex): Promise<SignalOutcome> {
    await this.#current(signalId);
    const receipt = await this.#send("challenge", [signalId, evidence], `registries.signal challenge ${signalId}`);
    return { signal: await this.#synced(signalId), txHash: receipt.transactionHash };
  }

  /** The reporter (this member) clears its signal. */
  async clear(signalId: Hex): Promise<SignalOutcome> {
    await this.#current(signalId);
    const receipt = await this.#send("clear", [signalId], `registries.signal clear ${signalId}`);
    return { signal: await this.#synced(signalId), txHash: receipt.transactionHash };
  }

  /** "Is this number flagged?": the live signals about it in this agent's read model. */
  async check(number: string): Promise<NumberCheck> {
    const subject = this.#o.key.hashNumber(number);
    const signals = await this.#o.readModel.liveSignalsOf(subject, Math.floor(Date.now() / 1000), CHECK_LIMIT);
    return { number, subject, flagged: signals.length > 0, signals };
  }

  /** A signal from the read model, or REGISTRIES_SIGNAL_NOT_FOUND naming params.signalId. */
  async signal(signalId: string): Promise<SignalView> {
    const signal = await this.#o.readModel.signal(signalId);
    if (!signal) {
      throw new RegistriesError("REGISTRIES_SIGNAL_NOT_FOUND", `no fraud signal ${signalId}`, {
        field: "params.signalId",
      });
    }
    return signal;
  }

  /** Whether FraudSignals holds a signal with this id (any state); false when the chain says none or cannot say. */
  async onChain(signalId: Hex): Promise<boolean> {
    try {
      await this.#o.chain.readContract({
        address: this.#o.signals,
        abi: FraudSignals.abi,
        functionName: "signalOf",
        args: [signalId],
      });
      return true;
    } catch {
      return false;
    }
  }

  /** FraudSignals' id for a signal by this member, computed locally. */
  signalIdOf(subject: Hex, kind: number, evidence: Hex, salt: Hex): Hex {
    return keccak256(
      encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "address" },
          { type: "address" },
          { type: "bytes32" },
          { type: "uint8" },
          { type: "bytes32" },
          { type: "bytes32" },
        ],
        [BigInt(this.#o.chainId), this.#o.signals, this.#o.memberAccount, subject, kind, evidence, salt],
      ),
    );
  }

  async #send(functionName: "report" | "challenge" | "clear", args: readonly unknown[], label: string) {
    return this.#o.sender.send({
      from: this.#o.memberAccount,
      to: this.#o.signals,
      data: encodeFunctionData({ abi: FraudSignals.abi, functionName, args } as Parameters<
        typeof encodeFunctionData
      >[0]),
      label,
    });
  }

  async #current(signalId: Hex): Promise<SignalView> {
    await this.#o.sync();
    return this.signal(signalId);
  }

  async #synced(signalId: Hex): Promise<SignalView> {
    await this.#o.sync();
    return this.signal(signalId);
  }
}
