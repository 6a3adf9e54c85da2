// `telco-ledger pki timestamp ...` and `pki tsa ...`: proof of existence through a member agent's API. Files are
// hashed here; only their SHA-256 digests travel. A proof (JSON) or an RFC 3161 token (DER .tsr) is checked here
// offline (the path from the file's digest to the root) and against the chain through an agent (the root anchored).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import type { Command } from "commander";
import type { Hex } from "viem";
import { callAgent } from "../cli/agentClient.ts";
import { type ClientOptions, targetOf, withClientOptions } from "../cli/common.ts";
import { CliError, printResult } from "../cli/output.ts";
import type { Stamp } from "./tsa/repository.ts";

// The proof checks and the RFC 3161 parser load hundreds of modules (the chain and ASN.1 libraries): imported inside
// the actions that use them, so that registering these commands (done by every `telco-ledger` command) stays cheap.

const digestOf = (file: string): Hex => `0x${createHash("sha256").update(readFileSync(file)).digest("hex")}`;
type Anchor = { submitter: string; anchoredAt: number; blockNumber: number; count: number };
type Evidence = { root: Hex; leafIndex: number; treeSize: number; proof: Hex[]; digest: Hex; genTime?: Date };

export function registerTimestampCommands(pki: Command): void {
  const ts = pki.command("timestamp").description("proof of existence: file digests anchored on the ledger");

  withClientOptions(ts.command("stamp <files...>").description("anchor files' SHA-256 digests (one batch)"))
    .option("--out <file>", "write the proof (JSON) of the first file here")
    .action(async (files: string[], o: ClientOptions & { out?: string }) => {
      const digests = files.map(digestOf);
      const r = await callAgent<{ stamps: Stamp[] }>(targetOf(o), "POST", "/v1/pki/timestamps", { digests });
      if (o.out && r.stamps[0]) writeFileSync(o.out, `${JSON.stringify(r.stamps[0], null, 2)}\n`);
      printResult(r, o, () =>
        r.stamps
          .map(
            (s, i) =>
              `${files[i]}: anchored ${new Date(s.anchoredAt * 1000).toISOString()} in block ${s.blockNumber}, leaf ${s.leafIndex} of ${s.treeSize}`,
          )
          .join("\n"),
      );
    });

  withClientOptions(
    ts
      .command("verify <file> <evidence>")
      .description("check a file against a proof (JSON) or an RFC 3161 token (.tsr) and the chain; exit 3 when not"),
  ).action(async (file: string, evidenceFile: string, o: ClientOptions) => {
    const digest = digestOf(file);
    const evidence = await readEvidence(readFileSync(evidenceFile));
    const problems: string[] = [];
    if (evidence.digest.toLowerCase() !== digest) problems.push("the evidence is for another file");
    const { verifyStampPath } = await import("./tsa/anchoring.ts");
    const offline = verifyStampPath({ ...evidence, digest });
    if (!offline) problems.push("the path does not lead from this file's digest to the root");
    let anchor: Anchor | undefined;
    if (offline) {
      try {
        anchor = await callAgent<Anchor>(targetOf(o), "POST", "/v1/pki/timestamps/verify", {
          digest,
          root: evidence.root,
          leafIndex: evidence.leafIndex,
          treeSize: evidence.treeSize,
          proof: evidence.proof,
        });
      } catch (error) {
        if (!(error instanceof CliError && error.code.startsWith("PKI_TIMESTAMP_"))) throw error;
        problems.push(`${error.code}: ${error.message}`);
      }
    }
    if (anchor && evidence.genTime && evidence.genTime.getTime() !== anchor.anchoredAt * 1000) {
      problems.push(`the token's time ${evidence.genTime.toISOString()} is not the anchor's`);
    }
    const valid = problems.length === 0;
    printResult({ valid, ...evidence, digest, anchor: anchor ?? null, problems }, o, () =>
      valid && anchor
        ? `anchored: ${new Date(anchor.anchoredAt * 1000).toISOString()}, block ${anchor.blockNumber}, by ${anchor.submitter}; leaf ${evidence.leafIndex} of ${evidence.treeSize}, ${evidence.proof.length} hashes`
        : `INVALID: ${problems.join("; ")}`,
    );
    if (!valid) process.exitCode = 3;
  });

  const tsa = pki.command("tsa").description("the RFC 3161 time-stamping authority (held by the issuing member)");
  withClientOptions(
    tsa
      .command("request <query>")
      .description("send a TimeStampReq (e.g. from `openssl ts -query`) and save the reply"),
  )
    .requiredOption("--out <file>", "where to write the TimeStampResp (DER)")
    .action(async (query: string, o: ClientOptions & { out: string }) => {
      const target = targetOf(o);
      const response = await fetch(new URL("/v1/pki/tsa", target.url), {
        method: "POST",
        headers: {
          ...(target.apiKey ? { authorization: `Bearer ${target.apiKey}` } : {}),
          "content-type": "application/timestamp-query",
        },
        body: readFileSync(query),
      });
      const bytes = new Uint8Array(await response.arrayBuffer());
      if (!response.ok) {
        const err = JSON.parse(Buffer.from(bytes).toString("utf8") || "{}") as { code?: string; message?: string };
        throw new CliError(err.message ?? `HTTP ${response.status}`, err.code ?? `HTTP_${response.status}`);
      }
      writeFileSync(o.out, bytes);
      const { readTimeStampResponse } = await import("./tsa/rfc3161.ts");
      const view = readTimeStampResponse(bytes);
      printResult({ ...view, out: o.out }, o, () =>
        view.status === 0
          ? `granted: ${view.genTime?.toISOString()}, leaf ${view.ledger?.leafIndex} of ${view.ledger?.treeSize} under root ${view.ledger?.root}; written to ${o.out}`
          : `rejected: ${view.failure ?? "no reason given"}`,
      );
      if (view.status !== 0) process.exitCode = 3;
    });
  withClientOptions(tsa.command("certificate").description("the TSA's certificate (PEM)"))
    .option("--out <file>", "write the PEM to this file")
    .action(async (o: ClientOptions & { out?: string }) => {
      const r = await callAgent<{ certificate: string }>(targetOf(o), "GET", "/v1/pki/tsa/certificate");
      if (o.out) writeFileSync(o.out, r.certificate);
      printResult(r, o, () => (o.out ? `written to ${o.out}` : r.certificate));
    });
}

/** A proof (JSON, as `timestamp stamp --out` writes it) or an RFC 3161 reply/token (DER). */
async function readEvidence(bytes: Buffer): Promise<Evidence> {
  if (bytes[0] === 0x7b) {
    const s = JSON.parse(bytes.toString("utf8")) as Stamp;
    return { root: s.root, leafIndex: s.leafIndex, treeSize: s.treeSize, proof: s.proof, digest: s.digest };
  }
  const { readTimeStampResponse } = await import("./tsa/rfc3161.ts");
  const view = readTimeStampResponse(new Uint8Array(bytes));
  if (!view.ledger || !view.digest) throw new CliError("the token carries no ledger proof", "PKI_INVALID_INPUT");
  return { ...view.ledger, digest: view.digest, ...(view.genTime ? { genTime: view.genTime } : {}) };
}
