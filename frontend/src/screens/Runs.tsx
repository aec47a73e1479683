// The runs list: every stored run, filtered, sorted and paged by the server, updated live.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { Catalog, Run } from "../api/types";
import { RunRow } from "../components/runs/RunRow";
import { Filters } from "../components/runs/RunsFilters";
import { SortHeader } from "../components/runs/SortHeader";
import { useAutoRetry } from "../hooks/useLoad";
import { useNow } from "../hooks/useNow";
import { type EventsState, RunEvents } from "../run/events";
import { formatHash, navigate, type Route, type RunsFilter } from "../state/route";
import {
  applyEvents,
  isActive,
  listQuery,
  replaceRow,
  toggleId,
  withFilter,
} from "../state/runsTable";
import "./runs.css";

type RunsRoute = Extract<Route, { screen: "runs" }>;
interface Page {
  rows: Run[];
  next: string | null;
}
type Editing = { id: number; field: "name" | "tags" } | null;

export function RunsScreen({ route, catalog }: { route: RunsRoute; catalog: Catalog }) {
  // The filter lives in the URL; typing a name rewrites the URL without a hashchange, so the
  // screen keeps its own copy and takes the route's on every hashchange (a new route object).
  const [filter, setFilter] = useState<RunsFilter>(route.filter);
  useEffect(() => setFilter(route.filter), [route]);
  const filterKey = formatHash({ screen: "runs", filter });

  const [page, setPage] = useState<Page | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [reloads, setReloads] = useState(0);
  const [selected, setSelected] = useState<number[]>([]);
  const [editing, setEditing] = useState<Editing>(null);
  const [actionError, setActionError] = useState<string | null>(null);
  const [live, setLive] = useState<EventsState>("connecting");
  const anyActive = page?.rows.some((r) => isActive(r.status)) ?? false;
  const now = useNow(anyActive ? 1000 : 30_000);

  const pageRef = useRef(page);
  const filterRef = useRef(filter);
  filterRef.current = filter;
  const quiet = useRef(false); // a reload the user did not ask for: no "Loading" flash
  const eventsDuringLoad = useRef(false);
  const show = (p: Page) => {
    pageRef.current = p;
    setPage(p);
  };
  const reload = (silently = false) => {
    quiet.current = silently;
    setReloads((n) => n + 1);
  };

  useEffect(() => {
    let current = true;
    if (!quiet.current) setLoading(true);
    quiet.current = false;
    eventsDuringLoad.current = false;
    api.listRuns(listQuery(filter)).then(
      (res) => {
        if (!current) return;
        show({ rows: res.items, next: res.next_cursor });
        setError(null);
        setLoading(false);
        // Events that came while this page was on its way were applied to the old rows;
        // the answer may predate them, so ask once more.
        if (eventsDuringLoad.current) setTimeout(() => reload(true), 250);
      },
      (e: unknown) => {
        if (!current) return;
        setError(errorMessage(e));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [filterKey, reloads]);

  useAutoRetry(error !== null, () => reload(true), reloads);

  // Live status changes: rows change in place; a new run reloads the page (once per burst).
  useEffect(() => {
    let refetch: ReturnType<typeof setTimeout> | undefined;
    const client = new RunEvents({
      onState: setLive,
      onOpen: (reconnected) => reconnected && reload(true), // missed events while away
      onEvents: (events) => {
        eventsDuringLoad.current = true;
        const cur = pageRef.current;
        if (!cur) return;
        const out = applyEvents(cur.rows, events, filterRef.current, Date.now());
        if (out.rows !== cur.rows) show({ ...cur, rows: out.rows });
        for (const id of out.refresh) {
          api.getRun(id).then(
            (run) => {
              const p = pageRef.current;
              if (p) show({ ...p, rows: replaceRow(p.rows, run) });
            },
            () => {}, // deleted meanwhile: its "deleted" event removes the row
          );
        }
        if (out.refetch) {
          clearTimeout(refetch);
          refetch = setTimeout(() => reload(true), 250);
        }
      },
    });
    return () => {
      clearTimeout(refetch);
      client.close();
    };
  }, []);

  const go = (next: RunsFilter, replace = false) => {
    setFilter(next);
    navigate({ screen: "runs", filter: next }, replace);
  };

  const patchRow = (id: number, patch: { name?: string; tags?: string[] }) => {
    setActionError(null);
    api.patchRun(id, patch).then(
      (run) => {
        const p = pageRef.current;
        if (p) show({ ...p, rows: replaceRow(p.rows, run) });
        setEditing(null);
      },
      (e: unknown) => setActionError(`Could not change run ${id}: ${errorMessage(e)}`),
    );
  };

  const remove = (run: Run) => {
    const active = isActive(run.status) ? ` It is still ${run.status} and will be cancelled.` : "";
    if (!confirm(`Delete run ${run.id} "${run.name}" and all its metrics?${active}`)) return;
    setActionError(null);
    api.deleteRun(run.id).then(
      () => {
        const p = pageRef.current;
        if (p) show({ ...p, rows: p.rows.filter((r) => r.id !== run.id) });
        setSelected((s) => s.filter((x) => x !== run.id));
      },
      (e: unknown) => setActionError(`Could not delete run ${run.id}: ${errorMessage(e)}`),
    );
  };

  const rows = page?.rows ?? [];
  const filtered = Boolean(filter.status || filter.name || filter.dataset || filter.tag);
  const pageIds = rows.map((r) => r.id);
  const allSelected = pageIds.length > 0 && pageIds.every((id) => selected.includes(id));

  return (
    <section class="runs-screen" aria-labelledby="runs-title">
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

      <Filters filter={filter} catalog={catalog} go={go} />

      {error && (
        <div class="banner error" role="alert" data-testid="runs-error">
          Could not load runs: {error} <span class="muted">Retrying…</span>{" "}
          <button type="button" onClick={() => reload()}>
            Retry now
          </button>
        </div>
      )}
      {actionError && (
        <div class="banner error" role="alert">
          {actionError}{" "}
          <button type="button" onClick={() => setActionError(null)}>
            Dismiss
          </button>
        </div>
      )}

      {!page && loading && <p class="loading">Loading runs…</p>}
      {page && !error && rows.length === 0 && !filtered && !filter.cursor && (
        <div class="empty panel" data-testid="runs-empty">
          No runs yet — build one in the <a href="#/play">Playground</a>.
        </div>
      )}
      {page && !error && rows.length === 0 && (filtered || filter.cursor) && (
        <div class="empty panel" data-testid="runs-empty">
          No runs match.{" "}
          <button
            type="button"
            onClick={() => go({ sort: filter.sort, descending: filter.descending })}
          >
            Clear filters
          </button>
        </div>
      )}

      {rows.length > 0 && (
        <div class="runs-table-wrap panel" aria-busy={loading}>
          <table class="runs-table" data-testid="runs-table">
            <thead>
              <tr>
                <th class="check">
                  <input
                    type="checkbox"
                    aria-label="Select every run on this page"
                    checked={allSelected}
                    onChange={() =>
                      setSelected((s) =>
                        allSelected
                          ? s.filter((id) => !pageIds.includes(id))
                          : [...s, ...pageIds.filter((id) => !s.includes(id))],
                      )
                    }
                  />
                </th>
                <SortHeader label="Name" col="name" filter={filter} go={go} />
                <th>Data set</th>
                <th class="wide-only">Model</th>
                <th class="wide-only">Optimizer</th>
                <SortHeader label="Status" col="status" filter={filter} go={go} />
                <SortHeader
                  label="Best val acc"
                  col="best_val_accuracy"
                  filter={filter}
                  go={go}
                  num
                />
                <SortHeader label="Test acc" col="test_accuracy" filter={filter} go={go} num />
                <th class="num">Duration</th>
                <SortHeader label="Created" col="created_at" filter={filter} go={go} />
              </tr>
            </thead>
            <tbody>
              {rows.map((run) => (
                <RunRow
                  key={run.id}
                  run={run}
                  now={now}
                  selected={selected.includes(run.id)}
                  editing={editing?.id === run.id ? editing.field : null}
                  onSelect={() => setSelected((s) => toggleId(s, run.id))}
                  onEdit={(field) => setEditing(field ? { id: run.id, field } : null)}
                  onPatch={(patch) => patchRow(run.id, patch)}
                  onDelete={() => remove(run)}
                  onTag={(tag) => go(withFilter(filter, { tag }))}
                />
              ))}
            </tbody>
          </table>
        </div>
      )}

      {page && (filter.cursor || page.next) && (
        <nav class="row runs-pager" aria-label="Pages">
          <button
            type="button"
            disabled={!filter.cursor}
            onClick={() => go(withFilter(filter, {}))}
          >
            First page
          </button>
          <button
            type="button"
            disabled={!page.next}
            onClick={() => page.next && go(withFilter(filter, { cursor: page.next }))}
          >
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}
