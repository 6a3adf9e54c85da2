// The preflight `npm test` starts with: which packages count as missing, and what it then does (nothing, install as
// root, or stop with the exact command). apt itself is not run here.
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import {
  isPresent,
  missingPackages,
  missingToolchain,
  type Probe,
  plan,
  SYSTEM_PACKAGES,
  type SystemPackage,
} from "../../scripts/system-packages.ts";

const packages: SystemPackage[] = [
  { name: "postgresql", why: "", provides: [{ binary: "initdb" }, { binary: "pg_ctl" }] },
  { name: "kamailio", why: "", provides: [{ binary: "kamailio" }, { kamailioModule: "tm" }] },
  { name: "kamailio-json-modules", why: "", provides: [{ kamailioModule: "json" }] },
  { name: "curl", why: "", provides: [{ binary: "curl" }] },
];
const only =
  (...present: string[]) =>
  (probe: Probe) =>
    present.includes("binary" in probe ? probe.binary : `${probe.kamailioModule}.so`);

describe("system packages preflight", () => {
  it("counts a package missing when any file it provides is absent, in list order", () => {
    assert.deepEqual(missingPackages(packages, only("initdb", "pg_ctl", "kamailio", "tm.so", "json.so", "curl")), []);
    assert.deepEqual(missingPackages(packages, only("initdb", "kamailio", "tm.so", "curl")), [
      "postgresql",
      "kamailio-json-modules",
    ]);
    assert.deepEqual(
      missingPackages(packages, only()),
      packages.map((p) => p.name),
    );
  });

  it("does nothing when nothing is missing", () => {
    assert.deepEqual(plan([], { root: false, aptGet: true }), { kind: "ready" });
  });

  it("as root: apt-get update, then one install of exactly the missing packages", () => {
    assert.deepEqual(plan(["postgresql", "sip-tester"], { root: true, aptGet: true }), {
      kind: "install",
      commands: [
        ["apt-get", "update"],
        ["apt-get", "install", "-y", "--no-install-recommends", "postgresql", "sip-tester"],
      ],
    });
  });

  it("not root: stops with the exact sudo command", () => {
    const next = plan(["kamailio", "curl"], { root: false, aptGet: true });
    assert.equal(next.kind, "refuse");
    assert.match(
      next.kind === "refuse" ? next.message : "",
      /missing: kamailio curl\..*\n {2}sudo apt-get update && sudo apt-get install -y --no-install-recommends kamailio curl$/s,
    );
  });

  it("without apt-get: names the packages instead of a command that cannot run", () => {
    const next = plan(["secsipidx"], { root: true, aptGet: false });
    assert.equal(next.kind, "refuse");
    assert.match(next.kind === "refuse" ? next.message : "", /no apt-get: secsipidx/);
  });

  it("lists every package the tests and the Kamailio configs need, each found by a file", () => {
    assert.deepEqual(SYSTEM_PACKAGES.map((p) => p.name).sort(), [
      "chromium",
      "jq",
      "kamailio",
      "kamailio-extra-modules",
      "kamailio-secsipid-modules",
      "kamailio-utils-modules",
      "postgresql",
      "prometheus",
      "secsipidx",
      "sip-tester",
    ]);
    for (const p of SYSTEM_PACKAGES) assert.ok(p.provides.length > 0, p.name);
    // The probes look on disk: a binary this test runs under is found, a made-up one is not.
    assert.equal(isPresent({ binary: "node" }), true);
    assert.equal(isPresent({ binary: "telco-ledger-no-such-binary" }), false);
    assert.equal(isPresent({ kamailioModule: "no_such_module" }), false);
  });

  it("names the Go the network tests need when neither Go nor a built geth is present, and is quiet otherwise", () => {
    const root = mkdtempSync(join(tmpdir(), "telco-preflight-"));
    const saved = { GO: process.env.GO, GETH: process.env.TELCO_LEDGER_GETH };
    try {
      delete process.env.TELCO_LEDGER_GETH;
      process.env.GO = join(root, "no-go-here");
      assert.match(missingToolchain(root) ?? "", /Go 1\.20 or later to build geth 1\.13\.15.*TELCO_LEDGER_GETH/s);
      process.env.TELCO_LEDGER_GETH = process.execPath; // any existing file stands for a built geth
      assert.equal(missingToolchain(root), undefined);
    } finally {
      for (const [key, value] of Object.entries({ GO: saved.GO, TELCO_LEDGER_GETH: saved.GETH })) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
      rmSync(root, { recursive: true, force: true });
    }
  });
});
