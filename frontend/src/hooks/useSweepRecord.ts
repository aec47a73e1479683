// One sweep for its page: GET /api/sweeps/{id} first (or "missing"), then the live stream's
// view once it has one; cancel and delete; the base run's final metric for an ablation.
import { useEffect, useState } from "preact/hooks";
import { ApiError, api, errorMessage } from "../api/client";
import type { SweepView } from "../api/types";
import { finalOfSeries, seriesKey } from "../state/ablation";
import { navigate } from "../state/route";
import { encodeSpec } from "../state/url";
import { useSweepStream } from "./useSweepStream";

export type SweepLoad =
  | { state: "loading" }
  | { state: "missing" }
  | { state: "error"; message: string }
  | { state: "ready"; sweep: SweepView };

export function useSweepRecord(id: number) {
  const [first, setFirst] = useState<SweepLoad>({ state: "loading" });
  const [actionError, setActionError] = useState<string | null>(null);
  const stream = useSweepStream(id);
  useEffect(() => {
    let current = true;
    api.getSweep(id).then(
      (sweep) => current && setFirst({ state: "ready", sweep }),
      (e: unknown) => {
        if (!current) return;
        if (e instanceof ApiError && e.status === 404) setFirst({ state: "missing" });
        else setFirst({ state: "error", message: errorMessage(e) });
      },
    );
    return () => {
      current = false;
    };
  }, [id]);
  const sweep = stream.live.sweep ?? (first.state === "ready" ? first.sweep : null);
  const load: SweepLoad = sweep ? { state: "ready", sweep } : first;

  const act = (p: Promise<unknown>) =>
    p.then(
      () => setActionError(null),
      (e: unknown) => setActionError(errorMessage(e)),
    );
  return {
    load,
    live: stream.live,
    version: stream.version,
    streamError: stream.error,
    actionError,
    cancel: () => act(api.cancelSweep(id)),
    remove: () => {
      if (!window.confirm(`Delete sweep ${id} and every run it made?`)) return;
      act(api.deleteSweep(id).then(() => navigate({ screen: "sweeps" })));
    },
    /** The playground with a trial's own spec (its swept values in place). */
    openSpec: (runId: number) =>
      act(api.getRun(runId).then((r) => navigate({ screen: "play", spec: encodeSpec(r.spec) }))),
  };
}

/** The base run's final value of `metric` (its last stored point), for an ablation's deltas. */
export function useBaseMetric(runId: number | null, metric: string): number | null {
  const [value, setValue] = useState<number | null>(null);
  useEffect(() => {
    if (runId === null) return;
    let current = true;
    const key = seriesKey(metric);
    api.metrics(runId, 2000, [metric.replace(/^(train|val|test)_/, "")]).then(
      (m) => current && setValue(finalOfSeries(m.series[key])),
      () => current && setValue(null),
    );
    return () => {
      current = false;
    };
  }, [runId, metric]);
  return value;
}
