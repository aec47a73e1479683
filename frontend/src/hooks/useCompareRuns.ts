// The runs Compare shows: each fetched once with its curves (again after a failure when the
// selection changes), and every few seconds while it still trains.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, errorMessage } from "../api/client";
import { activeIds, type Entry, type Loaded, loadedEntries } from "../state/compare";

const MAX_POINTS = 1000; // per series; longer ones come back downsampled (LTTB)
// The metric names of every series compareCharts can draw (val/loss, val/accuracy, val/mse,
// train/loss): the server filters on the name across splits, so it skips per-layer, lr and
// time series. The results table reads run.result, not these series.
const METRIC_NAMES = ["loss", "accuracy", "mse"];
const POLL_MS = 5000; // while a selected run is still training

function load(id: number): Promise<Entry> {
  return Promise.all([api.getRun(id), api.metrics(id, MAX_POINTS, METRIC_NAMES)]).then(
    ([run, m]) => ({ run, series: m.series }),
    (e: unknown) => ({
      error: errorMessage(e),
      missing: e instanceof ApiError && e.status === 404,
    }),
  );
}

export interface CompareRuns {
  entries: Map<number, Entry>;
  loaded: Loaded[]; // in selection order
  version: number; // changes with every answer: pass to charts
}

export function useCompareRuns(ids: number[]): CompareRuns {
  const [entries, setEntries] = useState<Map<number, Entry>>(new Map());
  const [version, setVersion] = useState(0);
  const entriesRef = useRef(entries);
  entriesRef.current = entries;
  const put = (id: number, entry: Entry) => {
    setEntries((m) => new Map(m).set(id, entry));
    setVersion((v) => v + 1);
  };

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
  }, [ids.join(",")]);

  const active = activeIds(ids, entries);
  useEffect(() => {
    if (!active.length) return;
    const t = setInterval(() => {
      for (const id of active) load(id).then((e) => "run" in e && put(id, e));
    }, POLL_MS);
    return () => clearInterval(t);
  }, [active.join(",")]);

  return { entries, loaded: loadedEntries(ids, entries), version };
}
