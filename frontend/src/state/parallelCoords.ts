// A parallel-coordinates plot as data: one vertical axis per swept param and one for the
// final metric, each trial a line through its values. Positions are fractions of the axis
// height (0 = bottom, 1 = top); the component only maps them to pixels.
import type { Json, Trial } from "../api/types";
import { formatNumber } from "./format";
import { shortPath } from "./sweepFields";
import { formatParam, trialMetric } from "./sweepView";

export interface AxisTick {
  at: number; // 0..1 from the bottom
  label: string;
}

export interface Axis {
  key: string; // the param path, or "metric"
  label: string;
  scale: "linear" | "log" | "category";
  ticks: AxisTick[];
  /** A value's position on the axis; null for a value it cannot place. */
  place: (v: Json | undefined) => number | null;
}

export interface PcLine {
  runId: number;
  ys: (number | null)[]; // one per axis
  metric: number | null;
}

/**
 * The scale for one axis' values: numbers linear, or log when they are all positive and span
 * at least a factor of 20 (learning rates); anything else as evenly spaced categories in the
 * order first seen. One distinct value sits in the middle.
 */
export function axisScale(values: (Json | undefined)[]): Omit<Axis, "key" | "label"> {
  const present = values.filter((v): v is Json => v !== undefined && v !== null);
  const nums = present.filter((v): v is number => typeof v === "number" && Number.isFinite(v));
  if (nums.length > 0 && nums.length === present.length) {
    const lo = Math.min(...nums);
    const hi = Math.max(...nums);
    const log = lo > 0 && hi / lo >= 20;
    const f = log ? Math.log10 : (x: number) => x;
    const a = f(lo);
    const span = f(hi) - a;
    const place = (v: Json | undefined) => {
      if (typeof v !== "number" || !Number.isFinite(v) || (log && v <= 0)) return null;
      return span > 0 ? (f(v) - a) / span : 0.5;
    };
    const ticks =
      span > 0
        ? [
            { at: 0, label: formatNumber(lo) },
            { at: 1, label: formatNumber(hi) },
          ]
        : [{ at: 0.5, label: formatNumber(lo) }];
    return { scale: log ? "log" : "linear", ticks, place };
  }
  const cats: string[] = [];
  for (const v of present) {
    const k = JSON.stringify(v);
    if (!cats.includes(k)) cats.push(k);
  }
  const at = (i: number) => (cats.length > 1 ? i / (cats.length - 1) : 0.5);
  return {
    scale: "category",
    ticks: cats.map((k, i) => ({ at: at(i), label: formatParam(JSON.parse(k) as Json) })),
    place: (v) => {
      const i = v === undefined || v === null ? -1 : cats.indexOf(JSON.stringify(v));
      return i < 0 ? null : at(i);
    },
  };
}

/** The axes (params in order, the seed when trials differ in it, then the metric) and one
 * line per trial. */
export function parallelCoords(
  trials: Trial[],
  params: string[],
  metric: string,
): { axes: Axis[]; lines: PcLine[] } {
  const axes: Axis[] = params.map((path) => ({
    key: path,
    label: shortPath(path),
    ...axisScale(trials.map((t) => t.params[path])),
  }));
  // Seeds get an axis when they differ: how far apart one setting's seeds end is the noise
  // any difference between settings has to beat.
  const seeds = new Set(trials.map((t) => t.seed));
  if (seeds.size > 1 && !params.includes("training.seed"))
    axes.push({ key: "seed", label: "seed", ...axisScale(trials.map((t) => t.seed)) });
  const metrics = trials.map((t) => trialMetric(t, metric));
  // The metric's own axis is always linear: its differences are what the eye compares.
  const m = axisScale(metrics.filter((v): v is number => v !== null));
  const metricAxis: Axis = {
    key: "metric",
    label: metric.replace(/_/g, " "),
    scale: "linear",
    ticks: m.ticks,
    place: m.scale === "log" ? linearPlace(metrics) : m.place,
  };
  axes.push(metricAxis);
  const lines = trials.map((t, i) => ({
    runId: t.run_id,
    ys: axes.map((a) =>
      a.place(a.key === "metric" ? metrics[i] : a.key === "seed" ? t.seed : t.params[a.key]),
    ),
    metric: metrics[i],
  }));
  return { axes, lines };
}

function linearPlace(values: (number | null)[]): Axis["place"] {
  const nums = values.filter((v): v is number => v !== null);
  const lo = Math.min(...nums);
  const span = Math.max(...nums) - lo;
  return (v) =>
    typeof v !== "number" || !Number.isFinite(v) ? null : span > 0 ? (v - lo) / span : 0.5;
}
