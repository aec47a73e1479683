// Compare: pick runs, overlay their epoch curves, and tabulate only what differs between them.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, ApiError, type MetricSeries } from "../api/client";
import type { Catalog, Run } from "../api/types";
import { LineChart } from "../charts/LineChart";
import { seriesColor } from "../charts/colors";
import { alignByEpoch, compareCharts, metricRows, runLabel } from "../state/compare";
import { diffSpecs, formatValue } from "../state/diff";
import { navigate } from "../state/route";
import { isActive, relativeTime, toggleId } from "../state/runsTable";
import "./runs.css";

interface Loaded {
  run: Run;
  series: MetricSeries;
}
type Entry = Loaded | { error: string; missing: boolean };

const MAX_POINTS = 1000; // per series; longer ones come back downsampled (LTTB)
const POLL_MS = 5000; // while a selected run is still training

function load(id: number): Promise<Entry> {
  return Promise.all([api.getRun(id), api.metrics(id, MAX_POINTS)]).then(
    ([run, m]) => ({ run, series: m.series }),
    (e: unknown) => ({
      error: e instanceof ApiError ? e.message : String(e),
      missing: e instanceof ApiError && e.status === 404,
    }),
  );
}

export function Compare({ ids, catalog }: { ids: number[]; catalog: Catalog }) {
  const [entries, setEntries] = useState<Map<number, Entry>>(new Map());
  const [version, setVersion] = useState(0);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const idsKey = ids.join(",");

  const put = (id: number, entry: Entry) => {
    setEntries((m) => new Map(m).set(id, entry));
    setVersion((v) => v + 1);
  };

  // Fetch each selected run once (and again after a failure when the selection changes).
  useEffect(() => {
    let current = true;
    for (const id of ids) {
      const e = entriesRef.current.get(id);
      if (e && "run" in e) continue;
      load(id).then((entry) => current && put(id, entry));
    }
    return () => {
      current = false;
    };
  }, [idsKey]);

  // Runs still training: fetch their curves again every few seconds.
  const active = ids.filter((id) => {
    const e = entries.get(id);
    return e && "run" in e && isActive(e.run.status);
  });
  useEffect(() => {
    if (!active.length) return;
    const t = setInterval(() => active.forEach((id) => load(id).then((e) => "run" in e && put(id, e))), POLL_MS);
    return () => clearInterval(t);
  }, [active.join(",")]);

  const setIds = (next: number[]) => navigate({ screen: "compare", ids: next });
  const loaded = ids.map((id) => entries.get(id)).filter((e): e is Loaded => e !== undefined && "run" in e);
  const colorOf = (id: number) => seriesColor(ids.indexOf(id));

  return (
    <section class="compare" aria-labelledby="compare-title">
      <h1 id="compare-title">Compare runs</h1>
      <div class="compare-layout">
        <RunPicker ids={ids} extra={loaded.map((l) => l.run)} onToggle={(id) => setIds(toggleId(ids, id))} />
        <div class="compare-main">
          <Legend ids={ids} entries={entries} colorOf={colorOf} onRemove={(id) => setIds(ids.filter((x) => x !== id))} />
          {ids.length < 2 ? (
            <div class="empty panel" data-testid="compare-hint">
              {ids.length === 0
                ? "Pick two or more runs from the list to compare their curves and settings."
                : "Pick at least one more run to compare with."}
            </div>
          ) : loaded.length < 2 && !ids.every((id) => entries.has(id)) ? (
            <p class="loading">Loading runs…</p>
          ) : loaded.length < 2 ? (
            <div class="empty panel" data-testid="compare-hint">
              Fewer than two of these runs could be loaded; pick others from the list.
            </div>
          ) : (
            <>
              <Charts loaded={loaded} colorOf={colorOf} version={version} />
              <Ablation loaded={loaded} colorOf={colorOf} catalog={catalog} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}

/** Recent runs with checkboxes; runs in the URL but not among them are listed first. */
function RunPicker({ ids, extra, onToggle }: { ids: number[]; extra: Run[]; onToggle: (id: number) => void }) {
  const [recent, setRecent] = useState<Run[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [attempt, setAttempt] = useState(0);
  const [query, setQuery] = useState("");
  useEffect(() => {
    let current = true;
    api.listRuns({ limit: 100 }).then(
      (page) => current && (setRecent(page.items), setError(null)),
      (e: unknown) => current && setError(e instanceof ApiError ? e.message : String(e)),
    );
    return () => {
      current = false;
    };
  }, [attempt]);
  useEffect(() => {
    if (!error) return;
    const t = setTimeout(() => setAttempt((a) => a + 1), 3000);
    return () => clearTimeout(t);
  }, [error, attempt]);

  const known = new Set((recent ?? []).map((r) => r.id));
  const runs = [...extra.filter((r) => !known.has(r.id)), ...(recent ?? [])];
  const q = query.trim().toLowerCase();
  const shown = q ? runs.filter((r) => r.name.toLowerCase().includes(q) || String(r.id) === q) : runs;
  const now = Date.now();
  return (
    <aside class="panel compare-picker" aria-labelledby="picker-title">
      <h2 id="picker-title">Runs</h2>
      <label>
        <span class="visually-hidden">Filter runs by name</span>
        <input type="search" placeholder="Filter by name" value={query} onInput={(e) => setQuery((e.target as HTMLInputElement).value)} />
      </label>
      {error && (
        <div class="banner error" role="alert">
          {error} <button onClick={() => setAttempt((a) => a + 1)}>Retry</button>
        </div>
      )}
      {!recent && !error && <p class="loading">Loading…</p>}
      {recent && runs.length === 0 && (
        <p class="empty">
          No runs yet — build one in the <a href="#/play">Playground</a>.
        </p>
      )}
      <ul data-testid="compare-picker">
        {shown.map((r) => (
          <li key={r.id}>
            <label>
              <input type="checkbox" checked={ids.includes(r.id)} onChange={() => onToggle(r.id)} data-run-id={r.id} />
              <span class="name">
                {r.name} <span class="muted small">#{r.id}</span>
              </span>
              <span class="spacer" />
              <span class="muted small">{relativeTime(r.created_at, now)}</span>
            </label>
          </li>
        ))}
      </ul>
    </aside>
  );
}

function Legend(props: { ids: number[]; entries: Map<number, Entry>; colorOf: (id: number) => string; onRemove: (id: number) => void }) {
  if (!props.ids.length) return null;
  return (
    <ul class="compare-legend panel" aria-label="Selected runs" data-testid="compare-legend">
      {props.ids.map((id) => {
        const e = props.entries.get(id);
        return (
          <li key={id} class="row">
            <span class="swatch" style={{ background: props.colorOf(id) }} aria-hidden="true" />
            {!e && <span class="muted">#{id} loading…</span>}
            {e && "run" in e && (
              <>
                <a href={`#/runs/${id}`}>{runLabel(e.run)}</a>
                <span class={`badge ${e.run.status}`}>{e.run.status}</span>
              </>
            )}
            {e && "error" in e && (
              <span class="error-text">{e.missing ? `Run ${id} does not exist` : `Run ${id}: ${e.error}`}</span>
            )}
            <button type="button" class="icon" aria-label={`Remove run ${id} from the comparison`} onClick={() => props.onRemove(id)}>
              ✕
            </button>
          </li>
        );
      })}
    </ul>
  );
}

function Charts({ loaded, colorOf, version }: { loaded: Loaded[]; colorOf: (id: number) => string; version: number }) {
  const charts = compareCharts(loaded.map((l) => l.series));
  if (!charts.length) return <div class="empty panel">These runs have no epoch metrics yet.</div>;
  return (
    <div class="compare-charts">
      {charts.map((c) => {
        const { x, values } = alignByEpoch(loaded.map((l) => l.series[c.key]));
        return (
          <div class="panel" key={c.key} data-testid="compare-chart" data-metric={c.key}>
            <LineChart
              title={c.title}
              xLabel="epoch"
              x={x}
              logY={c.logY}
              yRange={c.yRange}
              version={version}
              height={240}
              series={loaded.map((l, i) => ({
                label: runLabel(l.run),
                values: values[i],
                color: colorOf(l.run.id),
                spanGaps: true, // downsampled runs keep different epochs; lines stay whole
              }))}
            />
          </div>
        );
      })}
    </div>
  );
}

function Ablation({ loaded, colorOf, catalog }: { loaded: Loaded[]; colorOf: (id: number) => string; catalog: Catalog }) {
  const runs = loaded.map((l) => l.run);
  const rows = diffSpecs(runs.map((r) => r.spec));
  const metrics = metricRows(runs, Date.now());
  const title = (id: string) => catalog.datasets.find((d) => d.id === id)?.title ?? id;
  return (
    <section class="panel" aria-labelledby="ablation-title">
      <h2 id="ablation-title">What differs</h2>
      <p class="muted small">
        Only the spec fields whose values differ between these runs (— where a run does not have the field), then their results.
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
                  <td key={runs[i].id} data-testid="diff-cell" data-run-id={runs[i].id} class={v === undefined ? "absent" : undefined}>
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
