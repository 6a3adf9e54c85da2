// Bounded log files: a log written past its limit is rotated, and only `keep` old files stay on disk.
import assert from "node:assert/strict";
import { readdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { openRotatingLog, rotateLogIfFull } from "../../src/core/logFiles.ts";
import { tempDir } from "../../testkit/tempDir.ts";

describe("bounded log files", () => {
  it("rotates at maxBytes and keeps `keep` old files", async () => {
    const dir = await tempDir("logs");
    try {
      const path = join(dir.path, "agent.log");
      const log = openRotatingLog(path, { maxBytes: 1000, keep: 2 });
      for (let i = 0; i < 100; i++) log.write(`${String(i).padStart(3, "0")} ${"x".repeat(95)}\n`);
      log.close();
      assert.deepEqual(readdirSync(dir.path).sort(), ["agent.log", "agent.log.1", "agent.log.2"]);
      for (const name of ["agent.log", "agent.log.1", "agent.log.2"]) {
        assert.ok(statSync(join(dir.path, name)).size <= 1000, name);
      }
      // The newest lines are in the current file, the ones before in .1.
      assert.match(readFileSync(path, "utf8"), /^099 /m);
      assert.match(readFileSync(`${path}.1`, "utf8"), /^089 /m);
    } finally {
      await dir.remove();
    }
  });

  it("rotates a file another process appends to when it is already over the limit", async () => {
    const dir = await tempDir("logs");
    try {
      const path = join(dir.path, "anvil.log");
      writeFileSync(path, "y".repeat(500));
      rotateLogIfFull(path, { maxBytes: 1000 });
      assert.deepEqual(readdirSync(dir.path), ["anvil.log"]);
      writeFileSync(path, "y".repeat(1500));
      rotateLogIfFull(path, { maxBytes: 1000 });
      assert.deepEqual(readdirSync(dir.path), ["anvil.log.1"]);
    } finally {
      await dir.remove();
    }
  });
});
