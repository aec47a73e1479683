// One inspect view of a run: fetched when its request changes, at most one fetch per `gapMs`
// (a live run changes its snapshot often), the previous answer kept on screen meanwhile and a
// stale request aborted.
import { useEffect, useRef, useState } from "preact/hooks";
import { api, errorMessage } from "../api/client";
import type { InspectOut } from "../api/types";
import { bodyKey, type ViewBody, type ViewName, viewBody } from "../state/inspectRequest";
import { throttleWait } from "../state/inspectTimeline";

export interface ViewState<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
}

export function useInspectView<T>(
  runId: number,
  body: ViewBody | null,
  read: (out: InspectOut) => T,
  gapMs = 0,
): ViewState<T> {
  const [state, setState] = useState<ViewState<T>>({ data: null, error: null, loading: false });
  const lastAt = useRef<number | null>(null);
  const key = body ? bodyKey(runId, body) : null;
  useEffect(() => {
    if (!body) return;
    const ctrl = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    const timer = setTimeout(
      () => {
        lastAt.current = Date.now();
        api.inspect(runId, body, ctrl.signal).then(
          (out) => {
            try {
              setState({ data: read(out), error: null, loading: false });
            } catch (e) {
              setState({ data: null, error: errorMessage(e), loading: false });
            }
          },
          (e: unknown) => {
            if ((e as Error).name !== "AbortError")
              setState((s) => ({ ...s, error: errorMessage(e), loading: false }));
          },
        );
      },
      throttleWait(lastAt.current, Date.now(), gapMs),
    );
    return () => {
      clearTimeout(timer);
      ctrl.abort();
    };
  }, [key]);
  return state;
}

/** What every one-sample panel is given: the run, the snapshot epoch on screen, the sample
 * chosen, and the least time between two fetches. */
export interface SampleViewProps {
  runId: number;
  snapshot: number | null;
  index: number;
  gapMs: number;
}

/** A one-sample view (`index` and any `extra` fields) of the snapshot on screen. */
export function useSampleView<T>(
  view: ViewName,
  p: SampleViewProps,
  read: (out: InspectOut) => T,
  extra: Record<string, number> = {},
  minGapMs = 0,
): ViewState<T> {
  return useInspectView(
    p.runId,
    viewBody(view, p.snapshot, { index: p.index, ...extra }),
    read,
    Math.max(minGapMs, p.gapMs),
  );
}
