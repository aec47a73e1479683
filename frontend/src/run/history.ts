// One run's history as columns, fed by stream messages (live or replayed). Chart data is read
// from it in charts/runCharts.ts, display rows in state/results.ts.
// Pure: no DOM, no network. Components re-render when `version` changes.

import type {
  BoundaryMessage,
  EpochMessage,
  Plane,
  RunResult,
  RunStatus,
  StreamMessage,
  Summary,
} from "../api/types";
import { isTerminal } from "../state/status";

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
  /** The epoch after which the run holds (paused), or null while it trains. */
  paused: number | null = null;
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

  /** Whether the run's terminal status has arrived. */
  get terminal(): boolean {
    return this.status !== null && isTerminal(this.status);
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
    if (this.terminal) eta = 0;
    else if (perStep !== null && totalSteps !== null)
      eta = Math.max(0, (totalSteps - step) * perStep);
    let fraction: number | null = totalSteps ? Math.min(1, step / totalSteps) : null;
    if (this.terminal) fraction = 1;
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
        // A long run's replay comes downsampled: a viewer that reconnects inside it is sent
        // the rest of a batch whose later steps it already drew. Columns stay in step order.
        if (msg.step <= (this.steps.step.at(-1) ?? -Infinity)) break;
        this.steps.step.push(msg.step);
        this.steps.epoch.push(msg.epoch);
        this.steps.loss.push(num(msg.loss));
        break;
      case "epoch":
        if (msg.epoch <= (this.epochs.epoch.at(-1) ?? -Infinity)) break; // as steps, above
        this.addEpoch(msg);
        break;
      case "boundary":
        if (!this.boundary || msg.epoch >= this.boundary.epoch) this.boundary = msg;
        break;
      case "paused":
        this.paused = msg.paused ? msg.epoch : null;
        break;
      case "result": {
        this.paused = null;
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
          label: layerRowLabel(this.summary, l.index),
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
    for (const layer of this.layers.values()) layer.label = layerRowLabel(summary, layer.index);
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
    case "snapshot":
      return `${msg.type}:${msg.epoch}`;
    case "paused":
      return `paused:${msg.paused}:${msg.epoch}`;
    default:
      return null;
  }
}

/** A column value: non-finite numbers come as null (JSON has no NaN) and are kept as NaN gaps. */
function num(v: number | null | undefined): number {
  return typeof v === "number" ? v : NaN;
}

/** "0 Linear(8)" from the summary row of model.layers[index]; "layer 3" without one. */
export function layerRowLabel(summary: Summary | null, index: number): string {
  const row = summary?.layers.find((r) => r.path === `model.layers[${index}]`);
  return row ? `${index} ${row.label}` : `layer ${index}`;
}
