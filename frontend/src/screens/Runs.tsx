// The runs list: every stored run, filtered, sorted and paged by the server, updated live.
// Data and decisions: hooks/useRunsPage (state/runsPage), hooks/useRunActions.
import { useState } from "preact/hooks";
import type { Catalog, EnsembleMethod, Run } from "../api/types";
import { EnsembleMethodSelect } from "../components/runs/EnsembleMethodSelect";
import { EnsemblePanel } from "../components/runs/EnsemblePanel";
import { RunsEmpty } from "../components/runs/RunsEmpty";
import { Filters } from "../components/runs/RunsFilters";
import { RunsPager } from "../components/runs/RunsPager";
import { RunsTable } from "../components/runs/RunsTable";
import { type EnsembleState, useEnsemble } from "../hooks/useEnsemble";
import { useNow } from "../hooks/useNow";
import { useRunActions } from "../hooks/useRunActions";
import { useRunsPage } from "../hooks/useRunsPage";
import { useSelection } from "../hooks/useSelection";
import type { SocketState } from "../net/socket";
import { ensembleProblem } from "../state/ensemble";
import { navigate, type Route } from "../state/route";
import { emptyState } from "../state/runsPage";
import { isActive } from "../state/status";
import "./runs.css";

type RunsRoute = Extract<Route, { screen: "runs" }>;

export function RunsScreen({ route, catalog }: { route: RunsRoute; catalog: Catalog }) {
  const list = useRunsPage(route.filter);
  const actions = useRunActions();
  const selection = useSelection();
  const ensemble = useEnsemble();
  const { filter, go, page } = list;
  const rows = page?.rows ?? [];
  const now = useNow(rows.some((r) => isActive(r.status)) ? 1000 : 30_000);
  const empty = emptyState(list, filter);

  const patch = (id: number, p: { name?: string; tags?: string[] }) =>
    actions.patch(id, p).then((run) => {
      if (run) list.rowChanged(run);
      return run !== null;
    });
  const remove = (run: Run) =>
    actions.remove(run).then((done) => {
      if (!done) return;
      list.rowRemoved(run.id);
      selection.drop(run.id);
    });

  return (
    <section class="runs-screen" aria-labelledby="runs-title">
      <RunsHead live={list.live} selected={selection.ids} />
      <EnsembleBar selected={selection.ids} rows={page?.rows ?? []} ensemble={ensemble} />
      {ensemble.error && (
        <div class="banner error" role="alert" data-testid="ensemble-error">
          Could not score the ensemble: {ensemble.error}
        </div>
      )}
      {ensemble.result && <EnsemblePanel out={ensemble.result} onClose={ensemble.close} />}
      <Filters filter={filter} catalog={catalog} go={go} />
      {list.error && (
        <div class="banner error" role="alert" data-testid="runs-error">
          Could not load runs: {list.error} <span class="muted">Retrying…</span>{" "}
          <button type="button" onClick={() => list.reload()}>
            Retry now
          </button>
        </div>
      )}
      {actions.error && (
        <div class="banner error" role="alert">
          {actions.error}{" "}
          <button type="button" onClick={actions.dismiss}>
            Dismiss
          </button>
        </div>
      )}
      {!page && list.loading && <p class="loading">Loading runs…</p>}
      {empty !== "none" && <RunsEmpty kind={empty} filter={filter} go={go} />}
      {rows.length > 0 && (
        <RunsTable
          rows={rows}
          filter={filter}
          go={go}
          now={now}
          busy={list.loading}
          selection={selection}
          onPatch={patch}
          onDelete={remove}
        />
      )}
      {page && (filter.cursor || page.next) && (
        <RunsPager filter={filter} next={page.next} go={go} />
      )}
    </section>
  );
}

function RunsHead({ live, selected }: { live: SocketState; selected: number[] }) {
  return (
    <div class="row runs-head">
      <h1 id="runs-title">Runs</h1>
      <span class={`runs-live ${live}`} role="status" title="Live updates from /api/events">
        {live === "open" ? "● Live" : live === "closed" ? "" : "○ Reconnecting…"}
      </span>
      <span class="spacer" />
      <button
        type="button"
        class="primary"
        data-testid="compare-selected"
        disabled={selected.length < 2}
        title={selected.length < 2 ? "Select at least two runs to compare" : undefined}
        onClick={() => navigate({ screen: "compare", ids: selected })}
      >
        Compare selected{selected.length ? ` (${selected.length})` : ""}
      </button>
    </div>
  );
}

interface EnsembleBarProps {
  selected: number[];
  rows: Run[];
  ensemble: EnsembleState;
}

/** Score the selected runs together; shown once two or more runs are selected. */
function EnsembleBar({ selected, rows, ensemble }: EnsembleBarProps) {
  const [method, setMethod] = useState<EnsembleMethod>("mean_prob");
  if (selected.length < 2) return null;
  const problem = ensembleProblem(selected, rows);
  return (
    <div class="row ensemble-bar">
      <EnsembleMethodSelect value={method} onChange={setMethod} />
      <button
        type="button"
        data-testid="ensemble-selected"
        disabled={problem !== null || ensemble.busy}
        title={problem ?? "Score the selected runs together on their shared test set"}
        onClick={() => ensemble.score(selected, method)}
      >
        {ensemble.busy ? "Scoring…" : `Ensemble (${selected.length})`}
      </button>
      {problem && <span class="muted">{problem}</span>}
    </div>
  );
}
