// Payment channels through a member's agent: open a channel with another operator, deposit, pay the counterparty by
// co-signing a new balance state with its agent, close cooperatively or unilaterally, settle, resume. The counterparty
// agent co-signs over HTTP (its route /v1/settlement/channels/{id}/cosign, with the API key it issued to this member);
// each side signs with its own member account, so keys never leave an agent. No HTTP types, no SQL.
import { randomBytes } from "node:crypto";
import { type Address, encodeFunctionData, type Hex, isAddressEqual, keccak256 } from "viem";
import type { Outbox } from "../../core/chain/outbox/outbox.ts";
import { DomainError, invalidField } from "../../core/errors/index.ts";
import type { DigestSigner } from "../../core/identity/keystore.ts";
import { recoverDigestSigner, secp256k1 } from "../../core/identity/secp256k1Native.ts";
import { ConsortiumRegistry, PaymentChannels, RoamingSettlement, SettlementToken } from "../../generated/contracts.ts";
import type { MembershipDirectory } from "../../membership/published.ts";
import { SettlementError } from "../errors.ts";
import { signExchange, signedDigestOf } from "./batchSignature.ts";
import { ChannelDigester } from "./digest.ts";
import type { ChannelReadModel, ChannelRow } from "./readModel.ts";
import type { ChannelRepository, UsageRow } from "./repository.ts";
import { channelRevert } from "./reverts.ts";
import { type ChannelState, channelIdOf, isContractForm, NO_BATCH, refusalOf, type SignedState } from "./state.ts";

/** At most this many proposed states go to the counterparty's agent in one exchange (the batch route's maxItems). */
export const MAX_COSIGN_BATCH = 256;

/** Whether the peer refused a proposal's first state for its version (it holds a newer co-signed state). */
function isVersionRefusal(error: unknown): boolean {
  if (!(error instanceof SettlementError) || error.code !== "SETTLEMENT_CHANNEL_PEER") return false;
  const details = error.details as { peerCode?: unknown; peerField?: unknown } | undefined;
  return (
    details?.peerCode === "SETTLEMENT_CHANNEL_STATE_REFUSED" &&
    typeof details.peerField === "string" &&
    /^body(\.items\[0\])?\.state\.version$/.test(details.peerField)
  );
}

/** One proposed state with its proposer's signature, as the co-signing routes take it. */
export interface CosignItem {
  state: StateJson;
  signature: Hex;
}

/** The answer to a batch: the co-signatures of the leading items accepted, and why the next one was refused. */
export interface CosignBatchResult {
  signatures: Hex[];
  refused?: { index: number; code: string; field?: string; message: string };
}

interface Pending {
  isFinal: boolean;
  amount: bigint;
  /** The batch a usage-driven payment pays for: a channel state carrying it already is the answer, nothing moves. */
  usageRef?: string;
  resolve(signed: SignedState): void;
  reject(error: unknown): void;
}

export interface StateJson {
  channelId: Hex;
  version: number;
  balanceA: string;
  balanceB: string;
  depositA: string;
  depositB: string;
  isFinal: boolean;
  /** The settlement batch the update pays; absent (zero) for a plain payment. */
  batchId?: Hex;
}

export const stateToJson = (s: ChannelState): StateJson => ({
  channelId: s.channelId,
  version: Number(s.version),
  balanceA: s.balanceA.toString(),
  balanceB: s.balanceB.toString(),
  depositA: s.depositA.toString(),
  depositB: s.depositB.toString(),
  isFinal: s.isFinal,
  ...(s.batchId === NO_BATCH ? {} : { batchId: s.batchId }),
});

export const stateFromJson = (s: StateJson): ChannelState => ({
  channelId: s.channelId.toLowerCase() as Hex,
  version: BigInt(s.version),
  balanceA: BigInt(s.balanceA),
  balanceB: BigInt(s.balanceB),
  depositA: BigInt(s.depositA),
  depositB: BigInt(s.depositB),
  isFinal: s.isFinal,
  batchId: (s.batchId ?? NO_BATCH).toLowerCase() as Hex,
});

export interface ChannelServiceOptions {
  outbox: Outbox;
  /** This agent's member account: it sends the transactions and signs the states. */
  memberAccount: Address;
  chainId: number;
  address: Address;
  token: Address;
  consortium: Address;
  readContract: (args: { address: Address; abi: unknown; functionName: string; args: unknown[] }) => Promise<unknown>;
  membership: MembershipDirectory;
  readModel: ChannelReadModel;
  repository: ChannelRepository;
  sync(): Promise<unknown>;
  /** This member's digest signer (keystore.digestSigner: libsecp256k1, the key stays in the keystore), asked once. */
  digestSigner(): Promise<DigestSigner>;
  /** RoamingSettlement: a usage payment's co-signed state is recorded there (recordChannelPayment). */
  settlement: Address;
  /** A settlement batch as the read model has it: the co-signer checks a state naming one against it. */
  usageBatch(batchId: Hex): Promise<UsageBatch | undefined>;
  fetch?: typeof fetch;
}

/** What the co-signer checks a usage-paying state against: the batch's operators, total and status. */
export interface UsageBatch {
  visited: Address;
  home: Address;
  total: bigint;
  status: string;
}

/** A confirmed batch's payment through the channel with its visited operator, as the home agent keeps it. */
export interface UsagePayment {
  batchId: Hex;
  counterparty: Address;
  amount: string;
  status: UsageRow["status"];
  channelId: Hex | null;
  version: number | null;
  error: string | null;
}

const usageOf = (row: UsageRow): UsagePayment => ({
  batchId: row.batch_id as Hex,
  counterparty: row.counterparty as Address,
  amount: row.amount,
  status: row.status,
  channelId: row.channel_id as Hex | null,
  version: row.version === null ? null : Number(row.version),
  error: row.error,
});

export interface PeerLink {
  url: string;
  apiKey: string;
}

export interface OpenChannelParams {
  counterparty: Address;
  challengePeriodSeconds: number;
  salt?: Hex;
  deposit?: bigint;
  peer?: PeerLink;
}

/** The channel as this member sees it: its side, the projected on-chain record, and the newest co-signed state. */
export interface ChannelView {
  channelId: Hex;
  memberA: Address;
  memberB: Address;
  side: "a" | "b";
  token: Address;
  challengePeriodSeconds: number;
  status: ChannelRow["status"];
  depositA: string;
  depositB: string;
  onChain: { version: number; balanceA: string; balanceB: string; closesAt: number | null; closer: Address | null };
  payout: { a: string; b: string } | null;
  latest: StateJson | null;
  peer: string | null;
}

export class ChannelService {
  readonly #o: ChannelServiceOptions;
  readonly #me: Address;
  /** One co-signing at a time per channel, so two updates never get the same version. */
  readonly #locks = new Map<string, Promise<unknown>>();
  readonly #memberOf = new Map<string, Address>();
  /** Payments waiting for this agent's next exchange with the counterparty's agent, per channel. */
  readonly #queues = new Map<string, Pending[]>();
  readonly #draining = new Set<string>();
  readonly #digester: ChannelDigester;
  #signer: Promise<DigestSigner> | undefined;
  /** Public keys (uncompressed) already seen signing for a member, per channel: checked by recovery and comparison. */
  readonly #keysOf = new Map<string, Uint8Array[]>();
  readonly #recovered = new Map<string, Uint8Array>();

  constructor(options: ChannelServiceOptions) {
    this.#o = options;
    this.#me = options.memberAccount.toLowerCase() as Address;
    this.#digester = new ChannelDigester(options.chainId, options.address);
  }

  get memberAccount(): Address {
    return this.#me;
  }

  async open(params: OpenChannelParams): Promise<ChannelView & { txHash: Hex }> {
    const other = await this.#o.membership.getMember(params.counterparty);
    if (!other?.roles.includes("MOBILE_OPERATOR")) {
      throw new SettlementError("SETTLEMENT_NOT_OPERATOR", `${params.counterparty} is not an operator`, {
        field: "body.counterparty",
      });
    }
    if (isAddressEqual(params.counterparty, this.#me)) throw invalidField("body.counterparty", "is this member");
    const salt = params.salt ?? (`0x${randomBytes(32).toString("hex")}` as Hex);
    const channelId = channelIdOf(
      this.#o.chainId,
      this.#o.address,
      this.#me,
      params.counterparty.toLowerCase() as Address,
      this.#o.token,
      salt,
    );
    if (await this.#o.readModel.channel(channelId)) {
      throw new SettlementError("SETTLEMENT_ALREADY_EXISTS", `channel ${channelId} exists (salt used)`, {
        field: "body.salt",
      });
    }
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({
        abi: PaymentChannels.abi,
        functionName: "openChannel",
        args: [params.counterparty, this.#o.token, salt, params.challengePeriodSeconds],
      }),
      `settlement.openChannel ${channelId}`,
    );
    if (params.peer) await this.#o.repository.setPeer(channelId, params.peer.url, params.peer.apiKey);
    await this.#o.sync();
    if (params.deposit && params.deposit > 0n) await this.deposit(channelId, params.deposit);
    return { ...(await this.get(channelId)), txHash: receipt.transactionHash };
  }

  async setPeer(channelId: Hex, peer: PeerLink): Promise<ChannelView> {
    await this.#channel(channelId);
    await this.#o.repository.setPeer(channelId, peer.url, peer.apiKey);
    return this.get(channelId);
  }

  async deposit(channelId: Hex, amount: bigint): Promise<ChannelView & { txHash: Hex }> {
    const row = await this.#channel(channelId);
    if (row.status !== "open") throw this.#wrongStatus(row);
    if (amount <= 0n) throw invalidField("body.amount", "must be a positive number of minor units");
    await this.#send(
      this.#o.token,
      encodeFunctionData({ abi: SettlementToken.abi, functionName: "approve", args: [this.#o.address, amount] }),
      `settlement.approve channel ${channelId}`,
    );
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({ abi: PaymentChannels.abi, functionName: "deposit", args: [channelId, amount] }),
      `settlement.deposit ${channelId}`,
    );
    await this.#o.sync();
    return { ...(await this.get(channelId)), txHash: receipt.transactionHash };
  }

  /** This member pays `amount` to the counterparty: a new state both sign, nothing on chain. */
  async pay(channelId: Hex, amount: bigint): Promise<StateJson> {
    if (amount <= 0n) throw invalidField("body.amount", "must be a positive number of minor units");
    const signed = await this.#propose(channelId, false, amount);
    return stateToJson(signed.state);
  }

  /**
   * Several payments in one call (1 to MAX_COSIGN_BATCH, in order): each its own state, one version above the one
   * before, co-signed in the same exchange with the peer's agent. Each payment is answered on its own: its state, or
   * the error that refused it (an overdraft refuses that payment and lets the smaller ones after it through).
   */
  async payMany(
    channelId: Hex,
    amounts: readonly bigint[],
  ): Promise<{ states: (StateJson | null)[]; errors: { index: number; code: string; message: string }[] }> {
    if (amounts.length === 0 || amounts.length > MAX_COSIGN_BATCH) {
      throw invalidField("body.amounts", `must hold 1 to ${MAX_COSIGN_BATCH} amounts`);
    }
    for (const [i, amount] of amounts.entries()) {
      if (amount <= 0n) throw invalidField(`body.amounts[${i}]`, "must be a positive number of minor units");
    }
    const settled = await Promise.allSettled(
      this.#proposeMany(
        channelId,
        amounts.map((amount) => ({ amount })),
      ),
    );
    const errors: { index: number; code: string; message: string }[] = [];
    const states = settled.map((r, index) => {
      if (r.status === "fulfilled") return stateToJson(r.value.state);
      const e = r.reason as { code?: unknown; message?: unknown };
      errors.push({ index, code: typeof e?.code === "string" ? e.code : "INTERNAL", message: String(e?.message ?? e) });
      return null;
    });
    if (errors.length === amounts.length && settled[0]?.status === "rejected") throw settled[0].reason;
    return { states, errors };
  }

  /**
   * Usage-driven update: the home operator's agent has confirmed a batch of `counterparty`'s (the visited operator's)
   * rated usage, `amount` in total; it pays that amount through the open channel of the pair, as one co-signed state
   * per batch. Recorded first (settlement_channel_usage), so that a payment that cannot be made now (the peer agent
   * unreachable) is made at the agent's next start; the state carries the batch id in the same row, and a state
   * already carrying it is the answer: a batch never moves the balance twice, whatever restarts happen in between.
   */
  async payUsage(batchId: Hex, counterparty: Address, amount: bigint): Promise<UsagePayment> {
    await this.#o.repository.addUsage(batchId, counterparty, amount);
    return this.#settleUsage(batchId);
  }

  /** A batch's channel payment as this agent keeps it. */
  async usagePayment(batchId: Hex): Promise<UsagePayment> {
    const row = await this.#o.repository.usage(batchId);
    if (!row) {
      throw new SettlementError("SETTLEMENT_CHANNEL_USAGE_UNKNOWN", `no channel payment for batch ${batchId}`, {
        field: "params.batchId",
      });
    }
    return usageOf(row);
  }

  /** The batches still to pay through a channel (pending), tried again in order; at agent start. */
  async payPendingUsage(): Promise<UsagePayment[]> {
    const done: UsagePayment[] = [];
    for (const row of await this.#o.repository.pendingUsage(1000))
      done.push(await this.#settleUsage(row.batch_id as Hex));
    return done;
  }

  async #settleUsage(batchId: Hex): Promise<UsagePayment> {
    const row = await this.#o.repository.usage(batchId);
    if (!row) throw new Error(`no usage row for ${batchId}`);
    if (row.status !== "pending") return usageOf(row);
    const amount = BigInt(row.amount);
    const channel = await this.#o.readModel.openBetween(this.#me, row.counterparty, this.#o.token);
    if (!channel) {
      await this.#o.repository.setUsage(batchId, { status: "no-channel" });
    } else if (amount === 0n) {
      await this.#o.repository.setUsage(batchId, { status: "paid", channelId: channel.channel_id });
    } else {
      const channelId = channel.channel_id as Hex;
      try {
        const [paid] = this.#proposeMany(channelId, [{ amount, usageRef: batchId.toLowerCase() }]);
        const signed = await (paid as Promise<SignedState>);
        // on chain before "paid": the invoice of the period must not charge the batch again. A failure leaves it
        // pending: the next try finds the co-signed state (nothing moves again) and records it.
        try {
          await this.#recordUsage(signed);
        } catch (error) {
          await this.#o.repository.setUsage(batchId, {
            status: "pending",
            channelId,
            version: signed.state.version,
            error: `co-signed, not yet recorded on chain: ${error instanceof Error ? error.message : String(error)}`,
          });
          return usageOf((await this.#o.repository.usage(batchId)) as UsageRow);
        }
        await this.#o.repository.setUsage(batchId, { status: "paid", channelId, version: signed.state.version });
      } catch (error) {
        const code = error instanceof DomainError ? error.code : undefined;
        const final = code === "SETTLEMENT_CHANNEL_FUNDS" || code === "SETTLEMENT_WRONG_STATE";
        await this.#o.repository.setUsage(batchId, {
          status: final ? "refused" : "pending",
          channelId,
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
    return usageOf((await this.#o.repository.usage(batchId)) as UsageRow);
  }

  /** The counterparty's agent proposes `state`, signed by its member: co-sign it when it only pays this member. */
  async cosign(channelId: Hex, json: StateJson, signature: Hex): Promise<{ signature: Hex }> {
    const out = await this.#cosignItems(channelId, [{ state: json, signature }], () => "body");
    const [own] = out.signatures;
    if (out.error || !own) throw out.error;
    return { signature: own };
  }

  /**
   * Consecutive proposed states in one exchange, each checked as by `cosign` (the first against this agent's newest
   * state, each next one exactly one version above the one before): co-signs and stores them in order up to the first
   * refused one, and nothing after it. A refused first item is the error itself (nothing changed); a later one is
   * answered in `refused` with its index, code and field, beside the co-signatures of the items before it.
   */
  async cosignBatch(channelId: Hex, items: CosignItem[]): Promise<CosignBatchResult> {
    if (items.length === 0 || items.length > MAX_COSIGN_BATCH) {
      throw invalidField("body.items", `must hold 1 to ${MAX_COSIGN_BATCH} states`);
    }
    const out = await this.#cosignItems(channelId, items, (i) => `body.items[${i}]`);
    if (!out.error) return { signatures: out.signatures };
    if (out.signatures.length === 0 || !(out.error instanceof DomainError)) throw out.error;
    const refused = out.error;
    return {
      signatures: out.signatures,
      refused: {
        index: out.signatures.length,
        code: refused.code,
        message: refused.message,
        ...(refused.field ? { field: String(refused.field) } : {}),
      },
    };
  }

  async #cosignItems(
    channelId: Hex,
    items: CosignItem[],
    at: (index: number) => string,
  ): Promise<{ signatures: Hex[]; error?: unknown }> {
    return this.#locked(channelId, async () => {
      let row = await this.#channel(channelId, "SETTLEMENT_CHANNEL_STATE_REFUSED");
      if (row.status !== "open") throw this.#wrongStatus(row);
      const side = this.#side(row);
      const proposer = (side === "a" ? row.member_b : row.member_a) as Address;
      let previous = await this.#previous(row);
      const accepted: { state: ChannelState; digest: Uint8Array; theirs: Hex }[] = [];
      const batchIds = new Set<Hex>();
      let error: unknown;
      for (const [i, item] of items.entries()) {
        const p = at(i) as `body${string}`;
        try {
          const state = stateFromJson(item.state);
          if (state.channelId !== channelId.toLowerCase())
            throw invalidField(`${p}.state.channelId`, "is another channel");
          const digest = this.#digester.digest(state);
          if (!(await this.#signedBy(channelId, proposer, digest, item.signature))) {
            throw this.#refused(`${p}.signature`, `is not by the counterparty ${proposer}`);
          }
          if (previous.isFinal) throw this.#refused(`${p}.state.version`, "the channel's newest state is final");
          if (i > 0 && state.version !== previous.version + 1n) {
            throw this.#refused(`${p}.state.version`, `version: ${state.version} is not ${previous.version + 1n}`);
          }
          const why = refusalOf(previous, state, side === "a" ? "b" : "a");
          if (why) throw this.#refused(`${p}.state.${why.split(":")[0]}` as `body${string}`, why);
          if (state.batchId !== NO_BATCH) {
            const refusal = await this.#usageRefusal(channelId, previous, state, side, proposer, batchIds);
            if (refusal) throw this.#refused(`${p}.state.batchId`, refusal);
            batchIds.add(state.batchId);
          }
          if (state.depositA > BigInt(row.deposit_a) || state.depositB > BigInt(row.deposit_b)) {
            await this.#o.sync();
            row = await this.#channel(channelId);
            if (state.depositA > BigInt(row.deposit_a) || state.depositB > BigInt(row.deposit_b)) {
              throw this.#refused(`${p}.state.depositA`, "accounts for more than was deposited on chain");
            }
          }
          accepted.push({ state, digest, theirs: item.signature });
          previous = state;
        } catch (e) {
          error = e;
          break;
        }
      }
      // One signature for every accepted state (batchSignature.ts), the refused ones and those after left out.
      const signatures =
        accepted.length === 0
          ? []
          : await signExchange(
              this.#digester,
              channelId,
              accepted.map((a) => a.digest),
              (digest) => this.#sign(digest),
            );
      const saved: SignedState[] = accepted.map(({ state, theirs }, i) => {
        const own = signatures[i] as Hex;
        return side === "a" ? { state, sigA: own, sigB: theirs } : { state, sigA: theirs, sigB: own };
      });
      if (saved.length > 0) await this.#o.repository.saveStates(saved);
      return error === undefined ? { signatures } : { signatures, error };
    });
  }

  /**
   * Why this member (the payee) must not co-sign `state`, which names a settlement batch as what its update pays, or
   * undefined when it may: by co-signing, this member agrees that the batch is paid through the channel and leaves the
   * period's invoice (RoamingSettlement.recordChannelPayment). So the batch must be one this member (visited) charges
   * `proposer` (home) for, received and not yet invoiced, named by no other state of the channel, and the update must
   * pay this member exactly the batch's anchored total.
   */
  async #usageRefusal(
    channelId: Hex,
    previous: ChannelState,
    state: ChannelState,
    side: "a" | "b",
    proposer: Address,
    named: Set<Hex>,
  ): Promise<string | undefined> {
    if (named.has(state.batchId) || (await this.#o.repository.stateByUsage(channelId, state.batchId))) {
      return `batch ${state.batchId} is already paid through this channel`;
    }
    const batch = await this.#o.usageBatch(state.batchId);
    if (!batch) return `batch ${state.batchId} is unknown to this agent`;
    if (!isAddressEqual(batch.visited, this.#me) || !isAddressEqual(batch.home, proposer)) {
      return `batch ${state.batchId} is not one this member charges ${proposer} for`;
    }
    if (batch.status !== "received") return `batch ${state.batchId} is ${batch.status}, not received`;
    const paid =
      side === "a"
        ? state.balanceA - previous.balanceA - (state.depositA - previous.depositA)
        : state.balanceB - previous.balanceB - (state.depositB - previous.depositB);
    if (paid !== batch.total) return `the update pays ${paid}, the batch's total is ${batch.total}`;
    return undefined;
  }

  /**
   * Records on chain that a batch was paid through the channel: RoamingSettlement.recordChannelPayment with the
   * co-signed state naming it, so that the period's invoice cannot charge it again. Already recorded is done.
   */
  async #recordUsage(signed: SignedState): Promise<void> {
    try {
      await this.#send(
        this.#o.settlement,
        encodeFunctionData({
          abi: RoamingSettlement.abi,
          functionName: "recordChannelPayment",
          args: [signed.state, signed.sigA, signed.sigB],
        }),
        `settlement.recordChannelPayment ${signed.state.batchId}`,
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === "SETTLEMENT_BATCH_PAID_BY_CHANNEL") return;
      throw error;
    }
  }

  /** A final state both sign, then closeCooperatively: paid out at once. */
  async closeCooperatively(channelId: Hex): Promise<ChannelView & { txHash: Hex }> {
    const signed = await this.#propose(channelId, true, 0n);
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({
        abi: PaymentChannels.abi,
        functionName: "closeCooperatively",
        args: [signed.state, signed.sigA, signed.sigB],
      }),
      `settlement.closeCooperatively ${channelId}`,
    );
    await this.#o.sync();
    return { ...(await this.get(channelId)), txHash: receipt.transactionHash };
  }

  /** Registers this agent's newest co-signed state on chain (or the deposits, when none) and starts the challenge period. */
  async startClose(channelId: Hex): Promise<ChannelView & { txHash: Hex }> {
    const row = await this.#channel(channelId);
    if (row.status !== "open") throw this.#wrongStatus(row);
    const latest = await this.#o.repository.latestState(channelId);
    const args = latest
      ? [latest.state, latest.sigA, latest.sigB]
      : [
          {
            channelId,
            version: 0n,
            balanceA: BigInt(row.deposit_a),
            balanceB: BigInt(row.deposit_b),
            depositA: BigInt(row.deposit_a),
            depositB: BigInt(row.deposit_b),
            isFinal: false,
            batchId: NO_BATCH,
          },
          "0x",
          "0x",
        ];
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({ abi: PaymentChannels.abi, functionName: "startClose", args } as never),
      `settlement.startClose ${channelId}`,
    );
    await this.#o.sync();
    return { ...(await this.get(channelId)), txHash: receipt.transactionHash };
  }

  /**
   * The watchtower's answer: when the registered state of a closing channel is older than this agent's newest
   * co-signed one, challenge with it. Answers the transaction, or undefined when there is nothing to answer.
   */
  async answerStaleClose(channelId: Hex): Promise<{ txHash: Hex; version: number } | undefined> {
    return this.#locked(channelId, async () => {
      const row = await this.#o.readModel.channel(channelId);
      if (row?.status !== "closing" || !this.#isMember(row)) return undefined;
      const latest = await this.#o.repository.latestState(channelId);
      if (!latest || latest.state.version <= BigInt(row.version)) return undefined;
      const receipt = await this.#send(
        this.#o.address,
        encodeFunctionData({
          abi: PaymentChannels.abi,
          functionName: "challenge",
          args: [latest.state, latest.sigA, latest.sigB],
        }),
        `settlement.challenge ${channelId} v${latest.state.version}`,
      );
      return { txHash: receipt.transactionHash, version: Number(latest.state.version) };
    });
  }

  async settle(channelId: Hex): Promise<ChannelView & { txHash: Hex }> {
    const row = await this.#channel(channelId);
    if (row.status !== "closing") throw this.#wrongStatus(row);
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({ abi: PaymentChannels.abi, functionName: "settle", args: [channelId] }),
      `settlement.settleChannel ${channelId}`,
    );
    await this.#o.sync();
    return { ...(await this.get(channelId)), txHash: receipt.transactionHash };
  }

  async resume(channelId: Hex): Promise<ChannelView & { txHash: Hex }> {
    const row = await this.#channel(channelId);
    if (row.status !== "closing") throw this.#wrongStatus(row);
    const receipt = await this.#send(
      this.#o.address,
      encodeFunctionData({ abi: PaymentChannels.abi, functionName: "resume", args: [channelId] }),
      `settlement.resumeChannel ${channelId}`,
    );
    await this.#o.sync();
    return { ...(await this.get(channelId)), txHash: receipt.transactionHash };
  }

  async get(channelId: Hex): Promise<ChannelView> {
    return this.#view(await this.#channel(channelId));
  }

  async list(page: { limit: number; after?: string | undefined }): Promise<ChannelView[]> {
    const rows = await this.#o.readModel.channelsOf(this.#me, page);
    return Promise.all(rows.map((row) => this.#view(row)));
  }

  /** The newest co-signed state with both signatures (this member's evidence for a close or a challenge). */
  async latest(channelId: Hex): Promise<{ state: StateJson; sigA: Hex; sigB: Hex }> {
    await this.#channel(channelId);
    const latest = await this.#o.repository.latestState(channelId);
    if (!latest) throw new SettlementError("SETTLEMENT_WRONG_STATE", `channel ${channelId} has no co-signed state yet`);
    return { state: stateToJson(latest.state), sigA: latest.sigA, sigB: latest.sigB };
  }

  /** The channels of this member being closed by the other member (the watchtower's catch-up at start). */
  async closingAgainstMe(): Promise<Hex[]> {
    return (await this.#o.readModel.closingAgainst(this.#me)).map((r) => r.channel_id as Hex);
  }

  // ---- internals ----

  /**
   * The next state (this member paying `amount`, or a final copy), signed and co-signed by the peer. Payments of one
   * channel asked for while an exchange with the peer is under way wait for the next one, which carries them all
   * (up to MAX_COSIGN_BATCH): each is still its own state, one version above the one before, separately co-signed.
   */
  #propose(channelId: Hex, isFinal: boolean, amount: bigint): Promise<SignedState> {
    return this.#proposeMany(channelId, [{ amount, isFinal }])[0] as Promise<SignedState>;
  }

  /** Queues several payments of one channel at once (so that they share the next exchange), in order. */
  #proposeMany(
    channelId: Hex,
    asks: readonly { amount: bigint; isFinal?: boolean; usageRef?: string }[],
  ): Promise<SignedState>[] {
    const key = channelId.toLowerCase();
    const queue = this.#queues.get(key) ?? [];
    const promises = asks.map(
      (ask) =>
        new Promise<SignedState>((resolve, reject) => {
          queue.push({
            isFinal: ask.isFinal ?? false,
            amount: ask.amount,
            resolve,
            reject,
            ...(ask.usageRef ? { usageRef: ask.usageRef } : {}),
          });
        }),
    );
    this.#queues.set(key, queue);
    if (!this.#draining.has(key)) {
      this.#draining.add(key);
      void this.#drain(channelId);
    }
    return promises;
  }

  async #drain(channelId: Hex): Promise<void> {
    const key = channelId.toLowerCase();
    try {
      for (;;) {
        const queue = this.#queues.get(key);
        if (!queue || queue.length === 0) break;
        const batch = queue.splice(0, MAX_COSIGN_BATCH);
        await this.#locked(channelId, () => this.#proposeBatch(channelId, batch)).catch((error: unknown) => {
          for (const p of batch) p.reject(error);
        });
      }
    } finally {
      this.#queues.delete(key);
      this.#draining.delete(key);
    }
  }

  /**
   * Proposes `batch`; when the peer refuses the first state's version (it holds a newer co-signed state than this
   * agent: this agent stopped between the peer co-signing and storing), recovers the peer's newest state (`#resync`)
   * and proposes once more from it.
   */
  async #proposeBatch(channelId: Hex, batch: Pending[]): Promise<void> {
    try {
      await this.#proposeOnce(channelId, batch);
    } catch (error) {
      if (!isVersionRefusal(error) || !(await this.#resync(channelId))) throw error;
      await this.#proposeOnce(channelId, batch);
    }
  }

  /**
   * Resynchronisation: asks the peer's agent for its newest co-signed state (GET .../state, with the API key it issued
   * to this member) and keeps it when it is a state both members signed (each signature in the contract's form, by
   * an account of its member), of this channel, within the chain's deposits, with a higher version than this agent's
   * newest. Answers whether a newer state was taken. A state both signed is one this member's own agent signed.
   */
  async #resync(channelId: Hex): Promise<boolean> {
    const peer = await this.#o.repository.peer(channelId);
    if (!peer) return false;
    let body: { state?: StateJson; sigA?: Hex; sigB?: Hex };
    try {
      const response = await (this.#o.fetch ?? fetch)(`${peer.url}/v1/settlement/channels/${channelId}/state`, {
        headers: { authorization: `Bearer ${peer.api_key}` },
        signal: AbortSignal.timeout(10_000),
      });
      if (response.status !== 200) return false;
      body = (await response.json()) as typeof body;
    } catch {
      return false;
    }
    if (!body.state || typeof body.sigA !== "string" || typeof body.sigB !== "string") return false;
    let state: ChannelState;
    try {
      state = stateFromJson(body.state);
    } catch {
      return false;
    }
    let row = await this.#channel(channelId);
    if (state.channelId !== channelId.toLowerCase()) return false;
    const mine = await this.#o.repository.latestState(channelId);
    if (state.version <= (mine?.state.version ?? BigInt(row.version))) return false;
    if (state.balanceA + state.balanceB !== state.depositA + state.depositB) return false;
    if (state.depositA > BigInt(row.deposit_a) || state.depositB > BigInt(row.deposit_b)) {
      await this.#o.sync();
      row = await this.#channel(channelId);
      if (state.depositA > BigInt(row.deposit_a) || state.depositB > BigInt(row.deposit_b)) return false;
    }
    const digest = this.#digester.digest(state);
    if (!(await this.#signedBy(channelId, row.member_a as Address, digest, body.sigA))) return false;
    if (!(await this.#signedBy(channelId, row.member_b as Address, digest, body.sigB))) return false;
    await this.#o.repository.saveStates([{ state, sigA: body.sigA, sigB: body.sigB }]);
    return true;
  }

  async #proposeOnce(channelId: Hex, batch: Pending[]): Promise<void> {
    const row = await this.#channel(channelId);
    if (row.status !== "open") throw this.#wrongStatus(row);
    const side = this.#side(row);
    let previous = await this.#previous(row);
    const depositA = BigInt(row.deposit_a);
    const depositB = BigInt(row.deposit_b);
    const proposed: { pending: Pending; state: ChannelState; digest: Uint8Array }[] = [];
    const usageRefs = new Map<string, Pending>();
    for (const pending of batch) {
      if (pending.usageRef) {
        const paid = await this.#o.repository.stateByUsage(channelId, pending.usageRef);
        if (paid) {
          pending.resolve(paid);
          continue;
        }
        const first = usageRefs.get(pending.usageRef);
        if (first) {
          // the same batch twice in one exchange: one state, both answered with it
          const { resolve, reject } = first;
          first.resolve = (signed) => {
            resolve(signed);
            pending.resolve(signed);
          };
          first.reject = (error) => {
            reject(error);
            pending.reject(error);
          };
          continue;
        }
        usageRefs.set(pending.usageRef, pending);
      }
      if (previous.isFinal) {
        pending.reject(new SettlementError("SETTLEMENT_WRONG_STATE", `channel ${channelId} is final`));
        continue;
      }
      let balanceA = previous.balanceA + (depositA - previous.depositA);
      let balanceB = previous.balanceB + (depositB - previous.depositB);
      const mine = side === "a" ? balanceA : balanceB;
      if (pending.amount > mine) {
        pending.reject(
          new SettlementError("SETTLEMENT_CHANNEL_FUNDS", `paying ${pending.amount} of a balance of ${mine}`, {
            field: "body.amount",
          }),
        );
        continue;
      }
      if (side === "a") {
        balanceA -= pending.amount;
        balanceB += pending.amount;
      } else {
        balanceB -= pending.amount;
        balanceA += pending.amount;
      }
      const state: ChannelState = {
        channelId: channelId.toLowerCase() as Hex,
        version: previous.version + 1n,
        balanceA,
        balanceB,
        depositA,
        depositB,
        isFinal: pending.isFinal,
        batchId: (pending.usageRef ?? NO_BATCH) as Hex,
      };
      proposed.push({ pending, state, digest: this.#digester.digest(state) });
      previous = state;
    }
    if (proposed.length === 0) return;
    const own = await signExchange(
      this.#digester,
      channelId,
      proposed.map((p) => p.digest),
      (digest) => this.#sign(digest),
    );
    const answer = await this.#peerCosign(
      channelId,
      proposed.map((p, i) => ({ state: stateToJson(p.state), signature: own[i] as Hex })),
    );
    // Test hook (documented in docs/settlement.md): stop dead between the peer co-signing and this agent storing, the
    // crash window that resynchronisation recovers from.
    if (process.env.TELCO_LEDGER_TEST_CHANNEL_CRASH_AFTER_COSIGN === "1") process.kill(process.pid, "SIGKILL");
    const counterparty = (side === "a" ? row.member_b : row.member_a) as Address;
    const saved: SignedState[] = [];
    let failure: SettlementError | undefined;
    for (const [i, p] of proposed.entries()) {
      const theirs = answer.signatures[i];
      if (theirs === undefined) {
        const refused = answer.refused;
        failure = new SettlementError(
          "SETTLEMENT_CHANNEL_PEER",
          `the peer agent refused to co-sign: ${refused?.code ?? ""} ${refused?.message ?? ""}`.trim(),
          { details: { peerStatus: 200, peerCode: refused?.code, peerIndex: refused?.index } },
        );
        break;
      }
      if (!(await this.#signedBy(channelId, counterparty, p.digest, theirs))) {
        failure = new SettlementError(
          "SETTLEMENT_CHANNEL_PEER",
          `the peer answered a signature not by ${counterparty}`,
        );
        break;
      }
      const mine = own[i] as Hex;
      saved.push(
        side === "a" ? { state: p.state, sigA: mine, sigB: theirs } : { state: p.state, sigA: theirs, sigB: mine },
      );
    }
    if (saved.length > 0) await this.#o.repository.saveStates(saved);
    for (const [i, p] of proposed.entries()) {
      const signed = saved[i];
      if (signed) p.pending.resolve(signed);
      else p.pending.reject(failure);
    }
  }

  /** One exchange with the peer agent: its single-state route for one state, its batch route for several. */
  async #peerCosign(channelId: Hex, items: CosignItem[]): Promise<CosignBatchResult> {
    const peer = await this.#o.repository.peer(channelId);
    if (!peer) {
      throw new SettlementError("SETTLEMENT_CHANNEL_NO_PEER", `no peer agent set for channel ${channelId}`);
    }
    const single = items.length === 1 && items[0] ? items[0] : undefined;
    let response: Response;
    try {
      response = await (this.#o.fetch ?? fetch)(
        `${peer.url}/v1/settlement/channels/${channelId}/${single ? "cosign" : "cosign-batch"}`,
        {
          method: "POST",
          headers: { "content-type": "application/json", authorization: `Bearer ${peer.api_key}` },
          body: JSON.stringify(single ?? { items }),
          signal: AbortSignal.timeout(10_000),
        },
      );
    } catch (error) {
      throw new SettlementError("SETTLEMENT_CHANNEL_PEER", `the peer agent is unreachable: ${String(error)}`, {
        cause: error,
      });
    }
    const body = (await response.json().catch(() => ({}))) as Partial<CosignBatchResult> & {
      signature?: Hex;
      code?: string;
      message?: string;
      details?: { field?: string }[];
    };
    const signatures = single ? (typeof body.signature === "string" ? [body.signature] : undefined) : body.signatures;
    if (response.status !== 200 || !Array.isArray(signatures)) {
      throw new SettlementError(
        "SETTLEMENT_CHANNEL_PEER",
        `the peer agent refused to co-sign: ${response.status} ${body.code ?? ""} ${body.message ?? ""}`.trim(),
        { details: { peerStatus: response.status, peerCode: body.code, peerField: body.details?.[0]?.field } },
      );
    }
    return { signatures, ...(body.refused ? { refused: body.refused } : {}) };
  }

  /** This member's signature of a state's EIP-712 digest (libsecp256k1 inside the keystore). */
  async #sign(digest: Uint8Array): Promise<Hex> {
    this.#signer ??= this.#o.digestSigner();
    return (await this.#signer)(digest);
  }

  /**
   * Whether `signature` over `digest` is by `member` or an account bound to it, in the form the contract accepts (low
   * s, v 27 or 28), so that a state kept as evidence is one the contract takes. The public key is recovered with
   * libsecp256k1 using the signature's own v, exactly as the contract's ecrecover will: a key seen before for this
   * channel and member is accepted by comparing bytes; a new one is turned into its address and checked once (the
   * member itself or ConsortiumRegistry.memberOf). A plain verify() against the cached key would be cheaper but
   * ignores v: a payer could then hand over signatures with the wrong v, valid to verify() and refused on chain.
   */
  async #signedBy(channelId: Hex, member: Address, digest: Uint8Array, signature: Hex): Promise<boolean> {
    if (!isContractForm(signature)) return false;
    const what = signedDigestOf(this.#digester, channelId, digest, signature);
    if (!what) return false;
    const recovered = await this.#recover(what.signed, what.rsv);
    if (!recovered) return false;
    const key = `${channelId.toLowerCase()}:${member.toLowerCase()}`;
    const known = this.#keysOf.get(key) ?? [];
    if (known.some((k) => Buffer.compare(k, recovered) === 0)) return true;
    const signer = `0x${keccak256(recovered.subarray(1), "hex").slice(-40)}` as Address;
    if (!(await this.#actsFor(signer, member))) return false;
    known.push(recovered);
    this.#keysOf.set(key, known);
    return true;
  }

  /**
   * The public key that made `rsv` over `signed`. The states of one exchange share one batch signature: its recovery
   * is remembered (a few recent ones), so an exchange of 256 states costs one recovery, not 256.
   */
  async #recover(signed: Uint8Array, rsv: Uint8Array): Promise<Uint8Array | undefined> {
    const key = `${Buffer.from(signed).toString("hex")}${Buffer.from(rsv).toString("hex")}`;
    const seen = this.#recovered.get(key);
    if (seen) return seen;
    const recovered = recoverDigestSigner(await secp256k1(), signed, rsv);
    if (recovered) {
      if (this.#recovered.size >= 64) this.#recovered.delete(this.#recovered.keys().next().value as string);
      this.#recovered.set(key, recovered);
    }
    return recovered;
  }

  /** The newest co-signed state, or the empty state before any (version 0, nothing deposited yet). */
  async #previous(row: ChannelRow): Promise<ChannelState> {
    const latest = await this.#o.repository.latestState(row.channel_id);
    if (latest) return latest.state;
    const onChainVersion = BigInt(row.version);
    return {
      channelId: row.channel_id as Hex,
      version: onChainVersion,
      balanceA: 0n,
      balanceB: 0n,
      depositA: 0n,
      depositB: 0n,
      isFinal: false,
      batchId: NO_BATCH,
    };
  }

  /** Whether `signer` is `member` or an account bound to it (ConsortiumRegistry.memberOf, remembered). */
  async #actsFor(signer: Address, member: Address): Promise<boolean> {
    if (isAddressEqual(signer, member)) return true;
    const key = signer.toLowerCase();
    let bound = this.#memberOf.get(key);
    if (!bound) {
      bound = (await this.#o.readContract({
        address: this.#o.consortium,
        abi: ConsortiumRegistry.abi,
        functionName: "memberOf",
        args: [signer],
      })) as Address;
      this.#memberOf.set(key, bound);
    }
    return isAddressEqual(bound, member);
  }

  async #locked<T>(channelId: string, body: () => Promise<T>): Promise<T> {
    const key = channelId.toLowerCase();
    const before = this.#locks.get(key) ?? Promise.resolve();
    const run = before.then(body, body);
    const tail = run.catch(() => undefined);
    this.#locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.#locks.get(key) === tail) this.#locks.delete(key);
    }
  }

  async #channel(
    channelId: Hex,
    notMine: "SETTLEMENT_CHANNEL_NOT_FOUND" | "SETTLEMENT_CHANNEL_STATE_REFUSED" = "SETTLEMENT_CHANNEL_NOT_FOUND",
  ): Promise<ChannelRow> {
    let row = await this.#o.readModel.channel(channelId);
    if (!row) {
      await this.#o.sync();
      row = await this.#o.readModel.channel(channelId);
    }
    if (!row || !this.#isMember(row)) {
      throw new SettlementError(
        row ? notMine : "SETTLEMENT_CHANNEL_NOT_FOUND",
        `no channel ${channelId} of this member`,
        { field: "params.channelId" },
      );
    }
    return row;
  }

  #isMember(row: ChannelRow): boolean {
    return row.member_a === this.#me || row.member_b === this.#me;
  }

  #side(row: ChannelRow): "a" | "b" {
    return row.member_a === this.#me ? "a" : "b";
  }

  #refused(field: `body${string}`, why: string) {
    return new SettlementError("SETTLEMENT_CHANNEL_STATE_REFUSED", `not co-signed: ${why}`, { field });
  }

  #wrongStatus(row: ChannelRow) {
    return new SettlementError("SETTLEMENT_WRONG_STATE", `channel ${row.channel_id} is ${row.status}`, {
      field: "params.channelId",
    });
  }

  async #view(row: ChannelRow): Promise<ChannelView> {
    const latest = await this.#o.repository.latestState(row.channel_id);
    const peer = await this.#o.repository.peer(row.channel_id);
    return {
      channelId: row.channel_id as Hex,
      memberA: row.member_a as Address,
      memberB: row.member_b as Address,
      side: this.#side(row),
      token: row.token as Address,
      challengePeriodSeconds: Number(row.challenge_period),
      status: row.status,
      depositA: row.deposit_a,
      depositB: row.deposit_b,
      onChain: {
        version: Number(row.version),
        balanceA: row.balance_a,
        balanceB: row.balance_b,
        closesAt: row.closes_at === null ? null : Number(row.closes_at),
        closer: row.closer as Address | null,
      },
      payout: row.payout_a === null ? null : { a: row.payout_a, b: row.payout_b ?? "0" },
      latest: latest ? stateToJson(latest.state) : null,
      peer: peer?.url ?? null,
    };
  }

  async #send(to: Address, data: Hex, label: string) {
    try {
      return await this.#o.outbox.send({ from: this.#o.memberAccount, to, data, label });
    } catch (error) {
      throw channelRevert(error);
    }
  }
}
