// RFC 3161 tokens are real: a request made by `openssl ts -query` gets a token that `openssl ts -verify` accepts
// against the consortium CA, carrying the ledger proof (root, leaf, path) our verifier reads; a token for another
// file, an unsupported hash and a garbled request are refused with named reasons. (Anchoring on chain: pki.test.ts.)
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash, webcrypto } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { bytesToHex } from "viem";
import { MerkleLog } from "../../src/pki/log/merkle.ts";
import { verifyStampPath } from "../../src/pki/tsa/anchoring.ts";
import {
  grantedResponse,
  parseTimeStampRequest,
  readTimeStampResponse,
  rejectedResponse,
  TimeStampRefusal,
  TSA_POLICY,
} from "../../src/pki/tsa/rfc3161.ts";
import { createIssuingCa, type Es256Signer, issueTsaCertificate } from "../../src/pki/x509.ts";

async function softwareSigner(): Promise<Es256Signer> {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
  return {
    spki,
    sign: async (data) =>
      new Uint8Array(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data)),
  };
}

const dir = mkdtempSync(join(tmpdir(), "pki-tsa-"));
const path = (name: string) => join(dir, name);
const openssl = (args: string[]) => {
  try {
    return { ok: true, out: execFileSync("openssl", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] }) };
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    return { ok: false, out: `${e.stdout ?? ""}${e.stderr ?? ""}` };
  }
};

/** A batch of three digests, as the anchoring builds it; the file is the second leaf. */
function batchWith(digest: Uint8Array) {
  const tree = new MerkleLog();
  tree.append(createHash("sha256").update("other file a").digest());
  const leafIndex = tree.append(digest);
  tree.append(createHash("sha256").update("other file b").digest());
  return {
    root: bytesToHex(tree.root()),
    leafIndex,
    treeSize: tree.size,
    proof: tree.inclusionProof(leafIndex).map((h) => bytesToHex(h)),
  };
}

describe("pki RFC 3161 time-stamp tokens", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("answers an openssl ts -query with a token openssl ts -verify accepts, carrying the ledger proof", async () => {
    const caSigner = await softwareSigner();
    const ca = await createIssuingCa(caSigner, "Test Issuing CA");
    writeFileSync(path("ca.pem"), ca.toString("pem"));
    const tsaSigner = await softwareSigner();
    const tsaCert = await issueTsaCertificate(caSigner, ca, tsaSigner.spki, "Test TSA");
    writeFileSync(path("tile.txt"), "satellite tile 48.85N 2.35E 2026-11-30T01:00Z\n");
    writeFileSync(path("other.txt"), "a file never time-stamped\n");
    const query = openssl(["ts", "-query", "-data", path("tile.txt"), "-sha256", "-cert", "-out", path("q.tsq")]);
    assert.ok(query.ok, query.out);

    const request = parseTimeStampRequest(new Uint8Array(readFileSync(path("q.tsq"))));
    const digest = createHash("sha256")
      .update(readFileSync(path("tile.txt")))
      .digest();
    assert.deepEqual(Buffer.from(request.digest), digest, "the request's imprint is the file's SHA-256");
    assert.ok(request.nonce, "openssl sends a nonce");
    assert.equal(request.certReq, true);

    const ledger = batchWith(request.digest);
    const anchoredAt = Math.floor(Date.now() / 1000) - 5;
    const reply = await grantedResponse({
      request,
      anchoredAt,
      ledger,
      signer: tsaSigner,
      tsaCertificate: new Uint8Array(tsaCert.rawData),
    });
    writeFileSync(path("r.tsr"), reply);

    const verified = openssl([
      "ts",
      "-verify",
      "-data",
      path("tile.txt"),
      "-in",
      path("r.tsr"),
      "-CAfile",
      path("ca.pem"),
    ]);
    assert.ok(verified.ok, verified.out);
    assert.match(verified.out, /Verification: OK/);
    const withQuery = openssl([
      "ts",
      "-verify",
      "-queryfile",
      path("q.tsq"),
      "-in",
      path("r.tsr"),
      "-CAfile",
      path("ca.pem"),
    ]);
    assert.ok(withQuery.ok, `nonce and imprint match the query: ${withQuery.out}`);
    const otherFile = openssl([
      "ts",
      "-verify",
      "-data",
      path("other.txt"),
      "-in",
      path("r.tsr"),
      "-CAfile",
      path("ca.pem"),
    ]);
    assert.equal(otherFile.ok, false, "openssl refuses the token for another file");
    assert.match(otherFile.out, /message imprint mismatch/);
    const otherCa = await createIssuingCa(await softwareSigner(), "Test Issuing CA");
    writeFileSync(path("other-ca.pem"), otherCa.toString("pem"));
    const rogue = openssl([
      "ts",
      "-verify",
      "-data",
      path("tile.txt"),
      "-in",
      path("r.tsr"),
      "-CAfile",
      path("other-ca.pem"),
    ]);
    assert.equal(rogue.ok, false, "a CA with the same name but another key does not vouch for the TSA");

    const view = readTimeStampResponse(reply);
    assert.equal(view.status, 0, "granted");
    assert.equal(view.digest, bytesToHex(digest));
    assert.equal(view.genTime?.getTime(), anchoredAt * 1000, "the token's time is the anchoring block's");
    assert.deepEqual(view.ledger, ledger, "the ledger proof travels in the token");
    assert.ok(view.ledger && verifyStampPath({ ...view.ledger, digest: view.digest as `0x${string}` }));
    const otherDigest = bytesToHex(
      createHash("sha256")
        .update(readFileSync(path("other.txt")))
        .digest(),
    );
    assert.equal(verifyStampPath({ ...ledger, digest: otherDigest }), false, "the path is the file's only");
    const text = openssl(["ts", "-reply", "-in", path("r.tsr"), "-text"]);
    assert.match(text.out, /Status: Granted/);
  });

  it("refuses an unsupported hash, a foreign policy and a garbled request with RFC 3161 failure reasons", () => {
    writeFileSync(path("data.txt"), "data\n");
    assert.ok(openssl(["ts", "-query", "-data", path("data.txt"), "-sha1", "-out", path("sha1.tsq")]).ok);
    const refusedAlg = () => parseTimeStampRequest(new Uint8Array(readFileSync(path("sha1.tsq"))));
    assert.throws(refusedAlg, (e: unknown) => e instanceof TimeStampRefusal && e.failure === "badAlg");
    const policy = ["-tspolicy", "1.2.3.4"];
    assert.ok(openssl(["ts", "-query", "-data", path("data.txt"), "-sha256", ...policy, "-out", path("p.tsq")]).ok);
    const refusedPolicy = () => parseTimeStampRequest(new Uint8Array(readFileSync(path("p.tsq"))));
    assert.throws(refusedPolicy, (e: unknown) => e instanceof TimeStampRefusal && e.failure === "unacceptedPolicy");
    const ours = ["-tspolicy", TSA_POLICY];
    assert.ok(openssl(["ts", "-query", "-data", path("data.txt"), "-sha256", ...ours, "-out", path("ours.tsq")]).ok);
    assert.equal(parseTimeStampRequest(new Uint8Array(readFileSync(path("ours.tsq")))).digest.length, 32, "our policy");
    const garbled = () => parseTimeStampRequest(new Uint8Array([0x30, 0x03, 0x02, 0x01]));
    assert.throws(garbled, (e: unknown) => e instanceof TimeStampRefusal && e.failure === "badDataFormat");

    let refusal: TimeStampRefusal | undefined;
    try {
      refusedAlg();
    } catch (error) {
      refusal = error as TimeStampRefusal;
    }
    assert.ok(refusal);
    writeFileSync(path("rejected.tsr"), rejectedResponse(refusal));
    const text = openssl(["ts", "-reply", "-in", path("rejected.tsr"), "-text"]);
    assert.match(text.out, /Status: Rejected/);
    assert.match(text.out, /unrecognized or unsupported algorithm/i);
    assert.equal(readTimeStampResponse(rejectedResponse(refusal)).status, 2, "rejection");
  });
});
