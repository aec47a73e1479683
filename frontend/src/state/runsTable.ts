// The runs list as data: row labels, durations, relative times, sorting and live events.
import type { JsonObject, Run, RunEvent, SpecJson } from "../api/types";
import { formatNumber } from "./format";
import type { RunsFilter } from "./route";

/** Columns the server can sort by (GET /api/runs?sort=). */
export const SORTABLE = [
  "created_at",
  "name",
  "status",
  "test_accuracy",
  "best_val_accuracy",
] as const;
export type SortKey = (typeof SORTABLE)[number];
export const PAGE_SIZE = 50;

/** The label the server gives a layer spec (validate's `describe`), for runs without a summary. */
export function layerSpecLabel(layer: JsonObject): string {
  const type = String(layer.type ?? "?");
  const size = layer.out_features ?? layer.hidden_size ?? layer.embedding_dim;
  let label = type;
  if (layer.out_channels !== undefined) {
    label = `${type}(${String(layer.out_channels)}, k=${JSON.stringify(layer.kernel_size ?? "?")})`;
  } else if (type === "Residual" && Array.isArray(layer.layers)) {
    label = `Residual(${layer.layers.length} layers)`;
  } else if (size !== undefined && size !== null) {
    label = `${type}(${String(size)})`;
  }
  const act = layer.activation;
  if (typeof act === "string") label += ` + ${act}`;
  else if (act && typeof act === "object" && !Array.isArray(act) && typeof act.type === "string")
    label += ` + ${act.type}`;
  return label;
}

/** "Linear(8) → Tanh → Linear(2)": top-level layers from the summary, else from the spec;
 * long models keep their first and last layers around an ellipsis. */
export function modelSummary(run: Pick<Run, "summary" | "spec">, maxParts = 7): string {
  const labels = run.summary
    ? run.summary.layers.filter((l) => l.depth === 0).map((l) => l.label)
    : (run.spec?.model?.layers ?? []).map(layerSpecLabel);
  if (labels.length <= maxParts) return labels.join(" → ");
  const head = labels.slice(0, maxParts - 2);
  return [...head, `… ${labels.length - maxParts + 1} more`, labels[labels.length - 1]].join(" → ");
}

/** "SGD, lr 0.03" from training.optimizer. */
export function optimizerLabel(spec: SpecJson | null | undefined): string {
  const opt = spec?.training?.optimizer;
  if (!opt || typeof opt !== "object" || Array.isArray(opt)) return "—";
  const type = typeof opt.type === "string" ? opt.type : "?";
  return typeof opt.lr === "number" ? `${type}, lr ${formatNumber(opt.lr)}` : type;
}

/** Training time in seconds: finished − started, or time so far while running; null if not started. */
export function runDuration(
  run: Pick<Run, "started_at" | "finished_at" | "status">,
  now: number,
): number | null {
  if (!run.started_at) return null;
  const start = Date.parse(run.started_at);
  const end = run.finished_at ? Date.parse(run.finished_at) : run.status === "running" ? now : NaN;
  const s = (end - start) / 1000;
  return Number.isFinite(s) ? Math.max(0, s) : null;
}

/** "just now", "5 min ago", "3 h ago", "yesterday", "4 days ago", then the date. */
export function relativeTime(iso: string | null | undefined, now: number): string {
  if (!iso) return "—";
  const t = Date.parse(iso);
  if (!Number.isFinite(t)) return "—";
  const s = (now - t) / 1000;
  if (s < 45) return "just now";
  if (s < 3600) return `${Math.max(1, Math.round(s / 60))} min ago`;
  if (s < 86400) return `${Math.round(s / 3600)} h ago`;
  const days = Math.floor(s / 86400);
  if (days === 1) return "yesterday";
  if (days < 30) return `${days} days ago`;
  return new Date(t).toISOString().slice(0, 10);
}

/** The absolute time for a title attribute: "2025-11-23 12:51:07 UTC". */
export function absoluteTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const t = Date.parse(iso);
  return Number.isFinite(t)
    ? new Date(t)
        .toISOString()
        .replace("T", " ")
        .replace(/\.\d+Z$/, " UTC")
    : iso;
}

/** "a, b,, a" -> ["a", "b"]. */
export function parseTags(text: string): string[] {
  return [
    ...new Set(
      text
        .split(",")
        .map((t) => t.trim())
        .filter(Boolean),
    ),
  ];
}

// ---- sorting and filters ----------------------------------------------------------------

export function currentSort(filter: RunsFilter): { key: SortKey; descending: boolean } {
  const key = (SORTABLE as readonly string[]).includes(filter.sort ?? "")
    ? (filter.sort as SortKey)
    : "created_at";
  return { key, descending: filter.descending ?? true };
}

/** Clicking a header: the same column flips its direction; a new one starts descending
 * (newest, best, Z first) except name, which starts A→Z. Always back to the first page. */
export function sortBy(filter: RunsFilter, key: SortKey): RunsFilter {
  const cur = currentSort(filter);
  const descending = cur.key === key ? !cur.descending : key !== "name";
  const next: RunsFilter = { ...filter, sort: key, descending, cursor: undefined };
  if (key === "created_at" && descending) {
    delete next.sort;
    delete next.descending;
  }
  return clean(next);
}

export function ariaSort(filter: RunsFilter, key: SortKey): "ascending" | "descending" | "none" {
  const cur = currentSort(filter);
  if (cur.key !== key) return "none";
  return cur.descending ? "descending" : "ascending";
}

/** A filter change: empty values dropped, back to the first page. */
export function withFilter(filter: RunsFilter, patch: Partial<RunsFilter>): RunsFilter {
  return clean({ ...filter, ...patch, cursor: patch.cursor });
}

function clean(filter: RunsFilter): RunsFilter {
  const out: RunsFilter = {};
  for (const [k, v] of Object.entries(filter) as [keyof RunsFilter, unknown][]) {
    if (v !== undefined && v !== "") (out as Record<string, unknown>)[k] = v;
  }
  return out;
}

/** The query for GET /api/runs. */
export function listQuery(filter: RunsFilter): {
  status?: string;
  name?: string;
  dataset?: string;
  tag?: string;
  sort?: string;
  descending?: boolean;
  cursor?: string;
  limit: number;
} {
  const { key, descending } = currentSort(filter);
  return {
    status: filter.status,
    name: filter.name,
    dataset: filter.dataset,
    tag: filter.tag,
    sort: key,
    descending,
    cursor: filter.cursor,
    limit: PAGE_SIZE,
  };
}

// ---- live events ------------------------------------------------------------------------

export interface EventOutcome {
  rows: Run[]; // the list with statuses updated and deleted runs removed
  refresh: number[]; // rows whose other fields (times, results) changed: fetch them again
  refetch: boolean; // a run this page does not show may belong on it: reload the page
}

/** Apply /api/events messages to the rows on screen. */
export function applyEvents(
  rows: Run[],
  events: RunEvent[],
  filter: RunsFilter,
  now: number,
): EventOutcome {
  let out = rows;
  const refresh = new Set<number>();
  let refetch = false;
  const newest = rows.reduce((m, r) => Math.max(m, r.id), 0);
  for (const ev of events) {
    const i = out.findIndex((r) => r.id === ev.run_id);
    if (ev.type === "deleted") {
      if (i >= 0) out = out.filter((r) => r.id !== ev.run_id);
      refresh.delete(ev.run_id);
      continue;
    }
    if (ev.type !== "status" || !ev.status) continue;
    if (i < 0) {
      // A new run (queued), one newer than every row (created after this page was fetched,
      // even if its "queued" came before the fetch answered), or one whose new status the
      // status filter now matches.
      if (ev.status === "queued" || ev.run_id > newest || filter.status === ev.status)
        refetch = true;
      continue;
    }
    const row = out[i];
    const next: Run = {
      ...row,
      status: ev.status,
      error: ev.error !== undefined ? ev.error : row.error,
      queue_position: ev.status === "queued" ? row.queue_position : null,
    };
    if (ev.status === "running" && !row.started_at) next.started_at = new Date(now).toISOString();
    out = out.map((r, j) => (j === i ? next : r));
    refresh.add(ev.run_id);
  }
  return { rows: out, refresh: [...refresh], refetch };
}

/** Put a freshly fetched run in place of its row (nothing if the row is gone). */
export function replaceRow(rows: Run[], run: Run): Run[] {
  return rows.some((r) => r.id === run.id) ? rows.map((r) => (r.id === run.id ? run : r)) : rows;
}

/** Select or unselect one id, keeping the others in click order. */
export function toggleId(ids: number[], id: number): number[] {
  return ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id];
}

/** The page's select-all box: every id of the page selected, or all of them unselected
 * (selections on other pages stay). */
export function toggleAll(ids: number[], pageIds: number[]): number[] {
  if (allSelected(ids, pageIds)) return ids.filter((id) => !pageIds.includes(id));
  return [...ids, ...pageIds.filter((id) => !ids.includes(id))];
}

export function allSelected(ids: number[], pageIds: number[]): boolean {
  return pageIds.length > 0 && pageIds.every((id) => ids.includes(id));
}
