// The console's files as the agent serves them (a built console in a temporary folder, so the test needs no Vite
// build), the redirect from /, the CSP, and the answer for a file it does not have: the API's error shape.
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { apiMigrations } from "../core/api/index.ts";
import { createApiServer } from "../core/api/server.ts";
import { openStore, type Store } from "../core/store/index.ts";
import { CONSOLE_CSP, consoleModule } from "./consoleRoutes.ts";

let dir: string;
let store: Store;
let app: Awaited<ReturnType<typeof createApiServer>>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "telco-console-"));
  const built = join(dir, "console");
  mkdirSync(join(built, "assets"), { recursive: true });
  writeFileSync(join(built, "index.html"), '<!doctype html><script type="module" src="/console/assets/index-abc.js">');
  writeFileSync(join(built, "assets", "index-abc.js"), "console.log(1)");
  writeFileSync(join(built, "assets", "index-abc.css"), "body{}");
  writeFileSync(join(built, "assets", "notes.txt"), "not an asset type");
  store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: apiMigrations });
  app = await createApiServer({
    store,
    member: { id: "m", name: "M" },
    version: "0.0.0-test",
    modules: [consoleModule({ dir: `${built}/` })],
    logger: false,
  });
});

after(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("console", () => {
  it("GET / and GET /console lead to /console/", async () => {
    for (const url of ["/", "/console"]) {
      const res = await app.inject({ method: "GET", url });
      assert.equal(res.statusCode, 302, url);
      assert.equal(res.headers.location, "/console/", url);
    }
  });

  it("serves its page and built assets without an API key, under a CSP that allows this origin only", async () => {
    const page = await app.inject({ method: "GET", url: "/console/" });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers["content-type"]), /text\/html/);
    assert.equal(page.headers["content-security-policy"], CONSOLE_CSP);
    assert.doesNotMatch(CONSOLE_CSP, /unsafe-inline|unsafe-eval|https?:/);
    const script = await app.inject({ method: "GET", url: "/console/assets/index-abc.js" });
    assert.equal(script.statusCode, 200);
    assert.match(String(script.headers["content-type"]), /text\/javascript/);
    assert.match(String(script.headers["cache-control"]), /immutable/);
    const style = await app.inject({ method: "GET", url: "/console/assets/index-abc.css" });
    assert.match(String(style.headers["content-type"]), /text\/css/);
  });

  it("answers a file it does not have with 404 NOT_FOUND in the API's error shape", async () => {
    for (const url of [
      "/console/assets/secrets.txt",
      "/console/assets/notes.txt",
      "/console/assets/..%2Fagent.sqlite",
    ]) {
      const res = await app.inject({ method: "GET", url });
      assert.equal(res.statusCode, 404, url);
      const body = res.json();
      assert.equal(body.code, "NOT_FOUND", url);
      assert.equal(body.requestId, res.headers["x-request-id"]);
    }
  });

  it("answers Object.prototype names (constructor, __proto__, toString, hasOwnProperty) with 404, not 500", async () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      const res = await app.inject({ method: "GET", url: `/console/assets/${name}` });
      assert.equal(res.statusCode, 404, name);
      assert.equal(res.json().code, "NOT_FOUND", name);
    }
  });

  it("says how to build the console when it is not built", async () => {
    const bare = await createApiServer({
      store,
      member: { id: "m", name: "M" },
      version: "0.0.0-test",
      modules: [consoleModule({ dir: join(dir, "nothing/") })],
      logger: false,
    });
    try {
      const res = await bare.inject({ method: "GET", url: "/console/" });
      assert.equal(res.statusCode, 404);
      assert.match(res.json().message, /npm install/);
    } finally {
      await bare.close();
    }
  });
});
