// Tabular samples of a data preview: the first training rows, the target last.
import type { DataPreview } from "../../api/client";
import { formatNumber } from "../../state/format";
import type { LabelOf } from "./label";

const MAX_ROWS = 20;

export function PreviewTable({
  preview,
  label,
}: {
  preview: Extract<DataPreview, { kind: "tabular" }>;
  label: LabelOf;
}) {
  const cell = (v: number | string, last: boolean) =>
    last ? label(v) : typeof v === "number" ? formatNumber(v) : v;
  return (
    <div class="preview-table">
      <table>
        <caption class="muted small">
          First {Math.min(MAX_ROWS, preview.rows.length)} training rows (the last column is the
          target)
        </caption>
        <thead>
          <tr>
            {preview.columns.map((c) => (
              <th scope="col" key={c}>
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {preview.rows.slice(0, MAX_ROWS).map((row, i) => (
            <tr key={i}>
              {row.map((v, j) => (
                <td key={j} class={typeof v === "number" ? "num" : undefined}>
                  {cell(v, j === row.length - 1)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
