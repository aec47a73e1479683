// The runs list's filters: name (debounced), status, data set, and the tag being filtered on.
import { useEffect, useState } from "preact/hooks";
import type { Catalog } from "../../api/types";
import type { RunsFilter } from "../../state/route";
import { withFilter } from "../../state/runsTable";
import { RUN_STATUSES } from "../../state/status";

export function Filters({
  filter,
  catalog,
  go,
}: {
  filter: RunsFilter;
  catalog: Catalog;
  go: (f: RunsFilter, replace?: boolean) => void;
}) {
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
    // biome-ignore lint/a11y/useSemanticElements: a form with role="search" is the widely supported way; <search> is new
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
          onChange={(e) =>
            go(withFilter(filter, { status: (e.target as HTMLSelectElement).value || undefined }))
          }
        >
          <option value="">Any status</option>
          {RUN_STATUSES.map((s) => (
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
          onChange={(e) =>
            go(withFilter(filter, { dataset: (e.target as HTMLSelectElement).value || undefined }))
          }
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
          <button
            type="button"
            class="tag"
            onClick={() => go(withFilter(filter, { tag: undefined }))}
            aria-label={`Stop filtering by tag ${filter.tag}`}
          >
            {filter.tag} ✕
          </button>
        </span>
      )}
    </form>
  );
}
