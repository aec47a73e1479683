// A many-class model's mistakes (a text model's 46 characters): the most frequent
// true -> predicted confusions as a list, instead of a matrix too large to read.
import { formatPercent } from "../state/format";
import { className, topConfusions } from "../state/results";
import "./charts.css";

export function TopConfusions({
  confusion,
  classNames,
  accuracy,
}: {
  confusion: number[][];
  classNames: string[] | null;
  accuracy: number;
}) {
  const top = topConfusions(confusion, 10);
  const name = (k: number) => className(classNames, k);
  return (
    <div class="top-confusions" data-testid="top-confusions">
      <h3 class="chart-title">Most frequent mistakes on the test set</h3>
      <p class="muted small">
        {confusion.length} classes, {formatPercent(accuracy)} right; the full matrix is too large to
        read, so here are the {top.length} most frequent true → predicted confusions.
      </p>
      <ol>
        {top.map((c) => (
          <li key={`${c.truth}-${c.predicted}`}>
            <code class="class-name">{name(c.truth)}</code> predicted as{" "}
            <code class="class-name">{name(c.predicted)}</code>: <strong>{c.count}</strong> times{" "}
            <span class="muted small">
              ({formatPercent(c.share)} of {name(c.truth)})
            </span>
          </li>
        ))}
      </ol>
    </div>
  );
}
