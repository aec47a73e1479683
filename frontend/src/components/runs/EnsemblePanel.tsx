// The result of "Ensemble" in the runs list or on a sweep's page: members' and the ensemble's
// test metrics.
import type { EnsembleOut } from "../../api/types";
import { ensembleRows, ensembleVerdict, meanMemberAccuracy } from "../../state/ensemble";
import { formatNumber, formatPercent } from "../../state/format";

interface EnsemblePanelProps {
  out: EnsembleOut;
  onClose: () => void;
  /** A member's name in the table (default "Run 12"). */
  label?: (runId: number) => string;
}

export function EnsemblePanel({ out, onClose, label }: EnsemblePanelProps) {
  const mean = meanMemberAccuracy(out);
  const verdict = ensembleVerdict(out);
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
          {ensembleRows(out, label).map((row) => (
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
      {verdict && (
        <p class="ensemble-verdict" data-testid="ensemble-verdict">
          {verdict}
        </p>
      )}
      <p class="muted">
        {out.n_test} test samples
        {mean !== null ? `; mean member accuracy ${formatPercent(mean)}` : ""}. {out.note}
      </p>
    </section>
  );
}
