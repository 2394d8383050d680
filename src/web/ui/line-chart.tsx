// A small SVG line chart of the last two minutes (no chart library: a polyline per series, colours from the style sheet).
import { size } from './format.js';
import { HISTORY, type Chart, type Unit } from './stats-series.js';

const W = 240;
const H = 60;

/** The top of the scale: 1, 2 or 5 times a power of ten, at least the largest value (percentages: 100). */
export function scaleMax(max: number, unit: Unit): number {
  if (unit === 'percent') return 100;
  if (!(max > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 5, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

export function formatValue(v: number, unit: Unit): string {
  switch (unit) {
    case 'mips':
      return `${v.toFixed(v < 10 ? 2 : 1)} MIPS`;
    case 'percent':
      return `${v.toFixed(1)}%`;
    case 'bytes-per-second':
      return `${size(Math.round(v))}/s`;
    case 'per-second':
      return v >= 10_000
        ? `${(v / 1000).toFixed(0)}k/s`
        : v >= 1000
          ? `${(v / 1000).toFixed(1)}k/s`
          : `${Math.round(v)}/s`;
  }
}

/** The polyline of one series: the newest value at the right edge, one step per second. */
function points(values: readonly number[], top: number): string {
  const step = W / (HISTORY - 2);
  const x0 = W - step * (values.length - 1);
  return values
    .map((v, i) => `${(x0 + step * i).toFixed(1)},${(H - (H * Math.min(v, top)) / top).toFixed(1)}`)
    .join(' ');
}

export function LineChart({ chart }: { chart: Chart }) {
  const top = scaleMax(Math.max(0, ...chart.series.flatMap((s) => s.values)), chart.unit);
  const latest = (values: readonly number[]) => (values.length ? values[values.length - 1] : 0);
  return (
    <figure class="chart" data-chart={chart.id}>
      <figcaption>
        {chart.title} <span class="scale">scale {formatValue(top, chart.unit)}</span>
      </figcaption>
      <svg
        viewBox={`0 0 ${W} ${H}`}
        preserveAspectRatio="none"
        role="img"
        aria-label={`${chart.title}: ${chart.series.map((s) => `${s.name} ${formatValue(latest(s.values), chart.unit)}`).join(', ') || 'nothing yet'}`}
      >
        <line class="grid" x1={0} y1={H / 2} x2={W} y2={H / 2} vector-effect="non-scaling-stroke" />
        {chart.series.map((s, i) => (
          <polyline
            key={s.name}
            class={`line series-${i}`}
            points={points(s.values, top)}
            vector-effect="non-scaling-stroke"
          />
        ))}
      </svg>
      <ul class="legend">
        {chart.series.map((s, i) => (
          <li key={s.name} data-series={s.name}>
            <span class={`swatch series-${i}`} aria-hidden="true" />
            <span class="series-name">{s.name}</span> <b class="value">{formatValue(latest(s.values), chart.unit)}</b>
          </li>
        ))}
        {chart.series.length === 0 && <li class="none">none</li>}
      </ul>
    </figure>
  );
}
