// The console's SVG bar chart: bar heights against a rounded scale, the figures in a table for screen readers.
import { cleanup, render, screen } from "@testing-library/react";
import { afterEach, describe, expect, it } from "vitest";
import { BarChart, niceMax } from "./BarChart.tsx";

afterEach(cleanup);

describe("niceMax", () => {
  it("rounds the largest value up to 1, 2 or 5 times a power of ten", () => {
    expect(niceMax([3, 7])).toBe(10);
    expect(niceMax([120])).toBe(200);
    expect(niceMax([4100])).toBe(5000);
    expect(niceMax([0, 0])).toBe(1);
    expect(niceMax([])).toBe(1);
  });
});

describe("BarChart", () => {
  it("draws one bar per value, scaled to the rounded top, with every figure in its table", () => {
    render(
      <BarChart
        title="Attach to decision"
        unit="ms"
        bars={[
          { key: "a", label: "10:00:00", value: 50 },
          { key: "b", label: "10:00:00", value: 100 },
          { key: "c", label: "10:00:10", value: 0 },
        ]}
      />,
    );
    const chart = screen.getByTestId("chart-attach-to-decision");
    const bars = [...chart.querySelectorAll("rect.bar")];
    expect(bars).toHaveLength(3);
    const heights = bars.map((b) => Number(b.getAttribute("height")));
    expect(heights[1]).toBeCloseTo((heights[0] as number) * 2);
    expect(heights[2]).toBe(0);
    expect(screen.getByRole("img").textContent).toContain("at most 100 ms");
    const rows = chart.querySelectorAll("table tr");
    expect([...rows].map((r) => r.textContent)).toEqual(["10:00:0050 ms", "10:00:00100 ms", "10:00:100 ms"]);
  });

  it("says so when there is nothing to draw", () => {
    render(<BarChart title="Latency" unit="ms" bars={[]} empty="no session decided yet" />);
    expect(screen.getByText("no session decided yet")).toBeTruthy();
  });
});
