// The runs list's page as a value, and the decisions about loads and live events as plain
// functions; hooks/useRunsPage keeps one and does what they say (fetch, reload).
import type { Run, RunEvent } from "../api/types";
import type { RunsFilter } from "./route";
import { applyEvents, replaceRow } from "./runsTable";

export interface Page {
  rows: Run[];
  next: string | null; // cursor of the next page
}

export interface RunsPageState {
  page: Page | null; // the last page loaded; kept while a later load runs or fails
  error: string | null; // why the newest load failed
  loading: boolean; // a load the user asked for is on its way
  request: number; // the newest load's number: answers to older ones are dropped
  eventsSinceLoad: boolean; // events came while the newest load was on its way
}

export const INITIAL_RUNS_PAGE: RunsPageState = {
  page: null,
  error: null,
  loading: true,
  request: 0,
  eventsSinceLoad: false,
};

/** A load starts; a quiet one (one the user did not ask for) shows no "Loading". */
export function loadStarted(s: RunsPageState, quiet: boolean): RunsPageState {
  return {
    ...s,
    request: s.request + 1,
    loading: quiet ? s.loading : true,
    eventsSinceLoad: false,
  };
}

/** The answer to load `request`. `again`: events came while it was on its way; they were
 * applied to the old rows and the answer may predate them, so load once more. */
export function loadSucceeded(
  s: RunsPageState,
  request: number,
  page: Page,
): { state: RunsPageState; again: boolean } {
  if (request !== s.request) return { state: s, again: false };
  return { state: { ...s, page, error: null, loading: false }, again: s.eventsSinceLoad };
}

/** Load `request` failed: the page on screen stays, under the error. */
export function loadFailed(s: RunsPageState, request: number, message: string): RunsPageState {
  if (request !== s.request) return s;
  return { ...s, error: message, loading: false };
}

export interface EventsOutcome {
  state: RunsPageState;
  refresh: number[]; // rows to fetch again (times, results changed): then rowChanged
  refetch: boolean; // a run this page does not show may belong on it: reload the page
}

/** /api/events messages: rows change in place, deleted ones go. */
export function eventsReceived(
  s: RunsPageState,
  events: RunEvent[],
  filter: RunsFilter,
  now: number,
): EventsOutcome {
  const state = { ...s, eventsSinceLoad: true };
  if (!s.page) return { state, refresh: [], refetch: false };
  const out = applyEvents(s.page.rows, events, filter, now);
  if (out.rows !== s.page.rows) state.page = { ...s.page, rows: out.rows };
  return { state, refresh: out.refresh, refetch: out.refetch };
}

/** A run fetched again or changed by an action takes its row's place (if still shown). */
export function rowChanged(s: RunsPageState, run: Run): RunsPageState {
  return s.page ? { ...s, page: { ...s.page, rows: replaceRow(s.page.rows, run) } } : s;
}

/** A deleted run leaves the page. */
export function rowRemoved(s: RunsPageState, id: number): RunsPageState {
  return s.page ? { ...s, page: { ...s.page, rows: s.page.rows.filter((r) => r.id !== id) } } : s;
}

/** Which empty state the list shows: none (rows, loading, or an error), "none yet" or "no match". */
export function emptyState(s: RunsPageState, filter: RunsFilter): "none" | "no-runs" | "no-match" {
  if (!s.page || s.error || s.page.rows.length > 0) return "none";
  const filtered = Boolean(filter.status || filter.name || filter.dataset || filter.tag);
  return filtered || filter.cursor ? "no-match" : "no-runs";
}
