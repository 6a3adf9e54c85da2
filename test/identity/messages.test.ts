// Attestation messages (EEA use case 6): the fourteen schemas, sign-then-encrypt between DIDs, and every refusal a
// recipient makes (bad signature, wrong recipient, expiry, schema, personal data in clear, replay, tampering). The
// parties are pairwise did:key DIDs (P-256), as a user agent makes them; the did:key codec is checked against the
// method specification's own test vector. Single use is checked on memory, SQLite and PostgreSQL.
import assert from "node:assert/strict";
import { createPublicKey, diffieHellman, generateKeyPairSync, type KeyObject, sign } from "node:crypto";
import { after, describe, it } from "node:test";
import { createJWT } from "did-jwt";
import { Resolver } from "did-resolver";
import { didKeyDocument, didKeyOfP256, didKeyResolver, p256JwkOfDidKey } from "../../src/core/identity/didKey.ts";
import { IdentityError } from "../../src/core/identity/errors.ts";
import {
  type AttestationMessage,
  MESSAGE_CONTEXT,
  MESSAGE_TYPES,
  MemoryReplayGuard,
  type MessageType,
  openMessage,
  PERSONAL_DATA_TYPES,
  type ReplayGuard,
  SqlReplayGuard,
  sealMessage,
  validateMessage,
} from "../../src/core/identity/messages/index.ts";
import { identityMigrations } from "../../src/core/identity/migrations.ts";
import { openStore } from "../../src/core/store/open.ts";
import type { Store } from "../../src/core/store/store.ts";
import { startTestPostgres, type TestPostgres } from "../../testkit/postgres.ts";

/** A party with a pairwise did:key: what a user agent (or an agent's relationship key) holds. */
function party() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" }) as { x: string; y: string };
  const did = didKeyOfP256(jwk);
  const kid = `${did}#${did.slice("did:key:".length)}`;
  return {
    did,
    kid,
    sender: {
      did,
      kid,
      sign: async (data: string | Uint8Array) =>
        sign("sha256", Buffer.from(data), { key: privateKey, dsaEncoding: "ieee-p1363" }).toString("base64url"),
    },
    sharedSecretOf: (wanted: string, epk: { x: string; y: string }) =>
      wanted === kid ? new Uint8Array(diffieHellman({ privateKey, publicKey: publicKeyOf(epk) })) : undefined,
  };
}
const publicKeyOf = (epk: { x: string; y: string }): KeyObject =>
  createPublicKey({ key: { kty: "EC", crv: "P-256", x: epk.x, y: epk.y }, format: "jwk" });

const resolver = new Resolver(didKeyResolver());
const token = "eyJhbGciOiJFUzI1NiJ9.eyJ2YyI6e319.c2lnbmF0dXJlLWJ5dGVzLWhlcmU";
const attestation = { format: "jwt_vc", payload: token } as const;
const permission = {
  grantee: "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
  attestationTypes: ["IspAccount"],
  actions: ["read"],
};

/** One valid sample of every message type. */
const samples: Record<MessageType, AttestationMessage> = {
  RequestAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "RequestAttestation",
    identifier: "req-00000001",
    attestationType: "IspAccount",
    for: ["did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv"],
    format: "jwt_vc",
    description: "An ISP account",
    preconditions: [attestation],
  },
  DenyAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "DenyAttestation",
    identifier: "deny-0000001",
    replyTo: "req-00000001",
    purpose: "We cannot open your account, you have presented insufficient proofs.",
  },
  PreconditionsAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "PreconditionsAttestation",
    identifier: "pre-00000001",
    replyTo: "req-00000001",
    preconditions: [
      { attestationType: "IdentityAttestation", description: "Identity from a bank", formats: ["jwt_vc"] },
    ],
  },
  OfferAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "OfferAttestation",
    identifier: "offer-000001",
    replyTo: "req-00000001",
    availableAttestations: [{ attestationType: "PrepaidAccount", description: "Prepaid", formats: ["vc+jwt"] }],
  },
  DeliverAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "DeliverAttestation",
    identifier: "deliv-000001",
    replyTo: "req-00000001",
    object: attestation,
    description: "ISP Account",
    tags: ["ISP_DID", "Account_Type"],
    deliveredAt: 1_780_000_000,
  },
  PresentAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "PresentAttestation",
    identifier: "pres-0000001",
    object: attestation,
    description: "ISP Account",
  },
  SignAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "SignAttestation",
    identifier: "sign-0000001",
    object: attestation,
    description: "ISP Account",
    deliveredAt: 1_780_000_000,
  },
  RevokeAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "RevokeAttestation",
    identifier: "revk-0000001",
    object: { attestationId: "0xabc" },
    result: { revocationCodes: ["privilegeWithdrawn"], revokedAt: 1_780_000_000 },
    purpose: "Your account was revoked.",
  },
  AmendAttestation: {
    "@context": MESSAGE_CONTEXT,
    "@type": "AmendAttestation",
    identifier: "amnd-0000001",
    replaces: "0xabc",
    object: attestation,
    purpose: "Your account has been reopened",
  },
  RequestAccess: {
    "@context": MESSAGE_CONTEXT,
    "@type": "RequestAccess",
    identifier: "racc-0000001",
    object: permission,
    purpose: "Discount at a partner operator",
  },
  GrantAccess: {
    "@context": MESSAGE_CONTEXT,
    "@type": "GrantAccess",
    identifier: "gacc-0000001",
    replyTo: "racc-0000001",
    object: { ...permission, id: "perm-0000001", expiresAt: 1_780_000_000 },
  },
  DenyAccess: {
    "@context": MESSAGE_CONTEXT,
    "@type": "DenyAccess",
    identifier: "dacc-0000001",
    replyTo: "racc-0000001",
    object: permission,
    purpose: "I do not want to allow you access at this time",
  },
  RetractAccess: {
    "@context": MESSAGE_CONTEXT,
    "@type": "RetractAccess",
    identifier: "xacc-0000001",
    object: { permissionId: "perm-0000001" },
  },
  RetrieveAttestations: {
    "@context": MESSAGE_CONTEXT,
    "@type": "RetrieveAttestations",
    identifier: "retr-0000001",
    object: { permissionId: "perm-0000001", attestationTypes: ["IspAccount"] },
  },
} as Record<MessageType, AttestationMessage>;

const refusedWith = (code: string, mentions?: RegExp) => (error: unknown) => {
  assert.ok(error instanceof IdentityError, String(error));
  assert.equal(error.code, code, error.message);
  if (mentions) assert.match(error.message, mentions);
  return true;
};

describe("did:key (P-256)", () => {
  it("decodes the method specification's P-256 test vector", () => {
    const jwk = p256JwkOfDidKey("did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv");
    assert.equal(jwk.x, "igrFmi0whuihKnj9R3Om1SoMph72wUGeFaBbzG2vzns");
    assert.equal(jwk.y, "efsX5b10x8yjyrj4ny3pGfLcY7Xby1KzgqOdqnsrJIM");
    assert.equal(didKeyOfP256(jwk), "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv");
  });

  it("round-trips fresh keys and lists the key for authentication, assertion and key agreement", () => {
    for (let i = 0; i < 20; i++) {
      const { did } = party();
      const doc = didKeyDocument(did);
      const method = doc.verificationMethod?.[0];
      assert.equal(didKeyOfP256(p256JwkOfDidKey(did)), did);
      assert.deepEqual(doc.authentication, [method?.id]);
      assert.deepEqual(doc.keyAgreement, [method?.id]);
    }
  });

  it("refuses other key types, bad encodings and points off the curve", () => {
    assert.throws(() => p256JwkOfDidKey("did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"), /P-256 did:key/);
    assert.throws(() => p256JwkOfDidKey("did:key:zDnae0OIl"), /base58btc/);
    assert.throws(() => p256JwkOfDidKey("did:ethr:0x01"), /did:key/);
    assert.throws(
      () =>
        didKeyOfP256({ x: Buffer.alloc(32, 1).toString("base64url"), y: Buffer.alloc(32, 2).toString("base64url") }),
      /not a point/,
    );
  });
});

describe("the fourteen message schemas", () => {
  it("has exactly the seed's fourteen types, and every sample fits its schema", () => {
    assert.equal(MESSAGE_TYPES.length, 14);
    for (const type of MESSAGE_TYPES) assert.equal(validateMessage(samples[type], "msg")["@type"], type);
  });

  it("names the wrong field: a missing one, an unknown one, a wrong context, an unknown type", () => {
    const { purpose: _, ...noPurpose } = samples.DenyAttestation as { purpose: string };
    assert.throws(() => validateMessage(noPurpose, "msg"), refusedWith("MESSAGE_INVALID", /msg\.purpose/));
    assert.throws(
      () => validateMessage({ ...samples.RetractAccess, extra: 1 }, "msg"),
      refusedWith("MESSAGE_INVALID", /msg\.extra/),
    );
    assert.throws(
      () => validateMessage({ ...samples.GrantAccess, "@context": "http://schema.identity.foundation/" }, "msg"),
      refusedWith("MESSAGE_INVALID", /msg\.@context/),
    );
    assert.throws(
      () => validateMessage({ ...samples.DenyAccess, "@type": "DenyPermissionAction" }, "msg"),
      refusedWith("MESSAGE_INVALID", /msg\.@type: must be one of/),
    );
    assert.throws(
      () => validateMessage({ ...samples.GrantAccess, object: { ...permission, actions: ["write"] } }, "msg"),
      refusedWith("MESSAGE_INVALID", /msg\.object\.actions\.0/),
    );
  });
});

describe("sealing and opening messages between two DIDs", () => {
  const alice = party();
  const isp = party();
  const open = (t: string, replay: ReplayGuard = new MemoryReplayGuard(), now?: number) =>
    openMessage(t, {
      resolver,
      recipientDid: isp.did,
      sharedSecretOf: isp.sharedSecretOf,
      replay,
      ...(now ? { now } : {}),
    });

  it("carries every type; personal data travels encrypted, the rest signed", async () => {
    for (const type of MESSAGE_TYPES) {
      const sealed = await sealMessage(samples[type], alice.sender, isp.did, resolver);
      assert.equal(sealed.split(".").length, PERSONAL_DATA_TYPES.has(type) ? 5 : 3, type);
      const opened = await open(sealed);
      assert.deepEqual(opened.message, samples[type]);
      assert.equal(opened.sender, alice.did);
      assert.equal(opened.encrypted, PERSONAL_DATA_TYPES.has(type));
    }
  });

  it("a message opens once: the replay is refused", async () => {
    const replay = new MemoryReplayGuard();
    const sealed = await sealMessage(samples.RequestAccess, alice.sender, isp.did, resolver);
    await open(sealed, replay);
    await assert.rejects(open(sealed, replay), refusedWith("MESSAGE_REPLAYED"));
  });

  it("refuses a message for another DID, an expired one, and one signed by a key not the sender's", async () => {
    const other = party();
    const forOther = await sealMessage(samples.RequestAccess, alice.sender, other.did, resolver);
    await assert.rejects(open(forOther), refusedWith("MESSAGE_WRONG_RECIPIENT"));
    const old = await sealMessage(samples.RequestAccess, alice.sender, isp.did, resolver, {
      ttlSeconds: 60,
      now: Math.floor(Date.now() / 1000) - 120,
    });
    await assert.rejects(open(old), refusedWith("MESSAGE_EXPIRED"));
    const mallory = party();
    const forged = await sealMessage(
      samples.RequestAccess,
      { ...mallory.sender, did: alice.did, kid: alice.kid },
      isp.did,
      resolver,
    );
    await assert.rejects(open(forged), refusedWith("MESSAGE_SIGNATURE_INVALID"));
  });

  it("refuses a tampered signature and a tampered ciphertext", async () => {
    const signed = await sealMessage(samples.RequestAccess, alice.sender, isp.did, resolver);
    const [h, p, s] = signed.split(".") as [string, string, string];
    const flipped = `${s.slice(0, 10)}${s[10] === "A" ? "B" : "A"}${s.slice(11)}`;
    await assert.rejects(open(`${h}.${p}.${flipped}`), refusedWith("MESSAGE_SIGNATURE_INVALID"));
    const sealed = await sealMessage(samples.DeliverAttestation, alice.sender, isp.did, resolver);
    const parts = sealed.split(".");
    parts[3] = `${parts[3]?.slice(0, -2)}${parts[3]?.endsWith("AA") ? "AB" : "AA"}`;
    await assert.rejects(open(parts.join(".")), refusedWith("MESSAGE_UNDECRYPTABLE"));
    // Encrypted to someone else: we hold no key for it.
    const forOther = await sealMessage(samples.DeliverAttestation, alice.sender, party().did, resolver);
    await assert.rejects(open(forOther), refusedWith("MESSAGE_UNDECRYPTABLE", /no key/));
  });

  it("refuses personal data sent in clear and a signed message that breaks its schema", async () => {
    const now = Math.floor(Date.now() / 1000);
    const raw = (msg: unknown) =>
      createJWT(
        { aud: isp.did, iat: now, exp: now + 60, jti: `${Math.random()}`.padEnd(20, "0"), msg },
        { issuer: alice.did, signer: alice.sender.sign },
        { alg: "ES256", kid: alice.kid },
      );
    await assert.rejects(open(await raw(samples.PresentAttestation)), refusedWith("MESSAGE_NOT_ENCRYPTED"));
    await assert.rejects(
      open(await raw({ ...samples.RequestAccess, object: { grantee: "nobody" } })),
      refusedWith("MESSAGE_INVALID", /msg\.object/),
    );
    // The sender's side refuses to seal what a recipient would refuse.
    await assert.rejects(
      sealMessage(
        { ...samples.RetractAccess, identifier: "short" } as AttestationMessage,
        alice.sender,
        isp.did,
        resolver,
      ),
      refusedWith("MESSAGE_INVALID", /message\.identifier/),
    );
  });
});

let postgres: TestPostgres | undefined;
const stores: Store[] = [];
after(async () => {
  for (const store of stores.splice(0)) await store.close();
  await postgres?.stop();
});

for (const [name, open] of [
  ["SQLite", () => openStore({ sqliteFile: ":memory:", migrations: identityMigrations })],
  [
    "PostgreSQL",
    async () => {
      postgres ??= await startTestPostgres();
      return openStore({ databaseUrl: postgres.url, migrations: identityMigrations });
    },
  ],
] as const) {
  it(`single use on ${name}: five receivers racing for one message, one wins; an expired entry is forgotten`, async () => {
    const store = await open();
    stores.push(store);
    const guard = new SqlReplayGuard(store);
    const exp = Math.floor(Date.now() / 1000) + 60;
    const results = await Promise.all(Array.from({ length: 5 }, () => guard.consume("did:key:a\njti-1", exp)));
    assert.equal(results.filter(Boolean).length, 1);
    assert.equal(await guard.consume("did:key:a\njti-2", Math.floor(Date.now() / 1000) - 1), true);
    await guard.consume("did:key:a\njti-3", exp);
    const left = await store.query<{ message_key: string }>(
      "SELECT message_key FROM identity_received_messages ORDER BY 1",
    );
    assert.deepEqual(
      left.map((r) => r.message_key),
      ["did:key:a\njti-1", "did:key:a\njti-3"],
    );
  });
}
