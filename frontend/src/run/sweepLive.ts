// A sweep as its stream builds it: the SweepView (from the "sweep" message) kept current by
// every trial's run messages, and one RunHistory per trial for its tile (boundary, loss).
// Pure: no DOM, no network (run/sweepStream.ts feeds it).
import type { StreamMessage, SweepMessage, SweepView, Trial } from "../api/types";
import { isTerminal } from "../state/status";
import { RunHistory } from "./history";

export class SweepLive {
  sweep: SweepView | null = null;
  readonly histories = new Map<number, RunHistory>();
  /** Bumped on every change, so a component can compare one number to re-render. */
  version = 0;

  /** The history of one trial's run (made on first use). */
  history(runId: number): RunHistory {
    let h = this.histories.get(runId);
    if (!h) {
      h = new RunHistory();
      this.histories.set(runId, h);
    }
    return h;
  }

  /** Apply one message; false when nothing changed. */
  apply(msg: SweepMessage): boolean {
    if (msg.type === "sweep") {
      this.sweep = msg.sweep;
      for (const t of msg.sweep.trials) this.history(t.run_id);
      this.version++;
      return true;
    }
    if (msg.type !== "trial") return false;
    const h = this.history(msg.run_id);
    if (!h.apply(msg.message) && !newerGrid(h, msg.message)) return false;
    this.updateTrial(msg.run_id, msg.message);
    this.version++;
    return true;
  }

  /** Whether every trial has ended (the server then closes the stream). */
  get terminal(): boolean {
    const s = this.sweep;
    return s !== null && s.trials.length > 0 && s.trials.every((t) => isTerminal(t.status));
  }

  /** The trial row follows its run's messages, so the table is live between sweep messages. */
  private updateTrial(runId: number, m: StreamMessage): void {
    const s = this.sweep;
    const i = s?.trials.findIndex((t) => t.run_id === runId) ?? -1;
    if (!s || i < 0) return;
    const t: Trial = { ...s.trials[i] };
    if (m.type === "status") {
      t.status = m.status;
      if (m.error) t.error = m.error;
    } else if (m.type === "epoch") {
      t.epoch = m.epoch;
      const final = { ...(t.final ?? {}) };
      for (const [k, v] of Object.entries(m.metrics)) if (/^(train|val)_/.test(k)) final[k] = v;
      t.final = final;
    } else if (m.type === "result") {
      t.status = m.status;
      if (m.error) t.error = m.error;
      const final = { ...(t.final ?? {}) };
      for (const [k, v] of Object.entries(m.test)) final[`test_${k}`] = v;
      t.final = final;
    } else {
      return;
    }
    const trials = s.trials.slice();
    trials[i] = t;
    this.sweep = { ...s, trials, counts: countStatuses(trials), status: sweepStatus(trials) };
  }
}

export function countStatuses(trials: Trial[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const t of trials) counts[t.status] = (counts[t.status] ?? 0) + 1;
  return counts;
}

/** The sweep's status from its trials, as the server derives it (services/sweep_views):
 * queued until one starts, running while any is active; then failed if any failed,
 * cancelled if any was cancelled, else succeeded (a diverged trial is a result). */
export function sweepStatus(trials: Trial[]): SweepView["status"] {
  if (trials.some((t) => !isTerminal(t.status)))
    return trials.every((t) => t.status === "queued") ? "queued" : "running";
  if (trials.some((t) => t.status === "failed")) return "failed";
  if (trials.length === 0 || trials.some((t) => t.status === "cancelled")) return "cancelled";
  return "succeeded";
}

/** A replay sends each trial's curves first and its newest grid after them, so the grid's
 * seq may be below the last epoch's (RunHistory drops older seqs): a newer grid is taken
 * whatever its seq. */
function newerGrid(h: RunHistory, m: StreamMessage): boolean {
  if (m.type !== "boundary" || (h.boundary && m.epoch <= h.boundary.epoch)) return false;
  h.boundary = m;
  h.version++;
  return true;
}
