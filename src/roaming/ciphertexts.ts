// Ciphertexts travel in events only, and the read model keeps no copy: at a thousand authentications a second the
// two ciphertexts per request were most of what an agent wrote to its database. The worker takes a ciphertext from
// the event the indexer hands it; a request or answer met again later (after a restart, a pause, a missed pass) is
// read back from the chain's logs by its request id, which every exchange event carries as an indexed topic.
import { type AbiEvent, type Address, getAbiItem, type Hex, type RpcLog, toEventSelector, toHex } from "viem";
import type { ChainClient } from "../core/chain/client.ts";
import { hexToUtf8 } from "../core/chain/hexBytes.ts";
import { eventDecoder } from "../core/chain/indexer/decodeLog.ts";
import { RoamingExchange } from "../generated/contracts.ts";
import type { LedgerRequestRow } from "./readModel.ts";

export type CiphertextKind = "request" | "answer";

/** A request row with the ciphertext to open: the request's on the home side, the answer's on the visited side. */
export type SealedRow = LedgerRequestRow & { ciphertext: string };

const EVENTS: Record<CiphertextKind, AbiEvent> = {
  request: getAbiItem({ abi: RoamingExchange.abi, name: "RequestSubmitted" }) as AbiEvent,
  answer: getAbiItem({ abi: RoamingExchange.abi, name: "AnswerSubmitted" }) as AbiEvent,
};
const DECODERS = { request: eventDecoder(EVENTS.request), answer: eventDecoder(EVENTS.answer) };
const SELECTORS = { request: toEventSelector(EVENTS.request), answer: toEventSelector(EVENTS.answer) };

// Request ids per eth_getLogs (an OR list in topic 1), and blocks searched before the one the read model recorded:
// a devnet restored from an older state mines the same transaction again, possibly a little earlier.
const IDS_PER_QUERY = 200;
const BLOCKS_BEFORE = 256;

/** The ciphertext an exchange event carries, as the JWE compact string the agents exchange. */
export function ciphertextOf(args: Record<string, unknown>): string {
  return hexToUtf8(args.ciphertext as Hex);
}

export class CiphertextSource {
  readonly #chain: ChainClient;
  readonly #exchange: Address;

  constructor(chain: ChainClient, exchange: Address) {
    this.#chain = chain;
    this.#exchange = exchange;
  }

  /**
   * The rows with their `kind` ciphertext read from the chain; rows whose event is not (or no longer) on the chain
   * are left out, and the next sweep asks again.
   */
  async attach(kind: CiphertextKind, rows: readonly LedgerRequestRow[]): Promise<SealedRow[]> {
    const found = new Map<string, string>();
    for (let i = 0; i < rows.length; i += IDS_PER_QUERY) {
      const chunk = rows.slice(i, i + IDS_PER_QUERY);
      const blocks = chunk.map((r) => Number((kind === "request" ? r.requested_block : r.answered_block) ?? 0));
      const logs = (await this.#chain.request({
        method: "eth_getLogs",
        params: [
          {
            address: this.#exchange,
            topics: [SELECTORS[kind], chunk.map((r) => r.request_id as Hex)],
            fromBlock: toHex(Math.max(0, Math.min(...blocks) - BLOCKS_BEFORE)),
            toBlock: "latest",
          } as never,
        ],
      })) as RpcLog[];
      for (const log of logs) {
        const { args } = DECODERS[kind](log.topics as Hex[], log.data);
        if (args) found.set(String(args.requestId).toLowerCase(), ciphertextOf(args));
      }
    }
    return rows.flatMap((row) => {
      const ciphertext = found.get(row.request_id);
      return ciphertext === undefined ? [] : [{ ...row, ciphertext }];
    });
  }
}
