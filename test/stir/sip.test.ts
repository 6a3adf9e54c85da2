// Signed calls over real SIP: sipp places the BPO's call with its Enterprise PASSporT through Kamailio as the OSP
// edge proxy (sip/osp-edge.cfg: attestation by the OSP agent) and Kamailio as the terminating proxy
// (sip/terminating.cfg: verification by the terminating provider's agent) to a sipp UAS that reads the SHAKEN
// PASSporT it received. The delegation revoked on chain turns the same call to B; a tampered token is rejected with
// 438; and Kamailio's own secsipid module (libsecsipid) verifies the tokens this project signs.
import assert from "node:assert/strict";
import { randomUUID, X509Certificate } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { connect, createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { eventually } from "../../testkit/eventually.ts";
import { reservePort } from "../../testkit/ports.ts";
import {
  CALLED_TN,
  CALLING_TN,
  ok,
  type SignedCallsConsortium,
  SUB_BLOCK,
  startSignedCallsConsortium,
} from "../../testkit/signedCalls.ts";
import { headerIn, type Proc, runUac, startKamailio, startUas, statusCodes } from "../../testkit/sip.ts";

type Claims = { attest: string; orig: { tn: string }; dest: { tn: string[] }; origid: string };
const claimsOf = (identity: string) => {
  const [token] = identity.split(";");
  const [header, payload] = (token as string).split(".");
  return {
    header: JSON.parse(Buffer.from(header as string, "base64url").toString()) as Record<string, string>,
    claims: JSON.parse(Buffer.from(payload as string, "base64url").toString()) as Claims,
  };
};

describe("signed calls over SIP: Kamailio OSP edge and terminating proxies, sipp callers and callees", () => {
  let s: SignedCallsConsortium;
  let dir: string;
  const procs: Proc[] = [];
  const ports = { edge: 0, term: 0, secsipid: 0 };
  let uasPort = 0;
  let secsipidUasPort = 0;
  let calls = 0;
  let ospKeyValue = "";

  const enterpriseIdentity = async () =>
    (
      await ok(s.agents.bpo, "POST", "/v1/stir/enterprise/passports", {
        did: s.orgs.bpo.did,
        orig: { tn: CALLING_TN },
        dest: { tn: [CALLED_TN] },
        tnauth: s.delegation.tnauth,
      })
    ).identity as string;

  /** One call from the BPO through a proxy to a UAS; returns the UAC's result and what the UAS received. */
  async function call(options: { identity: string; target: number; uas?: number; rejected?: boolean }) {
    const n = ++calls;
    const uasTrace = join(dir, `uas-${n}.msg`);
    const uas = options.rejected ? undefined : await startUas(options.uas ?? uasPort, uasTrace);
    if (uas) procs.push(uas);
    const uac = await runUac({
      scenario: options.rejected ? "uac-rejected.xml" : "uac-call.xml",
      port: await reservePort(),
      target: options.target,
      keys: { orig: CALLING_TN, dest: CALLED_TN, identity: options.identity },
      traceFile: join(dir, `uac-${n}.msg`),
    });
    if (uas) await Promise.race([uas.done, new Promise((r) => setTimeout(r, 5000))]);
    const received = uas ? await readFile(uasTrace, "utf8") : "";
    return { ...uac, received };
  }

  before(async () => {
    s = await startSignedCallsConsortium();
    dir = await mkdtemp(join(tmpdir(), "stir-sip-"));
    // The terminating provider (the TNSP's agent here) trusts the STI-CA and fetches x5u from the OSP's agent.
    const tsp = s.agents.tnsp;
    await ok(tsp, "PUT", "/v1/stir/settings", { x5uAllowedOrigins: [s.agents.osp.url] });
    await ok(tsp, "POST", "/v1/stir/trust-roots", { pem: s.rootPem }, 201);
    // The edge attests (operator); the terminating proxy only verifies, which a read-only key may do.
    const ospKey = await ok(s.agents.osp, "POST", "/v1/api-keys", { userName: "osp-edge", role: "operator" }, 201);
    const tspKey = await ok(tsp, "POST", "/v1/api-keys", { userName: "terminating", role: "read-only" }, 201);
    ospKeyValue = String(ospKey.key);
    // The OSP's STI public key, from the certificate its x5u serves, for secsipid's key-file check.
    const probe = await ok(s.agents.osp, "POST", "/stir/v1/signing", {
      signingRequest: {
        attest: "C",
        dest: { tn: [CALLED_TN] },
        iat: 0,
        orig: { tn: CALLING_TN },
        origid: randomUUID(),
      },
    });
    const x5u = claimsOf((probe.signingResponse as { identity: string }).identity).header.x5u as string;
    const chainPem = await (await fetch(x5u)).text();
    const leaf = new X509Certificate(chainPem.slice(0, chainPem.indexOf("-----END CERTIFICATE-----") + 25));
    await writeFile(join(dir, "sti-pub.pem"), leaf.publicKey.export({ type: "spki", format: "pem" }));

    for (const key of Object.keys(ports) as Array<keyof typeof ports>) ports[key] = await reservePort();
    uasPort = await reservePort();
    secsipidUasPort = await reservePort();
    procs.push(
      await startKamailio({
        config: "terminating.cfg",
        port: ports.term,
        runtimeDir: join(dir, "run-term"),
        env: {
          STIR_AGENT_URL: tsp.url,
          STIR_API_KEY: String(tspKey.key),
          STIR_NEXT_HOP: `sip:127.0.0.1:${uasPort}`,
        },
      }),
      await startKamailio({
        config: "osp-edge.cfg",
        port: ports.edge,
        runtimeDir: join(dir, "run-edge"),
        env: {
          STIR_AGENT_URL: s.agents.osp.url,
          STIR_API_KEY: String(ospKey.key),
          STIR_NEXT_HOP: `sip:127.0.0.1:${ports.term}`,
          STIR_DIRECT_CUSTOMER_IP: "127.0.0.1",
          // The trunk's customer, in whose name its forwarded calls get a div PASSporT: the reseller here.
          STIR_DIVERTING_DID: s.orgs.tnr.did,
        },
      }),
      await startKamailio({
        config: "terminating.cfg",
        port: ports.secsipid,
        runtimeDir: join(dir, "run-secsipid"),
        defines: ["WITH_SECSIPID"],
        env: {
          STIR_AGENT_URL: tsp.url,
          STIR_API_KEY: String(tspKey.key),
          STIR_NEXT_HOP: `sip:127.0.0.1:${secsipidUasPort}`,
          STIR_SECSIPID_KEY: join(dir, "sti-pub.pem"),
        },
      }),
    );
  });
  after(async () => {
    await Promise.allSettled(procs.map((p) => p.stop()));
    await s?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("a BPO calling with a delegated number gets A: the callee receives a SHAKEN PASSporT with attest A", async () => {
    const result = await call({ identity: await enterpriseIdentity(), target: ports.edge });
    assert.equal(result.status, 0, result.trace);
    const identity = headerIn(result.received, "Identity");
    assert.ok(identity, `the UAS received no Identity header:\n${result.received}`);
    const { header, claims } = claimsOf(identity);
    assert.deepEqual([header.alg, header.typ, header.ppt], ["ES256", "passport", "shaken"]);
    assert.equal(claims.attest, "A");
    assert.deepEqual([claims.orig.tn, claims.dest.tn], [CALLING_TN, [CALLED_TN]]);
    assert.match(headerIn(result.received, "P-Asserted-Identity") ?? "", /verstat=TN-Validation-Passed/);
  });

  it("a tampered SHAKEN token is rejected by the terminating proxy with 438", async () => {
    const decision = await ok(s.agents.osp, "POST", "/v1/stir/osp/attestations", {
      orig: { tn: CALLING_TN },
      dest: { tn: [CALLED_TN] },
      identity: await enterpriseIdentity(),
      directCustomer: true,
    });
    const [token, ...params] = (decision.identity as string).split(";");
    const [h, p, sig] = (token as string).split(".");
    const claims = JSON.parse(Buffer.from(p as string, "base64url").toString());
    claims.attest = "A";
    claims.dest.tn = ["19005550000"];
    const forged = [`${h}.${Buffer.from(JSON.stringify(claims)).toString("base64url")}.${sig}`, ...params].join(";");
    const result = await call({ identity: forged, target: ports.term, rejected: true });
    assert.equal(result.status, 0, result.trace);
    assert.deepEqual(statusCodes(result.trace).at(-1), 438);
  });

  it("Kamailio's secsipid module verifies the SHAKEN PASSporT the OSP signed, and refuses a tampered one", async () => {
    const decision = await ok(s.agents.osp, "POST", "/v1/stir/osp/attestations", {
      orig: { tn: CALLING_TN },
      dest: { tn: [CALLED_TN] },
      identity: await enterpriseIdentity(),
      directCustomer: true,
    });
    const good = await call({ identity: decision.identity as string, target: ports.secsipid, uas: secsipidUasPort });
    assert.equal(good.status, 0, good.trace);
    assert.equal(headerIn(good.received, "X-Secsipid"), "verified");
    assert.match(headerIn(good.received, "P-Asserted-Identity") ?? "", /verstat=TN-Validation-Passed/);
    const [token, ...params] = (decision.identity as string).split(";");
    const [h, p, sig] = (token as string).split(".");
    const forged = [`${h}.${p}.${(sig as string).slice(0, -4)}AAAA`, ...params].join(";");
    const bad = await call({ identity: forged, target: ports.secsipid, rejected: true });
    assert.equal(statusCodes(bad.trace).at(-1), 438);
  });

  it("each worker keeps its connection to the agent (16 calls, at most 8 connections); a wrong key fails the call 503", async () => {
    // A TCP relay in front of the OSP's agent counts the connections the edge opens.
    const agent = new URL(s.agents.osp.url);
    let connections = 0;
    const open = new Set<Socket>();
    const relay: Server = createServer((client) => {
      connections++;
      open.add(client);
      const upstream = connect(Number(agent.port), agent.hostname);
      client.pipe(upstream).pipe(client);
      const close = () => {
        client.destroy();
        upstream.destroy();
      };
      client.on("error", close).on("close", close);
      upstream.on("error", close).on("close", close);
    });
    await new Promise<void>((r) => relay.listen(0, "127.0.0.1", r));
    const relayUrl = `http://127.0.0.1:${(relay.address() as { port: number }).port}`;
    const edge = async (agentUrl: string, key: string, name: string) => {
      const port = await reservePort();
      procs.push(
        await startKamailio({
          config: "osp-edge.cfg",
          port,
          runtimeDir: join(dir, name),
          env: {
            STIR_AGENT_URL: agentUrl,
            STIR_API_KEY: key,
            STIR_NEXT_HOP: `sip:127.0.0.1:${ports.term}`,
            STIR_DIRECT_CUSTOMER_IP: "127.0.0.1",
          },
        }),
      );
      return port;
    };
    try {
      const pooled = await edge(relayUrl, ospKeyValue, "run-pooled");
      const count = 16;
      for (let i = 0; i < count; i++) {
        const result = await call({ identity: await enterpriseIdentity(), target: pooled });
        assert.equal(result.status, 0, result.trace);
        assert.equal(claimsOf(headerIn(result.received, "Identity") ?? "").claims.attest, "A");
      }
      // children=8 workers, each with at most one connection it keeps: never one connection per call.
      assert.ok(connections >= 1 && connections <= 8, `${count} calls opened ${connections} connections`);

      const wrongKey = await edge(s.agents.osp.url, `tlk_0123456789abcdef_${"A".repeat(43)}`, "run-wrong-key");
      const refused = await call({ identity: await enterpriseIdentity(), target: wrongKey, rejected: true });
      assert.equal(statusCodes(refused.trace).at(-1), 503, refused.trace);
      assert.match(headerIn(refused.trace, "Reason") ?? "", /^SIP;cause=503;text="STIR agent answered 401"/);
    } finally {
      // The workers keep their connections (that is the point): cut them, or close() waits for the agent's idle timeout.
      for (const socket of open) socket.destroy();
      await new Promise((r) => relay.close(r));
    }
  });

  it("an agent that is down or never answers fails the call at once with 503 and a Reason, at both proxies", async () => {
    // "Down": a port nobody listens on. "Slow": a server that accepts the connection and never answers.
    const downPort = await reservePort();
    const held: Socket[] = [];
    const slow: Server = createServer((socket) => held.push(socket));
    await new Promise<void>((r) => slow.listen(0, "127.0.0.1", r));
    const slowUrl = `http://127.0.0.1:${(slow.address() as { port: number }).port}`;
    try {
      const cases = [
        { config: "osp-edge.cfg", agent: `http://127.0.0.1:${downPort}`, reason: "Attestation Unavailable" },
        { config: "osp-edge.cfg", agent: slowUrl, reason: "Attestation Unavailable" },
        { config: "terminating.cfg", agent: `http://127.0.0.1:${downPort}`, reason: "Verification Unavailable" },
        { config: "terminating.cfg", agent: slowUrl, reason: "Verification Unavailable" },
      ];
      for (const [i, c] of cases.entries()) {
        const port = await reservePort();
        const proxy = await startKamailio({
          config: c.config,
          port,
          runtimeDir: join(dir, `run-unavailable-${i}`),
          env: {
            STIR_AGENT_URL: c.agent,
            STIR_API_KEY: "tlk_unused",
            STIR_NEXT_HOP: `sip:127.0.0.1:${uasPort}`,
            STIR_DIRECT_CUSTOMER_IP: "127.0.0.1",
          },
        });
        procs.push(proxy);
        const started = Date.now();
        const result = await call({ identity: await enterpriseIdentity(), target: port, rejected: true });
        const elapsed = Date.now() - started;
        await proxy.stop();
        assert.equal(result.status, 0, `${c.config} -> ${c.agent}: ${result.trace}`);
        assert.deepEqual(statusCodes(result.trace).at(-1), 503, result.trace);
        assert.match(result.trace, new RegExp(`^SIP/2\\.0 503 ${c.reason}`, "m"));
        assert.match(
          headerIn(result.trace, "Reason") ?? "",
          /^SIP;cause=503;text="STIR agent (unreachable or timed out)"/,
        );
        // libcurl's 2 s limit, not sipp's 15 s timeout, ended the wait.
        assert.ok(elapsed < 6000, `${c.config} -> ${c.agent} took ${elapsed} ms`);
      }
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise((r) => slow.close(r));
    }
  });

  it("a call the TNR forwards gets a div PASSporT at the edge; the terminating proxy verifies the chain", async () => {
    // The BPO calls the reseller's number; the OSP attests it A; the reseller's PBX forwards it to a new target.
    const diverting = `${SUB_BLOCK}300`;
    const target = "12125550100";
    const enterprise = await ok(s.agents.bpo, "POST", "/v1/stir/enterprise/passports", {
      did: s.orgs.bpo.did,
      orig: { tn: CALLING_TN },
      dest: { tn: [diverting] },
      tnauth: s.delegation.tnauth,
    });
    const attested = async (dest: string, identity?: string) =>
      (
        await ok(s.agents.osp, "POST", "/v1/stir/osp/attestations", {
          orig: { tn: CALLING_TN },
          dest: { tn: [dest] },
          directCustomer: true,
          ...(identity ? { identity } : {}),
        })
      ).identity as string;
    const shaken = await attested(diverting, enterprise.identity as string);
    const n = ++calls;
    const uasTrace = join(dir, `uas-${n}.msg`);
    const uas = await startUas(uasPort, uasTrace);
    procs.push(uas);
    const result = await runUac({
      scenario: "uac-diverted.xml",
      port: await reservePort(),
      target: ports.edge,
      keys: { orig: CALLING_TN, dest: target, div: diverting, identity: shaken },
      traceFile: join(dir, `uac-${n}.msg`),
    });
    await Promise.race([uas.done, new Promise((r) => setTimeout(r, 5000))]);
    assert.equal(result.status, 0, result.trace);
    const received = await readFile(uasTrace, "utf8");
    const identities = [...received.matchAll(/^Identity:\s*(.+?)\r?$/gim)].map((m) => m[1] as string);
    assert.equal(identities.length, 2, received);
    assert.equal(identities[0], shaken);
    const div = claimsOf(identities[1] as string) as unknown as {
      header: Record<string, string>;
      claims: { div: { tn: string }; dest: { tn: string[] }; orig: { tn: string }; origid: string };
    };
    assert.equal(div.header.ppt, "div");
    assert.deepEqual([div.claims.div.tn, div.claims.dest.tn, div.claims.orig.tn], [diverting, [target], CALLING_TN]);
    assert.equal(div.claims.origid, claimsOf(shaken).claims.origid);
    assert.match(headerIn(received, "P-Asserted-Identity") ?? "", /verstat=TN-Validation-Passed/);

    // Forwarding a call to a number the reseller does not hold: the ledger refuses the div, the edge answers 403.
    const other = await attested(CALLED_TN);
    const refused = await runUac({
      scenario: "uac-diverted-rejected.xml",
      port: await reservePort(),
      target: ports.edge,
      keys: { orig: CALLING_TN, dest: target, div: CALLED_TN, identity: other },
      traceFile: join(dir, `uac-${++calls}.msg`),
    });
    assert.equal(refused.status, 0, refused.trace);
    assert.deepEqual(statusCodes(refused.trace).at(-1), 403);
    assert.match(refused.trace, /^SIP\/2\.0 403 Diversion Not Authorised/m);
    assert.equal(headerIn(refused.trace, "Reason"), 'SIP;cause=403;text="div-tn-not-authorised"');
  });

  it("after the delegation is revoked on chain, the same call gets B", async () => {
    await ok(s.agents.brand, "POST", `/v1/eidl/grants/${s.delegation.grantId}/revoke`, { reason: "Canceled" });
    await eventually(async () => {
      const d = await ok(s.agents.osp, "POST", "/v1/stir/osp/attestations", {
        orig: { tn: CALLING_TN },
        dest: { tn: [CALLED_TN] },
        identity: await enterpriseIdentity(),
        directCustomer: true,
      });
      assert.equal(d.attest, "B");
    });
    const result = await call({ identity: await enterpriseIdentity(), target: ports.edge });
    assert.equal(result.status, 0, result.trace);
    const identity = headerIn(result.received, "Identity");
    assert.ok(identity);
    assert.equal(claimsOf(identity).claims.attest, "B");
    assert.match(headerIn(result.received, "P-Asserted-Identity") ?? "", /verstat=TN-Validation-Passed/);
  });
});
