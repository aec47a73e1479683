// The MLP drawn as a graph, tensorflow/playground style: each input feature and each unit is a
// small heat map of its output over the plane, joined by lines coloured by the weight's sign
// and as wide as its size. Hover (or focus) a unit to enlarge it and list its incoming weights.
import { useMemo, useState } from "preact/hooks";
import { HeatCanvas } from "../../charts/HeatCanvas";
import { useInspectView } from "../../hooks/useInspectView";
import { edgeEnds, type GraphLayer, graphLayout, unitPictures } from "../../state/inspectGraph";
import { viewBody } from "../../state/inspectRequest";
import { readNeurons, readWeights, weightMatrix } from "../../state/inspectViews";
import { InsidePanel } from "./InsidePanel";
import { UnitCard } from "./UnitCard";

export interface NetworkGraphProps {
  runId: number;
  snapshot: number | null;
  /** Least ms between two fetches (a live run saves snapshots often). */
  gapMs: number;
}

export function NetworkGraph({ runId, snapshot, gapMs }: NetworkGraphProps) {
  const neurons = useInspectView(runId, viewBody("neurons", snapshot), readNeurons, gapMs);
  const weights = useInspectView(runId, viewBody("weights", snapshot), readWeights, gapMs);
  const [hover, setHover] = useState<string | null>(null);
  const n = neurons.data;
  const layout = useMemo(() => {
    if (!n) return null;
    const byPath = new Map(weights.data?.layers.map((l) => [l.layer, l]) ?? []);
    const layers: GraphLayer[] = n.layers.map((l) => ({
      layer: l.layer,
      label: l.activation ? `${l.type} · ${l.activation}` : l.type,
      units: l.units.length,
      weights: weightMatrix(byPath.get(l.layer)),
    }));
    const last = layers[layers.length - 1];
    if (last) last.label = "output";
    return graphLayout(
      n.features.map((f) => f.name),
      layers,
      { node: 44, gapX: 80 },
    );
  }, [n, weights.data]);
  const pictures = useMemo(() => (n ? unitPictures(n) : null), [n]);
  const error = neurons.error ?? weights.error;
  return (
    <InsidePanel
      title={`The network${n ? ` · epoch ${n.epoch}` : ""}`}
      explain="Each square is one unit's output over the input plane, blue where it is positive and orange where negative. Lines are weights in the same colours, wider when larger. The first layer can only draw straight edges; later layers combine them into curves."
      testId="network-graph"
      loading={neurons.loading || weights.loading}
      error={error}
      waiting={n || error ? null : "Loading the units…"}
    >
      {layout && pictures && n && (
        <div class="graph-wrap">
          <div
            class="graph"
            style={{ width: `${layout.width}px`, height: `${layout.height}px` }}
            data-epoch={n.epoch}
            data-testid="graph"
          >
            <svg width={layout.width} height={layout.height} class="graph-edges" aria-hidden="true">
              {layout.edges.map((e) => {
                const ends = edgeEnds(layout, e);
                if (!ends) return null;
                const active = hover !== null && (e.to === hover || e.from === hover);
                const [x1, y1, x2, y2] = ends;
                const mid = (x1 + x2) / 2;
                return (
                  <path
                    key={`${e.from}>${e.to}`}
                    d={`M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}`}
                    stroke={e.color}
                    stroke-width={active ? e.width + 1 : e.width}
                    stroke-opacity={hover !== null && !active ? 0.12 : e.opacity}
                    fill="none"
                  >
                    <title>{e.weight.toFixed(3)}</title>
                  </path>
                );
              })}
            </svg>
            {layout.columns.map((c) => (
              <div key={c.key}>
                <div
                  class="graph-label small muted"
                  style={{ left: `${c.x - 20}px`, width: `${layout.node + 40}px` }}
                >
                  {c.label}
                </div>
                {c.nodes.map((node) => {
                  const plane = pictures.get(node.id);
                  if (!plane) return null;
                  const isInput = c.key === "input";
                  return (
                    <button
                      type="button"
                      key={node.id}
                      class={`graph-node${hover === node.id ? " hovered" : ""}`}
                      style={{ left: `${node.x}px`, top: `${node.y}px` }}
                      onMouseEnter={() => setHover(node.id)}
                      onMouseLeave={() => setHover(null)}
                      onFocus={() => setHover(node.id)}
                      onBlur={() => setHover(null)}
                      aria-label={
                        isInput
                          ? `input ${c.nodes.length > 1 ? node.index : ""}`
                          : `unit ${node.index} of ${c.label}`
                      }
                    >
                      <HeatCanvas
                        plane={plane.plane}
                        map="diverging"
                        lo={plane.lo}
                        hi={plane.hi}
                        flipY
                        width={layout.node}
                        label={
                          isInput
                            ? `input feature ${n.features[node.index]?.name}`
                            : `output of unit ${node.index} of ${c.key}`
                        }
                        attrs={
                          isInput
                            ? { "data-feature": n.features[node.index]?.name ?? "" }
                            : { "data-unit": node.id }
                        }
                      />
                      {isInput && (
                        <span class="graph-feature small">{n.features[node.index]?.name}</span>
                      )}
                    </button>
                  );
                })}
                {c.more > 0 && (
                  <div
                    class="graph-more small muted"
                    style={{
                      left: `${c.x - 20}px`,
                      top: `${layout.height - 16}px`,
                      width: `${layout.node + 40}px`,
                    }}
                  >
                    and {c.more} more
                  </div>
                )}
              </div>
            ))}
          </div>
          <UnitCard layout={layout} unit={hover} neurons={n} pictures={pictures} />
        </div>
      )}
    </InsidePanel>
  );
}
