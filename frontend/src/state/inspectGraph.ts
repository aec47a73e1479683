// The layout of a small MLP drawn as a graph (tensorflow/playground style): a column of input
// features, then one column per Linear layer whose units are heat maps over the plane, joined
// by lines whose colour is the weight's sign and whose width its size. Larger layers show
// their first units and "and M more". Pure: NetworkGraph draws what this returns.
import { CLASS_COLORS } from "../charts/colors";
import { gridPlane, type Plane2d } from "./inspectGrid";
import type { NeuronsResult } from "./inspectViews";

export interface GraphNode {
  id: string; // "input:0", "model.layers[0]:3": what data-unit carries
  column: number;
  index: number; // the unit's (or feature's) index in its layer
  x: number; // top-left corner, px
  y: number;
}

export interface GraphColumn {
  key: string; // "input" or the layer's spec path
  label: string;
  x: number;
  nodes: GraphNode[];
  /** Units not drawn (the layer is wider than the limit). */
  more: number;
}

export interface GraphEdge {
  from: string;
  to: string;
  weight: number;
  width: number; // px
  color: string;
  opacity: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  node: number; // side of a unit picture, px
  columns: GraphColumn[];
  edges: GraphEdge[];
}

export interface GraphLayer {
  layer: string; // spec path
  label: string; // "Linear · Tanh"
  units: number;
  /** Incoming weights (units x inputs), when known. */
  weights: number[][] | null;
}

export interface GraphOptions {
  maxUnits?: number; // units drawn per column (default 8)
  node?: number; // picture side, px (default 40)
  gapY?: number; // between pictures, px (default 12)
  gapX?: number; // between columns, px (default 90)
  maxWidth?: number; // widest line, px (default 5)
}

/** Positive weights blue, negative orange, as the class colours of the plane. */
export const POSITIVE = CLASS_COLORS[1];
export const NEGATIVE = CLASS_COLORS[0];

/** How many of n units to draw, and how many are summarised as "and M more". */
export function shownUnits(n: number, max: number): { shown: number; more: number } {
  const shown = Math.min(n, max);
  return { shown, more: n - shown };
}

/** Line width (px) and opacity of weight w when the largest |weight| is maxAbs. */
export function edgeStyle(
  w: number,
  maxAbs: number,
  maxWidth: number,
): { width: number; opacity: number } {
  const t = maxAbs > 0 && Number.isFinite(w) ? Math.min(1, Math.abs(w) / maxAbs) : 0;
  return { width: 0.5 + (maxWidth - 0.5) * t, opacity: 0.25 + 0.75 * t };
}

export function graphLayout(
  features: string[],
  layers: GraphLayer[],
  opts: GraphOptions = {},
): GraphLayout {
  const max = opts.maxUnits ?? 8;
  const node = opts.node ?? 40;
  const gapY = opts.gapY ?? 12;
  const gapX = opts.gapX ?? 90;
  const maxWidth = opts.maxWidth ?? 5;
  const top = 22; // room for the column labels
  const moreRow = 18; // room for "and M more"
  const specs = [
    { key: "input", label: "input", units: features.length },
    ...layers.map((l) => ({ key: l.layer, label: l.label, units: l.units })),
  ];
  const counts = specs.map((s) => shownUnits(s.units, max));
  const tallest = Math.max(1, ...counts.map((c) => c.shown));
  const colHeight = tallest * node + (tallest - 1) * gapY;
  const columns: GraphColumn[] = specs.map((s, c) => {
    const { shown, more } = counts[c];
    const h = shown * node + Math.max(0, shown - 1) * gapY;
    const y0 = top + (colHeight - h) / 2; // centred, as the playground's columns
    const x = c * (node + gapX);
    const nodes = Array.from({ length: shown }, (_, i) => ({
      id: `${s.key}:${i}`,
      column: c,
      index: i,
      x,
      y: y0 + i * (node + gapY),
    }));
    return { key: s.key, label: s.label, x, nodes, more };
  });
  // One scale for all lines, so widths compare across layers.
  let maxAbs = 0;
  for (const l of layers)
    for (const row of l.weights ?? [])
      for (const w of row) if (Number.isFinite(w)) maxAbs = Math.max(maxAbs, Math.abs(w));
  const edges: GraphEdge[] = [];
  layers.forEach((l, li) => {
    const from = columns[li];
    const to = columns[li + 1];
    if (!l.weights) return;
    for (const t of to.nodes) {
      for (const f of from.nodes) {
        const w = l.weights[t.index]?.[f.index];
        if (w === undefined) continue;
        const { width, opacity } = edgeStyle(w, maxAbs, maxWidth);
        edges.push({
          from: f.id,
          to: t.id,
          weight: w,
          width,
          color: w >= 0 ? POSITIVE : NEGATIVE,
          opacity,
        });
      }
    }
  });
  const width = (specs.length - 1) * (node + gapX) + node;
  const height = top + colHeight + moreRow;
  return { width, height, node, columns, edges };
}

/** The node ids and the centre points of an edge's ends: out of a node's right, into a left. */
export function edgeEnds(
  layout: GraphLayout,
  e: GraphEdge,
): [number, number, number, number] | null {
  const find = (id: string) => {
    for (const c of layout.columns) for (const n of c.nodes) if (n.id === id) return n;
    return null;
  };
  const a = find(e.from);
  const b = find(e.to);
  if (!a || !b) return null;
  const half = layout.node / 2;
  return [a.x + layout.node, a.y + half, b.x, b.y + half];
}

/** The weights into one unit, strongest first: what the hover card lists. */
export function incomingWeights(
  layout: GraphLayout,
  unitId: string,
): { from: string; weight: number }[] {
  return layout.edges
    .filter((e) => e.to === unitId)
    .map((e) => ({ from: e.from, weight: e.weight }))
    .sort((a, b) => Math.abs(b.weight) - Math.abs(a.weight));
}

export interface UnitPicture {
  plane: Plane2d;
  /** The colour range, shared by the units of one layer so their colours compare. */
  lo: number;
  hi: number;
}

/** Node id -> its picture: "input:i" for features, "<layer path>:<unit>" for units. */
export function unitPictures(n: NeuronsResult): Map<string, UnitPicture> {
  const out = new Map<string, UnitPicture>();
  const fLo = Math.min(...n.features.map((f) => f.lo));
  const fHi = Math.max(...n.features.map((f) => f.hi));
  n.features.forEach((f, i) => {
    out.set(`input:${i}`, { plane: gridPlane(f), lo: fLo, hi: fHi });
  });
  for (const l of n.layers) {
    const lo = Math.min(...l.units.map((u) => u.lo));
    const hi = Math.max(...l.units.map((u) => u.hi));
    l.units.forEach((u, i) => {
      out.set(`${l.layer}:${i}`, { plane: gridPlane(u), lo, hi });
    });
  }
  return out;
}
