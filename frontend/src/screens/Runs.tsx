// The runs list: every stored run, filtered, sorted and paged by the server, updated live.
// Data and decisions: hooks/useRunsPage (state/runsPage), hooks/useRunActions.
import type { Catalog, Run } from "../api/types";
import { RunsEmpty } from "../components/runs/RunsEmpty";
import { Filters } from "../components/runs/RunsFilters";
import { RunsPager } from "../components/runs/RunsPager";
import { RunsTable } from "../components/runs/RunsTable";
import { useNow } from "../hooks/useNow";
import { useRunActions } from "../hooks/useRunActions";
import { useRunsPage } from "../hooks/useRunsPage";
import { useSelection } from "../hooks/useSelection";
import type { SocketState } from "../net/socket";
import { navigate, type Route } from "../state/route";
import { emptyState } from "../state/runsPage";
import { isActive } from "../state/status";
import "./runs.css";

type RunsRoute = Extract<Route, { screen: "runs" }>;

export function RunsScreen({ route, catalog }: { route: RunsRoute; catalog: Catalog }) {
  const list = useRunsPage(route.filter);
  const actions = useRunActions();
  const selection = useSelection();
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
