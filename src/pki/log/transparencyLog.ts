// The PKI transparency log as each member's agent keeps it: the Merkle tree of every issued certificate, rebuilt from
// the read model (so from the chain alone), checkpoints anchored by the log operator (the issuing member) and
// co-signed by witnesses that recompute the root themselves, and inclusion / consistency proofs served from it. A
// client accepts a log view only if it is a checkpoint with enough co-signatures on chain.
import { type Address, bytesToHex, encodeFunctionData, type Hex, hexToBytes } from "viem";
import type { ChainClient } from "../../core/chain/client.ts";
import type { Outbox } from "../../core/chain/outbox/outbox.ts";
import { CertificateLog } from "../../generated/contracts.ts";
import { PkiError } from "../errors.ts";
import type { CheckpointView, PkiLogReadModel, PkiReadModel } from "../readModel.ts";
import { MerkleLog, verifyInclusion } from "./merkle.ts";

const abi = CertificateLog.abi;

export interface TransparencyLogOptions {
  logReadModel: PkiLogReadModel;
  pkiReadModel: PkiReadModel;
  outbox: Outbox;
  chain: ChainClient;
  memberAccount: Address;
  logAddress: Address;
  sync(): Promise<unknown>;
}

export interface InclusionProof {
  applicationId: Hex;
  leafIndex: number;
  leafHash: Hex;
  treeSize: number;
  rootHash: Hex;
  proof: Hex[];
  cosignatures: number;
  witnesses: Address[];
}

export class TransparencyLog {
  readonly #o: TransparencyLogOptions;
  #tree = new MerkleLog();
  #refreshing: Promise<void> = Promise.resolve();
  #threshold: number | undefined;

  constructor(options: TransparencyLogOptions) {
    this.#o = options;
  }

  /** Brings the in-memory tree up to the read model; rebuilds it if a rewind removed leaves. */
  refresh(): Promise<void> {
    this.#refreshing = this.#refreshing.then(async () => {
      if ((await this.#o.logReadModel.size()) < this.#tree.size) this.#tree = new MerkleLog();
      for (const leaf of await this.#o.logReadModel.leavesFrom(this.#tree.size)) {
        if (leaf.index !== this.#tree.size)
          throw new Error(`log leaf ${leaf.index} out of order at ${this.#tree.size}`);
        this.#tree.appendLeafHash(hexToBytes(leaf.leafHash));
      }
    });
    return this.#refreshing;
  }

  async witnessThreshold(): Promise<number> {
    this.#threshold ??= Number(
      await this.#o.chain.readContract({ address: this.#o.logAddress, abi, functionName: "witnessThreshold" }),
    );
    return this.#threshold;
  }

  async head(): Promise<{
    treeSize: number;
    rootHash: Hex;
    latest: CheckpointView | null;
    witnessed: CheckpointView | null;
  }> {
    await this.refresh();
    return {
      treeSize: this.#tree.size,
      rootHash: bytesToHex(this.#tree.root()),
      latest: (await this.#o.logReadModel.latest()) ?? null,
      witnessed: (await this.#o.logReadModel.latestWitnessed(await this.witnessThreshold())) ?? null,
    };
  }

  /** As the log operator: anchors the current tree head (idempotent when it is anchored already). */
  async anchor(): Promise<CheckpointView> {
    await this.refresh();
    const size = this.#tree.size;
    if (size === 0) throw new PkiError("PKI_LOG_EMPTY", "the transparency log has no entry yet");
    const latest = await this.#o.logReadModel.latest();
    if (latest && latest.treeSize >= size) return latest;
    await this.#send("anchorCheckpoint", [BigInt(size), bytesToHex(this.#tree.root(size))], `size ${size}`);
    return this.#checkpoint(size);
  }

  /** As a witness: co-signs the checkpoint only if this agent's own log has the same root at that size. */
  async cosign(treeSize: number): Promise<CheckpointView & { witnesses: Address[] }> {
    const checkpoint = await this.#checkpoint(treeSize);
    await this.#o.sync();
    await this.refresh();
    if (treeSize > this.#tree.size) {
      throw new PkiError(
        "PKI_LOG_ROOT_MISMATCH",
        `this witness's log has ${this.#tree.size} entries, fewer than ${treeSize}`,
        {
          details: { treeSize, ownSize: this.#tree.size },
        },
      );
    }
    const own = bytesToHex(this.#tree.root(treeSize));
    if (own !== checkpoint.rootHash) {
      throw new PkiError(
        "PKI_LOG_ROOT_MISMATCH",
        `checkpoint ${treeSize} has root ${checkpoint.rootHash}; this witness computes ${own}`,
        {
          details: { treeSize, anchored: checkpoint.rootHash, computed: own },
        },
      );
    }
    const witnesses = await this.#o.logReadModel.witnesses(treeSize);
    if (!witnesses.includes(this.#o.memberAccount.toLowerCase() as Address)) {
      await this.#send("cosignCheckpoint", [BigInt(treeSize), checkpoint.rootHash], `size ${treeSize}`);
    }
    return { ...(await this.#checkpoint(treeSize)), witnesses: await this.#o.logReadModel.witnesses(treeSize) };
  }

  /** The inclusion proof of a certificate (by SHA-256) in a checkpoint (default: the latest witnessed one). */
  async inclusion(certificateSha256: Hex, treeSize?: number): Promise<InclusionProof> {
    const app = await this.#o.pkiReadModel.applicationByCertificate(certificateSha256);
    const leafIndex = app ? await this.#o.logReadModel.leafOfApplication(app.id) : undefined;
    if (!app || leafIndex === undefined) {
      throw new PkiError(
        "PKI_CERTIFICATE_NOT_FOUND",
        `the ledger records no certificate with SHA-256 ${certificateSha256}`,
      );
    }
    const checkpoint =
      treeSize === undefined
        ? await this.#o.logReadModel.latestWitnessed(await this.witnessThreshold())
        : await this.#o.logReadModel.checkpoint(treeSize);
    if (!checkpoint) {
      throw new PkiError(
        "PKI_LOG_CHECKPOINT_NOT_FOUND",
        `no ${treeSize === undefined ? "witnessed " : ""}checkpoint${treeSize === undefined ? "" : ` of size ${treeSize}`} yet`,
      );
    }
    if (leafIndex >= checkpoint.treeSize) {
      throw new PkiError("PKI_LOG_NOT_INCLUDED", `leaf ${leafIndex} is after checkpoint ${checkpoint.treeSize}`, {
        details: { leafIndex, treeSize: checkpoint.treeSize },
      });
    }
    await this.refresh();
    return {
      applicationId: app.id,
      leafIndex,
      leafHash: bytesToHex(this.#tree.leafHashAt(leafIndex)),
      treeSize: checkpoint.treeSize,
      rootHash: checkpoint.rootHash,
      proof: this.#tree.inclusionProof(leafIndex, checkpoint.treeSize).map((h) => bytesToHex(h)),
      cosignatures: checkpoint.cosignatures,
      witnesses: await this.#o.logReadModel.witnesses(checkpoint.treeSize),
    };
  }

  /** The consistency proof between two anchored checkpoints. */
  async consistency(first: number, second: number) {
    const [a, b] = [await this.#checkpoint(first), await this.#checkpoint(second)];
    if (first > second) {
      throw new PkiError("PKI_LOG_CHECKPOINT_NOT_FOUND", `first (${first}) must not be larger than second (${second})`);
    }
    await this.refresh();
    return {
      first: a,
      second: b,
      proof: this.#tree.consistencyProof(first, second).map((h) => bytesToHex(h)),
    };
  }

  /**
   * A client's check of an inclusion proof: the view (tree size, root) must be a checkpoint co-signed on chain by at
   * least the threshold of witnesses, and the proof must lead from the leaf to that root.
   */
  async verifyInclusion(input: { leafHash: Hex; leafIndex: number; treeSize: number; rootHash: Hex; proof: Hex[] }) {
    const checkpoint = await this.#o.logReadModel.checkpoint(input.treeSize);
    const threshold = await this.witnessThreshold();
    if (!checkpoint || checkpoint.rootHash !== input.rootHash.toLowerCase() || checkpoint.cosignatures < threshold) {
      throw new PkiError(
        "PKI_LOG_VIEW_UNWITNESSED",
        `tree size ${input.treeSize} with root ${input.rootHash} is not a checkpoint co-signed by ${threshold} witnesses on chain`,
        {
          details: {
            cosignatures: checkpoint?.rootHash === input.rootHash.toLowerCase() ? checkpoint.cosignatures : 0,
            threshold,
          },
        },
      );
    }
    const ok = verifyInclusion(
      hexToBytes(input.leafHash),
      input.leafIndex,
      input.treeSize,
      input.proof.map((p) => hexToBytes(p)),
      hexToBytes(input.rootHash),
    );
    if (!ok) {
      throw new PkiError(
        "PKI_INCLUSION_PROOF_INVALID",
        `the proof does not lead from leaf ${input.leafIndex} to the root of checkpoint ${input.treeSize}`,
      );
    }
    return { included: true, checkpoint, witnesses: await this.#o.logReadModel.witnesses(input.treeSize) };
  }

  async #checkpoint(treeSize: number): Promise<CheckpointView> {
    const checkpoint = await this.#o.logReadModel.checkpoint(treeSize);
    if (!checkpoint) throw new PkiError("PKI_LOG_CHECKPOINT_NOT_FOUND", `no checkpoint of size ${treeSize} on chain`);
    return checkpoint;
  }

  async #send(functionName: string, args: readonly unknown[], subject: string): Promise<Hex> {
    const receipt = await this.#o.outbox.send({
      from: this.#o.memberAccount,
      to: this.#o.logAddress,
      data: encodeFunctionData({ abi, functionName, args } as never),
      label: `pki.${functionName} ${subject}`,
    });
    await this.#o.sync();
    return receipt.transactionHash;
  }
}
