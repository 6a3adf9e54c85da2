// Tie to EIDL: a number of a confirmed robocall campaign (a completed trace: the call traced to its origin) flagged
// to its holder's vetter. The holder and its vetter come from what the EIDL domain publishes only (EidlFacts: who
// holds the number now, that organisation's vetter, the vetter's member); the chain gets the number by keyed hash,
// the holder and vetter organisations, and the vetter's member, who acknowledges. The contract checks that the flagger
// is the trace's requester or origin and that the trace completed; a number nobody holds, or a holder with no vetter,
// is refused here by name with nothing sent.
import { type Address, encodeAbiParameters, encodeFunctionData, type Hex, keccak256, parseEventLogs } from "viem";
import type { TxSender } from "../../core/chain/types.ts";
import { parseEthrDid } from "../../core/identity/didEthr.ts";
import type { EidlFacts } from "../../eidl/published.ts";
import { Traceback } from "../../generated/contracts.ts";
import { RegistriesError } from "../errors.ts";
import type { ConsortiumKey } from "../keys.ts";
import type { TraceView } from "./readModel.ts";
import type { VetterFlagReadModel, VetterFlagView } from "./readModelFlags.ts";

export interface VetterFlagServiceOptions {
  sender: TxSender;
  traceback: Address;
  memberAccount: Address;
  chainId: number;
  readModel: VetterFlagReadModel;
  eidl: Pick<EidlFacts, "holderOf" | "standingOf" | "memberOf">;
  key: Pick<ConsortiumKey, "hashNumber">;
  /** The trace from the read model (REGISTRIES_TRACE_NOT_FOUND otherwise). */
  trace(traceId: string): Promise<TraceView>;
  sync(): Promise<unknown>;
}

export interface VetterFlagOutcome {
  flag: VetterFlagView;
  txHash: Hex;
}

/** Whom a number would be flagged to: its holder and the holder's vetter (DIDs), and the vetter's member. */
export interface FlagAddressee {
  holderDid: string;
  vetterDid: string;
  vetterMember: Address;
}

export class VetterFlagService {
  readonly #o: VetterFlagServiceOptions;

  constructor(options: VetterFlagServiceOptions) {
    this.#o = options;
  }

  /** The holder of `number` now and its vetter, from EIDL's published facts; named errors on body.number. */
  addresseeOf(number: string): FlagAddressee {
    const holding = this.#o.eidl.holderOf(number, Math.floor(Date.now() / 1000));
    if (!holding) {
      throw new RegistriesError("REGISTRIES_NUMBER_NOT_HELD", `no organisation holds ${number} in EIDL now`, {
        field: "body.number",
      });
    }
    const vetterDid = this.#o.eidl.standingOf(holding.holderDid)?.vetterDid ?? null;
    const vetterMember = vetterDid === null ? undefined : this.#o.eidl.memberOf(vetterDid);
    if (vetterDid === null || vetterMember === undefined) {
      throw new RegistriesError(
        "REGISTRIES_NO_VETTER",
        `${number}'s holder ${holding.holderDid} has no vetter in EIDL to flag it to`,
        { field: "body.number" },
      );
    }
    return { holderDid: holding.holderDid, vetterDid, vetterMember: vetterMember as Address };
  }

  /** Flags `number` of trace `traceId` (completed; this member its requester or origin) to its holder's vetter. */
  async flag(traceId: Hex, number: string, evidence?: Hex): Promise<VetterFlagOutcome & { addressee: FlagAddressee }> {
    await this.#o.sync();
    await this.#o.trace(traceId);
    const addressee = this.addresseeOf(number);
    const subject = this.#o.key.hashNumber(number);
    const holder = parseEthrDid(addressee.holderDid).address;
    const vetter = parseEthrDid(addressee.vetterDid).address;
    const flagId = this.flagIdOf(traceId, subject, vetter);
    const receipt = await this.#send(
      "flagToVetter",
      [traceId, subject, holder, vetter, addressee.vetterMember, evidence ?? traceId],
      `registries.traceback flag to vetter ${addressee.vetterDid}`,
    );
    const [event] = parseEventLogs({ abi: Traceback.abi, eventName: "VetterFlagged", logs: receipt.logs });
    if (event?.args.flagId.toLowerCase() !== flagId.toLowerCase()) {
      throw new Error(`${receipt.transactionHash} mined without VetterFlagged for flag ${flagId}`);
    }
    return { flag: await this.#synced(flagId), txHash: receipt.transactionHash, addressee };
  }

  /** The vetter's member (this member) acknowledges a flag addressed to it. */
  async acknowledge(flagId: Hex): Promise<VetterFlagOutcome> {
    await this.#o.sync();
    await this.flagView(flagId);
    const receipt = await this.#send("acknowledgeFlag", [flagId], `registries.traceback acknowledge flag ${flagId}`);
    return { flag: await this.#synced(flagId), txHash: receipt.transactionHash };
  }

  /** A flag from the read model, or REGISTRIES_FLAG_NOT_FOUND naming params.flagId. */
  async flagView(flagId: string): Promise<VetterFlagView> {
    const flag = await this.#o.readModel.flag(flagId);
    if (!flag) {
      throw new RegistriesError("REGISTRIES_FLAG_NOT_FOUND", `no vetter flag ${flagId}`, { field: "params.flagId" });
    }
    return flag;
  }

  /** Traceback's id for a flag by this member, computed locally. */
  flagIdOf(traceId: Hex, subject: Hex, vetter: Address): Hex {
    return keccak256(
      encodeAbiParameters(
        [
          { type: "uint256" },
          { type: "address" },
          { type: "address" },
          { type: "bytes32" },
          { type: "bytes32" },
          { type: "address" },
        ],
        [BigInt(this.#o.chainId), this.#o.traceback, this.#o.memberAccount, traceId, subject, vetter],
      ),
    );
  }

  async #send(functionName: "flagToVetter" | "acknowledgeFlag", args: readonly unknown[], label: string) {
    return this.#o.sender.send({
      from: this.#o.memberAccount,
      to: this.#o.traceback,
      data: encodeFunctionData({ abi: Traceback.abi, functionName, args } as Parameters<typeof encodeFunctionData>[0]),
      label,
    });
  }

  async #synced(flagId: Hex): Promise<VetterFlagView> {
    await this.#o.sync();
    return this.flagView(flagId);
  }
}
