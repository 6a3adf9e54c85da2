// Evidence envelopes (src/auditing/evidence.ts) with real keystore keys: sealed to the x coordinates the court holds,
// opened only by the jurors' keys through the keystore's ECDH; a non-recipient's key, a changed byte and an envelope
// moved to another jury all fail with a named code. No devnet needed.
import assert from "node:assert/strict";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { Address, Hex } from "viem";
import { type EvidencePayload, openEvidence, sealEvidence } from "../../src/auditing/evidence.ts";
import { type Keystore, openKeystore } from "../../src/core/identity/keystore.ts";

const CASE = `0x${"ab".repeat(32)}` as Hex;
const payload: EvidencePayload = {
  caseId: CASE,
  round: 0,
  attempt: 0,
  items: [
    { kind: "cdr-samples", content: "2026-11-02T10:00Z,+4930123,+4930999,0s,FAILED" },
    { kind: "kpi-log", content: "MTTR 9h (agreed 4h)" },
  ],
};

describe("auditing evidence: encrypted to the drawn jurors only", () => {
  let dir: string;
  let keystore: Keystore;
  const jurors: Array<{ juror: Address; kid: string; keyX: Hex }> = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "auditing-evidence-"));
    keystore = await openKeystore({ dir, passphrase: "pass", scrypt: { N: 2 ** 10 } });
    // Keys whose public y is odd and even alike: the x coordinate alone must suffice for either parity.
    const byParity: Record<"even" | "odd", Array<{ kid: string; publicKeyHex: string }>> = { even: [], odd: [] };
    while (byParity.even.length < 3 || byParity.odd.length < 3) {
      const key = await keystore.create({ kind: "p256", label: "juror" });
      assert.match(key.publicKeyHex, /^0x04[0-9a-f]{128}$/);
      byParity[Number.parseInt(key.publicKeyHex.slice(-2), 16) % 2 === 0 ? "even" : "odd"].push(key);
    }
    const keys = [
      byParity.odd[0],
      byParity.even[0],
      byParity.odd[1],
      byParity.even[1],
      byParity.odd[2],
      byParity.even[2],
    ];
    keys.forEach((key, i) => {
      if (!key) throw new Error("unreachable");
      jurors.push({
        juror: `0x${String(i + 1).padStart(40, "0")}` as Address,
        kid: key.kid,
        keyX: `0x${key.publicKeyHex.slice(4, 68)}` as Hex,
      });
    });
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const ecdh = (kid: string) => (epk: { kty?: unknown; crv?: unknown; x?: unknown; y?: unknown }) =>
    keystore.deriveSharedSecret(kid, epk);
  const codeOf = (fn: () => unknown) => {
    try {
      fn();
    } catch (error) {
      return (error as { code?: string }).code;
    }
    return "opened";
  };

  it("opens for every drawn juror, whichever parity its key's y has", async () => {
    const envelope = await sealEvidence(jurors.slice(0, 5), payload);
    for (const j of jurors.slice(0, 5)) assert.deepEqual(openEvidence(envelope, j.juror, ecdh(j.kid)), payload);
  });

  it("does not open for an auditor that was not drawn, even one claiming a drawn juror's entry", async () => {
    const [a, b, c, , , outsider] = jurors as [(typeof jurors)[0], never, never, never, never, (typeof jurors)[0]];
    const envelope = await sealEvidence([a, b, c], payload);
    assert.equal(
      codeOf(() => openEvidence(envelope, outsider.juror, ecdh(outsider.kid))),
      "AUDITING_NOT_RECIPIENT",
    );
    // With its own key on a drawn juror's entry, the key unwrap fails: it holds no key the content key was wrapped for.
    assert.equal(
      codeOf(() => openEvidence(envelope, a.juror, ecdh(outsider.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
  });

  it("refuses a changed ciphertext, a changed header and garbage, never returning a partial result", async () => {
    const [a] = jurors as [(typeof jurors)[0]];
    const jwe = JSON.parse(await sealEvidence([a], payload));
    const flip = (b64: string) => {
      const bytes = Buffer.from(b64, "base64url");
      bytes[0] = (bytes[0] as number) ^ 1;
      return bytes.toString("base64url");
    };
    const tampered = JSON.stringify({ ...jwe, ciphertext: flip(jwe.ciphertext) });
    assert.equal(
      codeOf(() => openEvidence(tampered, a.juror, ecdh(a.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
    // Moving the envelope to another case changes the authenticated header: the tag no longer matches.
    const header = JSON.parse(Buffer.from(jwe.protected, "base64url").toString("utf8"));
    const moved = JSON.stringify({
      ...jwe,
      protected: Buffer.from(JSON.stringify({ ...header, caseId: `0x${"cd".repeat(32)}` })).toString("base64url"),
    });
    assert.equal(
      codeOf(() => openEvidence(moved, a.juror, ecdh(a.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
    assert.equal(
      codeOf(() => openEvidence("not json", a.juror, ecdh(a.kid))),
      "AUDITING_EVIDENCE_UNREADABLE",
    );
  });

  it("refuses to seal to a juror that registered no key (the zero key)", async () => {
    const [a] = jurors as [(typeof jurors)[0]];
    await assert.rejects(
      sealEvidence([a, { juror: `0x${"9".repeat(40)}` as Address, keyX: `0x${"0".repeat(64)}` as Hex }], payload),
      (error: { code?: string }) => error.code === "AUDITING_NO_EVIDENCE_KEY",
    );
  });
});
