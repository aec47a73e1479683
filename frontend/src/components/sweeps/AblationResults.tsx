// An ablation's table: each row removes or switches off one part of the base run; its change
// in the final metric against the base run, biggest change first.
import type { SweepView } from "../../api/types";
import { ablationRows, formatDelta } from "../../state/ablation";
import { formatMetric, lowerIsBetter, metricLabel } from "../../state/sweepView";

export function AblationResults({ sweep, base }: { sweep: SweepView; base: number | null }) {
  const metric = sweep.metric;
  const rows = ablationRows(sweep.trials, metric, base);
  const better = lowerIsBetter(metric) ? "lower" : "higher";
  return (
    <section class="panel" aria-labelledby="ablation-results-title">
      <h2 id="ablation-results-title">Ablation</h2>
      <p class="muted small" data-testid="ablation-note">
        How to read it: each row trains the base run again without one part. If the{" "}
        {metricLabel(metric)} gets worse without it, that part was helping; about no change means
        the network did not need it here (one seed each: small changes may be noise). For{" "}
        {metricLabel(metric)}, {better} is better.
      </p>
      <table class="runs-table ablation-table" data-testid="ablation-table">
        <thead>
          <tr>
            <th scope="col">Change</th>
            <th scope="col" class="num">
              Final {metricLabel(metric)}
            </th>
            <th scope="col" class="num">
              vs base
            </th>
            <th scope="col">Status</th>
          </tr>
        </thead>
        <tbody>
          <tr class="ablation-base" data-testid="ablation-base">
            <th scope="row">
              {sweep.base_run_id !== null ? (
                <a href={`#/runs/${sweep.base_run_id}`}>base run #{sweep.base_run_id}</a>
              ) : (
                "base run"
              )}
            </th>
            <td class="num">{formatMetric(metric, base)}</td>
            <td class="num">—</td>
            <td />
          </tr>
          {rows.map((r) => (
            <tr key={r.runId} data-testid="ablation-row" data-run-id={r.runId}>
              <th scope="row">
                <a href={`#/runs/${r.runId}`}>{r.label}</a>
              </th>
              <td class="num">{formatMetric(metric, r.value)}</td>
              <td
                class={`num ${r.helped === true ? "worse" : r.helped === false ? "better" : ""}`}
                data-testid="ablation-delta"
              >
                {formatDelta(metric, r.delta)}
              </td>
              <td>{r.status}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
