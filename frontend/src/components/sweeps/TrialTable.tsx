// The results table: one row per trial (its params, final metrics, status), sortable by any
// column; the best trial is marked; succeeded trials can be picked for an ensemble.
import type { ComponentChildren } from "preact";
import { useState } from "preact/hooks";
import type { SweepView, Trial } from "../../api/types";
import type { Selection } from "../../hooks/useSelection";
import { whyNotSelectable } from "../../state/sweepEnsemble";
import { shortPath } from "../../state/sweepFields";
import {
  columnKey,
  defaultSort,
  formatMetric,
  formatParam,
  metricColumns,
  metricLabel,
  nextSort,
  sortTrials,
  type TrialColumn,
  type TrialSort,
  trialMetric,
} from "../../state/sweepView";

interface TrialTableProps {
  sweep: SweepView;
  bestId: number | null;
  /** The trials picked for an ensemble; no checkboxes without it. */
  picked?: Selection;
  /** Shown between the title and the table (the ensemble bar). */
  tools?: ComponentChildren;
}

export function TrialTable({ sweep, bestId, picked, tools }: TrialTableProps) {
  const [sort, setSort] = useState<TrialSort>(() => defaultSort(sweep));
  const metrics = metricColumns(sweep);
  const rows = sortTrials(sweep.trials, sort);
  const header = (label: string, column: TrialColumn, num = false) => {
    const on = columnKey(sort.column) === columnKey(column);
    const dir = on ? (sort.descending ? "descending" : "ascending") : "none";
    return (
      <th aria-sort={dir} class={num ? "num" : undefined} key={columnKey(column)}>
        <button
          type="button"
          class="sort"
          data-testid={`sort-${columnKey(column)}`}
          onClick={() => setSort(nextSort(sort, column))}
        >
          {label}
          <span aria-hidden="true" class="arrow">
            {dir === "ascending" ? "▲" : dir === "descending" ? "▼" : ""}
          </span>
        </button>
      </th>
    );
  };
  return (
    <section class="panel" aria-labelledby="trial-table-title">
      <h2 id="trial-table-title">Results</h2>
      {tools}
      <div class="diff-wrap">
        <table class="runs-table trial-table" data-testid="trial-table">
          <thead>
            <tr>
              {picked && (
                <th class="check">
                  <span class="visually-hidden">Pick for an ensemble</span>
                </th>
              )}
              {header("#", { kind: "index" }, true)}
              {sweep.params.map((p) => header(shortPath(p), { kind: "param", path: p }))}
              {header("seed", { kind: "seed" }, true)}
              {metrics.map((m) => header(metricLabel(m), { kind: "metric", name: m }, true))}
              {header("status", { kind: "status" })}
            </tr>
          </thead>
          <tbody>
            {rows.map((t) => (
              <tr
                key={t.run_id}
                data-testid="trial-row"
                data-run-id={t.run_id}
                data-best={t.run_id === bestId ? "true" : undefined}
                class={rowClass(t, bestId, picked)}
              >
                {picked && <PickCell trial={t} picked={picked} />}
                <td class="num">
                  <a href={`#/runs/${t.run_id}`}>{t.index}</a>
                </td>
                {sweep.params.map((p) => (
                  <td key={p} data-param={p}>
                    {formatParam(t.params[p])}
                  </td>
                ))}
                <td class="num">{t.seed ?? "—"}</td>
                {metrics.map((m) => (
                  <td key={m} class="num" data-metric={m}>
                    {formatMetric(m, trialMetric(t, m))}
                  </td>
                ))}
                <td>
                  {t.status}
                  {t.run_id === bestId && <span class="badge best-badge">best</span>}
                  {t.error && <div class="error-text small">{t.error}</div>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function rowClass(t: Trial, bestId: number | null, picked?: Selection): string | undefined {
  const names = [t.run_id === bestId && "best", picked?.ids.includes(t.run_id) && "selected"];
  return names.filter(Boolean).join(" ") || undefined;
}

/** A checkbox for a succeeded trial; for the others a disabled one that says why. */
function PickCell({ trial, picked }: { trial: Trial; picked: Selection }) {
  const why = whyNotSelectable(trial);
  return (
    <td class="check">
      <input
        type="checkbox"
        data-testid="trial-pick"
        aria-label={`Pick trial ${trial.index} for an ensemble`}
        title={why ? `Cannot join an ensemble: ${why}` : "Pick for an ensemble"}
        disabled={why !== null}
        checked={why === null && picked.ids.includes(trial.run_id)}
        onChange={() => picked.toggle(trial.run_id)}
      />
    </td>
  );
}
