// Which widget edits a catalog param, and how text typed into it becomes JSON.
// Generated forms depend only on this: a new layer or optimizer in the engine needs no UI code.
import type { Json, Param } from "../api/types";

export type CatalogKey = "activations" | "inits" | "losses" | "optimizers" | "schedulers";

export type FieldKind =
  | { kind: "choice"; from: CatalogKey; nullable: boolean } // {type: ..., ...params}
  | { kind: "layers" } // a nested layer stack (Residual)
  | { kind: "object"; name: string; nullable: boolean } // a nested spec object (SplitSpec, ...)
  | { kind: "bool" }
  | { kind: "enum"; options: (string | number)[]; nullable: boolean }
  | { kind: "multi"; options: string[] } // a list of distinct enum values (features)
  | { kind: "number"; integer: boolean; nullable: boolean; min?: number; max?: number }
  | { kind: "text"; nullable: boolean } // free text, or a union such as 3 | [3, 3] | "same"
  | { kind: "numbers"; integer: boolean }; // a fixed or free list of numbers: "1, 28, 28"

type Schema = Record<string, unknown>;

const CATALOG_KEYS: CatalogKey[] = ["activations", "inits", "losses", "optimizers", "schedulers"];

function isNull(s: Schema): boolean {
  return s.type === "null";
}

/** The widget for a param: the server's hints first (choices/object), then its JSON Schema. */
export function fieldKind(p: Param): FieldKind {
  const hint = p as Param & { choices?: string; object?: string; nullable?: boolean };
  const variants = (p.anyOf ?? []) as Schema[];
  const nullable = Boolean(hint.nullable) || variants.some(isNull);
  if (hint.choices === "layers") return { kind: "layers" };
  if (hint.choices && (CATALOG_KEYS as string[]).includes(hint.choices)) {
    return { kind: "choice", from: hint.choices as CatalogKey, nullable };
  }
  if (hint.object) return { kind: "object", name: hint.object, nullable };
  const concrete = variants.filter((v) => !isNull(v));
  // `int | None` and friends: the non-null variant decides, the field may be left empty.
  const s: Schema =
    concrete.length === 1 ? { ...concrete[0], ...p, anyOf: undefined } : (p as unknown as Schema);
  if (concrete.length > 1) return { kind: "text", nullable };
  if (s.type === "boolean") return { kind: "bool" };
  if (Array.isArray(s.enum))
    return { kind: "enum", options: s.enum as (string | number)[], nullable };
  if (s.type === "integer" || s.type === "number") {
    return {
      kind: "number",
      integer: s.type === "integer",
      nullable,
      min: (s.minimum ?? s.exclusiveMinimum) as number | undefined,
      max: (s.maximum ?? s.exclusiveMaximum) as number | undefined,
    };
  }
  if (s.type === "array") {
    const items = (s.items ?? (s.prefixItems as Schema[] | undefined)?.[0] ?? {}) as Schema;
    if (Array.isArray(items.enum)) return { kind: "multi", options: items.enum as string[] };
    if (items.type === "integer" || items.type === "number") {
      return { kind: "numbers", integer: items.type === "integer" };
    }
  }
  return { kind: "text", nullable };
}

/** Show a JSON value in a text box: lists as "1, 2", null as "". */
export function toText(v: unknown): string {
  if (v === null || v === undefined) return "";
  if (Array.isArray(v)) return v.map((x) => toText(x)).join(", ");
  if (typeof v === "object") return JSON.stringify(v);
  return String(v);
}

export type Parsed = { ok: true; value: Json } | { ok: false; error: string };

const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

/** Parse what was typed into a text-like field; the server still validates the result. */
export function parseText(text: string, kind: FieldKind): Parsed {
  const t = text.trim();
  if (kind.kind === "number") {
    if (t === "")
      return kind.nullable ? { ok: true, value: null } : { ok: false, error: "required" };
    if (!NUMBER.test(t)) return { ok: false, error: "not a number" };
    const n = Number(t);
    if (kind.integer && !Number.isInteger(n)) return { ok: false, error: "must be a whole number" };
    return { ok: true, value: n };
  }
  if (kind.kind === "numbers") {
    const parts = t.split(/[\s,]+|(?<=\d)[x×](?=\d)/).filter(Boolean); // "1, 28, 28" or "28x28"
    if (!parts.length) return { ok: false, error: "give at least one number" };
    if (!parts.every((x) => NUMBER.test(x)))
      return { ok: false, error: "numbers separated by commas" };
    const nums = parts.map(Number);
    if (kind.integer && !nums.every(Number.isInteger))
      return { ok: false, error: "whole numbers only" };
    return { ok: true, value: nums };
  }
  if (kind.kind === "text") {
    // Unions such as `3 | [3, 3] | "same"`: a number, a list of numbers, else the word itself.
    if (t === "") return kind.nullable ? { ok: true, value: null } : { ok: true, value: "" };
    if (NUMBER.test(t)) return { ok: true, value: Number(t) };
    const parts = t.split(/[\s,]+/).filter(Boolean);
    if (parts.length > 1 && parts.every((x) => NUMBER.test(x)))
      return { ok: true, value: parts.map(Number) };
    return { ok: true, value: t };
  }
  return { ok: true, value: t };
}

/** The `type` a choice value names: specs may use the shorthand "ReLU" for {type: "ReLU"}. */
export function choiceType(v: unknown): string | null {
  if (typeof v === "string") return v;
  if (v && typeof v === "object" && typeof (v as { type?: unknown }).type === "string") {
    return (v as { type: string }).type;
  }
  return null;
}

// The fields that define a layer, shown on its card even at their default: a learner reads a
// Conv2d as "8 channels, 3x3 kernel, padding 1", so those stay in view; what is rarely changed
// (dilation, groups, bias, eps, ...) folds away. Required fields are always defining.
export const DEFINING_FIELDS: readonly string[] = [
  "out_features",
  "out_channels",
  "kernel_size",
  "stride",
  "padding",
  "output_size",
  "hidden_size",
  "num_layers",
  "return_sequences",
  "embedding_dim",
  "num_heads",
  "nhead",
  "causal",
  "p",
  "mode",
  "kind",
  "shape",
];
// Shown on every layer even at its default: the activation is the choice people make most.
const ALWAYS_SHOWN = ["activation"];

/** Whether a param defines its layer (always in view) rather than tuning it (folded). */
export function isDefining(p: Param): boolean {
  return Boolean(p.required) || DEFINING_FIELDS.includes(p.name) || ALWAYS_SHOWN.includes(p.name);
}

/** A layer's params in view (defining ones, those set in the spec, the activation) and folded
 * away (the rest). */
export function splitParams(
  params: Param[],
  value: Record<string, unknown>,
): { main: Param[]; more: Param[] } {
  const shown = (p: Param) => isDefining(p) || p.name in value;
  // The layer's own arguments first; the activation every layer shares comes last.
  const main = params
    .filter(shown)
    .sort((a, b) => Number(ALWAYS_SHOWN.includes(a.name)) - Number(ALWAYS_SHOWN.includes(b.name)));
  return { main, more: params.filter((p) => !shown(p)) };
}
