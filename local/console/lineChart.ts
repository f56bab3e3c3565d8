import { type Html, html } from './html.js';

export interface ChartSeries {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface LineChart {
  readonly title: string;
  readonly series: readonly ChartSeries[];
  readonly xLabel: (x: number) => string;
  readonly yLabel: (y: number) => string;
}

/** Colors told apart by most color-blind readers (Okabe and Ito's palette). */
const PALETTE = ['#0072b2', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#f0e442', '#000000'];
const WIDTH = 640;
const HEIGHT = 180;
const MARGIN = { left: 64, right: 12, top: 12, bottom: 28 };

function seriesColor(index: number): string {
  return PALETTE[index % PALETTE.length] as string;
}

/**
 * A small line chart as inline SVG, one line per series, with its axis ends labelled: no script,
 * no library to serve, and every label goes through `html`, so it is escaped like the rest.
 */
export function lineChart(chart: LineChart): Html {
  const points = chart.series.flatMap((series) => series.points);
  if (points.length === 0) return html`<p class="muted">${chart.title}: nothing to show.</p>`;
  const xs = points.map(([x]) => x);
  const ys = points.map(([, y]) => y);
  const [xMin, xMax] = [Math.min(...xs), Math.max(...xs)];
  const yMax = Math.max(...ys, 1);
  const plotWidth = WIDTH - MARGIN.left - MARGIN.right;
  const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
  const xAt = (x: number) =>
    MARGIN.left + (xMax === xMin ? plotWidth / 2 : ((x - xMin) / (xMax - xMin)) * plotWidth);
  const yAt = (y: number) => MARGIN.top + plotHeight - (y / yMax) * plotHeight;
  const lines = chart.series.map((series, index) => {
    const coordinates = series.points.map(([x, y]) => `${xAt(x).toFixed(1)},${yAt(y).toFixed(1)}`).join(' ');
    const color = seriesColor(index);
    return series.points.length === 1
      ? html`<circle cx="${xAt(series.points[0]?.[0] ?? 0)}" cy="${yAt(series.points[0]?.[1] ?? 0)}" r="3" fill="${color}"><title>${series.name}</title></circle>`
      : html`<polyline fill="none" stroke="${color}" stroke-width="1.5" points="${coordinates}"><title>${series.name}</title></polyline>`;
  });
  const bottom = HEIGHT - MARGIN.bottom;
  return html`<figure class="chart">
<figcaption>${chart.title}</figcaption>
<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="${chart.title}">
<line x1="${MARGIN.left}" y1="${bottom}" x2="${WIDTH - MARGIN.right}" y2="${bottom}" stroke="#999"/>
<line x1="${MARGIN.left}" y1="${MARGIN.top}" x2="${MARGIN.left}" y2="${bottom}" stroke="#999"/>
<text x="${MARGIN.left - 6}" y="${MARGIN.top + 10}" text-anchor="end">${chart.yLabel(yMax)}</text>
<text x="${MARGIN.left - 6}" y="${bottom}" text-anchor="end">0</text>
<text x="${MARGIN.left}" y="${HEIGHT - 8}">${chart.xLabel(xMin)}</text>
<text x="${WIDTH - MARGIN.right}" y="${HEIGHT - 8}" text-anchor="end">${chart.xLabel(xMax)}</text>
${lines}
</svg>
<p class="legend">${chart.series.map((series, index) => html`<span><i style="background:${seriesColor(index)}"></i>${series.name}</span>`)}</p>
</figure>`;
}
