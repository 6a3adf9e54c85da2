// Peer attestations through the agents on a real devnet: devices attest a neighbour off chain with their own keys
// (the simulator's signPeerAttestation), a vetted gateway operator relays them in a peer batch it anchors, and the
// contract itself verifies each leaf with its device's signature. A relying party imports them with their proofs
// and counts "at least 2 independent peer attestations"; a device revokes its own through the gateway. Negative
// cases, each refused or reported with a named reason: an unregistered device, a signature that is not the device's,
// an unvetted relayer, a proof replayed for another payload, a peer token without its device's signature, a revocation
// not signed by the device.
import assert from "node:assert/strict";
import { readFile } from "node:fs/promises";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import type { DeploymentManifest } from "../../src/core/chain/manifest.ts";
import { IotAttestations } from "../../src/generated/contracts.ts";
import { verifyAttestation } from "../../src/iot/eat.ts";
import { deviceSubject, peerAttestationDigest } from "../../src/iot/payload.ts";
import { type DeviceKeyFile, signPeerAttestation } from "../../src/iot/simulator.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";
import { eventually } from "../../testkit/eventually.ts";

type Json = Record<string, unknown>;
interface Attestation {
  id: Hex;
  form: string;
  status: string;
  attester: Address;
  jwt: string | null;
  batchId: Hex | null;
  proof: Hex[] | null;
  relayer: Address | null;
  peerSignature: Hex | null;
}
interface Decision {
  allowed: boolean;
  criteria: Array<{ name: string; satisfied: boolean; attesters: number; counted: Hex[]; notCounted: Json[] }>;
}

const deviceKey = (): DeviceKeyFile => {
  const privateKey = generatePrivateKey();
  return { address: privateKeyToAccount(privateKey).address, privateKey };
};

describe("IoT: devices' peer attestations relayed by a gateway and anchored", () => {
  let consortium: TestConsortium;
  let ta: TestAgent;
  let oem: TestAgent;
  let gw: TestAgent;
  let rp: TestAgent;
  let attestationsAddress: Address;
  let peerSchema: Hex;
  const lock = deviceKey();
  const thermo = deviceKey();
  const camera = deviceKey();
  const stranger = deviceKey();
  const reading = { range: "18-22C", correlated: true };

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
    assert.equal(r.body.code, code, JSON.stringify(r.body));
    return r.body;
  };
  const register = async (key: DeviceKeyFile, model: string) => {
    const q = new URLSearchParams({ device: key.address, make: "Acme", model });
    const { digest } = await ok<{ digest: Hex }>(oem, "GET", `/v1/iot/device-binding?${q}`);
    const signature = await privateKeyToAccount(key.privateKey).signMessage({ message: { raw: digest } });
    await ok(oem, "POST", "/v1/iot/devices", { device: key.address, make: "Acme", model, signature });
  };
  const peer = (key: DeviceKeyFile, subject: Address, data: Json = reading) =>
    signPeerAttestation(
      key,
      { schemaId: peerSchema, subject: deviceSubject(subject), expiresAt: 0 },
      data,
      Math.floor(Date.now() / 1000),
    );
  /** What the device hands its gateway: the token and its signature of the payload id. */
  const relay = (p: { jwt: string; signature: Hex }) => ({ jwt: p.jwt, signature: p.signature });
  const verifyOnChain = (a: Attestation, signature: Hex, proof: Hex[]) =>
    verifyAttestation(a.jwt as string, async (x) => x).then(({ payload }) =>
      gw.agent.chain.readContract({
        address: attestationsAddress,
        abi: IotAttestations.abi,
        functionName: "verifyPeerOffchain",
        args: [a.batchId as Hex, { ...payload, expiresAt: BigInt(payload.expiresAt) }, signature, proof],
      }),
    );

  before(async () => {
    consortium = await startTestConsortium([
      { name: "ta", roles: ["TRUST_AUTHORITY"] },
      { name: "oem", roles: ["ENTERPRISE"] },
      { name: "gw", roles: ["MOBILE_OPERATOR"] },
      { name: "rp", roles: ["MOBILE_OPERATOR"] },
    ]);
    ({ ta, oem, gw, rp } = consortium.agents as Record<string, TestAgent> & {
      ta: TestAgent;
      oem: TestAgent;
      gw: TestAgent;
      rp: TestAgent;
    });
    const manifest = JSON.parse(await readFile(consortium.manifestPath, "utf8")) as DeploymentManifest;
    attestationsAddress = manifest.contracts.IotAttestations?.address as Address;
    await ok(ta, "POST", "/v1/iot/attesters", { attester: oem.agent.config.memberAccount, kind: "oem" });
    await ok(ta, "POST", "/v1/iot/attesters", { attester: gw.agent.config.memberAccount, kind: "operator" });
    peerSchema = (
      await ok<{ schemaId: Hex }>(gw, "POST", "/v1/iot/schemas", {
        name: "peer-reading",
        definition: "string range,bool correlated",
        revocable: true,
        attesterKinds: ["peer"],
      })
    ).schemaId;
    await register(lock, "SmartLock 2");
    await register(thermo, "Thermo 1");
    await register(camera, "Cam 4");
  });
  after(async () => {
    await consortium?.stop();
  });

  let byThermo: Attestation;
  let byCamera: Attestation;

  it("refuses a peer attestation of an unregistered device, a signature not the device's, and an unvetted relayer", async () => {
    const unknown = await peer(stranger, lock.address);
    const e1 = await refused(gw, "POST", "/v1/iot/peer-attestations", relay(unknown), 403, "IOT_ATTESTER_NOT_VETTED");
    assert.equal((e1.facts as Json).attester, stranger.address.toLowerCase());
    const byThermoToken = await peer(thermo, lock.address);
    const otherSignature = await privateKeyToAccount(camera.privateKey).signMessage({
      message: { raw: peerAttestationDigest(byThermoToken.id) },
    });
    const e2 = await refused(
      gw,
      "POST",
      "/v1/iot/peer-attestations",
      { jwt: byThermoToken.jwt, signature: otherSignature },
      422,
      "IOT_TOKEN_INVALID",
    );
    assert.equal((e2.facts as Json).reason, "BAD_PEER_SIGNATURE");
    // The trust authority is a member, but not vetted as an attester: it may not relay.
    await refused(ta, "POST", "/v1/iot/peer-attestations", relay(byThermoToken), 403, "IOT_ATTESTER_NOT_VETTED");
  });

  it("relays two devices' attestations in one peer batch the contract verifies leaf by leaf", async () => {
    const t = await peer(thermo, lock.address);
    const c = await peer(camera, lock.address);
    const pending = await ok<Attestation>(gw, "POST", "/v1/iot/peer-attestations", relay(t));
    assert.equal(pending.status, "PENDING_ANCHOR");
    assert.equal(pending.attester, thermo.address.toLowerCase());
    assert.equal(pending.relayer, gw.agent.config.memberAccount.toLowerCase());
    await ok(gw, "POST", "/v1/iot/peer-attestations", relay(c));
    // The gateway's own pending attestations are a separate batch: nothing of its own waits.
    await refused(gw, "POST", "/v1/iot/batches", {}, 409, "IOT_NOTHING_TO_ANCHOR");
    const batch = await ok<{ batchId: Hex; count: number; kind: string }>(gw, "POST", "/v1/iot/peer-batches", {});
    assert.deepEqual([batch.count, batch.kind], [2, "peer"]);
    byThermo = await ok<Attestation>(gw, "GET", `/v1/iot/attestations/${t.id}`);
    byCamera = await ok<Attestation>(gw, "GET", `/v1/iot/attestations/${c.id}`);
    assert.equal(byThermo.status, "valid");
    assert.equal(byThermo.batchId, batch.batchId);
    assert.equal(byThermo.peerSignature, t.signature);
    assert.equal(await verifyOnChain(byThermo, t.signature, byThermo.proof as Hex[]), 0, "Valid on chain");
    assert.equal(await verifyOnChain(byThermo, c.signature, byThermo.proof as Hex[]), 6, "SignatureMismatch");
  });

  it("a relying party imports them and counts two independent peers", async () => {
    for (const a of [byThermo, byCamera]) {
      const imported = await ok<Attestation>(rp, "POST", "/v1/iot/attestations/import", {
        jwt: a.jwt,
        batchId: a.batchId,
        proof: a.proof,
        peerSignature: a.peerSignature,
      });
      assert.equal(imported.status, "valid");
      assert.equal(imported.relayer, gw.agent.config.memberAccount.toLowerCase());
    }
    await ok(rp, "PUT", "/v1/iot/policies/two-peers", {
      version: 1,
      criteria: [{ name: "two independent peers", schemaId: peerSchema, attesterKinds: ["peer"], min: 2 }],
    });
    const d = await ok<Decision>(rp, "GET", `/v1/iot/subjects/${lock.address}/decision?policyId=two-peers`);
    assert.ok(d.allowed, JSON.stringify(d));
    assert.equal(d.criteria[0]?.attesters, 2);
  });

  it("refuses a replayed proof and a peer token without its device's signature", async () => {
    const replay = {
      jwt: byCamera.jwt,
      batchId: byThermo.batchId,
      proof: byThermo.proof,
      peerSignature: byCamera.peerSignature,
    };
    await refused(rp, "POST", "/v1/iot/attestations/import", replay, 422, "IOT_PROOF_MISMATCH");
    const forged = { ...byThermo, peerSignature: byCamera.peerSignature };
    const e = await refused(
      rp,
      "POST",
      "/v1/iot/attestations/import",
      { jwt: forged.jwt, batchId: forged.batchId, proof: forged.proof, peerSignature: forged.peerSignature },
      422,
      "IOT_TOKEN_INVALID",
    );
    assert.equal((e.facts as Json).reason, "BAD_PEER_SIGNATURE");
    // Presented as the gateway's own off-chain attestation, the peer batch does not vouch for it.
    await refused(
      rp,
      "POST",
      "/v1/iot/attestations/import",
      { jwt: byThermo.jwt, batchId: byThermo.batchId, proof: byThermo.proof },
      404,
      "IOT_UNKNOWN_BATCH",
    );
  });

  it("a device revokes its peer attestation through the gateway; the relying party's decision names it", async () => {
    const { digest } = await ok<{ digest: Hex }>(gw, "GET", `/v1/iot/attestations/${byThermo.id}/revocation-digest`);
    const byCameraKey = await privateKeyToAccount(camera.privateKey).signMessage({ message: { raw: digest } });
    const wrong = await refused(
      gw,
      "POST",
      `/v1/iot/attestations/${byThermo.id}/revoke-signed`,
      { signature: byCameraKey },
      403,
      "IOT_NOT_ATTESTER",
    );
    assert.equal((wrong.facts as Json).signer, camera.address.toLowerCase());
    const signature = await privateKeyToAccount(thermo.privateKey).signMessage({ message: { raw: digest } });
    await ok(gw, "POST", `/v1/iot/attestations/${byThermo.id}/revoke-signed`, { signature });
    const d = await eventually(async () => {
      const x = await ok<Decision>(rp, "GET", `/v1/iot/subjects/${lock.address}/decision?policyId=two-peers`);
      assert.equal(x.allowed, false);
      return x;
    });
    assert.deepEqual(d.criteria[0]?.notCounted, [{ id: byThermo.id, reason: "REVOKED" }]);
    assert.equal(await verifyOnChain(byThermo, byThermo.peerSignature as Hex, byThermo.proof as Hex[]), 2, "Revoked");
  });
});
