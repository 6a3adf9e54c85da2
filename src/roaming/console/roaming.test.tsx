// The Roaming page's figures and its session table: latency per decided session, sessions decided per interval.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { activeList, latencyBars, type Session, throughputBars } from "./sessions.ts";

afterEach(cleanup);

const session = (id: string, attachedAt: string, decidedAt: string | null, state = "active"): Session => ({
  requestId: id,
  imsi: "001020000000001",
  visitedPlmn: "00101",
  homePlmn: "00102",
  state,
  outcome: state === "active" ? "activated" : null,
  requestedServices: ["voice", "data"],
  activeServices: state === "active" ? { voice: true, sms: false, data: true, volte: false, "5g": false } : null,
  times: { attachedAt, requestMinedAt: null, answeredAt: null, decidedAt, closingMinedAt: null },
});

describe("latencyBars", () => {
  it("charts the decided sessions oldest first, each its attach-to-decision time", () => {
    const bars = latencyBars([
      session("0xb", "2026-11-30T10:00:05.000Z", "2026-11-30T10:00:07.500Z"),
      session("0xc", "2026-11-30T10:00:06.000Z", null, "requested"),
      session("0xa", "2026-11-30T10:00:00.000Z", "2026-11-30T10:00:01.200Z"),
    ]);
    expect(bars).toEqual([
      { key: "0xa", label: "10:00:01", value: 1200 },
      { key: "0xb", label: "10:00:07", value: 2500 },
    ]);
  });

  it("keeps only the latest sessions", () => {
    const many = Array.from({ length: 40 }, (_, i) =>
      session(
        `0x${i}`,
        `2026-11-30T10:00:${String(i).padStart(2, "0")}.000Z`,
        `2026-11-30T10:01:${String(i).padStart(2, "0")}.000Z`,
      ),
    );
    const bars = latencyBars(many, 30);
    expect(bars).toHaveLength(30);
    expect(bars[0]?.key).toBe("0x10");
  });
});

describe("throughputBars", () => {
  it("counts decisions per interval ending now, zero where there were none, ignoring the undecided", () => {
    const now = Date.parse("2026-11-30T10:00:30.000Z");
    const bars = throughputBars(
      [
        session("1", "2026-11-30T10:00:00Z", "2026-11-30T10:00:01Z"),
        session("2", "2026-11-30T10:00:00Z", "2026-11-30T10:00:09.999Z"),
        session("3", "2026-11-30T10:00:00Z", "2026-11-30T10:00:25Z"),
        session("4", "2026-11-30T10:00:00Z", "2026-11-30T09:00:00Z"),
        session("5", "2026-11-30T10:00:00Z", null, "queued"),
      ],
      now,
      10,
      3,
    );
    expect(bars.map((b) => [b.label, b.value])).toEqual([
      ["10:00:00", 2],
      ["10:00:10", 0],
      ["10:00:20", 1],
    ]);
  });
});

describe("activeList", () => {
  it("names the active services, or none", () => {
    expect(activeList(session("1", "2026-11-30T10:00:00Z", "2026-11-30T10:00:01Z"))).toBe("voice, data");
    render(<p>{activeList(session("2", "2026-11-30T10:00:00Z", null, "refused"))}</p>);
    expect(screen.getByText("none")).toBeTruthy();
  });
});
