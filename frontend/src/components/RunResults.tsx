// A finished run's test results: its metrics and, for classification, the confusion matrix.
import type { RunResult } from "../api/types";
import { ConfusionMatrix } from "../charts/ConfusionMatrix";
import { TestMetrics } from "../charts/TestMetrics";

export function RunResults({ result }: { result: RunResult }) {
  return (
    <div class="chart-grid results">
      <section class="panel chart-cell">
        <TestMetrics result={result} />
      </section>
      {result.confusion && result.confusion.length > 0 && (
        <section class="panel chart-cell">
          <ConfusionMatrix
            confusion={result.confusion}
            perClassAccuracy={result.per_class_accuracy}
          />
        </section>
      )}
    </div>
  );
}
