// A finished run's test results: its metrics and, for classification, the confusion matrix
// (few classes) or the most frequent mistakes (many classes, text).
import { useContext } from "preact/hooks";
import type { RunResult } from "../api/types";
import { ConfusionMatrix } from "../charts/ConfusionMatrix";
import { TestMetrics } from "../charts/TestMetrics";
import { TopConfusions } from "../charts/TopConfusions";
import { useClassNames } from "../hooks/useClassNames";
import { confusionTable, MAX_MATRIX_CLASSES } from "../state/results";
import { RunDataContext } from "./runDataContext";

export function RunResults({ result }: { result: RunResult }) {
  const data = useContext(RunDataContext);
  const confusion = result.confusion ?? [];
  const { names, text } = useClassNames(confusion.length ? data : null);
  const asList = text || confusion.length > MAX_MATRIX_CLASSES;
  return (
    <div class="chart-grid results">
      <section class="panel chart-cell">
        <TestMetrics result={result} />
      </section>
      {confusion.length > 0 && (
        <section class="panel chart-cell">
          {asList ? (
            <TopConfusions
              confusion={confusion}
              classNames={names}
              accuracy={confusionTable(confusion).accuracy}
            />
          ) : (
            <ConfusionMatrix
              confusion={confusion}
              perClassAccuracy={result.per_class_accuracy}
              classNames={names}
            />
          )}
        </section>
      )}
    </div>
  );
}
