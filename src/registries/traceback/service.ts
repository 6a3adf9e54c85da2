// Robocall traceback logic (Traceback): an operator opens a trace of a call (named by its keyed digest, never its
// numbers) asking the carrier it received the call from; the carrier asked answers with its upstream carrier or
// "originated here"; anyone may record a carrier that let its deadline pass. Writes go through the outbox (simulated
// first, so a refusal is the contract's named error, e.g. NotInPath or NotAskedCarrier, and nothing is journalled);
// the contract decides who may answer. A trace id is computed before sending from content and requester and checked
// against the mined event.
import { randomBytes } from "node:crypto";
import {
  type Address,
  encodeAbiParameters,
  encodeFunctionData,
  type Hex,
  keccak256,
  parseEventLogs,
  zeroHash,
} from "viem";
import type { TxSender } from "../../core/chain/types.ts";
import { Traceback } from "../../generated/contracts.ts";
import type { StirPublished } from "../../stir/published.ts";
import { invalidRegistriesInput, RegistriesError } from "../errors.ts";
import type { ConsortiumKey } from "../keys.ts";
import { ATTESTATIONS, type Attestation, type TracebackReadModel, type TraceView } from "./readModel.ts";

/** Traceback's hop window bounds (seconds) and the default the API uses. */
export const MIN_HOP_WINDOW = 60;
export const MAX_HOP_WINDOW = 7 * 24 * 3600;
export const DEFAULT_HOP_WINDOW = 3600;

/** The identifiers of a call, as the terminating carrier's PASSporT and CDR give them. */
export interface CallIdentifiers {
  /** The PASSporT's origid (a UUID). */
  origid: string;
  /** Calling and called numbers (E.164 digits). */
  orig: string;
  dest: string;
  /** The PASSporT's iat (unix seconds). */
  iat: number;
}

export interface TracebackServiceOptions {
  sender: TxSender;
  traceback: Address;
  memberAccount: Address;
  chainId: number;
  readModel: TracebackReadModel;
  key: ConsortiumKey;
  /** The signed-calls domain's published verification; undefined on an agent without it. */
  stir: StirPublished | undefined;
  sync(): Promise<unknown>;
}

/** A Service Provider Code as STI certificates carry it (ATIS-1000080; the signed-calls domain's rule). */
export const SPC_PATTERN = /^[0-9A-Za-z]{1,12}$/;

/** An SPC as Traceback stores it: its ASCII bytes, right-padded with zeros to 32 bytes. */
export function spcBytes(spc: string): Hex {
  return `0x${Buffer.from(spc, "latin1").toString("hex").padEnd(64, "0")}` as Hex;
}

export interface TraceOutcome {
  trace: TraceView;
  txHash: Hex;
}

export class TracebackService {
  readonly #o: TracebackServiceOptions;

  constructor(options: TracebackServiceOptions) {
    this.#o = options;
  }

  /** The member account this agent answers for. */
  get memberAccount(): Address {
    return this.#o.memberAccount;
  }

  /** The keyed digest naming a call on chain (needs the consortium key). */
  callDigest(call: CallIdentifiers): Hex {
    return this.#o.key.hashCall(call);
  }

  /** Opens a trace of `call` for this member, asking `firstHop` (the carrier it received the call from). */
  async open(input: {
    call: CallIdentifiers;
    firstHop: Address;
    attestation?: Attestation;
    hopWindowSeconds?: number;
  }): Promise<TraceOutcome> {
    const attestation = input.attestation === undefined ? 0 : ATTESTATIONS.indexOf(input.attestation);
    return this.#openTrace(input.call, input.firstHop, attestation, input.hopWindowSeconds, undefined);
  }

  /**
   * Opens a trace from the call's SHAKEN PASSporT (a compact JWS or an Identity header value): verifies it through
   * the signed-calls domain as of the call's time, names the call by the keyed digest of its origid, orig, first
   * dest and iat, and records on chain its origid, attestation, and the SPC and hash of the certificate that signed
   * it; the chain resolves the SPC to the originating provider (the member that registered it).
   * REGISTRIES_PASSPORT_INVALID naming body.passport when it does not verify; nothing is sent then.
   */
  async openFromPassport(input: {
    passport: string;
    firstHop: Address;
    hopWindowSeconds?: number;
  }): Promise<TraceOutcome> {
    if (!this.#o.stir) {
      throw new RegistriesError("REGISTRIES_PASSPORT_INVALID", "this agent does not run the signed-calls domain", {
        field: "body.passport",
      });
    }
    const check = await this.#o.stir.verifyCallPassport(input.passport);
    if (!check.verified) {
      throw new RegistriesError("REGISTRIES_PASSPORT_INVALID", `body.passport ${check.reason}: ${check.message}`, {
        field: "body.passport",
      });
    }
    const p = check.passport;
    const spc = p.spcs.find((s) => SPC_PATTERN.test(s));
    const dest = p.dest[0];
    if (!spc || !dest) {
      throw new RegistriesError(
        "REGISTRIES_PASSPORT_INVALID",
        `body.passport ${spc ? "has no dest" : "was signed by a certificate whose TNAuthList names no SPC"}`,
        { field: "body.passport" },
      );
    }
    const call = { origid: p.origid, orig: p.orig, dest, iat: p.iat };
    const facts = {
      origid: `0x${p.origid.replaceAll("-", "").toLowerCase()}` as Hex,
      spc: spcBytes(spc),
      certificate: p.certificateSha256 as Hex,
    };
    return this.#openTrace(call, input.firstHop, ATTESTATIONS.indexOf(p.attest), input.hopWindowSeconds, facts);
  }

  /** Registers this member's Service Provider Code on chain (first come; its own again changes nothing). */
  async registerSpc(spc: string): Promise<{ spc: string; member: Address; txHash: Hex }> {
    if (!SPC_PATTERN.test(spc)) throw invalidRegistriesInput("body.spc", "must be 1 to 12 letters or digits");
    const receipt = await this.#send("registerSpc", [spcBytes(spc)], `registries.traceback register SPC ${spc}`);
    await this.#o.sync();
    const registered = await this.#o.readModel.spc(spc);
    if (!registered) throw new Error(`${receipt.transactionHash} mined but SPC ${spc} is not in the read model`);
    return { spc, member: registered.member, txHash: receipt.transactionHash };
  }

  /** This member, the carrier asked, answers: `upstream` sent it the call, or null when it originated here. */
  async answer(traceId: Hex, upstream: Address | null, evidence: Hex | undefined): Promise<TraceOutcome> {
    await this.#current(traceId);
    const receipt = await this.#send(
      "answer",
      [traceId, upstream ?? "0x0000000000000000000000000000000000000000", evidence ?? zeroHash],
      `registries.traceback answer ${traceId}`,
    );
    return { trace: await this.#synced(traceId), txHash: receipt.transactionHash };
  }

  /** Records that the carrier asked let its deadline pass. */
  async markUnanswered(traceId: Hex): Promise<TraceOutcome> {
    await this.#current(traceId);
    const receipt = await this.#send("markUnanswered", [traceId], `registries.traceback unanswered ${traceId}`);
    return { trace: await this.#synced(traceId), txHash: receipt.transactionHash };
  }

  /** A trace from the read model, or REGISTRIES_TRACE_NOT_FOUND naming params.traceId. */
  async trace(traceId: string): Promise<TraceView> {
    const trace = await this.#o.readModel.trace(traceId);
    if (!trace) {
      throw new RegistriesError("REGISTRIES_TRACE_NOT_FOUND", `no traceback ${traceId}`, { field: "params.traceId" });
    }
    return trace;
  }

  /** Traceback's id for a trace by this member, computed locally. */
  traceIdOf(callDigest: Hex, salt: Hex): Hex {
    return keccak256(
      encodeAbiParameters(
        [{ type: "uint256" }, { type: "address" }, { type: "address" }, { type: "bytes32" }, { type: "bytes32" }],
        [BigInt(this.#o.chainId), this.#o.traceback, this.#o.memberAccount, callDigest, salt],
      ),
    );
  }

  async #openTrace(
    call: CallIdentifiers,
    firstHop: Address,
    attestation: number,
    hopWindowSeconds: number | undefined,
    passport: { origid: Hex; spc: Hex; certificate: Hex } | undefined,
  ): Promise<TraceOutcome> {
    const callDigest = this.callDigest(call);
    const salt = `0x${randomBytes(32).toString("hex")}` as Hex;
    const traceId = this.traceIdOf(callDigest, salt);
    const window = hopWindowSeconds ?? DEFAULT_HOP_WINDOW;
    const receipt = passport
      ? await this.#send(
          "openCertified",
          [callDigest, attestation, firstHop, window, salt, passport],
          `registries.traceback open from a PASSporT asking ${firstHop}`,
        )
      : await this.#send(
          "open",
          [callDigest, attestation, firstHop, window, salt],
          `registries.traceback open asking ${firstHop}`,
        );
    const [event] = parseEventLogs({ abi: Traceback.abi, eventName: "TraceOpened", logs: receipt.logs });
    if (event?.args.traceId.toLowerCase() !== traceId.toLowerCase()) {
      throw new Error(`${receipt.transactionHash} mined without TraceOpened for trace ${traceId}`);
    }
    return { trace: await this.#synced(traceId), txHash: receipt.transactionHash };
  }

  async #send(
    functionName: "open" | "openCertified" | "registerSpc" | "answer" | "markUnanswered",
    args: readonly unknown[],
    label: string,
  ) {
    return this.#o.sender.send({
      from: this.#o.memberAccount,
      to: this.#o.traceback,
      data: encodeFunctionData({ abi: Traceback.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]),
      label,
    });
  }

  // The trace as the chain has it now: the previous carrier's answer may have been mined a moment ago.
  async #current(traceId: Hex): Promise<TraceView> {
    await this.#o.sync();
    return this.trace(traceId);
  }

  async #synced(traceId: Hex): Promise<TraceView> {
    await this.#o.sync();
    return this.trace(traceId);
  }
}
