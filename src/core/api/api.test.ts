// The API core through app.inject (no sockets) on a real SQLite store, with a tiny example module standing in for a
// domain: authentication, the error shape, validation details, OpenAPI, request ids, redacted logs, metrics, health.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { after, before, describe, it } from "node:test";
import { Type } from "@sinclair/typebox";
import { createPublicClient, http } from "viem";
import { reservePort } from "../../../testkit/ports.ts";
import { openStore, type Store } from "../store/index.ts";
import {
  ApiError,
  type ApiModule,
  apiMigrations,
  createApiKey,
  errorResponses,
  PageQuerySchema,
  principalOf,
  strictObject,
} from "./index.ts";
import { createApiServer } from "./server.ts";

const MEMBER = { id: "mno-alpha", name: "Alpha Mobile" };
let exampleHealthy = true;
/** When set, the "rpc" check asks a real JSON-RPC client for the head block at a port nobody listens on. */
let rpcUrlDown: string | undefined;

const exampleModule: ApiModule = {
  name: "orgs",
  tags: [{ name: "orgs", description: "Example domain used by the API core tests" }],
  register(app) {
    app.healthChecks.register("example", async () => ({ ok: exampleHealthy, lag: 0 }));
    app.healthChecks.register("rpc", async () => {
      if (rpcUrlDown === undefined) return { ok: true };
      const client = createPublicClient({ transport: http(rpcUrlDown, { retryCount: 0, timeout: 2_000 }) });
      return { ok: true, headBlock: Number(await client.getBlockNumber()) };
    });
    app.post(
      "/v1/orgs",
      {
        config: { auth: "operator" },
        schema: {
          summary: "Register an organisation",
          tags: ["orgs"],
          operationId: "createOrg",
          body: strictObject({
            orgId: Type.String({ pattern: "^[a-z0-9-]{3,32}$" }),
            name: Type.String({ minLength: 1 }),
            allocations: Type.Array(strictObject({ tn: Type.String({ pattern: "^\\+[1-9][0-9]{6,14}$" }) })),
          }),
          response: {
            201: strictObject({ orgId: Type.String(), createdBy: Type.String() }),
            ...errorResponses("CONFLICT"),
          },
        },
      },
      async (request, reply) => {
        request.log.info({ headers: request.headers, body: { privateKey: "0xdeadbeefcafe" } }, "creating org");
        await store.exec("INSERT INTO orgs (org_id, name) VALUES ($1, $2)", [request.body.orgId, request.body.name]);
        return reply.code(201).send({ orgId: request.body.orgId, createdBy: principalOf(request).userName });
      },
    );
    app.get(
      "/v1/orgs/:orgId",
      {
        schema: {
          summary: "Read an organisation",
          tags: ["orgs"],
          operationId: "getOrg",
          params: strictObject({ orgId: Type.String({ pattern: "^[a-z0-9-]{3,32}$" }) }),
          querystring: strictObject({ verbose: Type.Optional(Type.Boolean()) }),
          response: { 200: strictObject({ orgId: Type.String(), name: Type.String() }) },
        },
      },
      async (request) => {
        const row = await store.one<{ org_id: string; name: string }>("SELECT * FROM orgs WHERE org_id = $1", [
          request.params.orgId,
        ]);
        if (!row) throw new ApiError("NOT_FOUND", `no organisation ${request.params.orgId}`);
        return { orgId: row.org_id, name: row.name };
      },
    );
    app.get(
      "/v1/orgs",
      {
        schema: {
          summary: "List organisations",
          tags: ["orgs"],
          operationId: "listOrgs",
          querystring: PageQuerySchema,
          response: { 200: strictObject({ items: Type.Array(Type.String()), nextCursor: Type.Null() }) },
        },
      },
      async () => ({ items: [], nextCursor: null }),
    );
    app.get("/v1/boom", { schema: { summary: "Always fails", tags: ["orgs"], operationId: "boom" } }, async () => {
      throw new Error("secret stack detail at /srv/agent/db.ts:42");
    });
  },
};

let store: Store;
let dir: string;
let app: Awaited<ReturnType<typeof createApiServer>>;
const logLines: string[] = [];
const keys: Record<"admin" | "operator" | "readOnly" | "otherMember", string> = {
  admin: "",
  operator: "",
  readOnly: "",
  otherMember: "",
};

const bearer = (key: string) => ({ authorization: `Bearer ${key}` });

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "telco-api-"));
  store = await openStore({
    sqliteFile: join(dir, "agent.sqlite"),
    migrations: [
      ...apiMigrations,
      { id: "0001_test_orgs", sql: "CREATE TABLE orgs (org_id TEXT PRIMARY KEY, name TEXT NOT NULL)" },
    ],
  });
  keys.admin = (await createApiKey(store, { memberId: MEMBER.id, userName: "root", role: "admin" })).key;
  keys.operator = (await createApiKey(store, { memberId: MEMBER.id, userName: "ops", role: "operator" })).key;
  keys.readOnly = (await createApiKey(store, { memberId: MEMBER.id, userName: "viewer", role: "read-only" })).key;
  keys.otherMember = (await createApiKey(store, { memberId: "mno-beta", userName: "root", role: "admin" })).key;
  const stream = new Writable({
    write(chunk, _encoding, done) {
      logLines.push(...String(chunk).split("\n").filter(Boolean));
      done();
    },
  });
  app = await createApiServer({
    store,
    member: MEMBER,
    version: "0.1.0-test",
    modules: [exampleModule],
    bodyLimit: 4096,
    logger: { level: "debug", stream },
  });
});

after(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

function assertErrorShape(body: Record<string, unknown>, code: string): void {
  assert.equal(body.code, code);
  assert.equal(typeof body.message, "string");
  assert.equal(typeof body.requestId, "string");
  assert.ok((body.requestId as string).length > 0);
}

describe("authentication", () => {
  it("rejects a request without a key with 401 and a Bearer challenge", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/orgs" });
    assert.equal(res.statusCode, 401);
    assertErrorShape(res.json(), "UNAUTHENTICATED");
    assert.match(String(res.headers["www-authenticate"]), /^Bearer/);
  });

  it("rejects malformed, unknown and wrong-secret keys alike", async () => {
    const [, keyId] = keys.readOnly.split("_");
    const presented = [
      { authorization: "Basic dXNlcjpwYXNz" },
      bearer("not-a-key"),
      bearer(`tlk_0123456789abcdef_${"A".repeat(43)}`),
      bearer(`tlk_${keyId}_${"B".repeat(43)}`),
    ];
    for (const headers of presented) {
      const res = await app.inject({ method: "GET", url: "/v1/orgs", headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assertErrorShape(res.json(), "UNAUTHENTICATED");
    }
  });

  it("takes the key as HTTP Basic's password (how pooled libcurl clients send it), with the same checks", async () => {
    const basic = (user: string, password: string) => ({
      authorization: `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`,
    });
    const ok = await app.inject({ method: "GET", url: "/v1/orgs", headers: basic("kamailio", keys.readOnly) });
    assert.equal(ok.statusCode, 200, ok.body);
    const noUser = await app.inject({ method: "GET", url: "/v1/orgs", headers: basic("", keys.readOnly) });
    assert.equal(noUser.statusCode, 200, "the user-id carries nothing");
    const refused = [
      basic("kamailio", ""),
      basic(keys.readOnly, ""),
      { authorization: `Basic ${Buffer.from(keys.readOnly).toString("base64")}` },
      basic("kamailio", keys.otherMember),
      { authorization: "Digest username=x" },
    ];
    for (const headers of refused) {
      const res = await app.inject({ method: "GET", url: "/v1/orgs", headers });
      assert.equal(res.statusCode, 401, JSON.stringify(headers));
      assertErrorShape(res.json(), "UNAUTHENTICATED");
    }
    const tooLow = await app.inject({
      method: "POST",
      url: "/v1/orgs",
      headers: basic("kamailio", keys.readOnly),
      payload: { orgId: "acme", name: "Acme", allocations: [] },
    });
    assert.equal(tooLow.statusCode, 403, "the key's role still decides");
  });

  it("never lets a key of another member act for this one", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/api-keys", headers: bearer(keys.otherMember) });
    assert.equal(res.statusCode, 401);
    assertErrorShape(res.json(), "UNAUTHENTICATED");
  });

  it("refuses a role below the route's with 403 naming the role needed", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/orgs",
      headers: bearer(keys.readOnly),
      payload: { orgId: "acme", name: "Acme", allocations: [] },
    });
    assert.equal(res.statusCode, 403);
    assertErrorShape(res.json(), "FORBIDDEN");
    assert.match(res.json().message, /operator/);
    const admin = await app.inject({ method: "GET", url: "/v1/orgs", headers: bearer(keys.admin) });
    assert.equal(admin.statusCode, 200, "admin > read-only");
  });

  it("creates, lists (paged), uses and revokes API keys; a revoked key stops working at once", async () => {
    const created = await app.inject({
      method: "POST",
      url: "/v1/api-keys",
      headers: bearer(keys.admin),
      payload: { userName: "night shift", role: "read-only" },
    });
    assert.equal(created.statusCode, 201);
    const { key, apiKey } = created.json();
    assert.match(key, /^tlk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    assert.equal((await app.inject({ method: "GET", url: "/v1/orgs", headers: bearer(key) })).statusCode, 200);

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const url: string = `/v1/api-keys?limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const page = await app.inject({ method: "GET", url, headers: bearer(keys.admin) });
      assert.equal(page.statusCode, 200);
      const body = page.json();
      assert.ok(body.items.length <= 2);
      for (const item of body.items) assert.equal("secretHash" in item || "secret_hash" in item, false);
      seen.push(...body.items.map((i: { userName: string }) => i.userName));
      cursor = body.nextCursor;
    } while (cursor);
    assert.deepEqual(seen.sort(), ["night shift", "ops", "root", "viewer"], "never lists another member's keys");

    const revoked = await app.inject({
      method: "DELETE",
      url: `/v1/api-keys/${apiKey.keyId}`,
      headers: bearer(keys.admin),
    });
    assert.equal(revoked.statusCode, 200);
    assert.equal(typeof revoked.json().revokedAt, "string");
    const after = await app.inject({ method: "GET", url: "/v1/orgs", headers: bearer(key) });
    assert.equal(after.statusCode, 401);
    const missing = await app.inject({
      method: "DELETE",
      url: "/v1/api-keys/0123456789abcdef",
      headers: bearer(keys.admin),
    });
    assert.equal(missing.statusCode, 404);
    assertErrorShape(missing.json(), "NOT_FOUND");
    const badCursor = await app.inject({ method: "GET", url: "/v1/api-keys?cursor=zzz", headers: bearer(keys.admin) });
    assert.equal(badCursor.statusCode, 400);
    assert.deepEqual(badCursor.json().details, [
      { field: "query.cursor", message: "is not a cursor returned by this endpoint" },
    ]);
    const used = await store.one<{ last_used_at: string | null }>(
      "SELECT last_used_at FROM api_keys WHERE user_name = $1",
      ["viewer"],
    );
    assert.equal(typeof used?.last_used_at, "string");
  });

  it("names every invalid field when creating a key directly", async () => {
    await assert.rejects(
      createApiKey(store, { memberId: "", userName: "", role: "root" as never }),
      (error) =>
        error instanceof ApiError &&
        error.code === "VALIDATION_FAILED" &&
        JSON.stringify(error.details?.map((d) => d.field)) === JSON.stringify(["memberId", "userName", "role"]),
    );
  });
});

describe("errors and validation", () => {
  it("reports each invalid body field with its path, including array items and unknown fields", async () => {
    const res = await app.inject({
      method: "POST",
      url: "/v1/orgs",
      headers: bearer(keys.operator),
      payload: { orgId: "acme", allocations: [{ tn: "+15551234567" }, { tn: "555" }], extra: true },
    });
    assert.equal(res.statusCode, 400);
    const body = res.json();
    assertErrorShape(body, "VALIDATION_FAILED");
    const fields = body.details.map((d: { field: string }) => d.field).sort();
    assert.deepEqual(fields, ["body.allocations[1].tn", "body.extra", "body.name"]);
    assert.deepEqual(
      body.details.find((d: { field: string }) => d.field === "body.extra"),
      { field: "body.extra", message: "is not allowed" },
    );
    assert.equal(await store.one("SELECT org_id FROM orgs"), undefined, "nothing was written");
  });

  it("reports invalid path parameters and query fields with params./query. paths", async () => {
    const res = await app.inject({
      method: "GET",
      url: "/v1/orgs/X!?verbose=maybe&x=1",
      headers: bearer(keys.readOnly),
    });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), "VALIDATION_FAILED");
    assert.deepEqual(
      res.json().details.map((d: { field: string }) => d.field),
      ["params.orgId"],
    );
    const query = await app.inject({
      method: "GET",
      url: "/v1/orgs?limit=0&sort=name",
      headers: bearer(keys.readOnly),
    });
    assert.equal(query.statusCode, 400);
    assert.deepEqual(
      query
        .json()
        .details.map((d: { field: string }) => d.field)
        .sort(),
      ["query.limit", "query.sort"],
    );
  });

  it("answers unknown routes, wrong content types, oversized and malformed bodies in the same shape", async () => {
    const notFound = await app.inject({ method: "GET", url: "/v1/nothing-here" });
    assert.equal(notFound.statusCode, 404);
    assertErrorShape(notFound.json(), "NOT_FOUND");

    const post = (payload: string, contentType: string) =>
      app.inject({
        method: "POST",
        url: "/v1/orgs",
        headers: { ...bearer(keys.operator), "content-type": contentType },
        payload,
      });
    const wrongType = await post("orgId=acme", "text/plain");
    assert.equal(wrongType.statusCode, 415);
    assertErrorShape(wrongType.json(), "UNSUPPORTED_MEDIA_TYPE");
    const tooLarge = await post(
      JSON.stringify({ orgId: "acme", name: "x".repeat(5000), allocations: [] }),
      "application/json",
    );
    assert.equal(tooLarge.statusCode, 413);
    assertErrorShape(tooLarge.json(), "PAYLOAD_TOO_LARGE");
    const malformed = await post('{"orgId": "acme",', "application/json");
    assert.equal(malformed.statusCode, 400);
    assertErrorShape(malformed.json(), "MALFORMED_REQUEST");
  });

  it("maps a store unique violation to 409 CONFLICT", async () => {
    const create = () =>
      app.inject({
        method: "POST",
        url: "/v1/orgs",
        headers: bearer(keys.operator),
        payload: { orgId: "dup-org", name: "Dup", allocations: [] },
      });
    const first = await create();
    assert.equal(first.statusCode, 201);
    assert.deepEqual(first.json(), { orgId: "dup-org", createdBy: "ops" });
    const second = await create();
    assert.equal(second.statusCode, 409);
    assertErrorShape(second.json(), "CONFLICT");
    const read = await app.inject({ method: "GET", url: "/v1/orgs/dup-org", headers: bearer(keys.readOnly) });
    assert.deepEqual(read.json(), { orgId: "dup-org", name: "Dup" });
    const absent = await app.inject({ method: "GET", url: "/v1/orgs/nope", headers: bearer(keys.readOnly) });
    assert.equal(absent.statusCode, 404);
    assertErrorShape(absent.json(), "NOT_FOUND");
  });

  it("answers an unexpected error with 500 INTERNAL and no internals", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/boom", headers: bearer(keys.readOnly) });
    assert.equal(res.statusCode, 500);
    assertErrorShape(res.json(), "INTERNAL");
    assert.doesNotMatch(res.body, /secret stack detail|db\.ts|at /);
  });
});

describe("types and requests refused before a route", () => {
  const orgWith = (fields: Record<string, unknown>) =>
    app.inject({
      method: "POST",
      url: "/v1/orgs",
      headers: bearer(keys.operator),
      payload: { orgId: "typed-org", name: "Typed", allocations: [], ...fields },
    });

  it("refuses a number where the body wants a string, instead of converting it", async () => {
    const res = await orgWith({ orgId: 12025551500 });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), "VALIDATION_FAILED");
    assert.deepEqual(res.json().details, [{ field: "body.orgId", message: "must be string" }]);
    assert.equal(await store.one("SELECT org_id FROM orgs WHERE org_id = '12025551500'"), undefined);
  });

  it("refuses an array where the body wants one string", async () => {
    const res = await orgWith({ name: ["Typed"] });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), "VALIDATION_FAILED");
    assert.deepEqual(res.json().details, [{ field: "body.name", message: "must be string" }]);
    assert.equal(await store.one("SELECT org_id FROM orgs WHERE org_id = 'typed-org'"), undefined);
  });

  it("still reads numbers and booleans from the query string", async () => {
    const page = await app.inject({ method: "GET", url: "/v1/orgs?limit=5", headers: bearer(keys.readOnly) });
    assert.equal(page.statusCode, 200);
    const verbose = await app.inject({
      method: "GET",
      url: "/v1/orgs/nope?verbose=true",
      headers: bearer(keys.readOnly),
    });
    assert.equal(verbose.statusCode, 404, "the boolean passed validation; the organisation does not exist");
  });

  it("names an over-long path parameter instead of answering 414", async () => {
    const res = await app.inject({
      method: "GET",
      url: `/v1/orgs/${"a".repeat(5000)}`,
      headers: bearer(keys.readOnly),
    });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), "VALIDATION_FAILED");
    assert.deepEqual(
      res.json().details.map((d: { field: string }) => d.field),
      ["params.orgId"],
    );
  });

  it("answers bad percent-encoding in the URL as MALFORMED_REQUEST", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/orgs/%E0%A4%A", headers: bearer(keys.readOnly) });
    assert.equal(res.statusCode, 400);
    assertErrorShape(res.json(), "MALFORMED_REQUEST");
    assert.equal(res.headers["x-request-id"], res.json().requestId);
  });

  it("answers an over-long URL and raw malformed HTTP in the error shape, on a real socket", async () => {
    const address = await app.listen({ port: 0, host: "127.0.0.1" });
    const port = Number(new URL(address).port);
    const raw = (request: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, "127.0.0.1", () => socket.write(request));
        let answer = "";
        socket.on("data", (chunk) => {
          answer += chunk;
        });
        socket.on("close", () => resolve(answer));
        socket.on("error", reject);
      });
    const parse = (answer: string) => {
      const [head = "", body = ""] = answer.split("\r\n\r\n");
      return { status: Number(head.split(" ")[1]), head, body: JSON.parse(body) as Record<string, unknown> };
    };
    try {
      const longUrl = parse(await raw(`GET /v1/orgs?q=${"x".repeat(20_000)} HTTP/1.1\r\nHost: a\r\n\r\n`));
      assert.equal(longUrl.status, 431);
      assertErrorShape(longUrl.body, "HEADERS_TOO_LARGE");
      assert.match(longUrl.head, /content-type: application\/json/i);
      const garbage = parse(await raw("HELLO THERE\r\n\r\n"));
      assert.equal(garbage.status, 400);
      assertErrorShape(garbage.body, "MALFORMED_REQUEST");
      const health = await fetch(`${address}/health`);
      assert.equal(health.status, 200, "the server still answers");
    } finally {
      await app.server.close();
    }
  });
});

describe("request ids and logs", () => {
  it("echoes a well-formed x-request-id in the header and the error body, and replaces a bad one", async () => {
    const res = await app.inject({ method: "GET", url: "/v1/orgs", headers: { "x-request-id": "req-12345678" } });
    assert.equal(res.headers["x-request-id"], "req-12345678");
    assert.equal(res.json().requestId, "req-12345678");
    const bad = await app.inject({ method: "GET", url: "/v1/orgs", headers: { "x-request-id": "bad id\nforged" } });
    assert.match(String(bad.headers["x-request-id"]), /^[0-9a-f-]{36}$/);
    assert.equal(bad.json().requestId, bad.headers["x-request-id"]);
  });

  it("writes JSON logs with request ids and never a bearer secret or private key", async () => {
    await app.inject({
      method: "POST",
      url: "/v1/orgs",
      headers: { ...bearer(keys.operator), "x-request-id": "log-test-0001" },
      payload: { orgId: "logged", name: "Logged", allocations: [] },
    });
    await app.inject({ method: "GET", url: "/v1/orgs", headers: bearer(`${keys.readOnly.slice(0, -1)}x`) });
    const text = logLines.join("\n");
    const entries = logLines.map((line) => JSON.parse(line));
    const creating = entries.find((e) => e.msg === "creating org" && e.requestId === "log-test-0001");
    assert.ok(creating, "the example route logged");
    assert.equal(creating.headers.authorization, "[redacted]");
    assert.equal(creating.body.privateKey, "[redacted]");
    for (const key of Object.values(keys)) {
      const secret = key.split("_").slice(2).join("_");
      assert.equal(text.includes(secret), false, "a key's secret reached the logs");
    }
    assert.equal(text.includes("0xdeadbeefcafe"), false);
    assert.ok(entries.some((e) => e.msg === "API key refused" && e.reason === "wrong-secret"));
  });
});

describe("OpenAPI, health and metrics", () => {
  it("serves an OpenAPI 3 document listing every route with summary, operationId, tags, security and errors", async () => {
    const res = await app.inject({ method: "GET", url: "/openapi.json" });
    assert.equal(res.statusCode, 200);
    const doc = res.json();
    assert.match(doc.openapi, /^3\./);
    assert.deepEqual(doc.components.securitySchemes.bearerAuth, {
      type: "http",
      scheme: "bearer",
      bearerFormat: "tlk_<keyId>_<secret>",
    });
    assert.equal(doc.components.securitySchemes.basicAuth.scheme, "basic");
    const operations = Object.entries(doc.paths as Record<string, Record<string, Record<string, unknown>>>).flatMap(
      ([path, methods]) => Object.entries(methods).map(([method, op]) => ({ id: `${method} ${path}`, op })),
    );
    assert.deepEqual(operations.map((o) => o.id).sort(), [
      "delete /v1/api-keys/{keyId}",
      "get /health",
      "get /metrics",
      "get /v1/api-keys",
      "get /v1/boom",
      "get /v1/orgs",
      "get /v1/orgs/{orgId}",
      "post /v1/api-keys",
      "post /v1/orgs",
    ]);
    for (const { id, op } of operations) {
      assert.ok(op.summary && op.operationId && (op.tags as string[]).length, `${id} documented`);
      const responses = op.responses as Record<string, unknown>;
      assert.ok(responses["400"] && responses["404"] && responses["500"], `${id} lists its error responses`);
      if (id === "get /health") {
        assert.deepEqual(op.security, [], "health is public");
      } else {
        assert.deepEqual(op.security, [{ bearerAuth: [] }, { basicAuth: [] }], `${id} needs a key`);
        assert.ok(responses["401"] && responses["403"], `${id} lists 401/403`);
      }
    }
    const createOrg = operations.find((o) => o.id === "post /v1/orgs")?.op.responses as Record<string, unknown>;
    assert.ok(createOrg["409"] && createOrg["413"] && createOrg["415"]);
  });

  it("serves the browsable docs and their assets from the npm package", async () => {
    const page = await app.inject({ method: "GET", url: "/docs/" });
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /swagger-ui/i);
    assert.doesNotMatch(page.body, /https?:\/\/(unpkg|cdn)/);
    const css = await app.inject({ method: "GET", url: "/docs/static/swagger-ui.css" });
    assert.equal(css.statusCode, 200);
  });

  it("answers /health 200 when every check is ok and 503 with the same body when one is not", async () => {
    const ok = await app.inject({ method: "GET", url: "/health" });
    assert.equal(ok.statusCode, 200);
    assert.deepEqual(ok.json(), {
      ok: true,
      version: "0.1.0-test",
      memberId: MEMBER.id,
      checks: { store: { ok: true }, example: { ok: true }, rpc: { ok: true } },
    });
    exampleHealthy = false;
    try {
      const down = await app.inject({ method: "GET", url: "/health" });
      assert.equal(down.statusCode, 503);
      assert.equal(down.json().ok, false);
      assert.deepEqual(down.json().checks.example, { ok: false });
    } finally {
      exampleHealthy = true;
    }
  });

  it("answers /health with ok per check only: an unreachable chain node's URL, host and error text stay in the log", async () => {
    const port = await reservePort();
    rpcUrlDown = `http://127.0.0.1:${port}/rpc-secret-path`;
    try {
      const down = await app.inject({ method: "GET", url: "/health" });
      assert.equal(down.statusCode, 503);
      assert.deepEqual(down.json().checks, { store: { ok: true }, example: { ok: true }, rpc: { ok: false } });
      for (const leak of [
        "127.0.0.1",
        String(port),
        "rpc-secret-path",
        "http",
        "fetch",
        "failed",
        "request",
        "error",
      ]) {
        assert.ok(!down.body.toLowerCase().includes(leak.toLowerCase()), `the public body holds ${leak}: ${down.body}`);
      }
      const logged = logLines.filter((line) => line.includes("health check not ok")).join("\n");
      assert.match(logged, /rpc-secret-path/, "the details reach the operator's log");
    } finally {
      rpcUrlDown = undefined;
    }
  });

  it("serves Prometheus metrics to a read-only key and counts requests by route template", async () => {
    assert.equal((await app.inject({ method: "GET", url: "/metrics" })).statusCode, 401);
    const count = async () => {
      const res = await app.inject({ method: "GET", url: "/metrics", headers: bearer(keys.readOnly) });
      assert.equal(res.statusCode, 200);
      assert.match(String(res.headers["content-type"]), /^text\/plain/);
      assert.match(res.body, /process_cpu_user_seconds_total/);
      const line = res.body
        .split("\n")
        .find((l) =>
          l.startsWith('http_request_duration_seconds_count{route="/v1/orgs/:orgId",method="GET",status_code="404"}'),
        );
      return Number(line?.split(" ")[1] ?? 0);
    };
    const before = await count();
    await app.inject({ method: "GET", url: "/v1/orgs/ghost-1", headers: bearer(keys.readOnly) });
    await app.inject({ method: "GET", url: "/v1/orgs/ghost-2", headers: bearer(keys.readOnly) });
    assert.equal(await count(), before + 2);
  });
});

describe("route conventions", () => {
  const broken = (schema: Record<string, unknown>): ApiModule => ({
    name: "broken",
    register(scope) {
      scope.get("/v1/broken", { schema }, async () => ({}));
    },
  });

  it("refuses at startup a route without operationId or with a body that accepts unknown fields", async () => {
    await assert.rejects(
      createApiServer({
        store,
        member: MEMBER,
        version: "t",
        logger: false,
        modules: [broken({ summary: "x", tags: ["x"] })],
      }),
      /operationId is required/,
    );
    await assert.rejects(
      createApiServer({
        store,
        member: MEMBER,
        version: "t",
        logger: false,
        modules: [
          broken({ summary: "x", tags: ["x"], operationId: "x", querystring: Type.Object({ a: Type.String() }) }),
        ],
      }),
      /querystring must set additionalProperties/,
    );
  });
});
