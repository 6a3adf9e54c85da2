// Interoperability with an independent STIR/SHAKEN implementation, Debian's secsipidx: SHAKEN PASSporTs this project
// signs verify with secsipidx, and PASSporTs secsipidx signs verify in this project's STI-VS (x5u served over HTTP).
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { createServer, type Server } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { formatIdentityHeader } from "../../src/stir/identityHeader.ts";
import { signEs256 } from "../../src/stir/jws.ts";
import { TrustStore } from "../../src/stir/trustStore.ts";
import { ShakenVerifier } from "../../src/stir/verifier.ts";
import { X5uFetcher } from "../../src/stir/x5uFetcher.ts";
import { listenOnFreePort } from "../../testkit/ports.ts";
import { createStiCa, es256Signer } from "../../testkit/stiCa.ts";

const run = promisify(execFile);

describe("interop with secsipidx", () => {
  let dir: string;
  let server: Server;
  let x5u: string;
  let origin: string;
  const { sti, root, leaf } = createStiCa({ commonName: "Interop STI-CA" });

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), "stir-interop-"));
    await writeFile(join(dir, "pub.pem"), sti.publicKey.export({ type: "spki", format: "pem" }));
    await writeFile(join(dir, "key.pem"), sti.privateKey.export({ type: "pkcs8", format: "pem" }));
    await writeFile(join(dir, "ca.pem"), root.toString());
    server = createServer((_request, response) => {
      response.writeHead(200, { "content-type": "application/x-pem-file" });
      response.end(leaf.toString());
    });
    origin = `http://127.0.0.1:${await listenOnFreePort(server)}`;
    x5u = `${origin}/sti.pem`;
  });
  after(async () => {
    server?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("secsipidx verifies a SHAKEN PASSporT this project signed", async () => {
    const token = signEs256(
      { alg: "ES256", ppt: "shaken", typ: "passport", x5u },
      {
        attest: "A",
        dest: { tn: ["12125551213"] },
        iat: Math.floor(Date.now() / 1000),
        orig: { tn: "12155551212" },
        origid: randomUUID(),
      },
      es256Signer(sti.privateKey),
    );
    const identity = formatIdentityHeader({ token, info: x5u, ppt: "shaken" });
    const ok = await run("secsipidx", ["-check", "-identity", identity, "-p", join(dir, "pub.pem")]);
    // secsipidx -check prints exactly "ok" for a valid token (and exits 0); anything else is a failure.
    assert.equal(ok.stdout, "ok\n");
    assert.equal(ok.stderr, "");
    const [h, p, s] = token.split(".");
    const forged = `${h}.${p?.slice(0, -2)}AA.${s}`;
    await assert.rejects(
      run("secsipidx", [
        "-check",
        "-identity",
        `${forged};info=<${x5u}>;alg=ES256;ppt=shaken`,
        "-p",
        join(dir, "pub.pem"),
      ]),
      (error: { code?: number; stdout?: string }) => {
        // Refused for the signature: a non-zero exit without the "ok" a valid token gets.
        assert.ok(error.code !== undefined && error.code !== 0, JSON.stringify(error));
        assert.notEqual(error.stdout, "ok\n");
        return true;
      },
    );
  });

  it("the project's STI-VS verifies a PASSporT secsipidx signed, fetching its x5u", async () => {
    const signed = await run("secsipidx", [
      "-sign-full",
      "-attest",
      "B",
      "-orig-tn",
      "12155551212",
      "-dest-tn",
      "12125551213",
      "-orig-id",
      randomUUID(),
      "-x5u",
      x5u,
      "-k",
      join(dir, "key.pem"),
    ]);
    const identity = signed.stdout.trim().split("\n").pop() as string;
    const trust = new TrustStore();
    trust.add(root.toString(), "config");
    const verifier = new ShakenVerifier({
      fetcher: new X5uFetcher({ allowedOrigins: [origin] }),
      trust,
      freshnessSeconds: () => 60,
    });
    const result = await verifier.verify({ identity, from: "12155551212", to: ["12125551213"] });
    assert.equal(result.verstat, "TN-Validation-Passed", JSON.stringify(result));
    assert.equal(result.attest, "B");
    const refused = await new ShakenVerifier({
      fetcher: new X5uFetcher({ allowedOrigins: [] }),
      trust,
      freshnessSeconds: () => 60,
    }).verify({ identity, from: "12155551212", to: ["12125551213"] });
    assert.equal(refused.sipCode, 436);
    assert.equal(refused.reason, "x5u-loopback");
  });
});
