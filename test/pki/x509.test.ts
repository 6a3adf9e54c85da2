// The PKI's certificates are real X.509: `openssl verify` accepts an issued certificate against the issuing CA built
// from a signer that only exposes sign() (as the keystore does), and refuses it against another CA.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { serialOf } from "../../src/pki/serial.ts";
import { createIssuingCa, type Es256Signer, issueLeaf, toPem } from "../../src/pki/x509.ts";

async function softwareSigner(): Promise<Es256Signer> {
  const pair = await webcrypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const spki = new Uint8Array(await webcrypto.subtle.exportKey("spki", pair.publicKey));
  return {
    spki,
    sign: async (data) =>
      new Uint8Array(await webcrypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data)),
  };
}

const dir = mkdtempSync(join(tmpdir(), "pki-x509-"));
const write = (name: string, pem: string) => {
  const path = join(dir, name);
  writeFileSync(path, pem);
  return path;
};
const opensslVerify = (ca: string, leaf: string) => {
  try {
    return {
      ok: true,
      out: execFileSync("openssl", ["verify", "-CAfile", ca, leaf], {
        encoding: "utf8",
        stdio: ["ignore", "pipe", "pipe"],
      }),
    };
  } catch (error) {
    return { ok: false, out: String((error as { stdout?: string }).stdout ?? error) };
  }
};

describe("pki X.509 certificates", () => {
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("issues a leaf that openssl verify accepts against the issuing CA and refuses against another", async () => {
    const caSigner = await softwareSigner();
    const ca = await createIssuingCa(caSigner, "Test Issuing CA");
    const holder = await softwareSigner();
    const id = `0x${"ab".repeat(32)}` as const;
    const leaf = await issueLeaf(caSigner, ca, {
      applicationId: id,
      dnsName: "shop.example",
      organization: "Acme, Inc.",
      publicKey: holder.spki,
    });
    assert.equal(leaf.serialNumber, serialOf(id));
    assert.match(leaf.subject, /CN=shop\.example/);
    const caPath = write("ca.pem", ca.toString("pem"));
    const leafPath = write("leaf.pem", toPem(new Uint8Array(leaf.rawData)));
    const accepted = opensslVerify(caPath, leafPath);
    assert.ok(accepted.ok, accepted.out);
    assert.match(accepted.out, /leaf\.pem: OK/);
    const other = await createIssuingCa(await softwareSigner(), "Test Issuing CA");
    const refused = opensslVerify(write("other.pem", other.toString("pem")), leafPath);
    assert.equal(refused.ok, false, "a CA with the same name but another key does not verify it");
  });
});
