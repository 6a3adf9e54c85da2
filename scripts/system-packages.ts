// The Debian packages the tests need (PostgreSQL for the store tests, Kamailio with its http_client, jansson and
// secsipid modules, sipp and secsipidx for the signed-call tests, Chromium for the console's), checked by what each one puts on disk. `npm test` and `.ci/run` start here: as root the missing
// packages are installed; otherwise the run stops before any test, printing the one command that installs them.
//   node scripts/system-packages.ts        (also: npm run system-packages)
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { delimiter, join } from "node:path";

/** One file a package provides: an executable on the PATH (or in extra directories), or a Kamailio module. */
export type Probe = { binary: string; alsoIn?: () => string[] } | { kamailioModule: string };

export interface SystemPackage {
  name: string;
  why: string;
  provides: readonly Probe[];
}

/** Debian installs PostgreSQL's server binaries per major version, off the PATH. */
const postgresBinDirs = (): string[] =>
  existsSync("/usr/lib/postgresql")
    ? readdirSync("/usr/lib/postgresql").map((version) => `/usr/lib/postgresql/${version}/bin`)
    : [];

export const SYSTEM_PACKAGES: readonly SystemPackage[] = [
  {
    name: "postgresql",
    why: "the store tests run a throwaway PostgreSQL cluster",
    provides: [
      { binary: "initdb", alsoIn: postgresBinDirs },
      { binary: "pg_ctl", alsoIn: postgresBinDirs },
    ],
  },
  {
    name: "kamailio",
    why: "the signed-call tests run Kamailio as OSP edge and terminating proxy",
    provides: [{ binary: "kamailio", alsoIn: () => ["/usr/sbin"] }, { kamailioModule: "tm" }],
  },
  {
    name: "kamailio-secsipid-modules",
    why: "Kamailio's STIR/SHAKEN module",
    provides: [{ kamailioModule: "secsipid" }],
  },
  {
    name: "kamailio-utils-modules",
    why: "Kamailio's http_client module: the SIP proxies call the agents with it (sip/*.cfg)",
    provides: [{ kamailioModule: "http_client" }],
  },
  {
    name: "kamailio-extra-modules",
    why: "Kamailio's jansson module: the SIP proxies read the agents' JSON answers with it",
    provides: [{ kamailioModule: "jansson" }],
  },
  {
    name: "secsipidx",
    why: "interop with an independent STIR/SHAKEN implementation",
    provides: [{ binary: "secsipidx" }],
  },
  { name: "sip-tester", why: "sipp places and answers the test calls", provides: [{ binary: "sipp" }] },
  {
    name: "chromium",
    why: "the console's end-to-end tests drive it headless with playwright-core (test/console/)",
    provides: [{ binary: "chromium" }],
  },
  {
    name: "jq",
    why: "the doc walkthroughs read JSON answers with jq, as a reader following them would",
    provides: [{ binary: "jq" }],
  },
  {
    name: "prometheus",
    why: "the network kit's monitoring test scrapes agents and geth nodes with a real Prometheus",
    provides: [{ binary: "prometheus" }, { binary: "promtool" }],
  },
];

/** The packages of which some provided file is absent, in list order. */
export function missingPackages(packages: readonly SystemPackage[], present: (probe: Probe) => boolean): string[] {
  return packages.filter((p) => !p.provides.every(present)).map((p) => p.name);
}

export type Plan = { kind: "ready" } | { kind: "install"; commands: string[][] } | { kind: "refuse"; message: string };

/** What to do about the missing packages: nothing, install them (root), or stop with the command to run. */
export function plan(missing: readonly string[], context: { root: boolean; aptGet: boolean }): Plan {
  if (missing.length === 0) return { kind: "ready" };
  const install = ["apt-get", "install", "-y", "--no-install-recommends", ...missing];
  const list = missing.join(" ");
  if (!context.aptGet) {
    return {
      kind: "refuse",
      message:
        `the tests need these Debian packages, and this machine has no apt-get: ${list}. ` +
        "Install their equivalents, then run the tests again.",
    };
  }
  if (!context.root) {
    return {
      kind: "refuse",
      message: `the tests need system packages that are missing: ${list}. Install them, then run the tests again:\n  sudo apt-get update && sudo ${install.join(" ")}`,
    };
  }
  return { kind: "install", commands: [["apt-get", "update"], install] };
}

/** Whether a probe's file exists on this machine. */
export function isPresent(probe: Probe): boolean {
  if ("kamailioModule" in probe)
    return kamailioModuleDirs().some((dir) => existsSync(join(dir, `${probe.kamailioModule}.so`)));
  const dirs = [...(process.env.PATH ?? "").split(delimiter).filter(Boolean), ...(probe.alsoIn?.() ?? [])];
  return dirs.some((dir) => existsSync(join(dir, probe.binary)));
}

/** /usr/lib/<multiarch triplet>/kamailio/modules on Debian, /usr/lib/kamailio/modules elsewhere. */
function kamailioModuleDirs(): string[] {
  const lib = "/usr/lib";
  const triplets = existsSync(lib) ? readdirSync(lib).filter((entry) => /-linux-gnu/.test(entry)) : [];
  return [...triplets.map((t) => join(lib, t, "kamailio", "modules")), join(lib, "kamailio", "modules")];
}

/** The network tests build geth 1.13.15 (src/network/gethBinary.ts), which needs Go 1.20 or later (its go.mod). */
export const GO_MIN_MINOR = 20;

/**
 * The network tests' toolchain: geth 1.13.15 already built (the project cache or TELCO_LEDGER_GETH), or Go 1.20+ to
 * build it. Not a Debian package: Debian 12's golang-go is 1.19, too old; so this is reported, never installed.
 */
export function missingToolchain(projectRoot: string = join(import.meta.dirname, "..")): string | undefined {
  const geth = process.env.TELCO_LEDGER_GETH ?? join(projectRoot, ".cache", "geth", "bin", "geth");
  if (existsSync(geth)) return undefined;
  for (const go of process.env.GO ? [process.env.GO] : ["go", "/usr/local/go/bin/go"]) {
    const run = spawnSync(go, ["version"], { encoding: "utf8" });
    const minor = Number(/go1\.(\d+)/.exec(run.stdout ?? "")?.[1] ?? 0);
    if (run.status === 0 && minor >= GO_MIN_MINOR) return undefined;
  }
  return (
    `the network tests (test/network) need Go 1.${GO_MIN_MINOR} or later to build geth 1.13.15, and neither Go nor ` +
    `a built geth is here (Debian 12's golang-go is 1.19, too old): install Go from https://go.dev/dl into ` +
    "/usr/local/go, or set TELCO_LEDGER_GETH to a geth 1.13.15 binary (docs/network.md)"
  );
}

/** Checks, and installs as root; returns a message to stop with, or undefined when everything is there. */
export function ensureSystemPackages(log: (line: string) => void = console.log): string | undefined {
  const toolchain = missingToolchain();
  if (toolchain) return toolchain;
  const missing = missingPackages(SYSTEM_PACKAGES, isPresent);
  const next = plan(missing, {
    root: process.getuid?.() === 0,
    aptGet: isPresent({ binary: "apt-get", alsoIn: () => ["/usr/bin"] }),
  });
  if (next.kind === "ready") return undefined;
  if (next.kind === "refuse") return next.message;
  log(`installing the system packages the tests need: ${missing.join(" ")}`);
  for (const [command, ...args] of next.commands) {
    log(`$ ${[command, ...args].join(" ")}`);
    const run = spawnSync(command as string, args, {
      stdio: "inherit",
      env: { ...process.env, DEBIAN_FRONTEND: "noninteractive" },
    });
    if (run.status !== 0) return `\`${[command, ...args].join(" ")}\` failed (exit ${run.status ?? run.signal})`;
  }
  const still = missingPackages(SYSTEM_PACKAGES, isPresent);
  return still.length > 0 ? `installed, yet still missing files of: ${still.join(" ")}` : undefined;
}

if (import.meta.main) {
  const problem = ensureSystemPackages();
  if (problem) {
    console.error(`error: ${problem}`);
    process.exit(1);
  }
  console.log("system packages: all present");
}
