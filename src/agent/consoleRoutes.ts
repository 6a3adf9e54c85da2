// Serves the console (web/): a small static page for people at a member's back office. The page is public; every
// call it makes to the API carries the API key the user types in, kept only in the browser tab's sessionStorage.
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ApiError, type ApiModule } from "../core/api/index.ts";

const webDir = fileURLToPath(new URL("../../web/", import.meta.url));
// A Map, not an object literal: a lookup of "constructor" or "__proto__" must miss, not find Object.prototype's.
const FILES = new Map<string, string>([
  ["", "text/html; charset=utf-8"],
  ["console.js", "text/javascript; charset=utf-8"],
  ["console.css", "text/css; charset=utf-8"],
]);

export function consoleModule(): ApiModule {
  return {
    name: "console",
    register(app) {
      app.get("/console", { config: { auth: "public" }, schema: { hide: true } }, async (_request, reply) =>
        reply.redirect("/console/", 302),
      );
      app.get<{ Params: { file: string } }>(
        "/console/:file",
        { config: { auth: "public" }, schema: { hide: true } },
        async (request, reply) => {
          const file = request.params.file ?? "";
          const type = FILES.get(file);
          if (type === undefined) throw new ApiError("NOT_FOUND", `the console has no file ${file}`);
          const body = await readFile(`${webDir}${file === "" ? "index.html" : file}`);
          return reply
            .type(type)
            .header("cache-control", "no-cache")
            .header(
              "content-security-policy",
              "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'",
            )
            .send(body);
        },
      );
    },
  };
}
