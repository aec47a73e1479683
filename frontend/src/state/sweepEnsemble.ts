// Ensembles from a sweep's results table: which trials may join, the best k by the sweep's own
// metric, and what a selection still lacks. Pure: TrialTable and SweepEnsembleBar only render.
import type { RunStatus, SweepView, Trial } from "../api/types";
import { lowerIsBetter, trialLabel, trialMetric } from "./sweepView";

/** The "Ensemble the best k" box starts here: a handful of members, enough to see the gain. */
export const DEFAULT_K = 5;

// Only a succeeded trial has finished training; the others have no final weights worth scoring.
const WHY_NOT: Record<Exclude<RunStatus, "succeeded">, string> = {
  queued: "not trained yet",
  running: "still training",
  failed: "failed, so it has no trained model",
  diverged: "diverged: its weights are not finite numbers",
  cancelled: "cancelled before it finished training",
};

/** Why a trial cannot join an ensemble ("still training"), or null when it can. */
export function whyNotSelectable(trial: Pick<Trial, "status">): string | null {
  return trial.status === "succeeded" ? null : WHY_NOT[trial.status];
}

/** The run ids of the trials that may join, in trial order. */
export function selectableIds(sweep: SweepView): number[] {
  return sweep.trials.filter((t) => whyNotSelectable(t) === null).map((t) => t.run_id);
}

/** The picked ids that may still join (a trial of a deleted or rerun sweep drops out). */
export function keepSelectable(ids: number[], sweep: SweepView): number[] {
  const ok = new Set(selectableIds(sweep));
  return ids.filter((id) => ok.has(id));
}

/** The run ids of the best `k` succeeded trials by the sweep's metric, best first (ties: the
 * earlier trial); trials without a final value are never "best". */
export function bestTrialIds(sweep: SweepView, k: number): number[] {
  const sign = lowerIsBetter(sweep.metric) ? 1 : -1;
  return sweep.trials
    .filter((t) => whyNotSelectable(t) === null)
    .map((t) => ({ t, v: trialMetric(t, sweep.metric) }))
    .filter((x): x is { t: Trial; v: number } => x.v !== null)
    .sort((a, b) => sign * (a.v - b.v) || a.t.index - b.t.index)
    .slice(0, Math.max(0, Math.floor(k)))
    .map((x) => x.t.run_id);
}

/** How many trials "best k" can take: the number of ranked succeeded trials. */
export function rankedCount(sweep: SweepView): number {
  return bestTrialIds(sweep, sweep.trials.length).length;
}

/** k as typed, kept between 2 (an ensemble of one is just that run) and the trials there are. */
export function clampK(k: number, available: number): number {
  if (!Number.isFinite(k)) return Math.min(DEFAULT_K, available);
  return Math.max(2, Math.min(Math.floor(k), available));
}

/** Why the picked trials cannot be scored together, or null when they can. Trials of a sweep
 * share their data unless the sweep varies a data field; the server checks the rest. */
export function selectionProblem(ids: number[], sweep: SweepView): string | null {
  if (ids.length < 2) return "Pick at least two succeeded trials";
  const picked = sweep.trials.filter((t) => ids.includes(t.run_id));
  for (const path of sweep.params.filter((p) => p === "data" || p.startsWith("data."))) {
    const values = new Set(picked.map((t) => JSON.stringify(t.params[path] ?? null)));
    if (values.size > 1)
      return `These trials train on different data (${path} differs): members must share one test set`;
  }
  return null;
}

/** "Only succeeded trials can join: 1 still training, 2 failed, so they have no trained
 * model." or null when every trial can. */
export function blockedSummary(sweep: SweepView): string | null {
  const counts = new Map<string, number>();
  for (const t of sweep.trials) {
    const why = whyNotSelectable(t);
    if (why !== null) counts.set(why, (counts.get(why) ?? 0) + 1);
  }
  if (counts.size === 0) return null;
  const parts = [...counts].map(([why, n]) => `${n} ${why}`);
  return `Only succeeded trials can join: ${parts.join("; ")}.`;
}

/** What the ensemble table calls each member: "Trial 3 · lr 0.03 · seed 1". */
export function memberLabeler(sweep: SweepView): (runId: number) => string {
  const byRun = new Map(sweep.trials.map((t) => [t.run_id, t]));
  return (runId) => {
    const t = byRun.get(runId);
    return t ? `Trial ${t.index} · ${trialLabel(t)}` : `Run ${runId}`;
  };
}
