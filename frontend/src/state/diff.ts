// The ablation table: which spec fields differ between runs, as flattened JSON paths.
import type { Json, SpecJson } from "../api/types";
import { isObject, jsonEqual } from "./json";

export interface DiffRow {
  path: string; // "training.optimizer.lr", "model.layers[1].type", "data.features"
  values: (Json | undefined)[]; // one per spec; undefined = the field is absent there
}

/** Top-level fields that label a run rather than change what it trains. */
const IGNORED = new Set(["name", "description"]);

type Kind = "object" | "array" | "leaf";

/** Arrays of plain values (features, betas, kernel sizes) compare whole; arrays holding
 * objects (layers) compare per index. */
function kindOf(v: Json): Kind {
  if (isObject(v)) return "object";
  if (Array.isArray(v) && v.some((x) => typeof x === "object" && x !== null)) return "array";
  return "leaf";
}

function childPath(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

function unionKeys(objects: ({ [key: string]: Json } | undefined)[]): string[] {
  const keys = new Set<string>();
  for (const o of objects) if (o) for (const k of Object.keys(o)) keys.add(k);
  return [...keys];
}

function walk(path: string, values: (Json | undefined)[], rows: DiffRow[]): void {
  const present = values.filter((v): v is Json => v !== undefined);
  if (present.length === 0) return;
  const kinds = new Set(present.map(kindOf));
  // A null next to objects is an unset sub-object (early_stopping: null vs {...}): descend,
  // showing its fields as absent, which reads better than one cell of JSON.
  if (kinds.has("object") && present.every((v) => v === null || isObject(v))) {
    const objs = values.map((v) => (isObject(v) ? v : undefined));
    for (const k of unionKeys(objs)) {
      if (path === "" && IGNORED.has(k)) continue;
      walk(
        childPath(path, k),
        objs.map((o) => (o ? o[k] : undefined)),
        rows,
      );
    }
    return;
  }
  if (kinds.has("array") && present.every(Array.isArray)) {
    const arrays = values as (Json[] | undefined)[];
    const n = Math.max(...arrays.map((a) => a?.length ?? 0));
    for (let i = 0; i < n; i++)
      walk(
        `${path}[${i}]`,
        arrays.map((a) => a?.[i]),
        rows,
      );
    return;
  }
  const first = values[0];
  if (!values.every((v) => jsonEqual(v, first))) rows.push({ path, values: [...values] });
}

/** The fields that differ between specs (name and description excluded), in the order
 * they first appear; layers compare per index, so an extra layer gives rows for its index. */
export function diffSpecs(specs: SpecJson[]): DiffRow[] {
  if (specs.length < 2) return [];
  const rows: DiffRow[] = [];
  walk("", specs as unknown as Json[], rows);
  return rows;
}

/** A cell: "—" for absent, plain text for strings and numbers, compact JSON otherwise. */
export function formatValue(v: Json | undefined): string {
  if (v === undefined) return "—";
  if (typeof v === "string") return v;
  if (typeof v === "number" || typeof v === "boolean") return String(v);
  return JSON.stringify(v);
}
