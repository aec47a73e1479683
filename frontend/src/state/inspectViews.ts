// Typed readers of POST /api/runs/{id}/inspect results. The wire types view results as open
// objects; each reader checks the parts its panel draws and returns them typed, or throws a
// ViewShapeError naming what is missing (a server newer than this app, say).
// Over 300 lines on purpose: one small reader per view (twelve), kept in one module because
// together they are the app's one statement of the views' wire format.
import type { InspectOut } from "../api/types";
import { type Grid, isGrid } from "./inspectGrid";

export class ViewShapeError extends Error {}

type Obj = Record<string, unknown>;

function obj(v: unknown, what: string): Obj {
  if (!v || typeof v !== "object" || Array.isArray(v))
    throw new ViewShapeError(`${what}: not an object`);
  return v as Obj;
}
function list(v: unknown, what: string): unknown[] {
  if (!Array.isArray(v)) throw new ViewShapeError(`${what}: not a list`);
  return v;
}
function grid(v: unknown, what: string): Grid {
  if (!isGrid(v)) throw new ViewShapeError(`${what}: not a grid`);
  return v;
}
/** A number, or null for the non-finite ones JSON sends as null. */
function numOrNull(v: unknown): number | null {
  return typeof v === "number" ? v : null;
}
function nums(v: unknown, what: string): number[] {
  return list(v, what).map((x) => (typeof x === "number" ? x : NaN));
}
function str(v: unknown, fallback = ""): string {
  return typeof v === "string" ? v : fallback;
}

export interface Histogram {
  lo: number;
  hi: number;
  counts: number[];
}
function histogram(v: unknown, what: string): Histogram {
  const h = obj(v, what);
  return { lo: Number(h.lo), hi: Number(h.hi), counts: nums(h.counts, `${what}.counts`) };
}

// ---- neurons (2-D sets) ------------------------------------------------------------------

export interface NeuronLayer {
  layer: string; // spec path, "model.layers[0]"
  type: string;
  activation: string | null;
  units: Grid[]; // (y, x) over the plane, row 0 = y_range[0]
}
export interface NeuronsResult {
  epoch: number;
  xRange: [number, number];
  yRange: [number, number];
  features: (Grid & { name: string })[];
  layers: NeuronLayer[];
}
export function readNeurons(out: InspectOut): NeuronsResult {
  return {
    epoch: out.epoch,
    xRange: nums(out.x_range, "x_range") as [number, number],
    yRange: nums(out.y_range, "y_range") as [number, number],
    features: list(out.features, "features").map((f, i) => ({
      ...grid(f, `features[${i}]`),
      name: str(obj(f, "feature").name, `x${i + 1}`),
    })),
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        activation: typeof o.activation === "string" ? o.activation : null,
        units: list(o.units, `layers[${i}].units`).map((u, j) => grid(u, `units[${j}]`)),
      };
    }),
  };
}

// ---- weights -----------------------------------------------------------------------------

export interface WeightTensor {
  name: string; // "weight", "bias"
  shape: number[];
  values: number[]; // flat, row-major, maybe cut (truncated)
  truncated: boolean;
  mean: number | null;
  std: number | null;
  histogram: Histogram;
}
export interface WeightLayer {
  layer: string;
  type: string;
  tensors: WeightTensor[];
}
export function readWeights(out: InspectOut): { epoch: number; layers: WeightLayer[] } {
  return {
    epoch: out.epoch,
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        tensors: list(o.tensors, "tensors").map((t, j) => {
          const x = obj(t, `tensors[${j}]`);
          return {
            name: str(x.name),
            shape: nums(x.shape, "shape"),
            values: nums(x.values, "values"),
            truncated: x.truncated === true,
            mean: numOrNull(x.mean),
            std: numOrNull(x.std),
            histogram: histogram(x.histogram, "histogram"),
          };
        }),
      };
    }),
  };
}

/** Weight (out, in) of a Linear layer from a weights layer: rows of incoming weights per unit;
 * a cut tensor (values capped) gives only its complete rows, the first units. */
export function weightMatrix(l: WeightLayer | undefined): number[][] | null {
  const t = l?.tensors.find((x) => x.name === "weight");
  if (t?.shape.length !== 2) return null;
  const cols = t.shape[1];
  const rows = Math.min(t.shape[0], cols > 0 ? Math.floor(t.values.length / cols) : 0);
  const out: number[][] = [];
  for (let r = 0; r < rows; r++) out.push(t.values.slice(r * cols, (r + 1) * cols));
  return out;
}

// ---- activations -------------------------------------------------------------------------

export interface ActivationLayer {
  layer: string;
  type: string;
  activation: string | null;
  histogram: Histogram;
  dead: number | null; // fraction of units never active (ReLU)
  saturated: number | null; // fraction of outputs near the flat ends (tanh, sigmoid)
}
export function readActivations(out: InspectOut): {
  epoch: number;
  samples: number;
  layers: ActivationLayer[];
} {
  return {
    epoch: out.epoch,
    samples: Number(out.samples ?? 0),
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        activation: typeof o.activation === "string" ? o.activation : null,
        histogram: histogram(o.histogram, `layers[${i}].histogram`),
        dead: numOrNull(o.dead_fraction),
        saturated: numOrNull(o.saturated_fraction),
      };
    }),
  };
}

// ---- CNN views ---------------------------------------------------------------------------

export interface FiltersResult {
  epoch: number;
  layer: string;
  type: string;
  shape: number[]; // (out, in, kh, kw)
  weight: Grid;
  bias: number[] | null;
}
export function readFilters(out: InspectOut): FiltersResult {
  return {
    epoch: out.epoch,
    layer: str(out.layer),
    type: str(out.type),
    shape: nums(out.shape, "shape"),
    weight: grid(out.weight, "weight"),
    bias: Array.isArray(out.bias) ? nums(out.bias, "bias") : null,
  };
}

export interface FeatureMapLayer {
  layer: string;
  type: string;
  shape: number[];
  channels: Grid[];
}
export interface FeatureMapsResult {
  epoch: number;
  index: number;
  label: unknown;
  input: Grid;
  layers: FeatureMapLayer[];
}
export function readFeatureMaps(out: InspectOut): FeatureMapsResult {
  return {
    epoch: out.epoch,
    index: Number(out.index ?? 0),
    label: out.label,
    input: grid(out.input, "input"),
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        shape: nums(o.shape, "shape"),
        channels: list(o.channels, "channels").map((c, j) => grid(c, `channels[${j}]`)),
      };
    }),
  };
}

export interface RfRow {
  layer: string;
  type: string;
  size: number[];
  jump: number[];
  start: number[];
}
export function readReceptiveField(out: InspectOut): { origin: string; layers: RfRow[] } {
  return {
    origin: str(out.origin),
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        size: nums(o.size, "size"),
        jump: nums(o.jump, "jump"),
        start: nums(o.start, "start"),
      };
    }),
  };
}

export interface Prediction {
  predicted: number | string;
  probabilities: number[];
}
function prediction(v: unknown, what: string): Prediction {
  const o = obj(v, what);
  return {
    predicted: typeof o.predicted === "string" ? o.predicted : Number(o.predicted),
    probabilities: nums(o.probabilities, `${what}.probabilities`),
  };
}

export interface SaliencyResult {
  epoch: number;
  index: number;
  label: unknown;
  target: number;
  predicted: number;
  probabilities: number[];
  input: Grid;
  saliency: Grid;
}
export function readSaliency(out: InspectOut): SaliencyResult {
  return {
    epoch: out.epoch,
    index: Number(out.index ?? 0),
    label: out.label,
    target: Number(out.target),
    predicted: Number(out.predicted),
    probabilities: nums(out.probabilities, "probabilities"),
    input: grid(out.input, "input"),
    saliency: grid(out.saliency, "saliency"),
  };
}

export interface AdversarialResult {
  epoch: number;
  label: unknown;
  eps: number;
  before: Prediction;
  after: Prediction;
  input: Grid;
  perturbation: Grid;
  perturbed: Grid;
}
export function readAdversarial(out: InspectOut): AdversarialResult {
  return {
    epoch: out.epoch,
    label: out.label,
    eps: Number(out.eps),
    before: prediction(out.before, "before"),
    after: prediction(out.after, "after"),
    input: grid(out.input, "input"),
    perturbation: grid(out.perturbation, "perturbation"),
    perturbed: grid(out.perturbed, "perturbed"),
  };
}

// ---- sequences ---------------------------------------------------------------------------

export interface AttentionLayer {
  layer: string;
  type: string;
  heads: Grid[]; // (L query, L key)
}
export function readAttention(out: InspectOut): {
  epoch: number;
  tokens: string[] | null;
  layers: AttentionLayer[];
} {
  return {
    epoch: out.epoch,
    tokens: Array.isArray(out.tokens) ? out.tokens.map((t) => String(t)) : null,
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        heads: list(o.heads, "heads").map((h, j) => grid(h, `heads[${j}]`)),
      };
    }),
  };
}

export interface HiddenLayer {
  layer: string;
  type: string;
  directions: number;
  states: Grid; // (L, hidden * directions)
}
export function readHiddenStates(out: InspectOut): {
  epoch: number;
  tokens: string[] | null;
  layers: HiddenLayer[];
} {
  return {
    epoch: out.epoch,
    tokens: Array.isArray(out.tokens) ? out.tokens.map((t) => String(t)) : null,
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        directions: Number(o.directions ?? 1),
        states: grid(o.states, "states"),
      };
    }),
  };
}

// ---- predict, gradcheck ------------------------------------------------------------------

export type PredictOutput =
  | (Prediction & { kind: "class"; continuation: string | null })
  | { kind: "values"; values: number[] };
export function readPredict(out: InspectOut): {
  epoch: number;
  classes: string[] | null;
  outputs: PredictOutput[];
} {
  return {
    epoch: out.epoch,
    classes: Array.isArray(out.classes) ? out.classes.map((c) => String(c)) : null,
    outputs: list(out.outputs, "outputs").map((o, i): PredictOutput => {
      const x = obj(o, `outputs[${i}]`);
      if (Array.isArray(x.probabilities))
        return {
          kind: "class",
          ...prediction(x, `outputs[${i}]`),
          continuation: typeof x.continuation === "string" ? x.continuation : null,
        };
      return { kind: "values", values: nums(x.values, `outputs[${i}].values`) };
    }),
  };
}

export interface GradcheckLayer {
  layer: string;
  type: string;
  maxRelError: number | null;
  entries: number;
}
export function readGradcheck(out: InspectOut): {
  epoch: number;
  maxRelError: number | null;
  layers: GradcheckLayer[];
} {
  return {
    epoch: out.epoch,
    maxRelError: numOrNull(out.max_rel_error),
    layers: list(out.layers, "layers").map((l, i) => {
      const o = obj(l, `layers[${i}]`);
      return {
        layer: str(o.layer),
        type: str(o.type),
        maxRelError: numOrNull(o.max_rel_error),
        entries: Array.isArray(o.entries) ? o.entries.length : 0,
      };
    }),
  };
}

/** The top k classes of a probability vector, most likely first. */
export function topClasses(
  probabilities: number[],
  k: number,
  names?: string[] | null,
): { index: number; name: string; p: number }[] {
  return probabilities
    .map((p, index) => ({ index, name: names?.[index] ?? String(index), p }))
    .sort((a, b) => b.p - a.p)
    .slice(0, k);
}
