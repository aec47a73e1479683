// Compare: pick runs, overlay their epoch curves, show their decision boundaries side by side
// (runs on one 2-D set), and tabulate only what differs between them.
// Data: hooks/useCompareRuns; what to show: state/compare.compareView.
import type { Catalog } from "../api/types";
import { seriesColor } from "../charts/colors";
import { Ablation } from "../components/compare/AblationTable";
import { CompareBoundaries } from "../components/compare/CompareBoundaries";
import { Charts } from "../components/compare/CompareCharts";
import { Legend } from "../components/compare/CompareLegend";
import { RunPicker } from "../components/compare/RunPicker";
import { useCompareRuns } from "../hooks/useCompareRuns";
import { compareView } from "../state/compare";
import { sharedPlaneDataset } from "../state/inspectCompare";
import { navigate } from "../state/route";
import { toggleId } from "../state/runsTable";
import "./runs.css";

const HINTS = {
  none: "Pick two or more runs from the list to compare their curves and settings.",
  one: "Pick at least one more run to compare with.",
  "too-few": "Fewer than two of these runs could be loaded; pick others from the list.",
};

export function Compare({ ids, catalog }: { ids: number[]; catalog: Catalog }) {
  const { entries, loaded, version } = useCompareRuns(ids);
  const setIds = (next: number[]) => navigate({ screen: "compare", ids: next });
  const colorOf = (id: number) => seriesColor(ids.indexOf(id));
  const view = compareView(ids, entries);

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
          {view === "loading" && <p class="loading">Loading runs…</p>}
          {view !== "loading" && view !== "ready" && (
            <div class="empty panel" data-testid="compare-hint">
              {HINTS[view]}
            </div>
          )}
          {view === "ready" && (
            <>
              <Charts loaded={loaded} colorOf={colorOf} version={version} />
              {sharedPlaneDataset(
                loaded.map((l) => l.run),
                catalog,
              ) && <CompareBoundaries runs={loaded.map((l) => l.run)} colorOf={colorOf} />}
              <Ablation loaded={loaded} colorOf={colorOf} catalog={catalog} />
            </>
          )}
        </div>
      </div>
    </section>
  );
}
