// `telco-ledger pki log ...`: the transparency log through a member agent's API, with inclusion proofs checked here
// too (offline, RFC 9162 §2.1.3.2) besides the agent's check that the view is a witnessed checkpoint.
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import type { Hex } from "viem";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { printResult } from "../cli/output.ts";

// viem, the Merkle code and the X.509 parser load hundreds of modules: `log prove` imports them when it runs, so that
// registering these commands (done by every `telco-ledger` command) stays cheap.

type Checkpoint = { treeSize: number; rootHash: Hex; cosignatures: number };
type Proof = { leafIndex: number; leafHash: Hex; treeSize: number; rootHash: Hex; proof: Hex[]; witnesses: string[] };

export function registerLogCommands(pki: Command): void {
  const log = pki.command("log").description("the PKI transparency log: checkpoints, witnesses, proofs");

  withClientOptions(log.command("head").description("this agent's tree head and the latest checkpoints")).action(
    async (o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "GET", "/v1/pki/log"),
        o,
        (r: { treeSize: number; witnessed: Checkpoint | null }) =>
          `log of ${r.treeSize} entries; latest witnessed checkpoint: ${r.witnessed ? `${r.witnessed.treeSize} (${r.witnessed.cosignatures} co-signatures)` : "none"}`,
      );
    },
  );

  withClientOptions(log.command("anchor").description("log operator: anchor the current tree head on chain")).action(
    async (o: ClientOptions) => {
      printResult(
        await callAgent(targetOf(o), "POST", "/v1/pki/log/checkpoints", {}),
        o,
        (r: Checkpoint) => `checkpoint ${r.treeSize} anchored, root ${r.rootHash}`,
      );
    },
  );

  withClientOptions(
    log.command("cosign <treeSize>").description("witness: recompute the root from our own log and co-sign"),
  ).action(async (treeSize: string, o: ClientOptions) => {
    printResult(
      await callAgent(targetOf(o), "POST", `/v1/pki/log/checkpoints/${treeSize}/cosign`, {}),
      o,
      (r: Checkpoint) => `checkpoint ${r.treeSize} co-signed: cosignatures ${r.cosignatures}`,
    );
  });

  withClientOptions(
    log
      .command("prove <certificate>")
      .description("inclusion of a certificate (PEM file) in the latest witnessed checkpoint"),
  ).action(async (file: string, o: ClientOptions) => {
    const { hexToBytes } = await import("viem");
    const { verifyInclusion } = await import("./log/merkle.ts");
    const { parseCertificate } = await import("./x509.ts");
    const der = new Uint8Array(parseCertificate(readFileSync(file, "utf8")).rawData);
    const sha256 = `0x${createHash("sha256").update(der).digest("hex")}`;
    const target = targetOf(o);
    const proof = await callAgent<Proof>(target, "GET", `/v1/pki/log/proofs/inclusion?sha256=${sha256}`);
    const { leafHash, leafIndex, treeSize, rootHash } = proof;
    const offline = verifyInclusion(
      hexToBytes(leafHash),
      leafIndex,
      treeSize,
      proof.proof.map((p) => hexToBytes(p)),
      hexToBytes(rootHash),
    );
    const checked = await callAgent<{ included: boolean; witnesses: string[] }>(
      target,
      "POST",
      "/v1/pki/log/proofs/inclusion/verify",
      { leafHash, leafIndex, treeSize, rootHash, proof: proof.proof },
    );
    printResult(
      { ...proof, offline, witnessed: checked.included },
      o,
      () =>
        `${offline && checked.included ? "included" : "NOT PROVEN"}: leaf ${leafIndex} of ${treeSize}, ${proof.proof.length} hashes, ` +
        `witnessed by ${checked.witnesses.length}`,
    );
    if (!offline) process.exitCode = 3;
  });
}
