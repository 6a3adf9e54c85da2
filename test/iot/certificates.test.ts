// OEM certificates attested on the ledger and device certificate chains checked against them, through the agents on
// a real devnet. The certificates are real X.509 (ECDSA P-256) made here with @peculiar/x509; the positive chain and
// two broken ones are also given to `openssl verify`, so an independent verifier agrees with the agent.
import "reflect-metadata";
import assert from "node:assert/strict";
import { execFile, execFileSync } from "node:child_process";
import type { webcrypto } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import {
  BasicConstraintsExtension,
  KeyUsageFlags,
  KeyUsagesExtension,
  type X509Certificate,
  X509CertificateGenerator,
} from "@peculiar/x509";
import type { Hex } from "viem";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Json = Record<string, unknown>;
const ALG = { name: "ECDSA", namedCurve: "P-256", hash: "SHA-256" } as const;
const DAY = 86_400_000;

interface Party {
  name: string;
  keys: webcrypto.CryptoKeyPair;
  cert: X509Certificate;
}

const newKeys = () => crypto.subtle.generateKey(ALG, true, ["sign", "verify"]) as Promise<webcrypto.CryptoKeyPair>;

async function root(name: string): Promise<Party> {
  const keys = await newKeys();
  const cert = await X509CertificateGenerator.createSelfSigned({
    name: `CN=${name}`,
    keys,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - DAY),
    notAfter: new Date(Date.now() + 365 * DAY),
    extensions: [
      new BasicConstraintsExtension(true, undefined, true),
      new KeyUsagesExtension(KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign, true),
    ],
  });
  return { name, keys, cert };
}

async function issued(
  name: string,
  issuer: Party,
  options: { ca: boolean; signingKey?: webcrypto.CryptoKey; notAfter?: Date },
): Promise<Party> {
  const keys = await newKeys();
  const usage = options.ca ? KeyUsageFlags.keyCertSign | KeyUsageFlags.cRLSign : KeyUsageFlags.digitalSignature;
  const cert = await X509CertificateGenerator.create({
    subject: `CN=${name}`,
    issuer: issuer.cert.subject,
    publicKey: keys.publicKey,
    signingKey: options.signingKey ?? issuer.keys.privateKey,
    signingAlgorithm: ALG,
    notBefore: new Date(Date.now() - 2 * DAY),
    notAfter: options.notAfter ?? new Date(Date.now() + 180 * DAY),
    extensions: [new BasicConstraintsExtension(options.ca, undefined, true), new KeyUsagesExtension(usage, true)],
  });
  return { name, keys, cert };
}

const pem = (p: Party) => p.cert.toString("pem");

describe("IoT: device certificate chains against OEM certificates attested on the ledger", () => {
  let consortium: TestConsortium;
  let ta: TestAgent;
  let oem: TestAgent;
  let op: TestAgent;
  const dir = mkdtempSync(join(tmpdir(), "iot-certs-"));

  const call = (agent: TestAgent, method: string, path: string, body?: unknown) =>
    agent.call<Json & { code?: string; facts?: Json }>(method, path, body);
  const ok = async (agent: TestAgent, method: string, path: string, body?: unknown) => {
    const r = await call(agent, method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const verify = (chain: Party[]) => call(op, "POST", "/v1/iot/certificate-chains/verify", { chain: chain.map(pem) });
  const refusedWith = async (chain: Party[], reason: string, index: number) => {
    const r = await verify(chain);
    assert.equal(r.status, 422, JSON.stringify(r.body));
    assert.equal(r.body.code, "IOT_CERT_CHAIN_INVALID");
    assert.equal(r.body.facts?.reason, reason, JSON.stringify(r.body));
    assert.equal(r.body.facts?.index, index);
  };
  const attest = (p: Party, expiresAt?: number) =>
    ok(oem, "POST", "/v1/iot/oem-certificates", { pem: pem(p), ...(expiresAt ? { expiresAt } : {}) });
  /** `openssl verify` of the device certificate with the OEM root as the only trust anchor. */
  const openssl = (device: Party, untrusted: Party[], anchor: Party): boolean => {
    const file = (p: Party) => {
      const path = join(dir, `${p.name}.pem`);
      writeFileSync(path, pem(p));
      return path;
    };
    const untrustedFile = join(dir, `untrusted-${device.name}.pem`);
    writeFileSync(untrustedFile, untrusted.map(pem).join(""));
    try {
      execFileSync("openssl", ["verify", "-CAfile", file(anchor), "-untrusted", untrustedFile, file(device)], {
        stdio: "pipe",
      });
      return true;
    } catch {
      return false;
    }
  };

  let oemRoot: Party;
  let model: Party;
  let device: Party;

  before(async () => {
    consortium = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "oem", roles: ["ENTERPRISE"] },
      { name: "op", roles: ["MOBILE_OPERATOR"] },
    ]);
    ({ ta, oem, op } = consortium.agents as Record<string, TestAgent> & {
      ta: TestAgent;
      oem: TestAgent;
      op: TestAgent;
    });
    await ok(ta, "POST", "/v1/iot/attesters", { attester: oem.agent.config.memberAccount, kind: "oem" });
    oemRoot = await root("Acme Root CA");
    model = await issued("Acme SmartLock 2 CA", oemRoot, { ca: true });
    device = await issued("SmartLock 2 device 0001", model, { ca: false });
  });
  after(async () => {
    await consortium?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it("refuses an OEM certificate attestation from a member not vetted as OEM", async () => {
    const r = await call(op, "POST", "/v1/iot/oem-certificates", { pem: pem(oemRoot) });
    assert.equal(r.status, 403, JSON.stringify(r.body));
    assert.equal(r.body.code, "IOT_ATTESTER_NOT_VETTED");
  });

  it("trusts a device chain that reaches the OEM's attested root; openssl agrees", async () => {
    await refusedWith([device, model, oemRoot], "UNTRUSTED_ROOT", 2);
    const attestation = await attest(oemRoot);
    assert.equal(attestation.status, "valid");
    assert.equal(attestation.form, "onchain");
    const r = await verify([device, model, oemRoot]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const anchor = r.body.anchor as Json;
    assert.equal(r.body.trusted, true);
    assert.equal(anchor.index, 2);
    assert.equal(anchor.attestationId, attestation.id);
    assert.equal(anchor.oem, oem.agent.config.memberAccount.toLowerCase());
    const fingerprint = Buffer.from(await oemRoot.cert.getThumbprint("SHA-256")).toString("hex");
    assert.equal(anchor.sha256, `0x${fingerprint}`);
    assert.equal(attestation.subject, `0x${fingerprint}`, "the attestation's subject is the fingerprint");
    assert.equal(openssl(device, [model], oemRoot), true, "openssl verify accepts the chain");
  });

  it("refuses a chain whose root no vetted OEM attested with UNTRUSTED_ROOT", async () => {
    const otherRoot = await root("Other Root CA");
    const otherModel = await issued("Other Model CA", otherRoot, { ca: true });
    const otherDevice = await issued("Other device", otherModel, { ca: false });
    await refusedWith([otherDevice, otherModel, otherRoot], "UNTRUSTED_ROOT", 2);
    // Nor does a foreign chain borrow trust by appending the attested root: the link to it is not signed by it.
    await refusedWith([otherDevice, otherModel, oemRoot], "SIGNATURE", 1);
  });

  it("refuses a device certificate not signed by its model certificate with SIGNATURE; openssl agrees", async () => {
    const impostor = await newKeys();
    const forged = await issued("Forged device", model, { ca: false, signingKey: impostor.privateKey });
    await refusedWith([forged, model, oemRoot], "SIGNATURE", 0);
    assert.equal(openssl(forged, [model], oemRoot), false);
  });

  it("refuses an expired device certificate with EXPIRED", async () => {
    const old = await issued("Old device", model, { ca: false, notAfter: new Date(Date.now() - DAY) });
    await refusedWith([old, model, oemRoot], "EXPIRED", 0);
  });

  it("refuses a chain whose model certificate is not a CA with NOT_A_CA; openssl agrees", async () => {
    const notCa = await issued("Not a CA model", oemRoot, { ca: false });
    const underIt = await issued("Device under a non-CA", notCa, { ca: false });
    await refusedWith([underIt, notCa, oemRoot], "NOT_A_CA", 1);
    assert.equal(openssl(underIt, [notCa], oemRoot), false);
  });

  it("anchors at an attested intermediate; refuses it once revoked with OEM_ATTESTATION_REVOKED", async () => {
    const otherRoot = await root("Acme Second Root CA");
    const line = await issued("Acme Camera CA", otherRoot, { ca: true });
    const camera = await issued("Camera 0001", line, { ca: false });
    const attestation = await attest(line);
    const r = await verify([camera, line]);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal((r.body.anchor as Json).index, 1);
    await ok(oem, "POST", `/v1/iot/attestations/${attestation.id as Hex}/revoke`, {});
    await refusedWith([camera, line, otherRoot], "OEM_ATTESTATION_REVOKED", 1);
  });

  it("refuses a chain whose OEM attestation has expired with OEM_ATTESTATION_EXPIRED", async () => {
    const shortRoot = await root("Acme Short-Lived Root CA");
    const shortModel = await issued("Acme Sensor CA", shortRoot, { ca: true });
    const sensor = await issued("Sensor 0001", shortModel, { ca: false });
    await attest(shortRoot, Math.floor(Date.now() / 1000) + 3);
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    await refusedWith([sensor, shortModel, shortRoot], "OEM_ATTESTATION_EXPIRED", 2);
  });

  it("checks a chain from the CLI, one file holding model and root certificates", async () => {
    const bin = new URL("../../bin/telco-ledger.mjs", import.meta.url).pathname;
    const deviceFile = join(dir, "cli-device.pem");
    const restFile = join(dir, "cli-rest.pem");
    writeFileSync(deviceFile, pem(device));
    writeFileSync(restFile, `${pem(model)}\n${pem(oemRoot)}\n`);
    // Asynchronous: the agents run in this process and must keep answering while the CLI waits.
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [bin, "iot", "verify-chain", deviceFile, restFile, "--url", op.url, "--api-key", op.adminKey, "--json"],
      { encoding: "utf8", timeout: 120_000 },
    );
    const answer = JSON.parse(stdout) as Json;
    assert.equal(answer.trusted, true);
    assert.equal((answer.anchor as Json).index, 2);
  });

  it("refuses a malformed PEM naming the field", async () => {
    const r = await call(op, "POST", "/v1/iot/certificate-chains/verify", {
      chain: [pem(device), "not a certificate"],
    });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.match(JSON.stringify(r.body), /body\.chain\[1\]/);
  });
});
