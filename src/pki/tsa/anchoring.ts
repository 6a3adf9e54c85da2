// Proof of existence: file digests (SHA-256, never the files) gathered for a short window into an RFC 9162 Merkle
// tree whose root one transaction anchors on the TimestampLedger; each digest gets the path from its leaf to that
// root. Callers arriving while a batch fills share its transaction, so the ledger cost per file falls with the load.
import { type Address, bytesToHex, encodeFunctionData, type Hex, hexToBytes } from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import type { TxSender } from "../../core/chain/types.ts";
import { TimestampLedger } from "../../generated/contracts.ts";
import { PkiError } from "../errors.ts";
import { leafHash, MerkleLog, verifyInclusion } from "../log/merkle.ts";
import type { Stamp, TimestampRepository } from "./repository.ts";

const abi = TimestampLedger.abi;

export interface AnchoringOptions {
  outbox: TxSender;
  chain: Pick<ChainClient, "readContract">;
  memberAccount: Address;
  ledger: Address;
  repository: TimestampRepository;
  /** How long the first digest of a batch waits for others (ms). */
  windowMs?: number;
  /** Digests a batch holds at most; a full batch goes at once. */
  maxBatch?: number;
}

export interface AnchorView {
  submitter: Address;
  count: number;
  anchoredAt: number;
  blockNumber: number;
}

interface Waiting {
  digests: Uint8Array[];
  resolve(stamps: Stamp[]): void;
  reject(error: unknown): void;
}

export class TimestampAnchoring {
  readonly #o: Required<AnchoringOptions>;
  #pending: Waiting[] = [];
  #pendingCount = 0;
  #timer: NodeJS.Timeout | undefined;
  #sending: Promise<void> = Promise.resolve();

  constructor(options: AnchoringOptions) {
    this.#o = { windowMs: 200, maxBatch: 4096, ...options };
  }

  /** Anchors the digests (in a batch with whatever else arrives in the window) and answers one stamp each. */
  stamp(digests: readonly Uint8Array[]): Promise<Stamp[]> {
    for (const d of digests) if (d.length !== 32) throw new Error("a digest is 32 bytes (SHA-256)");
    return new Promise((resolve, reject) => {
      this.#pending.push({ digests: [...digests], resolve, reject });
      this.#pendingCount += digests.length;
      if (this.#pendingCount >= this.#o.maxBatch) this.#flush();
      else this.#timer ??= setTimeout(() => this.#flush(), this.#o.windowMs);
    });
  }

  /** The stamps this agent anchored for a digest, earliest first (PKI_TIMESTAMP_NOT_FOUND when none). */
  async stamps(digest: Hex): Promise<Stamp[]> {
    const found = await this.#o.repository.byDigest(digest);
    if (found.length === 0) {
      throw new PkiError("PKI_TIMESTAMP_NOT_FOUND", `this agent anchored no file with SHA-256 ${digest}`);
    }
    return found;
  }

  /** The on-chain anchor of a root, or undefined when it was never anchored. */
  async anchorOf(root: Hex): Promise<AnchorView | undefined> {
    const a = (await this.#o.chain.readContract({
      address: this.#o.ledger,
      abi,
      functionName: "anchorOf",
      args: [root],
    })) as { submitter: Address; count: number; anchoredAt: bigint; blockNumber: bigint };
    if (a.anchoredAt === 0n) return undefined;
    return {
      submitter: a.submitter,
      count: Number(a.count),
      anchoredAt: Number(a.anchoredAt),
      blockNumber: Number(a.blockNumber),
    };
  }

  /**
   * Checks a proof for a digest: the path must lead from the digest's leaf to the root (PKI_TIMESTAMP_PROOF_INVALID)
   * and the root must be anchored on chain (PKI_TIMESTAMP_NOT_ANCHORED). Answers the anchor.
   */
  async verify(input: { digest: Hex; root: Hex; leafIndex: number; treeSize: number; proof: Hex[] }) {
    const leads = verifyStampPath(input);
    if (!leads) {
      throw new PkiError(
        "PKI_TIMESTAMP_PROOF_INVALID",
        `the path does not lead from digest ${input.digest} (leaf ${input.leafIndex} of ${input.treeSize}) to root ${input.root}`,
      );
    }
    const anchor = await this.anchorOf(input.root);
    if (!anchor) {
      throw new PkiError("PKI_TIMESTAMP_NOT_ANCHORED", `root ${input.root} was never anchored on the TimestampLedger`, {
        details: { root: input.root },
      });
    }
    return { valid: true as const, digest: input.digest.toLowerCase() as Hex, root: input.root, ...anchor };
  }

  #flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const batch = this.#pending;
    this.#pending = [];
    this.#pendingCount = 0;
    if (batch.length === 0) return;
    // One batch on chain at a time: the next one keeps filling meanwhile.
    this.#sending = this.#sending.then(() => this.#anchor(batch));
  }

  async #anchor(batch: Waiting[]): Promise<void> {
    try {
      const tree = new MerkleLog();
      for (const w of batch) for (const d of w.digests) tree.append(d);
      const root = bytesToHex(tree.root());
      // A root anchored before (the same digests in the same order) proves existence at that earlier time already.
      let anchor = await this.anchorOf(root);
      let txHash: Hex | null = null;
      if (!anchor) {
        const receipt = await this.#o.outbox.send({
          from: this.#o.memberAccount,
          to: this.#o.ledger,
          data: encodeFunctionData({ abi, functionName: "anchorRoot", args: [root, tree.size] }),
          label: `pki.anchorRoot ${tree.size} digests`,
        });
        txHash = receipt.transactionHash;
        anchor = await this.anchorOf(root);
        if (!anchor) throw new Error(`anchorRoot ${root} mined but the ledger holds no anchor`);
      }
      const stamps: Stamp[] = [];
      let index = 0;
      for (const w of batch) {
        const mine: Stamp[] = [];
        for (const d of w.digests) {
          mine.push({
            digest: bytesToHex(d),
            root,
            leafIndex: index,
            treeSize: tree.size,
            proof: tree.inclusionProof(index, tree.size).map((h) => bytesToHex(h)),
            submitter: anchor.submitter,
            anchoredAt: anchor.anchoredAt,
            blockNumber: anchor.blockNumber,
            txHash,
          });
          index++;
        }
        stamps.push(...mine);
      }
      await this.#o.repository.record(stamps);
      let from = 0;
      for (const w of batch) {
        w.resolve(stamps.slice(from, from + w.digests.length));
        from += w.digests.length;
      }
    } catch (error) {
      for (const w of batch) w.reject(error);
    }
  }
}

/** The offline half of a check: does the path lead from the digest's leaf to the root? */
export function verifyStampPath(input: {
  digest: Hex;
  root: Hex;
  leafIndex: number;
  treeSize: number;
  proof: Hex[];
}): boolean {
  if (input.leafIndex < 0 || input.leafIndex >= input.treeSize) return false;
  return verifyInclusion(
    leafHash(hexToBytes(input.digest)),
    input.leafIndex,
    input.treeSize,
    input.proof.map((p) => hexToBytes(p)),
    hexToBytes(input.root),
  );
}
