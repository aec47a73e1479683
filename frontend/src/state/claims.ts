// A preset's `expect` claims in learner words ("test accuracy ≥ 90 %"), and whether a finished
// run met them. The keys are the engine's (backend/playground/ml/claims.py); those a browser
// can measure from the run's result and epoch history are checked here, the others are left
// to the preset tests.
import type { Json, RunResult } from "../api/types";
import { formatNumber } from "./format";

export type Bound = [number | null, number | null];

const METRIC_WORDS: Record<string, string> = {
  accuracy: "accuracy",
  loss: "loss",
  mse: "MSE",
  mae: "MAE",
  r2: "R²",
  train_loss: "train loss",
  val_loss: "validation loss",
  train_accuracy: "train accuracy",
  val_accuracy: "validation accuracy",
  lr: "learning rate",
};

const KEY_WORDS: Record<string, string> = {
  status: "run ends",
  epochs: "epochs trained",
  steps: "steps taken",
  best_epoch: "best epoch",
  "gap.loss": "validation − train loss",
  "gap.accuracy": "train − validation accuracy",
  "rise.val_loss": "validation loss rise from its lowest",
  "grad.first": "first layer's gradient norm",
  "grad.first_over_last": "first / last layer gradient norm",
  "grad.peak": "largest gradient norm",
  "update_ratio.median": "median update / weight ratio",
  "step_loss.noise": "step-to-step loss noise",
  "step_loss.smoothed_noise": "smoothed loss noise",
  "rerun.max_diff": "difference when trained again",
};

/** "test accuracy", "train loss at epoch 0", "final validation loss", "epochs trained". */
export function claimLabel(key: string): string {
  if (KEY_WORDS[key]) return KEY_WORDS[key];
  const [prefix, name] = key.split(".", 2);
  const words = METRIC_WORDS[name] ?? name?.replace(/_/g, " ") ?? key;
  if (prefix === "test") return `test ${words}`;
  if (prefix === "epoch0") return `${words} before training (epoch 0)`;
  if (prefix === "final") return `final ${words}`;
  return key;
}

function isShare(key: string): boolean {
  return key.endsWith("accuracy");
}

/** A value as the claim speaks of it: accuracies in %, counts whole, the rest to 4 digits. */
export function claimValue(key: string, v: number): string {
  if (isShare(key)) return `${Number((v * 100).toPrecision(3))} %`;
  if (key === "epochs" || key === "steps" || key === "best_epoch") return String(Math.round(v));
  return formatNumber(v);
}

/** "≥ 90 %", "≤ 0.1", "between 0.6 and 0.8", "diverged". */
export function boundText(key: string, bound: Json): string {
  if (typeof bound === "string") return bound;
  if (!Array.isArray(bound)) return String(bound);
  const [lo, hi] = bound as Bound;
  if (lo !== null && hi !== null)
    return `between ${claimValue(key, lo)} and ${claimValue(key, hi)}`;
  if (lo !== null) return `≥ ${claimValue(key, lo)}`;
  if (hi !== null) return `≤ ${claimValue(key, hi)}`;
  return "any value";
}

/** "test accuracy ≥ 90 %" */
export function claimText(key: string, bound: Json): string {
  return key === "status" ? `the run ends ${bound}` : `${claimLabel(key)} ${boundText(key, bound)}`;
}

/** "Expected: test accuracy ≥ 90 %; train loss before training (epoch 0) between 0.6 and 0.8" */
export function expectedText(expect: Record<string, Json> | undefined): string | null {
  const keys = Object.keys(expect ?? {});
  if (!expect || !keys.length) return null;
  return `Expected: ${keys.map((k) => claimText(k, expect[k])).join("; ")}`;
}

/** What the browser knows of a run: its result and its epoch rows (metrics by name). */
export interface Measured {
  result: Pick<RunResult, "status" | "epochs" | "steps" | "best_epoch" | "test">;
  epochs: { epoch: number[]; metrics: Record<string, number[]> };
}

function finite(v: number | null | undefined): number | null {
  return typeof v === "number" && Number.isFinite(v) ? v : null;
}

function diff(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

/** A claim's measured value; undefined when this app cannot measure it (the preset tests do). */
export function measure(key: string, m: Measured): number | string | null | undefined {
  const { result, epochs } = m;
  const rows = epochs.epoch.length;
  const at = (name: string, i: number) => finite(epochs.metrics[name]?.[i]);
  const first = epochs.epoch.indexOf(0);
  const last = rows - 1;
  if (key === "status") return result.status;
  if (key === "epochs" || key === "steps") return result[key];
  if (key === "best_epoch") return result.best_epoch ?? null;
  const [prefix, name] = key.split(".", 2);
  if (prefix === "test") return finite(result.test?.[name]);
  if (prefix === "epoch0") return first < 0 ? null : at(name, first);
  if (prefix === "final") return rows ? at(name, last) : null;
  if (key === "gap.loss") return diff(at("val_loss", last), at("train_loss", last));
  if (key === "gap.accuracy") return diff(at("train_accuracy", last), at("val_accuracy", last));
  if (key === "rise.val_loss") {
    const vals = (epochs.metrics.val_loss ?? []).filter(Number.isFinite);
    return vals.length ? vals[vals.length - 1] - Math.min(...vals) : null;
  }
  return undefined;
}

export interface ClaimCheck {
  key: string;
  text: string; // "test accuracy ≥ 90 %"
  measured: string | null; // "97.2 %"; null when not measured
  ok: boolean | null; // null: not judged here (see note)
  note: string | null; // why not: "checked by the preset tests", "not reported by this run"
}

/** Every claim against a finished run; an absent `status` claim means "succeeded", and is
 * listed only when the run ended otherwise. */
export function checkClaims(expect: Record<string, Json>, m: Measured): ClaimCheck[] {
  const claims: Record<string, Json> = { ...expect };
  if (!("status" in claims) && m.result.status !== "succeeded") claims.status = "succeeded";
  return Object.entries(claims).map(([key, bound]) => {
    const v = measure(key, m);
    const text = claimText(key, bound);
    if (v === undefined)
      return { key, text, measured: null, ok: null, note: "checked by the preset tests" };
    if (v === null)
      return { key, text, measured: null, ok: null, note: "not reported by this run" };
    if (typeof bound === "string" || typeof v === "string")
      return { key, text, measured: String(v), ok: v === bound, note: null };
    const [lo, hi] = Array.isArray(bound) ? (bound as Bound) : [null, null];
    const ok = (lo === null || v >= lo) && (hi === null || v <= hi);
    return { key, text, measured: claimValue(key, v), ok, note: null };
  });
}
