// The result of "Ensemble" in the runs list: members' and the ensemble's test metrics.
import type { EnsembleOut } from "../../api/types";
import { ensembleRows, meanMemberAccuracy } from "../../state/ensemble";
import { formatNumber, formatPercent } from "../../state/format";

export function EnsemblePanel({ out, onClose }: { out: EnsembleOut; onClose: () => void }) {
  const mean = meanMemberAccuracy(out);
  return (
    <section class="panel ensemble-panel" data-testid="ensemble-panel" aria-label="Ensemble">
      <div class="row">
        <h2>Ensemble of {out.members.length} runs</h2>
        <span class="spacer" />
        <button type="button" onClick={onClose}>
          Close
        </button>
      </div>
      <table class="ensemble-table" data-testid="ensemble-table">
        <thead>
          <tr>
            <th>Model</th>
            <th class="num">Test accuracy</th>
            <th class="num">Test loss</th>
          </tr>
        </thead>
        <tbody>
          {ensembleRows(out).map((row) => (
            <tr key={row.label} class={row.runId === null ? "ensemble-total" : undefined}>
              <td>
                {row.runId === null ? row.label : <a href={`#/runs/${row.runId}`}>{row.label}</a>}
              </td>
              <td class="num">{formatPercent(row.accuracy)}</td>
              <td class="num">{formatNumber(row.loss)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p class="muted">
        {out.n_test} test samples
        {mean !== null ? `; mean member accuracy ${formatPercent(mean)}` : ""}. {out.note}
      </p>
    </section>
  );
}
