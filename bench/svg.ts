/*
 * Hand-written SVG charts for the benchmark report (no chart library): a latency histogram with its
 * CDF, and line charts of series against a (log) x axis. Pure: data in, an SVG document out.
 */

const W = 720;
const H = 400;
const M = { top: 44, right: 64, bottom: 56, left: 72 };
const PLOT_W = W - M.left - M.right;
const PLOT_H = H - M.top - M.bottom;
export const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (v: number) => (Math.abs(v) >= 1000 ? `${Math.round(v / 100) / 10}k`.replace('.0k', 'k') : Math.abs(v) >= 10 ? String(Math.round(v)) : String(Math.round(v * 100) / 100));

function frame(title: string, body: string, xLabel: string, yLabel: string, y2Label?: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    `<text x="${W / 2}" y="24" text-anchor="middle" font-size="15" font-weight="600">${esc(title)}</text>`,
    body,
    `<text x="${M.left + PLOT_W / 2}" y="${H - 14}" text-anchor="middle">${esc(xLabel)}</text>`,
    `<text transform="translate(18 ${M.top + PLOT_H / 2}) rotate(-90)" text-anchor="middle">${esc(yLabel)}</text>`,
    y2Label ? `<text transform="translate(${W - 14} ${M.top + PLOT_H / 2}) rotate(90)" text-anchor="middle">${esc(y2Label)}</text>` : '',
    '</svg>',
    '',
  ].join('\n');
}

/** "Nice" linear ticks covering [0, max]. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  for (let v = 0; v <= max + step * 0.999; v += step) ticks.push(Math.round(v * 1e6) / 1e6);
  return ticks;
}

/** Powers of ten covering [min, max] (for log axes). */
export function decadeTicks(min: number, max: number): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max <= 0) return [1, 10];
  const lo = Math.floor(Math.log10(Math.max(min, 1e-6)));
  const hi = Math.ceil(Math.log10(Math.max(max, min * 10, 1e-6)));
  const ticks: number[] = [];
  for (let e = lo; e <= hi; e++) ticks.push(10 ** e);
  return ticks;
}

function axis(xTicks: { v: number; x: number }[], yTicks: { v: number; y: number }[]): string {
  const parts = [`<g stroke="#e5e7eb">`];
  for (const t of yTicks) parts.push(`<line x1="${M.left}" x2="${M.left + PLOT_W}" y1="${t.y}" y2="${t.y}"/>`);
  parts.push('</g>', `<g fill="#374151">`);
  for (const t of yTicks) parts.push(`<text x="${M.left - 8}" y="${t.y + 4}" text-anchor="end">${fmt(t.v)}</text>`);
  for (const t of xTicks) parts.push(`<text x="${t.x}" y="${M.top + PLOT_H + 18}" text-anchor="middle">${fmt(t.v)}</text>`);
  parts.push('</g>', `<rect x="${M.left}" y="${M.top}" width="${PLOT_W}" height="${PLOT_H}" fill="none" stroke="#9ca3af"/>`);
  return parts.join('\n');
}

/** A histogram of `values` (ms) with the cumulative distribution over it (right axis, 0–100%). Markers at the given percentiles. */
export function latencyChart(values: readonly number[], opts: { title: string; bins?: number; marks?: Record<string, number> }): string {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return frame(opts.title, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no samples</text>`, 'latency (ms)', 'deliveries');
  // The x range ends at the 99.9th percentile so one outlier does not squash the chart.
  const top = sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.999))];
  const xTicksV = niceTicks(top);
  const xMax = xTicksV[xTicksV.length - 1];
  const bins = opts.bins ?? 40;
  const counts = new Array<number>(bins).fill(0);
  for (const v of sorted) counts[Math.min(bins - 1, Math.floor((v / xMax) * bins))]++;
  const yTicksV = niceTicks(Math.max(...counts));
  const yMax = yTicksV[yTicksV.length - 1];
  const sx = (v: number) => M.left + (Math.min(v, xMax) / xMax) * PLOT_W;
  const sy = (c: number) => M.top + PLOT_H - (c / yMax) * PLOT_H;
  const bw = PLOT_W / bins;
  const bars = counts.map((c, i) => `<rect x="${(M.left + i * bw + 0.5).toFixed(1)}" y="${sy(c).toFixed(1)}" width="${(bw - 1).toFixed(1)}" height="${(M.top + PLOT_H - sy(c)).toFixed(1)}" fill="${COLORS[0]}" fill-opacity="0.55"/>`);
  const step = Math.max(1, Math.floor(sorted.length / 400));
  const cdf: string[] = [];
  for (let i = 0; i < sorted.length; i += step) cdf.push(`${sx(sorted[i]).toFixed(1)},${(M.top + PLOT_H - ((i + 1) / sorted.length) * PLOT_H).toFixed(1)}`);
  cdf.push(`${sx(sorted[sorted.length - 1]).toFixed(1)},${M.top}`);
  const marks = Object.entries(opts.marks ?? {}).map(([name, v], i) =>
    `<line x1="${sx(v).toFixed(1)}" x2="${sx(v).toFixed(1)}" y1="${M.top}" y2="${M.top + PLOT_H}" stroke="${COLORS[1]}" stroke-dasharray="4 3"/>` +
    `<text x="${(sx(v) + 4).toFixed(1)}" y="${M.top + 14 + i * 14}" fill="${COLORS[1]}">${esc(name)} ${fmt(v)} ms</text>`);
  const right = [0, 25, 50, 75, 100].map((p) => `<text x="${M.left + PLOT_W + 8}" y="${(M.top + PLOT_H - (p / 100) * PLOT_H + 4).toFixed(1)}" fill="${COLORS[2]}">${p}%</text>`);
  const body = [
    axis(xTicksV.map((v) => ({ v, x: sx(v) })), yTicksV.map((v) => ({ v, y: sy(v) }))),
    ...bars,
    `<polyline fill="none" stroke="${COLORS[2]}" stroke-width="2" points="${cdf.join(' ')}"/>`,
    ...right,
    ...marks,
  ].join('\n');
  return frame(opts.title, body, 'latency from send to delivery (ms)', 'deliveries', 'cumulative share');
}

export interface Series {
  name: string;
  points: { x: number; y: number }[];
}

/** Lines with markers; log x always (channel sizes), log y when asked. A legend names the series. */
export function lineChart(series: readonly Series[], opts: { title: string; xLabel: string; yLabel: string; logY?: boolean }): string {
  const all = series.flatMap((s) => s.points).filter((p) => Number.isFinite(p.x) && Number.isFinite(p.y));
  if (all.length === 0) return frame(opts.title, `<text x="${W / 2}" y="${H / 2}" text-anchor="middle">no data</text>`, opts.xLabel, opts.yLabel);
  const xTicksV = decadeTicks(Math.min(...all.map((p) => p.x)), Math.max(...all.map((p) => p.x)));
  const [x0, x1] = [Math.log10(xTicksV[0]), Math.log10(xTicksV[xTicksV.length - 1])];
  const sx = (x: number) => M.left + ((Math.log10(x) - x0) / Math.max(1e-9, x1 - x0)) * PLOT_W;
  let sy: (y: number) => number;
  let yTicksV: number[];
  const positive = all.map((p) => p.y).filter((y) => y > 0);
  if (opts.logY && positive.length > 0) {
    yTicksV = decadeTicks(Math.min(...positive), Math.max(...positive));
    const [y0, y1] = [Math.log10(yTicksV[0]), Math.log10(yTicksV[yTicksV.length - 1])];
    sy = (y) => M.top + PLOT_H - ((Math.log10(Math.max(y, yTicksV[0])) - y0) / Math.max(1e-9, y1 - y0)) * PLOT_H;
  } else {
    yTicksV = niceTicks(Math.max(...all.map((p) => p.y)));
    const yMax = yTicksV[yTicksV.length - 1];
    sy = (y) => M.top + PLOT_H - (y / yMax) * PLOT_H;
  }
  const lines = series.map((s, i) => {
    const pts = s.points.filter((p) => Number.isFinite(p.y) && p.x > 0);
    const color = COLORS[i % COLORS.length];
    return [
      `<polyline fill="none" stroke="${color}" stroke-width="2" points="${pts.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')}"/>`,
      ...pts.map((p) => `<circle cx="${sx(p.x).toFixed(1)}" cy="${sy(p.y).toFixed(1)}" r="4" fill="${color}"><title>${esc(s.name)}: ${fmt(p.x)} → ${fmt(p.y)}</title></circle>`),
      `<rect x="${M.left + 12}" y="${M.top + 10 + i * 18}" width="14" height="4" fill="${color}"/>`,
      `<text x="${M.left + 32}" y="${M.top + 16 + i * 18}">${esc(s.name)}</text>`,
    ].join('\n');
  });
  const body = [axis(xTicksV.map((v) => ({ v, x: sx(v) })), yTicksV.map((v) => ({ v, y: sy(v) }))), ...lines].join('\n');
  return frame(opts.title, body, opts.xLabel, opts.yLabel);
}
