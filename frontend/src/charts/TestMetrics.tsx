// A finished run's test-set metrics: accuracy and loss, or MSE / MAE / R² for regression.
import { useId } from "preact/hooks";
import type { RunResult } from "../api/types";
import { resultCounts, testMetricRows } from "../state/results";
import "./charts.css";

export function TestMetrics({ result }: { result: RunResult }) {
  const rows = testMetricRows(result.test ?? {});
  const titleId = useId();
  return (
    <section class="test-metrics" data-testid="test-metrics" aria-labelledby={titleId}>
      <h3 id={titleId}>Test set</h3>
      {rows.length ? (
        <dl>
          {rows.map((r) => (
            <div key={r.key} data-metric={r.key}>
              <dt>{r.label}</dt>
              <dd>{r.value}</dd>
            </div>
          ))}
        </dl>
      ) : (
        <p class="muted small">
          No test metrics (the run has no test split, or stopped before the end).
        </p>
      )}
      <p class="muted small" data-testid="result-counts">
        {resultCounts(result)}
      </p>
    </section>
  );
}
