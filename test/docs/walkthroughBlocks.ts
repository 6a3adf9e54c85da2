// Finds the runnable walkthroughs in the project's Markdown: fenced blocks whose info string is `sh walkthrough`
// (docs/walkthroughs.md). Each becomes a bash script that marks where each command starts, so the test can hold each
// command's output to the `# => text` and `# =/> text` expectations written beside it.
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

export interface WalkthroughStep {
  /** 1-based line in the Markdown file where the command starts. */
  line: number;
  command: string;
  /** Text the command's output must contain. */
  expect: string[];
  /** Text the command's output must not contain. */
  expectNot: string[];
}

export interface Walkthrough {
  file: string;
  /** The nearest heading above the block. */
  heading: string;
  line: number;
  /** `sh walkthrough changes-seed`: it changes the seeded state others rely on, so it runs after all the others. */
  changesSeed: boolean;
  /** `sh walkthrough moves-clock`: it moves the devnet's clock forward, so it runs last of all. */
  movesClock: boolean;
  steps: WalkthroughStep[];
}

export const STEP_MARKER = "@@walkthrough-step";

const FENCE = /^(`{3,})(.*)$/;
const HEADING = /^#{1,6}\s+(.*)$/;
// A trailing comment `# => a; b; !c`: the command's output contains a and b, and does not contain c.
const EXPECTATION = /\s#\s*=>\s*(.+)$/;

export function walkthroughsIn(root: string, file: string): Walkthrough[] {
  const lines = readFileSync(join(root, file), "utf8").split("\n");
  const found: Walkthrough[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    const fence = FENCE.exec(line);
    if (!fence) {
      const h = HEADING.exec(line);
      if (h) heading = (h[1] ?? "").replace(/`/g, "").trim();
      continue;
    }
    const info = (fence[2] ?? "").trim().split(/\s+/);
    // A fence closes with at least as many backticks as opened it (a block may show a block).
    const close = new RegExp(`^${fence[1]}\`*\\s*$`);
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !close.test(lines[i] ?? ""); i++) body.push(lines[i] ?? "");
    if (info[0] === "sh" && info.includes("walkthrough")) {
      const changesSeed = info.includes("changes-seed");
      const movesClock = info.includes("moves-clock");
      found.push({ file, heading, line: start + 1, changesSeed, movesClock, steps: stepsOf(body, start + 2) });
    }
  }
  return found;
}

function stepsOf(body: string[], firstLine: number): WalkthroughStep[] {
  const steps: WalkthroughStep[] = [];
  let current: WalkthroughStep | undefined;
  for (const [index, text] of body.entries()) {
    const continues = current !== undefined && /\\\s*$/.test(current.command.split("\n").at(-1) ?? "");
    if (continues && current) {
      current.command += `\n${text}`;
    } else if (text.trim() === "" || text.trim().startsWith("#")) {
      current = undefined;
      continue;
    } else {
      current = { line: firstLine + index, command: text, expect: [], expectNot: [] };
      steps.push(current);
    }
    const expectation = EXPECTATION.exec(text);
    for (const fragment of (expectation?.[1] ?? "").split(";").map((f) => f.trim())) {
      if (fragment.startsWith("!")) current.expectNot.push(fragment.slice(1).trim());
      else if (fragment !== "") current.expect.push(fragment);
    }
  }
  return steps;
}

/** The script bash runs: stops at the first failing command; prints a marker line before each step. */
export function scriptOf(walkthrough: Walkthrough): string {
  const parts = ["set -euo pipefail"];
  for (const [index, step] of walkthrough.steps.entries()) {
    parts.push(`printf '\\n${STEP_MARKER} ${index}\\n'`, step.command);
  }
  return `${parts.join("\n")}\n`;
}

/** Splits the script's output at the step markers: one string per step, and the last step that started. */
export function outputsByStep(stdout: string, steps: number): { outputs: string[]; reached: number } {
  const outputs = Array.from({ length: steps }, () => "");
  const marker = new RegExp(`^${STEP_MARKER} (\\d+)$`);
  let current = -1;
  for (const line of stdout.split("\n")) {
    const found = marker.exec(line);
    if (found) current = Number(found[1]);
    else if (current >= 0) outputs[current] += `${line}\n`;
  }
  return { outputs, reached: current };
}

/** README.md and every Markdown file under docs/, relative to the root. */
export function markdownFiles(root: string): string[] {
  return [
    "README.md",
    ...readdirSync(join(root, "docs"), { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".md"))
      .map((f) => relative(root, join(root, "docs", f)))
      .sort(),
  ];
}
