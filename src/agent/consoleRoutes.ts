// Serves the operator console: the React application console/ builds into dist/console/ at install time (npm
// install runs the build; docs/console.md). The page and its assets are public; every call the page makes to the API
// carries the API key the user typed in, kept only in the browser tab's sessionStorage. `GET /` leads to it.
import { existsSync, readdirSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { ApiError, type ApiModule } from "../core/api/index.ts";

const DEFAULT_DIR = fileURLToPath(new URL("../../dist/console/", import.meta.url));
/** Scripts and styles from this agent only: no inline script, nothing from another host (fonts, CDNs). */
export const CONSOLE_CSP =
  "default-src 'self'; style-src 'self'; script-src 'self'; connect-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

const TYPES = new Map<string, string>([
  [".js", "text/javascript; charset=utf-8"],
  [".css", "text/css; charset=utf-8"],
  [".svg", "image/svg+xml"],
  [".png", "image/png"],
]);

/** The built assets, by file name (content-hashed by Vite: cacheable for good), read once when the agent starts. */
function assetsIn(dir: string): Map<string, string> {
  const assets = new Map<string, string>();
  if (!existsSync(`${dir}assets`)) return assets;
  for (const file of readdirSync(`${dir}assets`)) {
    const type = TYPES.get(file.slice(file.lastIndexOf(".")));
    if (type) assets.set(file, type);
  }
  return assets;
}

export function consoleModule(options: { dir?: string } = {}): ApiModule {
  const dir = options.dir ?? DEFAULT_DIR;
  const assets = assetsIn(dir);
  return {
    name: "console",
    register(app) {
      const hidden = { config: { auth: "public" as const }, schema: { hide: true } };
      app.get("/", hidden, async (_request, reply) => reply.redirect("/console/", 302));
      app.get("/console", hidden, async (_request, reply) => reply.redirect("/console/", 302));
      app.get("/console/", hidden, async (_request, reply) => {
        const page = await readFile(`${dir}index.html`).catch(() => undefined);
        if (!page)
          throw new ApiError("NOT_FOUND", "the console is not built: run `npm install` (or `npm run build:console`)");
        return reply
          .type("text/html; charset=utf-8")
          .header("cache-control", "no-cache")
          .header("content-security-policy", CONSOLE_CSP)
          .send(page);
      });
      app.get<{ Params: { file: string } }>("/console/assets/:file", hidden, async (request, reply) => {
        const file = request.params.file ?? "";
        // A Map lookup, never a path join: only the files the build wrote are served ("..", "constructor" miss).
        const type = assets.get(file);
        if (type === undefined) throw new ApiError("NOT_FOUND", `the console has no file ${file}`);
        return reply
          .type(type)
          .header("cache-control", "public, max-age=31536000, immutable")
          .header("content-security-policy", CONSOLE_CSP)
          .send(await readFile(`${dir}assets/${file}`));
      });
    },
  };
}
