// Compare's run list: recent runs with checkboxes and a name filter, retried while the server is down.
import { useState } from "preact/hooks";
import { api } from "../../api/client";
import type { Run } from "../../api/types";
import { useLoad } from "../../hooks/useLoad";
import { relativeTime } from "../../state/runsTable";

/** Recent runs with checkboxes; runs in the URL but not among them are listed first. */
export function RunPicker({
  ids,
  extra,
  onToggle,
}: {
  ids: number[];
  extra: Run[];
  onToggle: (id: number) => void;
}) {
  const {
    data: recent,
    error,
    retry,
  } = useLoad(() => api.listRuns({ limit: 100 }).then((page) => page.items));
  const [query, setQuery] = useState("");

  const known = new Set((recent ?? []).map((r) => r.id));
  const runs = [...extra.filter((r) => !known.has(r.id)), ...(recent ?? [])];
  const q = query.trim().toLowerCase();
  const shown = q
    ? runs.filter((r) => r.name.toLowerCase().includes(q) || String(r.id) === q)
    : runs;
  const now = Date.now();
  return (
    <aside class="panel compare-picker" aria-labelledby="picker-title">
      <h2 id="picker-title">Runs</h2>
      <label>
        <span class="visually-hidden">Filter runs by name</span>
        <input
          type="search"
          placeholder="Filter by name"
          value={query}
          onInput={(e) => setQuery((e.target as HTMLInputElement).value)}
        />
      </label>
      {error && (
        <div class="banner error" role="alert">
          {error}{" "}
          <button type="button" onClick={retry}>
            Retry
          </button>
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
              <input
                type="checkbox"
                checked={ids.includes(r.id)}
                onChange={() => onToggle(r.id)}
                data-run-id={r.id}
              />
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
