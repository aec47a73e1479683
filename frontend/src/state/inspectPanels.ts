// Which pictures of a run's insides to show, from its summary (layer types, input shape, task)
// and whether its data are 2-D points. Pure; InsidePanels renders what this returns.
import type { Summary } from "../api/types";

export type DataKind = "2d" | "image" | "sequence" | "text" | "tabular";

export type PanelId =
  | "graph" // the MLP drawn as a graph of unit heat maps (2-D sets)
  | "timeline" // the epoch slider (the boundary on it for 2-D sets)
  | "filters"
  | "feature_maps"
  | "saliency"
  | "adversarial"
  | "receptive_field"
  | "attention"
  | "hidden_states"
  | "activations"
  | "weights"
  | "gradcheck"
  | "try_plane"
  | "try_draw"
  | "try_text"
  | "try_sequence";

const CONV = new Set(["Conv1d", "Conv2d"]);
const POOL = new Set(["MaxPool1d", "MaxPool2d", "AvgPool1d", "AvgPool2d"]);
const RNN = new Set(["RNN", "GRU", "LSTM"]);
const ATTENTION = new Set(["MultiheadAttention", "TransformerEncoderLayer"]);
/** Layers a "dense" network (drawable as a graph) may hold besides Linear. */
const DENSE_EXTRA = new Set([
  "Maxout",
  "Dropout",
  "BatchNorm1d",
  "LayerNorm",
  "ReLU",
  "LeakyReLU",
  "PReLU",
  "ELU",
  "GELU",
  "SiLU",
  "Tanh",
  "Sigmoid",
  "Sign",
  "Step",
  "Identity",
  "Softmax",
  "LogSoftmax",
]);

export interface PanelInput {
  summary: Summary | null;
  /** The run streams a plane of 2-D points (its `start` message has `plane`). */
  plane: boolean;
  /** spec.data.dataset, when known: "text" for chars, the drawing's scale for images. */
  dataset?: string | null;
}

/** The kind of data a run learns from, told by its summary. */
export function dataKind({ summary, plane, dataset }: PanelInput): DataKind {
  if (plane) return "2d";
  if (dataset === "chars") return "text";
  const shape = summary?.input_shape ?? [];
  if (shape.length === 3) return "image";
  const first = summary?.layers.find((r) => r.depth === 0)?.type;
  if (first === "Embedding") return "text";
  if (shape.length === 2) return "sequence";
  return "tabular";
}

/** The panels that fit a run, in page order; [] until its summary is known. */
export function choosePanels(input: PanelInput): PanelId[] {
  const { summary } = input;
  if (!summary) return [];
  const types = new Set(summary.layers.map((r) => r.type));
  const has = (set: Set<string>) => [...types].some((t) => set.has(t));
  const kind = dataKind(input);
  const classifier = summary.task === "classification";
  const out: PanelId[] = [];
  const dense = [...types].every((t) => t === "Linear" || DENSE_EXTRA.has(t));
  if (kind === "2d" && types.has("Linear") && dense) out.push("graph");
  out.push("timeline");
  if (kind === "2d") out.push("try_plane");
  if (has(CONV)) out.push("filters");
  if (kind === "image" && has(CONV)) out.push("feature_maps");
  if (kind === "image" && classifier) out.push("saliency", "adversarial");
  if (has(CONV) || has(POOL)) out.push("receptive_field");
  if (kind === "image" && classifier && (summary.input_shape[0] ?? 1) === 1) out.push("try_draw");
  if (has(ATTENTION)) out.push("attention");
  if (has(RNN)) out.push("hidden_states");
  if (kind === "text") out.push("try_text");
  if (kind === "sequence") out.push("try_sequence");
  out.push("activations", "weights", "gradcheck");
  return out;
}

/** Largest raw pixel value a drawing is scaled to: digits (8x8) are 0..16, other images 0..255. */
export function pixelMax(dataset: string | null | undefined, inputShape: number[] = []): number {
  if (dataset) return dataset === "digits" ? 16 : 255;
  return inputShape[inputShape.length - 1] === 8 ? 16 : 255;
}

/** The convolution layers a filters picture can show: spec path and a label ("layers[0] Conv2d(16, k=3)"). */
export function convLayers(summary: Summary): { path: string; label: string }[] {
  return summary.layers
    .filter((r) => CONV.has(r.type))
    .map((r) => ({ path: r.path, label: `${r.path.replace("model.", "")} ${r.label}` }));
}
