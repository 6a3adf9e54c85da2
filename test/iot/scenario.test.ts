// IoT trust attestations through the member agents' APIs on a real devnet: vetting by the trust authority, schemas,
// a device registered with its own key, attestations on chain and off (signed tokens anchored in a batch), a relying
// party importing them and deciding under a versioned policy; and the negative cases, each refused or reported with
// a named reason: an unvetted attester, a proof replayed for another payload, a revoked and an expired attestation, a
// firmware image whose hash is not in the OEM's log.
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { Hex } from "viem";
import { privateKeyToAccount } from "viem/accounts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";

type Json = Record<string, unknown>;
interface Attestation {
  id: Hex;
  form: string;
  status: string;
  jwt: string | null;
  batchId: Hex | null;
  proof: Hex[] | null;
}
interface Decision {
  allowed: boolean;
  criteria: Array<{ name: string; satisfied: boolean; counted: Hex[]; notCounted: Array<{ id: Hex; reason: string }> }>;
}

const DEVICE_KEY = "0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d" as const;
const OTHER_KEY = "0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a" as const;

describe("IoT: attestations and relying-party decisions through the agents", () => {
  let consortium: TestConsortium;
  let ta: TestAgent;
  let oem: TestAgent;
  let cert: TestAgent;
  let op: TestAgent;
  const schema: Record<string, Hex> = {};
  const lock = privateKeyToAccount(DEVICE_KEY);
  const other = privateKeyToAccount(OTHER_KEY);

  const ok = async <T = Json>(agent: TestAgent, method: string, path: string, body?: unknown): Promise<T> => {
    const r = await agent.call<T>(method, path, body);
    assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  };
  const refused = async (
    agent: TestAgent,
    method: string,
    path: string,
    body: unknown,
    status: number,
    code: string,
  ) => {
    const r = await agent.call<{ code: string; facts?: Json }>(method, path, body);
    assert.equal(r.status, status, JSON.stringify(r.body));
    assert.equal(r.body.code, code);
    return r.body;
  };
  const registerSchema = async (agent: TestAgent, name: string, definition: string, kinds: string[]) =>
    (
      await ok<{ schemaId: Hex }>(agent, "POST", "/v1/iot/schemas", {
        name,
        definition,
        revocable: true,
        attesterKinds: kinds,
      })
    ).schemaId;
  const register = async (key: typeof lock, model: string) => {
    const q = new URLSearchParams({ device: key.address, make: "Acme", model });
    const { digest } = await ok<{ digest: Hex }>(oem, "GET", `/v1/iot/device-binding?${q}`);
    const signature = await key.signMessage({ message: { raw: digest } });
    return ok(oem, "POST", "/v1/iot/devices", { device: key.address, make: "Acme", model, signature });
  };
  const decide = (agent: TestAgent, subject: string, policyId: string) =>
    ok<Decision>(agent, "GET", `/v1/iot/subjects/${subject}/decision?policyId=${policyId}`);
  const criterion = (d: Decision, name: string) => {
    const c = d.criteria.find((x) => x.name === name);
    assert.ok(c, `criterion ${name}`);
    return c;
  };

  before(async () => {
    consortium = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "oem", roles: ["ENTERPRISE"] },
      { name: "cert", roles: ["KYC_VETTER"] },
      { name: "op", roles: ["MOBILE_OPERATOR"] },
    ]);
    ({ ta, oem, cert, op } = consortium.agents as Record<string, TestAgent> & {
      ta: TestAgent;
      oem: TestAgent;
      cert: TestAgent;
      op: TestAgent;
    });
  });
  after(async () => {
    await consortium?.stop();
  });

  const account = (agent: TestAgent) => agent.agent.config.memberAccount;

  it("vets attesters only through a TRUST_AUTHORITY member", async () => {
    await refused(
      op,
      "POST",
      "/v1/iot/attesters",
      { attester: account(op), kind: "operator" },
      403,
      "IOT_NOT_TRUST_AUTHORITY",
    );
    await ok(ta, "POST", "/v1/iot/attesters", { attester: account(oem), kind: "oem" });
    await ok(ta, "POST", "/v1/iot/attesters", { attester: account(cert), kind: "third-party" });
    await ok(ta, "POST", "/v1/iot/attesters", { attester: account(op), kind: "operator" });
    const seen = await ok<{ kind: string; vettedBy: string }>(op, "GET", `/v1/iot/attesters/${account(oem)}`);
    assert.equal(seen.kind, "oem");
    assert.equal(seen.vettedBy, account(ta).toLowerCase());
  });

  it("registers schemas and a device bound by its own key, with the operator's SIM binding", async () => {
    schema.boot = await registerSchema(oem, "verified-boot", "bool verifiedBoot,string rootOfTrust", ["oem"]);
    schema.cert = await registerSchema(cert, "certification", "string program,string level", ["third-party"]);
    schema.malice = await registerSchema(op, "malicious-activity", "string kind,string evidence", ["operator"]);
    const again = await ok<{ schemaId: Hex; txHash: string | null }>(oem, "POST", "/v1/iot/schemas", {
      name: "verified-boot",
      definition: "bool verifiedBoot,string rootOfTrust",
      revocable: true,
      attesterKinds: ["oem"],
    });
    assert.deepEqual(again, { schemaId: schema.boot, txHash: null }, "same content, same creator: same schema");
    await register(lock, "SmartLock 2");
    await register(other, "SmartLock 2");
    await ok(op, "POST", `/v1/iot/devices/${lock.address}/sim-binding`, {});
    const device = await ok<Json>(op, "GET", `/v1/iot/devices/${lock.address}`);
    assert.equal(device.make, "Acme");
    assert.equal(device.simOperator, account(op).toLowerCase());
  });

  it("refuses an attestation from an unvetted attester with IOT_ATTESTER_NOT_VETTED", async () => {
    const body = { schemaId: schema.cert, subject: lock.address, data: { program: "ZigBee" }, form: "onchain" };
    const error = await refused(ta, "POST", "/v1/iot/attestations", body, 403, "IOT_ATTESTER_NOT_VETTED");
    assert.equal((error.facts as Json).attester, account(ta).toLowerCase());
  });

  let certLock: Attestation;
  let certOther: Attestation;

  it("anchors off-chain attestations in one batch; a relying party imports them with their proofs", async () => {
    const issue = (subject: string) =>
      ok<Attestation>(cert, "POST", "/v1/iot/attestations", {
        schemaId: schema.cert,
        subject,
        data: { program: "ZigBee Alliance", level: "certified" },
        form: "offchain",
      });
    const pending = await issue(lock.address);
    assert.equal(pending.status, "PENDING_ANCHOR");
    await issue(other.address);
    const batch = await ok<{ batchId: Hex; count: number }>(cert, "POST", "/v1/iot/batches", {});
    assert.equal(batch.count, 2);
    certLock = await ok<Attestation>(cert, "GET", `/v1/iot/attestations/${pending.id}`);
    assert.equal(certLock.status, "valid");
    assert.equal(certLock.batchId, batch.batchId);
    assert.equal(certLock.proof?.length, 1);
    const [otherEntry] = (
      await ok<{ items: Attestation[] }>(cert, "GET", `/v1/iot/subjects/${other.address}/attestations`)
    ).items;
    assert.ok(otherEntry);
    certOther = await ok<Attestation>(cert, "GET", `/v1/iot/attestations/${otherEntry.id}`);
    const imported = await ok<Attestation>(op, "POST", "/v1/iot/attestations/import", {
      jwt: certLock.jwt,
      batchId: certLock.batchId,
      proof: certLock.proof,
    });
    assert.equal(imported.status, "valid");
    assert.equal(imported.form, "offchain");
  });

  it("refuses a proof replayed for another payload, and a tampered token", async () => {
    // The other device's token with the lock's proof: the leaf differs, so the proof does not hold.
    // The lock's proof (the sibling leaf) presented for the other device's token: refused.
    const proofOfLockForOther = { jwt: certOther.jwt, batchId: certLock.batchId, proof: certLock.proof };
    await refused(op, "POST", "/v1/iot/attestations/import", proofOfLockForOther, 422, "IOT_PROOF_MISMATCH");
    const [header, body, signature] = (certLock.jwt as string).split(".");
    const claims = JSON.parse(Buffer.from(body as string, "base64url").toString()) as Json;
    const forged = Buffer.from(JSON.stringify({ ...claims, claims: { program: "Forged", level: "gold" } })).toString(
      "base64url",
    );
    const error = await refused(
      op,
      "POST",
      "/v1/iot/attestations/import",
      { jwt: `${header}.${forged}.${signature}`, batchId: certLock.batchId, proof: certLock.proof },
      422,
      "IOT_TOKEN_INVALID",
    );
    assert.equal((error.facts as Json).reason, "ID_MISMATCH");
  });

  it("decides under a versioned policy, naming per criterion what counted and what did not", async () => {
    const boot = await ok<Attestation>(oem, "POST", "/v1/iot/attestations", {
      schemaId: schema.boot,
      subject: lock.address,
      data: { verifiedBoot: true, rootOfTrust: "SIM" },
      form: "onchain",
    });
    // The relying party sees the on-chain attestation's hash only; the OEM's token carries its claims.
    const policy = {
      version: 1,
      description: "home network admission",
      criteria: [
        { name: "OEM verified boot", schemaId: schema.boot, attesterKinds: ["oem"], match: { verifiedBoot: true } },
        { name: "alliance certification", schemaId: schema.cert, attesters: [account(cert)] },
        { name: "no malicious activity in 90 days", schemaId: schema.malice, withinDays: 90, min: 0, max: 0 },
      ],
    };
    await ok(op, "PUT", "/v1/iot/policies/home-admission", policy);
    const withoutData = await eventually(async () => {
      const d = await decide(op, lock.address, "home-admission");
      assert.equal(criterion(d, "OEM verified boot").notCounted.length, 1);
      return d;
    });
    assert.deepEqual(criterion(withoutData, "OEM verified boot").notCounted, [{ id: boot.id, reason: "DATA_UNKNOWN" }]);
    const imported = await ok<Attestation>(op, "POST", "/v1/iot/attestations/import", { jwt: boot.jwt });
    assert.equal(imported.form, "onchain");
    await refused(op, "PUT", "/v1/iot/policies/home-admission", policy, 409, "IOT_POLICY_VERSION_EXISTS");
    const allowed = await eventually(async () => {
      const d = await decide(op, lock.address, "home-admission");
      assert.ok(d.allowed, JSON.stringify(d));
      return d;
    });
    assert.deepEqual(criterion(allowed, "alliance certification").counted, [certLock.id]);
    const report = await ok<Attestation>(op, "POST", "/v1/iot/attestations", {
      schemaId: schema.malice,
      subject: lock.address,
      data: { kind: "botnet traffic", evidence: "flow-logs-2026-11" },
      form: "onchain",
    });
    const denied = await decide(op, lock.address, "home-admission");
    assert.equal(denied.allowed, false);
    const malice = criterion(denied, "no malicious activity in 90 days");
    assert.equal(malice.satisfied, false);
    assert.deepEqual(malice.counted, [report.id]);
  });

  it("reports a revoked and an expired attestation with their reasons", async () => {
    await ok(cert, "POST", `/v1/iot/attestations/${certLock.id}/revoke`, {});
    const seen = await eventually(async () => {
      const a = await ok<Attestation>(op, "GET", `/v1/iot/attestations/${certLock.id}`);
      assert.equal(a.status, "REVOKED");
      return a;
    });
    assert.equal(seen.form, "offchain");
    const d = await decide(op, lock.address, "home-admission");
    assert.deepEqual(criterion(d, "alliance certification").notCounted, [{ id: certLock.id, reason: "REVOKED" }]);
    await refused(op, "POST", `/v1/iot/attestations/${certLock.id}/revoke`, {}, 403, "IOT_NOT_ATTESTER");

    const expiresAt = Math.floor(Date.now() / 1000) + 3;
    const short = await ok<Attestation>(oem, "POST", "/v1/iot/attestations", {
      schemaId: schema.boot,
      subject: other.address,
      data: { verifiedBoot: true, rootOfTrust: "TPM" },
      form: "onchain",
      expiresAt,
    });
    assert.equal(short.status, "valid");
    await eventually(async () => {
      const a = await ok<Attestation>(oem, "GET", `/v1/iot/attestations/${short.id}`);
      assert.equal(a.status, "EXPIRED");
    }, 10_000);
  });

  it("refuses a firmware image whose hash is not in the OEM's log, and one whose release is not anchored yet", async () => {
    await registerSchema(oem, "firmware-release", "string version,bytes32 sha256,bytes signature", ["oem"]);
    const sha = (text: string) => `0x${createHash("sha256").update(text).digest("hex")}`;
    const release = {
      make: "Acme",
      model: "SmartLock 2",
      version: "1.1.0",
      sha256: sha("image 1.1.0"),
      signature: "0x5167",
    };
    await ok(oem, "POST", "/v1/iot/firmware", release);
    const pendingCheck = { device: lock.address, sha256: release.sha256 };
    const pending = await refused(oem, "POST", "/v1/iot/firmware/check", pendingCheck, 422, "IOT_FIRMWARE_NOT_IN_LOG");
    assert.equal((pending.facts as Json).sha256, release.sha256, "not in the log until its batch is anchored");
    await ok(oem, "POST", "/v1/iot/batches", {});
    const inLog = await ok<Attestation & { data: Json }>(oem, "POST", "/v1/iot/firmware/check", pendingCheck);
    assert.equal(inLog.data.version, "1.1.0");
    assert.ok(inLog.batchId && inLog.proof, "the release carries its batch and inclusion proof");
    const tampered = { device: lock.address, sha256: sha("tampered image") };
    const error = await refused(oem, "POST", "/v1/iot/firmware/check", tampered, 422, "IOT_FIRMWARE_NOT_IN_LOG");
    assert.equal((error.facts as Json).oem, account(oem).toLowerCase());
  });
});
