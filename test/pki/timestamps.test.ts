// Proof of existence through the agents on a real devnet: a provider's file digests are batched into one Merkle root
// anchored by one transaction, each proof verifies against the chain from another member's agent, and the trust
// authority's RFC 3161 interface answers an `openssl ts -query` with a token `openssl ts -verify` accepts, whose
// time is the anchoring block's. Refusals: a file never anchored, a forged path, a member that is no TSA, an
// unsupported hash, bad input.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { bytesToHex, type Hex } from "viem";
import { MerkleLog } from "../../src/pki/log/merkle.ts";
import { verifyStampPath } from "../../src/pki/tsa/anchoring.ts";
import { readTimeStampResponse } from "../../src/pki/tsa/rfc3161.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

interface Stamp {
  digest: Hex;
  root: Hex;
  leafIndex: number;
  treeSize: number;
  proof: Hex[];
  submitter: string;
  anchoredAt: number;
  blockNumber: number;
  txHash: Hex | null;
}
interface Failure {
  code: string;
  message: string;
  details?: Array<{ field: string }>;
}

const dir = mkdtempSync(join(tmpdir(), "pki-ts-test-"));
const path = (name: string) => join(dir, name);
const sha256 = (text: string): Hex => bytesToHex(createHash("sha256").update(text).digest());
const openssl = (args: string[]) => {
  try {
    return { ok: true, out: execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
};
const postQuery = async (agent: TestAgent, query: Buffer) => {
  const response = await fetch(new URL("/v1/pki/tsa", agent.url), {
    method: "POST",
    headers: { authorization: `Bearer ${agent.adminKey}`, "content-type": "application/timestamp-query" },
    body: query,
  });
  return {
    status: response.status,
    type: response.headers.get("content-type"),
    body: Buffer.from(await response.arrayBuffer()),
  };
};

describe("proof of existence and RFC 3161 time-stamping through the agents", () => {
  let c: TestConsortium;
  let ta: TestAgent;
  let provider: TestAgent;
  let kyc: TestAgent;

  before(async () => {
    c = await startTestConsortium([
      { name: "trust-authority", roles: ["TRUST_AUTHORITY"] },
      { name: "kyc-vetter", roles: ["KYC_VETTER"] },
      { name: "acme-brand", roles: ["ENTERPRISE"] },
    ]);
    const agent = (name: string) => c.agents[name] as TestAgent;
    ta = agent("trust-authority");
    kyc = agent("kyc-vetter");
    provider = agent("acme-brand");
    const setup = await ta.call<{ certificate: string }>("POST", "/v1/pki/ca", {});
    assert.equal(setup.status, 200, JSON.stringify(setup.body));
    writeFileSync(path("ca.pem"), setup.body.certificate);
  });
  after(async () => {
    await c?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("batches concurrent uploads into one anchored root whose proofs verify from another member", async () => {
    const files = ["tile-1", "tile-2", "tile-3", "tile-4", "tile-5"].map((name) => sha256(`satellite ${name}`));
    // Two uploads in the same moment share one batch, so one transaction.
    const [first, second] = await Promise.all([
      provider.call<{ stamps: Stamp[] }>("POST", "/v1/pki/timestamps", { digests: files.slice(0, 3) }),
      provider.call<{ stamps: Stamp[] }>("POST", "/v1/pki/timestamps", { digests: files.slice(3) }),
    ]);
    assert.equal(first.status, 200, JSON.stringify(first.body));
    assert.equal(second.status, 200, JSON.stringify(second.body));
    const stamps = [...first.body.stamps, ...second.body.stamps];
    assert.equal(stamps.length, 5);
    assert.equal(new Set(stamps.map((s) => s.root)).size, 1, "one root for the batch");
    assert.equal(new Set(stamps.map((s) => s.txHash)).size, 1, "one transaction for five files");
    assert.ok(stamps[0]?.txHash, "anchored by a transaction");
    assert.equal(stamps[0]?.treeSize, 5);
    for (const s of stamps) {
      assert.ok(files.includes(s.digest));
      assert.ok(verifyStampPath(s), `offline: the path of ${s.digest} leads to the root`);
      assert.equal(s.submitter.toLowerCase(), provider.agent.config.memberAccount.toLowerCase());
      const checked = await kyc.call<{ valid: boolean; anchoredAt: number; submitter: string }>(
        "POST",
        "/v1/pki/timestamps/verify",
        { digest: s.digest, root: s.root, leafIndex: s.leafIndex, treeSize: s.treeSize, proof: s.proof },
      );
      assert.equal(checked.status, 200, JSON.stringify(checked.body));
      assert.equal(checked.body.valid, true);
      assert.equal(checked.body.anchoredAt, s.anchoredAt, "the chain's anchor time");
    }
    const own = await provider.call<{ stamps: Stamp[] }>("GET", `/v1/pki/timestamps/${files[1]}`);
    assert.equal(own.status, 200);
    assert.equal(own.body.stamps[0]?.root, stamps[0]?.root);
  });

  it("refuses a timestamp for a file never anchored and a forged path, each with a named reason", async () => {
    const [stamp] = (
      await provider.call<{ stamps: Stamp[] }>("POST", "/v1/pki/timestamps", { digests: [sha256("real")] })
    ).body.stamps;
    assert.ok(stamp);
    // A well-formed proof for a file never anchored: its own little tree, whose root is on no chain.
    const tree = new MerkleLog();
    const never = sha256("a file never anchored");
    tree.append(Buffer.from(never.slice(2), "hex"));
    tree.append(Buffer.from(sha256("companion").slice(2), "hex"));
    const unanchored = await kyc.call<Failure>("POST", "/v1/pki/timestamps/verify", {
      digest: never,
      root: bytesToHex(tree.root()),
      leafIndex: 0,
      treeSize: 2,
      proof: tree.inclusionProof(0).map((h) => bytesToHex(h)),
    });
    assert.equal(unanchored.status, 409, JSON.stringify(unanchored.body));
    assert.equal(unanchored.body.code, "PKI_TIMESTAMP_NOT_ANCHORED");
    // The real anchored root, claimed for another file: the path does not lead there.
    const { root, leafIndex, treeSize, proof } = stamp;
    const forged = await kyc.call<Failure>("POST", "/v1/pki/timestamps/verify", {
      digest: never,
      root,
      leafIndex,
      treeSize,
      proof,
    });
    assert.equal(forged.status, 422, JSON.stringify(forged.body));
    assert.equal(forged.body.code, "PKI_TIMESTAMP_PROOF_INVALID");
    const missing = await kyc.call<Failure>("GET", `/v1/pki/timestamps/${never}`);
    assert.equal(missing.status, 404);
    assert.equal(missing.body.code, "PKI_TIMESTAMP_NOT_FOUND");
    const bad = await provider.call<Failure>("POST", "/v1/pki/timestamps", { digests: ["0x1234"] });
    assert.equal(bad.status, 400, JSON.stringify(bad.body));
    assert.equal(bad.body.details?.[0]?.field, "body.digests[0]");
  });

  it("answers an openssl ts -query with a ledger-backed token that openssl ts -verify and the ledger accept", async () => {
    writeFileSync(path("tile.txt"), "satellite tile 48.85N 2.35E 2026-11-30T01:00Z\n");
    assert.ok(openssl(["ts", "-query", "-data", path("tile.txt"), "-sha256", "-cert", "-out", path("q.tsq")]).ok);
    const reply = await postQuery(ta, readFileSync(path("q.tsq")));
    assert.equal(reply.status, 200, reply.body.toString());
    assert.equal(reply.type, "application/timestamp-reply");
    writeFileSync(path("r.tsr"), reply.body);
    const verified = openssl([
      "ts",
      "-verify",
      "-queryfile",
      path("q.tsq"),
      "-in",
      path("r.tsr"),
      "-CAfile",
      path("ca.pem"),
    ]);
    assert.ok(verified.ok, verified.out);
    assert.match(verified.out, /Verification: OK/);
    const byData = openssl([
      "ts",
      "-verify",
      "-data",
      path("tile.txt"),
      "-in",
      path("r.tsr"),
      "-CAfile",
      path("ca.pem"),
    ]);
    assert.ok(byData.ok, byData.out);

    const token = readTimeStampResponse(reply.body);
    assert.ok(token.ledger && token.digest && token.genTime);
    const anchor = await kyc.call<{ anchoredAt: number; submitter: string }>("POST", "/v1/pki/timestamps/verify", {
      digest: token.digest,
      ...token.ledger,
    });
    assert.equal(anchor.status, 200, JSON.stringify(anchor.body));
    assert.equal(token.genTime.getTime(), anchor.body.anchoredAt * 1000, "the token's time is the anchoring block's");
    assert.equal(anchor.body.submitter.toLowerCase(), ta.agent.config.memberAccount.toLowerCase());

    // A member holding no issuing CA runs no TSA; a SHA-1 request is rejected (RFC 3161 badAlg), nothing anchored.
    const notTsa = await postQuery(kyc, readFileSync(path("q.tsq")));
    assert.equal(notTsa.status, 403);
    assert.equal((JSON.parse(notTsa.body.toString()) as Failure).code, "PKI_NOT_ISSUER");
    assert.ok(openssl(["ts", "-query", "-data", path("tile.txt"), "-sha1", "-out", path("sha1.tsq")]).ok);
    const sha1 = await postQuery(ta, readFileSync(path("sha1.tsq")));
    assert.equal(sha1.status, 200);
    writeFileSync(path("sha1.tsr"), sha1.body);
    assert.match(openssl(["ts", "-reply", "-in", path("sha1.tsr"), "-text"]).out, /Status: Rejected/);
  });
});
