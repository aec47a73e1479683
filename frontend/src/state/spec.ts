// The spec the playground edits, as plain JSON, and the pure operations on it.
// Fields left at their catalog default are omitted, so specs (and their URLs) stay short.
import type { Catalog, Json, JsonObject, Param, SpecJson } from "../api/types";
import { jsonEqual } from "./json";

/** Where a layer sits: indices from model.layers down through Residual `layers`. */
export type LayerAddr = number[];

export function clone<T>(v: T): T {
  return structuredClone(v);
}

/** Set `name` on a copy of obj; a value equal to the param's default (or undefined) is dropped. */
export function setField(
  obj: JsonObject,
  param: Param | undefined,
  name: string,
  value: Json | undefined,
): JsonObject {
  const out = { ...obj };
  const isDefault =
    param !== undefined && !param.required && "default" in param && jsonEqual(value, param.default);
  if (value === undefined || isDefault) delete out[name];
  else out[name] = value;
  return out;
}

/** A field's current value: what the spec says, else the catalog default. */
export function fieldValue(obj: JsonObject, param: Param): Json | undefined {
  return param.name in obj ? obj[param.name] : (param.default as Json | undefined);
}

// Starting values for required fields that have no default, by PyTorch's argument names.
const STARTERS: Record<string, Json> = {
  out_features: 8,
  out_channels: 8,
  hidden_size: 16,
  num_embeddings: 32,
  embedding_dim: 16,
  embed_dim: 16,
  d_model: 16,
  num_heads: 2,
  nhead: 2,
  kernel_size: 3,
  normalized_shape: 8,
  shape: [-1],
  unflattened_size: [1, -1],
  layers: [],
};

/** A new layer of `type` with every required field filled in. */
export function newLayer(catalog: Catalog, type: string): JsonObject {
  const entry = findEntry(catalog.layers, type) ?? findEntry(catalog.activations, type);
  const layer: JsonObject = { type };
  for (const p of entry?.params ?? []) {
    if (!p.required) continue;
    layer[p.name] =
      p.name in STARTERS ? clone(STARTERS[p.name]) : typeof p.minimum === "number" ? p.minimum : 1;
  }
  return layer;
}

/** A layer changed to another type: a new one of that type, keeping the activation (usually
 * still wanted) unless it becomes a Residual block. */
export function retypeLayer(catalog: Catalog, layer: JsonObject, type: string): JsonObject {
  const next = newLayer(catalog, type);
  if (layer.activation !== undefined && next.type !== "Residual")
    next.activation = layer.activation;
  return next;
}

export function findEntry<T extends { type: string }>(
  list: T[],
  type: string | null,
): T | undefined {
  return type === null ? undefined : list.find((e) => e.type === type);
}

/** "model.layers[2].layers[0]": the JSON path the server uses in summaries and errors. */
export function layerPath(addr: LayerAddr): string {
  return `model${addr.map((i) => `.layers[${i}]`).join("")}`;
}

function stackAt(spec: SpecJson, parent: LayerAddr): JsonObject[] {
  let layers = spec.model.layers;
  for (const i of parent) {
    const inner = layers[i]?.layers;
    if (!Array.isArray(inner)) throw new Error(`no layer stack at ${layerPath(parent)}`);
    layers = inner as JsonObject[];
  }
  return layers;
}

/** Apply `edit` to the layer list that holds addr's last index, on a copy of the spec. */
function editStack(
  spec: SpecJson,
  addr: LayerAddr,
  edit: (layers: JsonObject[], i: number) => void,
): SpecJson {
  const out = clone(spec);
  edit(stackAt(out, addr.slice(0, -1)), addr[addr.length - 1]);
  return out;
}

export function getLayer(spec: SpecJson, addr: LayerAddr): JsonObject | undefined {
  return stackAt(spec, addr.slice(0, -1))[addr[addr.length - 1]];
}

/** Insert before addr (addr's last index may equal the stack length: append). */
export function insertLayer(spec: SpecJson, addr: LayerAddr, layer: JsonObject): SpecJson {
  return editStack(spec, addr, (layers, i) =>
    layers.splice(Math.min(i, layers.length), 0, clone(layer)),
  );
}

export function removeLayer(spec: SpecJson, addr: LayerAddr): SpecJson {
  return editStack(spec, addr, (layers, i) => layers.splice(i, 1));
}

export function replaceLayer(spec: SpecJson, addr: LayerAddr, layer: JsonObject): SpecJson {
  return editStack(spec, addr, (layers, i) => {
    layers[i] = layer;
  });
}

export function duplicateLayer(spec: SpecJson, addr: LayerAddr): SpecJson {
  return editStack(spec, addr, (layers, i) => layers.splice(i + 1, 0, clone(layers[i])));
}

/** Move a layer up (delta -1) or down (+1) within its stack; out of range is a no-op. */
export function moveLayer(spec: SpecJson, addr: LayerAddr, delta: number): SpecJson {
  return editStack(spec, addr, (layers, i) => {
    const j = i + delta;
    if (j < 0 || j >= layers.length) return;
    const [layer] = layers.splice(i, 1);
    layers.splice(j, 0, layer);
  });
}

/** Switch to another data set, keeping only the params the new one also has. */
export function setDataset(spec: SpecJson, catalog: Catalog, id: string): SpecJson {
  const entry = catalog.datasets.find((d) => d.id === id);
  const keep = new Set((entry?.params ?? []).map((p) => p.name));
  const data: SpecJson["data"] = { dataset: id };
  for (const [k, v] of Object.entries(spec.data)) if (k !== "dataset" && keep.has(k)) data[k] = v;
  return { ...spec, data };
}

/** The spec a new visitor starts from: the classic spiral with a small tanh MLP. */
export function starterSpec(): SpecJson {
  return {
    name: "",
    data: { dataset: "spiral" },
    model: {
      layers: [
        { type: "Linear", out_features: 8, activation: { type: "Tanh" } },
        { type: "Linear", out_features: 8, activation: { type: "Tanh" } },
        { type: "Linear", out_features: 2 },
      ],
    },
    training: { epochs: 50, batch_size: 10, optimizer: { type: "SGD", lr: 0.03, momentum: 0.9 } },
  };
}

/** Check that untrusted JSON (a URL, a preset) has the shape of a spec before the editor takes it. */
export function asSpec(v: unknown): SpecJson | null {
  if (!v || typeof v !== "object" || Array.isArray(v)) return null;
  const s = v as Record<string, unknown>;
  const data = s.data as Record<string, unknown> | undefined;
  const model = s.model as Record<string, unknown> | undefined;
  if (!data || typeof data !== "object" || typeof data.dataset !== "string") return null;
  if (
    !model ||
    !Array.isArray(model.layers) ||
    !model.layers.every((l) => l && typeof l === "object")
  )
    return null;
  const training =
    s.training && typeof s.training === "object" && !Array.isArray(s.training) ? s.training : {};
  return { ...(s as object), data, model, training } as SpecJson;
}
