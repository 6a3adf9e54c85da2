// Issue 11 item 7: with x5uAllowedOrigins "*", a PASSporT names the host the STI-VS fetches from, so every address the
// host has must be public unicast: private, link-local (the cloud metadata service), CGNAT, ULA and loopback
// addresses, literal or behind a name, are refused with a named reason before any connection. Origins the operator
// lists (here a loopback CR) are fetched as listed.
import assert from "node:assert/strict";
import { lookup } from "node:dns/promises";
import { createServer, type Server } from "node:http";
import { hostname } from "node:os";
import { after, before, describe, it } from "node:test";
import { StirError } from "../../src/stir/errors.ts";
import { specialRangeOf } from "../../src/stir/publicAddress.ts";
import { X5uFetcher } from "../../src/stir/x5uFetcher.ts";
import { listenOnFreePort } from "../../testkit/ports.ts";
import { createStiCa } from "../../testkit/stiCa.ts";

const TIMEOUT_MS = 3_000;

/** Asserts the fetch fails with `reason`, well inside the time limit and without connecting anywhere. */
async function refused(fetcher: X5uFetcher, x5u: string, reason: string): Promise<void> {
  const before = fetcher.fetches;
  const started = performance.now();
  await assert.rejects(fetcher.fetch(x5u), (error: unknown) => {
    assert.ok(error instanceof StirError, `${x5u}: ${String(error)}`);
    assert.equal(error.code, "STIR_CREDENTIAL_UNAVAILABLE", x5u);
    assert.equal(error.reason, reason, `${x5u}: ${error.message}`);
    return true;
  });
  assert.equal(fetcher.fetches, before, `${x5u}: no connection was attempted`);
  assert.ok(performance.now() - started < TIMEOUT_MS / 3, `${x5u} was refused at once, not after a timeout`);
}

describe('x5u with "*": private networks are refused, listed origins still fetched', () => {
  const { leaf, root } = createStiCa();
  const connections: string[] = [];
  let cr: Server;
  let port = 0;

  before(async () => {
    cr = createServer((_req, res) => res.end(`${leaf.toString()}${root.toString()}`));
    cr.on("connection", (socket) => connections.push(String(socket.remoteAddress)));
    port = await listenOnFreePort(cr);
  });
  after(() => new Promise<void>((resolve) => cr.close(() => resolve())));

  it("refuses private, link-local, CGNAT and ULA literals (IPv4, IPv6, IPv4-mapped) as x5u-address-not-public", async () => {
    const open = new X5uFetcher({ allowedOrigins: ["*"], timeoutMs: TIMEOUT_MS });
    for (const host of [
      "169.254.169.254",
      "10.0.0.1",
      "172.16.0.1",
      "192.168.1.1",
      "100.64.0.1",
      "[fd00::1]",
      "[fe80::1]",
      "[::ffff:10.0.0.1]",
      "[::ffff:169.254.169.254]",
      "[::a00:1]",
      "224.0.0.1",
      "[ff02::1]",
      "[64:ff9b::a9fe:a9fe]",
    ]) {
      await refused(open, `http://${host}/sti.pem`, "x5u-address-not-public");
    }
  });

  it("refuses a name that resolves to this host (localhost, the machine's own name) without connecting", async () => {
    const open = new X5uFetcher({ allowedOrigins: ["*"], timeoutMs: TIMEOUT_MS });
    await refused(open, `http://localhost:${port}/sti.pem`, "x5u-loopback");
    // The machine's own name is not spelt "localhost" but resolves to this host (here 127.0.0.1) or its private
    // network address: either way, refused.
    const own = hostname();
    const addresses = await lookup(own, { all: true }).catch(() => []);
    const ranges = addresses.map((a) => specialRangeOf(a.address));
    if (addresses.length > 0 && ranges.every((r) => r !== undefined)) {
      const reason = ranges.includes("loopback") ? "x5u-loopback" : "x5u-address-not-public";
      await refused(open, `http://${own}:${port}/sti.pem`, reason);
    }
    assert.deepEqual(connections, [], "the loopback server was never contacted");
  });

  it('fetches from an origin the operator lists, loopback included, next to "*"', async () => {
    const listed = new X5uFetcher({ allowedOrigins: ["*", `http://127.0.0.1:${port}`], timeoutMs: TIMEOUT_MS });
    const chain = await listed.fetch(`http://127.0.0.1:${port}/sti.pem`);
    assert.equal(chain.length, 2);
    assert.equal(listed.fetches, 1);
    await refused(listed, `http://localhost:${port}/sti.pem`, "x5u-loopback");
  });

  it("classifies public unicast addresses as fetchable and names the range of the others", () => {
    assert.equal(specialRangeOf("8.8.8.8"), undefined);
    assert.equal(specialRangeOf("2001:4860:4860::8888"), undefined);
    assert.equal(specialRangeOf("::ffff:8.8.8.8"), undefined);
    assert.equal(specialRangeOf("169.254.169.254"), "linkLocal");
    assert.equal(specialRangeOf("100.64.0.1"), "carrierGradeNat");
    assert.equal(specialRangeOf("fd00::1"), "uniqueLocal");
    assert.equal(specialRangeOf("::ffff:127.0.0.1"), "loopback");
    assert.equal(specialRangeOf("0.1.2.3"), "unspecified");
  });
});
