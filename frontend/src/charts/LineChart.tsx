// A uPlot line chart that is built once per set of series and then only fed new data
// (at most once per animation frame), so it keeps up with a run streaming thousands of points.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import { formatNumber } from "../state/format";
import type { ChartSeries } from "./smooth";
import "./charts.css";

export type LineSeries = ChartSeries;

export interface LineChartProps {
  title: string;
  xLabel: string;
  x: ArrayLike<number>; // ascending
  series: LineSeries[];
  logY?: boolean;
  height?: number; // CSS pixels of the plot area with axes
  /** Change it to redraw with the current data (without rebuilding the plot). */
  version?: number;
  yRange?: [number, number];
}

const WHOLE_INCRS = [1, 2, 5]
  .flatMap((m) => [1, 10, 100, 1e3, 1e4, 1e5, 1e6].map((p) => m * p))
  .sort((a, b) => a - b);

/** "Gradient norm" -> "gradient-norm"; "R²" -> "r2". */
export function slug(title: string): string {
  return title
    .normalize("NFKD")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
}

/** uPlot's columns: x copied (the history keeps growing its arrays), non-finite y as null gaps. */
function aligned(x: ArrayLike<number>, series: LineSeries[], logY: boolean): uPlot.AlignedData {
  const n = x.length;
  const xs = Array.from(x);
  const ys = series.map((s) => {
    const v = s.values;
    const out = new Array<number | null>(n);
    for (let i = 0; i < n; i++) {
      const y = v[i];
      out[i] = typeof y === "number" && Number.isFinite(y) && (!logY || y > 0) ? y : null;
    }
    return out;
  });
  return [xs, ...ys];
}

/** What, when it changes, needs a new plot (not just new data). */
function structureKey(p: LineChartProps): string {
  return JSON.stringify([
    p.xLabel,
    !!p.logY,
    p.yRange ?? null,
    p.height ?? null,
    p.series.map((s) => [s.label, s.color, !!s.dash, s.width, !!s.spanGaps]),
  ]);
}

const fmt = (_u: uPlot, v: number | null) => (v == null ? "—" : formatNumber(v));

/** Short tick labels: 0.25, 1200, 1e-4, 2.5e+6. */
export function formatTick(v: number): string {
  const a = Math.abs(v);
  const r = Number(v.toPrecision(3));
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? r.toExponential() : String(r);
}

/** Width of the y axis: room for its longest tick label. */
function axisSize(_u: uPlot, values: string[] | null): number {
  const longest = values ? Math.max(0, ...values.map((v) => (v ?? "").length)) : 4;
  return Math.max(40, 14 + 7 * longest);
}

/** Let the legend's show/hide toggles be used from the keyboard too (uPlot: mouse only). */
function keyboardLegend(u: uPlot): void {
  u.root.querySelectorAll<HTMLTableRowElement>(".u-legend .u-series").forEach((row, i) => {
    const th = row.querySelector("th");
    if (i === 0 || !th) return;
    th.tabIndex = 0;
    th.setAttribute("role", "button");
    th.setAttribute("aria-pressed", String(u.series[i].show !== false));
    th.title = "Show or hide this line";
    th.addEventListener("keydown", (e) => {
      if (e.key !== "Enter" && e.key !== " ") return;
      e.preventDefault();
      u.setSeries(i, { show: !u.series[i].show });
    });
  });
}

/** Legend values only while the cursor is on a point: an idle legend ("epoch: —") is clutter,
 * so until then it shows just the series' names (and none at all for a single series). */
function legendValues(u: uPlot): void {
  const idle = u.cursor.idx === null || u.cursor.idx === undefined;
  u.root.classList.toggle("legend-idle", idle);
  u.root.classList.toggle("legend-single", u.series.length <= 2);
}

function syncPressed(u: uPlot): void {
  u.root.querySelectorAll(".u-legend .u-series th[role=button]").forEach((th, j) => {
    th.setAttribute("aria-pressed", String(u.series[j + 1]?.show !== false));
  });
}

/** What the plot shows, to skip setData when nothing changed. */
interface Shown {
  version?: number;
  x?: ArrayLike<number>;
  n: number;
  values: ArrayLike<number>[];
}

function shownOf(p: LineChartProps): Shown {
  return { version: p.version, x: p.x, n: p.x.length, values: p.series.map((s) => s.values) };
}

function sameData(s: Shown, p: LineChartProps): boolean {
  return (
    s.version === p.version &&
    s.x === p.x &&
    s.n === p.x.length &&
    s.values.length === p.series.length &&
    p.series.every((ser, i) => ser.values === s.values[i])
  );
}

/** uPlot's options for a chart `width` pixels wide; `onZoom` when the user drags a range. */
function plotOptions(p: LineChartProps, width: number, onZoom: () => void): uPlot.Options {
  const { xLabel, height = 220 } = p;
  const yScale: uPlot.Scale = p.logY ? { distr: 3, log: 10 } : {};
  if (p.yRange) yScale.range = p.yRange;
  const axisStyle = {
    stroke: "#5f6b7a",
    grid: { stroke: "#eceff3", width: 1 },
    ticks: { stroke: "#d9dee5", width: 1 },
  };
  return {
    width,
    height,
    legend: { show: true, live: true },
    cursor: { drag: { x: true, y: false } },
    scales: { x: { time: false }, y: yScale },
    axes: [
      // Epochs and steps are counts: whole-number ticks only.
      { ...axisStyle, label: xLabel, labelSize: 20, incrs: WHOLE_INCRS },
      {
        ...axisStyle,
        size: axisSize,
        values: (_u, ticks) => ticks.map((t) => (t == null ? "" : formatTick(t))),
      },
    ],
    series: [
      { label: xLabel, value: fmt },
      ...p.series.map((s) => ({
        label: s.label,
        stroke: s.color ?? "#1f77b4",
        width: s.width ?? 1.5,
        dash: s.dash ? [6, 4] : undefined,
        spanGaps: !!s.spanGaps,
        value: fmt,
      })),
    ],
    hooks: {
      init: [keyboardLegend, legendValues],
      setLegend: [legendValues],
      setSeries: [syncPressed],
      setSelect: [(u) => u.select.width > 0 && onZoom()],
    },
  };
}

// About 65 lines on purpose: one uPlot lifecycle (create, resize, destroy, new data on the
// next frame) whose parts share the refs below.
export function LineChart(props: LineChartProps) {
  const { title, height = 220 } = props;
  const hostRef = useRef<HTMLDivElement>(null);
  const plotRef = useRef<uPlot | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const shown = useRef<Shown>({ n: -1, values: [] });
  const frame = useRef(0);
  const zoomed = useRef(false);
  const key = structureKey(props);

  // A new plot when the chart's structure changes (series, scales); kept at the host's width.
  useEffect(() => {
    const host = hostRef.current;
    if (!host) return;
    const p = latest.current;
    const opts = plotOptions(p, Math.max(120, host.clientWidth || 400), () => {
      zoomed.current = true;
    });
    const plot = new uPlot(opts, aligned(p.x, p.series, !!p.logY), host);
    plotRef.current = plot;
    shown.current = shownOf(p);
    zoomed.current = false;
    const unzoom = () => {
      zoomed.current = false;
    };
    plot.over.addEventListener("dblclick", unzoom);
    let width = host.clientWidth;
    const ro = new ResizeObserver(() => {
      const w = host.clientWidth;
      if (w > 0 && w !== width) {
        width = w;
        plot.setSize({ width: w, height });
      }
    });
    ro.observe(host);
    return () => {
      ro.disconnect();
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
      plot.over.removeEventListener("dblclick", unzoom);
      plot.destroy();
      plotRef.current = null;
    };
  }, [key, title]);

  // Every render: new data -> one setData on the next animation frame.
  useEffect(() => {
    if (sameData(shown.current, props) || !plotRef.current) return;
    shown.current = shownOf(props);
    if (frame.current) return;
    frame.current = requestAnimationFrame(() => {
      frame.current = 0;
      const plot = plotRef.current;
      const now = latest.current;
      if (plot) plot.setData(aligned(now.x, now.series, !!now.logY), !zoomed.current);
    });
  });

  return (
    <figure class="line-chart" data-testid={`chart-${slug(title)}`} data-points={props.x.length}>
      <figcaption class="chart-title">{title}</figcaption>
      <div class="line-chart-plot" ref={hostRef} />
    </figure>
  );
}
