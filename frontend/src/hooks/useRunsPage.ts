// The runs list's data: the filter (from the URL), the page loaded for it, live events from
// /api/events and reloads; the decisions are state/runsPage's, this hook only carries them out.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { Run } from "../api/types";
import type { SocketState } from "../net/socket";
import { RunEvents } from "../run/events";
import { formatHash, navigate, type RunsFilter } from "../state/route";
import {
  eventsReceived,
  INITIAL_RUNS_PAGE,
  loadFailed,
  loadStarted,
  loadSucceeded,
  type RunsPageState,
  rowChanged,
  rowRemoved,
} from "../state/runsPage";
import { listQuery } from "../state/runsTable";
import { useAutoRetry } from "./useLoad";
import { useRefState } from "./useRefState";

const RELOAD_DELAY_MS = 250; // one reload per burst of events

export interface RunsPage extends RunsPageState {
  filter: RunsFilter;
  live: SocketState;
  /** Show another filter (and put it in the URL; `replace`: no new history entry). */
  go: (next: RunsFilter, replace?: boolean) => void;
  /** Load the page again; `silently`: without "Loading". */
  reload: (silently?: boolean) => void;
  rowChanged: (run: Run) => void;
  rowRemoved: (id: number) => void;
}

export function useRunsPage(routeFilter: RunsFilter): RunsPage {
  // Typing a name rewrites the URL without a hashchange, so the page keeps its own copy of
  // the filter and takes the route's on every hashchange (a new route object).
  const [filter, setFilter] = useState<RunsFilter>(routeFilter);
  useEffect(() => setFilter(routeFilter), [routeFilter]);
  const filterRef = useRef(filter);
  filterRef.current = filter;

  const [state, get, set] = useRefState(INITIAL_RUNS_PAGE);
  const [reloads, setReloads] = useState(0);
  const quiet = useRef(false);
  const reload = (silently = false) => {
    quiet.current = silently;
    setReloads((n) => n + 1);
  };
  const reloadSoon = useDebounced(() => reload(true), RELOAD_DELAY_MS);

  useEffect(() => {
    const started = loadStarted(get(), quiet.current);
    quiet.current = false;
    set(started);
    api.listRuns(listQuery(filter)).then(
      (res) => {
        const page = { rows: res.items, next: res.next_cursor };
        const out = loadSucceeded(get(), started.request, page);
        set(out.state);
        if (out.again) reloadSoon();
      },
      (e: unknown) => set(loadFailed(get(), started.request, errorMessage(e))),
    );
  }, [formatHash({ screen: "runs", filter }), reloads]);

  useAutoRetry(state.error !== null, () => reload(true), reloads);

  const live = useLiveRows(get, set, () => filterRef.current, {
    reconnected: () => reload(true), // events were missed while away
    refetch: reloadSoon,
  });

  return {
    ...state,
    filter,
    live,
    go: (next, replace = false) => {
      setFilter(next);
      navigate({ screen: "runs", filter: next }, replace);
    },
    reload,
    rowChanged: (run) => set(rowChanged(get(), run)),
    rowRemoved: (id) => set(rowRemoved(get(), id)),
  };
}

/** /api/events applied to the page as it is now: rows change in place, changed runs are
 * fetched again; the connection's state for the page to show. */
function useLiveRows(
  get: () => RunsPageState,
  set: (s: RunsPageState) => void,
  filter: () => RunsFilter,
  reload: { reconnected: () => void; refetch: () => void },
): SocketState {
  const [live, setLive] = useState<SocketState>("connecting");
  useEffect(() => {
    const client = new RunEvents({
      onState: setLive,
      onOpen: (reconnected) => reconnected && reload.reconnected(),
      onEvents: (events) => {
        const out = eventsReceived(get(), events, filter(), Date.now());
        set(out.state);
        for (const id of out.refresh) {
          // A run deleted meanwhile fails here; its "deleted" event removes the row.
          api.getRun(id).then(
            (run) => set(rowChanged(get(), run)),
            () => {},
          );
        }
        if (out.refetch) reload.refetch();
      },
    });
    return () => client.close();
  }, []);
  return live;
}

/** A function that calls `fn` once, `ms` after its last call; nothing after unmount. */
function useDebounced(fn: () => void, ms: number): () => void {
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  const latest = useRef(fn);
  latest.current = fn;
  useEffect(() => () => clearTimeout(timer.current), []);
  return useRef(() => {
    clearTimeout(timer.current);
    timer.current = setTimeout(() => latest.current(), ms);
  }).current;
}
