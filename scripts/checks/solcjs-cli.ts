// A native-solc command line on top of solc-js, just enough for crytic-compile: `--version` and
// `--standard-json [--allow-paths a,b]` (input on stdin, output on stdout). Files are read only inside the allowed
// paths, like native solc; anything else is refused with exit code 2 so a new crytic-compile call fails loudly.
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { isAbsolute, relative, resolve } from "node:path";

interface SolcJs {
  version(): string;
  compile(input: string, callbacks: { import(path: string): { contents: string } | { error: string } }): string;
}
interface StandardJsonInput {
  sources?: Record<string, { content?: string; urls?: string[] }>;
}

const solc = createRequire(import.meta.url)("solc") as SolcJs;

export function parseArguments(argv: string[]): { mode: "version" } | { mode: "standard-json"; allowPaths: string[] } {
  if (argv.length === 1 && argv[0] === "--version") return { mode: "version" };
  const allowPaths: string[] = [process.cwd()];
  let standardJson = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === "--standard-json") standardJson = true;
    else if (arg === "--allow-paths" && argv[i + 1] !== undefined) {
      allowPaths.push(...(argv[++i] as string).split(",").filter((p) => p !== ""));
    } else throw new Error(`unsupported solc argument "${arg}" (this wrapper knows --version and --standard-json)`);
  }
  if (!standardJson) throw new Error("expected --version or --standard-json");
  return { mode: "standard-json", allowPaths: allowPaths.map((p) => resolve(p)) };
}

function isInside(file: string, dirs: string[]): boolean {
  return dirs.some((dir) => {
    const rel = relative(dir, file);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  });
}

export function compileStandardJson(inputText: string, allowPaths: string[]): string {
  const readSource = (path: string): { contents: string } | { error: string } => {
    const file = resolve(path);
    if (!isInside(file, allowPaths)) return { error: `${path} is outside the allowed paths` };
    try {
      return { contents: readFileSync(file, "utf8") };
    } catch (error) {
      return { error: `cannot read ${path}: ${(error as Error).message}` };
    }
  };
  // Native solc loads `urls` sources itself; solc-js has no file system, so they become inline content here.
  const input = JSON.parse(inputText) as StandardJsonInput;
  for (const source of Object.values(input.sources ?? {})) {
    if (source.content !== undefined || !source.urls?.length) continue;
    const loaded = readSource(source.urls[0] as string);
    if ("error" in loaded) throw new Error(loaded.error);
    source.content = loaded.contents;
    delete source.urls;
  }
  return solc.compile(JSON.stringify(input), { import: readSource });
}

if (import.meta.main) {
  try {
    const command = parseArguments(process.argv.slice(2));
    if (command.mode === "version") {
      process.stdout.write(`solc, the solidity compiler commandline interface\nVersion: ${solc.version()}\n`);
    } else {
      process.stdout.write(compileStandardJson(readFileSync(0, "utf8"), command.allowPaths));
    }
  } catch (error) {
    process.stderr.write(`solc (solc-js wrapper): ${(error as Error).message}\n`);
    process.exitCode = 2;
  }
}
