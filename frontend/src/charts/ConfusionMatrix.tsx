// Test-set confusion matrix: counts, cells shaded by their share of the true class's row.

import { formatPercent } from "../state/format";
import { confusionTable } from "../state/results";
import { withAlpha } from "./colors";
import "./charts.css";

export interface ConfusionMatrixProps {
  confusion: number[][]; // [true class][predicted class] counts
  perClassAccuracy?: (number | null)[] | null;
  classNames?: string[] | null;
}

const SHADE = "#1f77b4";

export function ConfusionMatrix({ confusion, perClassAccuracy, classNames }: ConfusionMatrixProps) {
  const t = confusionTable(confusion);
  const name = (k: number) => classNames?.[k] ?? String(k);
  return (
    <div class="confusion-wrap">
      <table class="confusion" data-testid="confusion">
        <caption>
          Confusion matrix on the test set: rows are true classes, columns predicted ones; shading
          is the share of the row.
        </caption>
        <thead>
          <tr>
            <th scope="col">true \ predicted</th>
            {confusion.map((_, j) => (
              <th scope="col" class="num" key={j}>
                {name(j)}
              </th>
            ))}
            {perClassAccuracy && (
              <th scope="col" class="num">
                accuracy
              </th>
            )}
          </tr>
        </thead>
        <tbody>
          {confusion.map((row, i) => (
            <tr key={i}>
              <th scope="row">{name(i)}</th>
              {row.map((count, j) => {
                const share = t.shares[i][j];
                return (
                  <td
                    key={j}
                    class={`num${i === j ? " diagonal" : ""}`}
                    style={{
                      background: withAlpha(SHADE, share * 0.85),
                      color: share > 0.5 ? "#ffffff" : undefined,
                    }}
                    title={`true ${name(i)}, predicted ${name(j)}: ${count} of ${t.rowTotals[i]} (${formatPercent(share)})`}
                  >
                    {count}
                  </td>
                );
              })}
              {perClassAccuracy && <td class="num">{formatPercent(perClassAccuracy[i])}</td>}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
