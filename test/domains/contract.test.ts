// The domain contract (docs/domains.md), checked for every domain in src/domains.ts: what a reviewer would otherwise
// have to remember. Static rules read the source; route rules read the routes a real agent registered.
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import type { RouteCatalogEntry } from "../../src/core/api/index.ts";
import { declaredErrors } from "../../src/core/errors/index.ts";
import { DOMAINS } from "../../src/domains.ts";
import { startTestConsortium, type TestConsortium } from "../../testkit/consortium.ts";

const ROOT = new URL("../..", import.meta.url).pathname;
const DOMAIN_NAMES = DOMAINS.map((d) => d.name);

function filesOf(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return filesOf(path);
    return path.endsWith(".ts") && !path.endsWith(".test.ts") ? [path] : [];
  });
}

const domainFiles = (name: string) => filesOf(join(ROOT, "src", name));
const SQL = /\b(SELECT\s[\s\S]{0,200}?\sFROM|INSERT\s+INTO|UPDATE\s+[a-z_]+\s+SET|DELETE\s+FROM)\b/;
/** Files a domain may hold SQL in: its schema, its projections (writers), its read model and repositories (readers). */
const SQL_HOME = /^(migrations|projection|readModel|repository)/;
/** Files that may speak HTTP: the routes, their schemas, the plugin that mounts them. */
const HTTP_HOME = /^(routes|schemas|plugin)/;

describe("every domain follows the domain contract", () => {
  it("has a unique name, its folder, a description and a document", () => {
    assert.equal(new Set(DOMAIN_NAMES).size, DOMAIN_NAMES.length, "domain names are unique");
    for (const domain of DOMAINS) {
      assert.match(domain.name, /^[a-z][a-z0-9-]*$/, `${domain.name}: a lower-case name`);
      assert.ok(existsSync(join(ROOT, "src", domain.name)), `${domain.name}: src/${domain.name}/ exists`);
      assert.ok(domain.description.length > 10, `${domain.name}: a description`);
      assert.ok(existsSync(join(ROOT, domain.doc)), `${domain.name}: its document ${domain.doc} exists`);
    }
  });

  it("declares every error code once, owned by the domain that raises it, documented with its status", () => {
    const owners = new Map(declaredErrors().map((e) => [e.code, e.owner]));
    for (const domain of DOMAINS) {
      const doc = readFileSync(join(ROOT, domain.doc), "utf8");
      for (const [code, spec] of Object.entries(domain.errors)) {
        assert.equal(owners.get(code), domain.name, `${code} is declared by ${domain.name}`);
        const row = new RegExp(`^\\|\\s*\`?${code}\`?\\s*\\|\\s*${spec.status}\\s*\\|`, "m");
        assert.match(doc, row, `${domain.doc} documents ${code} with status ${spec.status} in its error table`);
      }
    }
    const known = new Set(["platform", ...DOMAIN_NAMES]);
    for (const { code, owner } of declaredErrors())
      assert.ok(known.has(owner), `${code}: owner ${owner} is registered`);
  });

  it("keeps SQL in migrations, projections, read models and repositories only", () => {
    const offenders = DOMAIN_NAMES.flatMap((name) =>
      domainFiles(name).filter((f) => !SQL_HOME.test(basename(f)) && SQL.test(readFileSync(f, "utf8"))),
    );
    assert.deepEqual(
      offenders.map((f) => relative(ROOT, f)),
      [],
    );
  });

  it("keeps HTTP out of domain logic: only routes, schemas and the plugin import the API layer", () => {
    const offenders = DOMAIN_NAMES.flatMap((name) =>
      domainFiles(name).filter((f) => {
        if (HTTP_HOME.test(basename(f))) return false;
        return /from "(\.\.\/)+core\/api\/|from "fastify"/.test(readFileSync(f, "utf8"));
      }),
    );
    assert.deepEqual(
      offenders.map((f) => relative(ROOT, f)),
      [],
    );
  });

  it("uses another domain only through what it publishes", () => {
    const offenders: string[] = [];
    for (const name of DOMAIN_NAMES) {
      for (const file of domainFiles(name)) {
        for (const match of readFileSync(file, "utf8").matchAll(/from "(\.\.\/[^"]+)"/g)) {
          const target = relative(join(ROOT, "src"), join(file, "..", match[1] ?? ""));
          const [other, ...rest] = target.split("/");
          if (other && other !== name && DOMAIN_NAMES.includes(other) && rest.join("/") !== "published.ts") {
            offenders.push(`${relative(ROOT, file)} imports ${target}`);
          }
        }
      }
    }
    assert.deepEqual(offenders, []);
  });

  describe("routes", () => {
    let consortium: TestConsortium;
    let routes: RouteCatalogEntry[];

    before(async () => {
      consortium = await startTestConsortium([{ name: "solo", roles: ["TNSP", "OSP", "MOBILE_OPERATOR"] }]);
      routes = consortium.agents.solo?.agent.app.routeCatalog ?? [];
    });
    after(async () => {
      await consortium?.stop();
    });

    const ofDomains = () => routes.filter((r) => DOMAIN_NAMES.includes(r.module));

    it("registers the routes of every domain that has an API", () => {
      for (const domain of DOMAINS.filter((d) => d.api)) {
        assert.ok(
          ofDomains().some((r) => r.module === domain.name),
          `${domain.name} registered its routes under its own name`,
        );
      }
    });

    it("puts every route under /v1/<domain>/ unless a standard names its path", () => {
      const offenders = ofDomains().filter((r) => {
        const domain = DOMAINS.find((d) => d.name === r.module);
        if (r.url.startsWith(`/v1/${r.module}/`)) return false;
        return !domain?.standardPaths?.some((s) => r.url.startsWith(s.prefix));
      });
      assert.deepEqual(
        offenders.map((r) => `${r.method} ${r.url} (${r.module})`),
        [],
      );
    });

    it("says who may call every route that changes state", () => {
      const offenders = ofDomains().filter((r) => r.method !== "GET" && !r.authDeclared);
      assert.deepEqual(
        offenders.map((r) => `${r.method} ${r.url}`),
        [],
      );
    });

    it("paginates every list with limit and cursor, and caps no list silently", () => {
      const offenders: string[] = [];
      for (const route of ofDomains().filter((r) => r.method === "GET" && !r.schema.hide)) {
        const ok = (route.schema.response as Record<string, Record<string, unknown>> | undefined)?.[200];
        if (!ok) continue;
        if (ok.type === "array") offenders.push(`${route.url}: answers a bare array`);
        const properties = (ok.properties ?? {}) as Record<string, Record<string, unknown>>;
        const query = ((route.schema.querystring as Record<string, unknown> | undefined)?.properties ?? {}) as Record<
          string,
          unknown
        >;
        for (const [name, property] of Object.entries(properties)) {
          if (property.type !== "array") continue;
          if (name === "items") {
            if (!properties.nextCursor) offenders.push(`${route.url}: items without nextCursor`);
            if (!query.limit || !query.cursor) offenders.push(`${route.url}: items without ?limit=&cursor=`);
          } else if (typeof property.maxItems !== "number") {
            offenders.push(`${route.url}: list ${name} is neither paginated (items) nor bounded (maxItems)`);
          }
        }
      }
      assert.deepEqual(offenders, []);
    });
  });
});
