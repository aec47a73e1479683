// What a run's status line and progress bar say, so the two always agree: a stopped run says
// where it stopped ("stopped at epoch 7 of 2000") with its bar at 7/2000, never a full bar.
import type { RunResult, RunStatus } from "../api/types";
import type { Progress } from "../run/history";

export interface ProgressView {
  text: string; // "epoch 7 / 2000", "stopped at epoch 7 of 2000"
  fraction: number | null; // of the bar; null while unknown
  state: "active" | "done" | "stopped";
}

const STOPPED_VERB: Partial<Record<RunStatus, string>> = {
  cancelled: "stopped",
  failed: "failed",
  diverged: "diverged",
};

export function progressView(
  status: RunStatus,
  p: Pick<Progress, "epoch" | "totalEpochs" | "step" | "totalSteps">,
  result: Pick<RunResult, "stopped_early"> | null,
): ProgressView {
  const of = p.totalEpochs ? ` of ${p.totalEpochs}` : "";
  const verb = STOPPED_VERB[status];
  if (verb) {
    // Epochs completed out of those asked for (the epoch in progress when it stopped is lost).
    const fraction = p.totalEpochs
      ? Math.min(1, p.epoch / p.totalEpochs)
      : p.totalSteps
        ? Math.min(1, p.step / p.totalSteps)
        : null;
    return { text: `${verb} at epoch ${p.epoch}${of}`, fraction, state: "stopped" };
  }
  if (status === "succeeded") {
    const text = result?.stopped_early
      ? `early stopping at epoch ${p.epoch}${of}`
      : `epoch ${p.epoch}${p.totalEpochs ? ` / ${p.totalEpochs}` : ""}`;
    return { text, fraction: 1, state: "done" };
  }
  const fraction = p.totalSteps ? Math.min(1, p.step / p.totalSteps) : null;
  return {
    text: `epoch ${p.epoch}${p.totalEpochs ? ` / ${p.totalEpochs}` : ""}`,
    fraction: status === "queued" ? 0 : fraction,
    state: "active",
  };
}
