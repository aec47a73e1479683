// One run's history as columns, fed by stream messages (live or replayed); plus the chart
// data and display rows read from it.
// Pure: no DOM, no network. Components re-render when `version` changes.

import {
  type BoundaryMessage,
  type EpochMessage,
  FINAL_STATUSES,
  type Plane,
  type RunResult,
  type RunStatus,
  type StreamMessage,
  type Summary,
} from "../api/types";
import { ROLE_COLORS, seriesColor, withAlpha } from "../charts/colors";
import {
  type ChartData,
  type ChartSeries,
  emaAt,
  hasFinite,
  joinSeries,
  m4Indices,
  pick,
} from "../charts/smooth";
import { formatNumber, formatPercent } from "../state/format";

export const LAYER_STATS = ["grad_norm", "weight_norm", "update_ratio"] as const;
export type LayerStatName = (typeof LAYER_STATS)[number];

/** Mean train loss every log_every steps. */
export interface StepColumns {
  step: number[];
  epoch: number[]; // the epoch the step belongs to (1-based; epoch e ends at step e * steps_per_epoch)
  loss: number[];
}

/** One row per epoch report (epoch 0 = the untrained model); NaN where a value is absent. */
export interface EpochColumns {
  epoch: number[];
  step: number[];
  seconds: number[]; // since training started
  metrics: Record<string, number[]>; // train_loss, val_loss, train_accuracy, lr, val_r2, ...
}

/** Per-layer statistics, aligned with the epoch rows. */
export interface LayerColumns {
  index: number; // position in model.layers
  label: string; // "0 Linear(8)"
  grad_norm: number[];
  weight_norm: number[];
  update_ratio: number[];
}

export interface Progress {
  epoch: number; // epochs completed (0 before the first training epoch ends)
  totalEpochs: number | null;
  step: number;
  totalSteps: number | null;
  fraction: number | null; // step / totalSteps, 1 once final
  elapsedSeconds: number | null;
  etaSeconds: number | null; // null until a seconds-per-step estimate exists; 0 once final
}

export interface HistoryOptions {
  /** spec.training.epochs when known; otherwise derived from the start message. */
  totalEpochs?: number | null;
}

export class RunHistory {
  /** Bumped on every change, so a component can compare one number to re-render. */
  version = 0;
  status: RunStatus | null = null;
  error: string | null = null;
  summary: Summary | null = null;
  device: string | null = null;
  seed: number | null = null;
  versions: Record<string, string> | null = null;
  totalSteps: number | null = null;
  logEvery: number | null = null;
  plane: Plane | null = null;
  readonly steps: StepColumns = { step: [], epoch: [], loss: [] };
  readonly epochs: EpochColumns = {
    epoch: [],
    step: [],
    seconds: [],
    metrics: Object.create(null),
  };
  readonly layers = new Map<number, LayerColumns>();
  /** The newest decision-boundary grid (2-D data sets); its epoch is boundary.epoch. */
  boundary: BoundaryMessage | null = null;
  result: RunResult | null = null;
  /** The highest seq applied. */
  lastSeq = 0;
  private readonly totalEpochsOption: number | null;
  // Keys of the messages applied at lastSeq: a batch shares one seq, may arrive split over
  // two frames (the server's replay cuts frames by size) and is resent whole after a
  // reconnect from lastSeq - 1, so within that one seq duplicates are told apart by content.
  private readonly atLastSeq = new Set<string>();

  constructor(opts: HistoryOptions = {}) {
    this.totalEpochsOption = opts.totalEpochs ?? null;
  }

  /** Apply one message; false when it was seen before (or is of an unknown type). */
  apply(msg: StreamMessage): boolean {
    const seq = typeof msg.seq === "number" ? msg.seq : this.lastSeq;
    if (seq < this.lastSeq) return false;
    const key = messageKey(msg);
    if (key === null) return false;
    if (seq > this.lastSeq) {
      this.lastSeq = seq;
      this.atLastSeq.clear();
    } else if (this.atLastSeq.has(key)) {
      return false;
    }
    this.atLastSeq.add(key);
    this.dispatch(msg);
    this.version++;
    return true;
  }

  /** Apply a frame's messages in order; true when anything changed. */
  applyFrame(msgs: readonly StreamMessage[]): boolean {
    let changed = false;
    for (const m of msgs) changed = this.apply(m) || changed;
    return changed;
  }

  /** Whether the run's final status has arrived. */
  get final(): boolean {
    return this.status !== null && FINAL_STATUSES.includes(this.status);
  }

  get task(): "classification" | "regression" | null {
    if (this.summary) return this.summary.task;
    const m = this.epochs.metrics;
    if (m.val_accuracy || m.train_accuracy) return "classification";
    if (m.val_mse || m.train_mse) return "regression";
    return null;
  }

  /** from_seq for a (re)connect: the last batch is asked for again, since it may have
   * arrived only in part; apply() drops what was already there. */
  resumeSeq(): number {
    return Math.max(0, this.lastSeq - 1);
  }

  /** Layers in model order. */
  layerList(): LayerColumns[] {
    return [...this.layers.values()].sort((a, b) => a.index - b.index);
  }

  /** Steps per epoch: from the summary, else from the epoch rows (step / epoch). */
  stepsPerEpoch(): number | null {
    if (this.summary?.steps_per_epoch) return this.summary.steps_per_epoch;
    const { epoch, step } = this.epochs;
    for (let i = epoch.length - 1; i >= 0; i--) {
      if (epoch[i] > 0 && step[i] > 0) return step[i] / epoch[i];
    }
    return null;
  }

  progress(): Progress {
    const rows = this.epochs.epoch.length;
    const epoch = rows ? this.epochs.epoch[rows - 1] : 0;
    const lastStep = this.steps.step.length ? this.steps.step[this.steps.step.length - 1] : 0;
    const step = Math.max(lastStep, rows ? this.epochs.step[rows - 1] : 0);
    const spe = this.stepsPerEpoch();
    let totalEpochs = this.totalEpochsOption;
    if (totalEpochs === null && this.totalSteps !== null && spe)
      totalEpochs = Math.round(this.totalSteps / spe);
    let totalSteps = this.totalSteps;
    if (totalSteps === null && totalEpochs !== null && spe) totalSteps = totalEpochs * spe;
    // Seconds per step from the newest epoch report that has both (epoch 0 is at step 0).
    let perStep: number | null = null;
    let elapsed: number | null = null;
    for (let i = rows - 1; i >= 0; i--) {
      const s = this.epochs.seconds[i];
      if (!Number.isFinite(s)) continue;
      elapsed ??= s;
      if (this.epochs.step[i] > 0) {
        perStep = s / this.epochs.step[i];
        break;
      }
    }
    if (this.result && Number.isFinite(this.result.seconds)) elapsed = this.result.seconds;
    let eta: number | null = null;
    if (this.final) eta = 0;
    else if (perStep !== null && totalSteps !== null)
      eta = Math.max(0, (totalSteps - step) * perStep);
    let fraction: number | null = totalSteps ? Math.min(1, step / totalSteps) : null;
    if (this.final) fraction = 1;
    return {
      epoch,
      totalEpochs,
      step,
      totalSteps,
      fraction,
      elapsedSeconds: elapsed,
      etaSeconds: eta,
    };
  }

  private dispatch(msg: StreamMessage): void {
    switch (msg.type) {
      case "status":
        this.status = msg.status;
        if (msg.error) this.error = msg.error;
        break;
      case "start":
        this.setSummary(msg.summary);
        this.seed = msg.seed;
        this.device = msg.device;
        this.versions = msg.versions;
        this.totalSteps = msg.total_steps;
        this.logEvery = msg.log_every;
        this.plane = msg.plane;
        break;
      case "step":
        this.steps.step.push(msg.step);
        this.steps.epoch.push(msg.epoch);
        this.steps.loss.push(num(msg.loss));
        break;
      case "epoch":
        this.addEpoch(msg);
        break;
      case "boundary":
        if (!this.boundary || msg.epoch >= this.boundary.epoch) this.boundary = msg;
        break;
      case "result": {
        const { type: _t, run_id: _r, seq: _s, summary, ...result } = msg;
        this.result = result;
        if (summary && !this.summary) this.setSummary(summary);
        if (result.error && !this.error) this.error = result.error;
        break;
      }
    }
  }

  /** Append one epoch row; columns first seen now are NaN-filled for the earlier rows. */
  addEpoch(row: EpochMessage): void {
    const cols = this.epochs;
    const n = cols.epoch.length;
    cols.epoch.push(row.epoch);
    cols.step.push(row.step);
    cols.seconds.push(num(row.seconds));
    for (const name of Object.keys(row.metrics)) {
      if (!cols.metrics[name]) cols.metrics[name] = new Array<number>(n).fill(NaN);
    }
    for (const [name, column] of Object.entries(cols.metrics)) column.push(num(row.metrics[name]));
    const stats = new Map(row.layers.map((l) => [l.index, l]));
    for (const l of row.layers) {
      if (!this.layers.has(l.index)) {
        const empty = () => new Array<number>(n).fill(NaN);
        this.layers.set(l.index, {
          index: l.index,
          label: layerLabel(this.summary, l.index),
          grad_norm: empty(),
          weight_norm: empty(),
          update_ratio: empty(),
        });
      }
    }
    for (const layer of this.layers.values()) {
      const s = stats.get(layer.index);
      for (const stat of LAYER_STATS) layer[stat].push(num(s?.[stat]));
    }
  }

  setSummary(summary: Summary): void {
    this.summary = summary;
    for (const layer of this.layers.values()) layer.label = layerLabel(summary, layer.index);
  }
}

/** A message's identity within its seq (null: a type this app does not know). */
function messageKey(msg: StreamMessage): string | null {
  switch (msg.type) {
    case "status":
      return `status:${msg.status}`;
    case "start":
    case "result":
      return msg.type;
    case "step":
      return `step:${msg.step}`;
    case "epoch":
    case "boundary":
      return `${msg.type}:${msg.epoch}`;
    default:
      return null;
  }
}

function num(v: number | null | undefined): number {
  return typeof v === "number" ? v : NaN;
}

/** "0 Linear(8)" from the summary row of model.layers[index]; "layer 3" without one. */
export function layerLabel(summary: Summary | null, index: number): string {
  const row = summary?.layers.find((r) => r.path === `model.layers[${index}]`);
  return row ? `${index} ${row.label}` : `layer ${index}`;
}

// ---- chart data ------------------------------------------------------------------------

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

// ---- display rows ----------------------------------------------------------------------

const METRIC_ORDER = ["accuracy", "loss", "mse", "mae", "r2"];
const METRIC_LABELS: Record<string, string> = {
  accuracy: "Accuracy",
  loss: "Loss",
  mse: "MSE",
  mae: "MAE",
  r2: "R²",
};

/** Test metrics in a fixed order, formatted: accuracy as %, the rest to 4 digits. */
export function testMetricRows(
  test: Record<string, number>,
): { key: string; label: string; value: string }[] {
  const keys = Object.keys(test).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
  return keys.map((key) => ({
    key,
    label: METRIC_LABELS[key] ?? key,
    value: key === "accuracy" ? formatPercent(test[key]) : formatNumber(test[key]),
  }));
}

function rank(key: string): number {
  const i = METRIC_ORDER.indexOf(key);
  return i < 0 ? METRIC_ORDER.length : i;
}

/** Counts with each row's share (row = true class), row totals and overall accuracy. */
export function confusionTable(confusion: number[][]): {
  counts: number[][];
  shares: number[][];
  rowTotals: number[];
  accuracy: number;
} {
  const rowTotals = confusion.map((row) => row.reduce((a, b) => a + b, 0));
  const shares = confusion.map((row, i) => row.map((c) => (rowTotals[i] ? c / rowTotals[i] : 0)));
  const total = rowTotals.reduce((a, b) => a + b, 0);
  const correct = confusion.reduce((a, row, i) => a + (row[i] ?? 0), 0);
  return { counts: confusion, shares, rowTotals, accuracy: total ? correct / total : NaN };
}
