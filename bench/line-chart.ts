// A line plot as hand-written SVG text: bench needs no plotting dependency, and the file
// diffs and renders anywhere (browsers, GitHub, rsvg-convert).

export interface PlotSeries {
  label: string;
  color: string;
  dashed: boolean;
  points: { x: number; y: number }[];
}

export interface Plot {
  title: string;
  subtitle: string;
  xLabel: string;
  yLabel: string;
  series: PlotSeries[];
}

const WIDTH = 980;
const HEIGHT = 500;
const MARGIN = { left: 72, right: 270, top: 70, bottom: 60 };
const PLOT_W = WIDTH - MARGIN.left - MARGIN.right;
const PLOT_H = HEIGHT - MARGIN.top - MARGIN.bottom;
// Head room above the highest line, so a flat line reads as flat and not as the frame's top.
const Y_HEADROOM = 1.25;

/** Axis ticks from 0 in steps of 1, 2 or 5 x 10^k, about `count` of them, covering `max`. */
function ticks(max: number, count = 6): number[] {
  const raw = Math.max(max, 1e-9) / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= raw)!;
  const top = Math.ceil(max / step - 1e-9) * step || step;
  return Array.from({ length: Math.round(top / step) + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

const esc = (s: string) => s.replaceAll("&", "&amp;").replaceAll("<", "&lt;").replaceAll(">", "&gt;");
const num = (n: number) => Number(n.toFixed(1)).toString();
const text = (x: number, y: number, s: string, attrs = "") => `<text x="${num(x)}" y="${num(y)}"${attrs}>${esc(s)}</text>`;
const line = (x1: number, y1: number, x2: number, y2: number, attrs: string) =>
  `<line x1="${num(x1)}" y1="${num(y1)}" x2="${num(x2)}" y2="${num(y2)}" ${attrs}/>`;

export function lineChartSvg(plot: Plot): string {
  const all = plot.series.flatMap((s) => s.points);
  const xTicks = ticks(Math.max(0, ...all.map((p) => p.x)));
  const yTicks = ticks(Math.max(0, ...all.map((p) => p.y)) * Y_HEADROOM);
  const [xMax, yMax] = [xTicks.at(-1)!, yTicks.at(-1)!];
  const px = (x: number) => MARGIN.left + (x / xMax) * PLOT_W;
  const py = (y: number) => MARGIN.top + PLOT_H - (y / yMax) * PLOT_H;
  const bottom = MARGIN.top + PLOT_H;
  const right = MARGIN.left + PLOT_W;

  const grid = [
    ...xTicks.map((x) => line(px(x), MARGIN.top, px(x), bottom, 'stroke="#e4e4e4"')),
    ...yTicks.map((y) => line(MARGIN.left, py(y), right, py(y), 'stroke="#e4e4e4"')),
  ];
  const axes = [
    line(MARGIN.left, bottom, right, bottom, 'stroke="#333"'),
    line(MARGIN.left, MARGIN.top, MARGIN.left, bottom, 'stroke="#333"'),
    ...xTicks.map((x) => text(px(x), bottom + 18, String(x), ' text-anchor="middle"')),
    ...yTicks.map((y) => text(MARGIN.left - 8, py(y) + 4, String(y), ' text-anchor="end"')),
    text(MARGIN.left + PLOT_W / 2, HEIGHT - 16, plot.xLabel, ' text-anchor="middle"'),
    text(18, MARGIN.top + PLOT_H / 2, plot.yLabel, ` text-anchor="middle" transform="rotate(-90 18 ${num(MARGIN.top + PLOT_H / 2)})"`),
  ];
  const dash = (s: PlotSeries) => (s.dashed ? ' stroke-dasharray="7 4"' : "");
  const lines = plot.series.map(
    (s) =>
      `<polyline fill="none" stroke="${s.color}" stroke-width="2"${dash(s)} points="${s.points.map((p) => `${num(px(p.x))},${num(py(p.y))}`).join(" ")}"/>`,
  );
  const legendX = right + 20;
  const legend = plot.series.flatMap((s, i) => {
    const y = MARGIN.top + 10 + i * 22;
    return [line(legendX, y, legendX + 28, y, `stroke="${s.color}" stroke-width="2"${dash(s)}`), text(legendX + 36, y + 4, s.label)];
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="sans-serif" font-size="13" fill="#222">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#fff"/>`,
    text(MARGIN.left, 28, plot.title, ' font-size="17" font-weight="bold"'),
    text(MARGIN.left, 50, plot.subtitle, ' fill="#555"'),
    ...grid,
    ...axes,
    ...lines,
    ...legend,
    "</svg>",
    "",
  ].join("\n");
}
