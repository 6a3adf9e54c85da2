// The console's static files, and its answer for a file it does not have: the API's error shape, like every route.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { apiMigrations } from "../core/api/index.ts";
import { createApiServer } from "../core/api/server.ts";
import { openStore, type Store } from "../core/store/index.ts";
import { consoleModule } from "./consoleRoutes.ts";

let dir: string;
let store: Store;
let app: Awaited<ReturnType<typeof createApiServer>>;

before(async () => {
  dir = mkdtempSync(join(tmpdir(), "telco-console-"));
  store = await openStore({ sqliteFile: join(dir, "agent.sqlite"), migrations: apiMigrations });
  app = await createApiServer({
    store,
    member: { id: "m", name: "M" },
    version: "0.0.0-test",
    modules: [consoleModule()],
    logger: false,
  });
});

after(async () => {
  await app?.close();
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("console", () => {
  it("serves its page and scripts without an API key", async () => {
    const page = await app.inject({ method: "GET", url: "/console/" });
    assert.equal(page.statusCode, 200);
    assert.match(String(page.headers["content-type"]), /text\/html/);
    const script = await app.inject({ method: "GET", url: "/console/console.js" });
    assert.equal(script.statusCode, 200);
  });

  it("answers a file it does not have with 404 NOT_FOUND in the API's error shape", async () => {
    const res = await app.inject({ method: "GET", url: "/console/secrets.txt" });
    assert.equal(res.statusCode, 404);
    const body = res.json();
    assert.equal(body.code, "NOT_FOUND");
    assert.equal(body.requestId, res.headers["x-request-id"]);
    assert.match(body.message, /secrets\.txt/);
  });

  it("answers Object.prototype names (constructor, __proto__, toString, hasOwnProperty) with 404, not 500", async () => {
    for (const name of ["constructor", "__proto__", "toString", "hasOwnProperty", "valueOf"]) {
      const res = await app.inject({ method: "GET", url: `/console/${name}` });
      assert.equal(res.statusCode, 404, name);
      assert.equal(res.json().code, "NOT_FOUND", name);
    }
  });
});
