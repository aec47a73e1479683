// Transfer learning on a layer card: where a layer's starting weights come from, whether it
// is frozen, and what the source layer looks like. Pure functions; LayerTransfer renders them.
import type { JsonObject, Summary } from "../api/types";

/** The spec fields this module owns: the generic forms leave them to the transfer panel. */
export const TRANSFER_FIELDS = ["from_run", "freeze"];

export interface FromRun {
  run: number;
  layer: string; // "model.layers[0]"
  epoch: number | "last";
}

export function fromRunOf(layer: JsonObject): FromRun | null {
  const f = layer.from_run as JsonObject | null | undefined;
  if (!f || typeof f !== "object") return null;
  const epoch = f.epoch === undefined || f.epoch === "last" ? "last" : Number(f.epoch);
  return { run: Number(f.run), layer: String(f.layer ?? ""), epoch };
}

export function isFrozen(layer: JsonObject): boolean {
  return layer.freeze === true;
}

/** The layer with `from_run` set, or removed (null); other fields untouched. */
export function withFromRun(layer: JsonObject, from: FromRun | null): JsonObject {
  const { from_run: _, ...rest } = layer;
  return from ? { ...rest, from_run: { ...from } } : rest;
}

/** The layer frozen or not; `freeze: false` is the default, so it is left out. */
export function withFreeze(layer: JsonObject, freeze: boolean): JsonObject {
  const { freeze: _, ...rest } = layer;
  return freeze ? { ...rest, freeze: true } : rest;
}

/** "8 → 16 (24 params)"-style text for a source layer, from the source run's summary. */
export function describeSource(summary: Summary | null | undefined, path: string): string | null {
  const row = summary?.layers.find((r) => r.path === path);
  if (!row) return null;
  const shape = (s: number[]) => (s.length ? s.join("×") : "scalar");
  return `${row.type}: ${shape(row.input_shape)} → ${shape(row.output_shape)}, ${row.params} params`;
}

/** Text typed as an epoch: "last" (or empty), or a whole number >= 0; null: neither. */
export function parseEpoch(text: string): number | "last" | null {
  const t = text.trim();
  if (t === "" || t === "last") return "last";
  return /^\d+$/.test(t) ? Number(t) : null;
}
