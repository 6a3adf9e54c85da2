// A chain outage is answered as an outage on every route: with the devnet killed, every route of the agent's route
// catalog is called with a request built from its schemas (path and query parameters, body), and none answers 500.
// Routes that need the chain answer 503 CHAIN_UNAVAILABLE; the others give their usual answer from the read model.
import assert from "node:assert/strict";
import { randomUUID } from "node:crypto";
import { after, before, describe, it } from "node:test";
import type { RouteCatalogEntry } from "../../src/core/api/index.ts";
import { startTestConsortium, type TestAgent, type TestConsortium } from "../../testkit/consortium.ts";

type Schema = Record<string, unknown> & {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  allOf?: Schema[];
};

/** Operations that answer a stream that stays open (text/event-stream). */
const STREAMS = ["streamAgentEvents"];

/** A value for each string pattern the routes declare: well-formed, so the request reaches its handler. */
function patternValues(member: string, chainId: number): Record<string, string> {
  return {
    "^[^\\p{C}]+$": "outage-test",
    "^[0-9a-f]{16}$": "0123456789abcdef",
    "^0x[0-9a-fA-F]{40}$": member,
    "^https?://[^\\s]+$": "https://example.test/endpoint",
    "^https?://": "https://example.test",
    "^did:ethr:(0x[0-9a-fA-F]+:)?0x[0-9a-fA-F]{40}$": `did:ethr:0x${chainId.toString(16)}:${member}`,
    "^[A-Za-z][A-Za-z0-9]{0,63}$": "VerifiableCredential",
    "^0x[0-9a-fA-F]{64}$": `0x${"11".repeat(32)}`,
    "^0x[0-9a-f]{64}$": `0x${"ab".repeat(32)}`,
    "^\\+?[1-9][0-9]{0,14}[xX]*$": "+1202555xx",
    "^[0-9]{1,78}$": "1",
    "^\\+?[1-9][0-9]{0,14}$": "+12025550100",
    "^[1-9][0-9]{0,14}$": "12025550100",
    "^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$": randomUUID(),
    "^[0-9a-f]{16}\\.pem$": "0123456789abcdef.pem",
    "^[0-9A-F]{2}(:[0-9A-F]{2}){31}$": Array.from({ length: 32 }, () => "AB").join(":"),
    "^[0-9]{6,15}$": "310150123456789",
    "^[0-9]{5,6}$": "310150",
    "^[0-9]{14,16}$": "490154203237518",
    "^[1-9][0-9]{6,14}$": "12025550100",
    "^[0-9]{1,10}$": "1",
    "^(?=.{1,253}$)([a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?\\.)+[a-zA-Z]{2,63}$": "www.example.test",
    "^0x([0-9a-fA-F]{40}|[0-9a-fA-F]{64})$": member,
    "^0x[0-9a-fA-F]{130}$": `0x${"11".repeat(65)}`,
    "^0x[0-9a-fA-F]{130}(?:[0-9a-fA-F]{64}){0,16}$": `0x${"11".repeat(65)}`,
    "^0x04[0-9a-fA-F]{128}$": `0x04${"11".repeat(64)}`,
    "^0x[0-9a-fA-F]{2,1024}$": "0x1234",
    "^[0-9]{1,30}$": "1",
    "^[0-9a-fA-F]{2,40}$": "abcd",
    "^[1-9][0-9]{0,29}$": "1",
    "^[1-9][0-9]{0,77}$": "1",
    "^[A-Z][A-Z0-9_]*$": "CODE",
    "^[A-Za-z0-9.-]+:[0-9]{1,5}$": "example.test:80",
    "^[a-z0-9-]{3,32}$": "outage",
    "^[a-z0-9][a-z0-9-]{1,62}$": "outage-test",
    "^[a-z0-9][a-z0-9._-]{0,63}$": "outage-test",
    "^\\+[1-9][0-9]{6,14}$": "+12025550100",
    "^[a-z]+/[a-zA-Z0-9.+-]+$": "application/json",
    "^https?://[^\\s/?#]+/?$": "https://example.test",
    // A compact JWE (five parts, the encrypted key empty as in ECDH-ES): the settlement inbox's envelope.
    "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){4}$": "eyJhbGciOiJFQ0RILUVTIn0..aXY.Y3Q.dGFn",
    "^[0-9]{0,29}[1-9][0-9]{0,29}$": "1",
    // The identity hubs: a P-256 did:key, a sealed message (JWS or JWE), an item id and kind.
    "^did:key:zDn[1-9A-HJ-NP-Za-km-z]{40,52}$": "did:key:zDnaerx9CtbPJ1q36T5Ln5wYt3MQYeGRG5ehnPAmxcf5mDZpv",
    "^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){2}$|^[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]*){4}$": "eyJhbGciOiJFUzI1NiJ9.e30.c2ln",
    "^[A-Za-z0-9_-]{1,64}$": "outage-item",
    "^[A-Za-z][A-Za-z0-9_.-]{0,63}$": "note",
    // Flow 2.1's links: the 2FA code the person types.
    "^[0-9]{6}$": "123456",
  };
}

/**
 * A value valid for `schema`, as small as it can be: required properties only (plus `source`, asked of the chain
 * wherever a route offers it), the first choice of a union, one item per array.
 */
function sample(schema: Schema | undefined, patterns: Record<string, string>, name = ""): unknown {
  if (!schema) return undefined;
  if ("const" in schema) return schema.const;
  if (Array.isArray(schema.enum)) return schema.enum.includes("chain") ? "chain" : schema.enum[0];
  const choices = schema.anyOf ?? schema.oneOf;
  if (choices) {
    const chain = choices.find((c) => c.const === "chain");
    return sample(chain ?? choices[0], patterns, name);
  }
  if (schema.allOf) return Object.assign({}, ...schema.allOf.map((s) => sample(s, patterns, name)));
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  switch (type) {
    case "object": {
      const out: Record<string, unknown> = {};
      const properties = Object.entries(schema.properties ?? {});
      for (const [key, value] of properties) {
        if (schema.required?.includes(key) || key === "source") out[key] = sample(value, patterns, key);
      }
      // An object that must not be empty gets its first property.
      const [first] = properties;
      if (first && Object.keys(out).length < Number(schema.minProperties ?? 0)) {
        out[first[0]] = sample(first[1], patterns, first[0]);
      }
      return out;
    }
    case "array":
      return Array.from({ length: Math.max(1, Number(schema.minItems ?? 1)) }, () =>
        sample(schema.items, patterns, name),
      );
    case "integer":
    case "number":
      return Math.max(1, Number(schema.minimum ?? 1));
    case "boolean":
      return false;
    case "string": {
      if (typeof schema.pattern === "string") {
        // The table's value for this pattern, else the first of the table's values (or a few more) it accepts.
        const regex = new RegExp(schema.pattern, "u");
        const value =
          patterns[schema.pattern] ??
          [...Object.values(patterns), "1", "0x", "EUR", "wss://example.test", "postgresql://example.test/db"].find(
            (v) => regex.test(v),
          );
        assert.ok(value !== undefined, `a sample for the pattern ${schema.pattern} of "${name}"`);
        return value;
      }
      if (schema.format === "date-time") return new Date(Date.now() + 86_400_000).toISOString();
      return "x".repeat(Math.max(1, Number(schema.minLength ?? 1)));
    }
    default:
      return undefined;
  }
}

function requestOf(route: RouteCatalogEntry, patterns: Record<string, string>) {
  const params = (sample(route.schema.params as Schema, patterns) ?? {}) as Record<string, unknown>;
  const query = (sample(route.schema.querystring as Schema, patterns) ?? {}) as Record<string, unknown>;
  let path = route.url.replace(/:([A-Za-z0-9_]+)/g, (_, key: string) => encodeURIComponent(String(params[key])));
  const search = new URLSearchParams(
    Object.entries(query).map(([k, v]): [string, string] => [k, String(v)]),
  ).toString();
  if (search) path += `?${search}`;
  const body = route.schema.body ? sample(route.schema.body as Schema, patterns) : undefined;
  return { method: route.method, path, body };
}

describe("a chain outage on every route", () => {
  let consortium: TestConsortium;
  let agent: TestAgent;

  before(async () => {
    consortium = await startTestConsortium([{ name: "solo", roles: ["TNSP", "OSP", "MOBILE_OPERATOR"] }]);
    agent = consortium.agents.solo as TestAgent;
  });
  after(async () => {
    await consortium?.stop();
  });

  it("answers no route with 500 while the devnet is down: chain-dependent ones say 503 CHAIN_UNAVAILABLE", async () => {
    // A stream (server-sent events) never ends by design: it is tested by the console's tests, not waited for here.
    const routes = agent.agent.app.routeCatalog.filter(
      (r) => !r.schema.hide && !STREAMS.includes(String(r.schema.operationId)),
    );
    const patterns = patternValues(agent.agent.config.memberAccount, consortium.devnet.chainId);
    await consortium.devnet.kill9ForTest({ superviseRestart: false });

    const answers: Array<{ route: string; status: number; code: string; message: string }> = [];
    // Few at a time: each chain call gives up only after the client's retries.
    for (let i = 0; i < routes.length; i += 8) {
      await Promise.all(
        routes.slice(i, i + 8).map(async (route) => {
          const request = requestOf(route, patterns);
          const answer = await agent.call<{ error?: { code?: string; message?: string }; code?: string }>(
            request.method,
            request.path,
            request.body,
          );
          answers.push({
            route: `${route.method} ${route.url}`,
            status: answer.status,
            code: String(answer.body?.error?.code ?? answer.body?.code ?? ""),
            message: String(JSON.stringify(answer.body ?? null)).slice(0, 300),
          });
        }),
      );
    }
    const byStatus = new Map<number, number>();
    for (const a of answers) byStatus.set(a.status, (byStatus.get(a.status) ?? 0) + 1);
    console.log(
      `outage: ${answers.length} routes; ${[...byStatus]
        .sort((a, b) => a[0] - b[0])
        .map(([status, n]) => `${status}=${n}`)
        .join(" ")}`,
    );
    if (process.env.OUTAGE_VERBOSE) for (const a of answers) console.log(a.status, a.route, a.message);
    assert.equal(answers.length, routes.length);
    // A route that posts to a peer the request names (the samples name the reserved host example.test, which never
    // resolves) answers 502 MESSAGE_DELIVERY_FAILED for that peer: a named answer about the peer, not the chain.
    const peerUnreachable = (a: { status: number; code: string }) =>
      a.status === 502 && a.code === "MESSAGE_DELIVERY_FAILED";
    const failures = answers.filter(
      (a) => a.status >= 500 && !(a.status === 503 && a.code === "CHAIN_UNAVAILABLE") && !peerUnreachable(a),
    );
    assert.deepEqual(failures, [], "no route fails otherwise than with 503 CHAIN_UNAVAILABLE (or 502 for its peer)");
    assert.ok((byStatus.get(503) ?? 0) > 5, "the chain-dependent routes said the chain is unavailable");
  });
});
