// A run's charts as data, read from its RunHistory: loss over epochs, per-epoch metrics, the
// task's accuracy or error charts and per-layer statistics.
import type { LayerStatName, RunHistory } from "../run/history";
import { ROLE_COLORS, seriesColor, withAlpha } from "./colors";
import {
  type ChartData,
  type ChartSeries,
  emaAt,
  hasFinite,
  joinSeries,
  m4Indices,
  pick,
} from "./smooth";

/** Step-loss columns a chart draws at most 4x this many points of (about its width in pixels). */
export const STEP_BUCKETS = 1000;

/**
 * Loss over epochs: the step losses at fractional epochs (step / steps per epoch; raw, or
 * faint under their moving average when smoothing > 0) joined with the per-epoch train and
 * val losses at whole epochs. Every line spans the NaN rows of the join (a step that falls
 * between epochs has no epoch loss, an epoch row may have no step), and losses are never
 * NaN themselves: a non-finite loss ends the run before it is reported.
 */
export function lossChart(h: RunHistory, smoothing: number): ChartData {
  const spe = h.stepsPerEpoch();
  const { step, epoch, loss } = h.steps;
  // Long runs: only the points that draw the same line (every spike kept); the moving
  // average is still taken over every step.
  const idx = m4Indices(loss, STEP_BUCKETS);
  const xs = new Float64Array(idx.length);
  for (let i = 0; i < idx.length; i++) xs[i] = spe ? step[idx[i]] / spe : epoch[idx[i]];
  const stepCols: ArrayLike<number>[] = [pick(loss, idx)];
  if (smoothing > 0) stepCols.push(emaAt(loss, smoothing, idx));
  const epochNames = ["train_loss", "val_loss"].filter((n) => h.epochs.metrics[n]);
  const joined = joinSeries([
    { x: xs, columns: stepCols },
    { x: h.epochs.epoch, columns: epochNames.map((n) => h.epochs.metrics[n]) },
  ]);
  const series: ChartSeries[] = [];
  if (step.length) {
    if (smoothing > 0) {
      series.push({
        label: "step loss",
        values: joined.columns[0][0],
        color: withAlpha(ROLE_COLORS.step, 0.2),
        width: 1,
        spanGaps: true,
      });
      series.push({
        label: "step loss (smoothed)",
        values: joined.columns[0][1],
        color: ROLE_COLORS.step,
        width: 1.5,
        spanGaps: true,
      });
    } else {
      series.push({
        label: "step loss",
        values: joined.columns[0][0],
        color: ROLE_COLORS.step,
        width: 1,
        spanGaps: true,
      });
    }
  }
  epochNames.forEach((name, i) => {
    const role = name.startsWith("train") ? "train" : "val";
    series.push({
      label: name.replace("_", " "),
      values: joined.columns[1][i],
      color: ROLE_COLORS[role],
      width: 2,
      spanGaps: true,
    });
  });
  return { x: joined.x, series };
}

/** Per-epoch metrics by name (those the run has), x = epoch; train blue, val orange. */
export function epochChart(h: RunHistory, names: readonly string[]): ChartData {
  const series: ChartSeries[] = [];
  for (const name of names) {
    const values = h.epochs.metrics[name];
    if (!values) continue;
    const role = name.startsWith("train") ? "train" : name.startsWith("val") ? "val" : null;
    series.push({
      label: name.replace("_", " "),
      values,
      color: role ? ROLE_COLORS[role] : ROLE_COLORS.lr,
      width: 2,
      spanGaps: true,
    });
  }
  return { x: h.epochs.epoch, series };
}

/** The accuracy / error charts a run's task calls for, by title. */
export function taskCharts(
  h: RunHistory,
): { title: string; data: ChartData; logY?: boolean; yRange?: [number, number] }[] {
  const out = [];
  if (
    h.task === "classification" ||
    h.epochs.metrics.val_accuracy ||
    h.epochs.metrics.train_accuracy
  ) {
    out.push({
      title: "Accuracy",
      data: epochChart(h, ["train_accuracy", "val_accuracy"]),
      yRange: [0, 1] as [number, number],
    });
  }
  if (h.epochs.metrics.train_mse || h.epochs.metrics.val_mse) {
    const data = epochChart(h, ["train_mse", "val_mse"]);
    for (const s of epochChart(h, ["train_mae", "val_mae"]).series)
      data.series.push({ ...s, dash: true, width: 1.5 });
    out.push({ title: "Error", data, logY: true });
  }
  if (h.epochs.metrics.train_r2 || h.epochs.metrics.val_r2) {
    out.push({ title: "R²", data: epochChart(h, ["train_r2", "val_r2"]) });
  }
  return out.filter((c) => c.data.series.length > 0);
}

/** One line per layer with that statistic (layers without it, e.g. Tanh, are left out). */
export function layerChart(h: RunHistory, stat: LayerStatName): ChartData {
  // Colours by position among all layers, so a layer keeps its colour from chart to chart.
  const series = h
    .layerList()
    .map((l, i) => ({
      label: l.label,
      values: l[stat],
      color: seriesColor(i),
      width: 1.5,
      spanGaps: true,
    }))
    .filter((s) => hasFinite(s.values));
  return { x: h.epochs.epoch, series };
}
