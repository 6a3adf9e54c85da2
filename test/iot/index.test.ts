// The decision index on its own: distinct-attester counting (two reports from one peer are one peer), attester kinds
// and lists, claim matches, time windows, revocation and expiry, and an attester whose vetting is withdrawn, each
// named per criterion; and events applied twice leave one effect.
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { type Address, type Hex, keccak256, toHex } from "viem";
import type { ChainEvent } from "../../src/core/chain/indexer/indexer.ts";
import { AttestationIndex } from "../../src/iot/index.ts";
import { deviceSubject } from "../../src/iot/payload.ts";
import type { Policy } from "../../src/iot/policy.ts";

const NOW = 1_800_000_000;
const DAY = 86_400;
const id = (s: string) => keccak256(toHex(s));
const addr = (n: number) => `0x${n.toString(16).padStart(40, "0")}` as Address;
const oem = addr(1);
const operator = addr(2);
const device = addr(100);
const peers = [addr(101), addr(102), addr(103)];
const subject = deviceSubject(device);
const schema = { boot: id("boot"), peer: id("peer"), malice: id("malice") };

function event(eventName: string, args: Record<string, unknown>, blockTimestamp = NOW - DAY): ChainEvent {
  return {
    source: "IotAttestations",
    address: addr(9),
    eventName,
    args,
    blockNumber: 1,
    blockHash: id("b"),
    blockTimestamp,
    logIndex: 0,
    txHash: id("t"),
    txLogPosition: 0,
  };
}

function attested(name: string, schemaId: Hex, attester: Address, at = NOW - DAY, expiresAt = 0) {
  return event(
    "Attested",
    { id: id(name), schemaId, subject, attester, dataHash: id("d"), expiresAt: BigInt(expiresAt) },
    at,
  );
}

function freshIndex(): AttestationIndex {
  const index = new AttestationIndex();
  index.load({
    schemas: [
      { schemaId: schema.boot, revocable: true, attesterKinds: 1 },
      { schemaId: schema.peer, revocable: true, attesterKinds: 8 },
      { schemaId: schema.malice, revocable: true, attesterKinds: 2 },
    ],
    attesters: [
      { attester: oem, kind: 1 },
      { attester: operator, kind: 2 },
    ],
    devices: [device, ...peers],
    onchain: [],
    batches: [],
    offchainRevocations: [],
    peerBatches: [],
    tokens: [],
  });
  return index;
}

const policy: Policy = {
  policyId: "p",
  version: 1,
  criteria: [
    { name: "boot", schemaId: schema.boot, attesterKinds: ["oem"], match: { verifiedBoot: true } },
    { name: "no malice in 90 days", schemaId: schema.malice, withinDays: 90, min: 0, max: 0 },
    { name: "two peers", schemaId: schema.peer, attesterKinds: ["peer"], min: 2 },
  ],
};

const criterion = (index: AttestationIndex, name: string) => {
  const c = index.decide(subject, policy, NOW).criteria.find((x) => x.name === name);
  assert.ok(c);
  return c;
};

describe("IoT decision index", () => {
  it("counts distinct peers: two attestations from one peer are one peer", () => {
    const index = freshIndex();
    index.apply(attested("p1", schema.peer, peers[0] as Address));
    index.apply(attested("p1 again", schema.peer, peers[0] as Address));
    assert.equal(criterion(index, "two peers").satisfied, false);
    assert.equal(criterion(index, "two peers").attesters, 1);
    index.apply(attested("p2", schema.peer, peers[1] as Address));
    const c = criterion(index, "two peers");
    assert.equal(c.satisfied, true);
    assert.equal(c.counted.length, 3);
  });

  it("names why attestations did not count: data unknown or mismatched, kind, window, revoked, expired", () => {
    const index = freshIndex();
    index.apply(attested("boot", schema.boot, oem));
    assert.deepEqual(criterion(index, "boot").notCounted, [{ id: id("boot"), reason: "DATA_UNKNOWN" }]);
    index.addToken({
      id: id("boot"),
      form: "onchain",
      schemaId: schema.boot,
      subject,
      attester: oem,
      expiresAt: 0,
      issuedAt: NOW - DAY,
      data: { verifiedBoot: false },
      leaf: keccak256(id("boot")),
      batchId: null,
      relayer: null,
    });
    assert.deepEqual(criterion(index, "boot").notCounted, [{ id: id("boot"), reason: "DATA_MISMATCH" }]);
    index.apply(attested("old malice", schema.malice, operator, NOW - 100 * DAY));
    assert.deepEqual(criterion(index, "no malice in 90 days").notCounted, [
      { id: id("old malice"), reason: "OUTSIDE_WINDOW" },
    ]);
    assert.equal(criterion(index, "no malice in 90 days").satisfied, true);
    index.apply(attested("malice", schema.malice, operator));
    assert.equal(criterion(index, "no malice in 90 days").satisfied, false);
    index.apply(event("Revoked", { id: id("malice"), attester: operator, at: BigInt(NOW - 10) }));
    assert.equal(criterion(index, "no malice in 90 days").satisfied, true);
    assert.ok(criterion(index, "no malice in 90 days").notCounted.some((n) => n.reason === "REVOKED"));
    index.apply(attested("expiring", schema.peer, peers[2] as Address, NOW - DAY, NOW - 1));
    assert.deepEqual(criterion(index, "two peers").notCounted, [{ id: id("expiring"), reason: "EXPIRED" }]);
  });

  it("stops counting an attester whose vetting is withdrawn, and applies events idempotently", () => {
    const index = freshIndex();
    index.apply(attested("malice", schema.malice, operator));
    index.apply(attested("malice", schema.malice, operator));
    assert.equal(index.size, 1);
    assert.equal(criterion(index, "no malice in 90 days").satisfied, false);
    index.apply({ ...event("AttesterUnvetted", { attester: operator, by: oem }), source: "IotRegistry" });
    assert.deepEqual(criterion(index, "no malice in 90 days").notCounted, [
      { id: id("malice"), reason: "ATTESTER_NOT_VETTED" },
    ]);
  });

  it("indexes an off-chain token only once its batch is anchored by its own attester, and revokes it by leaf", () => {
    const index = freshIndex();
    const token = {
      id: id("peer off"),
      form: "offchain" as const,
      schemaId: schema.peer,
      subject,
      attester: peers[0] as Address,
      expiresAt: 0,
      issuedAt: NOW - DAY,
      data: {},
      leaf: keccak256(id("peer off")),
      batchId: id("batch"),
      relayer: null,
    };
    index.addToken(token);
    assert.equal(index.size, 0, "not anchored yet");
    index.apply(event("BatchAnchored", { batchId: id("batch"), attester: peers[0], root: id("r"), count: 1 }));
    assert.equal(index.size, 1);
    index.apply(event("OffchainRevoked", { leaf: token.leaf, attester: peers[0], at: BigInt(NOW - 5) }));
    assert.deepEqual(criterion(index, "two peers").notCounted, [{ id: token.id, reason: "REVOKED" }]);
    const other = freshIndex();
    other.apply(event("BatchAnchored", { batchId: id("batch"), attester: peers[1], root: id("r"), count: 1 }));
    other.addToken(token);
    assert.equal(other.size, 0, "a batch of another attester does not vouch for the token");
  });

  it("indexes a device's peer token only under its relayer's peer batch", () => {
    const relayer = "0x00000000000000000000000000000000000000ee" as Address;
    const token = {
      id: id("peer relayed"),
      form: "offchain" as const,
      schemaId: schema.peer,
      subject,
      attester: peers[0] as Address,
      expiresAt: 0,
      issuedAt: NOW - DAY,
      data: {},
      leaf: keccak256(id("peer relayed")),
      batchId: id("peer batch"),
      relayer,
    };
    const ownBatch = freshIndex();
    ownBatch.apply(event("BatchAnchored", { batchId: id("peer batch"), attester: peers[0], root: id("r"), count: 1 }));
    ownBatch.addToken(token);
    assert.equal(ownBatch.size, 0, "an attester's own batch does not carry a relayed peer token");
    const otherRelayer = freshIndex();
    otherRelayer.addToken(token);
    otherRelayer.apply(
      event("PeerBatchAnchored", { batchId: id("peer batch"), relayer: peers[1], root: id("r"), count: 1 }),
    );
    assert.equal(otherRelayer.size, 0, "another relayer's peer batch does not vouch for it");
    const index = freshIndex();
    index.addToken(token);
    assert.equal(index.size, 0, "waits for its peer batch");
    index.apply(event("PeerBatchAnchored", { batchId: id("peer batch"), relayer, root: id("r"), count: 1 }));
    assert.equal(index.size, 1);
    assert.deepEqual(criterion(index, "two peers").counted, [token.id]);
  });
});
