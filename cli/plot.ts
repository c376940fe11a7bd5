/** Small, dependency-free charts: an SVG line chart for files and a sparkline for the terminal. */

export interface Series {
  readonly name: string;
  readonly points: readonly (readonly [number, number])[];
}

export interface ChartOptions {
  readonly title: string;
  readonly xLabel: string;
  readonly yLabel: string;
  readonly series: readonly Series[];
  /** A log y axis; by default when every value is positive and they span more than 100×. */
  readonly logY?: boolean;
  /** The y range shown; values outside are clipped. By default the data's range, rounded out. */
  readonly yRange?: readonly [number, number];
  /** Draw a dot at every point (for short series). */
  readonly markers?: boolean;
}

const WIDTH = 640;
const HEIGHT = 400;
const LEFT = 72;
const RIGHT = 24;
const TOP = 56;
const BOTTOM = 52;
const COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#ff7f0e', '#9467bd', '#8c564b'];

/** A line chart as a standalone SVG document: the same options give the same bytes. */
export function lineChart(options: ChartOptions): string {
  const finite = options.series.flatMap((s) => s.points).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  const ys = finite.map(([, y]) => y);
  const positive = ys.filter((y) => y > 0);
  const logY = options.logY ?? (ys.length > 0 && positive.length === ys.length && Math.max(...ys) / Math.min(...ys) > 100);
  const xTicks = niceTicks(Math.min(...finite.map(([x]) => x), 0), Math.max(...finite.map(([x]) => x), 1));
  const yData: [number, number] = logY ? [Math.min(...positive, 1), Math.max(...positive, 1)] : [Math.min(...ys, 0), Math.max(...ys, 1)];
  const [yLow, yHigh] = options.yRange ?? yData;
  const yTicks = logY ? decadeTicks(yLow, yHigh) : niceTicks(yLow, yHigh);
  const scaleY = logY ? Math.log10 : (v: number) => v;
  const [x0, x1] = [xTicks[0], xTicks[xTicks.length - 1]];
  const [y0, y1] = [scaleY(yTicks[0]), scaleY(yTicks[yTicks.length - 1])];
  const px = (x: number) => LEFT + ((x - x0) / (x1 - x0)) * (WIDTH - LEFT - RIGHT);
  // Far-off values are clamped a little outside the plot area, where the clip path hides them.
  const py = (y: number) => Math.min(HEIGHT + 100, Math.max(-100, HEIGHT - BOTTOM - ((scaleY(y) - y0) / (y1 - y0)) * (HEIGHT - TOP - BOTTOM)));

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="12">`,
    `<title>${escape(options.title)}</title>`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="white"/>`,
    `<defs><clipPath id="plot-area"><rect x="${LEFT}" y="${TOP}" width="${WIDTH - LEFT - RIGHT}" height="${HEIGHT - TOP - BOTTOM}"/></clipPath></defs>`,
    `<text x="${WIDTH / 2}" y="22" text-anchor="middle" font-size="15">${escape(options.title)}</text>`,
  ];
  for (const t of xTicks) {
    out.push(`<line x1="${n(px(t))}" y1="${TOP}" x2="${n(px(t))}" y2="${HEIGHT - BOTTOM}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${n(px(t))}" y="${HEIGHT - BOTTOM + 16}" text-anchor="middle">${escape(label(t))}</text>`);
  }
  for (const t of yTicks) {
    out.push(`<line x1="${LEFT}" y1="${n(py(t))}" x2="${WIDTH - RIGHT}" y2="${n(py(t))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${LEFT - 6}" y="${n(py(t) + 4)}" text-anchor="end">${escape(label(t))}</text>`);
  }
  out.push(`<rect x="${LEFT}" y="${TOP}" width="${WIDTH - LEFT - RIGHT}" height="${HEIGHT - TOP - BOTTOM}" fill="none" stroke="#444"/>`);
  out.push(`<text x="${(LEFT + WIDTH - RIGHT) / 2}" y="${HEIGHT - 12}" text-anchor="middle">${escape(options.xLabel)}</text>`);
  out.push(`<text transform="translate(16 ${(TOP + HEIGHT - BOTTOM) / 2}) rotate(-90)" text-anchor="middle">${escape(options.yLabel)}</text>`);
  options.series.forEach((series, k) => {
    const color = COLORS[k % COLORS.length];
    const drawable = ([x, y]: readonly [number, number]) => Number.isFinite(x) && Number.isFinite(y) && (!logY || y > 0);
    for (const run of runs(series.points, drawable)) {
      const coordinates = run.map(([x, y]) => `${n(px(x))},${n(py(y))}`).join(' ');
      out.push(`<polyline clip-path="url(#plot-area)" fill="none" stroke="${color}" stroke-width="2" points="${coordinates}"/>`);
      if (options.markers) {
        for (const [x, y] of run) out.push(`<circle clip-path="url(#plot-area)" cx="${n(px(x))}" cy="${n(py(y))}" r="3.5" fill="${color}"/>`);
      }
    }
    if (options.series.length > 1) {
      // The legend: one row above the plot area.
      const x = LEFT + k * ((WIDTH - LEFT - RIGHT) / options.series.length);
      out.push(`<line x1="${n(x)}" y1="${TOP - 14}" x2="${n(x + 20)}" y2="${TOP - 14}" stroke="${color}" stroke-width="3"/>`);
      out.push(`<text x="${n(x + 26)}" y="${TOP - 10}">${escape(series.name)}</text>`);
    }
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

const LEVELS = '▁▂▃▄▅▆▇█';

/** A one-line curve of at most `width` characters (log scale when positive values span more than 100×); `×` marks non-finite values. */
export function sparkline(values: readonly number[], width = 48): string {
  if (values.length === 0) return '';
  const picked = values.length <= width ? values : Array.from({ length: width }, (_, j) => values[Math.round((j * (values.length - 1)) / (width - 1))]);
  const finite = picked.filter(Number.isFinite);
  const log = finite.length > 0 && finite.every((v) => v > 0) && Math.max(...finite) / Math.min(...finite) > 100;
  const scale = (v: number) => (log ? Math.log10(v) : v);
  const low = Math.min(...finite.map(scale));
  const high = Math.max(...finite.map(scale));
  return picked
    .map((v) => (Number.isFinite(v) ? LEVELS[high > low ? Math.round(((scale(v) - low) / (high - low)) * (LEVELS.length - 1)) : 0] : '×'))
    .join('');
}

/** Consecutive points that pass `keep`, as separate runs (a gap breaks the line). */
function runs<T>(points: readonly T[], keep: (p: T) => boolean): T[][] {
  const result: T[][] = [[]];
  for (const p of points) {
    if (keep(p)) result[result.length - 1].push(p);
    else if (result[result.length - 1].length > 0) result.push([]);
  }
  return result.filter((r) => r.length > 0);
}

/** About six round ticks covering [low, high]. */
function niceTicks(low: number, high: number): number[] {
  if (!(high > low)) [low, high] = [low - 1, low + 1];
  const raw = (high - low) / 6;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * magnitude).find((s) => s >= raw)!;
  const ticks: number[] = [];
  for (let t = Math.floor(low / step) * step; t < high + step * 0.999; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}

/** Powers of ten covering [low, high], every 1, 2, 5 or 10 decades so that at most eleven show. */
function decadeTicks(low: number, high: number): number[] {
  const last = Math.max(Math.floor(Math.log10(low)) + 1, Math.ceil(Math.log10(high)));
  const every = [1, 2, 5, 10].find((e) => (last - Math.floor(Math.log10(low))) / e <= 10) ?? 20;
  const first = Math.floor(Math.floor(Math.log10(low)) / every) * every;
  const ticks: number[] = [];
  for (let e = first; e < last + every; e += every) ticks.push(Number(`1e${e}`));
  return ticks;
}

function label(v: number): string {
  if (v !== 0 && (Math.abs(v) >= 1e5 || Math.abs(v) < 1e-3)) return v.toExponential().replace('e+', 'e');
  return String(Number(v.toPrecision(6)));
}

function n(v: number): string {
  const text = v.toFixed(1);
  return text === '-0.0' ? '0.0' : text;
}

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => `&${{ '&': 'amp', '<': 'lt', '>': 'gt', '"': 'quot', "'": 'apos' }[c]};`);
}
