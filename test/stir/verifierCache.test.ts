// The STI-VS keeps a validated x5u chain (leaf key, validity span, trust store version) instead of parsing and checking
// it per call. Each check the cache skips must still refuse at once: a trusted root removed, a call after the chain's
// validity. Real certificates served over loopback HTTP.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import { after, before, describe, it } from "node:test";
import { formatIdentityHeader } from "../../src/stir/identityHeader.ts";
import { signEs256 } from "../../src/stir/jws.ts";
import { TrustStore } from "../../src/stir/trustStore.ts";
import { ShakenVerifier } from "../../src/stir/verifier.ts";
import { X5uFetcher } from "../../src/stir/x5uFetcher.ts";
import { listenOnFreePort } from "../../testkit/ports.ts";
import { createStiCa, es256Signer } from "../../testkit/stiCa.ts";

describe("STI-VS chain cache", () => {
  const { sti, root, leaf } = createStiCa({ commonName: "Cache STI-CA", validDays: 30 });
  let server: Server;
  let x5u: string;
  let origin: string;
  let fetches = 0;
  before(async () => {
    server = createServer((_request, response) => {
      fetches++;
      response.end(leaf.toString());
    });
    origin = `http://127.0.0.1:${await listenOnFreePort(server)}`;
    x5u = `${origin}/sti.pem`;
  });
  after(() => server?.close());

  const identityAt = (iat: number) =>
    formatIdentityHeader({
      token: signEs256(
        { alg: "ES256", ppt: "shaken", typ: "passport", x5u },
        { attest: "A", dest: { tn: ["12125551213"] }, iat, orig: { tn: "12155551212" }, origid: randomUUID() },
        es256Signer(sti.privateKey),
      ),
      info: x5u,
      ppt: "shaken",
    });

  it("refuses at once after the root is removed, accepts again once it is back, and checks validity per call", async () => {
    const trust = new TrustStore();
    const [added] = trust.add(root.toString(), "config");
    const verifier = new ShakenVerifier({
      fetcher: new X5uFetcher({ allowedOrigins: [origin] }),
      trust,
      freshnessSeconds: () => 60,
    });
    const now = Math.floor(Date.now() / 1000);
    const verify = (iat = now) =>
      verifier.verify({ identity: identityAt(iat), from: "12155551212", to: ["12125551213"], time: iat });
    for (let i = 0; i < 3; i++) assert.equal((await verify()).verstat, "TN-Validation-Passed");
    assert.equal(fetches, 1, "x5u fetched once");

    trust.remove(added?.fingerprint as string);
    const untrusted = await verify();
    assert.equal(untrusted.verstat, "TN-Validation-Failed");
    assert.equal(untrusted.reason, "chain-untrusted");
    trust.add(root.toString(), "api");
    assert.equal((await verify()).verstat, "TN-Validation-Passed");

    // 31 days on, the 30-day leaf has expired: the chain validated earlier does not vouch for it.
    const expired = await verify(now + 31 * 86_400);
    assert.equal(expired.verstat, "TN-Validation-Failed");
    assert.equal(expired.reason, "certificate-expired");
    // A bad signature is still refused with the cached key.
    const tampered = identityAt(now).replace(/^([^.]+\.[^.]+\.)./, (_m, head: string) => `${head}A`);
    const bad = await verifier.verify({ identity: tampered, from: "12155551212", to: ["12125551213"], time: now });
    assert.equal(bad.verstat, "TN-Validation-Failed");
  });
});
