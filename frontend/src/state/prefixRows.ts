// Layer cards' shape badges when the spec does not validate: the layers before the first
// error keep the output shape and parameters the last good validation gave them, as long as
// they (and the data) are exactly what that validation saw. Decided this way, not by asking
// the server about a prefix of the stack: no extra request, and a prefix alone can fail for
// reasons of its own (its output no longer matches the loss).
import type { ErrorItem, LayerRow, SpecJson, Summary } from "../api/types";
import { jsonEqual } from "./json";

/** A spec that validated, and what the server said about it. */
export interface Checked {
  spec: SpecJson;
  summary: Summary;
}

const TOP = /^model\.layers\[(\d+)\]/;

/** Index in model.layers of the first layer whose shape is in doubt: the first layer with an
 * error; 0 when the data or the model as a whole is wrong; Infinity when only training
 * settings are (they never change a shape). */
export function firstBadLayer(errors: ErrorItem[]): number {
  let first = Number.POSITIVE_INFINITY;
  for (const e of errors) {
    const m = TOP.exec(e.path);
    if (m) first = Math.min(first, Number(m[1]));
    else if (!e.path.startsWith("training.") && e.path !== "training") first = 0;
  }
  return first;
}

/** Rows by path ("model.layers[2]", "model.layers[2].layers[0]") for the layer cards. */
export function layerRows(
  spec: SpecJson,
  summary: Summary | null,
  errors: ErrorItem[],
  lastGood: Checked | null,
): Map<string, LayerRow> {
  const rows = new Map<string, LayerRow>();
  if (summary && !errors.length) {
    for (const r of summary.layers) rows.set(r.path, r);
    return rows;
  }
  if (!lastGood || !jsonEqual(lastGood.spec.data, spec.data)) return rows;
  const bad = firstBadLayer(errors);
  const now = spec.model.layers;
  const then = lastGood.spec.model.layers;
  let same = 0; // layers 0..same-1 are unchanged since the good validation
  while (same < now.length && same < then.length && same < bad && jsonEqual(now[same], then[same]))
    same++;
  for (const r of lastGood.summary.layers) {
    const m = TOP.exec(r.path);
    if (m && Number(m[1]) < same) rows.set(r.path, r);
  }
  return rows;
}
