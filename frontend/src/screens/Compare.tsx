// Compare: pick runs, overlay their epoch curves, and tabulate only what differs between them.
import { useEffect, useRef, useState } from "preact/hooks";
import { ApiError, api, errorMessage } from "../api/client";
import type { Catalog } from "../api/types";
import { seriesColor } from "../charts/colors";
import { Ablation } from "../components/compare/AblationTable";
import { Charts } from "../components/compare/CompareCharts";
import { Legend } from "../components/compare/CompareLegend";
import { RunPicker } from "../components/compare/RunPicker";
import type { Entry, Loaded } from "../components/compare/types";
import { navigate } from "../state/route";
import { toggleId } from "../state/runsTable";
import { isActive } from "../state/status";
import "./runs.css";

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
    const t = setInterval(() => {
      for (const id of active) load(id).then((e) => "run" in e && put(id, e));
    }, POLL_MS);
    return () => clearInterval(t);
  }, [active.join(",")]);

  const setIds = (next: number[]) => navigate({ screen: "compare", ids: next });
  const loaded = ids
    .map((id) => entries.get(id))
    .filter((e): e is Loaded => e !== undefined && "run" in e);
  const colorOf = (id: number) => seriesColor(ids.indexOf(id));

  return (
    <section class="compare" aria-labelledby="compare-title">
      <h1 id="compare-title">Compare runs</h1>
      <div class="compare-layout">
        <RunPicker
          ids={ids}
          extra={loaded.map((l) => l.run)}
          onToggle={(id) => setIds(toggleId(ids, id))}
        />
        <div class="compare-main">
          <Legend
            ids={ids}
            entries={entries}
            colorOf={colorOf}
            onRemove={(id) => setIds(ids.filter((x) => x !== id))}
          />
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
