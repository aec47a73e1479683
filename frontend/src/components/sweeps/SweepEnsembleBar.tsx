// Above a sweep's results table: score trials together as an ensemble, either the best k by
// the sweep's metric in one click or the trials picked with the table's checkboxes.
import { useState } from "preact/hooks";
import type { EnsembleMethod, SweepView } from "../../api/types";
import type { EnsembleState } from "../../hooks/useEnsemble";
import type { Selection } from "../../hooks/useSelection";
import {
  bestTrialIds,
  blockedSummary,
  clampK,
  DEFAULT_K,
  keepSelectable,
  rankedCount,
  selectionProblem,
} from "../../state/sweepEnsemble";
import { metricLabel } from "../../state/sweepView";
import { EnsembleMethodSelect } from "../runs/EnsembleMethodSelect";

interface Props {
  sweep: SweepView;
  selection: Selection;
  ensemble: EnsembleState;
}

export function SweepEnsembleBar({ sweep, selection, ensemble }: Props) {
  const [k, setK] = useState(DEFAULT_K);
  const [method, setMethod] = useState<EnsembleMethod>("mean_prob");
  const ranked = rankedCount(sweep);
  const shownK = clampK(k, ranked);
  const picked = keepSelectable(selection.ids, sweep);
  const problem = selectionProblem(picked, sweep);
  const blocked = blockedSummary(sweep);
  const scoreBest = () => {
    const ids = bestTrialIds(sweep, shownK);
    selection.replace(ids);
    ensemble.score(ids, method);
  };
  return (
    <div class="sweep-ensemble" data-testid="sweep-ensemble">
      <p class="muted sweep-ensemble-intro">
        An <strong>ensemble</strong> averages the predictions of several trained trials. You will
        see its test accuracy beside each member's: it is usually at least the members' mean.
      </p>
      <div class="row ensemble-bar">
        <label>
          Best{" "}
          <input
            type="number"
            class="ensemble-k"
            data-testid="ensemble-k"
            min={2}
            max={Math.max(2, ranked)}
            value={shownK}
            disabled={ranked < 2}
            onInput={(e) => setK(Number((e.target as HTMLInputElement).value))}
          />
        </label>
        <button
          type="button"
          class="primary"
          data-testid="ensemble-best"
          disabled={ranked < 2 || ensemble.busy}
          title={
            ranked < 2
              ? "Needs at least two succeeded trials"
              : `Score the ${shownK} trials with the best ${metricLabel(sweep.metric)} together`
          }
          onClick={scoreBest}
        >
          {ensemble.busy ? "Scoring…" : `Ensemble the best ${shownK}`}
        </button>
        <span class="muted">by {metricLabel(sweep.metric)}, or</span>
        <button
          type="button"
          data-testid="ensemble-selected"
          disabled={problem !== null || ensemble.busy}
          title={problem ?? "Score the picked trials together on their shared test set"}
          onClick={() => ensemble.score(picked, method)}
        >
          Ensemble picked ({picked.length})
        </button>
        <EnsembleMethodSelect value={method} onChange={setMethod} />
        {picked.length > 0 && problem && <span class="muted">{problem}</span>}
        {ranked < 2 && (
          <span class="muted" data-testid="ensemble-needs">
            An ensemble needs two succeeded trials; this sweep has {ranked} so far.
          </span>
        )}
      </div>
      {blocked && (
        <p class="muted small" data-testid="ensemble-blocked">
          {blocked}
        </p>
      )}
    </div>
  );
}
