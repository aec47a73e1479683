// One trial in the small multiples: its decision boundary (2-D data) and loss sparkline as it
// trains, labelled by its params, with links to its run page and to the playground.
import type { Trial } from "../../api/types";
import { BoundaryCanvas } from "../../charts/BoundaryCanvas";
import { Sparkline } from "../../charts/Sparkline";
import type { RunHistory } from "../../run/history";
import { isTerminal } from "../../state/status";
import { formatMetric, trialLabel, trialMetric } from "../../state/sweepView";

interface TileProps {
  trial: Trial;
  history: RunHistory | undefined;
  metric: string;
  best: boolean;
  onOpenSpec: (runId: number) => void;
}

export function TrialTile({ trial, history, metric, best, onOpenSpec }: TileProps) {
  const cols = history?.epochs.metrics;
  const train = cols?.train_loss ?? [];
  const boundary = history?.boundary ?? null;
  const label = trialLabel(trial);
  return (
    <li
      class={best ? "trial-tile best" : "trial-tile"}
      data-testid="trial-tile"
      data-run-id={trial.run_id}
      data-status={trial.status}
      data-best={best ? "true" : undefined}
    >
      <a href={`#/runs/${trial.run_id}`} class="trial-link" title={`Open run #${trial.run_id}`}>
        {boundary ? (
          <BoundaryCanvas
            boundary={boundary}
            points={null}
            task={history?.task}
            size={132}
            legend={false}
            testId="trial-boundary"
          />
        ) : (
          <div class="trial-blank muted small">{blankText(trial)}</div>
        )}
      </a>
      <Sparkline train={train} val={cols?.val_loss} width={132} height={28} />
      <div class="trial-caption small">
        <strong>{label}</strong>
        <span class="muted">
          {" "}
          {best && <span class="badge best-badge">best</span>} {trial.status}
          {trial.epoch !== null && trial.epoch !== undefined && ` · epoch ${trial.epoch}`} ·{" "}
          {formatMetric(metric, trialMetric(trial, metric))}
        </span>
      </div>
      {trial.error && (
        <div class="error-text small trial-error" title={trial.error}>
          {trial.error}
        </div>
      )}
      <div class="trial-actions small">
        <a href={`#/runs/${trial.run_id}`} data-testid="trial-run-link">
          Run #{trial.run_id}
        </a>{" "}
        <button type="button" class="link" onClick={() => onOpenSpec(trial.run_id)}>
          Open in playground
        </button>
      </div>
    </li>
  );
}

/** What stands in for the boundary: the queue, training, or data that has no plane. */
function blankText(trial: Trial): string {
  if (trial.status === "queued") return "queued";
  return isTerminal(trial.status) ? "no decision boundary (not 2-D data)" : "training…";
}
