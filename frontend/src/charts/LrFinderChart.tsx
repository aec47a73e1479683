// Loss against learning rate on a log x axis (uPlot, as the other charts), the suggested
// rate marked by a dot. Built once per result: a finder's answer does not stream.
import { useEffect, useRef } from "preact/hooks";
import uPlot from "uplot";
import "uplot/dist/uPlot.min.css";
import type { LrFindOut } from "../api/types";
import { fmtLr, lrChartColumns, lrYRange } from "../state/experiments";
import { formatNumber } from "../state/format";
import "./charts.css";

const AXIS = {
  stroke: "#5f6b7a",
  grid: { stroke: "#eceff3", width: 1 },
  ticks: { stroke: "#d9dee5", width: 1 },
};
const fmt = (_u: uPlot, v: number | null) => (v == null ? "—" : formatNumber(v));

function options(r: LrFindOut, width: number): uPlot.Options {
  return {
    width,
    height: 220,
    legend: { show: true, live: true },
    scales: { x: { time: false, distr: 3, log: 10 }, y: { range: lrYRange(r) } },
    axes: [
      {
        ...AXIS,
        label: "learning rate (log scale)",
        labelSize: 20,
        values: (_u, ticks) => ticks.map((t) => (t == null ? "" : fmtLr(t))),
      },
      { ...AXIS, size: 50, values: (_u, ticks) => ticks.map((t) => formatNumber(t)) },
    ],
    series: [
      { label: "lr", value: (_u, v) => (v == null ? "—" : fmtLr(v)) },
      { label: "smoothed loss", stroke: "#1f77b4", width: 2, value: fmt },
      { label: "batch loss", stroke: "rgba(31,119,180,0.25)", width: 1, value: fmt },
      {
        label: "suggested",
        stroke: "#cf222e",
        width: 0,
        points: { show: true, size: 10, fill: "#cf222e", stroke: "#cf222e" },
        value: fmt,
      },
    ],
  };
}

export function LrFinderChart({ result }: { result: LrFindOut }) {
  const host = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const plot = new uPlot(
      options(result, Math.max(200, el.clientWidth || 400)),
      lrChartColumns(result),
      el,
    );
    const ro = new ResizeObserver(() => {
      const w = el.clientWidth;
      if (w > 0 && w !== plot.width) plot.setSize({ width: w, height: 220 });
    });
    ro.observe(el);
    return () => {
      ro.disconnect();
      plot.destroy();
    };
  }, [result]);
  return (
    <figure class="line-chart" data-testid="lr-chart" data-points={result.lrs.length}>
      <figcaption class="chart-title">Loss against learning rate</figcaption>
      <div class="line-chart-plot" ref={host} />
    </figure>
  );
}
