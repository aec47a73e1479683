// Compare's "What differs" table: the spec fields that differ between the runs, then their results.
import type { Catalog } from "../../api/types";
import { type Loaded, metricRows, runLabel } from "../../state/compare";
import { diffSpecs, formatValue } from "../../state/diff";

export function Ablation({
  loaded,
  colorOf,
  catalog,
}: {
  loaded: Loaded[];
  colorOf: (id: number) => string;
  catalog: Catalog;
}) {
  const runs = loaded.map((l) => l.run);
  const rows = diffSpecs(runs.map((r) => r.spec));
  const metrics = metricRows(runs, Date.now());
  const title = (id: string) => catalog.datasets.find((d) => d.id === id)?.title ?? id;
  return (
    <section class="panel" aria-labelledby="ablation-title">
      <h2 id="ablation-title">What differs</h2>
      <p class="muted small">
        Only the spec fields whose values differ between these runs (— where a run does not have the
        field), then their results.
      </p>
      <div class="diff-wrap">
        <table class="diff-table" data-testid="diff-table">
          <thead>
            <tr>
              <th scope="col">Field</th>
              {runs.map((r) => (
                <th scope="col" key={r.id} data-run-id={r.id}>
                  <span class="swatch" style={{ background: colorOf(r.id) }} aria-hidden="true" />
                  <a href={`#/runs/${r.id}`}>{runLabel(r)}</a>
                  <div class="muted small">{title(r.dataset)}</div>
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 && (
              <tr data-testid="diff-none">
                <td colSpan={runs.length + 1} class="muted">
                  The specs are identical.
                </td>
              </tr>
            )}
            {rows.map((row) => (
              <tr key={row.path} data-testid="diff-row" data-path={row.path}>
                <th scope="row" class="path">
                  <code>{row.path}</code>
                </th>
                {row.values.map((v, i) => (
                  <td
                    key={runs[i].id}
                    data-testid="diff-cell"
                    data-run-id={runs[i].id}
                    class={v === undefined ? "absent" : undefined}
                  >
                    {formatValue(v)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
          <tbody class="metrics">
            {metrics.map((m) => (
              <tr key={m.testid} data-testid="metric-row" data-metric={m.testid}>
                <th scope="row">{m.label}</th>
                {m.cells.map((c, i) => (
                  <td key={runs[i].id} data-run-id={runs[i].id}>
                    {c}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
