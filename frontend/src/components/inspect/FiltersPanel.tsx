// The kernels of one convolution layer as image tiles (H3).
import { useMemo, useState } from "preact/hooks";
import { useInspectView } from "../../hooks/useInspectView";
import { gridPlanes } from "../../state/inspectGrid";
import { viewBody } from "../../state/inspectRequest";
import { readFilters } from "../../state/inspectViews";
import { ImageTile } from "./ImageTile";
import { InsidePanel } from "./InsidePanel";

export interface FiltersPanelProps {
  runId: number;
  snapshot: number | null;
  /** The conv layers' spec paths and labels, to choose from. */
  convs: { path: string; label: string }[];
  /** Least ms between two fetches. */
  gapMs: number;
}

export function FiltersPanel({ runId, snapshot, convs, gapMs }: FiltersPanelProps) {
  const [layer, setLayer] = useState(convs[0]?.path ?? null);
  const view = useInspectView(
    runId,
    viewBody("filters", snapshot, { layer: layer ?? undefined }),
    readFilters,
    gapMs,
  );
  const f = view.data;
  // (out, in, kh, kw) -> out x in planes; each kernel drawn for its first input channel.
  const tiles = useMemo(() => {
    if (!f) return [];
    const planes = gridPlanes(f.weight);
    const inCh = f.shape.length === 4 ? f.shape[1] : 1;
    return planes.filter((_, i) => i % inCh === 0);
  }, [f]);
  const inCh = f && f.shape.length === 4 ? f.shape[1] : 1;
  return (
    <InsidePanel
      title={`Filters${f ? ` · epoch ${f.epoch}` : ""}`}
      explain="Each tile is one kernel: the pattern its feature map responds to (blue weights add, orange subtract). Trained first-layer filters often look like edge and stroke detectors; untrained ones look like noise."
      testId="filters"
      view={view}
      waiting="Loading the filters…"
    >
      {convs.length > 1 && (
        <label class="small">
          Layer{" "}
          <select
            value={layer ?? ""}
            onChange={(e) => setLayer((e.currentTarget as HTMLSelectElement).value)}
          >
            {convs.map((c) => (
              <option key={c.path} value={c.path}>
                {c.label}
              </option>
            ))}
          </select>
        </label>
      )}
      {f && (
        <>
          <p class="small muted">
            {f.shape[0]} kernels of {f.shape.slice(2).join("×")}
            {inCh > 1 ? `, drawn for input channel 0 of ${inCh}` : ""}
          </p>
          <div class="tiles" data-testid="filter-tiles">
            {tiles.map((p, i) => (
              <ImageTile
                key={i}
                plane={p}
                map="diverging"
                lo={f.weight.lo}
                hi={f.weight.hi}
                caption={`#${i}`}
                size={44}
              />
            ))}
          </div>
        </>
      )}
    </InsidePanel>
  );
}
