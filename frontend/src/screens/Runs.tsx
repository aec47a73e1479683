// The runs list: every stored run, filtered, sorted and paged by the server, updated live.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError } from "../api/client";
import type { Catalog, Run } from "../api/types";
import { RunEvents, type EventsState } from "../run/events";
import { formatDuration, formatPercent } from "../state/format";
import { formatHash, navigate, type Route, type RunsFilter } from "../state/route";
import {
  absoluteTime,
  applyEvents,
  ariaSort,
  isActive,
  listQuery,
  modelSummary,
  optimizerLabel,
  parseTags,
  relativeTime,
  replaceRow,
  runDuration,
  sortBy,
  STATUSES,
  toggleId,
  withFilter,
  type SortKey,
} from "../state/runsTable";
import "./runs.css";

type RunsRoute = Extract<Route, { screen: "runs" }>;
interface Page {
  rows: Run[];
  next: string | null;
}
type Editing = { id: number; field: "name" | "tags" } | null;

/** Date.now(), re-read every `ms` so durations and "3 min ago" stay current. */
function useNow(ms: number): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

const message = (e: unknown) => (e instanceof ApiError ? e.message : String(e));

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
    api.listRuns(listQuery(filter)).then(
      (res) => {
        if (!current) return;
        show({ rows: res.items, next: res.next_cursor });
        setError(null);
        setLoading(false);
      },
      (e: unknown) => {
        if (!current) return;
        setError(message(e));
        setLoading(false);
      },
    );
    return () => {
      current = false;
    };
  }, [filterKey, reloads]);

  // A server that is down comes back by itself: retry every few seconds.
  useEffect(() => {
    if (!error) return;
    const t = setTimeout(() => reload(true), 3000);
    return () => clearTimeout(t);
  }, [error, reloads]);

  // Live status changes: rows change in place; a new run reloads the page (once per burst).
  useEffect(() => {
    let refetch: ReturnType<typeof setTimeout> | undefined;
    const client = new RunEvents({
      onState: setLive,
      onOpen: (reconnected) => reconnected && reload(true), // missed events while away
      onEvents: (events) => {
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
      (e: unknown) => setActionError(`Could not change run ${id}: ${message(e)}`),
    );
  };

  const remove = (run: Run) => {
    const active = isActive(run.status) ? " It is still " + run.status + " and will be cancelled." : "";
    if (!confirm(`Delete run ${run.id} "${run.name}" and all its metrics?${active}`)) return;
    setActionError(null);
    api.deleteRun(run.id).then(
      () => {
        const p = pageRef.current;
        if (p) show({ ...p, rows: p.rows.filter((r) => r.id !== run.id) });
        setSelected((s) => s.filter((x) => x !== run.id));
      },
      (e: unknown) => setActionError(`Could not delete run ${run.id}: ${message(e)}`),
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
          <button onClick={() => reload()}>Retry now</button>
        </div>
      )}
      {actionError && (
        <div class="banner error" role="alert">
          {actionError} <button onClick={() => setActionError(null)}>Dismiss</button>
        </div>
      )}

      {!page && loading && <p class="loading">Loading runs…</p>}
      {page && rows.length === 0 && !filtered && !filter.cursor && (
        <div class="empty panel" data-testid="runs-empty">
          No runs yet — build one in the <a href="#/play">Playground</a>.
        </div>
      )}
      {page && rows.length === 0 && (filtered || filter.cursor) && (
        <div class="empty panel" data-testid="runs-empty">
          No runs match.{" "}
          <button onClick={() => go({ sort: filter.sort, descending: filter.descending })}>Clear filters</button>
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
                        allSelected ? s.filter((id) => !pageIds.includes(id)) : [...s, ...pageIds.filter((id) => !s.includes(id))],
                      )
                    }
                  />
                </th>
                <SortHeader label="Name" col="name" filter={filter} go={go} />
                <th>Data set</th>
                <th class="wide-only">Model</th>
                <th class="wide-only">Optimizer</th>
                <SortHeader label="Status" col="status" filter={filter} go={go} />
                <SortHeader label="Best val acc" col="best_val_accuracy" filter={filter} go={go} num />
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
          <button disabled={!filter.cursor} onClick={() => go(withFilter(filter, {}))}>
            First page
          </button>
          <button disabled={!page.next} onClick={() => page.next && go(withFilter(filter, { cursor: page.next }))}>
            Next page
          </button>
        </nav>
      )}
    </section>
  );
}

function Filters({ filter, catalog, go }: { filter: RunsFilter; catalog: Catalog; go: (f: RunsFilter, replace?: boolean) => void }) {
  // The name box waits for a pause in typing, then filters on the server.
  const [name, setName] = useState(filter.name ?? "");
  useEffect(() => setName(filter.name ?? ""), [filter.name]);
  useEffect(() => {
    const value = name.trim();
    if (value === (filter.name ?? "")) return;
    const t = setTimeout(() => go(withFilter(filter, { name: value || undefined }), true), 300);
    return () => clearTimeout(t);
  }, [name, filter]);
  const datasets = catalog.datasets.map((d) => d.id);
  if (filter.dataset && !datasets.includes(filter.dataset)) datasets.push(filter.dataset);
  return (
    <form class="runs-filters row" role="search" onSubmit={(e) => e.preventDefault()}>
      <label>
        <span class="small muted">Name</span>
        <input
          type="search"
          value={name}
          placeholder="Search names"
          data-testid="runs-search"
          onInput={(e) => setName((e.target as HTMLInputElement).value)}
        />
      </label>
      <label>
        <span class="small muted">Status</span>
        <select
          value={filter.status ?? ""}
          data-testid="runs-status-filter"
          onChange={(e) => go(withFilter(filter, { status: (e.target as HTMLSelectElement).value || undefined }))}
        >
          <option value="">Any status</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {s}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span class="small muted">Data set</span>
        <select
          value={filter.dataset ?? ""}
          data-testid="runs-dataset-filter"
          onChange={(e) => go(withFilter(filter, { dataset: (e.target as HTMLSelectElement).value || undefined }))}
        >
          <option value="">Any data set</option>
          {datasets.map((d) => (
            <option key={d} value={d}>
              {d}
            </option>
          ))}
        </select>
      </label>
      {filter.tag && (
        <span class="runs-tag-filter">
          <span class="small muted">Tag</span>
          <button type="button" class="tag" onClick={() => go(withFilter(filter, { tag: undefined }))} aria-label={`Stop filtering by tag ${filter.tag}`}>
            {filter.tag} ✕
          </button>
        </span>
      )}
    </form>
  );
}

function SortHeader(props: { label: string; col: SortKey; filter: RunsFilter; go: (f: RunsFilter) => void; num?: boolean }) {
  const sort = ariaSort(props.filter, props.col);
  const arrow = sort === "ascending" ? "▲" : sort === "descending" ? "▼" : "";
  return (
    <th aria-sort={sort} class={props.num ? "num" : undefined}>
      <button type="button" class="sort" onClick={() => props.go(sortBy(props.filter, props.col))}>
        {props.label}
        <span aria-hidden="true" class="arrow">
          {arrow}
        </span>
      </button>
    </th>
  );
}

interface RowProps {
  run: Run;
  now: number;
  selected: boolean;
  editing: "name" | "tags" | null;
  onSelect: () => void;
  onEdit: (field: "name" | "tags" | null) => void;
  onPatch: (patch: { name?: string; tags?: string[] }) => void;
  onDelete: () => void;
  onTag: (tag: string) => void;
}

function RunRow({ run, now, selected, editing, onSelect, onEdit, onPatch, onDelete, onTag }: RowProps) {
  const duration = runDuration(run, now);
  return (
    <tr data-testid="run-row" data-run-id={run.id} data-status={run.status} class={selected ? "selected" : undefined}>
      <td class="check">
        <input type="checkbox" aria-label={`Select run ${run.id} ${run.name}`} checked={selected} onChange={onSelect} />
      </td>
      <td class="name">
        {editing === "name" ? (
          <InlineEdit
            label={`New name for run ${run.id}`}
            initial={run.name}
            onSave={(v) => (v.trim() ? onPatch({ name: v.trim() }) : onEdit(null))}
            onCancel={() => onEdit(null)}
          />
        ) : (
          <a href={`#/runs/${run.id}`} data-testid="run-link">
            {run.name}
          </a>
        )}
        <span class="muted small"> #{run.id}</span>
        {editing === "tags" ? (
          <InlineEdit
            label={`Tags for run ${run.id}, separated by commas`}
            initial={run.tags.join(", ")}
            onSave={(v) => onPatch({ tags: parseTags(v) })}
            onCancel={() => onEdit(null)}
          />
        ) : (
          run.tags.length > 0 && (
            <div class="tags">
              {run.tags.map((t) => (
                <button key={t} type="button" class="tag" title={`Show runs tagged ${t}`} onClick={() => onTag(t)}>
                  {t}
                </button>
              ))}
            </div>
          )
        )}
        {editing === null && (
          <div class="row-actions">
            <button type="button" onClick={() => onEdit("name")} aria-label={`Rename run ${run.id}`}>
              Rename
            </button>
            <button type="button" onClick={() => onEdit("tags")} aria-label={`Edit tags of run ${run.id}`}>
              Tags
            </button>
            <button type="button" class="danger" onClick={onDelete} aria-label={`Delete run ${run.id}`} data-testid="run-delete">
              Delete
            </button>
          </div>
        )}
      </td>
      <td>{run.dataset}</td>
      <td class="wide-only model small">{modelSummary(run)}</td>
      <td class="wide-only small">{optimizerLabel(run.spec)}</td>
      <td>
        <span class={`badge ${run.status}`}>{run.status}</span>
        {run.status === "queued" && run.queue_position !== null && (
          <span class="small muted"> #{run.queue_position + 1} in queue</span>
        )}
        {run.error && (
          <div class="run-error small" title={run.error}>
            {run.error}
          </div>
        )}
      </td>
      <td class="num">{formatPercent(run.best_val_accuracy)}</td>
      <td class="num">{formatPercent(run.test_accuracy)}</td>
      <td class="num">{formatDuration(duration)}</td>
      <td>
        <time dateTime={run.created_at} title={absoluteTime(run.created_at)}>
          {relativeTime(run.created_at, now)}
        </time>
      </td>
    </tr>
  );
}

/** A text box that saves on Enter and gives up on Escape (also used by RunDetail). */
export function InlineEdit({ label, initial, onSave, onCancel }: { label: string; initial: string; onSave: (v: string) => void; onCancel: () => void }) {
  const [value, setValue] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    input.current?.focus();
    input.current?.select();
  }, []);
  return (
    <form
      class="inline-edit"
      onSubmit={(e) => {
        e.preventDefault();
        onSave(value);
      }}
    >
      <input
        ref={input}
        aria-label={label}
        value={value}
        maxLength={200}
        onInput={(e) => setValue((e.target as HTMLInputElement).value)}
        onKeyDown={(e) => e.key === "Escape" && onCancel()}
      />
      <button type="submit">Save</button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
    </form>
  );
}
