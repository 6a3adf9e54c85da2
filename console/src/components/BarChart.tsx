// A small bar chart in SVG, drawn by the console itself (no chart library, nothing from another host): one bar per
// value, the scale's top and the first and last labels on the axes. The figures are also in a table that screen
// readers read (the drawing is one labelled image), so the chart says nothing only a sighted user can learn.
export interface ChartBar {
  /** Unique among the chart's bars (two bars may share a label). */
  key: string;
  label: string;
  value: number;
}

const WIDTH = 480;
const HEIGHT = 160;
const LEFT = 48;
const BOTTOM = 20;
/** A lone bar stays a bar, not a block filling the plot. */
const MAX_BAR = 24;

/** The top of the scale: the largest value rounded up to 1, 2 or 5 times a power of ten (at least 1). */
export function niceMax(values: readonly number[]): number {
  const max = Math.max(1, ...values.filter(Number.isFinite));
  const power = 10 ** Math.floor(Math.log10(max));
  const step = [1, 2, 5, 10].find((m) => m * power >= max) ?? 10;
  return step * power;
}

export function BarChart(props: { title: string; unit: string; bars: readonly ChartBar[]; empty?: string }) {
  const { bars, unit } = props;
  const id = `chart-${props.title.toLowerCase().replace(/[^a-z0-9]+/g, "-")}`;
  if (bars.length === 0) return <p className="muted">{props.empty ?? "nothing to show yet"}</p>;
  const top = niceMax(bars.map((b) => b.value));
  const plotW = WIDTH - LEFT;
  const plotH = HEIGHT - BOTTOM;
  const slot = plotW / bars.length;
  const barW = Math.min(MAX_BAR, Math.max(1, slot * 0.8));
  return (
    <figure className="chart" data-testid={id}>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title`}>
        <title id={`${id}-title`}>{`${props.title}: ${bars.length} bars, at most ${top} ${unit}`}</title>
        <line className="axis" x1={LEFT} y1={0} x2={LEFT} y2={plotH} />
        <line className="axis" x1={LEFT} y1={plotH} x2={WIDTH} y2={plotH} />
        <text className="tick" x={LEFT - 4} y={10} textAnchor="end">
          {top}
        </text>
        <text className="tick" x={LEFT - 4} y={plotH} textAnchor="end">
          0
        </text>
        {bars.map((b, i) => {
          const h = (Math.max(0, b.value) / top) * plotH;
          return (
            <rect
              key={b.key}
              className="bar"
              x={LEFT + i * slot + (slot - barW) / 2}
              y={plotH - h}
              width={barW}
              height={h}
            >
              <title>{`${b.label}: ${b.value} ${unit}`}</title>
            </rect>
          );
        })}
        <text className="tick" x={LEFT} y={HEIGHT - 4} textAnchor="start">
          {bars[0]?.label}
        </text>
        <text className="tick" x={WIDTH} y={HEIGHT - 4} textAnchor="end">
          {bars.at(-1)?.label}
        </text>
      </svg>
      <figcaption className="muted">{unit}</figcaption>
      <table className="sr-only">
        <caption>{props.title}</caption>
        <tbody>
          {bars.map((b) => (
            <tr key={b.key}>
              <th scope="row">{b.label}</th>
              <td>
                {b.value} {unit}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
