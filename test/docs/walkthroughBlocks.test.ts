// How walkthroughs are found in Markdown and how their output is held to the expectations beside each command.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { outputsByStep, scriptOf, walkthroughsIn } from "./walkthroughBlocks.ts";

const root = mkdtempSync(join(tmpdir(), "telco-walkthrough-blocks-"));
after(() => rmSync(root, { recursive: true, force: true }));

const FENCE = "```";
const doc = [
  "# Guide",
  "## Try it",
  `${FENCE}sh walkthrough`,
  "# a comment line is not a step",
  "echo one two      # => one; two; !three",
  "X=$(echo value)",
  "echo $X \\",
  "  continued       # => value continued",
  FENCE,
  `${FENCE}sh`,
  "echo not run",
  FENCE,
  "## Port",
  `${FENCE}${FENCE.slice(0, 1)}md`,
  `${FENCE}sh walkthrough`,
  "echo shown, not run",
  FENCE,
  `${FENCE}${FENCE.slice(0, 1)}`,
  `${FENCE}sh walkthrough changes-seed`,
  "false",
  FENCE,
].join("\n");

describe("walkthrough blocks", () => {
  writeFileSync(join(root, "guide.md"), doc);
  const found = walkthroughsIn(root, "guide.md");

  it("finds only `sh walkthrough` blocks, with their heading, and not a block shown inside another", () => {
    assert.deepEqual(
      found.map((w) => [w.heading, w.line, w.changesSeed, w.steps.length]),
      [
        ["Try it", 3, false, 3],
        ["Port", 19, true, 1],
      ],
    );
  });

  it("reads each step's expectations and joins continued lines", () => {
    const [first] = found;
    assert.deepEqual(
      first?.steps.map((s) => [s.line, s.expect, s.expectNot]),
      [
        [5, ["one", "two"], ["three"]],
        [6, [], []],
        [7, ["value continued"], []],
      ],
    );
    assert.match(first?.steps[2]?.command ?? "", /\\\n {2}continued/);
  });

  it("runs a block so that each step's output can be told apart, and stops at the first failure", () => {
    const [first, failing] = found;
    if (!first || !failing) throw new Error("blocks missing");
    const ok = spawnSync("bash", ["-c", scriptOf(first)], { encoding: "utf8" });
    assert.equal(ok.status, 0, ok.stderr);
    const { outputs, reached } = outputsByStep(ok.stdout, first.steps.length);
    assert.equal(reached, 2);
    assert.deepEqual(outputs, ["one two\n\n", "\n", "value continued\n\n"]);
    const bad = spawnSync("bash", ["-c", scriptOf(failing)], { encoding: "utf8" });
    assert.notEqual(bad.status, 0);
    assert.equal(outputsByStep(bad.stdout, 1).reached, 0);
  });
});
