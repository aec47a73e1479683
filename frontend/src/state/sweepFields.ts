// The fields of the spec on screen a sweep can vary: numbers (lr, widths, batch size, l2,
// seed...) and choices (activations, optimizer), each with the JSON path the server's sweep
// uses ("training.optimizer.lr", "model.layers[0].out_features").
import type { Catalog, Json, JsonObject, Param, SpecJson } from "../api/types";
import { fieldKind } from "./fields";
import { findEntry } from "./spec";

export type SweepField =
  | {
      path: string;
      kind: "number";
      integer: boolean;
      min?: number;
      max?: number;
      /** Spans orders of magnitude: a range is better spaced on a log scale. */
      log: boolean;
      current: Json | undefined;
      help: string;
    }
  | { path: string; kind: "choice"; options: string[]; current: Json | undefined; help: string };

/** Params that change how a run is watched or where it runs, not what it learns. */
const SKIPPED = new Set(["device", "cuda_graphs", "log_every", "boundary_every"]);
/** Multiplicative knobs: their good values differ by factors of 10. */
const LOG_SCALE = new Set(["lr", "weight_decay", "l1", "l2", "eps"]);

type Schema = Record<string, unknown>;

/** A union with an integer variant (batch_size: int | "full") sweeps as that integer. */
function integerVariant(p: Param): Schema | undefined {
  return ((p.anyOf ?? []) as Schema[]).find((v) => v.type === "integer");
}

function bound(s: Schema, key: "minimum" | "maximum"): number | undefined {
  const ex = key === "minimum" ? s.exclusiveMinimum : s.exclusiveMaximum;
  const v = s[key] ?? ex;
  return typeof v === "number" ? v : undefined;
}

function fieldOf(
  path: string,
  p: Param,
  current: Json | undefined,
  catalog: Catalog,
): SweepField | null {
  if (SKIPPED.has(p.name)) return null;
  const help = p.description ?? "";
  const kind = fieldKind(p);
  const log = LOG_SCALE.has(p.name);
  if (kind.kind === "number")
    return {
      path,
      kind: "number",
      integer: kind.integer,
      min: kind.min,
      max: kind.max,
      log,
      current,
      help,
    };
  const int = integerVariant(p);
  if (int)
    return {
      path,
      kind: "number",
      integer: true,
      min: bound(int, "minimum"),
      max: bound(int, "maximum"),
      log,
      current,
      help,
    };
  if (kind.kind === "enum")
    return { path, kind: "choice", options: kind.options.map(String), current, help };
  if (kind.kind === "choice" && kind.from === "activations") {
    // An activation may be written "ReLU" or {"type": "ReLU"}; the sweep gives names.
    const name = isObj(current) ? current.type : current;
    const options = catalog.activations.map((a) => a.type);
    return { path, kind: "choice", options, current: name ?? undefined, help };
  }
  return null;
}

function isObj(v: Json | undefined): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function paramFields(
  prefix: string,
  obj: JsonObject,
  params: Param[],
  catalog: Catalog,
): SweepField[] {
  const out: SweepField[] = [];
  for (const p of params) {
    const current = p.name in obj ? obj[p.name] : (p.default as Json | undefined);
    const f = fieldOf(`${prefix}.${p.name}`, p, current, catalog);
    if (f) out.push(f);
  }
  return out;
}

/** Every field of `spec` a sweep can vary, most often tuned first: the optimizer, the
 * training, each top-level layer, then the data. */
export function sweepFields(spec: SpecJson, catalog: Catalog): SweepField[] {
  const out: SweepField[] = [];
  const training = spec.training;
  const opt = isObj(training.optimizer) ? training.optimizer : { type: "SGD" };
  const optEntry = findEntry(catalog.optimizers, String(opt.type ?? "SGD"));
  out.push({
    path: "training.optimizer.type",
    kind: "choice",
    options: catalog.optimizers.map((o) => o.type).filter((t) => t !== "Perceptron"),
    current: opt.type ?? "SGD",
    help: "The optimizer (its other settings stay as written).",
  });
  out.push(...paramFields("training.optimizer", opt, optEntry?.params ?? [], catalog));
  // Nested objects (loss, scheduler, early stopping...) are left out: fieldOf skips them.
  out.push(...paramFields("training", training, catalog.training, catalog));
  spec.model.layers.forEach((layer, i) => {
    const prefix = `model.layers[${i}]`;
    const type = String(layer.type ?? "");
    const act = findEntry(catalog.activations, type);
    if (act) {
      out.push({
        path: `${prefix}.type`,
        kind: "choice",
        options: catalog.activations.map((a) => a.type),
        current: type,
        help: "This activation layer's function.",
      });
      return;
    }
    out.push(...paramFields(prefix, layer, findEntry(catalog.layers, type)?.params ?? [], catalog));
  });
  const ds = catalog.datasets.find((d) => d.id === spec.data.dataset);
  out.push(...paramFields("data", spec.data, ds?.params ?? [], catalog));
  return out;
}

/** "training.optimizer.lr" -> "lr", "model.layers[0].out_features" -> "layers[0].out_features":
 * short enough for a table header or a tile label. */
export function shortPath(path: string): string {
  return path
    .replace(/^training\.optimizer\.type$/, "optimizer")
    .replace(/^training\.optimizer\./, "")
    .replace(/^training\./, "")
    .replace(/^model\./, "");
}
